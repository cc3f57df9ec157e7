//! The AS v2 facade: policies over scaling resources (SCALING_GROUP or
//! BANDWIDTH) and the detailed scaling activity logs.
//!
//! A v2 policy is a v1 [`Policy`] document: for SCALING_GROUP its
//! `group_id` is the group, so the same object is seen, changed, run and
//! deleted through both APIs. A BANDWIDTH policy keeps the bandwidth's id
//! there; what v1 has no field for (resource type, description, limits)
//! lives in a side document `as.policy_v2_meta` keyed by the policy id.
//! The group engine never runs bandwidth policies (their `evaluated_until`
//! is pinned to the far future); this facade runs their due triggers on
//! the clock against the network model's bandwidth whenever v2 reads them.

use crate::errors::as_error;
use crate::model::*;
use crate::policies::*;
use crate::wire::*;
use crate::AutoScaling;
use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use otc_core::api::{Input, Reply};
use otc_core::{ids, ApiResult};
use otc_store::TxExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub const POLICY_META: &str = "as.policy_v2_meta";

const SCALING_GROUP: &str = "SCALING_GROUP";
const BANDWIDTH: &str = "BANDWIDTH";

/// Bandwidth policies per project (the `bandwidth_scaling_policy` quota).
pub(crate) const BANDWIDTH_POLICIES: usize = 10;

/// What a v2 policy has beyond a v1 one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyMeta {
    pub policy_id: String,
    pub project_id: String,
    /// SCALING_GROUP or BANDWIDTH.
    pub resource_type: String,
    pub description: Option<String>,
    /// BANDWIDTH, not SET: the maximum (ADD) or minimum (REDUCE) in Mbit/s.
    pub limits: Option<u32>,
    /// BANDWIDTH: triggers up to this instant have been applied.
    pub evaluated_until: Option<DateTime<Utc>>,
}

impl PolicyMeta {
    fn scaling_group(p: &Policy) -> Self {
        PolicyMeta {
            policy_id: p.id.clone(),
            project_id: p.project_id.clone(),
            resource_type: SCALING_GROUP.into(),
            description: None,
            limits: None,
            evaluated_until: None,
        }
    }
}

/// Where the group engine never looks: bandwidth policies are run here.
fn far_future() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap()
}

fn minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%MZ").to_string()
}

