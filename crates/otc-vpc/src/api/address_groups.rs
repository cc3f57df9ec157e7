//! VPC v3 IP address groups (`/v3/{project_id}/vpc/address-groups`) over
//! [`crate::model::address_groups`], with the appendix's codes: 400
//! `VPC.9901` for a duplicate or invalid `ip_set`, 404 `VPC.9904`, 409
//! `VPC.9905` for the quota and the group's capacity, 409 `VPC.9907` for a
//! group in use.

use super::body::Fields;
use super::listing::v3_page;
use super::v3::{bad, body, check_description, check_enterprise_project, check_name, dry_run, dry_run_passed, one};
use crate::errors::v3 as v3_fault;
use crate::model::address_groups::{AddressEntry, AddressGroup, GroupSpec};
use crate::model::{Dependency, Fault, Res};
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family::Native, Input, Op, Reply};
use otc_core::time::{iso_naive, Timestamp};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::Arc;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Native, h);
    vec![
        op("POST", "/v3/{project_id}/vpc/address-groups", handler(s, Vpc::ag_create)),
        op("GET", "/v3/{project_id}/vpc/address-groups", handler(s, Vpc::ag_list)),
        op("GET", "/v3/{project_id}/vpc/address-groups/{address_group_id}", handler(s, Vpc::ag_show)),
        op("PUT", "/v3/{project_id}/vpc/address-groups/{address_group_id}", handler(s, Vpc::ag_update)),
        op("DELETE", "/v3/{project_id}/vpc/address-groups/{address_group_id}", handler(s, Vpc::ag_delete)),
        op("DELETE", "/v3/{project_id}/vpc/address-groups/{address_group_id}/force", handler(s, Vpc::ag_force_delete)),
    ]
}

fn fault(f: Fault) -> ApiError {
    match f {
        Fault::InUse(Res::AddressGroup, id, Dependency::FirewallInUse) => {
            ApiError::new(409, "VPC.9907", format!("Address group {id} is used by a network ACL rule."))
        }
        other => v3_fault(other),
    }
}

fn ts(t: Timestamp) -> String {
    format!("{}.000+00:00", iso_naive(t))
}

fn group_json(g: &AddressGroup) -> Value {
    json!({
        "id": g.id, "name": g.name, "description": g.description, "tenant_id": g.project_id, "ip_version": g.ip_version,
        "max_capacity": g.max_capacity, "ip_set": g.entries.iter().map(|e| &e.ip).collect::<Vec<_>>(),
        "ip_extra_set": g.entries.iter().map(|e| json!({"ip": e.ip, "remarks": e.remarks})).collect::<Vec<_>>(),
        "enterprise_project_id": g.enterprise_project_id, "created_at": ts(g.created_at), "updated_at": ts(g.updated_at),
        "status": "NORMAL", "status_message": "", "tags": [],
    })
}

/// The IP version of one `ip_set` item (an address, `a-b` range or CIDR).
fn entry_version(ip: &str) -> Option<u8> {
    let version = |a: &IpAddr| if a.is_ipv4() { 4 } else { 6 };
    if let Ok(a) = ip.parse::<IpAddr>() {
        return Some(version(&a));
    }
    if let Ok(n) = ip.parse::<ipnet::IpNet>() {
        return Some(version(&n.addr()));
    }
    let (a, b) = ip.split_once('-')?;
    let (a, b) = (a.parse::<IpAddr>().ok()?, b.parse::<IpAddr>().ok()?);
    (version(&a) == version(&b) && a <= b).then(|| version(&a))
}

/// `ip_set` or `ip_extra_set` (not both), checked against `ip_version`.
fn entries(f: &Fields<'_>, ip_version: Option<u8>) -> ApiResult<Option<Vec<AddressEntry>>> {
    let plain = f.opt_str_list("ip_set")?;
    let extra = f.opt_objects("ip_extra_set")?;
    let list: Vec<AddressEntry> = match (plain, extra) {
        (Some(_), Some(_)) => return Err(bad("Invalid request body: give ip_set or ip_extra_set, not both.".into())),
        (None, None) => return Ok(None),
        (Some(p), None) => p.into_iter().map(|ip| AddressEntry { ip, remarks: None }).collect(),
        (None, Some(x)) => x
            .iter()
            .map(|o| {
                let remarks = o.opt_str("remarks")?;
                if let Some(r) = &remarks {
                    check_description(r, 255)?;
                }
                Ok(AddressEntry { ip: o.str("ip")?, remarks })
            })
            .collect::<ApiResult<_>>()?,
    };
    for (i, e) in list.iter().enumerate() {
        let v = entry_version(&e.ip);
        if v.is_none() || ip_version.is_some_and(|want| v != Some(want)) {
            return Err(bad(format!("Invalid ip_set:{} parameter in request body.", e.ip)));
        }
        if list[..i].iter().any(|o| o.ip == e.ip) {
            return Err(bad(format!("Duplicate ip_set in request body {}.", e.ip)));
        }
    }
    Ok(Some(list))
}

