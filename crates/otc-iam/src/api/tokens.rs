//! POST/GET/HEAD/DELETE /v3/auth/tokens.

use super::body::{self, Obj};
use crate::model::{self, Domain, Project, Token, TokenProject, User, DOMAIN, PROJECT, USER};
use crate::revocation::{self, Subject};
use crate::token::{self, Claims, Scope};
use crate::{errors, resolve_token, Iam};
use otc_core::api::{Input, Reply};
use otc_core::{time, ApiResult};
use otc_store::{ListQuery, Tx, TxExt};
use serde_json::{json, Value};

fn find_domain(tx: &mut dyn Tx, d: &Obj) -> ApiResult<Option<Domain>> {
    if let Some(id) = body::opt_str(d, "id")? {
        return Ok(tx.get_doc(DOMAIN, id)?);
    }
    match body::opt_str(d, "name")? {
        Some(name) => Ok(tx.list_docs::<Domain>(&ListQuery { kind: DOMAIN, key: Some(name), ..Default::default() })?.pop()),
        None => Err(errors::required("name")),
    }
}

/// The user a password identity names, if the password is right.
fn password_user(tx: &mut dyn Tx, identity: &Obj) -> ApiResult<User> {
    let pw = body::object(identity, "password")?;
    let u = body::object(pw, "user")?;
    let password = body::string(u, "password")?;
    let user = if let Some(id) = body::opt_str(u, "id")? {
        tx.get_doc::<User>(USER, id)?
    } else {
        let name = body::string(u, "name")?;
        let domain = find_domain(tx, body::object(u, "domain")?)?;
        match domain {
            Some(d) => {
                tx.list_docs::<User>(&ListQuery { kind: USER, key: Some(&model::name_key(&d.id, name)), ..Default::default() })?.pop()
            }
            None => None,
        }
    };
    let user = user.ok_or_else(errors::authentication_required)?;
    if !user.password_matches(password) {
        return Err(errors::wrong_password());
    }
    Ok(user)
}

impl Iam {
    pub(crate) fn issue_token(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body::root(input)?;
        let auth = body::object(&root, "auth")?;
        let identity = body::object(auth, "identity")?;
        let methods: Vec<String> = match identity.get("methods") {
            None | Some(Value::Null) => return Err(errors::required("methods")),
            Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => {
                a.iter().filter_map(|m| m.as_str().map(str::to_string)).collect()
            }
            Some(other) => return Err(errors::invalid_field("methods", &other.to_string())),
        };
        if !methods.iter().all(|m| token::known_method(m)) {
            return Err(errors::authentication_required());
        }
        // Sealed tokens keep microseconds: the body shows what validation will.
        let now = token::micros(self.clock.now());
        let ring = self.signing_keyring()?;
        let token = self.store.txn(|tx| {
            let mut user: Option<User> = None;
            let mut expires_at = now + self.token_ttl;
            if methods.iter().any(|m| m == "password") {
                user = Some(password_user(tx, identity)?);
            }
            if methods.iter().any(|m| m == "token") {
                // Re-scoping keeps the original token's expiry, as Keystone does.
                let presented = match body::opt_object(identity, "token")? {
                    Some(t) => body::string(t, "id")?.to_string(),
                    None => input.header("x-auth-token").map(str::to_string).ok_or_else(|| errors::required("token"))?,
                };
                let old = match token::open(&ring, &presented) {
                    Some(c) => resolve_token(tx, c)?,
                    None => None,
                };
                let old = old.ok_or_else(errors::token_invalid)?;
                if old.expires_at <= now {
                    return Err(errors::token_expired());
                }
                let u = tx.get_doc::<User>(USER, &old.user_id)?.ok_or_else(errors::token_invalid)?;
                if user.as_ref().is_some_and(|p| p.id != u.id) {
                    return Err(errors::authentication_required());
                }
                expires_at = old.expires_at;
                user = Some(u);
            }
            let user = user.ok_or_else(errors::authentication_required)?;
            if !user.enabled {
                return Err(errors::user_disabled(&user.name));
            }
            if user.access_mode == "console" {
                return Err(errors::console_only());
            }
            let domain = tx.get_doc::<Domain>(DOMAIN, &user.domain_id)?.ok_or_else(errors::authentication_required)?;
            let roles = model::roles_of(tx, &user)?;
            let scope = body::opt_object(auth, "scope")?;
            let project = match scope.map(|s| body::opt_object(s, "project")).transpose()?.flatten() {
                None => None,
                Some(p) => {
                    let found = if let Some(id) = body::opt_str(p, "id")? {
                        tx.get_doc::<Project>(PROJECT, id)?
                    } else {
                        let name = body::string(p, "name")?;
                        let pdomain = match body::opt_object(p, "domain")? {
                            Some(d) => find_domain(tx, d)?.ok_or_else(errors::project_unknown)?,
                            None => domain.clone(),
                        };
                        model::project_by_name(tx, &pdomain.id, name)?
                    };
                    let found = found.ok_or_else(errors::project_unknown)?;
                    if found.domain_id != user.domain_id {
                        return Err(errors::not_authorized());
                    }
                    // Keystone's answer to a user with no role on the project.
                    if roles.is_empty() {
                        return Err(errors::authentication_required());
                    }
                    Some(TokenProject { id: found.id.clone(), name: found.name.clone(), region: found.region().to_string() })
                }
            };
            if project.is_none() {
                if let Some(d) = scope.map(|s| body::opt_object(s, "domain")).transpose()?.flatten() {
                    let wanted = find_domain(tx, d)?;
                    if wanted.is_none_or(|w| w.id != domain.id) {
                        return Err(errors::not_authorized());
                    }
                }
            }
            Ok(Token {
                methods: token::canonical_methods(&methods),
                issued_at: now,
                expires_at,
                audit_id: token::new_audit_id(),
                user_id: user.id.clone(),
                user_name: user.name.clone(),
                domain_id: domain.id.clone(),
                domain_name: domain.name.clone(),
                project,
                roles,
            })
        })?;
        let scope = match &token.project {
            Some(p) => Scope::Project(p.id.clone()),
            None => Scope::Domain(token.domain_id.clone()),
        };
        let secret = token::seal(
            &ring,
            &Claims {
                methods: token.methods.clone(),
                issued_at: token.issued_at,
                expires_at: token.expires_at,
                audit_id: token.audit_id.clone(),
                user_id: token.user_id.clone(),
                scope,
            },
        );
        let with_catalog = input.query.get("nocatalog").is_none_or(str::is_empty);
        Ok(Reply::raw_json(201, self.token_body(&token, with_catalog, input.base_url)?).header("x-subject-token", secret))
    }

