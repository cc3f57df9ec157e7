//! Smaller Nova APIs on a server and the project: `os-networks` (the
//! project's networks by label), a server's addresses by network
//! (`servers/{id}/ips[/{network}]`), its instance actions
//! (`os-instance-actions`, paged from 2.58) and a VNC console address
//! (`remote-consoles`, from 2.6).

use super::nova::{json_reply, microversion};
use crate::errors::{bad, nova as fault};
use crate::model::actions::InstanceAction;
use crate::model::{Compute as Model, Fault, ModelResult, Why};
use crate::Compute;
use otc_core::api::{Access::Project, Family, Handler, Input, Op, Reply};
use otc_core::time::{iso_micros, Timestamp};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::sync::Arc;

type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;

fn bind(svc: &Arc<Compute>, f: NovaFn, v2: bool) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, v2))
}

pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    let both: [(&'static str, &'static str, &'static str, NovaFn); 5] = [
        ("GET", "/v2/{project_id}/os-networks", "/v2.1/{project_id}/os-networks", Compute::nova_networks),
        ("GET", "/v2/{project_id}/servers/{server_id}/ips", "/v2.1/{project_id}/servers/{server_id}/ips", Compute::server_ips),
        (
            "GET",
            "/v2/{project_id}/servers/{server_id}/ips/{network_name}",
            "/v2.1/{project_id}/servers/{server_id}/ips/{network_name}",
            Compute::server_ips_of,
        ),
        (
            "GET",
            "/v2/{project_id}/servers/{server_id}/os-instance-actions",
            "/v2.1/{project_id}/servers/{server_id}/os-instance-actions",
            Compute::instance_actions,
        ),
        (
            "GET",
            "/v2/{project_id}/servers/{server_id}/os-instance-actions/{request_id}",
            "/v2.1/{project_id}/servers/{server_id}/os-instance-actions/{request_id}",
            Compute::instance_action,
        ),
    ];
    let mut ops = Vec::new();
    for (method, v2, v21, f) in both {
        ops.push(Op::new(method, v2, Project, Family::Nova, bind(s, f, true)));
        ops.push(Op::new(method, v21, Project, Family::Nova, bind(s, f, false)));
    }
    // Documented under v2.1 only: it needs microversion 2.6.
    ops.push(Op::new(
        "POST",
        "/v2.1/{project_id}/servers/{server_id}/remote-consoles",
        Project,
        Family::Nova,
        bind(s, Compute::remote_console, false),
    ));
    ops
}

fn nova_time(t: Timestamp) -> String {
    iso_micros(t).trim_end_matches('Z').to_string()
}

fn not_found() -> ApiError {
    ApiError::new(404, "itemNotFound", "The resource could not be found.").with_kind("itemNotFound")
}

/// A server's addresses keyed by network label (the network's name), as
/// the server's `addresses` shows them: fixed, then floating.
fn addresses(m: &mut Model<'_, '_>, server_id: &str) -> ModelResult<Map<String, Value>> {
    let s = m.server(server_id)?;
    let eips = m.net.eips()?;
    let mut out = Map::new();
    for p in m.ports_of(&s)? {
        let label = m.net.network(&p.network_id).map(|n| n.name).unwrap_or_else(|_| p.network_id.clone());
        let entry = out.entry(label).or_insert_with(|| json!([]));
        let list = entry.as_array_mut().expect("array");
        for f in &p.fixed_ips {
            list.push(json!({"version": 4, "addr": f.ip_address}));
        }
        for e in eips.iter().filter(|e| e.port_id.as_deref() == Some(p.id.as_str())) {
            list.push(json!({"version": 4, "addr": e.public_ip_address}));
        }
    }
    Ok(out)
}

impl Compute {
    pub fn nova_networks(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let nets = self.call(input, |m| Ok(m.net.networks()?))?;
        let items: Vec<Value> = nets
            .iter()
            .map(|n| {
                json!({"id": n.id, "label": n.name, "cidr": null, "cidr_v6": null, "gateway": null, "gateway_v6": null,
                    "broadcast": null, "netmask": null, "netmask_v6": null, "dns1": null, "dns2": null})
            })
            .collect();
        json_reply(200, &json!({ "networks": items }), mv)
    }

    pub fn server_ips(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let a = self.call(input, |m| addresses(m, &id))?;
        json_reply(200, &json!({ "addresses": a }), mv)
    }

    pub fn server_ips_of(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let (id, label) = (input.param("server_id").to_string(), input.param("network_name").to_string());
        let mut a = self.call(input, |m| addresses(m, &id))?;
        let list = a.remove(&label).ok_or_else(|| fault(Fault::NotFound("Instance is not a member of specified network".into())))?;
        let mut body = Map::new();
        body.insert(label, list);
        json_reply(200, &Value::Object(body), mv)
    }

