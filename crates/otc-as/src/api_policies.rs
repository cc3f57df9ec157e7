//! The AS v1 policy facade: create, modify, show, list per group, delete,
//! execute/resume/pause, batch actions, and policy execution logs.

use crate::errors::as_error;
use crate::policies::*;
use crate::wire::*;
use crate::AutoScaling;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Map, Value};

fn policy_json(p: &Policy) -> Value {
    let mut v = json!({
        "scaling_policy_id": p.id, "scaling_group_id": p.group_id, "scaling_policy_name": p.name,
        "scaling_policy_type": p.policy_type, "policy_status": p.status, "cool_down_time": p.cool_down_time,
        "create_time": ts(p.create_time),
    });
    let mut action = json!({"operation": if p.action.operation == "REDUCE" { "REMOVE" } else { p.action.operation.as_str() }});
    if let Some(n) = p.action.instance_number {
        action["instance_number"] = json!(n);
    }
    if let Some(n) = p.action.instance_percentage {
        action["instance_percentage"] = json!(n);
    }
    v["scaling_policy_action"] = action;
    match p.policy_type.as_str() {
        "ALARM" => v["alarm_id"] = json!(p.alarm_id),
        "SCHEDULED" => v["scheduled_policy"] = json!({"launch_time": p.schedule.as_ref().map(|s| s.launch_time.clone())}),
        _ => {
            if let Some(s) = &p.schedule {
                v["scheduled_policy"] = json!({"launch_time": s.launch_time, "recurrence_type": s.recurrence_type,
                    "recurrence_value": s.recurrence_value, "start_time": s.start_time, "end_time": s.end_time});
            }
        }
    }
    v
}

/// Validates and applies the policy fields of a create or modify body.
fn apply(o: &Map<String, Value>, p: &mut Policy, now: chrono::DateTime<chrono::Utc>, creating: bool) -> ApiResult<()> {
    if let Some(name) = opt_str(o, "scaling_policy_name")? {
        if name.is_empty() {
            return Err(as_error("AS.3013", ""));
        }
        if name.chars().count() > 64 {
            return Err(as_error("AS.3014", ""));
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(as_error("AS.3031", ""));
        }
        p.name = name;
    } else if creating {
        return Err(as_error("AS.3013", ""));
    }
    if let Some(t) = opt_str(o, "scaling_policy_type")? {
        if !["ALARM", "SCHEDULED", "RECURRENCE"].contains(&t.as_str()) {
            return Err(as_error("AS.3002", ""));
        }
        p.policy_type = t;
    } else if creating {
        return Err(as_error("AS.3011", ""));
    }
    if let Some(v) = o.get("cool_down_time") {
        match v.as_i64() {
            Some(c) if (0..=86400).contains(&c) => p.cool_down_time = c as u32,
            _ => return Err(as_error("AS.3012", "")),
        }
    }
    if let Some(a) = o.get("scaling_policy_action").and_then(Value::as_object) {
        let op = opt_str(a, "operation")?.unwrap_or_else(|| "ADD".into());
        if !["ADD", "REMOVE", "REDUCE", "SET"].contains(&op.as_str()) {
            return Err(as_error("AS.3017", ""));
        }
        let number = a.get("instance_number").and_then(Value::as_i64);
        let pct = a.get("instance_percentage").and_then(Value::as_i64);
        if number.is_some() && pct.is_some() {
            return Err(as_error("AS.3036", ""));
        }
        let floor = if op == "SET" { 0 } else { 1 };
        if let Some(n) = number {
            if !(floor..=200).contains(&n) {
                return Err(as_error("AS.3018", ""));
            }
        }
        if let Some(n) = pct {
            if !(floor..=20000).contains(&n) {
                return Err(as_error("AS.3035", ""));
            }
        }
        p.action = PolicyAction {
            operation: op,
            instance_number: number.map(|n| n as u32).or(if pct.is_none() { Some(1) } else { None }),
            instance_percentage: pct.map(|n| n as u32),
        };
    }
    match p.policy_type.as_str() {
        "ALARM" => {
            if let Some(a) = opt_str(o, "alarm_id")? {
                p.alarm_id = Some(a);
            }
            if p.alarm_id.as_deref().is_none_or(str::is_empty) {
                return Err(as_error("AS.3026", ""));
            }
            p.schedule = None;
        }
        kind => {
            if let Some(sp) = o.get("scheduled_policy").and_then(Value::as_object) {
                let launch = opt_str(sp, "launch_time")?.ok_or_else(|| as_error("AS.3008", ""))?;
                let mut sched = Schedule { launch_time: launch.clone(), ..Default::default() };
                if kind == "SCHEDULED" {
                    let at = parse_minute(&launch).ok_or_else(|| as_error("AS.3009", ""))?;
                    if at <= now {
                        return Err(as_error("AS.3010", "").into());
                    }
                } else {
                    if chrono::NaiveTime::parse_from_str(&launch, "%H:%M").is_err() {
                        return Err(as_error("AS.3009", ""));
                    }
                    let rtype = opt_str(sp, "recurrence_type")?.ok_or_else(|| as_error("AS.3023", ""))?;
                    let values: Vec<String> =
                        opt_str(sp, "recurrence_value")?.map(|v| v.split(',').map(|x| x.trim().to_string()).collect()).unwrap_or_default();
                    let range = match rtype.as_str() {
                        "Daily" => None,
                        "Weekly" => Some(1..=7),
                        "Monthly" => Some(1..=31),
                        _ => return Err(as_error("AS.3004", "")),
                    };
                    if let Some(r) = range {
                        if values.is_empty() {
                            return Err(as_error("AS.3024", ""));
                        }
                        if values.iter().any(|v| v.parse::<u32>().map_or(true, |n| !r.contains(&n))) {
                            return Err(as_error("AS.3025", ""));
                        }
                        sched.recurrence_value = Some(values.join(","));
                    }
                    let end = opt_str(sp, "end_time")?.ok_or_else(|| as_error("AS.3005", ""))?;
                    let end_at = parse_minute(&end).ok_or_else(|| as_error("AS.3006", ""))?;
                    if end_at <= now {
                        return Err(as_error("AS.3007", ""));
                    }
                    let start = opt_str(sp, "start_time")?.unwrap_or_else(|| now.format("%Y-%m-%dT%H:%MZ").to_string());
                    let start_at = parse_minute(&start).ok_or_else(|| as_error("AS.3028", ""))?;
                    if start_at >= end_at {
                        return Err(as_error("AS.3029", ""));
                    }
                    sched.recurrence_type = Some(rtype);
                    sched.start_time = Some(start);
                    sched.end_time = Some(end);
                }
                p.schedule = Some(sched);
            }
            if p.schedule.is_none() {
                return Err(as_error("AS.3003", ""));
            }
            p.alarm_id = None;
        }
    }
    Ok(())
}

