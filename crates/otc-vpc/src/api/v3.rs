//! VPC v3 as OTC documents it (vpc/vpc_apis_v3): VPCs and their secondary
//! CIDR blocks, security groups and rules (with action, priority and
//! multiport), EIPs under `/v3/{project_id}/eip` and the common public
//! pool, over the one network model. Every body carries `request_id`;
//! errors are `{"error_msg","error_code","request_id"}` with the VPC.99xx
//! codes of the appendix; `dry_run` checks a change without making it.

use super::body::{root, Fields, Obj};
use super::listing::{neutron_matches, project_fields, v3_page, v3_page_query};
use crate::errors::v3 as fault;
use crate::model::security_groups::{DefaultRules, RuleSpec};
use crate::model::*;
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family::Native, Input, Op, Query, Reply};
use otc_core::tags::Tag;
use otc_core::time::{iso_seconds, Timestamp};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

type Handler = fn(&Vpc, &Input<'_>) -> ApiResult<Reply>;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let table: [(&'static str, &'static str, Handler); 20] = [
        ("GET", "/v3/{project_id}/vpc/vpcs", Vpc::v3_list_vpcs),
        ("GET", "/v3/{project_id}/vpc/vpcs/{vpc_id}", Vpc::v3_show_vpc),
        ("PUT", "/v3/{project_id}/vpc/vpcs/{vpc_id}/add-extend-cidr", Vpc::v3_add_extend_cidr),
        ("PUT", "/v3/{project_id}/vpc/vpcs/{vpc_id}/remove-extend-cidr", Vpc::v3_remove_extend_cidr),
        ("POST", "/v3/{project_id}/vpc/security-groups", Vpc::v3_create_security_group),
        ("GET", "/v3/{project_id}/vpc/security-groups", Vpc::v3_list_security_groups),
        ("GET", "/v3/{project_id}/vpc/security-groups/{security_group_id}", Vpc::v3_show_security_group),
        ("PUT", "/v3/{project_id}/vpc/security-groups/{security_group_id}", Vpc::v3_update_security_group),
        ("DELETE", "/v3/{project_id}/vpc/security-groups/{security_group_id}", Vpc::v3_delete_security_group),
        ("POST", "/v3/{project_id}/vpc/security-group-rules", Vpc::v3_create_rule),
        ("GET", "/v3/{project_id}/vpc/security-group-rules", Vpc::v3_list_rules),
        ("GET", "/v3/{project_id}/vpc/security-group-rules/{security_group_rule_id}", Vpc::v3_show_rule),
        ("DELETE", "/v3/{project_id}/vpc/security-group-rules/{security_group_rule_id}", Vpc::v3_delete_rule),
        ("POST", "/v3/{project_id}/eip/publicips/attach-share-bandwidth", Vpc::v3_attach_share_bandwidth),
        ("GET", "/v3/{project_id}/eip/publicips", Vpc::v3_list_publicips),
        ("GET", "/v3/{project_id}/eip/publicips/{publicip_id}", Vpc::v3_show_publicip),
        ("PUT", "/v3/{project_id}/eip/publicips/{publicip_id}", Vpc::v3_update_publicip),
        ("POST", "/v3/{project_id}/eip/publicips/{publicip_id}/associate-instance", Vpc::v3_associate_publicip),
        ("POST", "/v3/{project_id}/eip/publicips/{publicip_id}/disassociate-instance", Vpc::v3_disassociate_publicip),
        ("GET", "/v3/{project_id}/eip/publicip-pools/common-pools", Vpc::v3_common_pools),
    ];
    table.into_iter().map(|(method, path, h)| Op::new(method, path, Project, Native, handler(s, h))).collect()
}

// --- errors and bodies -----------------------------------------------------

/// A malformed or out-of-range parameter (the appendix's VPC.9901).
pub(crate) fn bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.9901", msg)
}

fn bad_body(msg: &str) -> ApiError {
    bad(format!("Invalid request body: {msg}"))
}

/// The request body as a JSON object, malformed bodies worded as v3 does.
pub(crate) fn body(input: &Input<'_>) -> ApiResult<Obj> {
    root(&Input { bad_body, ..*input })
}

pub(crate) fn dry_run(f: &Fields<'_>) -> ApiResult<bool> {
    Ok(f.opt_bool("dry_run")?.unwrap_or(false))
}

/// The 202 a passed dry run answers.
pub(crate) fn dry_run_passed(input: &Input<'_>) -> ApiResult<Reply> {
    Reply::json(
        202,
        &json!({"error_msg": "Request validation has been passed with dry run...", "error_code": "SYS.0202", "request_id": input.request_id}),
    )
}

/// `{"<key>": v, "request_id": ...}`.
pub(crate) fn one(input: &Input<'_>, status: u16, key: &str, v: Value) -> ApiResult<Reply> {
    Reply::json(status, &json!({ key: v, "request_id": input.request_id }))
}

