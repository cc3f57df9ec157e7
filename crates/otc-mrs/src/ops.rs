//! The operation table: clusters v1.1, hosts, tags, v2 create and rename, and v2 jobs. Documented operations
//! not listed here answer 404 APIGW.0101.

use crate::Mrs;
use otc_core::api::{handler, Access::*, CatalogEntry, Family::Mrs as Family, Op, Service};
use std::sync::Arc;

impl Service for Mrs {
    fn name(&self) -> &'static str {
        "mrs"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let op = |m, p, h| Op::new(m, p, Project, Family, h);
        vec![
            op("POST", "/v1.1/{project_id}/run-job-flow", handler(s, Mrs::run_job_flow)),
            op("GET", "/v1.1/{project_id}/cluster_infos", handler(s, Mrs::list_clusters)),
            op("GET", "/v1.1/{project_id}/cluster_infos/{cluster_id}", handler(s, Mrs::show_cluster)),
            op("PUT", "/v1.1/{project_id}/cluster_infos/{cluster_id}", handler(s, Mrs::resize_cluster)),
            op("DELETE", "/v1.1/{project_id}/clusters/{cluster_id}", handler(s, Mrs::delete_cluster)),
            op("GET", "/v1.1/{project_id}/clusters/{cluster_id}/hosts", handler(s, Mrs::list_hosts)),
            op("POST", "/v1.1/{project_id}/clusters/{cluster_id}/tags", handler(s, Mrs::add_tag)),
            op("GET", "/v1.1/{project_id}/clusters/{cluster_id}/tags", handler(s, Mrs::cluster_tags)),
            op("POST", "/v1.1/{project_id}/clusters/{cluster_id}/tags/action", handler(s, Mrs::tags_action)),
            op("DELETE", "/v1.1/{project_id}/clusters/{cluster_id}/tags/{key}", handler(s, Mrs::delete_tag)),
            op("GET", "/v1.1/{project_id}/clusters/tags", handler(s, Mrs::project_tags)),
            op("POST", "/v2/{project_id}/clusters", handler(s, Mrs::create_cluster_v2)),
            op("PUT", "/v2/{project_id}/clusters/{cluster_id}/cluster-name", handler(s, Mrs::rename_cluster)),
            op("POST", "/v2/{project_id}/clusters/{cluster_id}/job-executions", handler(s, Mrs::submit_job_v2)),
            op("GET", "/v2/{project_id}/clusters/{cluster_id}/job-executions", handler(s, Mrs::list_jobs_v2)),
            op("GET", "/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}", handler(s, Mrs::show_job_v2)),
            op("POST", "/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/kill", handler(s, Mrs::kill_job_v2)),
            op("POST", "/v2/{project_id}/clusters/{cluster_id}/job-executions/batch-delete", handler(s, Mrs::delete_jobs_v2)),
            op("POST", "/v1.1/{project_id}/clusters/resource_instances/action", handler(s, Mrs::resource_instances)),
        ]
    }

    fn control(&self, method: &str, parts: &[&str]) -> Option<otc_core::ApiResult<serde_json::Value>> {
        match (method, parts) {
            ("POST", ["mrs", "clusters", id, "state", state]) => Some(self.force_state(id, state)),
            _ => None,
        }
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        // The real catalog's entry has no project id: gophertelekomcloud
        // appends it itself (a project id here would be doubled), and
        // otcextensions appends it when the URL does not end with it.
        vec![CatalogEntry { service_type: "mrs", name: "mapreduce", path: "/mrs/v1.1" }]
    }
}
