//! Neutron's `quotas/{project_id}` (and `/default`): the network model's
//! quotas in Neutron's names (a Neutron network is a VPC subnet, a router
//! a VPC, a floating IP an EIP). Not in the VPC reference, but every
//! `openstack quota show` asks for it and fails the whole command when it
//! is missing; what the project has no quota for is -1 (unlimited).

use crate::errors::neutron as fault;
use crate::model::quotas::QuotaLine;
use crate::Vpc;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};

/// Neutron's resource names and the quota report's.
const NAMES: [(&str, Option<&str>); 7] = [
    ("network", Some("subnet")),
    ("subnet", Some("subnet")),
    ("router", Some("vpc")),
    ("floatingip", Some("publicIp")),
    ("security_group", Some("securityGroup")),
    ("security_group_rule", Some("securityGroupRule")),
    ("port", None),
];

impl Vpc {
    fn neutron_quota_lines(&self, input: &Input<'_>) -> ApiResult<Vec<QuotaLine>> {
        if Some(input.param("project_id")) != input.ctx()?.project() {
            return Err(
                ApiError::new(403, "HTTPForbidden", "Non-admin user cannot request other projects' quotas.").with_kind("HTTPForbidden")
            );
        }
        self.call(input, fault, |net| net.quota_report())
    }

    fn neutron_quota_body(lines: &[QuotaLine], detail: bool) -> Value {
        let mut q = Map::new();
        for (name, kind) in NAMES {
            let line = kind.and_then(|k| lines.iter().find(|l| l.kind == k));
            let (limit, used) = line.map(|l| (l.quota, l.used)).unwrap_or((-1, 0));
            q.insert(name.into(), if detail { json!({"limit": limit, "used": used, "reserved": 0}) } else { json!(limit) });
        }
        json!({ "quota": q })
    }

    pub fn neutron_quota(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let lines = self.neutron_quota_lines(input)?;
        Reply::json(200, &Self::neutron_quota_body(&lines, false))
    }

    /// The same figures: a project's quotas are the configured ones.
    pub fn neutron_quota_default(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let lines = self.neutron_quota_lines(input)?;
        Reply::json(200, &Self::neutron_quota_body(&lines, false))
    }

    /// Limits with what is used (`openstack quota show --usage`).
    pub fn neutron_quota_details(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let lines = self.neutron_quota_lines(input)?;
        Reply::json(200, &Self::neutron_quota_body(&lines, true))
    }
}
