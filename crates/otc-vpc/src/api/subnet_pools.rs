//! Neutron subnet pools (`/v2.0/subnetpools`) over
//! [`crate::model::subnet_pools`]. Prefixes are merged as the reference
//! says ("adjacent prefixes are merged"); bounds follow it: `min_prefixlen`
//! ≥ 8 (IPv4) or 64 (IPv6), `max_prefixlen` ≤ 32 or 128, min ≤ default ≤
//! max, defaults min 8/64, max 32/128, default = min. An update's prefixes
//! must keep the old ones (Neutron: prefixes can be added, not removed).

use super::body::{root, Fields};
use super::listing::neutron_list;
use crate::errors::neutron as neutron_fault;
use crate::model::subnet_pools::SubnetPool;
use crate::model::{Fault, Res};
use crate::Vpc;
use ipnet::IpNet;
use otc_core::api::{handler, Access::Project, Family::Neutron, Input, Op, Reply};
use otc_core::time::iso_naive;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::sync::Arc;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Neutron, h);
    vec![
        op("GET", "/v2.0/subnetpools", handler(s, Vpc::neutron_list_subnet_pools)),
        op("POST", "/v2.0/subnetpools", handler(s, Vpc::neutron_create_subnet_pool)),
        op("GET", "/v2.0/subnetpools/{subnetpool_id}", handler(s, Vpc::neutron_show_subnet_pool)),
        op("PUT", "/v2.0/subnetpools/{subnetpool_id}", handler(s, Vpc::neutron_update_subnet_pool)),
        op("DELETE", "/v2.0/subnetpools/{subnetpool_id}", handler(s, Vpc::neutron_delete_subnet_pool)),
    ]
}

fn bad(msg: String) -> ApiError {
    ApiError::new(400, "BadRequest", msg).with_kind("BadRequest")
}

fn fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(Res::SubnetPool, id) => {
            ApiError::new(404, "SubnetPoolNotFound", format!("Subnet pool {id} could not be found.")).with_kind("SubnetPoolNotFound")
        }
        other => neutron_fault(other),
    }
}

fn wrapped(input: &Input<'_>) -> ApiResult<Map<String, Value>> {
    match root(input)?.remove("subnetpool") {
        Some(Value::Object(o)) => Ok(o),
        Some(_) => Err(bad("Invalid input for subnetpool. Reason: not a dictionary.".into())),
        None => Err(bad("Unable to find 'subnetpool' in request body".into())),
    }
}

const FIELDS: [&str; 12] = [
    "name",
    "description",
    "prefixes",
    "default_quota",
    "min_prefixlen",
    "default_prefixlen",
    "max_prefixlen",
    "is_default",
    "shared",
    "address_scope_id",
    "tenant_id",
    "project_id",
];

fn pool_json(p: &SubnetPool) -> Value {
    json!({
        "id": p.id, "name": p.name, "description": p.description, "ip_version": p.ip_version, "prefixes": p.prefixes,
        "min_prefixlen": p.min_prefixlen, "default_prefixlen": p.default_prefixlen, "max_prefixlen": p.max_prefixlen,
        "default_quota": p.default_quota, "is_default": p.is_default, "shared": p.shared, "address_scope_id": null,
        "tenant_id": p.project_id, "project_id": p.project_id, "created_at": iso_naive(p.created_at),
        "updated_at": iso_naive(p.updated_at), "tags": [],
    })
}

