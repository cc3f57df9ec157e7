//! The Neutron VPNaaS v2.0 facade (`/v2.0/vpn/...`): attribute screening
//! and validation with the enums OTC documents (not upstream's), the
//! documented renderings, and Neutron's list filters, `fields` and paging.

use super::attrs::{self, Method, Obj};
use super::errors::{bad, invalid, typed, CResult, Refusal};
use super::model::services::ServiceSpec;
use super::model::*;
use crate::ClassicVpn;
use otc_core::api::{Input, Reply};
use otc_core::time::Timestamp;
use otc_core::ApiResult;
use otc_vpc::api::listing::{neutron_list_at, project_fields};
use serde_json::{json, Value};

// --- OTC's documented values --------------------------------------------------

const AUTH_ALGORITHMS: &[&str] = &["md5", "sha1", "sha2-256", "sha2-384", "sha2-512"];
const ENCRYPTION_ALGORITHMS: &[&str] = &["3des", "aes-128", "aes-192", "aes-256"];
const PFS: &[&str] = &["group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21", "disable"];
/// "main by default"; the doc lists no others, upstream knows these two.
const PHASE1_MODES: &[&str] = &["main", "aggressive"];
const IKE_VERSIONS: &[&str] = &["v1", "v2"];
const TRANSFORM_PROTOCOLS: &[&str] = &["esp", "ah", "ah-esp"];
/// "tunnel by default"; upstream also knows transport.
const ENCAPSULATION_MODES: &[&str] = &["tunnel", "transport"];
const LIFETIME_UNITS: &[&str] = &["seconds"];
const LIFETIME_RANGE: (i64, i64) = (60, 604_800);
const ENDPOINT_TYPES: &[&str] = &["subnet", "cidr"];
const INITIATORS: &[&str] = &["bi-directional", "response-only"];
const DPD_ACTIONS: &[&str] = &["clear", "hold", "restart", "disabled", "restart-by-peer"];
/// "mtu can only be 1500".
const MTU: i64 = 1500;
/// Roles the doc lets choose a service's `external_v4_ip`.
const ADDRESS_ROLES: &[&str] = &["admin", "internal_admin", "op_service", "vpn_adm"];

// --- attributes per resource (all known / settable in POST / in PUT) ------

const IKE_KNOWN: &[&str] = &[
    "id",
    "tenant_id",
    "project_id",
    "name",
    "description",
    "auth_algorithm",
    "encryption_algorithm",
    "pfs",
    "phase1_negotiation_mode",
    "ike_version",
    "lifetime",
];
const IKE_PUT: &[&str] =
    &["name", "description", "auth_algorithm", "encryption_algorithm", "pfs", "phase1_negotiation_mode", "ike_version", "lifetime"];
const IPSEC_KNOWN: &[&str] = &[
    "id",
    "tenant_id",
    "project_id",
    "name",
    "description",
    "transform_protocol",
    "auth_algorithm",
    "encapsulation_mode",
    "encryption_algorithm",
    "pfs",
    "lifetime",
];
const IPSEC_PUT: &[&str] =
    &["name", "description", "transform_protocol", "auth_algorithm", "encapsulation_mode", "encryption_algorithm", "pfs", "lifetime"];
const SERVICE_KNOWN: &[&str] = &[
    "id",
    "tenant_id",
    "project_id",
    "name",
    "description",
    "router_id",
    "subnet_id",
    "admin_state_up",
    "external_v4_ip",
    "external_v6_ip",
    "status",
    "created_at",
    "prepay_connection_num",
    "resource_speccode",
    "order_id",
    "product_id",
    "tags",
];
const SERVICE_POST: &[&str] =
    &["tenant_id", "project_id", "name", "description", "router_id", "subnet_id", "admin_state_up", "external_v4_ip"];
