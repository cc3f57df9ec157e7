//! Neutron v2.0 as OTC serves it on the VPC endpoint: networks, subnets,
//! ports, routers and their interfaces, security groups and rules,
//! floating IPs and network IP availability, over the one network model.

use super::body::{root, Fields};
use super::listing::{neutron_list, neutron_list_paged, NeutronView};
use crate::errors::neutron as fault;
use crate::model::eips::{BandwidthChoice, EipSpec};
use crate::model::ports::{FixedIpSpec, PortChange, PortSpec};
use crate::model::routers::{RouterChange, RouterSpec};
use crate::model::security_groups::{DefaultRules, RuleSpec};
use crate::model::subnets::{NetworkChange, NetworkSpec, SubnetChange, SubnetSpec};
use crate::model::*;
use crate::Vpc;
use otc_core::api::{Input, Reply};
use otc_core::time::iso_naive;
use otc_core::{ApiError, ApiResult};
use otc_store::Order;
use serde::Serialize;
use serde_json::{json, Value};

fn bad(msg: String) -> ApiError {
    ApiError::new(400, "BadRequest", msg).with_kind("BadRequest")
}

fn conflict(kind: &str, msg: String) -> ApiError {
    ApiError::new(409, kind, msg).with_kind(kind)
}

/// The `{"<resource>": {...}}` wrapper of a request body.
fn wrapped(input: &Input<'_>, key: &str) -> ApiResult<serde_json::Map<String, Value>> {
    let mut root = root(input)?;
    match root.remove(key) {
        Some(Value::Object(o)) => Ok(o),
        Some(_) => Err(bad(format!("Invalid input for {key}. Reason: not a dictionary."))),
        None => Err(bad(format!("Unable to find '{key}' in request body"))),
    }
}

fn name_ok(name: &str) -> ApiResult<()> {
    if name.chars().count() > 255 {
        return Err(bad(format!("Invalid input for name. Reason: '{name}' exceeds maximum length of 255.")));
    }
    Ok(())
}

/// Availability zones networks and routers report.
const AZS: [&str; 3] = ["eu-de-01", "eu-de-02", "eu-de-03"];

fn ts(t: otc_core::time::Timestamp) -> String {
    iso_naive(t)
}

// --- renderings ------------------------------------------------------------

pub fn network_json(n: &Network, subnet_ids: Vec<String>) -> Value {
    json!({
        "id": n.id, "name": n.name, "description": n.description, "status": "ACTIVE",
        "admin_state_up": n.admin_state_up, "shared": n.shared, "router:external": false,
        "subnets": subnet_ids, "tenant_id": n.project_id, "project_id": n.project_id,
        "mtu": n.mtu, "provider:network_type": "vxlan", "port_security_enabled": true,
        "availability_zone_hints": [], "availability_zones": AZS,
        "ipv4_address_scope": null, "ipv6_address_scope": null,
        "created_at": ts(n.created_at), "updated_at": ts(n.updated_at), "tags": [],
    })
}

fn external_network_json(id: &str, created: otc_core::time::Timestamp) -> Value {
    json!({
        "id": id, "name": EXTERNAL_NETWORK_NAME, "description": "", "status": "ACTIVE",
        "admin_state_up": true, "shared": false, "router:external": true,
        "subnets": [], "tenant_id": "admin", "project_id": "admin",
        "mtu": 1500, "provider:network_type": "vlan", "port_security_enabled": true,
        "availability_zone_hints": [], "availability_zones": AZS,
        "ipv4_address_scope": null, "ipv6_address_scope": null,
        "created_at": ts(created), "updated_at": ts(created), "tags": [],
    })
}

pub fn subnet_json(s: &Subnet) -> Value {
    json!({
        "id": s.id, "name": s.name, "description": s.description, "network_id": s.network_id,
        "tenant_id": s.project_id, "project_id": s.project_id, "cidr": s.cidr, "ip_version": 4,
        "gateway_ip": s.gateway_ip, "enable_dhcp": s.enable_dhcp, "dns_nameservers": s.dns_nameservers,
        "allocation_pools": s.allocation_pools, "host_routes": s.host_routes,
        "ipv6_ra_mode": null, "ipv6_address_mode": null, "subnetpool_id": null, "service_types": [],
        "created_at": ts(s.created_at), "updated_at": ts(s.updated_at), "tags": [],
    })
}

