//! SFS Turbo (`sfsturbo` in the catalog, `/v1/{project_id}/sfs-turbo/...`
//! under the `sfs-turbo` host and prefix): file systems in the caller's
//! VPCs, their actions, permission rules, tags, quotas and jobs. The
//! model is [`crate::model::turbo`], the facade [`crate::api::turbo`].

pub mod errors;
mod ops;

use crate::model::turbo::{Refusal, TurboResult, Turbos};
use crate::SfsConfig;
use otc_core::api::Input;
use otc_core::ApiResult;
use otc_vpc::Vpc;
use std::sync::Arc;

pub struct SfsTurbo {
    vpc: Arc<Vpc>,
    pub(crate) cfg: SfsConfig,
}

impl SfsTurbo {
    pub fn new(vpc: Arc<Vpc>, cfg: SfsConfig) -> Self {
        SfsTurbo { vpc, cfg }
    }

    /// Runs `f` for the caller in one transaction over the file systems
    /// and the network model.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Turbos<'_, '_>) -> TurboResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut Turbos { net, cfg: &self.cfg, request_id: input.request_id })).map_err(|Refusal(e)| e)
    }
}
