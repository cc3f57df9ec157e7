//! GET /v1.1/{project_id}/clusters/{cluster_id}/hosts: the servers that
//! are the cluster's nodes, ten a page by default.

use super::page_param;
use super::views::host_view;
use crate::Mrs;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::json;

impl Mrs {
    pub fn list_hosts(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let size = page_param(input.query, "pageSize", Some(10), 1000)?.unwrap_or(10);
        let page = page_param(input.query, "currentPage", Some(1), 1_000_000)?.unwrap_or(1);
        let id = input.param("cluster_id");
        self.call(input, |m| {
            let c = m.cluster(id)?;
            let mut hosts = Vec::new();
            for n in c.nodes.iter().skip((page - 1).saturating_mul(size)).take(size) {
                hosts.push(host_view(m, &c, n)?);
            }
            Ok(Reply::json(200, &json!({"total": c.nodes.len(), "hosts": hosts}))?)
        })
    }
}