/// A port as Neutron shows it. A struct rather than a `json!` value
/// because port pages render a hundred or more on every call; fields in
/// the order a JSON map would sort them, so both renderings are the same
/// bytes.
#[derive(Serialize)]
pub struct PortView<'a> {
    admin_state_up: bool,
    allowed_address_pairs: &'a [AddressPair],
    #[serde(rename = "binding:host_id")]
    binding_host_id: &'a str,
    #[serde(rename = "binding:profile")]
    binding_profile: Empty,
    #[serde(rename = "binding:vif_details")]
    binding_vif_details: Empty,
    #[serde(rename = "binding:vif_type")]
    binding_vif_type: &'static str,
    #[serde(rename = "binding:vnic_type")]
    binding_vnic_type: &'a str,
    created_at: String,
    description: &'a str,
    device_id: &'a str,
    device_owner: &'a str,
    dns_assignment: [(); 0],
    dns_name: &'static str,
    extra_dhcp_opts: &'a [Value],
    fixed_ips: &'a [FixedIp],
    id: &'a str,
    mac_address: &'a str,
    name: &'a str,
    network_id: &'a str,
    port_security_enabled: bool,
    project_id: &'a str,
    security_groups: &'a [String],
    status: &'static str,
    tags: [(); 0],
    tenant_id: &'a str,
    updated_at: String,
}

/// Serialises as `{}`.
#[derive(Serialize)]
pub struct Empty {}

pub fn port_view(p: &Port) -> PortView<'_> {
    PortView {
        admin_state_up: p.admin_state_up,
        allowed_address_pairs: &p.allowed_address_pairs,
        binding_host_id: &p.binding_host_id,
        binding_profile: Empty {},
        binding_vif_details: Empty {},
        binding_vif_type: if p.binding_host_id.is_empty() { "unbound" } else { "ovs" },
        binding_vnic_type: &p.binding_vnic_type,
        created_at: ts(p.created_at),
        description: &p.description,
        device_id: &p.device_id,
        device_owner: &p.device_owner,
        dns_assignment: [],
        dns_name: "",
        extra_dhcp_opts: &p.extra_dhcp_opts,
        fixed_ips: &p.fixed_ips,
        id: &p.id,
        mac_address: &p.mac_address,
        name: &p.name,
        network_id: &p.network_id,
        port_security_enabled: p.port_security_enabled,
        project_id: &p.project_id,
        security_groups: &p.security_groups,
        status: p.status(),
        tags: [],
        tenant_id: &p.project_id,
        updated_at: ts(p.updated_at),
    }
}

pub fn port_json(p: &Port) -> Value {
    serde_json::to_value(port_view(p)).unwrap_or_default()
}

impl NeutronView for Port {
    fn id(&self) -> &str {
        &self.id
    }

    fn serialize_view<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        port_view(self).serialize(s)
    }
}

pub fn router_json(r: &Router) -> Value {
    let gw = r.gateway.as_ref().map(|g| json!({"network_id": g.network_id, "enable_snat": g.enable_snat, "external_fixed_ips": []}));
    json!({
        "id": r.id, "name": r.name, "description": r.description, "status": "ACTIVE",
        "admin_state_up": r.admin_state_up, "tenant_id": r.project_id, "project_id": r.project_id,
        "external_gateway_info": gw, "routes": r.routes, "distributed": true, "ha": false,
        "availability_zone_hints": [], "availability_zones": AZS,
        "created_at": ts(r.created_at), "updated_at": ts(r.updated_at), "tags": [],
    })
}

pub fn rule_json(r: &SecurityGroupRule) -> Value {
    json!({
        "id": r.id, "security_group_id": r.security_group_id, "direction": r.direction,
        "ethertype": r.ethertype, "protocol": r.protocol, "port_range_min": r.port_range_min,
        "port_range_max": r.port_range_max, "remote_ip_prefix": r.remote_ip_prefix,
        "remote_group_id": r.remote_group_id, "remote_address_group_id": r.remote_address_group_id,
        "description": r.description, "tenant_id": r.project_id, "project_id": r.project_id,
        "created_at": ts(r.created_at), "updated_at": ts(r.updated_at),
    })
}

pub fn group_json(g: &SecurityGroup, rules: &[SecurityGroupRule]) -> Value {
    json!({
        "id": g.id, "name": g.name, "description": g.description, "tenant_id": g.project_id,
        "project_id": g.project_id, "security_group_rules": rules.iter().map(rule_json).collect::<Vec<_>>(),
        "stateful": true, "created_at": ts(g.created_at), "updated_at": ts(g.updated_at), "tags": [],
    })
}

pub fn floatingip_json(e: &Eip, network_id: &str) -> Value {
    json!({
        "id": e.id, "floating_ip_address": e.public_ip_address, "floating_network_id": network_id,
        "router_id": e.router_id, "port_id": e.port_id, "fixed_ip_address": e.private_ip_address,
        "status": e.status(), "tenant_id": e.project_id, "project_id": e.project_id,
        "description": e.description, "dns_name": "", "dns_domain": "",
        "created_at": ts(e.created_at), "updated_at": ts(e.updated_at), "tags": [],
    })
}

fn one(key: &str, status: u16, v: Value) -> ApiResult<Reply> {
    Reply::json(status, &json!({ key: v }))
}

