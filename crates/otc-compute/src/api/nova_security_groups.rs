//! Nova's security groups: the (discarded, still served) proxy
//! `/os-security-groups` and `/os-security-group-rules`, the groups of one
//! server (`/servers/{id}/os-security-groups`) and the `addSecurityGroup`
//! / `removeSecurityGroup` actions. A Nova security group IS the network
//! model's security group (same id, same rules, seen by VPC v1, Neutron
//! and VPC v3); Nova shows a group's ingress rules only, as Nova does on
//! Neutron, in its own rule shape (`ip_protocol`, `from_port`, `to_port`,
//! `ip_range`, `group`). Nova retired the proxy at microversion 2.36.

use crate::api::nova::{body_obj, json_reply, microversion, versioned};
use crate::api::nova_images::{retired, PROXY_MAX};
use crate::errors::bad;
use crate::model::{Fault, Why};
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use otc_vpc::model::security_groups::{DefaultRules, RuleSpec};
use otc_vpc::model::{Dependency, Fault as NetFault, Res, SecurityGroup, SecurityGroupRule};
use serde_json::{json, Map, Value};

/// The network model's refusals in Nova's words for this API.
pub(crate) fn net_fault(f: NetFault) -> Fault {
    match f {
        NetFault::NotFound(Res::SecurityGroupRule, id) => Fault::NotFound(format!("Rule ({id}) not found")),
        NetFault::NotFound(Res::SecurityGroup, id) => Fault::NotFound(format!("Security group {id} not found.")),
        NetFault::NotFound(_, m) => Fault::NotFound(m),
        NetFault::InUse(_, _, Dependency::DefaultSecurityGroup) => {
            Fault::Invalid(Why::SecurityGroup, "Removing default security group not allowed.".into())
        }
        // Neutron's 409 SecurityGroupInUse is Nova's 400.
        NetFault::InUse(_, id, _) => Fault::Invalid(Why::SecurityGroup, format!("Security Group {id} in use.")),
        NetFault::Quota(Res::SecurityGroupRule) => Fault::Quota("Security group rule quota exceeded.".into()),
        NetFault::Quota(_) => Fault::Quota("Quota exceeded, too many security groups.".into()),
        NetFault::DuplicateRule(gid) => Fault::Invalid(Why::SecurityGroup, format!("This rule already exists in group {gid}")),
        NetFault::Invalid(_, m) => Fault::Invalid(Why::SecurityGroup, m),
        NetFault::Storage(m) => Fault::Storage(m),
        other => Fault::Invalid(Why::SecurityGroup, format!("{other:?}")),
    }
}

/// A rule as Nova shows it (`_format_security_group_rule`): ports of a
/// protocol rule without a range are Nova's 1-65535 (TCP/UDP) or -1.
pub(crate) fn rule_json(r: &SecurityGroupRule, groups: &[SecurityGroup]) -> Value {
    let (from, to) = match (&r.protocol, r.port_range_min, r.port_range_max) {
        (None, _, _) => (Value::Null, Value::Null),
        // An ICMP type without a code is any code: Nova's -1.
        (Some(p), Some(a), None) if p.starts_with("icmp") => (json!(a), json!(-1)),
        (Some(_), Some(a), b) => (json!(a), json!(b.unwrap_or(a))),
        (Some(p), None, _) if p == "tcp" || p == "udp" => (json!(1), json!(65535)),
        (Some(_), None, _) => (json!(-1), json!(-1)),
    };
    let (group, ip_range) = match &r.remote_group_id {
        Some(g) => {
            let name = groups.iter().find(|x| &x.id == g).map(|x| x.name.clone()).unwrap_or_default();
            (json!({"name": name, "tenant_id": r.project_id}), json!({}))
        }
        None => {
            let any = if r.ethertype == "IPv6" { "::/0" } else { "0.0.0.0/0" };
            (json!({}), json!({"cidr": r.remote_ip_prefix.clone().unwrap_or_else(|| any.to_string())}))
        }
    };
    json!({"id": r.id, "parent_group_id": r.security_group_id, "ip_protocol": r.protocol, "from_port": from, "to_port": to,
        "ip_range": ip_range, "group": group})
}