/// A `scheduled_policy` for a SCHEDULED or RECURRENCE policy, validated
/// as v1 validates it.
fn schedule(sp: &Map<String, Value>, kind: &str, now: DateTime<Utc>) -> ApiResult<Schedule> {
    let launch = opt_str(sp, "launch_time")?.ok_or_else(|| as_error("AS.3008", ""))?;
    let mut sched = Schedule { launch_time: launch.clone(), ..Default::default() };
    if kind == "SCHEDULED" {
        let at = parse_minute(&launch).ok_or_else(|| as_error("AS.3009", ""))?;
        if at <= now {
            return Err(as_error("AS.3010", ""));
        }
        return Ok(sched);
    }
    if NaiveTime::parse_from_str(&launch, "%H:%M").is_err() {
        return Err(as_error("AS.3009", ""));
    }
    let rtype = opt_str(sp, "recurrence_type")?.ok_or_else(|| as_error("AS.3023", ""))?;
    let values: Vec<String> =
        opt_str(sp, "recurrence_value")?.map(|v| v.split(',').map(|x| x.trim().to_string()).collect()).unwrap_or_default();
    let range = match rtype.as_str() {
        // recurrence_value has no effect for Daily.
        "Daily" => None,
        "Weekly" => Some(1..=7),
        "Monthly" => Some(1..=31),
        _ => return Err(as_error("AS.3004", "")),
    };
    if let Some(r) = range {
        if values.is_empty() || values.iter().all(String::is_empty) {
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
    let start = opt_str(sp, "start_time")?.unwrap_or_else(|| minute(now));
    let start_at = parse_minute(&start).ok_or_else(|| as_error("AS.3028", ""))?;
    if start_at >= end_at {
        return Err(as_error("AS.3029", ""));
    }
    sched.recurrence_type = Some(rtype);
    sched.start_time = Some(start);
    sched.end_time = Some(end);
    Ok(sched)
}

/// Checks a policy's action against its resource type.
fn check_action(kind: &str, a: &PolicyAction, limits: Option<u32>) -> ApiResult<()> {
    let ops: &[&str] = if kind == BANDWIDTH { &["ADD", "REDUCE", "SET"] } else { &["ADD", "REMOVE", "REDUCE", "SET"] };
    let op = a.operation.as_str();
    if !ops.contains(&op) {
        return Err(as_error("AS.3017", format!("{op} is not an operation for {kind}.")));
    }
    if a.instance_number.is_some() && a.instance_percentage.is_some() {
        return Err(as_error("AS.3036", ""));
    }
    let floor = if op == "SET" { 0 } else { 1 };
    if kind == BANDWIDTH {
        if a.instance_percentage.is_some() {
            return Err(as_error("AS.3035", "percentage is not available for BANDWIDTH."));
        }
        if a.instance_number.is_some_and(|n| !(1..=300).contains(&n)) {
            return Err(as_error("AS.3018", "size is 1 to 300 Mbit/s."));
        }
        if limits.is_some_and(|l| !(1..=2000).contains(&l)) {
            return Err(as_error("AS.3043", ""));
        }
    } else {
        if a.instance_number.is_some_and(|n| !(floor..=300).contains(&n)) {
            return Err(as_error("AS.3018", ""));
        }
        if a.instance_percentage.is_some_and(|n| !(floor..=20000).contains(&n)) {
            return Err(as_error("AS.3035", ""));
        }
    }
    Ok(())
}

/// Validates and applies a v2 create or modify body (everything but the
/// resource, which the caller checks against the models).
fn apply(o: &Map<String, Value>, p: &mut Policy, meta: &mut PolicyMeta, now: DateTime<Utc>, creating: bool) -> ApiResult<()> {
    match opt_str(o, "scaling_policy_name")? {
        Some(name) => {
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
        }
        None if creating => return Err(as_error("AS.3013", "")),
        None => {}
    }
    match opt_str(o, "scaling_resource_id")? {
        Some(id) if id.is_empty() => return Err(as_error("AS.3041", "")),
        Some(id) => {
            if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(as_error("AS.3055", ""));
            }
            p.group_id = id;
        }
        None if creating => return Err(as_error("AS.3041", "")),
        None => {}
    }
    match opt_str(o, "scaling_resource_type")? {
        Some(t) if t.is_empty() => return Err(as_error("AS.3054", "")),
        Some(t) if t != SCALING_GROUP && t != BANDWIDTH => return Err(as_error("AS.3037", "")),
        Some(t) => meta.resource_type = t,
        None if creating => return Err(as_error("AS.3054", "")),
        None => {}
    }
    match opt_str(o, "scaling_policy_type")? {
        Some(t) if !["ALARM", "SCHEDULED", "RECURRENCE"].contains(&t.as_str()) => return Err(as_error("AS.3002", "")),
        Some(t) => p.policy_type = t,
        None if creating => return Err(as_error("AS.3011", "")),
        None => {}
    }
    if let Some(c) = opt_int(o, "cool_down_time", "AS.3012")? {
        if !(0..=86400).contains(&c) {
            return Err(as_error("AS.3012", ""));
        }
        p.cool_down_time = c as u32;
    }
    if let Some(d) = opt_str(o, "description")? {
        let n = d.chars().count();
        if !(1..=256).contains(&n) {
            return Err(as_error("AS.0022", "description must have 1 to 256 characters."));
        }
        meta.description = Some(d);
    }
    match o.get("scaling_policy_action") {
        None | Some(Value::Null) => {}
        Some(Value::Object(a)) => {
            let op = opt_str(a, "operation")?.unwrap_or_else(|| "ADD".into());
            let size = opt_int(a, "size", "AS.3018")?;
            let pct = opt_int(a, "percentage", "AS.3035")?;
            let limits = opt_int(a, "limits", "AS.3043")?;
            if size.is_some_and(|n| n < 0 || n > u32::MAX as i64) {
                return Err(as_error("AS.3018", ""));
            }
            if pct.is_some_and(|n| n < 0 || n > u32::MAX as i64) {
                return Err(as_error("AS.3035", ""));
            }
            if limits.is_some_and(|n| n < 0 || n > u32::MAX as i64) {
                return Err(as_error("AS.3043", ""));
            }
            p.action = PolicyAction {
                operation: op,
                instance_number: size.map(|n| n as u32).or(if pct.is_none() { Some(1) } else { None }),
                instance_percentage: pct.map(|n| n as u32),
            };
            meta.limits = limits.map(|n| n as u32);
        }
        Some(_) => return Err(as_error("AS.0022", "scaling_policy_action must be an object.")),
    }
    check_action(&meta.resource_type, &p.action, meta.limits)?;
    if p.policy_type == "ALARM" {
        if let Some(a) = opt_str(o, "alarm_id")? {
            p.alarm_id = Some(a);
        }
        if p.alarm_id.as_deref().is_none_or(str::is_empty) {
            return Err(as_error("AS.3026", ""));
        }
        p.schedule = None;
    } else {
        match o.get("scheduled_policy") {
            None | Some(Value::Null) => {}
            Some(Value::Object(sp)) => p.schedule = Some(schedule(sp, &p.policy_type, now)?),
            Some(_) => return Err(as_error("AS.0022", "scheduled_policy must be an object.")),
        }
        match &p.schedule {
            None => return Err(as_error("AS.3003", "")),
            // A stored schedule of the other kind does not fit.
            Some(s) if (p.policy_type == "SCHEDULED") != parse_minute(&s.launch_time).is_some() => {
                return Err(as_error("AS.3003", "scheduled_policy does not fit the policy type."))
            }
            Some(_) => {}
        }
        p.alarm_id = None;
    }
    Ok(())
}

fn action_json(p: &Policy, meta: &PolicyMeta) -> Value {
    let op = match p.action.operation.as_str() {
        "REMOVE" => "REDUCE",
        op => op,
    };
    let mut a = json!({"operation": op});
    if let Some(n) = p.action.instance_number {
        a["size"] = json!(n);
    }
    if let Some(n) = p.action.instance_percentage {
        a["percentage"] = json!(n);
    }
    if meta.resource_type == BANDWIDTH {
        if let Some(l) = meta.limits {
            a["limits"] = json!(l);
        }
    }
    a
}

fn schedule_json(p: &Policy) -> Value {
    let Some(s) = &p.schedule else {
        return json!({});
    };
    if p.policy_type == "SCHEDULED" {
        return json!({"launch_time": s.launch_time});
    }
    let mut v = json!({"launch_time": s.launch_time});
    for (k, f) in [
        ("recurrence_type", &s.recurrence_type),
        ("recurrence_value", &s.recurrence_value),
        ("start_time", &s.start_time),
        ("end_time", &s.end_time),
    ] {
        if let Some(x) = f {
            v[k] = json!(x);
        }
    }
    v
}

fn policy_json(p: &Policy, meta: &PolicyMeta, meta_data: Option<Value>) -> Value {
    let mut v = json!({
        "scaling_policy_id": p.id, "scaling_policy_name": p.name, "scaling_resource_id": p.group_id,
        "scaling_resource_type": meta.resource_type, "scaling_policy_type": p.policy_type, "policy_status": p.status,
        "scaling_policy_action": action_json(p, meta), "cool_down_time": p.cool_down_time, "create_time": ts(p.create_time),
        // An alarm policy answers an empty scheduled_policy, as the v2 example shows.
        "scheduled_policy": schedule_json(p),
    });
    if p.policy_type == "ALARM" {
        v["alarm_id"] = json!(p.alarm_id);
    }
    if let Some(d) = &meta.description {
        v["description"] = json!(d);
    }
    if let Some(m) = meta_data {
        v["meta_data"] = m;
    }
    v
}

/// One activity's `type`, from why it happened.
fn activity_type(a: &Activity) -> &'static str {
    let reason = serde_json::from_str::<Value>(&a.description)
        .ok()
        .and_then(|d| d["reason"][0]["change_reason"].as_str().map(String::from))
        .unwrap_or_default();
    if reason.starts_with("MANNUAL") || reason.starts_with("MANUAL_") {
        if !a.instance_added_list.is_empty() {
            "MANUAL_ADD"
        } else if !a.instance_deleted_list.is_empty() {
            "MANUAL_DELETE"
        } else {
            "MANUAL_REMOVE"
        }
    } else if reason == "DIFF" {
        "DIFF"
    } else {
        "NORMAL"
    }
}

