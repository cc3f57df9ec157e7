//! `POST /v2/{project_id}/shares/{share_id}/action`: one key names the
//! action (Manila's `action_peek`). Up to 2.6 the names carry `os-`
//! (`os-extend`, `os-allow_access`, ...), from 2.7 they do not, and
//! `access_list` ends at 2.44; a name outside its versions is Manila's
//! bare 404, an unknown one "There is no such action".

use super::version::{self, Mv};
use super::{empty, object, opt_int_like, reply};
use crate::errors::{bad_request, invalid_input, no_such_resource};
use crate::model::access::NewRule;
use crate::model::{rules_status, AccessRule};
use crate::Sfs;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Map, Value};

const ACTIONS: [&str; 6] = ["extend", "shrink", "allow_access", "deny_access", "access_list", "reset_task_state"];

/// An access rule as the action answers show it. Before 2.28 a rule has
/// no state of its own: it shows its share's (`new` while syncing).
pub fn rule_view(r: &AccessRule, share_rules: &[AccessRule], mv: Mv, with_share: bool) -> Value {
    let state = if mv.at_least(28) {
        r.state.clone()
    } else {
        match rules_status(share_rules) {
            "syncing" => "new".to_string(),
            other => other.to_string(),
        }
    };
    let mut v = json!({"id": r.id, "access_level": r.access_level, "access_to": r.access_to, "access_type": r.access_type, "state": state});
    let o = v.as_object_mut().expect("object");
    if with_share {
        o.insert("share_id".into(), json!(r.share_id));
    }
    if mv.at_least(21) {
        o.insert("access_key".into(), Value::Null);
    }
    if mv.at_least(33) {
        o.insert("created_at".into(), json!(super::shares::time(r.created_at)));
        o.insert("updated_at".into(), json!(super::shares::time(r.updated_at)));
    }
    v
}

fn string_member(o: &Map<String, Value>, key: &str) -> ApiResult<String> {
    match o.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(invalid_input(format!("{key} is required"))),
        Some(v) => Err(invalid_input(format!("{key} must be a string, not {}", super::py(v)))),
    }
}

impl Sfs {
    pub fn share_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let body = object(input)?;
        if body.len() != 1 {
            return Err(bad_request("Malformed request body"));
        }
        let (name, arg) = body.iter().next().expect("one member");
        let legacy = name.starts_with("os-");
        let action = name.strip_prefix("os-").unwrap_or(name);
        if !ACTIONS.contains(&action) {
            return Err(bad_request(format!("There is no such action: {name}")));
        }
        let experimental = input
            .header("x-openstack-manila-api-experimental")
            .is_some_and(|v| ["true", "1", "yes", "on", "t", "y"].contains(&v.trim().to_ascii_lowercase().as_str()));
        let served = match action {
            _ if legacy => !mv.at_least(7) && action != "reset_task_state",
            "access_list" => mv.within(7, 44),
            // Experimental until 2.96 (share migration), and only then
            // asked for with the experimental header.
            "reset_task_state" => mv.at_least(22) && experimental,
            _ => mv.at_least(7),
        };
        if !served {
            return Err(no_such_resource());
        }
        let id = input.param("share_id");
        match action {
            "extend" | "shrink" => {
                let size = arg.as_object().map(|o| opt_int_like(o, "new_size"));
                let Some(Ok(Some(new_size))) = size else {
                    // The share is looked up before its new size is read.
                    self.call(input, |m| m.share(id).map(drop))?;
                    return Err(bad_request("New share size must be specified as an integer."));
                };
                if action == "extend" {
                    self.call(input, |m| m.extend_share(id, new_size))?;
                } else {
                    self.call(input, |m| m.shrink_share(id, new_size))?;
                }
                empty(202, mv)
            }
            "allow_access" => {
                let Some(o) = arg.as_object() else {
                    return Err(bad_request(format!("Invalid input received: {name} must be an object.")));
                };
                let spec = NewRule {
                    access_type: string_member(o, "access_type")?,
                    access_to: string_member(o, "access_to")?,
                    access_level: super::opt_str(o, "access_level")?.map(str::to_string),
                };
                let before_2_28 = !mv.at_least(28);
                let (rule, rules) = self.call(input, |m| {
                    let rule = m.allow(id, spec, before_2_28)?;
                    Ok((rule, m.rules(id)?))
                })?;
                reply(200, &json!({"access": rule_view(&rule, &rules, mv, true)}), mv)
            }
            "deny_access" => {
                let Some(o) = arg.as_object() else {
                    return Err(bad_request(format!("Invalid input received: {name} must be an object.")));
                };
                let access_id = string_member(o, "access_id")?;
                if access_id.is_empty() || access_id.chars().count() > 36 {
                    return Err(invalid_input("access_id must have 1 to 36 characters"));
                }
                self.call(input, |m| m.deny(id, &access_id))?;
                empty(202, mv)
            }
            "reset_task_state" => {
                // Shares here never migrate, so their task state is always
                // null: resetting it to null (what `openstack share set`
                // sends with every change) is allowed and changes nothing;
                // setting a migration state is the admin's, as in Manila.
                let task_state = arg.as_object().map(|o| o.get("task_state").cloned().unwrap_or(Value::Null));
                self.call(input, |m| m.share(id).map(drop))?;
                match task_state {
                    Some(Value::Null) => empty(202, mv),
                    Some(_) => Err(crate::errors::forbidden("Policy doesn't allow share:reset_task_state to be performed.")),
                    None => Err(bad_request(format!("Invalid input received: {name} must be an object."))),
                }
            }
            _ => {
                let rules = self.call(input, |m| {
                    m.share(id)?;
                    m.rules(id)
                })?;
                let list: Vec<Value> = rules.iter().map(|r| rule_view(r, &rules, mv, false)).collect();
                reply(200, &json!({"access_list": list}), mv)
            }
        }
    }
}