fn capacity(f: &Fields<'_>) -> ApiResult<Option<u32>> {
    match f.opt_int("max_capacity")? {
        None => Ok(None),
        Some(n) if (0..=20).contains(&n) => Ok(Some(n as u32)),
        Some(n) => Err(bad(format!("Invalid max_capacity {n}: it must be 0 to 20."))),
    }
}

fn texts(f: &Fields<'_>) -> ApiResult<(Option<String>, Option<String>)> {
    let name = f.opt_str("name")?;
    if let Some(n) = &name {
        check_name(n)?;
    }
    let description = f.opt_str("description")?;
    if let Some(d) = &description {
        check_description(d, 255)?;
    }
    Ok((name, description))
}

impl Vpc {
    pub fn ag_create(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let b = body(input)?;
        let root = Fields::new(&b, bad);
        let dry = dry_run(&root)?;
        let f = root.object("address_group")?;
        let (name, description) = texts(&f)?;
        if name.is_none() {
            return Err(f.missing("name"));
        }
        let ip_version = match f.opt_int("ip_version")? {
            Some(4) => 4,
            Some(6) => 6,
            Some(v) => return Err(bad(format!("Invalid ip_version {v}: it must be 4 or 6."))),
            None => return Err(f.missing("ip_version")),
        };
        let ep = f.opt_str("enterprise_project_id")?;
        if let Some(e) = &ep {
            check_enterprise_project(e)?;
        }
        let spec = GroupSpec {
            name,
            description,
            ip_version,
            max_capacity: capacity(&f)?,
            entries: entries(&f, Some(ip_version))?,
            enterprise_project_id: ep,
        };
        match self.v3_change(input, dry, fault, |net| net.create_address_group(spec))? {
            Some(g) => one(input, 201, "address_group", group_json(&g)),
            None => dry_run_passed(input),
        }
    }

    pub fn ag_list(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| net.address_groups())?;
        let (page, info) = v3_page(input, all.iter().map(group_json).collect(), bad)?;
        Reply::json(200, &json!({"address_groups": page, "page_info": info, "request_id": input.request_id}))
    }

    pub fn ag_show(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("address_group_id");
        let g = self.call(input, fault, |net| net.address_group(id))?;
        one(input, 200, "address_group", group_json(&g))
    }

    pub fn ag_update(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("address_group_id");
        let b = body(input)?;
        let root = Fields::new(&b, bad);
        let dry = dry_run(&root)?;
        let f = root.object("address_group")?;
        let (name, description) = texts(&f)?;
        let max_capacity = capacity(&f)?;
        // The group's IP version decides which entries fit: checked in
        // the transaction that changes it.
        let raw = entries(&f, None)?;
        let g = self.v3_change(input, dry, fault, |net| {
            let ip_version = net.address_group(id)?.ip_version;
            if let Some(e) = raw.iter().flatten().find(|e| entry_version(&e.ip) != Some(ip_version)) {
                return Err(Fault::Invalid(Res::AddressGroup, format!("Invalid ip_set:{} parameter in request body.", e.ip)));
            }
            net.update_address_group(
                id,
                GroupSpec { name, description, ip_version, max_capacity, entries: raw, enterprise_project_id: None },
            )
        });
        match g.map_err(|e| if e.status == 400 { bad(e.message) } else { e })? {
            Some(g) => one(input, 200, "address_group", group_json(&g)),
            None => dry_run_passed(input),
        }
    }

    pub fn ag_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("address_group_id");
        self.call(input, fault, |net| net.delete_address_group(id, false))?;
        Ok(Reply::empty(204))
    }

    /// Deletes the group and the rules that name it.
    pub fn ag_force_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("address_group_id");
        self.call(input, fault, |net| net.delete_address_group(id, true))?;
        Ok(Reply::empty(204))
    }
}
