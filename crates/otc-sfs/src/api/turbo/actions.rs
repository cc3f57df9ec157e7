//! `POST /shares/{id}/action`: one of `extend` (202 `{id, name}`),
//! `change_security_group` (202 `{id}`), `change_name` (204) and
//! `get_client_ips` (200 `{id, ips}`).

use super::{member, object, opt_str, req_int, req_str};
use crate::turbo::errors::param;
use crate::turbo::SfsTurbo;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::json;

const ACTIONS: &[&str] = &["extend", "change_security_group", "change_name", "get_client_ips"];

impl SfsTurbo {
    pub fn share_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let body = object(input)?;
        let named: Vec<&str> = ACTIONS.iter().copied().filter(|a| body.contains_key(*a)).collect();
        if body.len() != 1 || named.len() != 1 {
            return Err(param(format!("the body must hold exactly one of {}", ACTIONS.join(", "))));
        }
        match named[0] {
            "extend" => {
                let new_size = req_int(member(&body, "extend")?, "new_size")?;
                let t = self.call(input, |m| m.expand(id, new_size))?;
                Reply::json(202, &json!({"id": t.id, "name": t.name}))
            }
            "change_security_group" => {
                let group = req_str(member(&body, "change_security_group")?, "security_group_id")?;
                let t = self.call(input, |m| m.change_security_group(id, group))?;
                Reply::json(202, &json!({"id": t.id}))
            }
            "change_name" => {
                let name = req_str(member(&body, "change_name")?, "name")?;
                self.call(input, |m| m.rename(id, name))?;
                Ok(Reply::empty(204))
            }
            _ => {
                let o = member(&body, "get_client_ips")?;
                opt_str(o, "ips")?;
                // No client mounts an emulated file system.
                let t = self.call(input, |m| m.share(id))?;
                Reply::json(200, &json!({"id": t.id, "ips": []}))
            }
        }
    }
}