    /// The documented `{"token": {...}}` body, serialised. The catalog,
    /// most of the body and the same for every token of a scope, is spliced
    /// in as the JSON text rendered once ([`Iam::token_catalog`]).
    fn token_body(&self, t: &Token, with_catalog: bool, base_url: &str) -> ApiResult<Vec<u8>> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            token: Inner<'a>,
        }
        #[derive(serde::Serialize)]
        struct Inner<'a> {
            #[serde(flatten)]
            fields: &'a Value,
            #[serde(skip_serializing_if = "Option::is_none")]
            catalog: Option<&'a serde_json::value::RawValue>,
        }
        let domain = json!({"id": t.domain_id, "name": t.domain_name});
        let mut fields = json!({
            "methods": t.methods,
            "expires_at": time::iso_micros(t.expires_at),
            "issued_at": time::iso_micros(t.issued_at),
            "user": {"id": t.user_id, "name": t.user_name, "domain": domain, "password_expires_at": null},
            "roles": t.roles.iter().map(|r| json!({"id": "0", "name": r})).collect::<Vec<_>>(),
        });
        match &t.project {
            Some(p) => fields["project"] = json!({"id": p.id, "name": p.name, "domain": domain}),
            None => fields["domain"] = domain,
        }
        let scope = t.project.as_ref().map(|p| (p.id.as_str(), p.region.as_str()));
        let catalog = with_catalog.then(|| self.token_catalog(scope, base_url));
        let body = Body { token: Inner { fields: &fields, catalog: catalog.as_deref().map(|c| c.json.as_ref()) } };
        Ok(serde_json::to_vec(&body)?)
    }

    /// The subject token of a validate/revoke call, visible to the caller:
    /// unknown, revoked or another domain's tokens are all "not found".
    fn subject(&self, input: &Input<'_>, allow_expired: bool) -> ApiResult<(String, Token)> {
        let secret = input.header("x-subject-token").filter(|s| !s.is_empty()).ok_or_else(errors::subject_token_invalid)?;
        let ctx = input.ctx()?;
        let not_found = || errors::not_found("token", secret);
        let token = self.find_token(secret)?.ok_or_else(not_found)?;
        if token.domain_id != ctx.domain_id || (!allow_expired && token.expires_at <= self.clock.now()) {
            return Err(not_found());
        }
        Ok((secret.to_string(), token))
    }

    pub(crate) fn validate_token(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (secret, token) = self.subject(input, false)?;
        let with_catalog = input.query.get("nocatalog").is_none_or(str::is_empty);
        Ok(Reply::raw_json(200, self.token_body(&token, with_catalog, input.base_url)?).header("x-subject-token", secret))
    }

    pub(crate) fn check_token(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (secret, _) = self.subject(input, false)?;
        Ok(Reply::empty(200).header("x-subject-token", secret))
    }

    /// Revokes one token: an event naming its audit id, kept until the
    /// token would have expired (none for an expired token).
    pub(crate) fn revoke_token(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (_, t) = self.subject(input, true)?;
        let now = self.clock.now();
        self.store.txn(|tx| revocation::revoke(tx, Subject::Token(&t.audit_id), t.issued_at, t.expires_at, now))?;
        Ok(Reply::empty(204))
    }
}