impl Vpc {
    /// Runs a change in one transaction. With `dry` the change is made and
    /// rolled back, so a dry run checks exactly what the real request
    /// would (existence, quotas, conflicts) and leaves nothing behind;
    /// `None` then means it passed.
    pub(crate) fn v3_change<R>(
        &self,
        input: &Input<'_>,
        dry: bool,
        map: impl Fn(Fault) -> ApiError,
        f: impl FnOnce(&mut Net<'_>) -> ModelResult<R>,
    ) -> ApiResult<Option<R>> {
        let ctx = input.ctx()?;
        let out = self.run(ctx, |net| {
            let r = f(net)?;
            if dry {
                return Err(Fault::DryRunPassed);
            }
            Ok(r)
        });
        match out {
            Ok(r) => Ok(Some(r)),
            Err(Fault::DryRunPassed) => Ok(None),
            Err(e) => Err(map(e)),
        }
    }
}

// --- renderings ------------------------------------------------------------

pub(crate) fn ts(t: Timestamp) -> String {
    iso_seconds(t)
}

pub(crate) fn tags_json(tags: &[Tag]) -> Value {
    Value::Array(tags.iter().map(|t| json!({"key": t.key, "value": t.value})).collect())
}

/// The v3 status of a VPC: PENDING while it is created, then ACTIVE.
fn vpc_status(model: &str) -> &'static str {
    match model {
        "CREATING" | "PENDING" => "PENDING",
        _ => "ACTIVE",
    }
}

fn vpc_json(r: &Router, subnets: usize) -> Value {
    json!({
        "id": r.id, "name": r.name, "description": r.description, "cidr": r.cidr,
        "extend_cidrs": r.extend_cidrs, "status": vpc_status(&r.status), "project_id": r.project_id,
        "enterprise_project_id": r.enterprise_project_id, "tags": tags_json(&r.tags),
        "created_at": ts(r.created_at), "updated_at": ts(r.updated_at),
        "cloud_resources": [
            {"resource_type": "routetable", "resource_count": 1},
            {"resource_type": "virsubnet", "resource_count": subnets},
        ],
    })
}

/// A VPC with the count of its subnets (networks attached to it).
fn vpc_view(net: &mut Net<'_>, r: &Router) -> ModelResult<Value> {
    let subnets = net.keyed::<Network>(NETWORK, &r.id)?.len();
    Ok(vpc_json(r, subnets))
}

fn is_icmp(protocol: Option<&str>) -> bool {
    matches!(protocol, Some("icmp" | "icmpv6" | "1" | "58"))
}

/// `multiport` of a rule: its stored port list, else its port range
/// (`"80"`, `"1-30"`); null for all ports and for ICMP type/code.
fn multiport(r: &SecurityGroupRule, list: Option<&String>) -> Value {
    if let Some(l) = list {
        return json!(l);
    }
    if is_icmp(r.protocol.as_deref()) {
        return Value::Null;
    }
    match (r.port_range_min, r.port_range_max) {
        (Some(a), Some(b)) if a == b => json!(a.to_string()),
        (Some(a), Some(b)) => json!(format!("{a}-{b}")),
        (Some(a), None) | (None, Some(a)) => json!(a.to_string()),
        (None, None) => Value::Null,
    }
}

fn rule_json(r: &SecurityGroupRule, ports: Option<&String>) -> Value {
    json!({
        "id": r.id, "project_id": r.project_id, "security_group_id": r.security_group_id,
        "direction": r.direction, "protocol": r.protocol, "description": r.description,
        "created_at": ts(r.created_at), "updated_at": ts(r.updated_at), "ethertype": r.ethertype,
        "remote_ip_prefix": r.remote_ip_prefix, "multiport": multiport(r, ports), "action": r.action,
        "priority": r.priority, "remote_group_id": r.remote_group_id,
        "remote_address_group_id": r.remote_address_group_id,
    })
}

/// A security group; `rules` for the detailed form (create, show, update).
fn group_json(g: &SecurityGroup, tags: &[Tag], rules: Option<Vec<Value>>) -> Value {
    let mut v = json!({
        "id": g.id, "name": g.name, "project_id": g.project_id, "description": g.description,
        "enterprise_project_id": g.enterprise_project_id, "tags": tags_json(tags),
        "created_at": ts(g.created_at), "updated_at": ts(g.updated_at),
    });
    if let Some(rules) = rules {
        v["security_group_rules"] = Value::Array(rules);
    }
    v
}

fn group_view(net: &mut Net<'_>, g: &SecurityGroup) -> ModelResult<Value> {
    let tags = net.security_group_tags(&g.id)?;
    let ports = net.all_rule_ports()?;
    let rules = net.rules_of(&g.id)?.iter().map(|r| rule_json(r, ports.get(&r.id))).collect();
    Ok(group_json(g, &tags, Some(rules)))
}

/// The one public pool EIPs come from.
const POOL_NAME: &str = "5_bgp";
const BORDER_GROUP: &str = "center";

/// EIP members shown only when `fields` asks for them.
const EIP_HIDDEN: [&str; 5] = ["network_type", "profile", "fake_network_type", "associate_instance_metadata", "cascade_delete_by_instance"];