    fn action_json(&self, a: &InstanceAction, mv: (u32, u32), now: Timestamp, events: bool) -> Value {
        let mut v = json!({"action": a.action, "instance_uuid": a.server_id, "request_id": a.request_id, "user_id": a.user_id,
            "project_id": a.project_id, "start_time": nova_time(a.start_time), "message": null});
        let done = now >= a.finish_time();
        if mv >= (2, 58) {
            v["updated_at"] = json!(nova_time(if done { a.finish_time() } else { a.start_time }));
        }
        if events {
            let list: Vec<Value> = a
                .event
                .iter()
                .map(|e| {
                    let mut ev = json!({"event": e, "start_time": nova_time(a.start_time),
                        "finish_time": if done { json!(nova_time(a.finish_time())) } else { Value::Null },
                        "result": if done { json!("Success") } else { Value::Null }});
                    // Tracebacks are for administrators from 2.51 on.
                    if mv < (2, 51) {
                        ev["traceback"] = Value::Null;
                    }
                    ev
                })
                .collect();
            v["events"] = json!(list);
        }
        v
    }

    /// The actions of a server; a deleted server's from 2.21 on (before,
    /// the server must exist). Paged by `limit` and `marker` (a request id)
    /// from 2.58.
    fn actions_of(&self, input: &Input<'_>, mv: (u32, u32)) -> ApiResult<(Vec<InstanceAction>, Timestamp)> {
        let id = input.param("server_id").to_string();
        self.call(input, |m| {
            let exists = m.server(&id).is_ok();
            let actions = m.instance_actions(&id)?;
            if !exists && (mv < (2, 21) || actions.is_empty()) {
                return Err(Fault::NotFound(format!("Instance {id} could not be found.")));
            }
            Ok((actions, m.net.now))
        })
    }

    pub fn instance_actions(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let (mut actions, now) = self.actions_of(input, mv)?;
        if mv >= (2, 58) {
            if let Some(marker) = input.query.get("marker") {
                let at = actions
                    .iter()
                    .position(|a| a.request_id == marker)
                    .ok_or_else(|| bad(format!("Marker {marker} could not be found.")))?;
                actions.drain(..=at);
            }
            if let Some(l) = input.query.get("limit") {
                let l = l.parse::<usize>().map_err(|_| bad(format!("Invalid input for query parameters limit. Value: {l}.")))?;
                actions.truncate(l);
            }
        }
        let items: Vec<Value> = actions.iter().map(|a| self.action_json(a, mv, now, false)).collect();
        json_reply(200, &json!({ "instanceActions": items }), mv)
    }

    pub fn instance_action(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let request_id = input.param("request_id").to_string();
        let (actions, now) = self.actions_of(input, mv)?;
        let a = actions.iter().find(|a| a.request_id == request_id).ok_or_else(|| {
            fault(Fault::NotFound(format!("Action for request_id {request_id} on instance {} not found", input.param("server_id"))))
        })?;
        json_reply(200, &json!({"instanceAction": self.action_json(a, mv, now, true)}), mv)
    }

    /// A noVNC address for a running server, valid ten minutes (the
    /// reference), on the zone's console proxy.
    pub fn remote_console(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, false)?;
        if mv < (2, 6) {
            return Err(not_found());
        }
        let v: Value = input.json()?;
        let o = v
            .get("remote_console")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("Invalid input for field/attribute remote_console. 'remote_console' is a required property".into()))?;
        let field = |k: &str| match o.get(k) {
            Some(Value::String(s)) => Ok(s.clone()),
            None => Err(bad(format!("Invalid input for field/attribute remote_console. '{k}' is a required property"))),
            Some(v) => Err(bad(format!("Invalid input for field/attribute {k}. Value: {v}. {v} is not of type 'string'"))),
        };
        let (protocol, kind) = (field("protocol")?, field("type")?);
        if protocol != "vnc" {
            return Err(bad(format!("Invalid input for field/attribute protocol. Value: {protocol}. '{protocol}' is not one of ['vnc']")));
        }
        if kind != "novnc" {
            return Err(bad(format!("Invalid input for field/attribute type. Value: {kind}. '{kind}' is not one of ['novnc']")));
        }
        let id = input.param("server_id").to_string();
        let zone = self.call(input, |m| {
            let s = m.server(&id)?;
            // Running and not on its way down (a stopping server shows ACTIVE).
            if s.stage != "ACTIVE" {
                return Err(Fault::Conflict(Why::State, format!("Instance {id} is not ready: the console needs a running server.")));
            }
            Ok(s.availability_zone)
        })?;
        let url = format!("{}/vnc/{zone}/vnc.auto.html?token={}&lang=EN", input.base_url, otc_core::ids::uuid());
        json_reply(200, &json!({"remote_console": {"protocol": protocol, "type": kind, "url": url}}), mv)
    }
}
