//! The API facades over the network model, one module per family:
//! [`neutron`] (Neutron v2.0), [`v1`] (VPC v1 and the v2.0 EIP/bandwidth
//! and tag APIs), [`v3`] (VPC v3). Each parses its documented requests,
//! calls the model in one transaction, renders its documented shapes and
//! words model faults through [`crate::errors`].

pub mod acl_tags;
pub mod address_groups;
pub mod body;
pub mod flow_logs;
pub mod fwaas;
pub mod listing;
pub mod network_acls;
pub mod neutron;
pub mod neutron_quotas;
pub mod peering;
pub mod subnet_pools;
pub mod tags;
pub mod v1;
pub mod v3;

use crate::model::{ModelResult, Net};
use crate::Vpc;
use otc_core::api::Input;
use otc_core::{ApiError, ApiResult};

impl Vpc {
    /// Runs a model call for the caller and words its fault with `map`.
    pub(crate) fn call<R>(
        &self,
        input: &Input<'_>,
        map: fn(crate::model::Fault) -> ApiError,
        f: impl FnOnce(&mut Net<'_>) -> ModelResult<R>,
    ) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.run(ctx, f).map_err(map)
    }
}