/// Everything v3 can say about an EIP (the documented default set plus
/// the hidden members); each operation keeps the members of its schema.
fn eip_json(e: &Eip, bw: Option<&Bandwidth>, port: Option<&Port>, pool_id: &str) -> Map<String, Value> {
    let bound = e.port_id.is_some();
    let vnic = match (bound, port) {
        (true, Some(p)) => json!({
            "private_ip_address": e.private_ip_address, "device_id": p.device_id, "device_owner": p.device_owner,
            "vpc_id": e.router_id.clone().unwrap_or_default(), "port_id": p.id, "mac": p.mac_address,
            "vtep": null, "vni": null, "instance_id": "", "instance_type": "", "port_profile": null,
            "port_vif_details": "",
        }),
        _ => Value::Null,
    };
    let bandwidth = bw.map(|b| {
        json!({"id": b.id, "size": b.size, "share_type": b.share_type, "charge_mode": b.charge_mode, "name": b.name, "billing_info": ""})
    });
    let v = json!({
        "id": e.id, "project_id": e.project_id, "ip_version": 4, "public_ip_address": e.public_ip_address,
        "public_ipv6_address": null, "status": e.status(), "description": e.description,
        "public_border_group": BORDER_GROUP, "created_at": ts(e.created_at), "updated_at": ts(e.updated_at),
        "type": "EIP", "vnic": vnic, "bandwidth": bandwidth, "enterprise_project_id": e.enterprise_project_id,
        "billing_info": null, "lock_status": null,
        "associate_instance_type": if bound { json!("PORT") } else { Value::Null },
        "associate_instance_id": e.port_id, "publicip_pool_id": pool_id, "publicip_pool_name": e.ip_type,
        "alias": if e.alias.is_empty() { Value::Null } else { json!(e.alias) },
        "tags": e.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>(),
        "allow_share_bandwidth_types": ["share"],
        "network_type": e.ip_type,
        "profile": {"local_network_port": null, "standalone": false, "notify_status": null, "create_time": ts(e.created_at), "fake_network_type": false},
        "fake_network_type": false, "associate_instance_metadata": "", "cascade_delete_by_instance": false,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn eip_view(net: &mut Net<'_>, e: &Eip) -> ModelResult<Map<String, Value>> {
    let bw = net.find::<Bandwidth>(BANDWIDTH, &e.bandwidth_id)?;
    let port = match &e.port_id {
        Some(p) => net.find::<Port>(PORT, p)?,
        None => None,
    };
    Ok(eip_json(e, bw.as_ref(), port.as_ref(), &net.external_network_id()))
}

/// The members of each response schema besides the default set.
#[derive(Clone, Copy)]
enum EipSchema {
    /// PublicipSingleShowResp (list, show).
    Show,
    /// PublicipUpdateResp (update).
    Update,
    /// PublicipInstanceResp (associate, disassociate).
    Instance,
    /// PublicipResp (attach-share-bandwidth).
    Plain,
}

fn eip_shape(mut m: Map<String, Value>, schema: EipSchema) -> Value {
    for k in EIP_HIDDEN {
        m.remove(k);
    }
    let drop: &[&str] = match schema {
        EipSchema::Show => &[],
        EipSchema::Update | EipSchema::Plain => &["tags", "allow_share_bandwidth_types"],
        EipSchema::Instance => &["tags", "allow_share_bandwidth_types", "public_ipv6_address"],
    };
    for k in drop {
        m.remove(*k);
    }
    Value::Object(m)
}

/// The `fields` projection of EIP lists and details: the members asked
/// for (hidden ones included), else the default set.
fn eip_fields(item: Value, fields: &[&str]) -> Value {
    match item {
        Value::Object(m) if fields.is_empty() => eip_shape(m, EipSchema::Show),
        other => project_fields(other, fields),
    }
}

// --- validation ------------------------------------------------------------

fn check_len(field: &str, v: &str, max: usize) -> ApiResult<()> {
    if v.chars().count() > max {
        return Err(bad(format!("Invalid {field}: it can contain at most {max} characters.")));
    }
    Ok(())
}

/// Names of security groups: 1-64 letters, digits, `_`, `-` and `.`.
pub(crate) fn check_name(name: &str) -> ApiResult<()> {
    let ok = (1..=64).contains(&name.chars().count()) && name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c));
    if !ok {
        return Err(bad(format!("Invalid name {name}: it must be 1 to 64 letters, digits, underscores, hyphens or periods.")));
    }
    Ok(())
}

pub(crate) fn check_description(d: &str, max: usize) -> ApiResult<()> {
    check_len("description", d, max)?;
    if d.contains(['<', '>']) {
        return Err(bad("Invalid description: it cannot contain angle brackets (< or >).".into()));
    }
    Ok(())
}

pub(crate) fn check_enterprise_project(ep: &str) -> ApiResult<()> {
    if ep != "0" && uuid::Uuid::parse_str(ep).map(|u| u.hyphenated().to_string() != ep.to_ascii_lowercase()).unwrap_or(true) {
        return Err(bad(format!("Invalid enterprise_project_id {ep}: it must be 0 or a UUID.")));
    }
    Ok(())
}

/// RequestTag lists: at most 20, keys 1-128 and values 0-255 characters of
/// letters, digits and `_ . : + - @ =`, keys unique.
pub(crate) fn parse_tags(f: &Fields<'_>) -> ApiResult<Vec<Tag>> {
    let Some(list) = f.opt_objects("tags")? else {
        return Ok(Vec::new());
    };
    if list.len() > 20 {
        return Err(bad("Invalid tags: at most 20 tags are allowed.".into()));
    }
    let charset = |s: &str| s.chars().all(|c| c.is_alphanumeric() || "_.:+-@=".contains(c));
    let mut out: Vec<Tag> = Vec::new();
    for t in list {
        let key = t.str("key")?;
        let value = t.str("value")?;
        if key.trim().is_empty() || key.chars().count() > 128 || !charset(&key) {
            return Err(bad(format!("Invalid tag key {key}.")));
        }
        if value.chars().count() > 255 || !charset(&value) {
            return Err(bad(format!("Invalid tag value {value}.")));
        }
        if out.iter().any(|o| o.key == key) {
            return Err(bad(format!("Duplicate tag key {key}.")));
        }
        out.push(Tag { key, value });
    }
    Ok(out)
}

/// A `limit`-like integer query parameter within `range`.
fn int_param(q: &Query, key: &str, range: std::ops::RangeInclusive<i64>) -> ApiResult<Option<i64>> {
    match q.get(key) {
        None | Some("") => Ok(None),
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(bad(format!("Invalid {key} {raw}: it must be an integer from {} to {}.", range.start(), range.end()))),
        },
    }
}

