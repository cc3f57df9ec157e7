//! `/v5/{project_id}/vpn-connection` (and `vpn-connections/batch-create`):
//! create one or two, list, show, update, delete, and the connection log.
//!
//! The answers differ per operation as the reference's tables do: `status`
//! and `connection_monitor_id` only on GET; the deprecated `eip_id`, `type`
//! and `route_mode` on single create and GET; `policy_rules: []` for
//! non-policy connections only in batch answers; `psk` never.

use super::body_tags;
use super::customer_gateways::tags_json;
use crate::errors::invalid;
use crate::model::connections::{ConnChange, ConnSpec, ConnectionView, DpdPatch, IkePatch, IpsecPatch};
use crate::model::{Connection, PolicyRule};
use crate::wire::{
    self, check_name, default_name, opt_bool, opt_int, opt_obj, opt_str, opt_str_list, opt_text, reply, reply_one, ts, wrapped, Obj,
};
use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};

/// Connections per page: 0-2000, default 2000.
const MAX_LIMIT: usize = 2000;

/// Which operation an answer is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Create,
    Batch,
    Show,
    Update,
}

fn mandatory(o: &Obj, k: &str) -> ApiResult<String> {
    opt_str(o, k)?.filter(|s| !s.is_empty()).ok_or_else(|| invalid(format!("{k} is mandatory")))
}

fn read_dpd(o: Option<Obj>) -> ApiResult<DpdPatch> {
    let Some(o) = o else { return Ok(DpdPatch::default()) };
    Ok(DpdPatch { timeout: opt_int(&o, "timeout")?, interval: opt_int(&o, "interval")?, msg: opt_text(&o, "msg")? })
}

fn read_ike(o: &Obj) -> ApiResult<IkePatch> {
    let Some(p) = opt_obj(o, "ikepolicy")? else { return Ok(IkePatch::default()) };
    Ok(IkePatch {
        ike_version: opt_text(&p, "ike_version")?,
        phase1_negotiation_mode: opt_text(&p, "phase1_negotiation_mode")?,
        authentication_algorithm: opt_text(&p, "authentication_algorithm")?,
        encryption_algorithm: opt_text(&p, "encryption_algorithm")?,
        dh_group: opt_text(&p, "dh_group")?,
        authentication_method: opt_text(&p, "authentication_method")?,
        lifetime_seconds: opt_int(&p, "lifetime_seconds")?,
        local_id_type: opt_text(&p, "local_id_type")?,
        local_id: opt_text(&p, "local_id")?,
        peer_id_type: opt_text(&p, "peer_id_type")?,
        peer_id: opt_text(&p, "peer_id")?,
        dpd: read_dpd(opt_obj(&p, "dpd")?)?,
    })
}

fn read_ipsec(o: &Obj) -> ApiResult<IpsecPatch> {
    let Some(p) = opt_obj(o, "ipsecpolicy")? else { return Ok(IpsecPatch::default()) };
    Ok(IpsecPatch {
        authentication_algorithm: opt_text(&p, "authentication_algorithm")?,
        encryption_algorithm: opt_text(&p, "encryption_algorithm")?,
        pfs: opt_text(&p, "pfs")?,
        transform_protocol: opt_text(&p, "transform_protocol")?,
        lifetime_seconds: opt_int(&p, "lifetime_seconds")?,
        encapsulation_mode: opt_text(&p, "encapsulation_mode")?,
    })
}

/// `rule_index` is deprecated ("advised not to set"): type-checked and
/// ignored, since rules are numbered by position.
fn read_rule(v: &Value) -> ApiResult<PolicyRule> {
    let o = v.as_object().ok_or_else(|| invalid("policy_rules must be an array of objects"))?;
    opt_int(o, "rule_index")?;
    Ok(PolicyRule { source: opt_str(o, "source")?.unwrap_or_default(), destination: opt_str_list(o, "destination")?.unwrap_or_default() })
}

fn read_rules(o: &Obj) -> ApiResult<Option<Vec<PolicyRule>>> {
    match o.get("policy_rules") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a.iter().map(read_rule).collect::<ApiResult<Vec<_>>>().map(Some),
        Some(_) => Err(invalid("policy_rules must be an array")),
    }
}

fn read_name(o: &Obj) -> ApiResult<Option<String>> {
    let name = opt_text(o, "name")?;
    if let Some(n) = &name {
        check_name(n)?;
    }
    Ok(name)
}

