//! DEV SCAFFOLD (never lands): handlers not written yet. Remove an entry
//! when its real handler exists.

use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};

impl Vpn {
    pub fn create_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn list_gateways(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn availability_zones(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn show_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn update_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn update_specification(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn delete_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn quotas(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn create_tags(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn delete_tags(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn resource_tags(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn project_tags(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn connection_project_tags(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn filter_instances(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn count_instances(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }
}
