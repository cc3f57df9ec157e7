//! Nova's floating IPs (discarded in the reference, still served):
//! `/os-floating-ips` and `/os-floating-ip-pools`. A Nova floating IP IS an
//! EIP of the network model, allocated from the one pool OTC has, the
//! external network `admin_external_net`; VPC v1 and Neutron show it, and
//! the `addFloatingIp`/`removeFloatingIp` actions bind it. Nova retired
//! the proxy at microversion 2.36.

use crate::api::nova::{json_reply, microversion, versioned};
use crate::api::nova_images::{retired, PROXY_MAX};
use crate::errors::bad;
use crate::model::{Compute as Model, Fault, ModelResult};
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use otc_vpc::model::eips::{BandwidthChoice, EipSpec};
use otc_vpc::model::{Eip, Fault as NetFault, Res, EXTERNAL_NETWORK_NAME};
use serde_json::{json, Value};

fn net_fault(f: NetFault) -> Fault {
    match f {
        NetFault::NotFound(Res::Eip, id) => Fault::NotFound(format!("Floating IP not found for ID {id}")),
        NetFault::Quota(_) => Fault::Quota("Maximum number of floating IPs exceeded".into()),
        NetFault::Storage(m) => Fault::Storage(m),
        other => Fault::from(other),
    }
}

impl Compute {
    fn floating_ip_json(m: &mut Model<'_, '_>, e: &Eip) -> ModelResult<Value> {
        // The server is the device of the port the EIP is bound to.
        let instance = match &e.port_id {
            Some(p) => m.net.find::<otc_vpc::model::Port>(otc_vpc::model::PORT, p)?.filter(|p| p.device_owner.starts_with("compute:")),
            None => None,
        };
        Ok(json!({
            "id": e.id, "pool": EXTERNAL_NETWORK_NAME, "ip": e.public_ip_address,
            "fixed_ip": e.private_ip_address, "instance_id": instance.map(|p| p.device_id),
        }))
    }

    pub fn list_floating_ip_pools(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        json_reply(200, &json!({"floating_ip_pools": [{"name": EXTERNAL_NETWORK_NAME}]}), mv)
    }

    pub fn list_floating_ips(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        let list = self.call(input, |m| {
            let eips = m.net.eips().map_err(net_fault)?;
            eips.iter().map(|e| Self::floating_ip_json(m, e)).collect::<ModelResult<Vec<_>>>()
        })?;
        json_reply(200, &json!({ "floating_ips": list }), mv)
    }

    pub fn show_floating_ip(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        let id = input.param("floating_ip_id").to_string();
        let v = self.call(input, |m| {
            let e = m.net.eip(&id).map_err(net_fault)?;
            Self::floating_ip_json(m, &e)
        })?;
        json_reply(200, &json!({ "floating_ip": v }), mv)
    }

    /// Allocates an EIP (`5_bgp`, a dedicated bandwidth as Neutron's
    /// allocation gets) from the pool: `{"pool": name}`.
    pub fn create_floating_ip(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        // `{}` (or a null pool) takes the default pool; the body itself is
        // the documented request, so an empty one is Nova's 400.
        let pool = match input.json::<Value>()? {
            Value::Object(o) => match o.get("pool") {
                None | Some(Value::Null) => None,
                Some(Value::String(p)) => Some(p.clone()),
                Some(v) => return Err(bad(format!("Invalid input for field/attribute pool. Value: {v}. {v} is not of type 'string'"))),
            },
            _ => return Err(bad("Malformed request body".into())),
        };
        let v = self.call(input, |m| {
            if let Some(p) = &pool {
                if p != EXTERNAL_NETWORK_NAME && *p != m.net.external_network_id() {
                    return Err(Fault::NotFound(format!("Floating IP pool not found: {p}")));
                }
            }
            let spec = EipSpec {
                ip_type: "5_bgp".into(),
                bandwidth: BandwidthChoice::Dedicated { name: String::new(), size: 5, charge_mode: "traffic".into() },
                ..Default::default()
            };
            let e = m.net.create_eip(spec).map_err(net_fault)?;
            Self::floating_ip_json(m, &e)
        })?;
        json_reply(200, &json!({ "floating_ip": v }), mv)
    }

    /// Releases the EIP, unbinding it first if bound (Nova's release).
    pub fn delete_floating_ip(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        let id = input.param("floating_ip_id").to_string();
        self.call(input, |m| m.net.delete_eip(&id, true).map_err(net_fault))?;
        Ok(versioned(Reply::empty(202), mv))
    }
}