pub(crate) fn group_json(g: &SecurityGroup, rules: &[SecurityGroupRule], groups: &[SecurityGroup]) -> Value {
    let rules: Vec<Value> =
        rules.iter().filter(|r| r.security_group_id == g.id && r.direction == "ingress").map(|r| rule_json(r, groups)).collect();
    json!({"id": g.id, "name": g.name, "description": g.description, "tenant_id": g.project_id, "rules": rules})
}

/// A name or description: a string of at most 255 characters.
fn text(o: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= 255 => Ok(Some(s.trim().to_string())),
        Some(Value::String(_)) => Err(bad(format!("Security group {key} should not be greater than 255 characters."))),
        Some(_) => Err(bad(format!("Security group {key} is not a string or unicode"))),
    }
}

/// A port or ICMP type/code: an integer or a numeric string.
fn port(o: &Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'integer'"))),
    }
}

fn string(o: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'string'"))),
    }
}

/// Nova's rule arguments (`_rule_args_to_dict`) as a Neutron ingress rule.
fn rule_spec(o: &Map<String, Value>) -> ApiResult<RuleSpec> {
    let parent =
        string(o, "parent_group_id")?.ok_or_else(|| bad("Invalid input for field/attribute parent_group_id. Value: None.".into()))?;
    let protocol = string(o, "ip_protocol")?.map(|p| p.to_ascii_lowercase()).filter(|p| !p.is_empty());
    let (from, to) = (port(o, "from_port")?, port(o, "to_port")?);
    let group_id = string(o, "group_id")?.filter(|g| !g.is_empty());
    let cidr = string(o, "cidr")?.filter(|c| !c.is_empty());
    if protocol.is_none() && group_id.is_none() && cidr.is_none() {
        return Err(bad("Not enough parameters to build a valid rule.".into()));
    }
    let (min, max) = match protocol.as_deref() {
        None if from.is_some() || to.is_some() => return Err(bad("Not enough parameters to build a valid rule.".into())),
        None => (None, None),
        Some("tcp") | Some("udp") => {
            let (Some(a), Some(b)) = (from, to) else {
                return Err(bad("Not enough parameters to build a valid rule.".into()));
            };
            if !(1..=65535).contains(&a) || !(1..=65535).contains(&b) || a > b {
                return Err(bad(format!("Invalid port range {a}:{b}. Valid TCP ports should be between 1-65535")));
            }
            (Some(a), Some(b))
        }
        Some("icmp") => {
            let (Some(a), Some(b)) = (from, to) else {
                return Err(bad("Not enough parameters to build a valid rule.".into()));
            };
            if !(-1..=255).contains(&a) || !(-1..=255).contains(&b) {
                return Err(bad(format!("ICMP type {a} or code {b} is out of range (-1 to 255).")));
            }
            // -1 is "any": Neutron's open range.
            match (a, b) {
                (-1, -1) => (None, None),
                (-1, _) => return Err(bad(format!("ICMP code {b} is given without a type."))),
                (a, -1) => (Some(a), None),
                (a, b) => (Some(a), Some(b)),
            }
        }
        Some(p) => return Err(bad(format!("Invalid IP protocol {p}."))),
    };
    // A source group wins over a CIDR, as the reference says.
    let (remote_group_id, remote_ip_prefix) = match group_id {
        Some(g) => (Some(g), None),
        None => (None, Some(cidr.unwrap_or_else(|| "0.0.0.0/0".into()))),
    };
    let ethertype = if remote_ip_prefix.as_deref().is_some_and(|c| c.contains(':')) { "IPv6" } else { "IPv4" };
    Ok(RuleSpec {
        security_group_id: parent,
        direction: "ingress".into(),
        ethertype: Some(ethertype.into()),
        protocol,
        port_range_min: min,
        port_range_max: max,
        remote_ip_prefix,
        remote_group_id,
        ..Default::default()
    })
}

impl Compute {
    fn proxy_mv(input: &Input<'_>, v2: bool) -> ApiResult<(u32, u32)> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        Ok(mv)
    }

    pub fn list_security_groups(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let list = self.call(input, |m| {
            let groups = m.net.security_groups().map_err(net_fault)?;
            let rules = m.net.rules().map_err(net_fault)?;
            Ok(groups.iter().map(|g| group_json(g, &rules, &groups)).collect::<Vec<_>>())
        })?;
        json_reply(200, &json!({ "security_groups": list }), mv)
    }

