//! The general-purpose file system (SFS 3.0, beta), a service of its own
//! (`sfs-gp`, catalog type `sfs3`): OBS-style calls on `/` of a virtual
//! host (`{name}.sfs3.<region>.…`) signed with the OBS V1 signature, and
//! TMS-style tag calls under the token on the service's own host. The
//! catalog URL is a host of its own (`http://sfs3.<region>.localhost:<port>`
//! for an emulator on an address), since otcextensions addresses a file
//! system as `<name>.<netloc of the endpoint>`.

use crate::model::sfs3::GeneralPurpose;
use crate::model::{Refusal, SfsResult};
use otc_core::api::{handler, Access::*, CatalogEntry, Family, Input, Op, Service};
use otc_core::ApiResult;
use otc_vpc::Vpc;
use std::sync::Arc;

pub struct Sfs3 {
    vpc: Arc<Vpc>,
}

impl Sfs3 {
    pub fn new(vpc: Arc<Vpc>) -> Self {
        Sfs3 { vpc }
    }

    /// Runs `f` for the caller in one transaction over the file systems
    /// and the network model (ACLs name the caller's VPCs).
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut GeneralPurpose<'_, '_>) -> SfsResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut GeneralPurpose { net, domain_id: &ctx.domain_id })).map_err(|Refusal(e)| e)
    }
}

impl Service for Sfs3 {
    fn name(&self) -> &'static str {
        "sfs-gp"
    }

    fn mount(&self) -> &'static str {
        "sfs3"
    }

    fn virtual_hosts(&self) -> bool {
        true
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let obs = |m, h| Op::new(m, "/", Project, Family::Obs, h);
        let tms = |m, p, h| Op::new(m, p, Project, Family::Native, h);
        // One handler per method on `/`: the Host and `?sfsacl` say which
        // documented operation it is.
        const GET: &[&str] = &[
            "sfs/general_purpose_file_system_apis_beta/file_systems/listing_file_systems.rst",
            "sfs/general_purpose_file_system_apis_beta/file_system_access_rules/obtaining_file_system_acl_information.rst",
        ];
        const PUT: &[&str] = &[
            "sfs/general_purpose_file_system_apis_beta/file_systems/creating_a_file_system.rst",
            "sfs/general_purpose_file_system_apis_beta/file_system_access_rules/configuring_a_file_system_acl.rst",
        ];
        const DELETE: &[&str] = &[
            "sfs/general_purpose_file_system_apis_beta/file_systems/deleting_a_file_system.rst",
            "sfs/general_purpose_file_system_apis_beta/file_system_access_rules/deleting_a_file_system_acl.rst",
        ];
        vec![
            obs("GET", handler(s, Sfs3::get_root)).serving(GET),
            obs("PUT", handler(s, Sfs3::put_root)).serving(PUT),
            obs("DELETE", handler(s, Sfs3::delete_root)).serving(DELETE),
            // Undocumented, but otcextensions' get_filesystem uses it.
            obs("HEAD", handler(s, Sfs3::head_root)),
            // Path style (`PUT /<name>` on the service's host), which the
            // reference refuses, and objects, which SFS 3.0 has none of.
            Op::new("GET", "/{fs_name}", Public, Family::Obs, handler(s, Sfs3::path_style)),
            Op::new("PUT", "/{fs_name}", Public, Family::Obs, handler(s, Sfs3::path_style)),
            Op::new("DELETE", "/{fs_name}", Public, Family::Obs, handler(s, Sfs3::path_style)),
            Op::new("HEAD", "/{fs_name}", Public, Family::Obs, handler(s, Sfs3::path_style)),
            tms("GET", "/v3/sfs/tms/{project_id}/file-systems/tags", handler(s, Sfs3::project_tags)),
            tms("GET", "/v3/sfs/tms/{project_id}/file-systems/{resource_id}/tags", handler(s, Sfs3::resource_tags)),
            tms("POST", "/v3/sfs/tms/{project_id}/file-systems/{resource_id}/tags/create", handler(s, Sfs3::create_tags)),
            tms("POST", "/v3/sfs/tms/{project_id}/file-systems/{resource_id}/tags/delete", handler(s, Sfs3::delete_tags)),
            tms("POST", "/v3/sfs/tms/{project_id}/file-systems/resource-instances/filter", handler(s, Sfs3::filter)),
            tms("POST", "/v3/sfs/tms/{project_id}/file-systems/resource-instances/count", handler(s, Sfs3::count)),
        ]
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![CatalogEntry { service_type: "sfs3", name: "sfs3", path: "//sfs3.{region}" }]
    }
}
