//! FWaaS v2 (`/v2.0/fwaas/...`) over [`crate::model::firewalls`], in
//! Neutron's envelope and with neutron-fwaas's exception types
//! (`FirewallRuleNotFound`, `FirewallRuleInUse`, ...).
//!
//! Input follows what the clients send: protocol and action in any case
//! (the FAQ's `"TCP"`/`"ALLOW"` answered lower-case), `"any"` or null for
//! any protocol (the Terraform provider sends `"any"`, OSC null),
//! `ip_version` as a number or a string (OSC sends `"4"`), and `shared`
//! as a synonym of OTC's `public` (OSC `--share`).

use super::body::{root, Fields};
use super::listing::neutron_list_at;
use crate::errors::neutron as neutron_fault;
use crate::model::firewalls::*;
use crate::model::{Fault, Res};
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family, Input, Op, Reply};
use otc_core::time::iso_naive;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::sync::Arc;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Family::Neutron, h);
    vec![
        op("GET", "/v2.0/fwaas/firewall_rules", handler(s, Vpc::fw_list_rules)),
        op("POST", "/v2.0/fwaas/firewall_rules", handler(s, Vpc::fw_create_rule)),
        op("GET", "/v2.0/fwaas/firewall_rules/{firewall_rule_id}", handler(s, Vpc::fw_show_rule)),
        op("PUT", "/v2.0/fwaas/firewall_rules/{firewall_rule_id}", handler(s, Vpc::fw_update_rule)),
        op("DELETE", "/v2.0/fwaas/firewall_rules/{firewall_rule_id}", handler(s, Vpc::fw_delete_rule)),
        op("GET", "/v2.0/fwaas/firewall_policies", handler(s, Vpc::fw_list_policies)),
        op("POST", "/v2.0/fwaas/firewall_policies", handler(s, Vpc::fw_create_policy)),
        op("GET", "/v2.0/fwaas/firewall_policies/{firewall_policy_id}", handler(s, Vpc::fw_show_policy)),
        op("PUT", "/v2.0/fwaas/firewall_policies/{firewall_policy_id}", handler(s, Vpc::fw_update_policy)),
        op("DELETE", "/v2.0/fwaas/firewall_policies/{firewall_policy_id}", handler(s, Vpc::fw_delete_policy)),
        op("PUT", "/v2.0/fwaas/firewall_policies/{firewall_policy_id}/insert_rule", handler(s, Vpc::fw_insert_rule)),
        op("PUT", "/v2.0/fwaas/firewall_policies/{firewall_policy_id}/remove_rule", handler(s, Vpc::fw_remove_rule)),
        op("GET", "/v2.0/fwaas/firewall_groups", handler(s, Vpc::fw_list_groups)),
        op("POST", "/v2.0/fwaas/firewall_groups", handler(s, Vpc::fw_create_group)),
        op("GET", "/v2.0/fwaas/firewall_groups/{firewall_group_id}", handler(s, Vpc::fw_show_group)),
        op("PUT", "/v2.0/fwaas/firewall_groups/{firewall_group_id}", handler(s, Vpc::fw_update_group)),
        op("DELETE", "/v2.0/fwaas/firewall_groups/{firewall_group_id}", handler(s, Vpc::fw_delete_group)),
    ]
}

fn bad(msg: String) -> ApiError {
    ApiError::new(400, "BadRequest", msg).with_kind("BadRequest")
}

fn typed(status: u16, kind: &str, msg: String) -> ApiError {
    ApiError::new(status, kind, msg).with_kind(kind)
}

/// neutron-fwaas's wording of the model's faults; the rest as Neutron.
fn fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(Res::FirewallRule, id) => typed(404, "FirewallRuleNotFound", format!("Firewall rule {id} could not be found.")),
        Fault::NotFound(Res::FirewallPolicy, id) => {
            typed(404, "FirewallPolicyNotFound", format!("Firewall policy {id} could not be found."))
        }
        Fault::NotFound(Res::FirewallGroup, id) => typed(404, "FirewallGroupNotFound", format!("Firewall group {id} could not be found.")),
        Fault::Duplicate(Res::FirewallRule, msg) => typed(409, "FirewallRuleAlreadyAssociated", msg),
        Fault::Invalid(Res::FirewallPolicy, msg) if msg.contains("is not associated") => {
            typed(400, "FirewallRuleNotAssociatedWithPolicy", msg)
        }
        Fault::Invalid(Res::FirewallGroup, msg) if msg.contains("not a router interface") => typed(400, "FirewallGroupPortInvalid", msg),
        Fault::Invalid(_, msg) => bad(msg),
        other => neutron_fault(other),
    }
}

