//! VPC v3 network ACLs (`/v3/{project_id}/vpc/firewalls`) over
//! [`crate::model::network_acls`]: the v3 envelope and codes (`VPC.9901`
//! bad input, `VPC.9904` not found, `VPC.9902` in use), `request_id` in
//! every body, `dry_run` on create and on subnet association.

use super::body::Fields;
use super::listing::v3_page;
use super::v3::{
    bad, body, check_description, check_enterprise_project, check_name, dry_run, dry_run_passed, one, parse_multiport, parse_tags,
    tags_json,
};
use crate::errors::v3 as v3_fault;
use crate::model::network_acls::{AclChange, AclRule, NetworkAcl};
use crate::model::{Dependency, Fault, Res};
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family::Native, Input, Op, Reply};
use otc_core::time::Timestamp;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};
use std::sync::Arc;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Native, h);
    vec![
        op("POST", "/v3/{project_id}/vpc/firewalls", handler(s, Vpc::acl_create)),
        op("GET", "/v3/{project_id}/vpc/firewalls", handler(s, Vpc::acl_list)),
        op("GET", "/v3/{project_id}/vpc/firewalls/{firewall_id}", handler(s, Vpc::acl_show)),
        op("PUT", "/v3/{project_id}/vpc/firewalls/{firewall_id}", handler(s, Vpc::acl_update)),
        op("DELETE", "/v3/{project_id}/vpc/firewalls/{firewall_id}", handler(s, Vpc::acl_delete)),
        op("PUT", "/v3/{project_id}/vpc/firewalls/{firewall_id}/insert-rules", handler(s, Vpc::acl_insert_rules)),
        op("PUT", "/v3/{project_id}/vpc/firewalls/{firewall_id}/update-rules", handler(s, Vpc::acl_update_rules)),
        op("PUT", "/v3/{project_id}/vpc/firewalls/{firewall_id}/remove-rules", handler(s, Vpc::acl_remove_rules)),
        op("PUT", "/v3/{project_id}/vpc/firewalls/{firewall_id}/associate-subnets", handler(s, Vpc::acl_associate)),
        op("PUT", "/v3/{project_id}/vpc/firewalls/{firewall_id}/disassociate-subnets", handler(s, Vpc::acl_disassociate)),
    ]
}

fn fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(Res::FirewallRule, id) => ApiError::new(404, "VPC.9904", format!("Firewall_rule {id} could not be found.")),
        Fault::InUse(Res::FirewallGroup, id, Dependency::FirewallInUse) => {
            ApiError::new(409, "VPC.9902", format!("Firewall {id} is associated with subnets; disassociate them first."))
        }
        Fault::NotFound(Res::AddressGroup, id) => ApiError::new(404, "VPC.9904", format!("Address group {id} does not exist.")),
        Fault::InUse(Res::Subnet, id, _) => {
            ApiError::new(409, "VPC.9902", format!("Subnet {id} is already associated with a network ACL."))
        }
        other => v3_fault(other),
    }
}

/// ACL timestamps as the reference shows them: `2022-04-07T07:30:46.000+00:00`.
fn ts(t: Timestamp) -> String {
    format!("{}.000+00:00", otc_core::time::iso_naive(t))
}

fn rule_json(project: &str, r: &AclRule) -> Value {
    json!({
        "id": r.id, "name": r.name, "description": r.description, "action": r.action, "project_id": project,
        "protocol": r.protocol, "ip_version": r.ip_version, "source_ip_address": r.source_ip_address,
        "destination_ip_address": r.destination_ip_address, "source_port": r.source_port, "destination_port": r.destination_port,
        "source_address_group_id": r.source_address_group_id, "destination_address_group_id": r.destination_address_group_id,
        "enabled": r.enabled,
    })
}

fn acl_json(a: &NetworkAcl, with_rules: bool) -> Value {
    let mut v = json!({
        "id": a.id, "name": a.name, "description": a.description, "project_id": a.project_id,
        "created_at": ts(a.created_at), "updated_at": ts(a.updated_at), "admin_state_up": a.admin_state_up,
        "status": a.status(), "enterprise_project_id": a.enterprise_project_id, "tags": tags_json(&a.tags),
        "associations": a.subnets.iter().map(|s| json!({"virsubnet_id": s})).collect::<Vec<_>>(),
    });
    if with_rules {
        v["ingress_rules"] = a.ingress_rules.iter().map(|r| rule_json(&a.project_id, r)).collect();
        v["egress_rules"] = a.egress_rules.iter().map(|r| rule_json(&a.project_id, r)).collect();
    }
    v
}

