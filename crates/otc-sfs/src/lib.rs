//! Scalable File Service: capacity-oriented file systems, OTC's Manila v2
//! (`sharev2` in the catalog, `/sfs/v2/{project_id}`): API versions with
//! microversions, shares, export locations, extend and shrink, access
//! rules by VPC, quotas and tags.
//!
//! Built on the network model ([`otc_vpc::model::Net`]) in the same
//! transaction, so an access rule can only name a VPC of the caller.
//! SFS Turbo ([`turbo`], `sfsturbo` in the catalog) shares the crate and
//! the network model. The general-purpose file system (SFS 3.0) is a
//! service of its own in this crate ([`sfs3::Sfs3`]).

pub mod api;
pub mod errors;
pub mod model;
mod ops;
pub mod sfs3;
pub mod turbo;

pub use turbo::SfsTurbo;

use model::{FileSystems, Refusal, SfsResult};
use otc_core::api::Input;
use otc_core::ApiResult;
use otc_vpc::Vpc;
use serde::Deserialize;
use std::sync::Arc;

/// The quotas `os-quota-sets` reports (the reference's example: 10 file
/// systems and 512,000 GB per project; -1 is unlimited).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SfsQuotas {
    pub shares: i64,
    pub gigabytes: i64,
    pub snapshots: i64,
    pub snapshot_gigabytes: i64,
    pub share_networks: i64,
}

impl Default for SfsQuotas {
    fn default() -> Self {
        SfsQuotas { shares: 10, gigabytes: 512_000, snapshots: -1, snapshot_gigabytes: -1, share_networks: 10 }
    }
}

/// SFS settings: how long shares and access rules stay in their
/// transitional statuses on the emulator's clock, and quotas.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SfsConfig {
    /// `creating`, `extending`, `shrinking` and `deleting` of a share.
    pub share_seconds: i64,
    /// Each of `queued_to_apply`/`applying` and `queued_to_deny`/`denying`
    /// of an access rule.
    pub access_seconds: i64,
    pub quotas: SfsQuotas,
    /// Each of SFS Turbo's `100` (creating), expanding (`121`), security
    /// group change (`132`) and deletion.
    pub turbo_seconds: i64,
    pub turbo_quotas: TurboQuotas,
}

/// SFS Turbo's quotas (`GET /sfs-turbo/quotas`): the reference's example
/// shows 400 file systems; capacity in GiB (-1 is unlimited).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TurboQuotas {
    pub shares: i64,
    pub capacity: i64,
}

impl Default for TurboQuotas {
    fn default() -> Self {
        TurboQuotas { shares: 400, capacity: 1_048_576 }
    }
}

/// The capacity-oriented SFS service (`sfs` prefix and host).
pub struct Sfs {
    vpc: Arc<Vpc>,
    cfg: SfsConfig,
}

impl Sfs {
    pub fn new(vpc: Arc<Vpc>, cfg: SfsConfig) -> Self {
        Sfs { vpc, cfg }
    }

    /// Runs `f` for the caller in one transaction over the file systems
    /// and the network model.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut FileSystems<'_, '_>) -> SfsResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut FileSystems { net, cfg: &self.cfg, user_id: &ctx.user_id })).map_err(|Refusal(e)| e)
    }
}
