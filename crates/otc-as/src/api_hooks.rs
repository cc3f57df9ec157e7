//! The AS lifecycle hook facade: create, modify, show, list, delete, the
//! callback, and the instance hanging information.

use crate::errors::as_error;
use crate::hooks::*;
use crate::wire::*;
use crate::AutoScaling;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Map, Value};

fn hook_json(h: &Hook) -> Value {
    json!({
        "lifecycle_hook_name": h.name, "lifecycle_hook_type": h.hook_type, "default_result": h.default_result,
        "default_timeout": h.default_timeout, "notification_topic_urn": h.notification_topic_urn,
        "notification_topic_name": h.notification_topic_urn.rsplit(':').next().unwrap_or(""),
        "notification_metadata": h.notification_metadata, "create_time": ts(h.create_time),
    })
}

/// The fields a create or modify may set.
fn apply(o: &Map<String, Value>, h: &mut Hook, creating: bool) -> ApiResult<()> {
    match opt_str(o, "lifecycle_hook_type")? {
        Some(t) if t == "INSTANCE_LAUNCHING" || t == "INSTANCE_TERMINATING" => h.hook_type = t,
        Some(_) => return Err(as_error("AS.7033", "")),
        None if creating => return Err(as_error("AS.7037", "")),
        None => {}
    }
    match opt_str(o, "default_result")? {
        Some(r) if r == "ABANDON" || r == "CONTINUE" => h.default_result = r,
        Some(_) => return Err(as_error("AS.7034", "")),
        None => {}
    }
    if let Some(v) = o.get("default_timeout") {
        match v.as_i64() {
            Some(t) if (60..=86400).contains(&t) => h.default_timeout = t as u32,
            _ => return Err(as_error("AS.7030", "")),
        }
    }
    match opt_str(o, "notification_topic_urn")? {
        Some(u) if u.starts_with("urn:smn:") => h.notification_topic_urn = u,
        Some(_) => return Err(as_error("AS.7043", "")),
        None if creating => return Err(as_error("AS.7043", "")),
        None => {}
    }
    if let Some(m) = opt_str(o, "notification_metadata")? {
        if m.chars().count() > 256 {
            return Err(as_error("AS.7035", ""));
        }
        if m.contains(['<', '>', '&', '\'', '(', ')']) {
            return Err(as_error("AS.7055", ""));
        }
        h.notification_metadata = Some(m);
    }
    Ok(())
}

impl AutoScaling {
    pub fn create_hook(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gid = input.param("scaling_group_id").to_string();
        let o = body(input)?;
        let name = opt_str(&o, "lifecycle_hook_name")?.unwrap_or_default();
        if name.is_empty() {
            return Err(as_error("AS.7032", ""));
        }
        if name.chars().count() > 32 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(as_error("AS.7031", ""));
        }
        let h = self.call(input, |sc| {
            sc.group(&gid)?;
            let mut h = Hook {
                project_id: sc.m.net.project.to_string(),
                group_id: gid.clone(),
                name: name.clone(),
                hook_type: String::new(),
                default_result: "ABANDON".into(),
                default_timeout: 3600,
                notification_topic_urn: String::new(),
                notification_metadata: None,
                create_time: sc.m.net.now,
            };
            apply(&o, &mut h, true)?;
            let existing = sc.hooks(&gid)?;
            if existing.iter().any(|e| e.name == name) {
                return Err(as_error("AS.7031", "A lifecycle hook of that name exists in the group.").into());
            }
            if existing.len() >= HOOKS_PER_GROUP {
                return Err(as_error("AS.7038", "").into());
            }
            sc.save_hook(&h, true)?;
            Ok(h)
        })?;
        Reply::json(200, &hook_json(&h))
    }

    pub fn update_hook(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (gid, name) = (input.param("scaling_group_id").to_string(), input.param("lifecycle_hook_name").to_string());
        let o = body(input)?;
        let h = self.call(input, |sc| {
            sc.group(&gid)?;
            let mut h = sc.hook(&gid, &name)?;
            apply(&o, &mut h, false)?;
            sc.save_hook(&h, false)?;
            Ok(h)
        })?;
        Reply::json(200, &hook_json(&h))
    }

    pub fn show_hook(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (gid, name) = (input.param("scaling_group_id").to_string(), input.param("lifecycle_hook_name").to_string());
        let h = self.call(input, |sc| {
            sc.group(&gid)?;
            sc.hook(&gid, &name)
        })?;
        Reply::json(200, &hook_json(&h))
    }

    pub fn list_hooks(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gid = input.param("scaling_group_id").to_string();
        let hooks = self.call(input, |sc| {
            sc.group(&gid)?;
            sc.hooks(&gid)
        })?;
        Reply::json(200, &json!({"lifecycle_hooks": hooks.iter().map(hook_json).collect::<Vec<_>>()}))
    }

    pub fn delete_hook(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (gid, name) = (input.param("scaling_group_id").to_string(), input.param("lifecycle_hook_name").to_string());
        self.call(input, |sc| {
            sc.group(&gid)?;
            sc.delete_hook(&gid, &name)
        })?;
        Ok(Reply::empty(204))
    }

    pub fn hook_callback(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gid = input.param("scaling_group_id").to_string();
        let o = body(input)?;
        let result = opt_str(&o, "lifecycle_action_result")?.ok_or_else(|| as_error("AS.7039", ""))?;
        let key = opt_str(&o, "lifecycle_action_key")?;
        let instance = opt_str(&o, "instance_id")?;
        let hook = opt_str(&o, "lifecycle_hook_name")?;
        if key.is_none() && (instance.is_none() || hook.is_none()) {
            return Err(as_error("AS.7040", ""));
        }
        self.call(input, |sc| {
            sc.group(&gid)?;
            let target = match (&instance, &hook) {
                (Some(i), Some(h)) => Some((i.as_str(), h.as_str())),
                _ => None,
            };
            sc.callback(&gid, key.as_deref(), target, &result)
        })?;
        Ok(Reply::empty(204))
    }

    pub fn hanging_info(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gid = input.param("scaling_group_id").to_string();
        let instance = input.query.get("instance_id").map(String::from);
        let records = self.call(input, |sc| {
            sc.settle(&gid)?;
            sc.hangings(&gid)
        })?;
        let items: Vec<Value> = records
            .iter()
            .filter(|r| instance.as_ref().is_none_or(|i| &r.instance_id == i))
            .map(|r| {
                json!({
                    "instance_id": r.instance_id, "scaling_group_id": r.group_id, "lifecycle_hook_name": r.hook_name,
                    "lifecycle_action_key": r.key, "default_result": r.default_result, "timeout": ts(r.timeout),
                    "lifecycle_hook_status": r.status,
                })
            })
            .collect();
        Reply::json(200, &json!({"instance_hanging_info": items}))
    }
}