/// `input` with only the given query keys, for the shared list helper.
fn only_keys(q: &Query, keep: impl Fn(&str) -> bool) -> Query {
    Query(q.0.iter().filter(|(k, _)| keep(k)).cloned().collect())
}

/// A v3 rule: the RuleSpec the model checks, and the port list when
/// `multiport` names several ports (kept beside the covering range).
fn parse_rule(f: &Fields<'_>) -> ApiResult<(RuleSpec, Option<String>)> {
    let protocol = match f.obj.get("protocol") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => f.opt_str("protocol")?,
    }
    .map(|p| p.trim().to_ascii_lowercase())
    .filter(|p| !p.is_empty());
    // ethertype is case-insensitive in v3.
    let ethertype = f.opt_str("ethertype")?.map(|e| match e.to_ascii_lowercase().as_str() {
        "ipv4" => "IPv4".to_string(),
        "ipv6" => "IPv6".to_string(),
        _ => e,
    });
    let v6 = ethertype.as_deref() == Some("IPv6");
    match protocol.as_deref() {
        Some("icmp") if v6 => return Err(ApiError::new(400, "VPC.9902", "Protocol icmp requires ethertype IPv4.")),
        Some("icmpv6") if !v6 => return Err(ApiError::new(400, "VPC.9902", "Protocol icmpv6 requires ethertype IPv6.")),
        _ => {}
    }
    let raw_ports = match f.obj.get("multiport") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => f.opt_str("multiport")?,
    }
    .filter(|m| !m.trim().is_empty());
    let (mut min, mut max, mut list) = (None, None, None);
    if let Some(raw) = raw_ports {
        if is_icmp(protocol.as_deref()) {
            return Err(ApiError::new(400, "VPC.9902", "multiport cannot be given for ICMP rules."));
        }
        let (lo, hi, parts) = parse_multiport(&raw)?;
        min = Some(lo);
        max = Some(hi);
        if parts.len() > 1 {
            list = Some(parts.join(","));
        }
    }
    let priority = f.opt_int("priority")?;
    let spec = RuleSpec {
        security_group_id: f.str("security_group_id")?,
        direction: f.str("direction")?,
        ethertype,
        protocol,
        port_range_min: min,
        port_range_max: max,
        remote_ip_prefix: f.opt_str("remote_ip_prefix")?.filter(|s| !s.is_empty()),
        remote_group_id: f.opt_str("remote_group_id")?.filter(|s| !s.is_empty()),
        remote_address_group_id: f.opt_str("remote_address_group_id")?.filter(|s| !s.is_empty()),
        description: f.opt_str("description")?.unwrap_or_default(),
        action: f.opt_str("action")?,
        priority,
    };
    Ok((spec, list))
}

/// `"80"`, `"1-30"` or `"22,3389,80"`: the lowest and highest port, and
/// the parts normalised.
pub(crate) fn parse_multiport(raw: &str) -> ApiResult<(i64, i64, Vec<String>)> {
    let invalid = || bad(format!("Invalid multiport {raw}: give a port, a range or a comma-separated list of ports from 1 to 65535."));
    let port = |s: &str| s.trim().parse::<i64>().ok().filter(|p| (1..=65535).contains(p));
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut parts = Vec::new();
    for part in raw.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (port(a).ok_or_else(invalid)?, port(b).ok_or_else(invalid)?),
            None => {
                let p = port(part).ok_or_else(invalid)?;
                (p, p)
            }
        };
        if a > b {
            return Err(invalid());
        }
        lo = lo.min(a);
        hi = hi.max(b);
        parts.push(if a == b { a.to_string() } else { format!("{a}-{b}") });
    }
    Ok((lo, hi, parts))
}

