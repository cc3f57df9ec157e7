//! The account-level settings clients read: the password strength policy
//! and the IAM resource quotas of a domain and of a project.

use crate::model::{Project, PROJECT};
use crate::{errors, Iam};
use otc_core::api::{Input, Reply};
use otc_core::{ApiResult, Ctx};
use otc_store::TxExt;
use serde_json::{json, Value};

const PASSWORD_REGEX: &str = "^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$";
const PASSWORD_REGEX_DESCRIPTION: &str = "Passwords must contain at least 1 letter, 1 digit, and be a minimum length of 7 characters.";

/// Sub-projects a domain may create (OTC's default project quota).
pub const PROJECT_QUOTA: i64 = 10;

fn own_domain(ctx: &Ctx, domain_id: &str) -> ApiResult<()> {
    if ctx.domain_id != domain_id {
        return Err(errors::not_authorized());
    }
    Ok(())
}

fn quota(kind: &str, quota: i64, used: i64, max: i64, min: i64) -> Value {
    json!({"type": kind, "quota": quota, "used": used, "max": max, "min": min})
}

impl Iam {
    pub(crate) fn password_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        own_domain(input.ctx()?, input.param("domain_id"))?;
        Reply::json(
            200,
            &json!({"config": {"security_compliance": {
                "password_regex": PASSWORD_REGEX,
                "password_regex_description": PASSWORD_REGEX_DESCRIPTION,
            }}}),
        )
    }

    pub(crate) fn password_policy_option(&self, input: &Input<'_>) -> ApiResult<Reply> {
        own_domain(input.ctx()?, input.param("domain_id"))?;
        let value = match input.param("option") {
            "password_regex" => PASSWORD_REGEX,
            "password_regex_description" => PASSWORD_REGEX_DESCRIPTION,
            other => return Err(errors::invalid_param(&format!("option {other}"))),
        };
        Reply::json(200, &json!({"config": { input.param("option"): value }}))
    }

    pub(crate) fn project_quota(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let id = input.param("project_id");
        let used = self.store.txn(|tx| match tx.get_doc::<Project>(PROJECT, id)? {
            Some(p) if p.domain_id == ctx.domain_id => Ok(crate::model::subprojects_of(tx, &ctx.domain_id)?),
            _ => Err(errors::not_found("project", id)),
        })?;
        Reply::json(200, &json!({"quotas": {"resources": [quota("project", PROJECT_QUOTA, used, 50, 0)]}}))
    }

    pub(crate) fn domain_quota(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        own_domain(ctx, input.param("domain_id"))?;
        let users = self.store.txn(|tx| tx.count(crate::model::USER, Some(&ctx.domain_id)))? as i64;
        // Groups, identity providers, agencies and custom policies are not
        // modelled yet, so none are in use.
        let all = [
            quota("user", 50, users, 1000, users),
            quota("group", 20, 0, 200, 10),
            quota("idp", 10, 0, 50, 0),
            quota("agency", 50, 0, 200, 0),
            quota("policy", 200, 0, 500, 0),
        ];
        let resources: Vec<Value> = match input.query.get("type") {
            None => all.to_vec(),
            Some(t) => {
                let picked: Vec<Value> = all.iter().filter(|q| q["type"] == t).cloned().collect();
                if picked.is_empty() {
                    return Err(errors::invalid_param("type"));
                }
                picked
            }
        };
        Reply::json(200, &json!({"quotas": {"resources": resources}}))
    }
}