/// Prefixes parsed, of one IP version, normalised and merged.
fn prefixes(raw: &[String]) -> ApiResult<(u8, Vec<IpNet>)> {
    if raw.is_empty() {
        return Err(bad("Invalid input for prefixes. Reason: at least one prefix is required.".into()));
    }
    let nets = raw
        .iter()
        .map(|p| {
            p.parse::<IpNet>()
                .map(|n| n.trunc())
                .map_err(|_| bad(format!("Invalid input for prefixes. Reason: '{p}' is not a valid IP subnet.")))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let v4 = nets[0].addr().is_ipv4();
    if nets.iter().any(|n| n.addr().is_ipv4() != v4) {
        return Err(bad("Illegal subnetpool prefixes: Cannot mix IPv4 and IPv6 prefixes in a subnet pool.".into()));
    }
    Ok((if v4 { 4 } else { 6 }, IpNet::aggregate(&nets)))
}

fn prefixlen(f: &Fields<'_>, key: &str) -> ApiResult<Option<u8>> {
    match f.opt_int(key)? {
        None => Ok(None),
        Some(n) if (0..=128).contains(&n) => Ok(Some(n as u8)),
        Some(n) => Err(bad(format!("Invalid input for {key}. Reason: '{n}' is not a valid prefix length."))),
    }
}

/// `f` applied over `p`, then the whole pool checked.
fn apply(input: &Input<'_>, f: &Fields<'_>, mut p: SubnetPool, new: bool) -> ApiResult<SubnetPool> {
    if let Some(k) = f.unknown(&FIELDS) {
        return Err(bad(format!("Unrecognized attribute(s) '{k}'")));
    }
    let project = input.ctx()?.project().unwrap_or_default().to_string();
    for k in ["tenant_id", "project_id"] {
        if f.opt_str(k)?.is_some_and(|v| v != project) {
            return Err(bad(format!("Specifying '{k}' other than the authenticated project in request requires admin privileges")));
        }
    }
    if f.opt_str("address_scope_id")?.is_some() {
        return Err(bad("Invalid input for address_scope_id: address scopes are not supported.".into()));
    }
    match f.opt_str("name")? {
        Some(n) if n.chars().count() > 255 => return Err(bad("Invalid input for name. Reason: exceeds maximum length of 255.".into())),
        Some(n) => p.name = n,
        None if new => return Err(f.missing("name")),
        None => {}
    }
    if let Some(d) = f.opt_str("description")? {
        if d.chars().count() > 255 {
            return Err(bad("Invalid input for description. Reason: exceeds maximum length of 255.".into()));
        }
        p.description = d;
    }
    match f.opt_str_list("prefixes")? {
        Some(raw) => {
            let (version, merged) = prefixes(&raw)?;
            if !new {
                if version != p.ip_version {
                    return Err(bad("Illegal subnetpool prefixes: the IP version of a pool cannot change.".into()));
                }
                let old: Vec<IpNet> = p.prefixes.iter().filter_map(|s| s.parse().ok()).collect();
                if old.iter().any(|o| !merged.iter().any(|m| m.contains(o))) {
                    return Err(bad("Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes".into()));
                }
            }
            if new {
                p.ip_version = version;
                let (lo, hi) = if version == 4 { (8, 32) } else { (64, 128) };
                p.min_prefixlen = lo;
                p.max_prefixlen = hi;
                p.default_prefixlen = lo;
            }
            p.prefixes = merged.iter().map(|n| n.to_string()).collect();
        }
        None if new => return Err(f.missing("prefixes")),
        None => {}
    }
    let min = prefixlen(f, "min_prefixlen")?;
    let max = prefixlen(f, "max_prefixlen")?;
    let default = prefixlen(f, "default_prefixlen")?;
    p.min_prefixlen = min.unwrap_or(p.min_prefixlen);
    p.max_prefixlen = max.unwrap_or(p.max_prefixlen);
    // A new pool's default follows its minimum unless given.
    p.default_prefixlen = default.unwrap_or(if new { p.min_prefixlen } else { p.default_prefixlen });
    let (lo, hi) = if p.ip_version == 4 { (8, 32) } else { (64, 128) };
    if p.min_prefixlen < lo || p.max_prefixlen > hi || !(p.min_prefixlen <= p.default_prefixlen && p.default_prefixlen <= p.max_prefixlen) {
        return Err(bad(format!(
            "Illegal prefix bounds: min_prefixlen={}, default_prefixlen={}, max_prefixlen={} (need {lo} <= min <= default <= max <= {hi}).",
            p.min_prefixlen, p.default_prefixlen, p.max_prefixlen
        )));
    }
    if let Some(q) = f.opt_int("default_quota")? {
        if q < 0 {
            return Err(bad(format!("Invalid input for default_quota. Reason: '{q}' should be non-negative.")));
        }
        p.default_quota = Some(q);
    }
    if let Some(d) = f.opt_bool("is_default")? {
        p.is_default = d;
    }
    if let Some(s) = f.opt_bool("shared")? {
        p.shared = s;
    }
    Ok(p)
}

impl Vpc {
    pub fn neutron_list_subnet_pools(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| net.subnet_pools())?;
        Reply::json(200, &neutron_list(input, "subnetpools", all.iter().map(pool_json).collect())?)
    }

    pub fn neutron_create_subnet_pool(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input)?;
        let blank = SubnetPool {
            id: String::new(),
            project_id: String::new(),
            name: String::new(),
            description: String::new(),
            ip_version: 4,
            prefixes: Vec::new(),
            min_prefixlen: 8,
            default_prefixlen: 8,
            max_prefixlen: 32,
            default_quota: None,
            is_default: false,
            shared: false,
            created_at: Default::default(),
            updated_at: Default::default(),
        };
        let p = apply(input, &Fields::neutron(&body, bad), blank, true)?;
        let p = self.call(input, fault, |net| net.create_subnet_pool(p))?;
        Reply::json(201, &json!({"subnetpool": pool_json(&p)}))
    }

    pub fn neutron_show_subnet_pool(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnetpool_id");
        let p = self.call(input, fault, |net| net.subnet_pool(id))?;
        Reply::json(200, &json!({"subnetpool": pool_json(&p)}))
    }

    pub fn neutron_update_subnet_pool(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnetpool_id");
        let body = wrapped(input)?;
        let f = Fields::neutron(&body, bad);
        // Read, merge and write in one transaction; bad input is worded
        // as Neutron's BadRequest.
        let p = self.call(input, fault, |net| {
            let current = net.subnet_pool(id)?;
            let p = apply(input, &f, current, false).map_err(|e| Fault::Invalid(Res::SubnetPool, e.message))?;
            net.save_subnet_pool(p)
        });
        let p = p.map_err(|e| if e.status == 400 { bad(e.message) } else { e })?;
        Reply::json(200, &json!({"subnetpool": pool_json(&p)}))
    }

    pub fn neutron_delete_subnet_pool(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnetpool_id");
        self.call(input, fault, |net| net.delete_subnet_pool(id))?;
        Ok(Reply::empty(204))
    }
}
