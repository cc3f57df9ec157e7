//! SFS Turbo (`sfsturbo` in the catalog, `/v1/{project_id}/sfs-turbo/...`
//! under the `sfs-turbo` host and prefix): file systems in the caller's
//! VPCs, their actions, permission rules, tags, quotas and jobs. The
//! model is [`crate::model::turbo`], the facade [`crate::api::turbo`].

pub mod errors;
mod ops;

use crate::model::turbo::{Refusal, Turbo, TurboResult, Turbos, TURBO};
use crate::SfsConfig;
use otc_core::api::Input;
use otc_core::ApiResult;
use otc_vpc::Vpc;
use std::sync::Arc;

pub struct SfsTurbo {
    vpc: Arc<Vpc>,
    /// For the emulator's own API, which acts without a caller.
    store: otc_store::Store,
    pub(crate) cfg: SfsConfig,
}

impl SfsTurbo {
    pub fn new(vpc: Arc<Vpc>, store: otc_store::Store, cfg: SfsConfig) -> Self {
        SfsTurbo { vpc, store, cfg }
    }

    /// `POST /_emulator/sfs-turbo/{share_id}/{fail|freeze|unfreeze}`: what
    /// the cloud does on its own (an operation failing, arrears), in the
    /// file system's own project. Answers the file system as it is then.
    pub fn inject(&self, id: &str, event: &str) -> ApiResult<serde_json::Value> {
        use otc_store::TxExt;
        let doc: Option<Turbo> = self.store.txn(|tx| tx.get_doc(TURBO, id)).map_err(otc_core::ApiError::from)?;
        let doc = doc.ok_or_else(|| errors::share_not_found(id))?;
        let ctx = otc_core::Ctx {
            request_id: otc_core::ids::hex32(),
            domain_id: String::new(),
            domain_name: String::new(),
            user_id: String::new(),
            user_name: String::new(),
            project_id: Some(doc.project_id.clone()),
            project_name: None,
            region: Some(if doc.region.is_empty() { "eu-de".into() } else { doc.region.clone() }),
            roles: Vec::new(),
            token_id: None,
        };
        let t = self
            .vpc
            .run_as(&ctx, |net| Turbos { net, cfg: &self.cfg, request_id: &ctx.request_id }.inject(id, event))
            .map_err(|Refusal(e)| e)?;
        Ok(serde_json::json!({"id": t.id, "status": t.status, "sub_status": t.sub_status}))
    }

    /// Runs `f` for the caller in one transaction over the file systems
    /// and the network model.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Turbos<'_, '_>) -> TurboResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut Turbos { net, cfg: &self.cfg, request_id: input.request_id })).map_err(|Refusal(e)| e)
    }
}
