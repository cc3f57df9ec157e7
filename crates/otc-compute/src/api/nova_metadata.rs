//! Nova's server metadata API (`/servers/{server_id}/metadata[/{key}]`):
//! the user metadata of a server read, merged, replaced and changed one key
//! at a time. The Terraform provider's `compute_instance_v2` reads a
//! server's metadata here on every refresh and changes it here on update.

use crate::api::nova::{body_obj, json_reply, microversion, versioned};
use crate::errors::{bad, nova};
use crate::model::Fault;
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Metadata items as Nova's schema takes them: keys of 1 to 255
/// characters, string values of at most 255.
fn items(m: &Map<String, Value>, field: &str) -> ApiResult<BTreeMap<String, String>> {
    m.iter()
        .map(|(k, v)| match v {
            Value::String(s) if (1..=255).contains(&k.chars().count()) && s.chars().count() <= 255 => Ok((k.clone(), s.clone())),
            _ => Err(bad(format!("Invalid input for field/attribute {field}. Value: {k}."))),
        })
        .collect()
}

impl Compute {
    pub fn server_metadata(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let s = self.call(input, |m| m.server(&id))?;
        json_reply(200, &json!({ "metadata": s.metadata }), mv)
    }

    /// POST: the given items are added or overwrite, the others stay.
    pub fn merge_server_metadata(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let given = items(&body_obj(input, "metadata")?, "metadata")?;
        let s = self.call(input, |m| {
            m.edit_metadata(&id, |md| {
                md.extend(given);
                Ok(())
            })
        })?;
        json_reply(200, &json!({ "metadata": s.metadata }), mv)
    }

    /// PUT: the given items are all the server keeps.
    pub fn replace_server_metadata(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let given = items(&body_obj(input, "metadata")?, "metadata")?;
        let s = self.call(input, |m| {
            m.edit_metadata(&id, |md| {
                *md = given;
                Ok(())
            })
        })?;
        json_reply(200, &json!({ "metadata": s.metadata }), mv)
    }

    pub fn server_metadatum(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let key = input.param("key").to_string();
        let s = self.call(input, |m| m.server(&id))?;
        let value = s.metadata.get(&key).ok_or_else(|| nova(Fault::NotFound("Metadata item was not found".into())))?;
        json_reply(200, &json!({ "meta": { key: value } }), mv)
    }

    /// PUT on a key: `{"meta": {key: value}}` with the URL's key only.
    pub fn put_server_metadatum(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let key = input.param("key").to_string();
        let meta = items(&body_obj(input, "meta")?, "meta")?;
        if meta.len() > 1 {
            return Err(bad("Request body contains too many items".into()));
        }
        let Some(value) = meta.get(&key).cloned() else {
            return Err(bad("Request body and URI mismatch".into()));
        };
        let v = value.clone();
        self.call(input, |m| {
            m.edit_metadata(&id, |md| {
                md.insert(key.clone(), v);
                Ok(())
            })
        })?;
        json_reply(200, &json!({ "meta": { key: value } }), mv)
    }

    pub fn delete_server_metadatum(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let key = input.param("key").to_string();
        self.call(input, |m| {
            m.edit_metadata(&id, |md| md.remove(&key).map(|_| ()).ok_or_else(|| Fault::NotFound("Metadata item was not found".into())))
        })?;
        Ok(versioned(Reply::empty(204), mv))
    }
}
