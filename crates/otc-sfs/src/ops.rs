//! The operation table of the capacity-oriented API (Manila v2 under
//! `/sfs`). SFS Turbo is a service of its own (`turbo/ops.rs`); the
//! general-purpose file system is not served (404 APIGW.0101).

use crate::api::version;
use crate::Sfs;
use otc_core::api::{handler, Access::*, CatalogEntry, Family::Manila, Handler, Op, Service};
use std::sync::Arc;

/// A `/v2` handler whose faults carry the microversion, as its answers do.
fn versioned(h: Handler) -> Handler {
    Arc::new(move |input| h(input).map_err(|e| version::stamped_error(input, e)))
}

impl Service for Sfs {
    fn name(&self) -> &'static str {
        "sfs"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let op = |m, p, h| Op::new(m, p, Project, Manila, versioned(h));
        vec![
            Op::new("GET", "/", Public, Manila, handler(s, Sfs::versions)),
            Op::new("GET", "/{api_version}", Public, Manila, handler(s, Sfs::version)),
            op("POST", "/v2/{project_id}/shares", handler(s, Sfs::create_share)),
            op("GET", "/v2/{project_id}/shares", handler(s, Sfs::list_shares)),
            op("GET", "/v2/{project_id}/shares/detail", handler(s, Sfs::list_shares_detail)),
            op("GET", "/v2/{project_id}/shares/{share_id}", handler(s, Sfs::show_share)),
            op("PUT", "/v2/{project_id}/shares/{share_id}", handler(s, Sfs::update_share)),
            op("DELETE", "/v2/{project_id}/shares/{share_id}", handler(s, Sfs::delete_share)),
            op("GET", "/v2/{project_id}/shares/{share_id}/export_locations", handler(s, Sfs::export_locations)),
            // extend, shrink, allow_access, deny_access, access_list
            op("POST", "/v2/{project_id}/shares/{share_id}/action", handler(s, Sfs::share_action)),
            // The reference's `os-quota-sets/{project_id}`: the second id
            // is the project asked about, checked by the handler (the
            // gateway checks the first).
            op("GET", "/v2/{project_id}/os-quota-sets/{tenant_id}", handler(s, Sfs::legacy_quotas)),
            op("GET", "/v2/{project_id}/quota-sets/{tenant_id}", handler(s, Sfs::show_quotas)),
            op("GET", "/v2/{project_id}/quota-sets/{tenant_id}/detail", handler(s, Sfs::show_quota_detail)),
            op("GET", "/v2/{project_id}/types", handler(s, Sfs::list_types)),
            op("GET", "/v2/{project_id}/types/{share_type_id}", handler(s, Sfs::show_type)),
            op("POST", "/v2/{project_id}/sfs/{share_id}/tags", handler(s, Sfs::add_tag)),
            op("POST", "/v2/{project_id}/sfs/{share_id}/tags/action", handler(s, Sfs::tags_action)),
            op("DELETE", "/v2/{project_id}/sfs/{share_id}/tags/{key}", handler(s, Sfs::delete_tag)),
            op("GET", "/v2/{project_id}/sfs/{share_id}/tags", handler(s, Sfs::share_tags)),
            op("GET", "/v2/{project_id}/sfs/tags", handler(s, Sfs::project_tags)),
            op("POST", "/v2/{project_id}/sfs/resource_instances/action", handler(s, Sfs::resource_instances)),
        ]
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![
            CatalogEntry { service_type: "sharev2", name: "manilav2", path: "/sfs/v2/{project_id}" },
            // The official type, which newer clients (python-manilaclient,
            // openstacksdk) look for first; `sharev2` is its alias.
            CatalogEntry { service_type: "shared-file-system", name: "manila", path: "/sfs/v2/{project_id}" },
        ]
    }
}
