//! VPC v1 (and the v2.0 shared-bandwidth and security-group port APIs):
//! VPCs, subnets, private IPs, quotas, security groups and rules, EIPs
//! and bandwidths, over the one network model. Errors are
//! `{"code","message"}` with the codes of vpc/appendix/error_codes.rst.

use super::body::{root, Fields};
use super::listing::{v1_marker_limit, v1_page};
use crate::errors::v1 as fault;
use crate::model::eips::{BandwidthChoice, EipSpec, EIP_TYPES};
use crate::model::ports::{FixedIpSpec, PortSpec};
use crate::model::routers::{RouterChange, RouterSpec};
use crate::model::security_groups::DefaultRules;
use crate::model::subnets::{SubnetChange, VpcSubnet, VpcSubnetSpec};
use crate::model::*;
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family, Input, Op, Reply};
use otc_core::time::{iso_naive, iso_seconds};
use otc_core::{ApiError, ApiResult};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Family::Vpc, h);
    vec![
        op("POST", "/v1/{project_id}/vpcs", handler(s, Vpc::v1_create_vpc)),
        op("GET", "/v1/{project_id}/vpcs", handler(s, Vpc::v1_list_vpcs)),
        op("GET", "/v1/{project_id}/vpcs/{vpc_id}", handler(s, Vpc::v1_show_vpc)),
        op("PUT", "/v1/{project_id}/vpcs/{vpc_id}", handler(s, Vpc::v1_update_vpc)),
        op("DELETE", "/v1/{project_id}/vpcs/{vpc_id}", handler(s, Vpc::v1_delete_vpc)),
        op("POST", "/v1/{project_id}/subnets", handler(s, Vpc::v1_create_subnet)),
        op("GET", "/v1/{project_id}/subnets", handler(s, Vpc::v1_list_subnets)),
        op("GET", "/v1/{project_id}/subnets/{subnet_id}", handler(s, Vpc::v1_show_subnet)),
        op("PUT", "/v1/{project_id}/vpcs/{vpc_id}/subnets/{subnet_id}", handler(s, Vpc::v1_update_subnet)),
        op("DELETE", "/v1/{project_id}/vpcs/{vpc_id}/subnets/{subnet_id}", handler(s, Vpc::v1_delete_subnet)),
        op("POST", "/v1/{project_id}/privateips", handler(s, Vpc::v1_create_private_ips)),
        op("GET", "/v1/{project_id}/privateips/{privateip_id}", handler(s, Vpc::v1_show_private_ip)),
        op("DELETE", "/v1/{project_id}/privateips/{privateip_id}", handler(s, Vpc::v1_delete_private_ip)),
        op("GET", "/v1/{project_id}/subnets/{subnet_id}/privateips", handler(s, Vpc::v1_list_private_ips)),
        op("GET", "/v1/{project_id}/quotas", handler(s, Vpc::v1_quotas)),
        op("POST", "/v1/{project_id}/security-groups", handler(s, Vpc::v1_create_security_group)),
        op("GET", "/v1/{project_id}/security-groups", handler(s, Vpc::v1_list_security_groups)),
        op("GET", "/v1/{project_id}/security-groups/{security_group_id}", handler(s, Vpc::v1_show_security_group)),
        op("DELETE", "/v1/{project_id}/security-groups/{security_group_id}", handler(s, Vpc::v1_delete_security_group)),
        op("POST", "/v1/{project_id}/security-group-rules", handler(s, Vpc::v1_create_rule)),
        op("GET", "/v1/{project_id}/security-group-rules", handler(s, Vpc::v1_list_rules)),
        op("GET", "/v1/{project_id}/security-group-rules/{security_group_rule_id}", handler(s, Vpc::v1_show_rule)),
        op("DELETE", "/v1/{project_id}/security-group-rules/{security_group_rule_id}", handler(s, Vpc::v1_delete_rule)),
        op("POST", "/v2.0/{project_id}/security-groups/{security_group_id}/instance/action", handler(s, Vpc::v1_group_ports)),
        op("POST", "/v1/{project_id}/publicips", handler(s, Vpc::v1_create_eip)),
        op("GET", "/v1/{project_id}/publicips", handler(s, Vpc::v1_list_eips)),
        op("GET", "/v1/{project_id}/publicips/{publicip_id}", handler(s, Vpc::v1_show_eip)),
        op("PUT", "/v1/{project_id}/publicips/{publicip_id}", handler(s, Vpc::v1_update_eip)),
        op("DELETE", "/v1/{project_id}/publicips/{publicip_id}", handler(s, Vpc::v1_delete_eip)),
        op("GET", "/v1/{project_id}/bandwidths", handler(s, Vpc::v1_list_bandwidths)),
        op("GET", "/v1/{project_id}/bandwidths/{bandwidth_id}", handler(s, Vpc::v1_show_bandwidth)),
        op("PUT", "/v1/{project_id}/bandwidths/{bandwidth_id}", handler(s, Vpc::v1_update_bandwidth)),
        op("POST", "/v2.0/{project_id}/bandwidths", handler(s, Vpc::v2_create_shared_bandwidth)),
        op("DELETE", "/v2.0/{project_id}/bandwidths/{bandwidth_id}", handler(s, Vpc::v2_delete_shared_bandwidth)),
        op("POST", "/v2.0/{project_id}/bandwidths/{bandwidth_id}/insert", handler(s, Vpc::v2_insert_into_bandwidth)),
        op("POST", "/v2.0/{project_id}/bandwidths/{bandwidth_id}/remove", handler(s, Vpc::v2_remove_from_bandwidth)),
        // Not in the reference, but the real cloud serves the v2.0 bandwidth
        // collection for reading and updating too, and the Terraform
        // provider's vpc_bandwidth_v2 reads, updates and lists through it
        // (gophertelekomcloud networking/v2/bandwidths): same documents and
        // answers as v1.
        op("GET", "/v2.0/{project_id}/bandwidths", handler(s, Vpc::v1_list_bandwidths)),
        op("GET", "/v2.0/{project_id}/bandwidths/{bandwidth_id}", handler(s, Vpc::v1_show_bandwidth)),
        op("PUT", "/v2.0/{project_id}/bandwidths/{bandwidth_id}", handler(s, Vpc::v1_update_bandwidth)),
    ]
}

