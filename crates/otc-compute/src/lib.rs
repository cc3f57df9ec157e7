//! The compute subset Auto Scaling and MRS stand on: flavors, public
//! images, key pairs, availability zones and servers, served as Nova
//! v2/v2.1 (`compute`) and the image listing clients use (Glance v2,
//! `image`). Servers are real participants of the network model: their
//! NICs are ports of [`otc_vpc`], claimed in the same transaction.

pub mod api;
pub mod catalog;
pub mod errors;
pub mod model;
mod ops;

use catalog::{Flavor, Image};
use model::{Compute as Model, ModelResult};
use otc_core::Ctx;
use otc_vpc::Vpc;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComputeQuotas {
    pub instances: u64,
    pub cores: u64,
    /// MiB.
    pub ram: u64,
    pub key_pairs: usize,
    /// Server groups per project and servers per group (the reference's
    /// defaults: 10 and 10).
    pub server_groups: u64,
    pub server_group_members: u64,
}

impl Default for ComputeQuotas {
    fn default() -> Self {
        ComputeQuotas { instances: 100, cores: 200, ram: 512 * 1024, key_pairs: 100, server_groups: 10, server_group_members: 10 }
    }
}

/// Compute settings: the catalogues, how long transitions take, quotas.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComputeConfig {
    pub flavors: Vec<Flavor>,
    pub images: Vec<Image>,
    /// Seconds in BUILD before ACTIVE.
    pub build_seconds: i64,
    /// Seconds a stop, start or reboot takes.
    pub action_seconds: i64,
    /// The least time an ECS v1 job takes (half INIT, half RUNNING); a job
    /// also lasts as long as the work it waits for (`build_seconds`,
    /// `action_seconds`), so a finished job means a settled server.
    pub job_seconds: i64,
    pub quotas: ComputeQuotas,
    /// EVS's settings (`[evs]`), copied here by the wiring: servers' disks
    /// are EVS volumes, made in compute's transaction, and must settle
    /// and count as EVS's own do.
    #[serde(skip)]
    pub volumes: otc_evs::EvsConfig,
    /// Hosts of each availability zone an anti-affinity group spreads its
    /// members over (see [`model::server_groups`]).
    pub hosts_per_zone: u32,
}

impl Default for ComputeConfig {
    fn default() -> Self {
        ComputeConfig {
            flavors: catalog::default_flavors(),
            images: catalog::default_images(),
            build_seconds: 0,
            action_seconds: 0,
            job_seconds: 0,
            quotas: ComputeQuotas::default(),
            volumes: otc_evs::EvsConfig::default(),
            hosts_per_zone: 5,
        }
    }
}

impl ComputeConfig {
    pub fn flavor(&self, id: &str) -> Option<&Flavor> {
        self.flavors.iter().find(|f| f.name == id)
    }

    /// An image by id (or, for convenience, by name).
    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id() == id).or_else(|| self.images.iter().find(|i| i.name == id))
    }

    /// The availability zones of a region: `<region>-01` to `-03`.
    pub fn zones(&self, region: &str) -> Vec<String> {
        (1..=3).map(|i| format!("{region}-{i:02}")).collect()
    }
}

/// The compute service (`ecs`): Nova v2/v2.1.
pub struct Compute {
    vpc: Arc<Vpc>,
    cfg: ComputeConfig,
}

/// The image service (`ims`): the Glance v2 listing.
pub struct Images {
    cfg: ComputeConfig,
}

impl Compute {
    pub fn new(vpc: Arc<Vpc>, cfg: ComputeConfig) -> Self {
        Compute { vpc, cfg }
    }

    /// Runs `f` on the caller's compute and network state in one transaction.
    pub fn run<R>(&self, ctx: &Ctx, f: impl FnOnce(&mut Model<'_, '_>) -> ModelResult<R>) -> ModelResult<R> {
        self.run_as(ctx, f)
    }

    /// [`Compute::run`] for services built on compute (Auto Scaling) that
    /// speak their own errors: one transaction for all three models.
    pub fn run_as<R, E>(&self, ctx: &Ctx, f: impl FnOnce(&mut Model<'_, '_>) -> Result<R, E>) -> Result<R, E>
    where
        E: From<otc_store::StoreError> + From<otc_vpc::model::Fault>,
    {
        self.vpc.run_as(ctx, |net| f(&mut Model { net, user_id: &ctx.user_id, cfg: &self.cfg, request_id: &ctx.request_id }))
    }

    pub fn config(&self) -> &ComputeConfig {
        &self.cfg
    }
}

impl Images {
    pub fn new(cfg: ComputeConfig) -> Self {
        Images { cfg }
    }
}