fn reply(input: &Input<'_>, status: u16, a: &NetworkAcl) -> ApiResult<Reply> {
    one(input, status, "firewall", acl_json(a, true))
}

/// A port list as the reference writes it (`22`, `22-30`, `22,23-30`),
/// at most 20 non-overlapping ranges; empty is all ports.
fn ports(f: &Fields<'_>, key: &str) -> ApiResult<Option<Option<String>>> {
    let Some(v) = f.nullable_str(key)? else {
        return Ok(None);
    };
    let Some(raw) = v.filter(|s| !s.is_empty()) else {
        return Ok(Some(None));
    };
    let (_, _, parts) = parse_multiport(&raw)?;
    if parts.len() > 20 {
        return Err(bad(format!("Invalid {key} {raw}: at most 20 port ranges are allowed.")));
    }
    let bounds = |p: &str| -> (i64, i64) {
        let (a, b) = p.split_once('-').unwrap_or((p, p));
        (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
    };
    let mut ranges: Vec<(i64, i64)> = parts.iter().map(|p| bounds(p)).collect();
    ranges.sort();
    if ranges.windows(2).any(|w| w[1].0 <= w[0].1) {
        return Err(bad(format!("Invalid {key} {raw}: port ranges overlap.")));
    }
    Ok(Some(Some(parts.join(","))))
}

fn address(f: &Fields<'_>, key: &str) -> ApiResult<Option<Option<String>>> {
    let Some(v) = f.nullable_str(key)? else {
        return Ok(None);
    };
    let Some(s) = v.filter(|s| !s.is_empty()) else {
        return Ok(Some(None));
    };
    if s.parse::<std::net::IpAddr>().is_err() && s.parse::<ipnet::IpNet>().is_err() {
        return Err(bad(format!("Invalid {key} {s}: it must be an IP address or a CIDR block.")));
    }
    Ok(Some(Some(s)))
}

/// One rule item over `base` (a new rule's defaults or the rule being
/// updated), checked as a whole.
fn rule_item(f: &Fields<'_>, mut r: AclRule, new: bool) -> ApiResult<AclRule> {
    if let Some(k) = f.unknown(&[
        "id",
        "name",
        "description",
        "action",
        "protocol",
        "ip_version",
        "source_ip_address",
        "destination_ip_address",
        "source_port",
        "destination_port",
        "source_address_group_id",
        "destination_address_group_id",
        "enabled",
    ]) {
        return Err(bad(format!("Invalid rule: unknown parameter {k}.")));
    }
    if let Some(n) = f.opt_str("name")? {
        if n.chars().count() > 255 {
            return Err(bad("Invalid rule name: it can contain at most 255 characters.".into()));
        }
        r.name = n;
    }
    if let Some(d) = f.opt_str("description")? {
        check_description(&d, 255)?;
        r.description = d;
    }
    match f.opt_str("action")? {
        Some(a) if a == "allow" || a == "deny" => r.action = a,
        Some(a) => return Err(bad(format!("Invalid action {a}: it must be allow or deny."))),
        None if new => return Err(f.missing("action")),
        None => {}
    }
    let protocol = match f.obj.get("protocol") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => f.opt_str("protocol")?,
    };
    match protocol {
        Some(p) if ["tcp", "udp", "icmp", "icmpv6", "any"].contains(&p.as_str()) || p.parse::<u8>().is_ok() => r.protocol = p,
        Some(p) => return Err(bad(format!("Invalid protocol {p}."))),
        None if new => return Err(f.missing("protocol")),
        None => {}
    }
    // Integer in the tables, "4" in the insert example: both.
    match f.obj.get("ip_version") {
        None | Some(Value::Null) if new => return Err(f.missing("ip_version")),
        None | Some(Value::Null) => {}
        Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
            Some(4) => r.ip_version = 4,
            Some(6) => r.ip_version = 6,
            _ => return Err(bad(format!("Invalid ip_version {v}: it must be 4 or 6."))),
        },
    }
    for (key, slot) in [("source_ip_address", &mut r.source_ip_address), ("destination_ip_address", &mut r.destination_ip_address)] {
        if let Some(v) = address(f, key)? {
            *slot = v;
        }
    }
    for (key, slot) in [("source_port", &mut r.source_port), ("destination_port", &mut r.destination_port)] {
        if let Some(v) = ports(f, key)? {
            *slot = v;
        }
    }
    for (key, slot) in
        [("source_address_group_id", &mut r.source_address_group_id), ("destination_address_group_id", &mut r.destination_address_group_id)]
    {
        if let Some(v) = f.nullable_str(key)? {
            *slot = v.filter(|s| !s.is_empty());
        }
    }
    if let Some(e) = f.opt_bool("enabled")? {
        r.enabled = e;
    }
    match (r.protocol.as_str(), r.ip_version) {
        ("icmp", 6) | ("icmpv6", 4) => {
            return Err(bad(format!("Invalid protocol {}: it does not match ip_version {}.", r.protocol, r.ip_version)))
        }
        _ => {}
    }
    if (r.source_port.is_some() || r.destination_port.is_some()) && !["tcp", "udp"].contains(&r.protocol.as_str()) {
        return Err(bad("Invalid rule: ports can only be given for tcp and udp.".into()));
    }
    for a in [&r.source_ip_address, &r.destination_ip_address].into_iter().flatten() {
        let v6 = a.split('/').next().unwrap_or(a).contains(':');
        if v6 != (r.ip_version == 6) {
            return Err(bad(format!("Invalid IP address {a}: it does not match ip_version {}.", r.ip_version)));
        }
    }
    if r.source_ip_address.is_some() && r.source_address_group_id.is_some()
        || r.destination_ip_address.is_some() && r.destination_address_group_id.is_some()
    {
        return Err(bad("Invalid rule: give an IP address or an address group per side, not both.".into()));
    }
    if r.source_address_group_id.is_some() && r.destination_address_group_id.is_some() {
        return Err(bad("Invalid rule: source and destination cannot both be address groups.".into()));
    }
    Ok(r)
}

