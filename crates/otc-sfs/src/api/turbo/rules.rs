//! Permission rules (`/shares/{id}/fs/perm-rules`): create up to five,
//! list, show, update `rw_type`/`user_type`, delete. `ip_cidr` cannot be
//! changed; an unknown rule is the reference's 400 "Invalid rule id".

use super::{object, opt_str, page, query_int};
use crate::model::turbo::rules::{check_cidr, NewRule, MAX_PER_REQUEST, RW_TYPES, USER_TYPES};
use crate::model::turbo::PermRule;
use crate::turbo::errors::param;
use crate::turbo::SfsTurbo;
use otc_core::api::{Input, Reply};
use otc_core::body::Obj;
use otc_core::ApiResult;
use serde_json::{json, Value};

fn rule_json(r: &PermRule) -> Value {
    json!({"id": r.id, "ip_cidr": r.ip_cidr, "rw_type": r.rw_type, "user_type": r.user_type})
}

fn one_of(o: &Obj, key: &str, allowed: &[&str], required: bool) -> ApiResult<Option<String>> {
    match opt_str(o, key)? {
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
        Some(v) => Err(param(format!("{key} {v} is not one of {}", allowed.join(", ")))),
        None if required => Err(param(format!("{key} is required"))),
        None => Ok(None),
    }
}

impl SfsTurbo {
    pub fn create_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let body = object(input)?;
        let list = match body.get("rules") {
            Some(Value::Array(a)) if !a.is_empty() => a,
            None | Some(Value::Null) | Some(Value::Array(_)) => return Err(crate::turbo::errors::param_raw("Rules not allowed empty")),
            Some(_) => return Err(param("rules must be a list")),
        };
        if list.len() > MAX_PER_REQUEST {
            return Err(param(format!("at most {MAX_PER_REQUEST} rules can be added at once")));
        }
        let mut new: Vec<NewRule> = Vec::new();
        for r in list {
            let Some(o) = r.as_object() else { return Err(param("a rule must be an object")) };
            let raw = opt_str(o, "ip_cidr")?.ok_or_else(|| param("ip_cidr is required"))?;
            let cidr = check_cidr(raw).ok_or_else(|| param(format!("ip_cidr {raw} is not an IPv4 address or segment")))?;
            let rw = one_of(o, "rw_type", RW_TYPES, true)?.expect("required");
            let user = one_of(o, "user_type", USER_TYPES, true)?.expect("required");
            new.push((cidr, rw, user));
        }
        let added = self.call(input, |m| m.add_rules(id, new))?;
        Reply::json(200, &json!({"rules": added.iter().map(rule_json).collect::<Vec<_>>()}))
    }

    pub fn list_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let limit = query_int(input, "limit", 0)?;
        let offset = query_int(input, "offset", 0)?;
        let rules = self.call(input, |m| m.rules(id))?;
        Reply::json(200, &json!({"rules": page(&rules, offset, limit).iter().map(rule_json).collect::<Vec<_>>()}))
    }

    pub fn show_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (id, rule) = (input.param("share_id"), input.param("rule_id"));
        let r = self.call(input, |m| m.rule(id, rule))?;
        Reply::json(200, &rule_json(&r))
    }

    pub fn update_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (id, rule) = (input.param("share_id"), input.param("rule_id"));
        let body = object(input)?;
        if body.contains_key("ip_cidr") {
            return Err(param("ip_cidr cannot be changed"));
        }
        let rw = one_of(&body, "rw_type", RW_TYPES, false)?;
        let user = one_of(&body, "user_type", USER_TYPES, false)?;
        let r = self.call(input, |m| m.update_rule(id, rule, rw, user))?;
        Reply::json(200, &rule_json(&r))
    }

    pub fn delete_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (id, rule) = (input.param("share_id"), input.param("rule_id"));
        self.call(input, |m| m.delete_rule(id, rule))?;
        Ok(Reply::empty(204))
    }
}
