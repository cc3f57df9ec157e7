//! The one share type, `default`: what every share is created with (and
//! what python-manilaclient's `openstack share create` looks up before
//! creating). Not in the reference, which documents no share-type API;
//! read-only here as Manila serves it to project users.

use super::version::{self, Mv};
use crate::errors::not_found;
use crate::model::{share_type_id, SHARE_TYPE_NAME};
use crate::Sfs;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};

fn type_view(region: &str, mv: Mv) -> Value {
    let mut t = json!({
        "id": share_type_id(region),
        "name": SHARE_TYPE_NAME,
        "extra_specs": {"driver_handles_share_servers": "False", "snapshot_support": "False"},
        "required_extra_specs": {"driver_handles_share_servers": "False"},
    });
    let o = t.as_object_mut().expect("object");
    if mv.at_least(7) {
        o.insert("share_type_access:is_public".into(), json!(true));
    } else {
        o.insert("os-share-type-access:is_public".into(), json!(true));
    }
    if mv.at_least(24) {
        let specs = o["extra_specs"].as_object_mut().expect("object");
        for k in ["create_share_from_snapshot_support", "revert_to_snapshot_support", "mount_snapshot_support"] {
            specs.insert(k.into(), json!("False"));
        }
    }
    if mv.at_least(41) {
        o.insert("description".into(), Value::Null);
    }
    t
}

fn region(input: &Input<'_>) -> ApiResult<String> {
    Ok(input.ctx()?.region.clone().unwrap_or_else(|| "eu-de".into()))
}

impl Sfs {
    pub fn list_types(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let t = type_view(&region(input)?, mv);
        super::reply(200, &json!({"share_types": [t.clone()], "volume_types": [t]}), mv)
    }

    /// `/types/default` or the type's id.
    pub fn show_type(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let region = region(input)?;
        let id = input.param("share_type_id");
        if id != "default" && id != share_type_id(&region) {
            return Err(not_found(format!("Share type {id} could not be found.")));
        }
        let t = type_view(&region, mv);
        super::reply(200, &json!({"share_type": t.clone(), "volume_type": t}), mv)
    }
}
