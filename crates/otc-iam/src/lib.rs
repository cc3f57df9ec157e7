//! Identity (IAM): domains, users, projects, regions, tokens and the
//! service catalog, as the OTC IAM API reference describes them.
//!
//! The model lives in [`model`]; [`api`] holds one module per group of
//! documented operations over it; [`ops`] is the operation table.

mod aksk;
pub mod api;
pub mod catalog;
pub mod credentials;
pub mod errors;
pub mod keys;
pub mod model;
mod obs;
mod ops;
pub mod revocation;
pub mod signing;
#[cfg(test)]
mod tests;
pub mod token;
pub mod users;

use chrono::{DateTime, Duration, Utc};
use keys::Keyring;
use model::{Domain, Project, Token, TokenProject, User, DOMAIN, PROJECT, USER};
use otc_core::api::{AuthFailure, Authenticator, CatalogEntry};
use otc_core::{ApiResult, Clock, Ctx};
use otc_store::{ListQuery, Store, StoreError, Tx, TxExt};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Identity settings: token lifetime and what exists out of the box.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamConfig {
    #[serde(default = "default_ttl")]
    pub token_ttl_seconds: u64,
    /// How old the key tokens are signed with gets before the next token
    /// is signed with a new one (0: never). The previous keys keep
    /// verifying what they signed until it has expired.
    #[serde(default = "default_rotation")]
    pub signing_key_rotation_seconds: u64,
    /// Regions besides those the seeded projects name.
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default = "default_domains")]
    pub domains: Vec<DomainSeed>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSeed {
    pub name: String,
    #[serde(default)]
    pub users: Vec<UserSeed>,
    /// Project names: a region (`eu-de`) or `<region>_<suffix>`.
    #[serde(default)]
    pub projects: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    pub name: String,
    pub password: String,
    /// Permanent access keys the user has from the start.
    #[serde(default)]
    pub access_keys: Vec<AccessKeySeed>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKeySeed {
    pub access: String,
    pub secret: String,
}

/// The default user's key pair (printed in the README, so SDKs and
/// Terraform work without first calling IAM).
pub const DEFAULT_ACCESS_KEY: &str = "OTCEMULATORADMINKEY1";
pub const DEFAULT_SECRET_KEY: &str = "EmulatorSecretKeyOfTheDefaultAdminUser01";

fn default_ttl() -> u64 {
    24 * 3600
}

fn default_rotation() -> u64 {
    24 * 3600
}

fn default_domains() -> Vec<DomainSeed> {
    vec![DomainSeed {
        name: "emulator".into(),
        users: vec![UserSeed {
            name: "admin".into(),
            password: "emulator".into(),
            access_keys: vec![AccessKeySeed { access: DEFAULT_ACCESS_KEY.into(), secret: DEFAULT_SECRET_KEY.into() }],
        }],
        projects: vec!["eu-de".into(), "eu-nl".into()],
    }]
}

impl Default for IamConfig {
    fn default() -> Self {
        IamConfig {
            token_ttl_seconds: default_ttl(),
            signing_key_rotation_seconds: default_rotation(),
            regions: Vec::new(),
            domains: default_domains(),
        }
    }
}

pub struct Iam {
    store: Store,
    clock: Clock,
    token_ttl: Duration,
    /// The longest a token or a temporary key lives: how long retired
    /// signing keys and revocation events are kept.
    longest_lifetime: Duration,
    /// The signing keys as stored (this process owns the store).
    keys: RwLock<Arc<Keyring>>,
    key_rotation: Option<Duration>,
    regions: Vec<String>,
    /// Every served service's catalog entries; set once all are mounted.
    catalog: RwLock<Vec<CatalogEntry>>,
    /// Token catalogs already rendered, per (project and region, base
    /// URL): the same for every token of a scope, and a fifth of the cost
    /// of issuing a token when rendered each time. Emptied when the
    /// entries change.
    rendered: RwLock<HashMap<(Option<(String, String)>, String), Arc<Catalog>>>,
}

/// A token catalog rendered once: as values for bodies built as values,
/// and as JSON text to splice into token bodies as is.
pub(crate) struct Catalog {
    pub values: Vec<serde_json::Value>,
    pub json: Box<serde_json::value::RawValue>,
}

impl Iam {
    /// Opens identity over `store`, creating whatever the configuration
    /// names that does not exist yet (ids stay stable across restarts).
    pub fn new(store: Store, clock: Clock, cfg: &IamConfig) -> ApiResult<Self> {
        let mut regions: Vec<String> = cfg.regions.clone();
        for d in &cfg.domains {
            regions.extend(d.projects.iter().map(|p| model::region_of(p).to_string()));
        }
        regions.sort();
        regions.dedup();
        let token_ttl = Duration::seconds(cfg.token_ttl_seconds as i64);
        let longest_lifetime = token_ttl.max(Duration::seconds(credentials::TEMP_MAX_SECONDS));
        let set = store.txn(|tx| keys::load(tx, clock.now(), longest_lifetime))?;
        let iam = Iam {
            store,
            clock,
            token_ttl,
            longest_lifetime,
            keys: RwLock::new(Arc::new(Keyring::new(set))),
            key_rotation: (cfg.signing_key_rotation_seconds > 0).then(|| Duration::seconds(cfg.signing_key_rotation_seconds as i64)),
            regions,
            catalog: RwLock::new(Vec::new()),
            rendered: RwLock::new(HashMap::new()),
        };
        iam.bootstrap(cfg)?;
        Ok(iam)
    }

    pub fn set_catalog(&self, entries: Vec<CatalogEntry>) {
        *self.catalog.write().expect("catalog lock") = entries;
        self.rendered.write().expect("catalog lock").clear();
    }

    /// The catalog of a token of `scope` (project id and region; none for
    /// a domain scope), as reached at `base_url`.
    pub(crate) fn token_catalog(&self, scope: Option<(&str, &str)>, base_url: &str) -> Arc<Catalog> {
        let key = (scope.map(|(p, r)| (p.to_string(), r.to_string())), base_url.to_string());
        if let Some(c) = self.rendered.read().expect("catalog lock").get(&key) {
            return c.clone();
        }
        let values = catalog::token_catalog(&self.catalog_entries(), &self.regions, scope, base_url);
        let json = serde_json::value::to_raw_value(&values).expect("a catalog of JSON values serialises");
        let c = Arc::new(Catalog { values, json });
        let mut rendered = self.rendered.write().expect("catalog lock");
        // Base URLs follow the Host header: bounded, whatever clients send.
        if rendered.len() >= 1024 {
            rendered.clear();
        }
        rendered.insert(key, c.clone());
        c
    }

    pub fn catalog_entries(&self) -> Vec<CatalogEntry> {
        self.catalog.read().expect("catalog lock").clone()
    }

    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    fn bootstrap(&self, cfg: &IamConfig) -> ApiResult<()> {
        let now = self.clock.now();
        self.store.txn(|tx| {
            // Stores of older emulators kept a document per token and per
            // temporary key; those tokens and keys no longer verify.
            for kind in [model::LEGACY_TOKEN, credentials::TEMP_CREDENTIAL] {
                for r in tx.list(&ListQuery { kind, ..Default::default() })? {
                    tx.delete(kind, &r.id)?;
                }
            }
            revocation::purge(tx, now, None)?;
            for seed in &cfg.domains {
                let domain = match tx.list_docs::<Domain>(&ListQuery { kind: DOMAIN, key: Some(&seed.name), ..Default::default() })?.pop() {
                    Some(d) => d,
                    None => {
                        let d = Domain { id: otc_core::ids::hex32(), name: seed.name.clone(), enabled: true, description: String::new() };
                        tx.insert_doc(DOMAIN, &d.id, &d.id, Some(&d.name), &d)?;
                        d
                    }
                };
                let admin_group = match model::group_by_name(tx, &domain.id, model::ADMIN_GROUP)? {
                    Some(g) => g,
                    None => {
                        let g = model::Group {
                            id: otc_core::ids::hex32(),
                            name: model::ADMIN_GROUP.into(),
                            domain_id: domain.id.clone(),
                            description: "User group that has the permission for all system operations".into(),
                            create_time: now,
                        };
                        tx.insert_doc(model::GROUP, &g.id, &domain.id, Some(&model::name_key(&domain.id, &g.name)), &g)?;
                        g
                    }
                };
                for (i, u) in seed.users.iter().enumerate() {
                    let key = model::name_key(&domain.id, &u.name);
                    let existing = tx.list_docs::<User>(&ListQuery { kind: USER, key: Some(&key), ..Default::default() })?.pop();
                    // The configuration is the truth for seeded users' passwords.
                    let salt = otc_core::ids::secret_hex(8);
                    let user = match existing {
                        Some(e) if e.password_matches(&u.password) => User { is_domain_owner: e.is_domain_owner || i == 0, ..e },
                        Some(e) => {
                            // A changed password ends the user's tokens, as in Keystone.
                            revocation::revoke(tx, revocation::Subject::User(&e.id), now, now + self.longest_lifetime, now)?;
                            User {
                                password_sha256: model::hash_password(&salt, &u.password),
                                password_salt: salt,
                                is_domain_owner: e.is_domain_owner || i == 0,
                                ..e
                            }
                        }
                        None => User {
                            id: otc_core::ids::hex32(),
                            name: u.name.clone(),
                            domain_id: domain.id.clone(),
                            enabled: true,
                            password_sha256: model::hash_password(&salt, &u.password),
                            password_salt: salt,
                            description: String::new(),
                            email: String::new(),
                            areacode: String::new(),
                            phone: String::new(),
                            pwd_status: false,
                            access_mode: "default".into(),
                            default_project_id: None,
                            // The first configured user is the account's own.
                            is_domain_owner: i == 0,
                            create_time: Some(now),
                            update_time: None,
                            last_login_time: None,
                        },
                    };
                    tx.put_doc(USER, &user.id, &domain.id, Some(&key), &user)?;
                    // Configured users administer their domain.
                    model::add_member(tx, &admin_group.id, &user.id)?;
                    for k in &u.access_keys {
                        if tx.get(credentials::CREDENTIAL, &k.access)?.is_some() {
                            continue;
                        }
                        let c = credentials::Credential {
                            access: k.access.clone(),
                            secret: k.secret.clone(),
                            user_id: user.id.clone(),
                            domain_id: domain.id.clone(),
                            status: "active".into(),
                            description: "configured".into(),
                            create_time: now,
                            last_use_time: now,
                        };
                        tx.insert_doc(credentials::CREDENTIAL, &c.access, &user.id, None, &c)?;
                    }
                }
                // Region projects first: sub-projects hang below them.
                let mut names = seed.projects.clone();
                names.sort_by_key(|n| n.contains('_'));
                for name in names {
                    if model::project_by_name(tx, &domain.id, &name)?.is_some() {
                        continue;
                    }
                    let key = model::name_key(&domain.id, &name);
                    let parent_id = if name.contains('_') {
                        match model::project_by_name(tx, &domain.id, model::region_of(&name))? {
                            Some(p) => p.id,
                            None => domain.id.clone(),
                        }
                    } else {
                        domain.id.clone()
                    };
                    let p = Project {
                        id: otc_core::ids::hex32(),
                        name: name.clone(),
                        domain_id: domain.id.clone(),
                        parent_id,
                        description: String::new(),
                        enabled: true,
                        status: "normal".into(),
                        suspended_time: None,
                    };
                    tx.insert_doc(PROJECT, &p.id, &domain.id, Some(&key), &p)?;
                }
            }
            Ok(())
        })
    }

    /// The current signing keys.
    pub(crate) fn keyring(&self) -> Arc<Keyring> {
        self.keys.read().expect("key lock").clone()
    }

    /// The keys to sign with: rotated first when the signing key is due.
    pub(crate) fn signing_keyring(&self) -> ApiResult<Arc<Keyring>> {
        let ring = self.keyring();
        match self.key_rotation {
            Some(age) if ring.due(self.clock.now(), age) => self.rotate(Some(age)),
            _ => Ok(ring),
        }
    }

    /// Rotates the signing keys now (the control API's
    /// `POST /_emulator/signing-keys/rotate`).
    pub fn rotate_signing_keys(&self) -> ApiResult<Arc<Keyring>> {
        self.rotate(None)
    }

    fn rotate(&self, due: Option<Duration>) -> ApiResult<Arc<Keyring>> {
        // Held across the write, so the ring in memory is the stored one.
        let mut held = self.keys.write().expect("key lock");
        let set = self.store.txn(|tx| keys::rotate(tx, self.clock.now(), self.longest_lifetime, due))?;
        let ring = Arc::new(Keyring::new(set));
        *held = ring.clone();
        Ok(ring)
    }

    /// The token the client holds, if identity signed it and nothing has
    /// revoked it since: expired tokens too (callers decide).
    pub(crate) fn find_token(&self, secret: &str) -> ApiResult<Option<Token>> {
        let Some(claims) = token::open(&self.keyring(), secret) else {
            return Ok(None);
        };
        Ok(self.store.txn(|tx| resolve_token(tx, claims))?)
    }

    /// When revocation events for tokens issued now can be forgotten.
    pub(crate) fn revocation_horizon(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.longest_lifetime
    }
}

/// A token's claims with today's names of its user, domain and project;
/// `None` when one of them is gone (or the user disabled), or an event
/// revoked it.
pub(crate) fn resolve_token(tx: &mut dyn Tx, c: token::Claims) -> Result<Option<Token>, StoreError> {
    let Some(user) = tx.get_doc::<User>(USER, &c.user_id)? else {
        return Ok(None);
    };
    if !user.enabled {
        return Ok(None);
    }
    let Some(domain) = tx.get_doc::<Domain>(DOMAIN, &user.domain_id)? else {
        return Ok(None);
    };
    let roles = model::roles_of(tx, &user)?;
    let project = match &c.scope {
        // Without a role on the project the token grants nothing there.
        token::Scope::Project(_) if roles.is_empty() => return Ok(None),
        token::Scope::Project(id) => match tx.get_doc::<Project>(PROJECT, id)? {
            Some(p) if p.domain_id == domain.id => {
                let region = p.region().to_string();
                Some(TokenProject { id: p.id, name: p.name, region })
            }
            _ => return Ok(None),
        },
        token::Scope::Domain(id) if *id == domain.id => None,
        token::Scope::Domain(_) => return Ok(None),
    };
    let t = Token {
        methods: c.methods,
        issued_at: c.issued_at,
        expires_at: c.expires_at,
        audit_id: c.audit_id,
        user_id: user.id,
        user_name: user.name,
        domain_id: domain.id,
        domain_name: domain.name,
        project,
        roles,
    };
    if revocation::revoked(tx, &t)? {
        return Ok(None);
    }
    Ok(Some(t))
}

impl Authenticator for Iam {
    fn authenticate_token(&self, secret: &str, request_id: &str) -> Result<Ctx, AuthFailure> {
        let token = match self.find_token(secret) {
            Ok(Some(t)) => t,
            Ok(None) => return Err(AuthFailure::Invalid),
            Err(e) => {
                tracing::error!(error = %e, "token lookup failed");
                return Err(AuthFailure::Invalid);
            }
        };
        if token.expires_at <= self.clock.now() {
            return Err(AuthFailure::Expired);
        }
        Ok(Ctx {
            request_id: request_id.to_string(),
            domain_id: token.domain_id,
            domain_name: token.domain_name,
            user_id: token.user_id,
            user_name: token.user_name,
            project_id: token.project.as_ref().map(|p| p.id.clone()),
            project_name: token.project.as_ref().map(|p| p.name.clone()),
            region: token.project.map(|p| p.region),
            roles: token.roles,
            token_id: Some(secret.to_string()),
        })
    }

    fn authenticate_signature(&self, req: &otc_core::api::SignedRequest<'_>, request_id: &str) -> Result<Ctx, AuthFailure> {
        if req.authorization.starts_with("OBS ") {
            return self.verify_obs_signature(req, request_id);
        }
        self.verify_signature(req, request_id)
    }
}