// --- parsing -------------------------------------------------------------

fn fixed_ips(f: &Fields<'_>) -> ApiResult<Option<Vec<FixedIpSpec>>> {
    let Some(list) = f.opt_objects("fixed_ips")? else {
        return Ok(None);
    };
    list.iter()
        .map(|o| Ok(FixedIpSpec { subnet_id: o.opt_str("subnet_id")?, ip_address: o.opt_str("ip_address")? }))
        .collect::<ApiResult<Vec<_>>>()
        .map(Some)
}

fn address_pairs(f: &Fields<'_>) -> ApiResult<Option<Vec<AddressPair>>> {
    let Some(list) = f.opt_objects("allowed_address_pairs")? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for o in list {
        let ip = o
            .opt_str("ip_address")?
            .ok_or_else(|| bad("Invalid input for allowed_address_pairs. Reason: ip_address is required.".into()))?;
        let valid = ip.parse::<std::net::IpAddr>().is_ok() || ip.parse::<ipnet::IpNet>().is_ok();
        if !valid || ip == "0.0.0.0/0" {
            return Err(bad(format!("Invalid input for allowed_address_pairs. Reason: '{ip}' is not a valid IP address.")));
        }
        out.push(AddressPair { ip_address: ip, mac_address: o.opt_str("mac_address")?.unwrap_or_default() });
    }
    Ok(Some(out))
}

fn routes(f: &Fields<'_>) -> ApiResult<Option<Vec<Route>>> {
    let Some(list) = f.opt_objects("routes")? else {
        return Ok(None);
    };
    list.iter()
        .map(|o| Ok(Route { destination: o.str("destination")?, nexthop: o.str("nexthop")? }))
        .collect::<ApiResult<Vec<_>>>()
        .map(Some)
}

fn gateway(f: &Fields<'_>) -> ApiResult<Option<Option<RouterGateway>>> {
    if !f.has("external_gateway_info") {
        return Ok(None);
    }
    match f.opt_object("external_gateway_info")? {
        None => Ok(Some(None)),
        Some(g) => {
            Ok(Some(Some(RouterGateway { network_id: g.str("network_id")?, enable_snat: g.opt_bool("enable_snat")?.unwrap_or(false) })))
        }
    }
}

fn admin_up(f: &Fields<'_>, what: &str) -> ApiResult<Option<bool>> {
    let v = f.opt_bool("admin_state_up")?;
    if v == Some(false) {
        return Err(bad(format!("Invalid input for admin_state_up. Reason: {what} admin_state_up cannot be false on OTC.")));
    }
    Ok(v)
}

impl Vpc {
    fn subnet_ids(net: &mut Net<'_>, network_id: &str) -> ModelResult<Vec<String>> {
        Ok(net.network_subnets(network_id)?.into_iter().map(|s| s.id).collect())
    }

    // --- versions and extensions -------------------------------------------

    pub fn neutron_versions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(
            200,
            &json!({"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"href": format!("{}/v2.0/", input.base_url), "rel": "self"}]}]}),
        )
    }

    pub fn neutron_version(&self, input: &Input<'_>) -> ApiResult<Reply> {
        if input.param("api_version") != "v2.0" {
            return Err(otc_core::ApiError::unknown_api());
        }
        let resources: Vec<Value> = [
            ("network", "networks"),
            ("subnet", "subnets"),
            ("port", "ports"),
            ("router", "routers"),
            ("floatingip", "floatingips"),
            ("security_group", "security-groups"),
            ("security_group_rule", "security-group-rules"),
        ]
        .iter()
        .map(|(name, coll)| json!({"name": name, "collection": coll, "links": [{"href": format!("{}/v2.0/{coll}", input.base_url), "rel": "self"}]}))
        .collect();
        Reply::json(200, &json!({"resources": resources}))
    }

    /// The Neutron extensions the emulator implements.
    fn extensions() -> Vec<Value> {
        [
            ("router", "Neutron L3 Router"),
            ("security-group", "security-group"),
            ("external-net", "Neutron external network"),
            ("port-security", "Port Security"),
            ("allowed-address-pairs", "Allowed Address Pairs"),
            ("extra_dhcp_opt", "Neutron Extra DHCP options"),
            ("binding", "Port Binding"),
            ("network-ip-availability", "Network IP Availability"),
            ("extraroute", "Neutron Extra Route"),
            ("quotas", "Quota management support"),
        ]
        .iter()
        .map(
            |(alias, name)| json!({"alias": alias, "name": name, "description": name, "links": [], "updated": "2013-01-01T00:00:00-00:00"}),
        )
        .chain([
            // Classic VPN (the otc-vpn crate) is served on this endpoint;
            // openstacksdk checks for `vpnaas` before using it.
            json!({"alias": "vpnaas", "name": "VPN service", "description": "Extension for VPN service", "links": [], "updated": "2013-05-29T10:00:00-00:00"}),
            json!({"alias": "fwaas_v2", "name": "Firewall service v2", "description": "Extension for Firewall service v2", "links": [], "updated": "2016-08-16T00:00:00-00:00"}),
            json!({"alias": "vpn-endpoint-groups", "name": "VPN Endpoint Groups", "description": "VPN endpoint groups support", "links": [], "updated": "2015-08-04T10:00:00-00:00"}),
        ])
        .collect()
    }

    pub fn neutron_extensions(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(200, &json!({"extensions": Self::extensions()}))
    }

    pub fn neutron_extension(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let alias = input.param("alias");
        match Self::extensions().into_iter().find(|e| e["alias"] == alias) {
            Some(e) => one("extension", 200, e),
            None => Err(ApiError::new(404, "ExtensionNotFound", format!("Extension with alias {alias} does not exist"))
                .with_kind("ExtensionNotFound")),
        }
    }

    // --- networks -------------------------------------------------------------

    pub fn neutron_list_networks(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| {
            let mut out = Vec::new();
            for n in net.networks()? {
                let subnets = Self::subnet_ids(net, &n.id)?;
                out.push(network_json(&n, subnets));
            }
            out.push(external_network_json(&net.external_network_id(), chrono::DateTime::UNIX_EPOCH));
            Ok(out)
        })?;
        Reply::json(200, &neutron_list(input, "networks", items)?)
    }