fn vpc_bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.0101", msg)
}
fn subnet_bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.0201", msg)
}
fn sg_bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.0601", msg)
}
fn eip_bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.0501", msg)
}
fn bw_bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.0301", msg)
}
fn ip_bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.0705", msg)
}

/// The `{"<key>": {...}}` wrapper of a request body.
fn wrapped(input: &Input<'_>, key: &str, bad: fn(String) -> ApiError) -> ApiResult<serde_json::Map<String, Value>> {
    let mut root = root(input)?;
    match root.remove(key) {
        Some(Value::Object(o)) => Ok(o),
        _ => Err(bad(format!("The request body must hold a '{key}' object."))),
    }
}

/// Names of VPCs, subnets and bandwidths: letters, digits, `_`, `-`, `.`.
pub(crate) fn check_name(name: &str, min: usize, bad: &dyn Fn(String) -> ApiError, what: &str) -> ApiResult<()> {
    let n = name.chars().count();
    if n < min || n > 64 || !name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c)) {
        return Err(bad(format!("{what} name is invalid.")));
    }
    Ok(())
}

pub(crate) fn check_description(d: &str, bad: &dyn Fn(String) -> ApiError) -> ApiResult<()> {
    if d.chars().count() > 255 || d.contains(['<', '>']) {
        return Err(bad("The description can contain at most 255 characters and no angle brackets.".into()));
    }
    Ok(())
}

// --- renderings -----------------------------------------------------------

/// A VPC as v1 shows it. A struct rather than a `json!` value because
/// lists render one per VPC on every call; fields in the order a JSON map
/// would sort them, so both renderings are the same bytes.
#[derive(Serialize)]
struct VpcView<'a> {
    cidr: &'a str,
    created_at: String,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_shared_snat: Option<bool>,
    enterprise_project_id: &'a str,
    id: &'a str,
    name: &'a str,
    routes: &'a [Route],
    status: &'a str,
    tenant_id: &'a str,
    updated_at: String,
}

fn vpc_view(r: &Router, with_snat: bool) -> VpcView<'_> {
    VpcView {
        cidr: &r.cidr,
        created_at: iso_naive(r.created_at),
        description: &r.description,
        enable_shared_snat: with_snat.then_some(false),
        enterprise_project_id: &r.enterprise_project_id,
        id: &r.id,
        name: &r.name,
        routes: &r.routes,
        status: &r.status,
        tenant_id: &r.project_id,
        updated_at: iso_naive(r.updated_at),
    }
}

fn vpc_json(r: &Router, with_snat: bool) -> Value {
    serde_json::to_value(vpc_view(r, with_snat)).unwrap_or_default()
}

fn vpc_list(page: &[Router]) -> ApiResult<Reply> {
    #[derive(Serialize)]
    struct Vpcs<'a> {
        vpcs: Vec<VpcView<'a>>,
    }
    Reply::json(200, &Vpcs { vpcs: page.iter().map(|r| vpc_view(r, true)).collect() })
}

fn subnet_json(v: &VpcSubnet) -> Value {
    let (n, s) = (&v.network, &v.subnet);
    json!({
        "id": n.id, "name": s.name, "description": s.description, "cidr": s.cidr, "gateway_ip": s.gateway_ip,
        "ipv6_enable": false, "dhcp_enable": s.enable_dhcp,
        "primary_dns": s.dns_nameservers.first().cloned().unwrap_or_default(),
        "secondary_dns": s.dns_nameservers.get(1).cloned().unwrap_or_default(),
        "dnsList": s.dns_nameservers, "availability_zone": n.availability_zone, "vpc_id": n.vpc_id,
        "status": n.status, "neutron_network_id": n.id, "neutron_subnet_id": s.id,
        "extra_dhcp_opts": s.extra_dhcp_opts, "tenant_id": n.project_id,
        "created_at": iso_naive(n.created_at), "updated_at": iso_naive(s.updated_at.max(n.updated_at)),
    })
}

fn private_ip_json(p: &Port) -> Value {
    json!({
        "status": p.status(), "id": p.id, "subnet_id": p.network_id, "tenant_id": p.project_id,
        "device_owner": p.device_owner, "ip_address": p.fixed_ips.first().map(|f| f.ip_address.clone()).unwrap_or_default(),
    })
}