const ACTIVITY_TYPES: [&str; 8] =
    ["NORMAL", "MANUAL_REMOVE", "MANUAL_DELETE", "MANUAL_ADD", "ELB_CHECK_DELETE", "AUDIT_CHECK_DELETE", "DIFF", "MODIFY_ELB"];

fn parse_second(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ").ok().map(|t| t.and_utc())
}

impl Scaling<'_, '_, '_> {
    fn meta_of(&mut self, p: &Policy) -> AsResult<PolicyMeta> {
        Ok(self
            .m
            .net
            .tx
            .get_doc::<PolicyMeta>(POLICY_META, &p.id)?
            .filter(|m| m.project_id == self.m.net.project)
            .unwrap_or_else(|| PolicyMeta::scaling_group(p)))
    }

    fn save_meta(&mut self, meta: &PolicyMeta) -> AsResult<()> {
        if self.m.net.tx.get_doc::<PolicyMeta>(POLICY_META, &meta.policy_id)?.is_some() {
            self.m.net.update(POLICY_META, &meta.policy_id, None, meta)?;
        } else {
            self.m.net.insert(POLICY_META, &meta.policy_id, None, meta)?;
        }
        Ok(())
    }

    /// How much of the `bandwidth_scaling_policy` quota the project uses.
    pub(crate) fn bandwidth_policy_count(&mut self) -> AsResult<usize> {
        Ok(self.all_policies()?.iter().filter(|(_, m)| m.resource_type == BANDWIDTH).count())
    }

    /// Every policy of the project with its v2 view.
    fn all_policies(&mut self) -> AsResult<Vec<(Policy, PolicyMeta)>> {
        let mut out = Vec::new();
        for p in self.m.net.all::<Policy>(POLICY)? {
            let meta = self.meta_of(&p)?;
            out.push((p, meta));
        }
        Ok(out)
    }

    fn resource_exists(&mut self, kind: &str, id: &str) -> bool {
        if kind == BANDWIDTH {
            self.m.net.bandwidth(id).is_ok()
        } else {
            self.group(id).is_ok()
        }
    }

    /// Brings the policies of these resources up to the clock: a group's
    /// through the group engine, a bandwidth's here.
    fn run_due_v2(&mut self, policies: &[(Policy, PolicyMeta)]) -> AsResult<()> {
        let groups: BTreeSet<String> =
            policies.iter().filter(|(_, m)| m.resource_type == SCALING_GROUP).map(|(p, _)| p.group_id.clone()).collect();
        for gid in groups {
            if self.group(&gid).is_ok() {
                self.run_due(&gid)?;
            }
        }
        for (p, meta) in policies.iter().filter(|(_, m)| m.resource_type == BANDWIDTH) {
            self.run_due_bandwidth(p, meta)?;
        }
        Ok(())
    }

    fn run_due_bandwidth(&mut self, p: &Policy, meta: &PolicyMeta) -> AsResult<()> {
        let now = self.m.net.now;
        let since = meta.evaluated_until.unwrap_or(p.create_time);
        if since >= now {
            return Ok(());
        }
        let due = if p.status == "INSERVICE" { p.triggers(since, now) } else { Vec::new() };
        let mut meta = meta.clone();
        meta.evaluated_until = Some(now);
        self.save_meta(&meta)?;
        for t in due {
            self.execute_bandwidth(p, &meta, &p.policy_type, t)?;
        }
        Ok(())
    }

    /// Runs a bandwidth policy's action: resizes the bandwidth within
    /// [1, 2000] Mbit/s and its `limits`, and logs the execution.
    pub fn execute_bandwidth(&mut self, p: &Policy, meta: &PolicyMeta, execute_type: &str, at: DateTime<Utc>) -> AsResult<()> {
        let bw = self.m.net.bandwidth(&p.group_id).ok();
        let old = bw.as_ref().map_or(0, |b| b.size);
        let amount = p.action.instance_number.unwrap_or(1);
        let (wanted, limit) = match p.action.operation.as_str() {
            "SET" => (amount.clamp(1, 2000), 0),
            "REDUCE" | "REMOVE" => {
                let floor = meta.limits.unwrap_or(1).max(1);
                (if old <= floor { old } else { old.saturating_sub(amount).max(floor) }, floor)
            }
            _ => {
                let cap = meta.limits.unwrap_or(2000).min(2000);
                (if old >= cap { old } else { (old + amount).min(cap) }, cap)
            }
        };
        if bw.is_some() && wanted != old {
            self.m.net.update_bandwidth(&p.group_id, None, Some(wanted))?;
        }
        let e = Execution {
            id: ids::uuid(),
            project_id: self.m.net.project.to_string(),
            policy_id: p.id.clone(),
            group_id: p.group_id.clone(),
            status: if bw.is_some() { "SUCCESS".into() } else { "FAIL".into() },
            execute_type: execute_type.into(),
            execute_time: at,
            operation: if p.action.operation == "REDUCE" { "REMOVE".into() } else { p.action.operation.clone() },
            old_value: old,
            desire_value: if bw.is_some() { wanted } else { old },
            limit_value: limit,
        };
        self.m.net.insert(EXECUTION, &e.id, Some(&p.id), &e)?;
        Ok(())
    }

    /// Whether a policy scales a bandwidth (a v2 BANDWIDTH policy) rather than a group.
    pub fn is_bandwidth_policy(&mut self, p: &Policy) -> AsResult<bool> {
        Ok(self.meta_of(p)?.resource_type == BANDWIDTH)
    }

    /// Runs any policy's action now: on its group, or on its bandwidth.
    pub fn execute_any(&mut self, p: &Policy, execute_type: &str, at: DateTime<Utc>) -> AsResult<()> {
        let meta = self.meta_of(p)?;
        if meta.resource_type == BANDWIDTH {
            self.execute_bandwidth(p, &meta, execute_type, at)
        } else {
            self.execute(p, execute_type, at)
        }
    }

    /// A bandwidth policy's `meta_data`: the bandwidth's share type and its EIP.
    fn meta_data(&mut self, p: &Policy, meta: &PolicyMeta) -> AsResult<Option<Value>> {
        if meta.resource_type != BANDWIDTH {
            return Ok(None);
        }
        let Ok(bw) = self.m.net.bandwidth(&p.group_id) else {
            return Ok(None);
        };
        let mut v = json!({"metadata_bandwidth_share_type": bw.share_type});
        if let Some(e) = self.m.net.bandwidth_eips(&bw.id)?.first() {
            v["metadata_eip_id"] = json!(e.id);
            v["metadata_eip_address"] = json!(e.public_ip_address);
        }
        Ok(Some(v))
    }

    fn policies_json(&mut self, items: &[(Policy, PolicyMeta)]) -> AsResult<Vec<Value>> {
        let mut out = Vec::new();
        for (p, meta) in items {
            let md = self.meta_data(p, meta)?;
            out.push(policy_json(p, meta, md));
        }
        Ok(out)
    }

    /// Refuses a policy the resource's quota has no room for.
    fn check_quota(&mut self, p: &Policy, meta: &PolicyMeta, per_group: usize) -> AsResult<()> {
        let others = if meta.resource_type == BANDWIDTH {
            self.all_policies()?.iter().filter(|(q, m)| m.resource_type == BANDWIDTH && q.id != p.id).count()
        } else {
            self.policies(&p.group_id)?.iter().filter(|q| q.id != p.id).count()
        };
        let quota = if meta.resource_type == BANDWIDTH { BANDWIDTH_POLICIES } else { per_group };
        if others >= quota {
            return Err(as_error("AS.3032", "").into());
        }
        Ok(())
    }
}