/// The `{"<resource>": {...}}` wrapper of a request body.
fn wrapped(input: &Input<'_>, key: &str) -> ApiResult<Map<String, Value>> {
    match root(input)?.remove(key) {
        Some(Value::Object(o)) => Ok(o),
        Some(_) => Err(bad(format!("Invalid input for {key}. Reason: not a dictionary."))),
        None => Err(bad(format!("Unable to find '{key}' in request body"))),
    }
}

/// Neutron refuses attributes a resource does not have; the owner may be
/// named, but only as the caller's own project.
fn check_attributes(input: &Input<'_>, f: &Fields<'_>, allowed: &[&str]) -> ApiResult<()> {
    let mut all = allowed.to_vec();
    all.extend(["tenant_id", "project_id", "shared", "public"]);
    if let Some(k) = f.unknown(&all) {
        return Err(bad(format!("Unrecognized attribute(s) '{k}'")));
    }
    let project = input.ctx()?.project().unwrap_or_default().to_string();
    for k in ["tenant_id", "project_id"] {
        if let Some(p) = f.opt_str(k)? {
            if p != project {
                return Err(bad(format!("Specifying '{k}' other than the authenticated project in request requires admin privileges")));
            }
        }
    }
    Ok(())
}

fn text(f: &Fields<'_>, key: &str) -> ApiResult<Option<String>> {
    let v = f.opt_str(key)?;
    if let Some(s) = &v {
        if s.chars().count() > 255 {
            return Err(bad(format!("Invalid input for {key}. Reason: '{s}' exceeds maximum length of 255.")));
        }
    }
    Ok(v)
}

/// `public`, or OpenStack's `shared` for it.
fn public(f: &Fields<'_>) -> ApiResult<Option<bool>> {
    Ok(f.opt_bool("public")?.or(f.opt_bool("shared")?))
}

// --- rules ----------------------------------------------------------------

const RULE_FIELDS: [&str; 12] = [
    "name",
    "description",
    "protocol",
    "source_port",
    "destination_port",
    "ip_version",
    "source_ip_address",
    "destination_ip_address",
    "action",
    "enabled",
    "source_firewall_group_id",
    "destination_firewall_group_id",
];

/// `Some(None)` is "any protocol".
fn protocol(f: &Fields<'_>) -> ApiResult<Option<Option<String>>> {
    let v = match f.obj.get("protocol") {
        None => return Ok(None),
        Some(Value::Null) => return Ok(Some(None)),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.to_ascii_lowercase(),
        Some(v) => return Err(bad(format!("Invalid input for protocol. Reason: '{v}' is not a valid string."))),
    };
    match v.as_str() {
        "any" | "" => Ok(Some(None)),
        "tcp" | "udp" | "icmp" => Ok(Some(Some(v))),
        n if n.parse::<u8>().is_ok() => Ok(Some(Some(n.to_string()))),
        _ => Err(typed(
            400,
            "FirewallRuleInvalidProtocol",
            format!("Firewall rule protocol {v} is not supported. Only protocol values tcp, udp, icmp, any and 0-255 are supported."),
        )),
    }
}

/// A port or an `a:b` range, normalised (`"80"`, `"1000:2000"`).
fn port(f: &Fields<'_>, key: &str) -> ApiResult<Option<Option<String>>> {
    let raw = match f.obj.get(key) {
        None => return Ok(None),
        Some(Value::Null) => return Ok(Some(None)),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.is_empty() => return Ok(Some(None)),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(bad(format!("Invalid input for {key}. Reason: '{v}' is not a valid string."))),
    };
    let invalid = || typed(400, "FirewallInvalidPortValue", format!("Invalid value for port {raw}."));
    let num = |s: &str| s.trim().parse::<u32>().ok().filter(|p| (1..=65535).contains(p)).ok_or_else(invalid);
    let v = match raw.split_once(':') {
        None => num(&raw)?.to_string(),
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b)?);
            if a > b {
                return Err(invalid());
            }
            if a == b {
                a.to_string()
            } else {
                format!("{a}:{b}")
            }
        }
    };
    Ok(Some(Some(v)))
}