fn new_rule() -> AclRule {
    AclRule {
        id: otc_core::ids::uuid(),
        name: String::new(),
        description: String::new(),
        action: String::new(),
        protocol: String::new(),
        ip_version: 4,
        source_ip_address: None,
        destination_ip_address: None,
        source_port: None,
        destination_port: None,
        source_address_group_id: None,
        destination_address_group_id: None,
        enabled: true,
    }
}

/// The `{"firewall": {...}}` of a rule operation: one direction's rule
/// items (`ingress` true for inbound).
fn one_direction<'a>(f: &Fields<'a>, op: &str) -> ApiResult<(bool, Vec<Fields<'a>>)> {
    let ingress = f.opt_objects("ingress_rules")?;
    let egress = f.opt_objects("egress_rules")?;
    match (ingress, egress) {
        (Some(i), None) if !i.is_empty() => Ok((true, i)),
        (None, Some(e)) if !e.is_empty() => Ok((false, e)),
        (Some(_), Some(_)) => Err(bad(format!("Invalid request: {op} works on ingress_rules or egress_rules, not both."))),
        _ => Err(bad(format!("Invalid request: {op} needs ingress_rules or egress_rules."))),
    }
}

fn firewall_obj(b: &super::body::Obj) -> ApiResult<Fields<'_>> {
    Fields::new(b, bad).object("firewall")
}

/// The v1 subnet ids of an associate/disassociate body.
fn subnet_ids(f: &Fields<'_>) -> ApiResult<Vec<String>> {
    let list = f.opt_objects("subnets")?.ok_or_else(|| f.missing("subnets"))?;
    if list.is_empty() {
        return Err(bad("Invalid subnets: give at least one subnet.".into()));
    }
    list.iter().map(|s| s.str("virsubnet_id")).collect()
}

impl Vpc {
    pub fn acl_create(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let b = body(input)?;
        let root = Fields::new(&b, bad);
        let dry = dry_run(&root)?;
        let f = root.object("firewall")?;
        let name = f.str("name")?;
        check_name(&name)?;
        let description = f.opt_str("description")?;
        if let Some(d) = &description {
            check_description(d, 255)?;
        }
        let ep = f.opt_str("enterprise_project_id")?;
        if let Some(e) = &ep {
            check_enterprise_project(e)?;
        }
        let ch = AclChange {
            description,
            admin_state_up: f.opt_bool("admin_state_up")?,
            enterprise_project_id: ep,
            tags: Some(parse_tags(&f)?),
            ..Default::default()
        };
        match self.v3_change(input, dry, fault, |net| net.create_network_acl(name, ch))? {
            Some(a) => reply(input, 201, &a),
            None => dry_run_passed(input),
        }
    }