    pub fn neutron_show_network(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("network_id");
        let v = self.call(input, fault, |net| {
            if id == net.external_network_id() {
                return Ok(external_network_json(id, chrono::DateTime::UNIX_EPOCH));
            }
            let n = net.network(id)?;
            let subnets = Self::subnet_ids(net, id)?;
            Ok(network_json(&n, subnets))
        })?;
        one("network", 200, v)
    }

    pub fn neutron_create_network(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "network")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        name_ok(&name)?;
        if name == EXTERNAL_NETWORK_NAME {
            return Err(bad(format!("Invalid input for name. Reason: the name {EXTERNAL_NETWORK_NAME} is reserved.")));
        }
        admin_up(&f, "network")?;
        if f.opt_bool("router:external")? == Some(true) || f.opt_bool("shared")? == Some(true) {
            return Err(ApiError::new(403, "PolicyNotAuthorized", "(rule:create_network:shared) is disallowed by policy")
                .with_kind("PolicyNotAuthorized"));
        }
        if let Some(t) = f.opt_str("provider:network_type")? {
            if t != "geneve" && t != "vxlan" {
                return Err(bad(format!("Invalid input for provider:network_type. Reason: '{t}' is not supported.")));
            }
        }
        let spec = NetworkSpec {
            name,
            description: f.opt_str("description")?.unwrap_or_default(),
            admin_state_up: true,
            availability_zone: String::new(),
        };
        let v = self.call(input, fault, |net| {
            let n = net.create_network(spec)?;
            Ok(network_json(&n, Vec::new()))
        })?;
        one("network", 201, v)
    }

    pub fn neutron_update_network(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("network_id");
        let body = wrapped(input, "network")?;
        let f = Fields::neutron(&body, bad);
        for ro in ["router:external", "shared", "provider:network_type", "id", "tenant_id", "project_id", "status", "subnets"] {
            if f.has(ro) {
                return Err(bad(format!("Cannot update read-only attribute {ro}")));
            }
        }
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            name_ok(n)?;
        }
        admin_up(&f, "network")?;
        let ch = NetworkChange { name, description: f.opt_str("description")?, admin_state_up: None };
        let v = self.call(input, fault, |net| {
            if id == net.external_network_id() {
                return Err(Fault::ExternalNetwork(id.to_string()));
            }
            let n = net.update_network(id, ch)?;
            let subnets = Self::subnet_ids(net, id)?;
            Ok(network_json(&n, subnets))
        })?;
        one("network", 200, v)
    }

    pub fn neutron_delete_network(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("network_id");
        self.call(input, fault, |net| net.delete_network(id))?;
        Ok(Reply::empty(204))
    }

    // --- subnets --------------------------------------------------------------

    pub fn neutron_list_subnets(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| Ok(net.subnets()?.iter().map(subnet_json).collect()))?;
        Reply::json(200, &neutron_list(input, "subnets", items)?)
    }

    pub fn neutron_show_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnet_id");
        let v = self.call(input, fault, |net| Ok(subnet_json(&net.subnet(id)?)))?;
        one("subnet", 200, v)
    }

    pub fn neutron_create_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "subnet")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        name_ok(&name)?;
        let network_id = f.str("network_id")?;
        let ip_version = f.opt_int("ip_version")?.unwrap_or(4);
        if ip_version != 4 && ip_version != 6 {
            return Err(bad(format!("Invalid input for ip_version. Reason: '{ip_version}' is not in [4, 6].")));
        }
        let cidr =
            f.opt_str("cidr")?.ok_or_else(|| bad("Bad subnet request: a cidr must be specified in the absence of a subnet pool".into()))?;
        if f.opt_bool("enable_dhcp")? == Some(false) {
            return Err(bad("Invalid input for enable_dhcp. Reason: DHCP cannot be disabled on OTC.".into()));
        }
        let mut pools = Vec::new();
        for p in f.opt_objects("allocation_pools")?.unwrap_or_default() {
            pools.push(PoolDoc { start: p.str("start")?, end: p.str("end")? });
        }
        let spec = SubnetSpec {
            network_id,
            name,
            description: f.opt_str("description")?.unwrap_or_default(),
            cidr,
            gateway_ip: f.nullable_str("gateway_ip")?,
            enable_dhcp: true,
            dns_nameservers: f.opt_str_list("dns_nameservers")?.unwrap_or_default(),
            allocation_pools: pools,
            // OTC accepts host routes and ignores them.
            host_routes: Vec::new(),
            ip_version: ip_version as u8,
        };
        let v = self.call(input, fault, |net| {
            if !net.network_subnets(&spec.network_id)?.is_empty() {
                return Err(Fault::Invalid(Res::Subnet, "Only one IPv4 subnet is allowed on a network.".into()));
            }
            Ok(subnet_json(&net.create_subnet(spec)?))
        })?;
        one("subnet", 201, v)
    }

    pub fn neutron_update_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnet_id");
        let body = wrapped(input, "subnet")?;
        let f = Fields::neutron(&body, bad);
        for ro in ["cidr", "network_id", "ip_version", "id", "tenant_id", "project_id", "gateway_ip"] {
            if f.has(ro) {
                return Err(bad(format!("Cannot update read-only attribute {ro}")));
            }
        }
        if f.opt_bool("enable_dhcp")? == Some(false) {
            return Err(bad("Invalid input for enable_dhcp. Reason: DHCP cannot be disabled on OTC.".into()));
        }
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            name_ok(n)?;
        }
        let allocation_pools = match f.opt_objects("allocation_pools")? {
            None => None,
            Some(list) => {
                Some(list.iter().map(|p| Ok(PoolDoc { start: p.str("start")?, end: p.str("end")? })).collect::<ApiResult<Vec<_>>>()?)
            }
        };
        let ch = SubnetChange {
            name,
            description: f.opt_str("description")?,
            dns_nameservers: f.opt_str_list("dns_nameservers")?,
            allocation_pools,
            ..Default::default()
        };
        let v = self.call(input, fault, |net| Ok(subnet_json(&net.update_subnet(id, ch)?)))?;
        one("subnet", 200, v)
    }

    pub fn neutron_delete_subnet(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("subnet_id");
        self.call(input, fault, |net| net.delete_subnet(id))?;
        Ok(Reply::empty(204))
    }

    // --- ports ------------------------------------------------------------------

    pub fn neutron_list_ports(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let page = |marker: Option<&str>, limit| self.call(input, fault, |net| net.page::<Port>(PORT, marker, limit, Order::Id));
        let all = || self.call(input, fault, |net| Ok(net.ports()?.iter().map(port_json).collect()));
        neutron_list_paged(input, "ports", page, all)
    }

    pub fn neutron_show_port(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("port_id");
        let v = self.call(input, fault, |net| Ok(port_json(&net.port(id)?)))?;
        one("port", 200, v)
    }

    pub fn neutron_create_port(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "port")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        name_ok(&name)?;
        admin_up(&f, "port")?;
        let device_owner = f.opt_str("device_owner")?.unwrap_or_default();
        if !device_owner.is_empty() && device_owner != "neutron:VIP_PORT" {
            return Err(bad(format!("Invalid input for device_owner. Reason: '{device_owner}' cannot be set by a tenant.")));
        }
        for ro in ["mac_address", "device_id"] {
            if f.opt_str(ro)?.is_some_and(|v| !v.is_empty()) {
                return Err(ApiError::new(403, "PolicyNotAuthorized", format!("(rule:create_port:{ro}) is disallowed by policy"))
                    .with_kind("PolicyNotAuthorized"));
            }
        }
        let groups = f.opt_str_list("security_groups")?;
        if groups.as_ref().is_some_and(|g| g.is_empty()) && f.opt_bool("port_security_enabled")? != Some(false) {
            return Err(bad("Invalid input for security_groups. Reason: a port needs at least one security group.".into()));
        }
        let spec = PortSpec {
            network_id: f.str("network_id")?,
            name,
            description: f.opt_str("description")?.unwrap_or_default(),
            admin_state_up: Some(true),
            fixed_ips: fixed_ips(&f)?.unwrap_or_default(),
            device_owner,
            security_groups: groups,
            allowed_address_pairs: address_pairs(&f)?.unwrap_or_default(),
            port_security_enabled: f.opt_bool("port_security_enabled")?,
            binding_vnic_type: f.opt_str("binding:vnic_type")?,
            extra_dhcp_opts: f.opt_list("extra_dhcp_opts")?.cloned().unwrap_or_default(),
            ..Default::default()
        };
        if spec.port_security_enabled == Some(false) && !spec.allowed_address_pairs.is_empty() {
            return Err(conflict(
                "AddressPairAndPortSecurityRequired",
                "Port Security must be enabled in order to have allowed address pairs on a port.".into(),
            ));
        }
        let v = self.call(input, fault, |net| Ok(port_json(&net.create_port(spec)?)))?;
        one("port", 201, v)
    }

    pub fn neutron_update_port(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("port_id");
        let body = wrapped(input, "port")?;
        let f = Fields::neutron(&body, bad);
        for ro in ["fixed_ips", "device_owner", "device_id", "mac_address", "network_id", "id", "tenant_id", "project_id"] {
            if f.has(ro) {
                return Err(bad(format!("Cannot update read-only attribute {ro}")));
            }
        }
        admin_up(&f, "port")?;
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            name_ok(n)?;
        }
        let groups = f.opt_str_list("security_groups")?;
        let ch = PortChange {
            name,
            description: f.opt_str("description")?,
            security_groups: groups,
            allowed_address_pairs: address_pairs(&f)?,
            port_security_enabled: f.opt_bool("port_security_enabled")?,
            extra_dhcp_opts: f.opt_list("extra_dhcp_opts")?.cloned(),
            ..Default::default()
        };
        let v = self.call(input, fault, |net| Ok(port_json(&net.update_port(id, ch)?)))?;
        one("port", 200, v)
    }

    pub fn neutron_delete_port(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("port_id");
        self.call(input, fault, |net| {
            let p = net.port(id)?;
            if !p.device_id.is_empty() && p.device_owner != "neutron:VIP_PORT" {
                return Err(Fault::InUse(Res::Port, id.to_string(), Dependency::PortInUse));
            }
            net.delete_port(id)
        })?;
        Ok(Reply::empty(204))
    }

    // --- routers ----------------------------------------------------------------

    pub fn neutron_list_routers(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| Ok(net.routers()?.iter().map(router_json).collect()))?;
        Reply::json(200, &neutron_list(input, "routers", items)?)
    }

    pub fn neutron_show_router(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("router_id");
        let v = self.call(input, fault, |net| Ok(router_json(&net.router(id)?)))?;
        one("router", 200, v)
    }

    fn router_name(name: &str) -> ApiResult<()> {
        let ok = name.chars().count() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
        if !ok {
            return Err(bad(format!("Invalid input for name. Reason: '{name}' must be 0-64 letters, digits, '_', '-' or '.'.")));
        }
        Ok(())
    }

    pub fn neutron_create_router(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "router")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        Self::router_name(&name)?;
        admin_up(&f, "router")?;
        let gw = gateway(&f)?;
        let description = f.opt_str("description")?.unwrap_or_default();
        let v = self.call(input, fault, |net| {
            // OTC routers always have the external network as gateway.
            let default_gw = RouterGateway { network_id: net.external_network_id(), enable_snat: false };
            let spec = RouterSpec {
                name,
                description,
                cidr: None,
                admin_state_up: true,
                gateway: Some(gw.flatten().unwrap_or(default_gw)),
                enterprise_project_id: None,
                unique_name: false,
            };
            let mut r = net.create_router(spec)?;
            r.status = net.settled(&r.status, r.status_since);
            Ok(router_json(&r))
        })?;
        one("router", 201, v)
    }

    pub fn neutron_update_router(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("router_id");
        let body = wrapped(input, "router")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            Self::router_name(n)?;
        }
        admin_up(&f, "router")?;
        let ch =
            RouterChange { name, description: f.opt_str("description")?, gateway: gateway(&f)?, routes: routes(&f)?, ..Default::default() };
        let v = self.call(input, fault, |net| Ok(router_json(&net.update_router(id, ch)?)))?;
        one("router", 200, v)
    }

    pub fn neutron_delete_router(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("router_id");
        self.call(input, fault, |net| net.delete_router(id))?;
        Ok(Reply::empty(204))
    }

    fn interface_body(r: &Router, p: &Port) -> Value {
        let subnet = p.fixed_ips.first().map(|f| f.subnet_id.clone()).unwrap_or_default();
        json!({
            "id": r.id, "tenant_id": r.project_id, "project_id": r.project_id, "port_id": p.id,
            "subnet_id": subnet, "subnet_ids": [subnet], "network_id": p.network_id,
        })
    }

    pub fn neutron_add_interface(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("router_id");
        let body = root(input)?;
        let f = Fields::neutron(&body, bad);
        let subnet_id = f.opt_str("subnet_id")?;
        let port_id = f.opt_str("port_id")?;
        let v = self.call(input, fault, |net| {
            let r = net.router(id)?;
            let port = match (subnet_id, port_id) {
                (Some(_), Some(_)) => return Err(Fault::Invalid(Res::Vpc, "Cannot specify both subnet-id and port-id".into())),
                (Some(s), None) => net.attach_subnet(id, &s)?,
                (None, Some(p)) => net.attach_port(id, &p)?,
                (None, None) => return Err(Fault::Invalid(Res::Vpc, "Either subnet_id or port_id must be specified".into())),
            };
            Ok(Self::interface_body(&r, &port))
        })?;
        Reply::json(200, &v)
    }

    pub fn neutron_remove_interface(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("router_id");
        let body = root(input)?;
        let f = Fields::neutron(&body, bad);
        let subnet_id = f.opt_str("subnet_id")?;
        let port_id = f.opt_str("port_id")?;
        let v = self.call(input, fault, |net| {
            let r = net.router(id)?;
            let p = net.detach(id, subnet_id.as_deref(), port_id.as_deref())?;
            Ok(Self::interface_body(&r, &p))
        })?;
        Reply::json(200, &v)
    }

    // --- security groups ----------------------------------------------------------

    pub fn neutron_list_security_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| {
            let rules = net.rules()?;
            Ok(net
                .security_groups()?
                .iter()
                .map(|g| group_json(g, &rules.iter().filter(|r| r.security_group_id == g.id).cloned().collect::<Vec<_>>()))
                .collect())
        })?;
        Reply::json(200, &neutron_list(input, "security_groups", items)?)
    }

    pub fn neutron_show_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        let v = self.call(input, fault, |net| {
            let g = net.security_group(id)?;
            Ok(group_json(&g, &net.rules_of(id)?))
        })?;
        one("security_group", 200, v)
    }

    pub fn neutron_create_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "security_group")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?.unwrap_or_default();
        name_ok(&name)?;
        let description = f.opt_str("description")?.unwrap_or_default();
        if name == "default" {
            return Err(conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists.".into()));
        }
        let v = self.call(input, fault, |net| {
            let g = net.create_security_group(&name, &description, None, DefaultRules::EgressOnly)?;
            Ok(group_json(&g, &net.rules_of(&g.id)?))
        })?;
        one("security_group", 201, v)
    }

    pub fn neutron_update_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        let body = wrapped(input, "security_group")?;
        let f = Fields::neutron(&body, bad);
        let name = f.opt_str("name")?;
        if let Some(n) = &name {
            name_ok(n)?;
        }
        let description = f.opt_str("description")?;
        let v = self.call(input, fault, |net| {
            let g = net.update_security_group(id, name, description)?;
            Ok(group_json(&g, &net.rules_of(id)?))
        })?;
        one("security_group", 200, v)
    }

    pub fn neutron_delete_security_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_id");
        self.call(input, fault, |net| net.delete_security_group(id))?;
        Ok(Reply::empty(204))
    }

    pub fn neutron_list_rules(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| Ok(net.rules()?.iter().map(rule_json).collect()))?;
        Reply::json(200, &neutron_list(input, "security_group_rules", items)?)
    }

    pub fn neutron_show_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_rule_id");
        let v = self.call(input, fault, |net| Ok(rule_json(&net.rule(id)?)))?;
        one("security_group_rule", 200, v)
    }

    pub fn neutron_create_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "security_group_rule")?;
        let f = Fields::neutron(&body, bad);
        let spec = parse_rule(&f)?;
        let v = self.call(input, fault, |net| Ok(rule_json(&net.create_rule(spec)?)))?;
        one("security_group_rule", 201, v)
    }

    pub fn neutron_delete_rule(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("security_group_rule_id");
        self.call(input, fault, |net| net.delete_rule(id))?;
        Ok(Reply::empty(204))
    }

    // --- floating IPs -------------------------------------------------------------

    pub fn neutron_list_floatingips(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, fault, |net| {
            let ext = net.external_network_id();
            Ok(net.eips()?.iter().map(|e| floatingip_json(e, &ext)).collect())
        })?;
        Reply::json(200, &neutron_list(input, "floatingips", items)?)
    }

    pub fn neutron_show_floatingip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("floatingip_id");
        let v = self.call(input, fault, |net| {
            let ext = net.external_network_id();
            Ok(floatingip_json(&net.eip(id)?, &ext))
        })?;
        one("floatingip", 200, v)
    }

    pub fn neutron_create_floatingip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "floatingip")?;
        let f = Fields::neutron(&body, bad);
        let network_id = f.str("floating_network_id")?;
        let port_id = f.opt_str("port_id")?;
        let fixed = f.opt_str("fixed_ip_address")?;
        let spec = EipSpec {
            ip_type: "5_bgp".into(),
            ip_address: f.opt_str("floating_ip_address")?,
            description: f.opt_str("description")?.unwrap_or_default(),
            bandwidth: BandwidthChoice::Dedicated { name: String::new(), size: 5, charge_mode: "traffic".into() },
            ..Default::default()
        };
        let v = self.call(input, fault, |net| {
            let ext = net.external_network_id();
            if network_id != ext {
                return Err(Fault::Invalid(Res::Eip, format!("Network {network_id} is not a valid external network")));
            }
            let mut e = net.create_eip(spec)?;
            if let Some(p) = &port_id {
                e = net.associate_eip(&e.id, Some(p), fixed.as_deref())?;
            }
            Ok(floatingip_json(&e, &ext))
        })?;
        one("floatingip", 201, v)
    }

    pub fn neutron_update_floatingip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("floatingip_id");
        let body = wrapped(input, "floatingip")?;
        let f = Fields::neutron(&body, bad);
        let port = f.nullable_str("port_id")?;
        let fixed = f.opt_str("fixed_ip_address")?;
        let description = f.opt_str("description")?;
        let v = self.call(input, fault, |net| {
            let ext = net.external_network_id();
            let mut e = net.eip(id)?;
            if let Some(p) = port {
                e = net.associate_eip(id, p.as_deref(), fixed.as_deref())?;
            }
            if description.is_some() {
                e = net.update_eip_text(id, None, description)?;
            }
            Ok(floatingip_json(&e, &ext))
        })?;
        one("floatingip", 200, v)
    }

    pub fn neutron_delete_floatingip(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("floatingip_id");
        self.call(input, fault, |net| net.delete_eip(id, true))?;
        Ok(Reply::empty(204))
    }

    // --- IP availability ----------------------------------------------------------

    /// `GET /v2.0/network-ip-availabilities/{network_id}`, documented with
    /// the VPC error codes (VPC.2301/2302) and reserved addresses left out.
    pub fn network_ip_availability(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("network_id");
        let v = self
            .call(input, crate::errors::v1, |net| {
                let n = net.find::<Network>(NETWORK, id)?.ok_or_else(|| Fault::NotFound(Res::Network, id.to_string()))?;
                let mut subnets = Vec::new();
                let (mut total, mut used) = (0u64, 0u64);
                for s in net.network_subnets(id)? {
                    let cidr = crate::net::parse_cidr(&s.cidr).expect("stored");
                    let pools = crate::model::ports::subnet_pools(&s);
                    let t: u64 = pools.iter().map(|p| p.size()).sum();
                    let mut u = 0u64;
                    for p in net.network_ports(id)? {
                        for fip in p.fixed_ips.iter().filter(|f| f.subnet_id == s.id) {
                            if let Ok(a) = fip.ip_address.parse() {
                                if pools.iter().any(|pool| pool.contains(a)) && cidr.contains(&a) {
                                    u += 1;
                                }
                            }
                        }
                    }
                    total += t;
                    used += u;
                    subnets.push(
                        json!({"subnet_id": s.id, "subnet_name": s.name, "ip_version": 4, "cidr": s.cidr, "total_ips": t, "used_ips": u}),
                    );
                }
                Ok(json!({
                    "network_id": n.id, "network_name": n.name, "tenant_id": n.project_id, "project_id": n.project_id,
                    "total_ips": total, "used_ips": used, "subnet_ip_availability": subnets,
                }))
            })
            .map_err(|e| if e.status == 404 { ApiError::new(400, "VPC.2302", format!("Network {id} could not be found.")) } else { e })?;
        one("network_ip_availability", 200, v)
    }
}

/// A security group rule as Neutron, VPC v1 and VPC v3 send it.
pub fn parse_rule(f: &Fields<'_>) -> ApiResult<RuleSpec> {
    let protocol = match f.obj.get("protocol") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => f.opt_str("protocol")?,
    };
    Ok(RuleSpec {
        security_group_id: f.str("security_group_id")?,
        direction: f.str("direction")?,
        ethertype: f.opt_str("ethertype")?,
        protocol,
        port_range_min: f.opt_int("port_range_min")?,
        port_range_max: f.opt_int("port_range_max")?,
        remote_ip_prefix: f.opt_str("remote_ip_prefix")?.filter(|s| !s.is_empty()),
        remote_group_id: f.opt_str("remote_group_id")?.filter(|s| !s.is_empty()),
        remote_address_group_id: f.opt_str("remote_address_group_id")?.filter(|s| !s.is_empty()),
        description: f.opt_str("description")?.unwrap_or_default(),
        action: f.opt_str("action")?,
        priority: f.opt_int("priority")?,
    })
}