const SERVICE_PUT: &[&str] = &["name", "description", "admin_state_up"];
const GROUP_KNOWN: &[&str] = &["id", "tenant_id", "project_id", "name", "description", "type", "endpoints"];
const GROUP_POST: &[&str] = &["tenant_id", "project_id", "name", "description", "type", "endpoints"];
const GROUP_PUT: &[&str] = &["name", "description"];
const CONN_KNOWN: &[&str] = &[
    "id",
    "tenant_id",
    "project_id",
    "name",
    "description",
    "psk",
    "initiator",
    "ipsecpolicy_id",
    "ikepolicy_id",
    "vpnservice_id",
    "admin_state_up",
    "mtu",
    "local_ep_group_id",
    "peer_ep_group_id",
    "peer_cidrs",
    "peer_address",
    "peer_id",
    "local_id",
    "dpd",
    "auth_mode",
    "route_mode",
    "status",
    "created_at",
    "order_id",
    "product_id",
    "tags",
];
const CONN_PUT: &[&str] = &[
    "name",
    "description",
    "psk",
    "initiator",
    "admin_state_up",
    "mtu",
    "local_ep_group_id",
    "peer_ep_group_id",
    "peer_cidrs",
    "peer_address",
    "peer_id",
    "local_id",
    "dpd",
];

/// POST may set everything PUT may, plus these.
fn post_of(put: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    put.iter().chain(extra).copied().collect()
}

// --- renderings -------------------------------------------------------------------

