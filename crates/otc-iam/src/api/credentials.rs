//! /v3.0/OS-CREDENTIAL: permanent access keys (create, list, show,
//! modify, delete; two per user) and temporary keys with a security token.
//! A user acts on its own keys; an administrator of the account (every
//! user of the emulator holds `te_admin`) on any user's of its domain.

use super::body;
use crate::credentials::*;
use crate::model::{User, USER};
use crate::{errors, Iam};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult, Ctx};
use otc_store::{ListQuery, Tx, TxExt};
use serde_json::{json, Value};

/// `2020-01-08T06:25:19.014028Z`.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn credential_json(c: &Credential, with_secret: bool, with_last_use: bool) -> Value {
    let mut v = json!({
        "access": c.access, "user_id": c.user_id, "status": c.status,
        "create_time": ts(c.create_time), "description": c.description,
    });
    if with_secret {
        v["secret"] = json!(c.secret);
    }
    if with_last_use {
        v["last_use_time"] = json!(ts(c.last_use_time));
    }
    v
}

fn is_admin(ctx: &Ctx) -> bool {
    ctx.roles.iter().any(|r| r == "te_admin" || r == "secu_admin")
}

/// The user whose keys the caller addresses: itself, or (as an
/// administrator) another user of its domain.
fn target_user(tx: &mut dyn Tx, ctx: &Ctx, user_id: &str) -> ApiResult<User> {
    if user_id != ctx.user_id && !is_admin(ctx) {
        return Err(errors::not_authorized());
    }
    match tx.get_doc::<User>(USER, user_id)? {
        Some(u) if u.domain_id == ctx.domain_id => Ok(u),
        _ => Err(errors::not_found("user", user_id)),
    }
}

/// A key the caller may see: its own, or any of its domain as an administrator.
fn visible_key(tx: &mut dyn Tx, ctx: &Ctx, access: &str) -> ApiResult<Credential> {
    match tx.get_doc::<Credential>(CREDENTIAL, access)? {
        Some(c) if c.domain_id == ctx.domain_id && (c.user_id == ctx.user_id || is_admin(ctx)) => Ok(c),
        _ => Err(errors::not_found("credential", access)),
    }
}

fn check_description(d: &str) -> ApiResult<()> {
    if d.chars().count() > 255 {
        return Err(errors::invalid_field("description", d));
    }
    Ok(())
}

impl Iam {
    pub fn create_credential(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let root = body::root(input)?;
        let c = body::object(&root, "credential")?;
        let user_id = body::string(c, "user_id")?.to_string();
        let description = body::opt_str(c, "description")?.unwrap_or("").to_string();
        check_description(&description)?;
        let now = self.clock.now();
        let cred = self.store.txn(|tx| {
            let user = target_user(tx, ctx, &user_id)?;
            let existing = tx.list(&ListQuery { kind: CREDENTIAL, scope: Some(&user.id), ..Default::default() })?.len();
            if existing >= KEYS_PER_USER {
                return Err(ApiError::new(400, "akSkNumExceed", "akSkNumExceed").with_kind("Bad Request"));
            }
            let cred = Credential {
                access: new_access_key(),
                secret: new_secret_key(),
                user_id: user.id.clone(),
                domain_id: user.domain_id.clone(),
                status: "active".into(),
                description,
                create_time: now,
                last_use_time: now,
            };
            tx.insert_doc(CREDENTIAL, &cred.access, &user.id, None, &cred)?;
            Ok(cred)
        })?;
        Reply::json(201, &json!({"credential": credential_json(&cred, true, false)}))
    }

    pub fn list_credentials(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let user_id = input.query.get("user_id").unwrap_or(&ctx.user_id).to_string();
        let mut creds = self.store.txn(|tx| {
            let user = target_user(tx, ctx, &user_id)?;
            Ok::<_, ApiError>(tx.list_docs::<Credential>(&ListQuery { kind: CREDENTIAL, scope: Some(&user.id), ..Default::default() })?)
        })?;
        creds.sort_by(|a, b| b.create_time.cmp(&a.create_time));
        Reply::json(200, &json!({"credentials": creds.iter().map(|c| credential_json(c, false, false)).collect::<Vec<_>>()}))
    }