fn rule_json(r: &SecurityGroupRule) -> Value {
    json!({
        "id": r.id, "tenant_id": r.project_id, "security_group_id": r.security_group_id, "remote_group_id": r.remote_group_id,
        "direction": r.direction, "protocol": r.protocol, "description": r.description, "ethertype": r.ethertype,
        "remote_ip_prefix": r.remote_ip_prefix, "remote_address_group_id": r.remote_address_group_id,
        "port_range_max": r.port_range_max, "port_range_min": r.port_range_min,
    })
}

fn group_json(g: &SecurityGroup, rules: &[SecurityGroupRule]) -> Value {
    json!({
        "id": g.id, "name": g.name, "description": g.description, "vpc_id": "",
        "enterprise_project_id": g.enterprise_project_id,
        "security_group_rules": rules.iter().map(rule_json).collect::<Vec<_>>(),
    })
}

fn eip_json(e: &Eip, bw: Option<&Bandwidth>) -> Value {
    let mut v = json!({
        "id": e.id, "status": e.status(), "profile": {}, "type": e.ip_type, "public_ip_address": e.public_ip_address,
        "ip_version": 4, "tenant_id": e.project_id, "create_time": e.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        "bandwidth_id": e.bandwidth_id, "bandwidth_size": bw.map(|b| b.size).unwrap_or(0),
        "bandwidth_share_type": bw.map(|b| b.share_type.clone()).unwrap_or_default(),
        "bandwidth_name": bw.map(|b| b.name.clone()).unwrap_or_default(), "alias": e.alias,
        "enterprise_project_id": e.enterprise_project_id, "public_border_group": "center",
        "allow_share_bandwidth_types": ["share"],
        "tags": e.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>(),
    });
    if let Some(p) = &e.port_id {
        v["port_id"] = json!(p);
        v["private_ip_address"] = json!(e.private_ip_address);
    }
    v
}

fn bandwidth_json(b: &Bandwidth, eips: &[Eip]) -> Value {
    json!({
        "id": b.id, "name": b.name, "size": b.size, "share_type": b.share_type,
        "publicip_info": eips.iter().map(|e| json!({
            "publicip_id": e.id, "publicip_address": e.public_ip_address, "ip_version": 4, "publicip_type": e.ip_type,
        })).collect::<Vec<_>>(),
        "tenant_id": b.project_id, "bandwidth_type": b.bandwidth_type, "charge_mode": b.charge_mode, "billing_info": "",
        "enterprise_project_id": b.enterprise_project_id, "status": "NORMAL", "public_border_group": "center",
        "created_at": iso_seconds(b.created_at), "updated_at": iso_seconds(b.updated_at),
    })
}

fn one(key: &str, v: Value) -> ApiResult<Reply> {
    Reply::json(200, &json!({ key: v }))
}

fn eip_with_bandwidth(net: &mut Net<'_>, e: &Eip) -> ModelResult<Value> {
    let bw = net.find::<Bandwidth>(BANDWIDTH, &e.bandwidth_id)?;
    Ok(eip_json(e, bw.as_ref()))
}

fn dns_list(f: &Fields<'_>) -> ApiResult<Option<Vec<String>>> {
    if let Some(list) = f.opt_str_list("dnsList")? {
        return Ok(Some(list));
    }
    let p = f.opt_str("primary_dns")?.filter(|s| !s.is_empty());
    let s = f.opt_str("secondary_dns")?.filter(|s| !s.is_empty());
    if p.is_none() && s.is_none() {
        return Ok(None);
    }
    if p.is_some() && p == s {
        return Err(subnet_bad("secondary_dns must differ from primary_dns.".into()));
    }
    Ok(Some(p.into_iter().chain(s).collect()))
}

fn dhcp_opts(f: &Fields<'_>) -> ApiResult<Option<Vec<DhcpOpt>>> {
    let Some(list) = f.opt_objects("extra_dhcp_opts")? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for o in list {
        let name = o.str("opt_name")?;
        let value = o.opt_str("opt_value")?;
        match name.as_str() {
            "ntp" => {
                if let Some(v) = &value {
                    let ips: Vec<&str> = v.split(',').collect();
                    if ips.len() > 4 || ips.iter().any(|i| i.trim().parse::<std::net::Ipv4Addr>().is_err()) {
                        return Err(subnet_bad(format!("extra_dhcp_opts ntp value {v} is invalid.")));
                    }
                }
            }
            "addresstime" | "ipv6_addresstime" => {}
            other => return Err(subnet_bad(format!("extra_dhcp_opts opt_name {other} is invalid."))),
        }
        out.push(DhcpOpt { opt_name: name, opt_value: value });
    }
    Ok(Some(out))
}

impl Vpc {
    // --- VPCs -------------------------------------------------------------------