/// One creation item. `enterprise_project_id` (sent by
/// gophertelekomcloud) is accepted and ignored: a connection inherits
/// its gateway's.
fn read_spec(o: &Obj) -> ApiResult<ConnSpec> {
    opt_str(o, "enterprise_project_id")?;
    Ok(ConnSpec {
        name: read_name(o)?.unwrap_or_else(|| default_name("vpn")),
        vgw_id: mandatory(o, "vgw_id")?,
        vgw_ip: mandatory(o, "vgw_ip")?,
        style: opt_text(o, "style")?,
        cgw_id: mandatory(o, "cgw_id")?,
        peer_subnets: opt_str_list(o, "peer_subnets")?,
        tunnel_local_address: opt_text(o, "tunnel_local_address")?,
        tunnel_peer_address: opt_text(o, "tunnel_peer_address")?,
        enable_nqa: opt_bool(o, "enable_nqa")?,
        enable_hub: opt_bool(o, "enable_hub")?,
        psk: opt_str(o, "psk")?,
        policy_rules: read_rules(o)?,
        ikepolicy: read_ike(o)?,
        ipsecpolicy: read_ipsec(o)?,
        ha_role: opt_text(o, "ha_role")?,
        tags: body_tags(o)?,
    })
}

/// The updatable members; others (style, vgw_id, ha_role, tags ...) are
/// not in the update table and are ignored.
fn read_change(o: &Obj) -> ApiResult<ConnChange> {
    Ok(ConnChange {
        name: read_name(o)?,
        cgw_id: opt_text(o, "cgw_id")?,
        peer_subnets: opt_str_list(o, "peer_subnets")?,
        tunnel_local_address: opt_text(o, "tunnel_local_address")?,
        tunnel_peer_address: opt_text(o, "tunnel_peer_address")?,
        enable_hub: opt_bool(o, "enable_hub")?,
        psk: opt_str(o, "psk")?,
        policy_rules: read_rules(o)?,
        ikepolicy: read_ike(o)?,
        ipsecpolicy: read_ipsec(o)?,
    })
}

fn ike_json(v: &ConnectionView) -> Value {
    let p = &v.conn.ikepolicy;
    let mut o = json!({
        "ike_version": p.ike_version,
        "authentication_algorithm": p.authentication_algorithm,
        "encryption_algorithm": p.encryption_algorithm,
        "dh_group": p.dh_group,
        "authentication_method": p.authentication_method,
        "lifetime_seconds": p.lifetime_seconds,
        "local_id_type": p.local_id_type,
        "local_id": v.local_id,
        "peer_id_type": p.peer_id_type,
        "peer_id": v.peer_id,
        "dpd": {"timeout": p.dpd.timeout, "interval": p.dpd.interval, "msg": p.dpd.msg},
    });
    // The negotiation mode is an IKEv1 notion.
    if p.ike_version == "v1" {
        o["phase1_negotiation_mode"] = json!(p.phase1_negotiation_mode);
    }
    o
}

fn ipsec_json(c: &Connection) -> Value {
    let p = &c.ipsecpolicy;
    json!({
        "authentication_algorithm": p.authentication_algorithm,
        "encryption_algorithm": p.encryption_algorithm,
        "pfs": p.pfs,
        "transform_protocol": p.transform_protocol,
        "lifetime_seconds": p.lifetime_seconds,
        "encapsulation_mode": p.encapsulation_mode,
    })
}

fn rules_json(c: &Connection) -> Value {
    let rules = c.policy_rules.iter().enumerate();
    Value::Array(rules.map(|(i, r)| json!({"rule_index": i + 1, "source": r.source, "destination": r.destination})).collect())
}

/// Members that only some styles have.
fn style_members(o: &mut Value, c: &Connection, variant: Variant) {
    match c.style.as_str() {
        "STATIC" => o["enable_nqa"] = json!(c.enable_nqa),
        "BGP" => o["enable_hub"] = json!(c.enable_hub),
        _ => {}
    }
    if c.style == "POLICY" {
        o["policy_rules"] = rules_json(c);
    } else if variant == Variant::Batch {
        o["policy_rules"] = json!([]);
    }
    if !c.peer_subnets.is_empty() {
        o["peer_subnets"] = json!(c.peer_subnets);
    }
}

/// The deprecated members of single create and GET.
fn deprecated_members(o: &mut Value, c: &Connection) {
    o["eip_id"] = json!(c.vgw_ip);
    o["type"] = json!(if c.style == "POLICY" { "POLICY" } else { "ROUTE" });
    if c.style != "POLICY" {
        o["route_mode"] = json!(c.style);
    }
}

