//! The operation tables: Cinder under both `/v2/` and `/v3/` (Nova-style
//! fault bodies), the native API (`{"error": {"code": "EVS.xxxx"}}`), and
//! the jobs (`evs-jobs`, mounted before compute: see [`EvsJobs`]).
//! Every documented operation is listed; `os-volume_upload_image` is
//! refused with a 400 (the image service keeps no private images).

use crate::api::Api;
use crate::{Evs, EvsJobs};
use otc_core::api::{handler, Access::*, CatalogEntry, Family, Handler, Input, Op, Reply, Service};
use otc_core::ApiResult;
use std::sync::Arc;

type EvsFn = fn(&Evs, &Input<'_>, Api) -> ApiResult<Reply>;

fn bind(svc: &Arc<Evs>, f: EvsFn, api: Api) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, api))
}

/// Cinder routes, served under v2 and v3: (method, v2 path, v3 path, handler).
macro_rules! cinder {
    ($($m:literal $p:literal $f:expr;)*) => {
        [$(($m, concat!("/v2/{project_id}", $p), concat!("/v3/{project_id}", $p), $f as EvsFn)),*]
    };
}

fn cinder_routes() -> Vec<(&'static str, &'static str, &'static str, EvsFn)> {
    cinder! {
        "GET" "/volumes" Evs::list_volumes;
        "POST" "/volumes" Evs::create_volume;
        "GET" "/volumes/detail" Evs::list_volumes_detail;
        "GET" "/volumes/{volume_id}" Evs::show_volume;
        "PUT" "/volumes/{volume_id}" Evs::update_volume;
        "DELETE" "/volumes/{volume_id}" Evs::delete_volume;
        "POST" "/volumes/{volume_id}/action" Evs::volume_action;
        "GET" "/volumes/{volume_id}/metadata" Evs::volume_metadata;
        "POST" "/volumes/{volume_id}/metadata" Evs::add_volume_metadata;
        "PUT" "/volumes/{volume_id}/metadata" Evs::replace_volume_metadata;
        "GET" "/volumes/{volume_id}/metadata/{key}" Evs::volume_metadata_key;
        "PUT" "/volumes/{volume_id}/metadata/{key}" Evs::put_volume_metadata_key;
        "DELETE" "/volumes/{volume_id}/metadata/{key}" Evs::delete_volume_metadata_key;
        "GET" "/snapshots" Evs::list_snapshots;
        "POST" "/snapshots" Evs::create_snapshot;
        "GET" "/snapshots/detail" Evs::list_snapshots_detail;
        "GET" "/snapshots/{snapshot_id}" Evs::show_snapshot;
        "PUT" "/snapshots/{snapshot_id}" Evs::update_snapshot;
        "DELETE" "/snapshots/{snapshot_id}" Evs::delete_snapshot;
        "GET" "/snapshots/{snapshot_id}/metadata" Evs::snapshot_metadata;
        "POST" "/snapshots/{snapshot_id}/metadata" Evs::add_snapshot_metadata;
        "PUT" "/snapshots/{snapshot_id}/metadata" Evs::replace_snapshot_metadata;
        "GET" "/snapshots/{snapshot_id}/metadata/{key}" Evs::snapshot_metadata_key;
        "PUT" "/snapshots/{snapshot_id}/metadata/{key}" Evs::put_snapshot_metadata_key;
        "DELETE" "/snapshots/{snapshot_id}/metadata/{key}" Evs::delete_snapshot_metadata_key;
        "GET" "/types" Evs::list_types;
        "GET" "/types/{type_id}" Evs::show_type;
        "GET" "/os-availability-zone" Evs::availability_zones;
        "GET" "/os-quota-sets/{target_project_id}" Evs::quota_set;
        // Not in the reference; python-openstackclient's `quota show --default`
        // and `limits show` call these two.
        "GET" "/os-quota-sets/{target_project_id}/defaults" Evs::quota_defaults;
        "GET" "/limits" Evs::limits;
        "GET" "/extensions" Evs::extensions;
        "POST" "/os-volume-transfer" Evs::create_transfer;
        "GET" "/os-volume-transfer" Evs::list_transfers;
        "GET" "/os-volume-transfer/detail" Evs::list_transfers_detail;
        "GET" "/os-volume-transfer/{transfer_id}" Evs::show_transfer;
        "DELETE" "/os-volume-transfer/{transfer_id}" Evs::delete_transfer;
        "POST" "/os-volume-transfer/{transfer_id}/accept" Evs::accept_transfer;
    }
    .to_vec()
}

