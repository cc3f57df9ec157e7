//! VPN gateways, their availability zones and the project's VPN quotas.

use crate::errors::invalid;
use crate::model::gateways::{
    availability_zones, canonical_flavor, check_local_subnets, supported_flavors, EipRequest, GatewayChange, GatewaySpec, GatewayView,
};
use crate::model::{CONNECTION, CUSTOMER_GATEWAY};
use crate::wire::{self, opt_int, opt_obj, opt_str, opt_str_list, opt_text, reply, reply_one, ts, Obj};
use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};

/// Which answer a gateway is shaped for: the documented tables differ.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Create,
    Update,
    Full,
}

fn one_of(o: &Obj, k: &str, allowed: &[&str], default: &str) -> ApiResult<String> {
    match opt_str(o, k)? {
        None => Ok(default.to_string()),
        Some(v) if allowed.contains(&v.as_str()) => Ok(v),
        Some(v) => Err(invalid(format!("{k} {v} is invalid"))),
    }
}

fn uuid_field(o: &Obj, k: &str) -> ApiResult<Option<String>> {
    match opt_text(o, k)? {
        Some(v) if !wire::is_uuid(&v) => Err(invalid(format!("{k} {v} is not a valid UUID"))),
        v => Ok(v),
    }
}

fn eip_request(o: &Obj, k: &str) -> ApiResult<Option<EipRequest>> {
    let Some(e) = opt_obj(o, k)? else {
        return Ok(None);
    };
    let id = uuid_field(&e, "id")?;
    let ip_type = opt_text(&e, "type")?;
    match (id, ip_type) {
        (Some(_), Some(_)) => Err(invalid(format!("{k}: id and type are mutually exclusive"))),
        (Some(id), None) => Ok(Some(EipRequest::Existing(id))),
        (None, Some(ip_type)) => {
            let bandwidth_name = opt_text(&e, "bandwidth_name")?;
            if let Some(n) = &bandwidth_name {
                wire::check_name(n).map_err(|_| invalid(format!("{k}.bandwidth_name {n} is invalid")))?;
            }
            Ok(Some(EipRequest::New {
                ip_type,
                bandwidth_size: opt_int(&e, "bandwidth_size")?,
                bandwidth_name,
                charge_mode: one_of(&e, "charge_mode", &["bandwidth", "traffic"], "bandwidth")?,
                bandwidth_id: uuid_field(&e, "bandwidth_id")?,
            }))
        }
        (None, None) => Err(invalid(format!("{k} needs an id or a type"))),
    }
}

/// `tags` of a create body, checked by the v5 tag rules.
pub fn body_tags(o: &Obj) -> ApiResult<Vec<otc_core::tags::Tag>> {
    match o.get("tags") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => {
            let tags = wire::tag_list("tags", v)?;
            crate::model::tags::check_tags(&tags)?;
            Ok(tags)
        }
    }
}

fn gateway_spec(o: &Obj) -> ApiResult<GatewaySpec> {
    let name = match opt_str(o, "name")? {
        Some(n) => {
            wire::check_name(&n)?;
            n
        }
        None => wire::default_name("vpngw"),
    };
    let network_type = one_of(o, "network_type", &["public", "private"], "public")?;
    let attachment_type = one_of(o, "attachment_type", &["vpc", "er"], "vpc")?;
    one_of(o, "ip_version", &["ipv4"], "ipv4")?;
    let ha_mode = one_of(o, "ha_mode", &["active-active", "active-standby"], "active-active")?;
    let flavor = match opt_str(o, "flavor")?.as_deref() {
        None => "Professional1".to_string(),
        Some("Professional1-NonFixedIP" | "Professional2-NonFixedIP") => return Err(crate::errors::vpn_error("VPN.0516", &[])),
        Some(f) if canonical_flavor(f).is_some() => f.to_string(),
        Some(f) => return Err(invalid(format!("flavor {f} is invalid"))),
    };
    let bgp_asn = match opt_int(o, "bgp_asn")? {
        None => 64512,
        Some(n) if (1..=4_294_967_295).contains(&n) => n as u64,
        Some(n) => return Err(invalid(format!("bgp_asn {n} is out of range [1, 4294967295]"))),
    };
    let enterprise_project_id = match opt_text(o, "enterprise_project_id")? {
        None => "0".to_string(),
        Some(e) if e == "0" || wire::is_uuid(&e) => e,
        Some(e) => return Err(invalid(format!("enterprise_project_id {e} is invalid"))),
    };
    let spec = GatewaySpec {
        name,
        er_id: uuid_field(o, "er_id")?,
        vpc_id: uuid_field(o, "vpc_id")?,
        local_subnets: opt_str_list(o, "local_subnets")?,
        connect_subnet: uuid_field(o, "connect_subnet")?,
        bgp_asn,
        availability_zone_ids: opt_str_list(o, "availability_zone_ids")?,
        enterprise_project_id,
        // Huawei Cloud's clients still send the deprecated names.
        eip1: eip_request(o, "eip1")?.or(eip_request(o, "master_eip")?),
        eip2: eip_request(o, "eip2")?.or(eip_request(o, "slave_eip")?),
        access_vpc_id: uuid_field(o, "access_vpc_id")?,
        access_subnet_id: uuid_field(o, "access_subnet_id")?,
        access_private_ip_1: opt_text(o, "access_private_ip_1")?,
        access_private_ip_2: opt_text(o, "access_private_ip_2")?,
        tags: body_tags(o)?,
        network_type,
        attachment_type,
        ha_mode,
        flavor,
    };
    check_modes(&spec)?;
    Ok(spec)
}