/// `2020-08-05 12:36:35.921257`.
fn created(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

fn ike_json(p: &IkePolicy) -> Value {
    json!({
        "name": p.name, "tenant_id": p.project_id, "auth_algorithm": p.auth_algorithm,
        "encryption_algorithm": p.encryption_algorithm, "pfs": p.pfs,
        "phase1_negotiation_mode": p.phase1_negotiation_mode, "lifetime": p.lifetime,
        "ike_version": p.ike_version, "id": p.id, "description": p.description,
    })
}

fn ipsec_json(p: &IpsecPolicy) -> Value {
    json!({
        "name": p.name, "transform_protocol": p.transform_protocol, "auth_algorithm": p.auth_algorithm,
        "encapsulation_mode": p.encapsulation_mode, "encryption_algorithm": p.encryption_algorithm,
        "pfs": p.pfs, "tenant_id": p.project_id, "lifetime": p.lifetime, "id": p.id, "description": p.description,
    })
}

/// Lists and shows add `tags` (always empty: only connections are tagged).
fn service_json(s: &VpnService, with_tags: bool) -> Value {
    let mut v = json!({
        "router_id": s.router_id, "status": s.status, "name": s.name, "external_v6_ip": null,
        "admin_state_up": true, "subnet_id": s.subnet_id, "tenant_id": s.project_id,
        "external_v4_ip": s.external_v4_ip, "id": s.id, "description": s.description,
        "prepay_connection_num": 0, "resource_speccode": "", "order_id": "", "product_id": "",
        "created_at": created(s.created_at),
    });
    if with_tags {
        v["tags"] = json!([]);
    }
    v
}

fn group_json(g: &EndpointGroup) -> Value {
    json!({
        "description": g.description, "tenant_id": g.project_id, "endpoints": g.endpoints,
        "type": g.endpoint_type, "id": g.id, "name": g.name,
    })
}

fn connection_json(c: &SiteConnection, with_tags: bool) -> Value {
    let mut v = json!({
        "status": c.status, "psk": c.psk, "initiator": c.initiator, "name": c.name, "admin_state_up": true,
        "tenant_id": c.project_id, "auth_mode": "psk", "peer_cidrs": c.peer_cidrs, "mtu": c.mtu,
        "peer_ep_group_id": c.peer_ep_group_id, "ikepolicy_id": c.ikepolicy_id, "vpnservice_id": c.vpnservice_id,
        "dpd": c.dpd, "route_mode": "static", "ipsecpolicy_id": c.ipsecpolicy_id,
        "local_ep_group_id": c.local_ep_group_id, "peer_address": c.peer_address, "peer_id": c.peer_id,
        "id": c.id, "description": c.description, "order_id": "", "product_id": "",
        "created_at": created(c.created_at),
    });
    if with_tags {
        v["tags"] = otc_vpc::api::tags::tag_list(&c.tags);
    }
    v
}

/// `{key: v}`, projected by `fields` when asked (openstacksdk's get with
/// `fields=[...]`).
fn one(input: &Input<'_>, status: u16, key: &str, v: Value) -> ApiResult<Reply> {
    let fields = input.query.all("fields");
    let v = if fields.is_empty() { v } else { project_fields(v, &fields) };
    Reply::json(status, &json!({ key: v }))
}

/// A Neutron list of the caller's objects. A `tenant_id`/`project_id`
/// filter naming another project matches nothing.
fn list(input: &Input<'_>, collection: &str, path: &str, items: Vec<Value>) -> ApiResult<Reply> {
    let project = input.ctx()?.project().unwrap_or_default();
    let q = input.query;
    let wanted: Vec<&str> = q.all("tenant_id").into_iter().chain(q.all("project_id")).collect();
    let items = if wanted.is_empty() || wanted.contains(&project) { items } else { Vec::new() };
    Reply::json(200, &neutron_list_at(input, collection, path, items)?)
}

// --- shared parsing ---------------------------------------------------------------

/// The merged `lifetime` of a policy: given keys over `base`.
fn lifetime(o: &Obj, base: Lifetime) -> ApiResult<Lifetime> {
    let Some(d) = attrs::dict(o, "lifetime", &["units", "value"])? else {
        return Ok(base);
    };
    let mut l = base;
    if let Some(u) = d.get("units") {
        match u.as_str() {
            Some(s) if LIFETIME_UNITS.contains(&s) => l.units = s.to_string(),
            _ => return Err(invalid("lifetime", attrs::not_in(u, LIFETIME_UNITS))),
        }
    }
    if let Some(v) = d.get("value") {
        let n = attrs::int_value("lifetime", v)?;
        let (min, max) = LIFETIME_RANGE;
        if n < min {
            return Err(invalid("lifetime", format!("'{n}' is too small - must be at least '{min}'")));
        }
        if n > max {
            return Err(invalid("lifetime", format!("'{n}' is too large - must be no larger than '{max}'")));
        }
        l.value = n;
    }
    Ok(l)
}

/// The merged `dpd` of a connection: given keys over `base`.
fn dpd(o: &Obj, base: Dpd) -> ApiResult<Dpd> {
    let Some(d) = attrs::dict(o, "dpd", &["action", "interval", "timeout"])? else {
        return Ok(base);
    };
    let mut out = base;
    if let Some(a) = d.get("action") {
        match a.as_str() {
            Some(s) if DPD_ACTIONS.contains(&s) => out.action = s.to_string(),
            _ => return Err(invalid("dpd", attrs::not_in(a, DPD_ACTIONS))),
        }
    }
    for (key, slot) in [("interval", &mut out.interval), ("timeout", &mut out.timeout)] {
        if let Some(v) = d.get(key) {
            let n = attrs::int_value("dpd", v)?;
            if n < 0 {
                return Err(invalid("dpd", format!("'{n}' should be non-negative")));
            }
            *slot = n;
        }
    }
    Ok(out)
}

/// OTC's pre-shared key: 6-128 characters of letters, digits and
/// `` ~`!@#$%^()-_+=[]{}|\,./:; ``.
fn check_psk(psk: &str) -> ApiResult<()> {
    const SPECIAL: &str = "~`!@#$%^()-_+=[]{}|\\,./:;";
    let ok = (6..=128).contains(&psk.chars().count()) && psk.chars().all(|c| c.is_ascii_alphanumeric() || SPECIAL.contains(c));
    if !ok {
        return Err(invalid("psk", format!("psk must be 6 to 128 characters of letters, digits and {SPECIAL}")));
    }
    Ok(())
}

impl ClassicVpn {
    /// Runs `f` for the caller in one transaction over the classic VPN and
    /// network models.
    pub(super) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Classic<'_, '_>) -> CResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut Classic { net, cfg: &self.cfg })).map_err(|Refusal(e)| e)
    }

    fn project<'i>(input: &'i Input<'_>) -> ApiResult<&'i str> {
        Ok(input.ctx()?.project().unwrap_or_default())
    }

    // --- IKE policies ---------------------------------------------------------

    pub fn list_ike_policies(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, |c| Ok(c.ike_policies()?.iter().map(ike_json).collect()))?;
        list(input, "ikepolicies", "/v2.0/vpn/ikepolicies", items)
    }

    pub fn show_ike_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let v = self.call(input, |c| Ok(ike_json(&c.ike_policy(input.param("ikepolicy_id"))?)))?;
        one(input, 200, "ikepolicy", v)
    }

    /// The IKE attributes of a POST or PUT applied to `p`.
    fn ike_attrs(o: &Obj, p: &mut IkePolicy) -> ApiResult<()> {
        let (name, description) = attrs::name_and_description(o)?;
        p.name = name.unwrap_or(std::mem::take(&mut p.name));
        p.description = description.unwrap_or(std::mem::take(&mut p.description));
        for (attr, values, slot) in [
            ("auth_algorithm", AUTH_ALGORITHMS, &mut p.auth_algorithm),
            ("encryption_algorithm", ENCRYPTION_ALGORITHMS, &mut p.encryption_algorithm),
            ("pfs", PFS, &mut p.pfs),
            ("phase1_negotiation_mode", PHASE1_MODES, &mut p.phase1_negotiation_mode),
            ("ike_version", IKE_VERSIONS, &mut p.ike_version),
        ] {
            if let Some(v) = attrs::one_of(o, attr, values)? {
                *slot = v;
            }
        }
        p.lifetime = lifetime(o, p.lifetime.clone())?;
        Ok(())
    }

    pub fn create_ike_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "ikepolicy")?;
        attrs::screen(&o, Method::Post, IKE_KNOWN, &post_of(IKE_PUT, &["tenant_id", "project_id"]))?;
        attrs::check_project(&o, Self::project(input)?)?;
        let mut p = IkePolicy {
            id: String::new(),
            project_id: String::new(),
            name: String::new(),
            description: String::new(),
            auth_algorithm: "sha1".into(),
            encryption_algorithm: "aes-128".into(),
            pfs: "group5".into(),
            phase1_negotiation_mode: "main".into(),
            ike_version: "v1".into(),
            lifetime: Lifetime::default(),
        };
        Self::ike_attrs(&o, &mut p)?;
        let v = self.call(input, |c| Ok(ike_json(&c.create_ike_policy(p)?)))?;
        one(input, 201, "ikepolicy", v)
    }

    pub fn update_ike_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "ikepolicy")?;
        attrs::screen(&o, Method::Put, IKE_KNOWN, IKE_PUT)?;
        let id = input.param("ikepolicy_id");
        let v = self.call(input, |c| Ok(ike_json(&c.update_ike_policy(id, |p| Ok(Self::ike_attrs(&o, p)?))?)))?;
        one(input, 200, "ikepolicy", v)
    }

    pub fn delete_ike_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |c| c.delete_ike_policy(input.param("ikepolicy_id")))?;
        Ok(Reply::empty(204))
    }

    // --- IPsec policies -----------------------------------------------------

    pub fn list_ipsec_policies(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, |c| Ok(c.ipsec_policies()?.iter().map(ipsec_json).collect()))?;
        list(input, "ipsecpolicies", "/v2.0/vpn/ipsecpolicies", items)
    }

    pub fn show_ipsec_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let v = self.call(input, |c| Ok(ipsec_json(&c.ipsec_policy(input.param("ipsecpolicy_id"))?)))?;
        one(input, 200, "ipsecpolicy", v)
    }

    fn ipsec_attrs(o: &Obj, p: &mut IpsecPolicy) -> ApiResult<()> {
        let (name, description) = attrs::name_and_description(o)?;
        p.name = name.unwrap_or(std::mem::take(&mut p.name));
        p.description = description.unwrap_or(std::mem::take(&mut p.description));
        for (attr, values, slot) in [
            ("transform_protocol", TRANSFORM_PROTOCOLS, &mut p.transform_protocol),
            ("auth_algorithm", AUTH_ALGORITHMS, &mut p.auth_algorithm),
            ("encapsulation_mode", ENCAPSULATION_MODES, &mut p.encapsulation_mode),
            ("encryption_algorithm", ENCRYPTION_ALGORITHMS, &mut p.encryption_algorithm),
            ("pfs", PFS, &mut p.pfs),
        ] {
            if let Some(v) = attrs::one_of(o, attr, values)? {
                *slot = v;
            }
        }
        p.lifetime = lifetime(o, p.lifetime.clone())?;
        Ok(())
    }

    pub fn create_ipsec_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "ipsecpolicy")?;
        attrs::screen(&o, Method::Post, IPSEC_KNOWN, &post_of(IPSEC_PUT, &["tenant_id", "project_id"]))?;
        attrs::check_project(&o, Self::project(input)?)?;
        let mut p = IpsecPolicy {
            id: String::new(),
            project_id: String::new(),
            name: String::new(),
            description: String::new(),
            transform_protocol: "esp".into(),
            auth_algorithm: "sha1".into(),
            encapsulation_mode: "tunnel".into(),
            encryption_algorithm: "aes-128".into(),
            pfs: "group5".into(),
            lifetime: Lifetime::default(),
        };
        Self::ipsec_attrs(&o, &mut p)?;
        let v = self.call(input, |c| Ok(ipsec_json(&c.create_ipsec_policy(p)?)))?;
        one(input, 201, "ipsecpolicy", v)
    }

    pub fn update_ipsec_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "ipsecpolicy")?;
        attrs::screen(&o, Method::Put, IPSEC_KNOWN, IPSEC_PUT)?;
        let id = input.param("ipsecpolicy_id");
        let v = self.call(input, |c| Ok(ipsec_json(&c.update_ipsec_policy(id, |p| Ok(Self::ipsec_attrs(&o, p)?))?)))?;
        one(input, 200, "ipsecpolicy", v)
    }

    pub fn delete_ipsec_policy(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |c| c.delete_ipsec_policy(input.param("ipsecpolicy_id")))?;
        Ok(Reply::empty(204))
    }

    // --- VPN services ---------------------------------------------------------

    pub fn list_services(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, |c| Ok(c.services()?.iter().map(|s| service_json(s, true)).collect()))?;
        list(input, "vpnservices", "/v2.0/vpn/vpnservices", items)
    }

    pub fn show_service(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let v = self.call(input, |c| Ok(service_json(&c.service(input.param("service_id"))?, true)))?;
        one(input, 200, "vpnservice", v)
    }

    pub fn create_service(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "vpnservice")?;
        attrs::screen(&o, Method::Post, SERVICE_KNOWN, SERVICE_POST)?;
        let ctx = input.ctx()?;
        attrs::check_project(&o, ctx.project().unwrap_or_default())?;
        let (name, description) = attrs::name_and_description(&o)?;
        attrs::admin_state_up(&o, "vpnservice")?;
        let router_id = attrs::required(attrs::uuid_value(&o, "router_id")?, "router_id")?;
        let subnet_id = attrs::uuid_attr(&o, "subnet_id", true)?.flatten();
        let external_v4_ip = attrs::string(&o, "external_v4_ip", 255)?;
        if let Some(ip) = &external_v4_ip {
            if !ctx.roles.iter().any(|r| ADDRESS_ROLES.contains(&r.as_str())) {
                return Err(typed(403, "PolicyNotAuthorized", "(rule:create_vpnservice:external_v4_ip) is disallowed by policy"));
            }
            if ip.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(invalid("external_v4_ip", format!("'{ip}' is not a valid IP address")));
            }
        }
        let spec = ServiceSpec {
            name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
            router_id,
            subnet_id,
            external_v4_ip,
        };
        let v = self.call(input, |c| Ok(service_json(&c.create_service(spec)?, false)))?;
        one(input, 201, "vpnservice", v)
    }

    pub fn update_service(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "vpnservice")?;
        attrs::screen(&o, Method::Put, SERVICE_KNOWN, SERVICE_PUT)?;
        let (name, description) = attrs::name_and_description(&o)?;
        attrs::admin_state_up(&o, "vpnservice")?;
        let v = self.call(input, |c| Ok(service_json(&c.update_service(input.param("service_id"), name, description)?, false)))?;
        one(input, 200, "vpnservice", v)
    }

    pub fn delete_service(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |c| c.delete_service(input.param("service_id")))?;
        Ok(Reply::empty(204))
    }

    // --- endpoint groups --------------------------------------------------------

    pub fn list_endpoint_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, |c| Ok(c.endpoint_groups()?.iter().map(group_json).collect()))?;
        list(input, "endpoint_groups", "/v2.0/vpn/endpoint-groups", items)
    }

    pub fn show_endpoint_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let v = self.call(input, |c| Ok(group_json(&c.endpoint_group(input.param("endpoint_group_id"))?)))?;
        one(input, 200, "endpoint_group", v)
    }

    pub fn create_endpoint_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "endpoint_group")?;
        attrs::screen(&o, Method::Post, GROUP_KNOWN, GROUP_POST)?;
        attrs::check_project(&o, Self::project(input)?)?;
        let (name, description) = attrs::name_and_description(&o)?;
        let endpoint_type = attrs::required(attrs::one_of(&o, "type", ENDPOINT_TYPES)?, "type")?;
        let endpoints = attrs::required(attrs::str_list(&o, "endpoints")?, "endpoints")?;
        let g = EndpointGroup {
            id: String::new(),
            project_id: String::new(),
            name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
            endpoint_type,
            endpoints,
        };
        let v = self.call(input, |c| Ok(group_json(&c.create_endpoint_group(g)?)))?;
        one(input, 201, "endpoint_group", v)
    }

    pub fn update_endpoint_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "endpoint_group")?;
        attrs::screen(&o, Method::Put, GROUP_KNOWN, GROUP_PUT)?;
        let (name, description) = attrs::name_and_description(&o)?;
        let v = self.call(input, |c| Ok(group_json(&c.update_endpoint_group(input.param("endpoint_group_id"), name, description)?)))?;
        one(input, 200, "endpoint_group", v)
    }

    pub fn delete_endpoint_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |c| c.delete_endpoint_group(input.param("endpoint_group_id")))?;
        Ok(Reply::empty(204))
    }

    // --- IPsec site connections ---------------------------------------------

    pub fn list_connections(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let items = self.call(input, |c| Ok(c.connections()?.iter().map(|x| connection_json(x, true)).collect()))?;
        list(input, "ipsec_site_connections", "/v2.0/vpn/ipsec-site-connections", items)
    }

    pub fn show_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let v = self.call(input, |c| Ok(connection_json(&c.connection(input.param("connection_id"))?, true)))?;
        one(input, 200, "ipsec_site_connection", v)
    }

    /// The attributes a POST and a PUT share, applied to `c`.
    fn connection_attrs(o: &Obj, c: &mut SiteConnection) -> ApiResult<()> {
        let (name, description) = attrs::name_and_description(o)?;
        if let Some(n) = name {
            c.name = n;
        }
        if let Some(d) = description {
            c.description = d;
        }
        if let Some(psk) = attrs::string(o, "psk", 128)? {
            check_psk(&psk)?;
            c.psk = psk;
        }
        if let Some(i) = attrs::one_of(o, "initiator", INITIATORS)? {
            c.initiator = i;
        }
        attrs::admin_state_up(o, "ipsec_site_connection")?;
        if let Some(m) = attrs::int(o, "mtu")? {
            if m != MTU {
                return Err(invalid("mtu", "mtu can only be 1500"));
            }
            c.mtu = m;
        }
        if let Some(g) = attrs::uuid_attr(o, "local_ep_group_id", true)? {
            c.local_ep_group_id = g;
        }
        if let Some(g) = attrs::uuid_attr(o, "peer_ep_group_id", true)? {
            c.peer_ep_group_id = g;
        }
        if o.contains_key("peer_cidrs") {
            c.peer_cidrs = attrs::str_list(o, "peer_cidrs")?.unwrap_or_default();
        }
        if let Some(a) = attrs::string(o, "peer_address", 250)? {
            c.peer_address = a;
        }
        if let Some(p) = attrs::string(o, "peer_id", 250)? {
            c.peer_id = p;
        }
        if let Some(l) = attrs::string(o, "local_id", 255)? {
            c.local_id = l;
        }
        c.dpd = dpd(o, c.dpd.clone())?;
        Ok(())
    }

    pub fn create_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "ipsec_site_connection")?;
        attrs::screen(
            &o,
            Method::Post,
            CONN_KNOWN,
            &post_of(CONN_PUT, &["tenant_id", "project_id", "ipsecpolicy_id", "ikepolicy_id", "vpnservice_id"]),
        )?;
        attrs::check_project(&o, Self::project(input)?)?;
        for attr in ["psk", "peer_address", "peer_id"] {
            if o.get(attr).is_none_or(Value::is_null) {
                return Err(bad(format!("Failed to parse request. Required attribute '{attr}' not specified")));
            }
        }
        let ids = ["vpnservice_id", "ikepolicy_id", "ipsecpolicy_id"]
            .map(|attr| attrs::uuid_value(&o, attr).and_then(|v| attrs::required(v, attr)));
        let [vpnservice_id, ikepolicy_id, ipsecpolicy_id] = ids;
        let mut c = SiteConnection {
            id: String::new(),
            project_id: String::new(),
            name: String::new(),
            description: String::new(),
            psk: String::new(),
            initiator: "bi-directional".into(),
            ipsecpolicy_id: ipsecpolicy_id?,
            ikepolicy_id: ikepolicy_id?,
            vpnservice_id: vpnservice_id?,
            mtu: MTU,
            local_ep_group_id: None,
            peer_ep_group_id: None,
            peer_cidrs: Vec::new(),
            peer_address: String::new(),
            peer_id: String::new(),
            local_id: String::new(),
            dpd: Dpd::default(),
            tags: Vec::new(),
            status: String::new(),
            status_since: chrono::DateTime::UNIX_EPOCH,
            created_at: chrono::DateTime::UNIX_EPOCH,
        };
        Self::connection_attrs(&o, &mut c)?;
        let v = self.call(input, |m| Ok(connection_json(&m.create_connection(c)?, false)))?;
        one(input, 201, "ipsec_site_connection", v)
    }

    pub fn update_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = attrs::wrapped(input, "ipsec_site_connection")?;
        attrs::screen(&o, Method::Put, CONN_KNOWN, CONN_PUT)?;
        let address_given = o.contains_key("peer_address");
        let id = input.param("connection_id");
        let v = self.call(input, |m| {
            let c = m.update_connection(id, address_given, |c| Ok(Self::connection_attrs(&o, c)?))?;
            Ok(connection_json(&c, false))
        })?;
        one(input, 200, "ipsec_site_connection", v)
    }

    pub fn delete_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |c| c.delete_connection(input.param("connection_id")))?;
        Ok(Reply::empty(204))
    }
}
