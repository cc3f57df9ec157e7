//! Nova `os-quota-sets/{project_id}` and `/defaults` (v2 and v2.1): the
//! compute model's configured quotas, with the network model's security
//! group and EIP figures where Nova names them. A project's quotas are the
//! caller's own: another project is forbidden, as Nova's policy says.

use super::nova::{json_reply, microversion};
use crate::model::servers::METADATA_ITEMS;
use crate::Compute;
use otc_core::api::{Access::Project, Family, Handler, Input, Op, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};
use std::sync::Arc;

type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;

fn bind(svc: &Arc<Compute>, f: NovaFn, v2: bool) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, v2))
}

pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    let routes: [(&'static str, &'static str, NovaFn); 2] = [
        ("/v2/{project_id}/os-quota-sets/{tenant_id}", "/v2.1/{project_id}/os-quota-sets/{tenant_id}", Compute::quota_set),
        (
            "/v2/{project_id}/os-quota-sets/{tenant_id}/defaults",
            "/v2.1/{project_id}/os-quota-sets/{tenant_id}/defaults",
            Compute::quota_defaults,
        ),
    ];
    let mut ops = Vec::new();
    for (v2, v21, f) in routes {
        ops.push(Op::new("GET", v2, Project, Family::Nova, bind(s, f, true)));
        ops.push(Op::new("GET", v21, Project, Family::Nova, bind(s, f, false)));
    }
    ops
}

impl Compute {
    fn quota_target(&self, input: &Input<'_>) -> ApiResult<String> {
        let target = input.param("tenant_id");
        if Some(target) != input.ctx()?.project() {
            return Err(ApiError::new(403, "forbidden", "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.")
                .with_kind("forbidden"));
        }
        Ok(target.to_string())
    }

    /// The quota set Nova shows: compute quotas from the configuration,
    /// network ones (security groups, rules, floating IPs) from the network
    /// model's, what OTC does not limit as -1.
    fn quota_json(&self, input: &Input<'_>, id: &str) -> ApiResult<Value> {
        let q = &self.cfg.quotas;
        let net = self.call(input, |m| Ok(m.net.cfg.quotas.clone()))?;
        Ok(json!({
            "id": id, "instances": q.instances, "cores": q.cores, "ram": q.ram, "key_pairs": q.key_pairs,
            "server_groups": q.server_groups, "server_group_members": q.server_group_members,
            "metadata_items": METADATA_ITEMS, "injected_files": 5, "injected_file_content_bytes": 10240,
            "injected_file_path_bytes": 255, "floating_ips": net.public_ip, "fixed_ips": -1,
            "security_groups": net.security_group, "security_group_rules": net.security_group_rule,
        }))
    }

    pub fn quota_set(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = self.quota_target(input)?;
        json_reply(200, &json!({"quota_set": self.quota_json(input, &id)?}), mv)
    }

    /// The defaults are the configured quotas: nothing changes them per
    /// project (OTC has no quota update API for tenants).
    pub fn quota_defaults(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = self.quota_target(input)?;
        json_reply(200, &json!({"quota_set": self.quota_json(input, &id)?}), mv)
    }
}