/// The documented rules between attachment, network type and flavor.
fn check_modes(s: &GatewaySpec) -> ApiResult<()> {
    let er = s.attachment_type == "er";
    if er {
        if s.er_id.is_none() {
            return Err(invalid("er_id is mandatory when attachment_type is er"));
        }
        if s.local_subnets.is_some() {
            return Err(invalid("local_subnets can be set only when attachment_type is vpc"));
        }
        if s.access_vpc_id.is_none() && s.vpc_id.is_none() {
            return Err(invalid("either er_id or vpc_id must be specified with an access VPC"));
        }
    } else {
        if s.er_id.is_some() {
            return Err(invalid("er_id can be set only when attachment_type is er"));
        }
        if s.vpc_id.is_none() {
            return Err(invalid("vpc_id is mandatory when attachment_type is vpc"));
        }
        if s.connect_subnet.is_none() {
            return Err(invalid("connect_subnet is mandatory when attachment_type is vpc"));
        }
        check_local_subnets(s.local_subnets.as_deref().ok_or_else(|| invalid("local_subnets is mandatory when attachment_type is vpc"))?)?;
    }
    if s.flavor == "Basic" && (er || s.network_type == "private") {
        return Err(invalid("the Basic flavor supports neither private gateways nor enterprise router attachment"));
    }
    if s.network_type == "private" {
        if s.eip1.is_some() || s.eip2.is_some() {
            return Err(invalid("eip1 and eip2 can be set only when network_type is public"));
        }
    } else {
        if s.access_private_ip_1.is_some() || s.access_private_ip_2.is_some() {
            return Err(invalid("access_private_ip_1 and access_private_ip_2 can be set only when network_type is private"));
        }
        if s.eip1.is_none() || s.eip2.is_none() {
            return Err(invalid("a public VPN gateway needs eip1 and eip2"));
        }
        if let (Some(EipRequest::Existing(a)), Some(EipRequest::Existing(b))) = (&s.eip1, &s.eip2) {
            if a == b {
                return Err(invalid("eip1 and eip2 must be different EIPs"));
            }
        }
    }
    Ok(())
}

fn eip_json(eip: &otc_vpc::model::Eip, bw: &otc_vpc::model::Bandwidth) -> Value {
    json!({
        "id": eip.id, "ip_version": 4, "type": eip.ip_type, "ip_address": eip.public_ip_address,
        "charge_mode": bw.charge_mode, "bandwidth_id": bw.id, "bandwidth_size": bw.size, "bandwidth_name": bw.name,
    })
}

fn gateway_json(v: &GatewayView, shape: Shape) -> Value {
    let g = &v.gateway;
    let vpc = g.attachment_type == "vpc";
    let public = g.network_type == "public";
    let settled = g.status != "PENDING_CREATE";
    let mut o = Obj::new();
    let mut put = |k: &str, val: Value| {
        o.insert(k.to_string(), val);
    };
    put("id", json!(g.id));
    put("name", json!(g.name));
    put("network_type", json!(g.network_type));
    if shape == Shape::Full {
        put("status", json!(g.status));
    }
    put("attachment_type", json!(g.attachment_type));
    put("ip_version", json!(g.ip_version));
    if let Some(er) = &g.er_id {
        put("er_id", json!(er));
    }
    if vpc {
        put("vpc_id", json!(g.vpc_id));
        put("local_subnets", json!(g.local_subnets));
        put("connect_subnet", json!(g.connect_subnet));
    }
    put("bgp_asn", json!(g.bgp_asn));
    put("flavor", json!(g.flavor));
    if shape != Shape::Create && (g.azs_given || settled) {
        put("availability_zone_ids", json!(g.availability_zone_ids));
    }
    put("connection_number", json!(crate::model::connections::connection_capacity(g)));
    put("used_connection_number", json!(v.used_connection_number));
    put("used_connection_group", json!(v.used_connection_group));
    put("enterprise_project_id", json!(g.enterprise_project_id));
    if shape != Shape::Create && public && settled {
        if let Some((e, b)) = &v.eip1 {
            put("eip1", eip_json(e, b));
        }
        if let Some((e, b)) = &v.eip2 {
            put("eip2", eip_json(e, b));
        }
    }
    if shape != Shape::Create && settled {
        put("created_at", json!(ts(g.created_at)));
        put("updated_at", json!(ts(g.updated_at)));
    }
    put("access_vpc_id", json!(g.access_vpc_id));
    put("access_subnet_id", json!(g.access_subnet_id));
    if !public && shape != Shape::Create {
        put("access_private_ip_1", json!(g.access_private_ip_1));
        put("access_private_ip_2", json!(g.access_private_ip_2));
    }
    put("ha_mode", json!(g.ha_mode));
    if shape == Shape::Full {
        put("supported_flavors", json!(supported_flavors(&g.flavor)));
    }
    if !g.tags.is_empty() {
        put("tags", json!(g.tags));
    }
    Value::Object(o)
}