    pub fn show_credential(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let access = input.param("access_key");
        let c = self.store.txn(|tx| visible_key(tx, ctx, access))?;
        Reply::json(200, &json!({"credential": credential_json(&c, false, true)}))
    }

    pub fn update_credential(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let access = input.param("access_key");
        let root = body::root(input)?;
        let c = body::object(&root, "credential")?;
        let status = body::opt_str(c, "status")?.map(str::to_string);
        if let Some(s) = &status {
            if s != "active" && s != "inactive" {
                return Err(errors::invalid_field("status", s));
            }
        }
        let description = body::opt_str(c, "description")?.map(str::to_string);
        if let Some(d) = &description {
            check_description(d)?;
        }
        let cred = self.store.txn(|tx| {
            let mut cred = visible_key(tx, ctx, access)?;
            if let Some(s) = status {
                cred.status = s;
            }
            if let Some(d) = description {
                cred.description = d;
            }
            tx.update_doc(CREDENTIAL, &cred.access, &cred.user_id, None, &cred)?;
            Ok::<_, ApiError>(cred)
        })?;
        Reply::json(200, &json!({"credential": credential_json(&cred, false, false)}))
    }

    pub fn delete_credential(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let access = input.param("access_key");
        self.store.txn(|tx| {
            visible_key(tx, ctx, access)?;
            tx.delete(CREDENTIAL, access)?;
            Ok::<_, ApiError>(())
        })?;
        Ok(Reply::empty(204))
    }

    /// POST /v3.0/OS-CREDENTIAL/securitytokens with the `token` method: a
    /// temporary key for the token's user (and project), 15 min to 24 h.
    pub fn create_security_token(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body::root(input)?;
        let auth = body::object(&root, "auth")?;
        let identity = body::object(auth, "identity")?;
        let methods = match identity.get("methods") {
            Some(Value::Array(m)) => m.iter().filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>(),
            _ => return Err(errors::required("methods")),
        };
        if methods != ["token"] {
            // Agencies (assume_role) are not modelled: no such API here.
            if methods.iter().any(|m| m == "assume_role") {
                return Err(ApiError::unknown_api());
            }
            return Err(errors::invalid_field("methods", &methods.join(",")));
        }
        let token_obj = body::opt_object(identity, "token")?;
        let duration = match token_obj.and_then(|t| t.get("duration_seconds")) {
            None | Some(Value::Null) => 900,
            Some(Value::Number(n)) if n.as_i64().is_some_and(|d| (900..=86400).contains(&d)) => n.as_i64().unwrap_or(900),
            Some(other) => return Err(errors::invalid_field("duration_seconds", &other.to_string())),
        };
        let presented = match input.header("x-auth-token") {
            Some(t) => t.to_string(),
            None => match token_obj.map(|t| body::opt_str(t, "id")).transpose()?.flatten() {
                Some(id) => id.to_string(),
                None => return Err(errors::authentication_required()),
            },
        };
        let now = self.clock.now();
        let token = self.find_token(&presented)?.ok_or_else(errors::token_invalid)?;
        if token.expires_at <= now {
            return Err(errors::token_expired());
        }
        let ring = self.signing_keyring()?;
        let project = token.project.as_ref().map(|p| p.id.as_str());
        let temp = issue_temp_key(&ring, &token.user_id, project, now + Duration::seconds(duration));
        Reply::json(
            201,
            &json!({"credential": {
                "access": temp.key.access, "secret": temp.secret, "securitytoken": temp.security_token,
                "expires_at": ts(temp.key.expires_at),
            }}),
        )
    }
}
