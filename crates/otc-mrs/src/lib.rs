//! MapReduce Service (`mrs` in the catalog, `/v1.1/{project_id}` on the
//! `mrs` host): clusters whose nodes are real servers of the compute
//! model, with real EVS disks, on ports of the cluster's subnet.
//!
//! Served so far: clusters v1.1 (create without jobs, list with filters
//! and paging, show, resize, delete), their hosts, tags, and v2 jobs (submit,
//! list, show, kill, batch delete). Statuses move
//! on the emulator's clock (`[mrs]` settings). v1.1 jobs, data sources,
//! job binaries and auto-scaling policies are not served yet.

// The cluster view is one large `json!` object.
#![recursion_limit = "256"]

pub mod api;
pub mod errors;
pub mod model;
mod ops;

use model::{Clusters, MrsResult, Refusal};
use otc_compute::Compute;
use otc_core::api::Input;
use otc_core::ApiResult;
use serde::Deserialize;
use std::sync::Arc;

/// MRS settings: how long clusters stay in their transitional statuses,
/// how long a terminated cluster stays readable, and what its nodes run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MrsConfig {
    /// `starting` (through its six stage descriptions) before `running`.
    pub create_seconds: i64,
    /// `terminating` before `terminated`.
    pub delete_seconds: i64,
    /// `scaling-out` or `scaling-in` (through their four stage
    /// descriptions) before `running` again.
    pub resize_seconds: i64,
    /// How long a terminated cluster still answers (as `terminated`):
    /// Terraform's destroy polls for that status and fails on an early
    /// "does not exist".
    pub terminated_retention_seconds: i64,
    /// A v2 job's `ACCEPTED` before `RUNNING`.
    pub job_accept_seconds: i64,
    /// A v2 job's `RUNNING` before `FINISHED` (`SUCCEEDED`).
    pub job_run_seconds: i64,
    /// The cluster versions run-job-flow accepts.
    pub versions: Vec<String>,
    /// The image the nodes boot (default: the first Linux image of the
    /// compute catalogue; MRS's own EulerOS image is not public).
    pub image: Option<String>,
}

impl Default for MrsConfig {
    fn default() -> Self {
        MrsConfig {
            create_seconds: 0,
            delete_seconds: 0,
            resize_seconds: 0,
            job_accept_seconds: 0,
            job_run_seconds: 0,
            terminated_retention_seconds: 3600,
            versions: ["MRS 3.1.2-LTS.6", "MRS 3.2.0-LTS.2", "MRS 3.3.0-LTS.1"].map(String::from).to_vec(),
            image: None,
        }
    }
}

/// The MapReduce Service.
pub struct Mrs {
    compute: Arc<Compute>,
    store: otc_store::Store,
    cfg: MrsConfig,
}

impl Mrs {
    pub fn new(compute: Arc<Compute>, store: otc_store::Store, cfg: MrsConfig) -> Self {
        Mrs { compute, store, cfg }
    }

    /// The emulator's own API: sets a cluster's state as the cloud would
    /// (see [`model::faults`]). The cluster is found by id alone; its
    /// project and region are the caller's.
    pub fn force_state(&self, id: &str, state: &str) -> ApiResult<serde_json::Value> {
        use otc_store::TxExt;
        let found: Option<model::Cluster> = self.store.txn(|tx| tx.get_doc(model::CLUSTER, id)).map_err(otc_core::ApiError::from)?;
        let c = found.ok_or_else(|| errors::no_cluster(id))?;
        let ctx = otc_core::Ctx {
            request_id: String::new(),
            domain_id: String::new(),
            domain_name: String::new(),
            // Nothing a state change does depends on the user or domain.
            user_id: String::new(),
            user_name: String::new(),
            project_id: Some(c.project_id.clone()),
            project_name: None,
            region: Some(c.data_center.clone()),
            roles: Vec::new(),
            token_id: None,
        };
        self.compute.run_as(&ctx, |m| Clusters { m, cfg: &self.cfg }.force_state(id, state)).map_err(|Refusal(e)| e)?;
        Ok(serde_json::json!({"cluster_id": id, "clusterState": state}))
    }

    /// Runs `f` for the caller in one transaction over the clusters and
    /// the compute and network models.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Clusters<'_, '_, '_>) -> MrsResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.compute.run_as(ctx, |m| f(&mut Clusters { m, cfg: &self.cfg })).map_err(|Refusal(e)| e)
    }
}