impl Service for Evs {
    fn name(&self) -> &'static str {
        "evs"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let nova = |m, p, f, api| Op::new(m, p, Project, Family::Nova, bind(s, f, api));
        let native = |m, p, f, api| Op::new(m, p, Project, Family::Ecs, bind(s, f, api));
        let mut ops = vec![
            Op::new("GET", "/", Public, Family::Nova, handler(s, Evs::versions)),
            Op::new("GET", "/{api_version}", Public, Family::Nova, handler(s, Evs::version)),
        ];
        for (m, v2, v3, f) in cinder_routes() {
            ops.push(nova(m, v2, f, Api::V2));
            ops.push(nova(m, v3, f, Api::V3));
        }
        ops.push(nova("GET", "/v3/{project_id}/volumes/summary", Evs::volume_summary, Api::V3));
        use Api::{V2, V3};
        let native_routes: [(&'static str, &'static str, EvsFn, Api); 26] = [
            ("POST", "/v2/{project_id}/cloudvolumes", Evs::create_cloudvolumes, V2),
            ("POST", "/v3/{project_id}/cloudvolumes", Evs::create_cloudvolumes, V3),
            ("GET", "/v2/{project_id}/cloudvolumes", Evs::list_cloudvolumes, V2),
            ("GET", "/v2/{project_id}/cloudvolumes/detail", Evs::list_cloudvolumes_detail, V2),
            ("PUT", "/v2/{project_id}/cloudvolumes/{volume_id}", Evs::update_cloudvolume, V2),
            ("DELETE", "/v2/{project_id}/cloudvolumes/{volume_id}", Evs::delete_cloudvolume, V2),
            ("POST", "/v2/{project_id}/cloudvolumes/{volume_id}/action", Evs::cloudvolume_action, V2),
            ("POST", "/v2/{project_id}/volumes/{volume_id}/retype", Evs::retype_volume, V2),
            ("GET", "/v2/{project_id}/os-vendor-volumes/{volume_id}", Evs::show_vendor_volume, V2),
            // Not in the reference: Terraform's evs_volume_v3 reads it.
            ("GET", "/v3/{project_id}/os-vendor-volumes/{volume_id}", Evs::show_vendor_volume, V3),
            ("GET", "/v3/{project_id}/os-vendor-volumes/{volume_id}/internal-info", Evs::volume_internal_info, V3),
            ("GET", "/v2/{project_id}/os-vendor-volumes/{volume_id}/tags", Evs::volume_tags, V2),
            ("GET", "/v3/{project_id}/os-vendor-volumes/{volume_id}/tags", Evs::volume_tags, V3),
            ("POST", "/v2/{project_id}/os-vendor-volumes/{volume_id}/tags/action", Evs::volume_tags_action, V2),
            ("POST", "/v3/{project_id}/os-vendor-volumes/{volume_id}/tags/action", Evs::volume_tags_action, V3),
            ("POST", "/v2/{project_id}/os-vendor-volumes/resource_instances/action", Evs::volumes_by_tag, V2),
            ("POST", "/v3/{project_id}/os-vendor-volumes/resource_instances/action", Evs::volumes_by_tag, V3),
            ("GET", "/v2/{project_id}/os-vendor-tags/{resource_type}", Evs::project_tags, V2),
            // Not in the reference: gophertelekomcloud's evs/v2/tags (Terraform's
            // blockstorage_volume_v2) reads and replaces a volume's tags here.
            ("GET", "/v2/{project_id}/os-vendor-tags/{resource_type}/{resource_id}", Evs::resource_tags, V2),
            ("PUT", "/v2/{project_id}/os-vendor-tags/{resource_type}/{resource_id}", Evs::replace_resource_tags, V2),
            ("DELETE", "/v2/{project_id}/os-vendor-tags/{resource_type}/{resource_id}/{key}", Evs::delete_resource_tag, V2),
            ("POST", "/v2/{project_id}/cloudsnapshots", Evs::create_cloudsnapshot, V2),
            ("GET", "/v2/{project_id}/cloudsnapshots/detail", Evs::list_cloudsnapshots_detail, V2),
            ("GET", "/v2/{project_id}/cloudsnapshots/{snapshot_id}", Evs::show_cloudsnapshot, V2),
            ("PUT", "/v2/{project_id}/cloudsnapshots/{snapshot_id}", Evs::update_cloudsnapshot, V2),
            ("DELETE", "/v2/{project_id}/cloudsnapshots/{snapshot_id}", Evs::delete_cloudsnapshot, V2),
        ];
        for (m, p, f, api) in native_routes {
            ops.push(native(m, p, f, api));
        }
        ops
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![
            // gophertelekomcloud also derives the enterprise VPN endpoint from
            // this one (`evs` → `vpn`, `v2` → `v5`), and the EVS job endpoint
            // from `volumev3` (`v3` → `v1`).
            CatalogEntry { service_type: "volumev2", name: "cinderv2", path: "/evs/v2/{project_id}" },
            CatalogEntry { service_type: "volumev3", name: "cinderv3", path: "/evs/v3/{project_id}" },
        ]
    }
}

impl Service for EvsJobs {
    fn name(&self) -> &'static str {
        "evs-jobs"
    }

    fn mount(&self) -> &'static str {
        "evs"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        vec![Op::new("GET", "/v1/{project_id}/jobs/{job_id}", Project, Family::Ecs, handler(&self, EvsJobs::show_job))]
    }
}
