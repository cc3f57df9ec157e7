//! Auto Scaling (`as` in the catalog): configurations, groups, their
//! instances, quotas and scaling activity logs, with an engine that keeps
//! an in-service group at its desired size using real servers of the
//! compute model on real ports of the network model.
//!
//! Served so far: API versions, configurations, groups (with resume and
//! pause), instances (list, remove, batch add/remove/protect/unprotect),
//! quotas, v1 activity logs and v1 policies (scheduled, recurring, alarm;
//! executed on the clock) with their execution logs. Lifecycle hooks, tags
//! and the v2 APIs answer 404 APIGW.0101 until they are built.

pub mod api;
pub mod api_hooks;
pub mod api_policies;
pub mod errors;
pub mod hooks;
pub mod model;
mod ops;
pub mod policies;

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
    cfg: AsConfig,
}

impl AutoScaling {
    pub fn new(compute: Arc<Compute>, cfg: AsConfig) -> Self {
        AutoScaling { compute, cfg }
    }

    /// Runs `f` for the caller in one transaction over the AS, compute and
    /// network models.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Scaling<'_, '_, '_>) -> AsResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.compute.run_as(ctx, |m| f(&mut Scaling { m })).map_err(|Refusal(e)| e)
    }
}