/// The extend_cidrs of an add/remove body.
fn extend_cidrs(input: &Input<'_>) -> ApiResult<(Vec<String>, bool)> {
    let root = body(input)?;
    let f = Fields::new(&root, bad);
    let dry = dry_run(&f)?;
    let cidrs = f.object("vpc")?.opt_str_list("extend_cidrs")?.ok_or_else(|| f.missing("extend_cidrs"))?;
    if cidrs.is_empty() {
        return Err(bad("Invalid extend_cidrs: give at least one CIDR block.".into()));
    }
    Ok((cidrs, dry))
}

/// How binding faults read: the v1 codes the reference points to for a
/// port that has an EIP (VPC.0511) or an EIP that is bound (VPC.0517).
fn eip_fault(f: Fault) -> ApiError {
    match f {
        Fault::InUse(_, _, Dependency::PortHasEip | Dependency::EipBound) => crate::errors::v1(f),
        other => fault(other),
    }
}

/// The instance types an EIP can be bound to; only ports exist here.
fn bind_target(kind: &str, id: &str, allowed: &[&str]) -> ApiResult<()> {
    if !allowed.contains(&kind) {
        return Err(bad(format!("Invalid associate_instance_type {kind}: it must be one of {}.", allowed.join(", "))));
    }
    if id.chars().count() > 36 {
        return Err(bad(format!("Invalid associate_instance_id {id}.")));
    }
    if kind != "PORT" {
        return Err(ApiError::new(404, "VPC.9904", format!("{kind} instance {id} could not be found.")));
    }
    Ok(())
}

// --- VPCs ---------------------------------------------------------------------

