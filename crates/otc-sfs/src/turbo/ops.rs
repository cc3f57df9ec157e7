//! The operation table of SFS Turbo, with the five permission-rule
//! operations the reference documents and operations.tsv leaves out.

use super::SfsTurbo;
use otc_core::api::{handler, Access::Project, CatalogEntry, Family::SfsTurbo as Turbo, Op, Service};
use std::sync::Arc;

impl Service for SfsTurbo {
    fn name(&self) -> &'static str {
        "sfs-turbo"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let op = |m, p, h| Op::new(m, p, Project, Turbo, h);
        vec![
            op("POST", "/v1/{project_id}/sfs-turbo/shares", handler(s, SfsTurbo::create_share)),
            op("GET", "/v1/{project_id}/sfs-turbo/shares/detail", handler(s, SfsTurbo::list_shares)),
            op("GET", "/v1/{project_id}/sfs-turbo/shares/{share_id}", handler(s, SfsTurbo::show_share)),
            op("DELETE", "/v1/{project_id}/sfs-turbo/shares/{share_id}", handler(s, SfsTurbo::delete_share)),
            // extend, change_security_group, change_name, get_client_ips
            op("POST", "/v1/{project_id}/sfs-turbo/shares/{share_id}/action", handler(s, SfsTurbo::share_action)),
            op("POST", "/v1/{project_id}/sfs-turbo/shares/{share_id}/fs/perm-rules", handler(s, SfsTurbo::create_rules)),
            op("GET", "/v1/{project_id}/sfs-turbo/shares/{share_id}/fs/perm-rules", handler(s, SfsTurbo::list_rules)),
            op("GET", "/v1/{project_id}/sfs-turbo/shares/{share_id}/fs/perm-rules/{rule_id}", handler(s, SfsTurbo::show_rule)),
            op("PUT", "/v1/{project_id}/sfs-turbo/shares/{share_id}/fs/perm-rules/{rule_id}", handler(s, SfsTurbo::update_rule)),
            op("DELETE", "/v1/{project_id}/sfs-turbo/shares/{share_id}/fs/perm-rules/{rule_id}", handler(s, SfsTurbo::delete_rule)),
            op("GET", "/v1/{project_id}/sfs-turbo/quotas", handler(s, SfsTurbo::quotas)),
            op("GET", "/v1/{project_id}/sfs-turbo/jobs/{job_id}", handler(s, SfsTurbo::show_job)),
            op("POST", "/v1/{project_id}/sfs-turbo/{share_id}/tags", handler(s, SfsTurbo::add_tag)),
            op("POST", "/v1/{project_id}/sfs-turbo/{share_id}/tags/action", handler(s, SfsTurbo::batch_tags)),
            op("DELETE", "/v1/{project_id}/sfs-turbo/{share_id}/tags/{key}", handler(s, SfsTurbo::delete_tag)),
            op("GET", "/v1/{project_id}/sfs-turbo/{share_id}/tags", handler(s, SfsTurbo::share_tags)),
            op("GET", "/v1/{project_id}/sfs-turbo/tags", handler(s, SfsTurbo::project_tags)),
            op("POST", "/v1/{project_id}/sfs-turbo/resource_instances/action", handler(s, SfsTurbo::resource_instances)),
        ]
    }

    fn control(&self, method: &str, parts: &[&str]) -> Option<otc_core::ApiResult<serde_json::Value>> {
        match (method, parts) {
            ("POST", ["sfs-turbo", id, event]) => Some(self.inject(id, event)),
            _ => None,
        }
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        // The project id belongs in the catalog URL: otcextensions and
        // gophertelekomcloud append `/sfs-turbo/shares` to it.
        vec![CatalogEntry { service_type: "sfsturbo", name: "sfsturbo", path: "/sfs-turbo/v1/{project_id}" }]
    }
}