    pub fn acl_list(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| net.network_acls())?;
        let items = all.iter().map(|a| acl_json(a, false)).collect();
        let (page, info) = v3_page(input, items, bad)?;
        Reply::json(200, &json!({"firewalls": page, "page_info": info, "request_id": input.request_id}))
    }

    pub fn acl_show(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let a = self.call(input, fault, |net| net.network_acl(id))?;
        reply(input, 200, &a)
    }

    pub fn acl_update(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let b = body(input)?;
        let f = firewall_obj(&b)?;
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            check_name(n)?;
        }
        let description = f.opt_str("description")?;
        if let Some(d) = &description {
            check_description(d, 255)?;
        }
        let ch = AclChange { name, description, admin_state_up: f.opt_bool("admin_state_up")?, ..Default::default() };
        let a = self.call(input, fault, |net| net.update_network_acl(id, ch))?;
        reply(input, 200, &a)
    }

    pub fn acl_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        self.call(input, fault, |net| net.delete_network_acl(id))?;
        Ok(Reply::empty(204))
    }

    pub fn acl_insert_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let b = body(input)?;
        let f = firewall_obj(&b)?;
        let (ingress, items) = one_direction(&f, "insert-rules")?;
        let rules = items.iter().map(|i| rule_item(i, new_rule(), true)).collect::<ApiResult<Vec<_>>>()?;
        let after = f.opt_str("insert_after_rule")?.filter(|s| !s.is_empty());
        let a = self.call(input, fault, |net| net.insert_acl_rules(id, ingress, rules, after.as_deref()))?;
        reply(input, 200, &a)
    }

    pub fn acl_update_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let b = body(input)?;
        let f = firewall_obj(&b)?;
        let (ingress, items) = one_direction(&f, "update-rules")?;
        if items.len() != 1 {
            return Err(bad("Invalid request: only one network ACL rule can be updated at a time.".into()));
        }
        let item = &items[0];
        let rule_id = item.str("id")?;
        let a = self.call(input, fault, |net| {
            let mut acl = net.network_acl(id)?;
            let current = acl
                .rules_mut(ingress)
                .iter()
                .find(|r| r.id == rule_id)
                .cloned()
                .ok_or_else(|| Fault::NotFound(Res::FirewallRule, rule_id.clone()))?;
            // Bad input is worded here, inside the transaction, so the
            // rule is read and written at once.
            let rule = rule_item(item, current, false).map_err(|e| Fault::Invalid(Res::FirewallRule, e.message))?;
            net.update_acl_rule(id, ingress, rule)
        });
        let a = a.map_err(|e| if e.status == 400 { ApiError::new(400, "VPC.9901", e.message) } else { e })?;
        reply(input, 200, &a)
    }

    pub fn acl_remove_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let b = body(input)?;
        let f = firewall_obj(&b)?;
        let (ingress, items) = one_direction(&f, "remove-rules")?;
        let ids = items.iter().map(|i| i.str("id")).collect::<ApiResult<Vec<_>>>()?;
        let a = self.call(input, fault, |net| net.remove_acl_rules(id, ingress, &ids))?;
        reply(input, 200, &a)
    }

    pub fn acl_associate(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let b = body(input)?;
        let f = Fields::new(&b, bad);
        let dry = dry_run(&f)?;
        let subnets = subnet_ids(&f)?;
        match self.v3_change(input, dry, fault, |net| net.associate_acl_subnets(id, &subnets))? {
            Some(a) => reply(input, 200, &a),
            None => dry_run_passed(input),
        }
    }

    pub fn acl_disassociate(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let b = body(input)?;
        let f = Fields::new(&b, bad);
        let dry = dry_run(&f)?;
        let subnets = subnet_ids(&f)?;
        match self.v3_change(input, dry, fault, |net| net.disassociate_acl_subnets(id, &subnets))? {
            Some(a) => reply(input, 200, &a),
            None => dry_run_passed(input),
        }
    }
}
