//! Clusters v2: renaming (`PUT /v2/{project_id}/clusters/{cluster_id}/cluster-name`).

use super::{object, req_str};
use crate::errors::invalid;
use crate::Mrs;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::json;

impl Mrs {
    /// 200 `{"result": "succeeded"}`.
    pub fn rename_cluster(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let name = req_str(&o, "cluster_name")?;
        if !super::clusters::name_ok(name, 1) {
            return Err(invalid("cluster_name is 1 to 64 letters, digits, hyphens (-) and underscores (_)."));
        }
        self.call(input, |m| m.rename(input.param("cluster_id"), name))?;
        Reply::json(200, &json!({"result": "succeeded"}))
    }
}