fn ip_version(f: &Fields<'_>) -> ApiResult<Option<u8>> {
    match f.obj.get("ip_version") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
            Some(4) => Ok(Some(4)),
            Some(6) => Ok(Some(6)),
            _ => Err(bad(format!("Invalid input for ip_version. Reason: {v} is not in [4, 6]."))),
        },
    }
}

fn address(f: &Fields<'_>, key: &str) -> ApiResult<Option<Option<String>>> {
    let Some(v) = f.nullable_str(key)? else {
        return Ok(None);
    };
    let Some(s) = v.filter(|s| !s.is_empty()) else {
        return Ok(Some(None));
    };
    if s.parse::<std::net::IpAddr>().is_err() && s.parse::<ipnet::IpNet>().is_err() {
        return Err(bad(format!("Invalid input for {key}. Reason: '{s}' is neither a valid IP address nor a valid CIDR.")));
    }
    Ok(Some(Some(s)))
}

fn ip_version_of(a: &str) -> u8 {
    let host = a.split('/').next().unwrap_or(a);
    if host.contains(':') {
        6
    } else {
        4
    }
}

/// The rule `f` describes over `base` (defaults for a new rule), checked
/// as a whole as neutron-fwaas does.
fn rule_spec(input: &Input<'_>, f: &Fields<'_>, base: RuleSpec) -> ApiResult<RuleSpec> {
    check_attributes(input, f, &RULE_FIELDS)?;
    for k in ["source_firewall_group_id", "destination_firewall_group_id"] {
        if f.opt_str(k)?.is_some() {
            return Err(bad(format!("Invalid input for {k}. Reason: firewall groups as rule sources are not supported.")));
        }
    }
    let mut r = base;
    if let Some(n) = text(f, "name")? {
        r.name = n;
    }
    if let Some(d) = text(f, "description")? {
        r.description = d;
    }
    if let Some(p) = protocol(f)? {
        r.protocol = p;
    }
    if let Some(p) = port(f, "source_port")? {
        r.source_port = p;
    }
    if let Some(p) = port(f, "destination_port")? {
        r.destination_port = p;
    }
    if let Some(v) = ip_version(f)? {
        r.ip_version = v;
    }
    if let Some(a) = address(f, "source_ip_address")? {
        r.source_ip_address = a;
    }
    if let Some(a) = address(f, "destination_ip_address")? {
        r.destination_ip_address = a;
    }
    if let Some(a) = f.opt_str("action")? {
        let a = a.to_ascii_lowercase();
        if a != "allow" && a != "deny" {
            return Err(typed(
                400,
                "FirewallRuleInvalidAction",
                format!("Action {a} is not supported. Only action values allow and deny are supported."),
            ));
        }
        r.action = a;
    }
    if let Some(e) = f.opt_bool("enabled")? {
        r.enabled = e;
    }
    if let Some(p) = public(f)? {
        r.public = p;
    }
    let has_ports = r.source_port.is_some() || r.destination_port.is_some();
    match r.protocol.as_deref() {
        Some("tcp") | Some("udp") => {}
        Some("icmp") if has_ports => {
            return Err(typed(
                400,
                "FirewallRuleInvalidICMPParameter",
                "Source, destination port are not allowed when protocol is set to ICMP.".into(),
            ))
        }
        _ if has_ports => {
            return Err(typed(400, "FirewallRuleWithPortWithoutProtocolInvalid", "Source/destination port requires a protocol.".into()))
        }
        _ => {}
    }
    for a in [&r.source_ip_address, &r.destination_ip_address].into_iter().flatten() {
        if ip_version_of(a) != r.ip_version {
            return Err(typed(400, "FirewallIpAddressConflict", "Invalid input - IP addresses do not agree with IP Version.".into()));
        }
    }
    Ok(r)
}

fn new_rule() -> RuleSpec {
    RuleSpec { ip_version: 4, action: "deny".into(), enabled: true, ..Default::default() }
}