impl AutoScaling {
    pub fn create_policy_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        let per_group = self.cfg.quotas.policies_per_group;
        let id = self.call(input, |sc| {
            let now = sc.m.net.now;
            let mut p = sc.new_policy("");
            let mut meta = PolicyMeta::scaling_group(&p);
            apply(&o, &mut p, &mut meta, now, true)?;
            if !sc.resource_exists(&meta.resource_type, &p.group_id) {
                return Err(as_error("AS.3042", "").into());
            }
            sc.check_quota(&p, &meta, per_group)?;
            if meta.resource_type == BANDWIDTH {
                p.evaluated_until = far_future();
                meta.evaluated_until = Some(now);
            }
            sc.save_policy(&p, true)?;
            sc.save_meta(&meta)?;
            Ok(p.id)
        })?;
        Reply::json(200, &json!({"scaling_policy_id": id}))
    }

    pub fn update_policy_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        let o = body(input)?;
        let per_group = self.cfg.quotas.policies_per_group;
        self.call(input, |sc| {
            let p = sc.policy(&id)?;
            let meta = sc.meta_of(&p)?;
            sc.run_due_v2(&[(p, meta)])?;
            let mut p = sc.policy(&id)?;
            let mut meta = sc.meta_of(&p)?;
            let before = (meta.resource_type.clone(), p.group_id.clone());
            let now = sc.m.net.now;
            apply(&o, &mut p, &mut meta, now, false)?;
            if (meta.resource_type.clone(), p.group_id.clone()) != before {
                if !sc.resource_exists(&meta.resource_type, &p.group_id) {
                    return Err(as_error("AS.3042", "").into());
                }
                sc.check_quota(&p, &meta, per_group)?;
                if meta.resource_type == BANDWIDTH {
                    p.evaluated_until = far_future();
                    meta.evaluated_until = Some(now);
                } else {
                    p.evaluated_until = now;
                    meta.evaluated_until = None;
                }
            }
            sc.save_policy(&p, false)?;
            sc.save_meta(&meta)
        })?;
        Reply::json(200, &json!({"scaling_policy_id": id}))
    }

    pub fn show_policy_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_policy_id").to_string();
        let v = self.call(input, |sc| {
            let p = sc.policy(&id)?;
            let meta = sc.meta_of(&p)?;
            sc.run_due_v2(&[(p, meta)])?;
            let p = sc.policy(&id)?;
            let meta = sc.meta_of(&p)?;
            Ok(sc.policies_json(&[(p, meta)])?.remove(0))
        })?;
        Reply::json(200, &json!({"scaling_policy": v}))
    }

    /// The common query filters of the two v2 lists.
    fn v2_filter(input: &Input<'_>) -> impl Fn(&(Policy, PolicyMeta)) -> bool {
        let q = input.query;
        let name = q.get("scaling_policy_name").map(String::from);
        let kind = q.get("scaling_policy_type").map(String::from);
        let pid = q.get("scaling_policy_id").map(String::from);
        let rid = q.get("scaling_resource_id").map(String::from);
        let rtype = q.get("scaling_resource_type").map(String::from);
        let alarm = q.get("alarm_id").map(String::from);
        move |(p, m): &(Policy, PolicyMeta)| {
            name.as_ref().is_none_or(|n| p.name.contains(n.as_str()))
                && kind.as_ref().is_none_or(|k| &p.policy_type == k)
                && pid.as_ref().is_none_or(|i| &p.id == i)
                && rid.as_ref().is_none_or(|r| &p.group_id == r)
                && rtype.as_ref().is_none_or(|t| &m.resource_type == t)
                && alarm.as_ref().is_none_or(|a| p.alarm_id.as_ref() == Some(a))
        }
    }

    /// GET /v2/{project_id}/scaling_policy/{scaling_resource_id}/list.
    pub fn list_resource_policies_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let rid = input.param("scaling_resource_id").to_string();
        let (start, limit) = paging(input, "AS.1001", "AS.1002")?;
        let keep = Self::v2_filter(input);
        let (total, items) = self.call(input, |sc| {
            let mine: Vec<(Policy, PolicyMeta)> = sc.all_policies()?.into_iter().filter(|(p, _)| p.group_id == rid).collect();
            // A bandwidth policy outlives its EIP; otherwise the resource must exist.
            if mine.is_empty() && !sc.resource_exists(SCALING_GROUP, &rid) && !sc.resource_exists(BANDWIDTH, &rid) {
                return Err(as_error("AS.3042", "").into());
            }
            sc.run_due_v2(&mine)?;
            let mut all: Vec<(Policy, PolicyMeta)> = sc.all_policies()?.into_iter().filter(|(p, _)| p.group_id == rid).collect();
            all.retain(&keep);
            all.sort_by(|a, b| b.0.create_time.cmp(&a.0.create_time).then_with(|| a.0.id.cmp(&b.0.id)));
            let total = all.len();
            let page: Vec<(Policy, PolicyMeta)> = page(all, start, limit);
            Ok((total, sc.policies_json(&page)?))
        })?;
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_policies": items}))
    }

    /// GET /v2/{project_id}/scaling_policy: every policy of the project.
    pub fn list_policies_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (start, limit) = paging(input, "AS.1001", "AS.1002")?;
        let q = input.query;
        if let Some(t) = q.get("scaling_resource_type") {
            if t != SCALING_GROUP && t != BANDWIDTH {
                return Err(as_error("AS.3037", ""));
            }
        }
        let sort_by = q.get("sort_by").unwrap_or("CREATE_TIME").to_string();
        if !["POLICY_NAME", "TRIGGER_CONDITION", "CREATE_TIME"].contains(&sort_by.as_str()) {
            return Err(as_error("AS.3057", ""));
        }
        // Newest first unless asked otherwise; other keys ascend.
        let default_order = if sort_by == "CREATE_TIME" { "DESC" } else { "ASC" };
        let desc = match q.get("order").unwrap_or(default_order) {
            "ASC" => false,
            "DESC" => true,
            _ => return Err(as_error("AS.3058", "")),
        };
        let ep = q.get("enterprise_project_id").filter(|e| *e != "all_granted_eps").map(String::from);
        let keep = Self::v2_filter(input);
        let (total, items) = self.call(input, |sc| {
            let now = sc.m.net.now;
            let found = sc.all_policies()?;
            sc.run_due_v2(&found)?;
            let mut all = sc.all_policies()?;
            all.retain(&keep);
            if let Some(ep) = &ep {
                let mut kept = Vec::new();
                for (p, m) in all {
                    let of = if m.resource_type == BANDWIDTH {
                        sc.m.net.bandwidth(&p.group_id).map(|b| b.enterprise_project_id).ok()
                    } else {
                        sc.group(&p.group_id).map(|g| g.enterprise_project_id).ok()
                    };
                    if of.as_ref() == Some(ep) {
                        kept.push((p, m));
                    }
                }
                all = kept;
            }
            // TRIGGER_CONDITION: alarm policies first, then by next trigger.
            let next = |p: &Policy| -> (bool, Option<DateTime<Utc>>) {
                if p.policy_type == "ALARM" {
                    return (false, None);
                }
                (true, p.triggers(now, now + chrono::Duration::days(400)).first().copied())
            };
            all.sort_by(|(a, _), (b, _)| {
                let o = match sort_by.as_str() {
                    "POLICY_NAME" => a.name.cmp(&b.name),
                    "TRIGGER_CONDITION" => {
                        let (x, y) = (next(a), next(b));
                        x.0.cmp(&y.0).then_with(|| match (x.1, y.1) {
                            (Some(s), Some(t)) => s.cmp(&t),
                            (Some(_), None) => std::cmp::Ordering::Less,
                            (None, Some(_)) => std::cmp::Ordering::Greater,
                            (None, None) => std::cmp::Ordering::Equal,
                        })
                    }
                    _ => a.create_time.cmp(&b.create_time),
                };
                let o = if desc { o.reverse() } else { o };
                o.then_with(|| a.id.cmp(&b.id))
            });
            let total = all.len();
            let page: Vec<(Policy, PolicyMeta)> = page(all, start, limit);
            Ok((total, sc.policies_json(&page)?))
        })?;
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_policies": items}))
    }

    /// GET /v2/{project_id}/scaling_activity_log/{scaling_group_id}.
    pub fn activity_logs_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let (start, limit) = paging(input, "AS.9003", "AS.9004")?;
        let q = input.query;
        let from = q.get("start_time").map(|t| parse_second(t).ok_or_else(|| as_error("AS.9001", ""))).transpose()?;
        let to = q.get("end_time").map(|t| parse_second(t).ok_or_else(|| as_error("AS.9002", ""))).transpose()?;
        let types: Option<Vec<String>> = match q.get("type") {
            None => None,
            Some(t) => {
                let list: Vec<String> = t.split(',').map(|x| x.trim().to_string()).collect();
                if list.iter().any(|x| !ACTIVITY_TYPES.contains(&x.as_str())) {
                    return Err(as_error("AS.9012", ""));
                }
                Some(list)
            }
        };
        let status = q.get("status").map(String::from);
        if status.as_ref().is_some_and(|s| !["SUCCESS", "FAIL", "DOING"].contains(&s.as_str())) {
            return Err(as_error("AS.9013", ""));
        }
        let log_id = q.get("log_id").map(String::from);
        let (total, items) = self.call(input, |s| {
            s.settle(&id)?;
            let mut all = s.activities(&id)?;
            all.retain(|a| {
                // Compared at the second, as the times are shown.
                let at = a.start_time.with_nanosecond(0).unwrap_or(a.start_time);
                from.is_none_or(|f| at >= f)
                    && to.is_none_or(|t| at <= t)
                    && status.as_ref().is_none_or(|st| &a.status == st)
                    && log_id.as_ref().is_none_or(|l| &a.id == l)
                    && types.as_ref().is_none_or(|ts| ts.iter().any(|t| t == activity_type(a)))
            });
            all.sort_by(|a, b| b.start_time.cmp(&a.start_time).then_with(|| a.id.cmp(&b.id)));
            let total = all.len();
            let mut items = Vec::new();
            for a in page(all, start, limit) {
                let mut instances = |ids: &[String]| -> Vec<Value> {
                    ids.iter()
                        .map(|i| {
                            // The name while the instance or its server is still there.
                            let name = s.instance(i).map(|x| x.instance_name).ok().or_else(|| s.m.server(i).ok().map(|sv| sv.name.clone()));
                            json!({"instance_id": i, "instance_name": name})
                        })
                        .collect()
                };
                let added = instances(&a.instance_added_list);
                let removed = instances(&a.instance_removed_list);
                let deleted = instances(&a.instance_deleted_list);
                items.push(json!({
                    "id": a.id, "status": a.status, "description": a.description, "type": activity_type(&a),
                    "start_time": ts(a.start_time), "end_time": ts(a.end_time),
                    "instance_added_list": added, "instance_removed_list": removed, "instance_deleted_list": deleted,
                    "instance_failed_list": [], "scaling_value": a.scaling_value.abs(),
                    "instance_value": a.instance_value, "desire_value": a.desire_value,
                }));
            }
            Ok((total, items))
        })?;
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_activity_log": items}))
    }
}