impl Vpc {
    pub fn v3_list_vpcs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| {
            let mut out = Vec::new();
            for r in net.routers()? {
                out.push(vpc_view(net, &r)?);
            }
            Ok(out)
        })?;
        let (vpcs, page) = v3_page(input, items, bad)?;
        Reply::json(200, &json!({"request_id": input.request_id, "vpcs": vpcs, "page_info": page}))
    }

    pub fn v3_show_vpc(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpc_id");
        let v = self.call(input, fault, |net| {
            let r = net.router(id)?;
            vpc_view(net, &r)
        })?;
        one(input, 200, "vpc", v)
    }

    pub fn v3_add_extend_cidr(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpc_id");
        let (cidrs, dry) = extend_cidrs(input)?;
        let v = self.v3_change(input, dry, fault, |net| {
            net.check_extend_cidrs(id, &cidrs)?;
            let r = net.add_extend_cidr(id, &cidrs)?;
            vpc_view(net, &r)
        })?;
        match v {
            Some(v) => one(input, 200, "vpc", v),
            None => dry_run_passed(input),
        }
    }

    pub fn v3_remove_extend_cidr(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpc_id");
        let (cidrs, dry) = extend_cidrs(input)?;
        let v = self.v3_change(input, dry, fault, |net| {
            let r = net.remove_extend_cidr(id, &cidrs)?;
            vpc_view(net, &r)
        })?;
        match v {
            Some(v) => one(input, 200, "vpc", v),
            None => dry_run_passed(input),
        }
    }

    // --- security groups ----------------------------------------------------------

    pub fn v3_create_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body(input)?;
        let f = Fields::new(&root, bad);
        let dry = dry_run(&f)?;
        let g = f.object("security_group")?;
        let name = g.str("name")?;
        check_name(&name)?;
        let description = g.opt_str("description")?.unwrap_or_default();
        check_description(&description, 255)?;
        let ep = g.opt_str("enterprise_project_id")?;
        if let Some(ep) = &ep {
            check_enterprise_project(ep)?;
        }
        let tags = parse_tags(&g)?;
        let map = |f: Fault| match f {
            Fault::Quota(Res::SecurityGroup) => ApiError::new(409, "VPC.9905", "Quota exceeded for resources: security_group."),
            other => fault(other),
        };
        let v = self.v3_change(input, dry, map, |net| {
            let sg = net.create_security_group(&name, &description, ep, DefaultRules::EgressAndSelf)?;
            if !tags.is_empty() {
                net.set_security_group_tags(&sg.id, tags)?;
            }
            group_view(net, &sg)
        })?;
        match v {
            Some(v) => one(input, 201, "security_group", v),
            None => dry_run_passed(input),
        }
    }

    pub fn v3_list_security_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        // "all_granted_eps" asks for every enterprise project.
        let q = only_keys(input.query, |k| k != "enterprise_project_id" || input.query.get(k) != Some("all_granted_eps"));
        let items = self.call(input, fault, |net| {
            let mut out = Vec::new();
            for g in net.security_groups()? {
                let tags = net.security_group_tags(&g.id)?;
                out.push(group_json(&g, &tags, None));
            }
            Ok(out)
        })?;
        let (groups, page) = v3_page_query(&q, items, bad)?;
        Reply::json(200, &json!({"request_id": input.request_id, "security_groups": groups, "page_info": page}))
    }

    pub fn v3_show_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        let map = |f: Fault| match f {
            Fault::NotFound(Res::SecurityGroup, id) => ApiError::new(404, "VPC.9904", format!("Security group {id} does not exist.")),
            other => fault(other),
        };
        let ctx = input.ctx()?;
        let v = self
            .run(ctx, |net| {
                let g = net.security_group(id)?;
                group_view(net, &g)
            })
            .map_err(map)?;
        one(input, 200, "security_group", v)
    }

    pub fn v3_update_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        let root = body(input)?;
        let f = Fields::new(&root, bad);
        let dry = dry_run(&f)?;
        let g = f.object("security_group")?;
        let name = g.opt_str("name")?;
        if let Some(n) = &name {
            check_name(n)?;
        }
        let description = g.opt_str("description")?;
        if let Some(d) = &description {
            check_description(d, 255)?;
        }
        let map = |f: Fault| match f {
            Fault::NotFound(Res::SecurityGroup, id) => ApiError::new(404, "VPC.9904", format!("Security group {id} could not be found.")),
            other => fault(other),
        };
        let v = self.v3_change(input, dry, map, |net| {
            let sg = net.update_security_group(id, name, description)?;
            group_view(net, &sg)
        })?;
        match v {
            Some(v) => one(input, 200, "security_group", v),
            None => dry_run_passed(input),
        }
    }

    pub fn v3_delete_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        self.call(input, fault, |net| net.delete_security_group_v3(id))?;
        Ok(Reply::empty(204))
    }

    // --- security group rules -----------------------------------------------------

    pub fn v3_create_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body(input)?;
        let f = Fields::new(&root, bad);
        let dry = dry_run(&f)?;
        let (spec, ports) = parse_rule(&f.object("security_group_rule")?)?;
        let group = spec.security_group_id.clone();
        let map = |f: Fault| match f {
            Fault::NotFound(Res::SecurityGroup, id) if id == group => {
                ApiError::new(404, "VPC.9904", format!("security_group_id {id} could not be found."))
            }
            Fault::NotFound(Res::SecurityGroup, id) => {
                ApiError::new(404, "VPC.9904", format!("remote security group {id} could not be found."))
            }
            // The model names the missing address group in full.
            Fault::NotFound(Res::SecurityGroupRule, msg) => ApiError::new(404, "VPC.9904", msg),
            other => fault(other),
        };
        let v = self.v3_change(input, dry, map, |net| {
            let rule = net.create_rule(spec)?;
            if let Some(p) = &ports {
                net.set_rule_ports(&rule.id, p)?;
            }
            Ok(rule_json(&rule, ports.as_ref()))
        })?;
        match v {
            Some(v) => one(input, 201, "security_group_rule", v),
            None => dry_run_passed(input),
        }
    }

    pub fn v3_list_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        // ethertype filters are case-insensitive.
        let q = Query(
            input
                .query
                .0
                .iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v.to_ascii_lowercase().as_str()) {
                        ("ethertype", "ipv4") => "IPv4".to_string(),
                        ("ethertype", "ipv6") => "IPv6".to_string(),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        );
        let items = self.call(input, fault, |net| {
            let ports = net.all_rule_ports()?;
            Ok(net.rules()?.iter().map(|r| rule_json(r, ports.get(&r.id))).collect())
        })?;
        let (rules, page) = v3_page_query(&q, items, bad)?;
        Reply::json(200, &json!({"request_id": input.request_id, "security_group_rules": rules, "page_info": page}))
    }

    pub fn v3_show_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_rule_id");
        let v = self.call(input, fault, |net| {
            let r = net.rule(id)?;
            let ports = net.rule_ports(id)?;
            Ok(rule_json(&r, ports.as_ref()))
        })?;
        one(input, 200, "security_group_rule", v)
    }

    pub fn v3_delete_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_rule_id");
        self.call(input, fault, |net| {
            net.delete_rule(id)?;
            net.forget_rule_ports(id)
        })?;
        Ok(Reply::empty(204))
    }

    // --- EIPs ---------------------------------------------------------------------

    pub fn v3_list_publicips(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let offset = int_param(q, "offset", 0..=99999)?;
        let sort_key = q.get("sort_key").filter(|s| !s.is_empty());
        const SORT_KEYS: [&str; 7] =
            ["id", "public_ip_address", "public_ipv6_address", "ip_version", "created_at", "updated_at", "public_border_group"];
        if let Some(k) = sort_key {
            if !SORT_KEYS.contains(&k) {
                return Err(bad(format!("Invalid sort_key {k}.")));
            }
        }
        let desc = match q.get("sort_dir").filter(|s| !s.is_empty()) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(bad(format!("Invalid sort_dir {other}: it must be asc or desc."))),
        };
        for key in [
            "public_ip_address_like",
            "public_ipv6_address_like",
            "alias_like",
            "vnic.private_ip_address_like",
            "vnic.device_owner_prefixlike",
        ] {
            if let Some(v) = q.get(key) {
                check_len(key, v, 64)?;
            }
        }
        let all = self.call(input, fault, |net| {
            let mut out = Vec::new();
            for e in net.eips()? {
                out.push(Value::Object(eip_view(net, &e)?));
            }
            Ok(out)
        })?;
        let mut items: Vec<Value> = all.into_iter().filter(|i| eip_matches(i, q)).collect();
        if let Some(k) = sort_key {
            items.sort_by(|a, b| {
                let o = sort_value(&a[k]).cmp(&sort_value(&b[k])).then_with(|| a["id"].as_str().cmp(&b["id"].as_str()));
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
        } else if desc {
            items.reverse();
        }
        let total = items.len();
        if let (Some(n), false) = (offset, q.has("marker")) {
            items.drain(..(n as usize).min(items.len()));
        }
        let paging = only_keys(q, |k| k == "limit" || k == "marker");
        let (items, page) = v3_page_query(&paging, items, bad)?;
        let fields = q.all("fields");
        let items: Vec<Value> = items.into_iter().map(|i| eip_fields(i, &fields)).collect();
        Reply::json(200, &json!({"request_id": input.request_id, "publicips": items, "page_info": page, "total_count": total}))
    }

    pub fn v3_show_publicip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        let v = self.call(input, fault, |net| {
            let e = net.eip(id)?;
            eip_view(net, &e)
        })?;
        one(input, 200, "publicip", eip_fields(Value::Object(v), &input.query.all("fields")))
    }

    pub fn v3_update_publicip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        let root = body(input)?;
        let f = Fields::new(&root, bad);
        let p = f.object("publicip")?;
        let alias = p.opt_str("alias")?;
        if let Some(a) = &alias {
            check_len("alias", a, 64)?;
        }
        let description = p.opt_str("description")?;
        if let Some(d) = &description {
            check_description(d, 255)?;
        }
        let kind = p.nullable_str("associate_instance_type")?.map(|k| k.filter(|k| !k.is_empty()));
        let target = p.nullable_str("associate_instance_id")?.map(|k| k.filter(|k| !k.is_empty()));
        // Both given: bind; both null: unbind; one alone is an error.
        let binding = match (kind, target) {
            (None, None) => None,
            (Some(Some(k)), Some(Some(t))) => {
                bind_target(&k, &t, &["PORT", "NATGW", "ELB", "ELBV1", "VPN"])?;
                Some(Some(t))
            }
            (Some(None), Some(None)) => Some(None),
            _ => return Err(bad("associate_instance_type and associate_instance_id must be given together.".into())),
        };
        let v = self.call(input, eip_fault, |net| {
            let mut e = net.eip(id)?;
            if alias.is_some() || description.is_some() {
                e = net.update_eip_text(id, alias, description)?;
            }
            if let Some(b) = binding {
                e = net.associate_eip(id, b.as_deref(), None)?;
            }
            eip_view(net, &e)
        })?;
        one(input, 200, "publicip", eip_shape(v, EipSchema::Update))
    }

    pub fn v3_associate_publicip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        let root = body(input)?;
        let f = Fields::new(&root, bad);
        let p = f.object("publicip")?;
        let kind = p.str("associate_instance_type")?;
        let target = p.str("associate_instance_id")?;
        if kind.is_empty() || target.is_empty() {
            return Err(bad("associate_instance_type and associate_instance_id cannot be empty.".into()));
        }
        bind_target(&kind, &target, &["PORT", "NATGW", "VPN", "ELB"])?;
        let v = self.call(input, eip_fault, |net| {
            let e = net.associate_eip(id, Some(&target), None)?;
            eip_view(net, &e)
        })?;
        one(input, 200, "publicip", eip_shape(v, EipSchema::Instance))
    }

    pub fn v3_disassociate_publicip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        let v = self.call(input, eip_fault, |net| {
            let e = net.associate_eip(id, None, None)?;
            eip_view(net, &e)
        })?;
        one(input, 200, "publicip", eip_shape(v, EipSchema::Instance))
    }

    pub fn v3_attach_share_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body(input)?;
        let f = Fields::new(&root, bad);
        let list = f.opt_objects("publicips")?.ok_or_else(|| f.missing("publicips"))?;
        if list.is_empty() || list.len() > 50 {
            return Err(bad("Invalid publicips: give 1 to 50 EIPs.".into()));
        }
        let mut bandwidth: Option<String> = None;
        let mut eips = Vec::new();
        for item in &list {
            let bw = item.str("bandwidth_id")?;
            let eip = item.str("publicip_id")?;
            for (k, v) in [("bandwidth_id", &bw), ("publicip_id", &eip)] {
                if v.chars().count() != 36 {
                    return Err(bad(format!("Invalid {k} {v}: it must be 36 characters long.")));
                }
            }
            match &bandwidth {
                Some(b) if *b != bw => return Err(bad("All publicips must name the same bandwidth_id.".into())),
                _ => bandwidth = Some(bw),
            }
            eips.push(eip);
        }
        let bandwidth = bandwidth.unwrap_or_default();
        let out = self.call(input, fault, |net| {
            net.insert_into_bandwidth(&bandwidth, &eips)?;
            let mut out = Vec::new();
            for id in &eips {
                let e = net.eip(id)?;
                out.push(json!({"statusCode": 200, "publicip": eip_shape(eip_view(net, &e)?, EipSchema::Plain)}));
            }
            Ok(out)
        })?;
        Reply::json(200, &json!({"publicips": out, "request_id": input.request_id}))
    }

    // --- common pools --------------------------------------------------------------

    pub fn v3_common_pools(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        if let Some(n) = q.get("name") {
            check_len("name", n, 36)?;
        }
        if let Some(g) = q.get("public_border_group") {
            check_len("public_border_group", g, 64)?;
        }
        let (pool_id, used) = self.call(input, fault, |net| {
            let used = net.eips()?.iter().filter(|e| e.ip_type == POOL_NAME).count();
            Ok((net.external_network_id(), used))
        })?;
        let pool = json!({
            "id": pool_id, "name": POOL_NAME, "status": "active", "type": "bgp", "used": used,
            "public_border_group": BORDER_GROUP, "allow_share_bandwidth_types": ["share"],
        });
        let wanted = |key: &str, have: &str| q.get(key).is_none_or(|w| w.is_empty() || w == have);
        let mut pools = Vec::new();
        if wanted("name", POOL_NAME) && wanted("public_border_group", BORDER_GROUP) {
            let fields: Vec<&str> = q.all("fields").into_iter().flat_map(|f| f.split(',')).filter(|f| !f.is_empty()).collect();
            pools.push(match pool {
                Value::Object(mut m) if fields.is_empty() => {
                    m.remove("id");
                    Value::Object(m)
                }
                other => project_fields(other, &fields),
            });
        }
        Reply::json(200, &json!({"common_pools": pools, "request_id": input.request_id}))
    }
}

