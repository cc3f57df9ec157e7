//! Turning an AK/SK-signed request into a caller, as the API gateway does:
//! the key must exist and be active (or be a temporary key presented with
//! the security token that carries it, unexpired), the signature must
//! match what the client's signer computes over the request as received, and
//! `X-Sdk-Date` must be within 15 minutes of the emulator's clock. The
//! project comes from `X-Project-Id` or the URL, the domain from the user
//! (`X-Domain-Id` must agree).

use crate::credentials::{self, Credential, CREDENTIAL};
use crate::model::{Domain, Project, User, DOMAIN, PROJECT, USER};
use crate::signing::{self, Wire};
use crate::Iam;
use chrono::{Duration, NaiveDateTime, Utc};
use otc_core::api::{AuthFailure, SignedRequest};
use otc_core::Ctx;
use otc_store::TxExt;

/// The gateway's tolerance for client clocks.
const MAX_SKEW_MINUTES: i64 = 15;

fn fail(detail: impl Into<String>) -> AuthFailure {
    AuthFailure::Signature(detail.into())
}

/// Why an access key was not accepted: `unknown` when no key of that
/// name can be found (OBS's `InvalidAccessKeyId`).
pub(crate) struct KeyRefusal {
    pub unknown: bool,
    pub detail: String,
}

/// What a key resolves to before the signature is checked.
pub(crate) struct Key {
    pub secret: String,
    pub user_id: String,
    /// A temporary key's project, used when the request names none.
    pub project_id: Option<String>,
    /// A permanent key whose last use should be recorded.
    permanent: Option<Credential>,
}

impl Iam {
    pub(crate) fn verify_signature(&self, req: &SignedRequest<'_>, request_id: &str) -> Result<Ctx, AuthFailure> {
        let auth = signing::parse_authorization(req.authorization).ok_or_else(|| fail("the Authorization header is malformed"))?;
        let date = (req.header)("x-sdk-date").ok_or_else(|| fail("x-sdk-date not found"))?;
        let signed_at = NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ")
            .map_err(|_| fail(format!("x-sdk-date {date} is not in the format yyyyMMddTHHmmssZ")))?
            .and_utc();
        let now = self.clock.now();
        if (now - signed_at).abs() > Duration::minutes(MAX_SKEW_MINUTES) {
            return Err(fail(format!("signature expired, signature time:{date},server time:{}", now.format("%Y%m%dT%H%M%SZ"))));
        }
        if let Some(scope) = &auth.scope {
            if !scope.starts_with(&date[..8]) {
                return Err(fail("verify aksk signature fail"));
            }
        }
        let key = self.key_for(&auth.access_key, (req.header)("x-security-token"), now).map_err(|r| fail(r.detail))?;
        let mut candidates = vec![req.path];
        candidates.extend(req.unprefixed);
        let matches = candidates.iter().any(|path| {
            let wire = Wire { method: req.method, path, query: req.query, header: req.header, body: req.body };
            signing::signature(&wire, &auth, &key.secret).is_some_and(|s| signing::same(&s, &auth.signature))
        });
        if !matches {
            return Err(fail("verify aksk signature fail"));
        }
        self.caller(req, key, now, request_id)
    }

    /// The key `ak` names: a stored permanent one, or the temporary one
    /// the security token presented (`token`) carries.
    pub(crate) fn key_for(&self, ak: &str, token: Option<&str>, now: chrono::DateTime<Utc>) -> Result<Key, KeyRefusal> {
        let refuse = |unknown, detail: String| KeyRefusal { unknown, detail };
        let permanent = self.store.txn(|tx| tx.get_doc::<Credential>(CREDENTIAL, ak)).map_err(|e| {
            tracing::error!(error = %e, "access key lookup failed");
            refuse(false, "verify aksk signature fail".into())
        })?;
        if let Some(c) = permanent {
            if c.status != "active" {
                return Err(refuse(false, format!("the access key {ak} is inactive")));
            }
            return Ok(Key { secret: c.secret.clone(), user_id: c.user_id.clone(), project_id: None, permanent: Some(c) });
        }
        // A temporary key is carried by its security token.
        let ring = self.keyring();
        let temporary = credentials::is_temp_access_key(&ring, ak);
        match token {
            Some(token) => match credentials::open_temp_key(&ring, token) {
                Some((t, secret)) if signing::same(&t.access, ak) => {
                    if t.expires_at <= now {
                        return Err(refuse(false, "the securitytoken has expired".into()));
                    }
                    return Ok(Key { secret, user_id: t.user_id, project_id: t.project_id, permanent: None });
                }
                _ if temporary => return Err(refuse(false, "the security token is invalid".into())),
                _ => {}
            },
            None if temporary => {
                return Err(refuse(true, "x-security-token not found: a temporary access key needs its security token".into()))
            }
            None => {}
        }
        let masked = format!("{}******", ak.chars().take(4).collect::<String>());
        Err(refuse(true, format!("Get secretKey failed,ak:{masked},err:ak not exist")))
    }

