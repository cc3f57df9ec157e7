//! DEV SCAFFOLD (never lands): handlers not written yet. Remove an entry
//! when its real handler exists.

use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};

impl Vpn {
    pub fn create_customer_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn list_customer_gateways(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn show_customer_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn update_customer_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn delete_customer_gateway(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn create_connection(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn batch_create_connections(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn list_connections(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn show_connection(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn update_connection(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn delete_connection(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn connection_logs(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn create_monitor(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn list_monitors(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn show_monitor(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }

    pub fn delete_monitor(&self, _input: &Input<'_>) -> ApiResult<Reply> {
        Err(ApiError::unknown_api())
    }
}
