//! Nova's view of a server's NICs (`/servers/{server_id}/os-interface`):
//! the ports the server uses, listed and shown. The Terraform provider's
//! `compute_instance_v2` lists them on every refresh to match its
//! `network` blocks to ports.

use crate::api::nova::{json_reply, microversion};
use crate::errors::nova;
use crate::model::Fault;
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use otc_vpc::model::Port;
use serde_json::{json, Value};

fn attachment_json(p: &Port) -> Value {
    json!({
        "port_state": p.status(),
        "fixed_ips": p.fixed_ips.iter().map(|f| json!({"subnet_id": f.subnet_id, "ip_address": f.ip_address})).collect::<Vec<_>>(),
        "net_id": p.network_id,
        "port_id": p.id,
        "mac_addr": p.mac_address,
    })
}

impl Compute {
    pub fn server_interfaces(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let ports = self.call(input, |m| {
            let s = m.server(&id)?;
            m.ports_of(&s)
        })?;
        json_reply(200, &json!({"interfaceAttachments": ports.iter().map(attachment_json).collect::<Vec<_>>()}), mv)
    }

    pub fn server_interface(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let port_id = input.param("port_id").to_string();
        let ports = self.call(input, |m| {
            let s = m.server(&id)?;
            m.ports_of(&s)
        })?;
        let port =
            ports.iter().find(|p| p.id == port_id).ok_or_else(|| nova(Fault::NotFound(format!("Port {port_id} could not be found."))))?;
        json_reply(200, &json!({"interfaceAttachment": attachment_json(port)}), mv)
    }
}