// --- EIP list filters ----------------------------------------------------------

/// Query keys that steer the EIP list rather than filter it.
const EIP_CONTROL: [&str; 6] = ["limit", "marker", "offset", "fields", "sort_key", "sort_dir"];

/// A member by dotted path (`vnic.port_id`, `bandwidth.size`).
fn member<'v>(item: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(item, |v, k| v.get(k))
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The documented EIP filters: repeated exact values (OR) on members and
/// nested members, `*_like` substrings, `vnic.device_owner_prefixlike`,
/// `bandwidth.name_like`, `allow_share_bandwidth_type_any` and
/// `billing_mode`. Different keys must all match.
fn eip_matches(item: &Value, q: &Query) -> bool {
    let mut exact: Vec<(String, String)> = Vec::new();
    let mut grouped: HashMap<&str, Vec<&str>> = HashMap::new();
    for (k, v) in &q.0 {
        grouped.entry(k.as_str()).or_default().push(v.as_str());
    }
    for (key, wanted) in grouped {
        if EIP_CONTROL.contains(&key) {
            continue;
        }
        let ok = match key {
            "billing_mode" => wanted.iter().any(|w| w.eq_ignore_ascii_case("PAY_PER_USE")),
            "vnic.device_owner_prefixlike" => {
                let have = text(member(item, "vnic.device_owner"));
                wanted.iter().any(|w| !have.is_empty() && have.starts_with(w))
            }
            "allow_share_bandwidth_type_any" => {
                let have = item["allow_share_bandwidth_types"].as_array().cloned().unwrap_or_default();
                wanted.iter().flat_map(|w| w.split(',')).any(|w| have.iter().any(|h| h == w.trim()))
            }
            k if k.ends_with("_like") => {
                let have = text(member(item, k.trim_end_matches("_like")));
                wanted.iter().any(|w| !have.is_empty() && have.contains(w))
            }
            // An unbound EIP (vnic null) has no vnic members to match.
            k if k.contains('.') => member(item, k).is_some_and(|v| wanted.iter().any(|w| text(Some(v)) == *w)),
            k => {
                for w in wanted {
                    exact.push((k.to_string(), w.to_string()));
                }
                true
            }
        };
        if !ok {
            return false;
        }
    }
    exact.is_empty() || neutron_matches(item, &Query(exact))
}

/// Sort order of a member: addresses numerically, the rest as text.
fn sort_value(v: &Value) -> (u8, u128, String) {
    let s = text(Some(v));
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        let n = match ip {
            std::net::IpAddr::V4(a) => u32::from(a) as u128,
            std::net::IpAddr::V6(a) => u128::from(a),
        };
        return (0, n, s);
    }
    match v {
        Value::Number(n) => (0, n.as_u64().unwrap_or_default() as u128, s),
        _ => (1, 0, s),
    }
}
