//! `/v5/{project_id}/connection-monitors`: create, list, show and delete
//! the ICMP monitor of a VPN connection.

use crate::errors::invalid;
use crate::model::{Connection, Monitor};
use crate::wire::{opt_str, reply_one, wrapped};
use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The answer object; `status` only on GET and list, as the tables say.
/// A monitor is ACTIVE for as long as it exists.
fn monitor_json(m: &Monitor, with_status: bool) -> Value {
    let mut o = json!({
        "id": m.id,
        "vpn_connection_id": m.vpn_connection_id,
        "type": "gateway",
        "source_ip": m.source_ip,
        "destination_ip": m.destination_ip,
        "proto_type": "icmp",
    });
    if with_status {
        o["status"] = json!("ACTIVE");
    }
    o
}

/// The list's filters: `vpn_connection_id`, and `enterprise_project_id`
/// (repeatable) matched against the monitored connection's.
fn listed(input: &Input<'_>, m: &Monitor, eps_of: &HashMap<String, String>) -> bool {
    let eps = input.query.all("enterprise_project_id");
    let ep = eps_of.get(&m.vpn_connection_id).map(String::as_str).unwrap_or("");
    input.query.get("vpn_connection_id").is_none_or(|c| c == m.vpn_connection_id) && (eps.is_empty() || eps.contains(&ep))
}

impl Vpn {
    pub fn create_monitor(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "connection_monitor")?;
        let connection_id = opt_str(&body, "vpn_connection_id")?.filter(|s| !s.is_empty());
        let connection_id = connection_id.ok_or_else(|| invalid("vpn_connection_id is mandatory"))?;
        let m = self.call(input, |v| v.create_monitor(&connection_id))?;
        reply_one(input, 201, "connection_monitor", monitor_json(&m, false))
    }

    pub fn list_monitors(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (monitors, connections) = self.call(input, |v| Ok((v.monitors()?, v.connections()?)))?;
        let eps_of: HashMap<String, String> = connections.into_iter().map(|c: Connection| (c.id, c.enterprise_project_id)).collect();
        let items: Vec<Value> = monitors.iter().filter(|m| listed(input, m, &eps_of)).map(|m| monitor_json(m, true)).collect();
        reply_one(input, 200, "connection_monitors", Value::Array(items))
    }

    pub fn show_monitor(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("connection_monitor_id");
        let m = self.call(input, |v| v.monitor(id))?;
        reply_one(input, 200, "connection_monitor", monitor_json(&m, true))
    }

    pub fn delete_monitor(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("connection_monitor_id");
        self.call(input, |v| v.delete_monitor(id))?;
        Ok(Reply::empty(204))
    }
}