fn spec_of(r: &FirewallRule) -> RuleSpec {
    RuleSpec {
        name: r.name.clone(),
        description: r.description.clone(),
        protocol: r.protocol.clone(),
        source_port: r.source_port.clone(),
        destination_port: r.destination_port.clone(),
        ip_version: r.ip_version,
        source_ip_address: r.source_ip_address.clone(),
        destination_ip_address: r.destination_ip_address.clone(),
        action: r.action.clone(),
        enabled: r.enabled,
        public: r.public,
    }
}

fn rule_json(r: &FirewallRule) -> Value {
    json!({
        "id": r.id, "name": r.name, "description": r.description, "tenant_id": r.project_id, "project_id": r.project_id,
        "public": r.public, "protocol": r.protocol, "source_port": r.source_port, "destination_port": r.destination_port,
        "ip_version": r.ip_version, "source_ip_address": r.source_ip_address, "destination_ip_address": r.destination_ip_address,
        "action": r.action, "enabled": r.enabled,
    })
}

fn policy_json(p: &FirewallPolicy) -> Value {
    json!({
        "id": p.id, "name": p.name, "description": p.description, "tenant_id": p.project_id, "project_id": p.project_id,
        "public": p.public, "firewall_rules": p.firewall_rules, "audited": p.audited,
    })
}

fn group_json(s: &GroupState) -> Value {
    let g = &s.group;
    json!({
        "id": g.id, "name": g.name, "description": g.description, "tenant_id": g.project_id, "project_id": g.project_id,
        "public": g.public, "ingress_firewall_policy_id": g.ingress_firewall_policy_id,
        "egress_firewall_policy_id": g.egress_firewall_policy_id, "ports": g.ports, "admin_state_up": g.admin_state_up,
        "status": s.status, "created_at": iso_naive(g.created_at), "updated_at": iso_naive(g.updated_at),
    })
}

fn one(key: &str, status: u16, v: Value) -> ApiResult<Reply> {
    Reply::json(status, &json!({ key: v }))
}

fn list(input: &Input<'_>, collection: &str, items: Vec<Value>) -> ApiResult<Reply> {
    let path = format!("/v2.0/fwaas/{collection}");
    Reply::json(200, &neutron_list_at(input, collection, &path, items)?)
}

// --- policies and groups ----------------------------------------------------

const POLICY_FIELDS: [&str; 4] = ["name", "description", "firewall_rules", "audited"];
const GROUP_FIELDS: [&str; 6] =
    ["name", "description", "ingress_firewall_policy_id", "egress_firewall_policy_id", "ports", "admin_state_up"];

fn policy_change(input: &Input<'_>, f: &Fields<'_>) -> ApiResult<PolicyChange> {
    check_attributes(input, f, &POLICY_FIELDS)?;
    Ok(PolicyChange {
        name: text(f, "name")?,
        description: text(f, "description")?,
        firewall_rules: f.opt_str_list("firewall_rules")?,
        audited: f.opt_bool("audited")?,
        public: public(f)?,
    })
}

fn group_change(input: &Input<'_>, f: &Fields<'_>) -> ApiResult<GroupChange> {
    check_attributes(input, f, &GROUP_FIELDS)?;
    let policy = |k: &str| -> ApiResult<Option<Option<String>>> { Ok(f.nullable_str(k)?.map(|v| v.filter(|s| !s.is_empty()))) };
    Ok(GroupChange {
        name: text(f, "name")?,
        description: text(f, "description")?,
        ingress_firewall_policy_id: policy("ingress_firewall_policy_id")?,
        egress_firewall_policy_id: policy("egress_firewall_policy_id")?,
        ports: f.opt_str_list("ports")?,
        admin_state_up: f.opt_bool("admin_state_up")?,
        public: public(f)?,
    })
}

/// The flat `insert_rule`/`remove_rule` body's rule id.
fn rule_info(f: &Fields<'_>) -> ApiResult<String> {
    match f.opt_str("firewall_rule_id")? {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(typed(400, "FirewallRuleInfoMissing", "Missing rule info argument for insert/remove rule operation.".into())),
    }
}