fn connection_json(v: &ConnectionView, variant: Variant) -> Value {
    let c = &v.conn;
    let mut o = json!({
        "id": c.id,
        "name": c.name,
        "vgw_id": c.vgw_id,
        "vgw_ip": c.vgw_ip,
        "style": c.style,
        "cgw_id": c.cgw_id,
        "tunnel_local_address": c.tunnel_local_address,
        "tunnel_peer_address": c.tunnel_peer_address,
        "ikepolicy": ike_json(v),
        "ipsecpolicy": ipsec_json(c),
        "created_at": ts(c.created_at),
        "updated_at": ts(c.updated_at),
        "enterprise_project_id": c.enterprise_project_id,
        "ha_role": c.ha_role,
        "tags": tags_json(&c.tags),
    });
    style_members(&mut o, c, variant);
    if variant == Variant::Show {
        o["status"] = json!(c.status);
        if let Some(m) = &v.monitor_id {
            o["connection_monitor_id"] = json!(m);
        }
    }
    if matches!(variant, Variant::Create | Variant::Show) {
        deprecated_members(&mut o, c);
    }
    o
}

/// Whether a connection passes the list's filters (`enterprise_project_id`
/// may repeat; any of its values matches).
fn listed(input: &Input<'_>, c: &Connection) -> bool {
    let eps = input.query.all("enterprise_project_id");
    input.query.get("vgw_id").is_none_or(|v| v == c.vgw_id)
        && input.query.get("vgw_ip").is_none_or(|v| v == c.vgw_ip)
        && (eps.is_empty() || eps.contains(&c.enterprise_project_id.as_str()))
}

/// The batch body: 1 or 2 items for one gateway.
fn read_batch(input: &Input<'_>) -> ApiResult<Vec<ConnSpec>> {
    let items = match wire::object(input)?.remove("vpn_connections") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid("vpn_connections must be an array")),
        None => return Err(invalid("vpn_connections is mandatory")),
    };
    if !(1..=2).contains(&items.len()) {
        return Err(invalid("vpn_connections must have 1 or 2 items"));
    }
    let specs = items
        .iter()
        .map(|v| v.as_object().ok_or_else(|| invalid("vpn_connections must be an array of objects")).and_then(read_spec))
        .collect::<ApiResult<Vec<_>>>()?;
    if specs.iter().any(|s| s.vgw_id != specs[0].vgw_id) {
        return Err(invalid("the vgw_id of both VPN connections must be the same"));
    }
    Ok(specs)
}

impl Vpn {
    pub fn create_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let spec = read_spec(&wrapped(input, "vpn_connection")?)?;
        let view = self.call(input, |v| {
            let c = v.create_connections(vec![spec])?.remove(0);
            v.connection_view(c)
        })?;
        reply_one(input, 201, "vpn_connection", connection_json(&view, Variant::Create))
    }

    /// Both or none: a refusal of either item creates nothing.
    pub fn batch_create_connections(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let specs = read_batch(input)?;
        let views = self.call(input, |v| {
            let created = v.create_connections(specs)?;
            v.connection_views(created)
        })?;
        reply_one(input, 201, "vpn_connections", views.iter().map(|v| connection_json(v, Variant::Batch)).collect())
    }

    pub fn list_connections(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let paging = wire::paging(input, MAX_LIMIT)?;
        let (views, total, page_info) = self.call(input, |v| {
            let matching: Vec<Connection> = v.connections()?.into_iter().filter(|c| listed(input, c)).collect();
            let total = matching.len();
            let (items, page_info) = wire::page(matching, |c| c.created_at, &paging);
            Ok((v.connection_views(items)?, total, page_info))
        })?;
        let mut body = Obj::new();
        body.insert("vpn_connections".into(), views.iter().map(|v| connection_json(v, Variant::Show)).collect());
        body.insert("page_info".into(), page_info);
        body.insert("total_count".into(), json!(total));
        reply(input, 200, body)
    }

    pub fn show_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpn_connection_id");
        let view = self.call(input, |v| {
            let c = v.connection(id)?;
            v.connection_view(c)
        })?;
        reply_one(input, 200, "vpn_connection", connection_json(&view, Variant::Show))
    }

    pub fn update_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let change = read_change(&wrapped(input, "vpn_connection")?)?;
        let id = input.param("vpn_connection_id");
        let view = self.call(input, |v| {
            let c = v.update_connection(id, change)?;
            v.connection_view(c)
        })?;
        reply_one(input, 200, "vpn_connection", connection_json(&view, Variant::Update))
    }

    pub fn delete_connection(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpn_connection_id");
        self.call(input, |v| v.delete_connection(id))?;
        Ok(Reply::empty(204))
    }

    pub fn connection_logs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("vpn_connection_id");
        let lines = self.call(input, |v| v.connection_log(id))?;
        let logs: Vec<Value> = lines.into_iter().map(|(time, raw)| json!({"time": time, "raw_message": raw})).collect();
        reply_one(input, 200, "logs", Value::Array(logs))
    }
}