    pub fn v1_create_vpc(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "vpc", vpc_bad)?;
        let f = Fields::new(&body, vpc_bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        check_name(&name, 0, &vpc_bad, "VPC")?;
        let description = f.opt_str("description")?.unwrap_or_default();
        check_description(&description, &vpc_bad)?;
        let spec = RouterSpec {
            name,
            description,
            cidr: f.opt_str("cidr")?.filter(|c| !c.is_empty()),
            admin_state_up: true,
            gateway: None,
            enterprise_project_id: f.opt_str("enterprise_project_id")?,
            unique_name: true,
        };
        let v = self.call(input, fault, |net| {
            let mut spec = spec;
            spec.gateway = Some(RouterGateway { network_id: net.external_network_id(), enable_snat: false });
            Ok(vpc_json(&net.create_router(spec)?, false))
        })?;
        one("vpc", v)
    }

    pub fn v1_list_vpcs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.query.get("id").map(String::from);
        let ep = input.query.get("enterprise_project_id").filter(|e| *e != "all_granted_eps").map(String::from);
        if id.is_none() && ep.is_none() {
            // No filter: the page is read from the store's index, so it
            // costs its size, not the project's.
            let (marker, limit) = v1_marker_limit(input, || vpc_bad("Query vpc list error.".into()))?;
            let page = self.call(input, fault, |net| net.routers_page(marker, limit))?;
            let page = page.ok_or_else(|| vpc_bad("Query vpc list error.".into()))?;
            return vpc_list(&page);
        }
        let all = self.call(input, fault, |net| net.routers())?;
        let all: Vec<Router> = all
            .into_iter()
            .filter(|r| id.as_ref().is_none_or(|i| &r.id == i))
            .filter(|r| ep.as_ref().is_none_or(|e| &r.enterprise_project_id == e))
            .collect();
        let page = v1_page(input, all, |r| &r.id, || vpc_bad("Query vpc list error.".into()))?;
        vpc_list(&page)
    }

    pub fn v1_show_vpc(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpc_id");
        let v = self.call(input, fault, |net| Ok(vpc_json(&net.router(id)?, true)))?;
        one("vpc", v)
    }

    pub fn v1_update_vpc(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpc_id");
        let body = wrapped(input, "vpc", vpc_bad)?;
        let f = Fields::new(&body, vpc_bad);
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            check_name(n, 0, &vpc_bad, "VPC")?;
        }
        let description = f.opt_str("description")?;
        if let Some(d) = &description {
            check_description(d, &vpc_bad)?;
        }
        let routes = match f.opt_objects("routes")? {
            None => None,
            Some(list) => {
                if list.len() > 200 {
                    return Err(vpc_bad("A VPC can have at most 200 routes.".into()));
                }
                Some(
                    list.iter()
                        .map(|o| Ok(Route { destination: o.str("destination")?, nexthop: o.str("nexthop")? }))
                        .collect::<ApiResult<Vec<_>>>()?,
                )
            }
        };
        let ch = RouterChange {
            name,
            description,
            cidr: f.opt_str("cidr")?.filter(|c| !c.is_empty()),
            routes,
            unique_name: true,
            ..Default::default()
        };
        let v = self.call(input, fault, |net| Ok(vpc_json(&net.update_router(id, ch)?, true))).map_err(|e| {
            if e.code == "VPC.0203" {
                ApiError::new(400, "VPC.0117", "VPC CIDR block cannot contain the subnet CIDR block.")
            } else {
                e
            }
        })?;
        one("vpc", v)
    }

    pub fn v1_delete_vpc(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpc_id");
        self.call(input, fault, |net| net.delete_router(id))?;
        Ok(Reply::empty(204))
    }

    // --- subnets ------------------------------------------------------------------

    pub fn v1_create_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "subnet", subnet_bad)?;
        let f = Fields::new(&body, subnet_bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        check_name(&name, 1, &subnet_bad, "Subnet")?;
        let description = f.opt_str("description")?.unwrap_or_default();
        check_description(&description, &subnet_bad)?;
        let cidr = f.str("cidr").map_err(|_| ApiError::new(400, "VPC.0212", "Invalid subnet CIDR block."))?;
        let gateway_ip = f.str("gateway_ip")?;
        let vpc_id = f.str("vpc_id")?;
        if f.opt_bool("ipv6_enable")? == Some(true) {
            return Err(subnet_bad("IPv6 subnets are not supported by the emulator.".into()));
        }
        let opts = dhcp_opts(&f)?;
        let spec = VpcSubnetSpec {
            vpc_id,
            name,
            description,
            cidr,
            gateway_ip,
            dhcp_enable: f.opt_bool("dhcp_enable")?.unwrap_or(true),
            dns: dns_list(&f)?.unwrap_or_default(),
            availability_zone: f.opt_str("availability_zone")?.unwrap_or_default(),
        };
        let v = self.call(input, fault, |net| {
            let mut v = net.create_vpc_subnet(spec)?;
            if let Some(o) = opts {
                v.subnet.extra_dhcp_opts = o;
                net.update(SUBNET, &v.subnet.id.clone(), Some(&v.network.id.clone()), &v.subnet)?;
            }
            Ok(subnet_json(&v))
        })?;
        one("subnet", v)
    }

    pub fn v1_list_subnets(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let vpc_id = input.query.get("vpc_id").filter(|v| !v.is_empty()).map(String::from);
        let all = self.call(input, fault, |net| net.vpc_subnets(vpc_id.as_deref()))?;
        let page = v1_page(input, all, |v| &v.network.id, || subnet_bad("Query subnets list error.".into()))?;
        Reply::json(200, &json!({"subnets": page.iter().map(subnet_json).collect::<Vec<_>>()}))
    }

    pub fn v1_show_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnet_id");
        let v = self.call(input, fault, |net| Ok(subnet_json(&net.vpc_subnet(id)?)))?;
        one("subnet", v)
    }

    pub fn v1_update_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (vpc_id, id) = (input.param("vpc_id"), input.param("subnet_id"));
        let body = wrapped(input, "subnet", subnet_bad)?;
        let f = Fields::new(&body, subnet_bad);
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            check_name(n, 1, &subnet_bad, "Subnet")?;
        }
        let description = f.opt_str("description")?;
        if let Some(d) = &description {
            check_description(d, &subnet_bad)?;
        }
        let dns = dns_list(&f)?;
        let opts = dhcp_opts(&f)?;
        let dhcp = f.opt_bool("dhcp_enable")?;
        let v = self.call(input, fault, |net| {
            net.router(vpc_id)?;
            let v = net.vpc_subnet(id)?;
            if v.network.vpc_id.as_deref() != Some(vpc_id) {
                return Err(Fault::SubnetNotInVpc(id.to_string()));
            }
            let mut n = v.network.clone();
            if let Some(nm) = &name {
                n.name = nm.clone();
            }
            if let Some(d) = &description {
                n.description = d.clone();
            }
            n.updated_at = net.now;
            net.save_network(&n)?;
            let ch = SubnetChange { name, description, enable_dhcp: dhcp, dns_nameservers: dns, ..Default::default() };
            let mut s = net.update_subnet(&v.subnet.id, ch)?;
            if let Some(o) = opts {
                s.extra_dhcp_opts = o;
                net.update(SUBNET, &s.id.clone(), Some(&s.network_id.clone()), &s)?;
            }
            let after = net.vpc_subnet(id)?;
            Ok(json!({"id": after.network.id, "status": after.network.status}))
        })?;
        one("subnet", v)
    }

    pub fn v1_delete_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (vpc_id, id) = (input.param("vpc_id"), input.param("subnet_id"));
        self.call(input, fault, |net| net.delete_vpc_subnet(vpc_id, id))?;
        Ok(Reply::empty(204))
    }

    // --- private IPs ----------------------------------------------------------------

    pub fn v1_create_private_ips(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = root(input)?;
        let f = Fields::new(&body, ip_bad);
        let list = f.opt_objects("privateips")?.ok_or_else(|| ip_bad("privateips is required.".into()))?;
        if list.is_empty() || list.len() > 20 {
            return Err(ip_bad("Between 1 and 20 private IP addresses can be assigned at a time.".into()));
        }
        let mut wanted = Vec::new();
        for o in &list {
            wanted.push((o.str("subnet_id")?, o.opt_str("ip_address")?));
        }
        let v = self
            .call(input, fault, |net| {
                let mut out = Vec::new();
                for (subnet_id, ip) in wanted {
                    let v = net.vpc_subnet(&subnet_id)?;
                    let spec = PortSpec {
                        network_id: v.network.id.clone(),
                        fixed_ips: vec![FixedIpSpec { subnet_id: Some(v.subnet.id.clone()), ip_address: ip }],
                        security_groups: Some(Vec::new()),
                        ..Default::default()
                    };
                    out.push(private_ip_json(&net.create_port(spec)?));
                }
                Ok(out)
            })
            .map_err(|e| if e.status == 404 { ApiError::new(404, "VPC.2204", "Resource query by ID failed.") } else { e })?;
        Reply::json(200, &json!({"privateips": v}))
    }

    pub fn v1_show_private_ip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("privateip_id");
        let v = self.call(input, fault, |net| Ok(private_ip_json(&net.port(id)?)))?;
        one("privateip", v)
    }

    pub fn v1_delete_private_ip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("privateip_id");
        self.call(input, fault, |net| net.delete_private_ip(id))?;
        Ok(Reply::empty(204))
    }

    pub fn v1_list_private_ips(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnet_id");
        let ports = self
            .call(input, fault, |net| {
                net.vpc_subnet(id)?;
                net.network_ports(id)
            })
            .map_err(|e| if e.status == 404 { ApiError::new(400, "VPC.0702", "Private IP address query error.") } else { e })?;
        let page = v1_page(input, ports, |p| &p.id, || ApiError::new(400, "VPC.0702", "Private IP address query error."))?;
        Reply::json(200, &json!({"privateips": page.iter().map(private_ip_json).collect::<Vec<_>>()}))
    }

    // --- quotas -------------------------------------------------------------------------

    pub fn v1_quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let kind = input.query.get("type").map(String::from);
        if let Some(k) = &kind {
            if !crate::model::quotas::QUOTA_TYPES.contains(&k.as_str()) {
                return Err(ApiError::new(400, "VPC.1207", "Invalid resource type."));
            }
        }
        let lines = self.call(input, fault, |net| net.quota_report())?;
        let resources: Vec<Value> = lines
            .iter()
            .filter(|l| kind.as_deref().is_none_or(|k| k == l.kind))
            .map(|l| json!({"type": l.kind, "used": l.used, "quota": l.quota, "min": 0}))
            .collect();
        Reply::json(200, &json!({"quotas": {"resources": resources}}))
    }

    // --- security groups ------------------------------------------------------------

    pub fn v1_create_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "security_group", sg_bad)?;
        let f = Fields::new(&body, sg_bad);
        let name = f.str("name")?;
        let ok = !name.is_empty() && name.chars().count() <= 64 && name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c));
        if !ok || name == "default" {
            return Err(sg_bad("Invalid security group name.".into()));
        }
        let description = f.opt_str("description")?.unwrap_or_default();
        check_description(&description, &sg_bad)?;
        let vpc_id = f.opt_str("vpc_id")?;
        let ep = f.opt_str("enterprise_project_id")?;
        let v = self.call(input, fault, |net| {
            if let Some(v) = &vpc_id {
                net.router(v)?;
            }
            let g = net.create_security_group(&name, &description, ep, DefaultRules::EgressAndSelf)?;
            Ok(group_json(&g, &net.rules_of(&g.id)?))
        })?;
        one("security_group", v)
    }

    pub fn v1_list_security_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (groups, rules) = self.call(input, fault, |net| Ok((net.security_groups()?, net.rules()?)))?;
        let ep = input.query.get("enterprise_project_id").filter(|e| *e != "all_granted_eps").map(String::from);
        let groups: Vec<SecurityGroup> = groups.into_iter().filter(|g| ep.as_ref().is_none_or(|e| &g.enterprise_project_id == e)).collect();
        let page = v1_page(input, groups, |g| &g.id, || sg_bad("Query security groups error limit is invalid.".into()))?;
        let out: Vec<Value> = page
            .iter()
            .map(|g| group_json(g, &rules.iter().filter(|r| r.security_group_id == g.id).cloned().collect::<Vec<_>>()))
            .collect();
        Reply::json(200, &json!({"security_groups": out}))
    }

    pub fn v1_show_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        let v = self.call(input, fault, |net| {
            let g = net.security_group(id)?;
            Ok(group_json(&g, &net.rules_of(id)?))
        })?;
        one("security_group", v)
    }

    pub fn v1_delete_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        self.call(input, fault, |net| net.delete_security_group(id))?;
        Ok(Reply::empty(204))
    }

    pub fn v1_create_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "security_group_rule", sg_bad)?;
        let f = Fields::new(&body, sg_bad);
        let spec = super::neutron::parse_rule(&f)?;
        let v = self.call(input, fault, |net| Ok(rule_json(&net.create_rule(spec)?)))?;
        one("security_group_rule", v)
    }

    pub fn v1_list_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let group = input.query.get("security_group_id").map(String::from);
        let prefix = input.query.get("remote_ip_prefix").map(String::from);
        if let Some(p) = &prefix {
            if !crate::model::security_groups::valid_prefix(p) {
                return Err(sg_bad(format!("remote_ip_prefix {p} is not a valid CIDR.")));
            }
        }
        let rules = self.call(input, fault, |net| net.rules())?;
        let rules: Vec<SecurityGroupRule> = rules
            .into_iter()
            .filter(|r| group.as_ref().is_none_or(|g| &r.security_group_id == g))
            .filter(|r| prefix.is_none() || r.remote_ip_prefix == prefix)
            .collect();
        let page = v1_page(input, rules, |r| &r.id, || sg_bad("Query security group rules error limit is invalid.".into()))?;
        Reply::json(200, &json!({"security_group_rules": page.iter().map(rule_json).collect::<Vec<_>>()}))
    }

    pub fn v1_show_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_rule_id");
        let v = self.call(input, fault, |net| Ok(rule_json(&net.rule(id)?)))?;
        one("security_group_rule", v)
    }

    pub fn v1_delete_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_rule_id");
        self.call(input, fault, |net| net.delete_rule(id))?;
        Ok(Reply::empty(204))
    }

    /// Batch association of ports with a security group; failures per
    /// port come back in `fail` with HTTP 200, as documented.
    pub fn v1_group_ports(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let bad = |m: &str| ApiError::new(400, "VPC.0606", m.to_string());
        let id = input.param("security_group_id");
        let body = root(input).map_err(|_| bad("Request is null"))?;
        let f = Fields::new(&body, |_| ApiError::new(400, "VPC.0606", "Request is invalid"));
        let action = f.opt_str("action")?.ok_or_else(|| bad("Action is invalid"))?.to_ascii_lowercase();
        let add = match action.as_str() {
            "add" => true,
            "remove" => false,
            _ => return Err(bad("Action is invalid")),
        };
        let ports = f.opt_objects("ports")?.ok_or_else(|| bad("Ports list is empty"))?;
        if ports.is_empty() {
            return Err(bad("Ports list is empty"));
        }
        if ports.len() > 20 {
            return Err(ApiError::new(400, "VPC.0609", "Ports list exceeds limit"));
        }
        let ids =
            ports.iter().map(|p| p.opt_str("id").ok().flatten().ok_or_else(|| bad("Port id is invalid"))).collect::<ApiResult<Vec<_>>>()?;
        let failed = self.call(input, fault, |net| net.associate_ports(id, &ids, add)).map_err(|e| {
            if e.status == 404 {
                bad("Security group id is invalid")
            } else {
                e
            }
        })?;
        let fail: Vec<Value> = failed
            .into_iter()
            .map(|(pid, why)| match why {
                Fault::NotFound(..) => json!({"id": pid, "error_code": "VPC.0608", "error_msg": json!({"NeutronError": {"message": format!("Port {pid} could not be found."), "type": "PortNotFound", "detail": ""}}).to_string()}),
                _ => json!({"id": pid, "error_code": "VPC.0607", "error_msg": "An instance must belong to at least one security group"}),
            })
            .collect();
        Reply::json(200, &json!({"fail": fail}))
    }

    // --- EIPs -------------------------------------------------------------------------

    pub fn v1_create_eip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = root(input)?;
        let top = Fields::new(&body, eip_bad);
        let p = top.object("publicip")?;
        let b = top.opt_object("bandwidth")?.ok_or_else(|| bw_bad("Bandwidth name or share_type is invalid.".into()))?;
        let b = Fields::new(b.obj, bw_bad);
        let ip_type = p.str("type")?;
        if !EIP_TYPES.contains(&ip_type.as_str()) {
            return Err(eip_bad(format!("publicip type {ip_type} is invalid.")));
        }
        if let Some(v) = p.opt_int("ip_version")? {
            if v != 4 {
                return Err(eip_bad("Only IPv4 EIPs are supported.".into()));
            }
        }
        let alias = p.opt_str("alias")?.unwrap_or_default();
        if !alias.is_empty() {
            check_name(&alias, 1, &eip_bad, "EIP alias")?;
        }
        let share_type = b.opt_str("share_type")?.unwrap_or_default();
        // The size is checked against the model's increments in the transaction.
        enum Wanted {
            Dedicated { name: String, size: i64, charge_mode: String },
            Shared(String),
        }
        let bandwidth = match share_type.as_str() {
            "PER" => {
                let name = b.opt_str("name")?.unwrap_or_default();
                check_name(&name, 1, &bw_bad, "Bandwidth")?;
                let size = b.opt_int("size")?.ok_or_else(|| bw_bad("Bandwidth size is required.".into()))?;
                let charge_mode = b.opt_str("charge_mode")?.unwrap_or_else(|| "traffic".into());
                if charge_mode != "traffic" && charge_mode != "bandwidth" {
                    return Err(bw_bad(format!("charge_mode {charge_mode} is invalid.")));
                }
                Wanted::Dedicated { name, size, charge_mode }
            }
            "WHOLE" => Wanted::Shared(b.opt_str("id")?.ok_or_else(|| eip_bad("Bandwidth share_type is invalid.".into()))?),
            _ => return Err(bw_bad("Bandwidth name or share_type is invalid.".into())),
        };
        let ip_address = p.opt_str("ip_address")?;
        let ep = top.opt_str("enterprise_project_id")?;
        let v = self.call(input, fault, |net| {
            let choice = match bandwidth {
                Wanted::Dedicated { name, size, charge_mode } => {
                    BandwidthChoice::Dedicated { name, size: net.check_bandwidth_size(size, 1)?, charge_mode }
                }
                Wanted::Shared(id) => BandwidthChoice::Shared(id),
            };
            let e =
                net.create_eip(EipSpec { ip_type, ip_address, alias, enterprise_project_id: ep, bandwidth: choice, ..Default::default() })?;
            let mut v = eip_with_bandwidth(net, &e)?;
            // The assignment is asynchronous on OTC: the answer says so.
            v["status"] = json!("PENDING_CREATE");
            Ok(v)
        })?;
        one("publicip", v)
    }

    pub fn v1_list_eips(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| {
            let eips = net.eips()?;
            eips.iter().map(|e| Ok((e.id.clone(), eip_with_bandwidth(net, e)?))).collect::<ModelResult<Vec<_>>>()
        })?;
        let page = v1_page(input, all, |(id, _)| id, || eip_bad("Invalid limit.".into()))?;
        Reply::json(200, &json!({"publicips": page.into_iter().map(|(_, v)| v).collect::<Vec<_>>()}))
    }

    pub fn v1_show_eip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        let v = self.call(input, fault, |net| {
            let e = net.eip(id)?;
            eip_with_bandwidth(net, &e)
        })?;
        one("publicip", v)
    }

    pub fn v1_update_eip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        let body = wrapped(input, "publicip", eip_bad)?;
        let f = Fields::new(&body, eip_bad);
        let alias = f.opt_str("alias")?;
        if let Some(a) = &alias {
            if !a.is_empty() {
                check_name(a, 1, &eip_bad, "EIP alias")?;
            }
        }
        // A port_id binds; a blank or absent one unbinds (unless only the
        // alias is being changed).
        let port = f.nullable_str("port_id")?;
        let binding: Option<Option<String>> = match port {
            Some(Some(p)) if !p.is_empty() => Some(Some(p)),
            Some(_) => Some(None),
            None if alias.is_none() => Some(None),
            None => None,
        };
        let v = self
            .call(input, fault, |net| {
                let mut e = net.eip(id)?;
                if let Some(b) = &binding {
                    e = net.associate_eip(id, b.as_deref(), None)?;
                }
                if alias.is_some() {
                    e = net.update_eip_text(id, alias, None)?;
                }
                eip_with_bandwidth(net, &e)
            })
            .map_err(|e| match e.code.as_str() {
                "VPC.0704" => ApiError::new(400, "VPC.0501", "Port id is invalid."),
                "VPC.0517" => ApiError::new(409, "VPC.0510", "EIP has already been bound to a port."),
                _ => e,
            })?;
        one("publicip", v)
    }

    pub fn v1_delete_eip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("publicip_id");
        self.call(input, fault, |net| net.delete_eip(id, false))?;
        Ok(Reply::empty(204))
    }

    // --- bandwidths ---------------------------------------------------------------------

    pub fn v1_list_bandwidths(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let share = input.query.get("share_type").filter(|s| !s.is_empty()).map(String::from);
        let all = self.call(input, fault, |net| {
            let bws = net.bandwidths()?;
            bws.into_iter()
                .filter(|b| share.as_ref().is_none_or(|s| &b.share_type == s))
                .map(|b| {
                    let eips = net.bandwidth_eips(&b.id)?;
                    Ok((b.id.clone(), bandwidth_json(&b, &eips)))
                })
                .collect::<ModelResult<Vec<_>>>()
        })?;
        let page = v1_page(input, all, |(id, _)| id, || bw_bad("Get bandwidths error limit is invalid.".into()))?;
        Reply::json(200, &json!({"bandwidths": page.into_iter().map(|(_, v)| v).collect::<Vec<_>>()}))
    }

    pub fn v1_show_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("bandwidth_id");
        let v = self.call(input, fault, |net| {
            let b = net.bandwidth(id)?;
            let eips = net.bandwidth_eips(id)?;
            Ok(bandwidth_json(&b, &eips))
        })?;
        one("bandwidth", v)
    }

    pub fn v1_update_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("bandwidth_id");
        let body = wrapped(input, "bandwidth", bw_bad)?;
        let f = Fields::new(&body, |_| ApiError::new(400, "VPC.0301", "updateBandwidth input param is invalid."));
        let name = f.opt_str("name")?.filter(|n| !n.is_empty());
        if let Some(n) = &name {
            check_name(n, 1, &bw_bad, "Bandwidth")?;
        }
        let size = f.opt_int("size")?;
        if name.is_none() && size.is_none() {
            return Err(ApiError::new(400, "VPC.0301", "updateBandwidth input param is invalid."));
        }
        let v = self.call(input, fault, |net| {
            let size = size.map(|s| net.check_bandwidth_size(s, 1)).transpose()?;
            let b = net.update_bandwidth(id, name, size)?;
            let eips = net.bandwidth_eips(id)?;
            Ok(bandwidth_json(&b, &eips))
        })?;
        one("bandwidth", v)
    }

    pub fn v2_create_shared_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "bandwidth", bw_bad)?;
        let f = Fields::new(&body, bw_bad);
        let name = f.str("name")?;
        check_name(&name, 1, &bw_bad, "Bandwidth")?;
        let size = f.opt_int("size")?.ok_or_else(|| bw_bad("Bandwidth size is required.".into()))?;
        let ep = f.opt_str("enterprise_project_id")?;
        let v = self.call(input, fault, |net| {
            let size = net.check_bandwidth_size(size, 5)?;
            Ok(bandwidth_json(&net.create_shared_bandwidth(&name, size, ep)?, &[]))
        })?;
        one("bandwidth", v)
    }

    pub fn v2_delete_shared_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("bandwidth_id");
        self.call(input, fault, |net| net.delete_shared_bandwidth(id))?;
        Ok(Reply::empty(204))
    }

    fn publicip_ids(f: &Fields<'_>) -> ApiResult<Vec<String>> {
        let list = f.opt_objects("publicip_info")?.ok_or_else(|| bw_bad("publicip_info is required.".into()))?;
        if list.is_empty() {
            return Err(bw_bad("publicip_info must not be empty.".into()));
        }
        list.iter().map(|o| o.str("publicip_id")).collect()
    }

    pub fn v2_insert_into_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("bandwidth_id");
        let body = wrapped(input, "bandwidth", bw_bad)?;
        let ids = Self::publicip_ids(&Fields::new(&body, bw_bad))?;
        let v = self.call(input, fault, |net| {
            let b = net.insert_into_bandwidth(id, &ids)?;
            let eips = net.bandwidth_eips(id)?;
            Ok(bandwidth_json(&b, &eips))
        })?;
        one("bandwidth", v)
    }

    pub fn v2_remove_from_bandwidth(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("bandwidth_id");
        let body = wrapped(input, "bandwidth", bw_bad)?;
        let f = Fields::new(&body, bw_bad);
        let ids = Self::publicip_ids(&f)?;
        let charge_mode = f.str("charge_mode")?;
        if charge_mode != "traffic" && charge_mode != "bandwidth" {
            return Err(bw_bad(format!("charge_mode {charge_mode} is invalid.")));
        }
        let size = f.opt_int("size")?.ok_or_else(|| f.missing("size"))?;
        self.call(input, fault, |net| {
            let size = net.check_bandwidth_size(size, 1)?;
            net.remove_from_bandwidth(id, &ids, size, &charge_mode)
        })?;
        Ok(Reply::empty(204))
    }
}