    /// The caller a verified key stands for, in the project the request names.
    fn caller(&self, req: &SignedRequest<'_>, key: Key, now: chrono::DateTime<Utc>, request_id: &str) -> Result<Ctx, AuthFailure> {
        let wanted_project = (req.header)("x-project-id").or(req.url_project).map(str::to_string).or(key.project_id.clone());
        let wanted_domain = (req.header)("x-domain-id").map(str::to_string);
        self.caller_in(key, wanted_project, wanted_domain, now, request_id).map_err(fail)
    }

    /// The caller of `key` in `wanted_project` (none: unscoped); a refusal
    /// is its detail.
    pub(crate) fn caller_in(
        &self,
        key: Key,
        wanted_project: Option<String>,
        wanted_domain: Option<String>,
        now: chrono::DateTime<Utc>,
        request_id: &str,
    ) -> Result<Ctx, String> {
        let fail = |d: String| d;
        let resolved = self.store.txn(|tx| {
            let user = tx.get_doc::<User>(USER, &key.user_id)?;
            let domain = match &user {
                Some(u) => tx.get_doc::<Domain>(DOMAIN, &u.domain_id)?,
                None => None,
            };
            let project = match &wanted_project {
                Some(p) => tx.get_doc::<Project>(PROJECT, p)?,
                None => None,
            };
            let roles = match &user {
                Some(u) => crate::model::roles_of(tx, u)?,
                None => Vec::new(),
            };
            // Record the key's use, at most once a minute.
            if let Some(mut c) = key.permanent.clone() {
                if now - c.last_use_time > Duration::minutes(1) {
                    c.last_use_time = now;
                    tx.update_doc(CREDENTIAL, &c.access, &c.user_id, None, &c)?;
                }
            }
            Ok::<_, otc_store::StoreError>((user, domain, project, roles))
        });
        let (user, domain, project, roles) = resolved.map_err(|e| {
            tracing::error!(error = %e, "caller lookup failed");
            fail("verify aksk signature fail".into())
        })?;
        let (Some(user), Some(domain)) = (user, domain) else {
            return Err(fail("the user of this access key cannot be found".into()));
        };
        if !user.enabled {
            return Err(fail(format!("the user {} with this access key is disabled", user.name)));
        }
        if wanted_domain.as_ref().is_some_and(|d| d != &domain.id) {
            return Err(fail("the domain in X-Domain-Id is not the access key's".into()));
        }
        let project = match (wanted_project, project) {
            // Without a role there, as a token scoped to it is refused.
            (Some(p), Some(_)) if roles.is_empty() => return Err(fail(format!("the user has no role in the project {p}"))),
            (Some(_), Some(found)) if found.domain_id == domain.id => Some(found),
            (Some(p), _) => return Err(fail(format!("the project {p} cannot be found"))),
            (None, _) => None,
        };
        Ok(Ctx {
            request_id: request_id.to_string(),
            domain_id: domain.id,
            domain_name: domain.name,
            user_id: user.id,
            user_name: user.name,
            project_id: project.as_ref().map(|p| p.id.clone()),
            project_name: project.as_ref().map(|p| p.name.clone()),
            region: project.as_ref().map(|p| p.region().to_string()),
            roles,
            token_id: None,
        })
    }
}
