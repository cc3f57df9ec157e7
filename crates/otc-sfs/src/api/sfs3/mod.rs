//! The general-purpose file system's facades: the OBS-style calls on `/`
//! of a virtual host (`file_systems.rs`, `acl.rs`) and the JSON tag calls
//! (`tags.rs`). The gateway hands over what the Host names as the
//! `host_bucket` and `host_region` parameters.

pub mod acl;
pub mod file_systems;
pub mod tags;

use crate::errors::sfs3 as err;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;

/// The file system the Host names; the service's own host names none,
/// and every call but the list needs one.
pub fn bucket<'a>(input: &'a Input<'_>) -> ApiResult<&'a str> {
    input.params.get("host_bucket").map(String::as_str).filter(|b| !b.is_empty()).ok_or_else(err::virtual_host_required)
}

/// An OBS answer: OBS's request-id headers beside the gateway's.
pub fn obs_reply(input: &Input<'_>, reply: Reply) -> ApiResult<Reply> {
    Ok(reply
        .header("x-obs-request-id", input.request_id.to_string())
        .header("x-obs-id-2", format!("{}otcemulator", input.request_id))
        .header("server", "OBS"))
}