impl Vpc {
    pub fn fw_list_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| net.fw_rules())?;
        list(input, "firewall_rules", all.iter().map(rule_json).collect())
    }

    pub fn fw_create_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "firewall_rule")?;
        let spec = rule_spec(input, &Fields::neutron(&body, bad), new_rule())?;
        let r = self.call(input, fault, |net| net.create_fw_rule(spec))?;
        one("firewall_rule", 201, rule_json(&r))
    }

    pub fn fw_show_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_rule_id");
        let r = self.call(input, fault, |net| net.fw_rule(id))?;
        one("firewall_rule", 200, rule_json(&r))
    }

    pub fn fw_update_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_rule_id");
        let body = wrapped(input, "firewall_rule")?;
        let current = self.call(input, fault, |net| net.fw_rule(id))?;
        let spec = rule_spec(input, &Fields::neutron(&body, bad), spec_of(&current))?;
        let r = self.call(input, fault, |net| net.update_fw_rule(id, spec))?;
        one("firewall_rule", 200, rule_json(&r))
    }

    pub fn fw_delete_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_rule_id");
        self.call(input, fault, |net| net.delete_fw_rule(id))?;
        Ok(Reply::empty(204))
    }

    pub fn fw_list_policies(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| net.fw_policies())?;
        list(input, "firewall_policies", all.iter().map(policy_json).collect())
    }

    pub fn fw_create_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "firewall_policy")?;
        let ch = policy_change(input, &Fields::neutron(&body, bad))?;
        let p = self.call(input, fault, |net| {
            net.create_fw_policy(
                ch.name.unwrap_or_default(),
                ch.description.unwrap_or_default(),
                ch.firewall_rules.unwrap_or_default(),
                ch.audited.unwrap_or(false),
                ch.public.unwrap_or(false),
            )
        })?;
        one("firewall_policy", 201, policy_json(&p))
    }

    pub fn fw_show_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_policy_id");
        let p = self.call(input, fault, |net| net.fw_policy(id))?;
        one("firewall_policy", 200, policy_json(&p))
    }

    pub fn fw_update_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_policy_id");
        let body = wrapped(input, "firewall_policy")?;
        let ch = policy_change(input, &Fields::neutron(&body, bad))?;
        let p = self.call(input, fault, |net| net.update_fw_policy(id, ch))?;
        one("firewall_policy", 200, policy_json(&p))
    }

    pub fn fw_delete_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_policy_id");
        self.call(input, fault, |net| net.delete_fw_policy(id))?;
        Ok(Reply::empty(204))
    }

    /// Answers the policy flat, as the reference shows.
    pub fn fw_insert_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_policy_id");
        let body = root(input)?;
        let f = Fields::neutron(&body, bad);
        let nonempty = |k: &str| -> ApiResult<Option<String>> { Ok(f.opt_str(k)?.filter(|s| !s.is_empty())) };
        let ins = Insertion { rule_id: rule_info(&f)?, before: nonempty("insert_before")?, after: nonempty("insert_after")? };
        let p = self.call(input, fault, |net| net.insert_fw_rule(id, ins))?;
        Reply::json(200, &policy_json(&p))
    }

    pub fn fw_remove_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_policy_id");
        let body = root(input)?;
        let rule = rule_info(&Fields::neutron(&body, bad))?;
        let p = self.call(input, fault, |net| net.remove_fw_rule(id, &rule))?;
        Reply::json(200, &policy_json(&p))
    }

    pub fn fw_list_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| net.fw_groups())?;
        list(input, "firewall_groups", all.iter().map(group_json).collect())
    }

    pub fn fw_create_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "firewall_group")?;
        let ch = group_change(input, &Fields::neutron(&body, bad))?;
        let g = self.call(input, fault, |net| net.create_fw_group(ch))?;
        one("firewall_group", 201, group_json(&g))
    }

    pub fn fw_show_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_group_id");
        let g = self.call(input, fault, |net| net.fw_group(id))?;
        one("firewall_group", 200, group_json(&g))
    }

    pub fn fw_update_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_group_id");
        let body = wrapped(input, "firewall_group")?;
        let ch = group_change(input, &Fields::neutron(&body, bad))?;
        let g = self.call(input, fault, |net| net.update_fw_group(id, ch))?;
        one("firewall_group", 200, group_json(&g))
    }

    pub fn fw_delete_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_group_id");
        self.call(input, fault, |net| net.delete_fw_group(id))?;
        Ok(Reply::empty(204))
    }
}
