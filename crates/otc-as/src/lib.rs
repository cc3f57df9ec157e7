//! Auto Scaling (`as` in the catalog): configurations, groups, their
//! instances, quotas and scaling activity logs, with an engine that keeps
//! an in-service group at its desired size using real servers of the
//! compute model on real ports of the network model.
//!
//! Served so far: API versions, configurations, groups (with resume and
//! pause), instances (list, remove, batch add/remove/protect/unprotect),
//! quotas, v1 activity logs and v1 policies (scheduled, recurring, alarm;
//! executed on the clock) with their execution logs, lifecycle hooks, group
//! tags (`tags`, `api_tags`) and the v2 APIs (`api_v2`: policies over groups
//! and bandwidths, detailed activity logs).

pub mod api;
pub mod api_hooks;
pub mod api_policies;
pub mod api_tags;
pub mod api_v2;
pub mod errors;
pub mod hooks;
pub mod model;
mod ops;
pub mod policies;
pub mod tags;
mod wire;

use model::{AsResult, Refusal, Scaling};
use otc_compute::Compute;
use otc_core::api::Input;
use otc_core::ApiResult;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AsQuotas {
    pub groups: usize,
    pub configurations: usize,
    pub policies_per_group: usize,
    pub instances_per_group: usize,
}

/// The documented default quotas.
impl Default for AsQuotas {
    fn default() -> Self {
        AsQuotas { groups: 25, configurations: 100, policies_per_group: 50, instances_per_group: 200 }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AsConfig {
    pub quotas: AsQuotas,
}

pub struct AutoScaling {
    compute: Arc<Compute>,
    store: otc_store::Store,
    cfg: AsConfig,
}

impl AutoScaling {
    pub fn new(compute: Arc<Compute>, store: otc_store::Store, cfg: AsConfig) -> Self {
        AutoScaling { compute, store, cfg }
    }

    /// Fires an alarm (the monitoring service is not emulated): every
    /// in-service ALARM policy bound to it runs on its in-service group,
    /// unless the policy ran within its cooldown.
    pub fn fire_alarm(&self, alarm_id: &str) -> ApiResult<serde_json::Value> {
        use otc_store::{ListQuery, TxExt};
        let policies: Vec<policies::Policy> = self
            .store
            .txn(|tx| tx.list_docs(&ListQuery { kind: policies::POLICY, scope: None, ..Default::default() }))
            .map_err(otc_core::ApiError::from)?;
        let mut executed = Vec::new();
        let mut skipped = Vec::new();
        for p in policies.into_iter().filter(|p| p.policy_type == "ALARM" && p.alarm_id.as_deref() == Some(alarm_id)) {
            let ctx = otc_core::Ctx {
                request_id: String::new(),
                // Nothing an alarm does depends on the domain.
                domain_id: String::new(),
                domain_name: String::new(),
                user_id: p.user_id.clone(),
                user_name: String::new(),
                project_id: Some(p.project_id.clone()),
                project_name: None,
                region: Some(if p.region.is_empty() { "eu-de".into() } else { p.region.clone() }),
                roles: Vec::new(),
                token_id: None,
            };
            let ran = self
                .compute
                .run_as(&ctx, |m| {
                    let mut s = Scaling { m };
                    let mut p = s.policy(&p.id)?;
                    let now = s.m.net.now;
                    let cooling = p.last_alarm.is_some_and(|t| now - t < chrono::Duration::seconds(p.cool_down_time as i64));
                    // A v2 bandwidth policy scales a bandwidth, not a group.
                    let target_ready = s.is_bandwidth_policy(&p)? || s.group(&p.group_id)?.status == "INSERVICE";
                    if p.status != "INSERVICE" || !target_ready || cooling {
                        return Ok(false);
                    }
                    p.last_alarm = Some(now);
                    s.save_policy(&p, false)?;
                    s.execute_any(&p, "ALARM", now)?;
                    Ok(true)
                })
                .map_err(|model::Refusal(e)| e)?;
            if ran {
                executed.push(p.id);
            } else {
                skipped.push(p.id);
            }
        }
        Ok(serde_json::json!({"alarm_id": alarm_id, "executed": executed, "skipped": skipped}))
    }

    /// Runs `f` for the caller in one transaction over the AS, compute and
    /// network models.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Scaling<'_, '_, '_>) -> AsResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.compute.run_as(ctx, |m| f(&mut Scaling { m })).map_err(|Refusal(e)| e)
    }
}