impl Vpn {
    pub fn create_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let spec = gateway_spec(&wire::wrapped(input, "vpn_gateway")?)?;
        let v = self.call(input, |m| {
            let g = m.create_gateway(spec)?;
            Ok(gateway_json(&m.view(g)?, Shape::Create))
        })?;
        reply_one(input, 201, "vpn_gateway", v)
    }

    pub fn show_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vgw_id");
        let v = self.call(input, |m| {
            let g = m.gateway(id)?;
            Ok(gateway_json(&m.view(g)?, Shape::Full))
        })?;
        reply_one(input, 200, "vpn_gateway", v)
    }

    pub fn list_gateways(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let eps: Vec<String> = input.query.all("enterprise_project_id").into_iter().map(String::from).collect();
        let items = self.call(input, |m| {
            let mut gateways = m.gateways()?;
            gateways.retain(|g| eps.is_empty() || eps.contains(&g.enterprise_project_id));
            // Newest first, as the cloud lists them.
            gateways.reverse();
            let mut out = Vec::new();
            for g in gateways {
                out.push(gateway_json(&m.view(g)?, Shape::Full));
            }
            Ok(out)
        })?;
        reply_one(input, 200, "vpn_gateways", Value::Array(items))
    }

    pub fn update_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vgw_id");
        let o = wire::wrapped(input, "vpn_gateway")?;
        let name = opt_str(&o, "name")?;
        if let Some(n) = &name {
            wire::check_name(n)?;
        }
        // gophertelekomcloud sends the slots as objects instead of ids.
        let slot = |id_key: &str, obj_key: &str| -> ApiResult<Option<String>> {
            match uuid_field(&o, id_key)? {
                Some(id) => Ok(Some(id)),
                None => match opt_obj(&o, obj_key)? {
                    Some(e) => uuid_field(&e, "id"),
                    None => Ok(None),
                },
            }
        };
        let ch = GatewayChange {
            name,
            local_subnets: opt_str_list(&o, "local_subnets")?,
            eip_id_1: slot("eip_id_1", "eip1")?,
            eip_id_2: slot("eip_id_2", "eip2")?,
        };
        let v = self.call(input, |m| {
            let g = m.update_gateway(id, ch)?;
            Ok(gateway_json(&m.view(g)?, Shape::Update))
        })?;
        reply_one(input, 200, "vpn_gateway", v)
    }

    pub fn update_specification(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vgw_id");
        let o = wire::wrapped(input, "vpn_gateway")?;
        let flavor = opt_str(&o, "flavor")?.ok_or_else(|| invalid("flavor is mandatory"))?;
        let v = self.call(input, |m| {
            let g = m.update_specification(id, &flavor)?;
            Ok(gateway_json(&m.view(g)?, Shape::Update))
        })?;
        reply_one(input, 200, "vpn_gateway", v)
    }

    pub fn delete_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vgw_id");
        self.call(input, |m| m.delete_gateway(id))?;
        Ok(Reply::empty(204))
    }

    pub fn availability_zones(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let region = input.ctx()?.region.clone().unwrap_or_else(|| "eu-de".into());
        let zones =
            |flavor: &str| json!({"vpc": availability_zones(&region, flavor, "vpc"), "er": availability_zones(&region, flavor, "er")});
        let body = json!({
            "basic": zones("Basic"),
            "professional1": zones("Professional1"),
            "professional2": zones("Professional2"),
            "Professional1-NonFixedIP": zones("Professional1-NonFixedIP"),
            "Professional2-NonFixedIP": zones("Professional2-NonFixedIP"),
            "gm": zones("gm"),
        });
        reply_one(input, 200, "availability_zones", body)
    }

    pub fn quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = self.cfg.quotas.clone();
        let (cgw, conn, gw) = self.call(input, |m| {
            let gw = m.gateways()?.len();
            Ok((m.net.count(CUSTOMER_GATEWAY)?, m.net.count(CONNECTION)?, gw))
        })?;
        let resources = json!([
            {"type": "customer_gateway", "quota": q.customer_gateway, "used": cgw},
            {"type": "vpn_connection", "quota": q.vpn_connection, "used": conn},
            {"type": "vpn_gateway", "quota": q.vpn_gateway, "used": gw},
        ]);
        let mut o = Obj::new();
        o.insert("quotas".into(), json!({ "resources": resources }));
        reply(input, 200, o)
    }
}