    pub fn show_security_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let id = input.param("security_group_id").to_string();
        let v = self.call(input, |m| {
            let g = m.net.security_group(&id).map_err(net_fault)?;
            let groups = m.net.security_groups().map_err(net_fault)?;
            let rules = m.net.rules_of(&id).map_err(net_fault)?;
            Ok(group_json(&g, &rules, &groups))
        })?;
        json_reply(200, &json!({ "security_group": v }), mv)
    }

    pub fn create_security_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let o = body_obj(input, "security_group")?;
        let name = text(&o, "name")?.unwrap_or_default();
        let description = text(&o, "description")?.unwrap_or_default();
        let v = self.call(input, |m| {
            // Neutron's defaults (egress only): the new group shows no
            // (ingress) rules, as the reference's example does.
            let g = m.net.create_security_group(&name, &description, None, DefaultRules::EgressOnly).map_err(net_fault)?;
            let rules = m.net.rules_of(&g.id).map_err(net_fault)?;
            Ok(group_json(&g, &rules, &[]))
        })?;
        json_reply(200, &json!({ "security_group": v }), mv)
    }

    pub fn update_security_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let id = input.param("security_group_id").to_string();
        let o = body_obj(input, "security_group")?;
        let name = text(&o, "name")?;
        let description = text(&o, "description")?;
        let v = self.call(input, |m| {
            let g = m.net.update_security_group(&id, name, description).map_err(net_fault)?;
            let groups = m.net.security_groups().map_err(net_fault)?;
            let rules = m.net.rules_of(&id).map_err(net_fault)?;
            Ok(group_json(&g, &rules, &groups))
        })?;
        json_reply(200, &json!({ "security_group": v }), mv)
    }

    pub fn delete_security_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let id = input.param("security_group_id").to_string();
        self.call(input, |m| m.net.delete_security_group(&id).map_err(net_fault))?;
        Ok(versioned(Reply::empty(202), mv))
    }

    pub fn create_security_group_rule(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let o = body_obj(input, "security_group_rule")?;
        let spec = rule_spec(&o)?;
        let v = self.call(input, |m| {
            // An unknown parent is Nova's 404; an unknown source group its 400.
            m.net.security_group(&spec.security_group_id).map_err(net_fault)?;
            if let Some(g) = &spec.remote_group_id {
                m.net.security_group(g).map_err(|_| Fault::Invalid(Why::SecurityGroup, format!("Security group {g} not found.")))?;
            }
            let r = m.net.create_rule(spec.clone()).map_err(net_fault)?;
            let groups = m.net.security_groups().map_err(net_fault)?;
            Ok(rule_json(&r, &groups))
        })?;
        json_reply(200, &json!({ "security_group_rule": v }), mv)
    }

    pub fn delete_security_group_rule(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = Self::proxy_mv(input, v2)?;
        let id = input.param("security_group_rule_id").to_string();
        self.call(input, |m| m.net.delete_rule(&id).map_err(net_fault))?;
        Ok(versioned(Reply::empty(202), mv))
    }

    /// The groups of one server, with their rules (not retired: it is
    /// an API of servers, not of the proxy).
    pub fn server_security_groups(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let list = self.call(input, |m| {
            let mine = m.server_security_groups(&id)?;
            let groups = m.net.security_groups().map_err(net_fault)?;
            let rules = m.net.rules().map_err(net_fault)?;
            Ok(mine.iter().map(|g| group_json(g, &rules, &groups)).collect::<Vec<_>>())
        })?;
        json_reply(200, &json!({ "security_groups": list }), mv)
    }

    /// `addSecurityGroup` / `removeSecurityGroup` `{"name": ...}` (a name
    /// or, on OTC, an id): 202 with no body.
    pub(crate) fn server_group_action(&self, input: &Input<'_>, mv: (u32, u32), key: &str, arg: &Value) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let name = match arg.get("name") {
            Some(Value::String(n)) if !n.trim().is_empty() => n.trim().to_string(),
            Some(Value::String(_)) => return Err(bad("Security group name cannot be empty".into())),
            _ => return Err(bad(format!("Invalid input for field/attribute {key}. Value: {arg}. 'name' is a required property"))),
        };
        let add = key == "addSecurityGroup";
        self.call(input, |m| {
            m.server(&id)?;
            m.change_server_group(&id, &name, add).map(|_| ())
        })?;
        Ok(versioned(Reply::empty(202), mv))
    }
}
