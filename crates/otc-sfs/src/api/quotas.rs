//! `GET /v2/{project_id}/os-quota-sets/{project_id}` (to 2.6) and
//! `/quota-sets/{project_id}` (2.7 on, Manila's rename): the project's
//! limits, with `?usage=true` each as `{limit, in_use, reserved}`, and
//! `/quota-sets/{project_id}/detail` (2.25 on, Manila's `detail`) always
//! so. Another project's quotas are refused (Manila's
//! `authorize_project_context`).

use super::version::{self, Mv};
use crate::errors::{forbidden, no_such_resource};
use crate::Sfs;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Map, Value};

impl Sfs {
    fn quotas(&self, input: &Input<'_>, mv: Mv, detail: bool) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let tenant = input.param("tenant_id");
        if ctx.project() != Some(tenant) {
            return Err(forbidden("Access was denied to this resource."));
        }
        let usage = self.call(input, |m| m.usage())?;
        let q = self.cfg.quotas;
        let detailed = detail || input.query.get("usage").is_some_and(|u| u.eq_ignore_ascii_case("true") || u == "1");
        let mut rows: Vec<(&str, i64, i64, i64)> = vec![
            ("shares", q.shares, usage.shares, 0),
            ("gigabytes", q.gigabytes, usage.gigabytes, usage.reserved_gigabytes),
            ("snapshots", q.snapshots, 0, 0),
            ("snapshot_gigabytes", q.snapshot_gigabytes, 0, 0),
            ("share_networks", q.share_networks, 0, 0),
        ];
        if mv.at_least(40) {
            rows.push(("share_groups", 50, 0, 0));
            rows.push(("share_group_snapshots", 50, 0, 0));
        }
        let mut set: Map<String, Value> = rows
            .into_iter()
            .map(|(k, limit, in_use, reserved)| {
                let v = if detailed { json!({"limit": limit, "in_use": in_use, "reserved": reserved}) } else { json!(limit) };
                (k.to_string(), v)
            })
            .collect();
        set.insert("id".into(), json!(tenant));
        super::reply(200, &json!({"quota_set": set}), mv)
    }

    pub fn legacy_quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        if mv.at_least(7) {
            return Err(no_such_resource());
        }
        self.quotas(input, mv, false)
    }

    pub fn show_quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        if !mv.at_least(7) {
            return Err(no_such_resource());
        }
        self.quotas(input, mv, false)
    }

    pub fn show_quota_detail(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        if !mv.at_least(25) {
            return Err(no_such_resource());
        }
        self.quotas(input, mv, true)
    }
}
