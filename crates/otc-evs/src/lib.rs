//! Elastic Volume Service: volumes (disks), snapshots, volume types,
//! availability zones, quotas, tags and jobs of a project, served as
//! OpenStack Cinder v2 and v3 (`volumev2`, `volumev3`) and as the EVS
//! native API (`/v2/{project_id}/cloudvolumes`, `os-vendor-volumes`,
//! `cloudsnapshots`, `/v1/{project_id}/jobs/{job_id}`).
//!
//! One model ([`model::Disks`]) works inside any store transaction, so the
//! compute service can create a server's system volume and attach or
//! detach volumes in its own transaction (see `model/attachments.rs`).

pub mod api;
pub mod errors;
pub mod model;
mod ops;

use model::Disks;
use otc_core::api::Handler;
use otc_core::{Clock, Ctx};
use otc_store::{Store, StoreError};
use serde::Deserialize;
use std::sync::Arc;

pub use model::images::{ImageInfo, ImageLookup};

/// The project quotas (`os-quota-sets`); `-1` is unlimited. Volume count
/// and gigabytes (volumes and snapshots together, as Cinder counts them)
/// and the snapshot count are enforced.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvsQuotas {
    pub volumes: i64,
    pub gigabytes: i64,
    pub snapshots: i64,
    /// The largest single volume, GB.
    pub per_volume_gigabytes: i64,
    /// Shown only: backups are not part of EVS.
    pub backups: i64,
    pub backup_gigabytes: i64,
}

impl Default for EvsQuotas {
    fn default() -> Self {
        EvsQuotas { volumes: 200, gigabytes: 40960, snapshots: 200, per_volume_gigabytes: -1, backups: 100, backup_gigabytes: 5120 }
    }
}

/// EVS settings (`[evs]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvsConfig {
    /// How long a transient status lasts on the emulator's clock
    /// (creating, downloading, extending, attaching, detaching, deleting
    /// of volumes; creating and deleting of snapshots; a job's run).
    pub settle_seconds: i64,
    pub quotas: EvsQuotas,
}

/// The EVS service (`evs`): Cinder v2/v3 and the native API.
pub struct Evs {
    store: Store,
    clock: Clock,
    cfg: EvsConfig,
    images: ImageLookup,
}

impl Evs {
    /// `images` resolves an `imageRef` (the image service's catalogue).
    pub fn new(store: Store, clock: Clock, cfg: EvsConfig, images: ImageLookup) -> Self {
        Evs { store, clock, cfg, images }
    }

    /// Runs `f` on the caller's volumes in one transaction.
    pub fn run<R, E: From<StoreError>>(&self, ctx: &Ctx, f: impl FnOnce(&mut Disks<'_>) -> Result<R, E>) -> Result<R, E> {
        let now = self.clock.now();
        let project = ctx.project().unwrap_or_default();
        let region = ctx.region.as_deref().unwrap_or("eu-de");
        self.store.txn(|tx| f(&mut Disks { tx, project, region, user_id: &ctx.user_id, now, cfg: &self.cfg }))
    }

    pub fn config(&self) -> &EvsConfig {
        &self.cfg
    }

    pub(crate) fn image(&self, id: &str) -> Option<ImageInfo> {
        (self.images)(id)
    }
}

/// `GET /v1/{project_id}/jobs/{job_id}`, which ECS documents too: on the
/// bare port one path must answer for both services' jobs. Mounted before
/// compute (under the `evs` name), it answers EVS jobs and hands any other
/// id to `others` (ECS's job view), so a client polling either kind of job
/// on the bare port or under `/evs` is answered.
pub struct EvsJobs {
    evs: Arc<Evs>,
    others: Option<Handler>,
}

impl EvsJobs {
    pub fn new(evs: Arc<Evs>, others: Option<Handler>) -> Self {
        EvsJobs { evs, others }
    }
}