impl AutoScaling {
    pub fn create_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        let group_id = opt_str(&o, "scaling_group_id")?.ok_or_else(|| as_error("AS.3019", ""))?;
        let quota = self.cfg.quotas.policies_per_group;
        let id = self.call(input, |sc| {
            let now = sc.m.net.now;
            sc.group(&group_id)?;
            let mut p = sc.new_policy(&group_id);
            apply(&o, &mut p, now, true)?;
            if sc.policies(&group_id)?.len() >= quota {
                return Err(as_error("AS.3032", "").into());
            }
            sc.save_policy(&p, true)?;
            Ok(p.id)
        })?;
        Reply::json(200, &json!({"scaling_policy_id": id}))
    }

    pub fn update_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        let o = body(input)?;
        self.call(input, |sc| {
            let group_id = sc.policy(&id)?.group_id;
            sc.run_due(&group_id)?;
            let mut p = sc.policy(&id)?;
            apply(&o, &mut p, sc.m.net.now, false)?;
            sc.save_policy(&p, false)
        })?;
        Reply::json(200, &json!({"scaling_policy_id": id}))
    }

    pub fn show_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        let p = self.call(input, |sc| {
            let p = sc.policy(&id)?;
            sc.run_due(&p.group_id)?;
            sc.policy(&id)
        })?;
        Reply::json(200, &json!({"scaling_policy": policy_json(&p)}))
    }

    pub fn list_policies(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gid = input.param("scaling_group_id").to_string();
        let q = input.query;
        let (start, limit) = paging(input, "AS.1001", "AS.1002")?;
        let name = q.get("scaling_policy_name").map(String::from);
        let kind = q.get("scaling_policy_type").map(String::from);
        let pid = q.get("scaling_policy_id").map(String::from);
        let mut all = self.call(input, |sc| {
            sc.group(&gid)?;
            sc.run_due(&gid)?;
            sc.policies(&gid)
        })?;
        all.retain(|p| {
            name.as_ref().is_none_or(|n| p.name.contains(n.as_str()))
                && kind.as_ref().is_none_or(|k| &p.policy_type == k)
                && pid.as_ref().is_none_or(|i| &p.id == i)
        });
        all.sort_by(|a, b| b.create_time.cmp(&a.create_time));
        let total = all.len();
        let items: Vec<Value> = page(all, start, limit).iter().map(policy_json).collect();
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_policies": items}))
    }

    pub fn delete_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        self.call(input, |sc| sc.delete_policy(&id))?;
        Ok(Reply::empty(204))
    }

    pub fn policy_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        let o = body(input)?;
        let action = opt_str(&o, "action")?.unwrap_or_default();
        self.call(input, |sc| {
            let group_id = sc.policy(&id)?.group_id;
            sc.run_due(&group_id)?;
            let mut p = sc.policy(&id)?;
            match action.as_str() {
                "execute" => {
                    let target_ready = sc.is_bandwidth_policy(&p)? || sc.group(&p.group_id)?.status == "INSERVICE";
                    if p.status != "INSERVICE" || !target_ready {
                        return Err(as_error("AS.3027", "").into());
                    }
                    let now = sc.m.net.now;
                    sc.execute_any(&p, "MANUAL", now)
                }
                "resume" | "pause" => {
                    p.status = if action == "resume" { "INSERVICE".into() } else { "PAUSED".into() };
                    sc.save_policy(&p, false)
                }
                _ => Err(as_error("AS.3022", "").into()),
            }
        })?;
        Ok(Reply::empty(204))
    }

    pub fn batch_policies(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        let ids: Vec<String> = opt_str_list(&o, "scaling_policy_id")?.unwrap_or_default();
        if ids.is_empty() {
            return Err(as_error("AS.3049", ""));
        }
        if ids.len() > 20 {
            return Err(as_error("AS.3022", "At most 20 policies per call."));
        }
        let action = opt_str(&o, "action")?.unwrap_or_default();
        match opt_str(&o, "force_delete")?.as_deref() {
            None | Some("no") | Some("yes") => {}
            Some(_) => return Err(as_error("AS.3048", "")),
        }
        match opt_str(&o, "delete_alarm")?.as_deref() {
            None | Some("no") | Some("yes") => {}
            Some(_) => return Err(as_error("AS.3056", "")),
        }
        self.call(input, |sc| {
            // A batch failure names the policy in the batch code's message.
            let code = match action.as_str() {
                "delete" => "AS.3045",
                "resume" => "AS.3046",
                "pause" => "AS.3047",
                _ => return Err(as_error("AS.3022", "").into()),
            };
            for id in &ids {
                let mut p = sc.policy(id).map_err(|_| as_error(code, id))?;
                match action.as_str() {
                    "delete" => sc.delete_policy(id)?,
                    _ => {
                        p.status = if action == "resume" { "INSERVICE".into() } else { "PAUSED".into() };
                        sc.save_policy(&p, false)?;
                    }
                }
            }
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    pub fn execution_logs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        let q = input.query;
        let (start, limit) = paging(input, "AS.1001", "AS.1002")?;
        let kind = q.get("execute_type").map(String::from);
        let mut all = self.call(input, |sc| {
            let p = sc.policy(&id)?;
            sc.run_due(&p.group_id)?;
            sc.executions(&id)
        })?;
        all.retain(|e| kind.as_ref().is_none_or(|k| &e.execute_type == k));
        all.sort_by(|a, b| b.execute_time.cmp(&a.execute_time));
        let total = all.len();
        let project = input.ctx()?.project_id.clone().unwrap_or_default();
        let items: Vec<Value> = page(all, start, limit)
            .iter()
            .map(|e| {
                json!({
                    "id": e.id, "status": e.status, "failed_reason": null, "execute_type": e.execute_type,
                    "execute_time": ts(e.execute_time), "tenant_id": project, "scaling_policy_id": e.policy_id,
                    "scaling_resource_type": "SCALING_GROUP", "scaling_resource_id": e.group_id, "type": e.operation,
                    "old_value": e.old_value.to_string(), "desire_value": e.desire_value.to_string(), "limit_value": e.limit_value.to_string(),
                    "job_records": [{"job_name": "ADJUST_VM_NUMBERS", "record_type": "MEG", "record_time": ts(e.execute_time),
                        "message": "modify desire number of scaling group", "job_status": "SUCCESS"}],
                })
            })
            .collect();
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_policy_execute_log": items}))
    }
}
