//! The operation tables: Nova under both `/v2/` and `/v2.1/` (with its
//! image proxy) and ECS v1 under `/v1/` (`ecs`), and the Glance image
//! listing with IMS's own query, `/v2/cloudimages` (`ims`). Documented
//! operations not listed here answer 404 APIGW.0101.

use crate::{Compute, Images};
use otc_core::api::{handler, Access::*, CatalogEntry, Family, Handler, Op, Service};
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use std::sync::Arc;

type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;

fn bind(svc: &Arc<Compute>, f: NovaFn, v2: bool) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, v2))
}

impl Service for Compute {
    fn name(&self) -> &'static str {
        "ecs"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let routes: [(&'static str, &'static str, &'static str, NovaFn); 33] = [
            ("GET", "/v2/{project_id}/flavors", "/v2.1/{project_id}/flavors", Compute::list_flavors),
            ("GET", "/v2/{project_id}/flavors/detail", "/v2.1/{project_id}/flavors/detail", Compute::list_flavors_detail),
            ("GET", "/v2/{project_id}/flavors/{flavor_id}", "/v2.1/{project_id}/flavors/{flavor_id}", Compute::show_flavor),
            (
                "GET",
                "/v2/{project_id}/flavors/{flavor_id}/os-extra_specs",
                "/v2.1/{project_id}/flavors/{flavor_id}/os-extra_specs",
                Compute::flavor_extra_specs,
            ),
            ("GET", "/v2/{project_id}/os-availability-zone", "/v2.1/{project_id}/os-availability-zone", Compute::availability_zones),
            (
                "GET",
                "/v2/{project_id}/os-availability-zone/detail",
                "/v2.1/{project_id}/os-availability-zone/detail",
                Compute::availability_zones_detail,
            ),
            ("GET", "/v2/{project_id}/images", "/v2.1/{project_id}/images", Compute::list_images),
            ("GET", "/v2/{project_id}/images/detail", "/v2.1/{project_id}/images/detail", Compute::list_images_detail),
            ("GET", "/v2/{project_id}/images/{image_id}", "/v2.1/{project_id}/images/{image_id}", Compute::show_image),
            (
                "GET",
                "/v2/{project_id}/images/{image_id}/metadata",
                "/v2.1/{project_id}/images/{image_id}/metadata",
                Compute::image_metadata,
            ),
            ("GET", "/v2/{project_id}/os-keypairs", "/v2.1/{project_id}/os-keypairs", Compute::list_keypairs),
            ("POST", "/v2/{project_id}/os-keypairs", "/v2.1/{project_id}/os-keypairs", Compute::create_keypair),
            ("GET", "/v2/{project_id}/os-keypairs/{keypair_name}", "/v2.1/{project_id}/os-keypairs/{keypair_name}", Compute::show_keypair),
            (
                "DELETE",
                "/v2/{project_id}/os-keypairs/{keypair_name}",
                "/v2.1/{project_id}/os-keypairs/{keypair_name}",
                Compute::delete_keypair,
            ),
            ("GET", "/v2/{project_id}/servers", "/v2.1/{project_id}/servers", Compute::list_servers),
            ("POST", "/v2/{project_id}/servers", "/v2.1/{project_id}/servers", Compute::create_server),
            ("GET", "/v2/{project_id}/servers/detail", "/v2.1/{project_id}/servers/detail", Compute::list_servers_detail),
            ("GET", "/v2/{project_id}/servers/{server_id}", "/v2.1/{project_id}/servers/{server_id}", Compute::show_server),
            ("PUT", "/v2/{project_id}/servers/{server_id}", "/v2.1/{project_id}/servers/{server_id}", Compute::update_server),
            ("DELETE", "/v2/{project_id}/servers/{server_id}", "/v2.1/{project_id}/servers/{server_id}", Compute::delete_server),
            (
                "POST",
                "/v2/{project_id}/servers/{server_id}/action",
                "/v2.1/{project_id}/servers/{server_id}/action",
                Compute::server_action,
            ),
            (
                "GET",
                "/v2/{project_id}/servers/{server_id}/os-server-password",
                "/v2.1/{project_id}/servers/{server_id}/os-server-password",
                Compute::server_password,
            ),
            (
                "DELETE",
                "/v2/{project_id}/servers/{server_id}/os-server-password",
                "/v2.1/{project_id}/servers/{server_id}/os-server-password",
                Compute::clear_server_password,
            ),
            (
                "GET",
                "/v2/{project_id}/servers/{server_id}/metadata",
                "/v2.1/{project_id}/servers/{server_id}/metadata",
                Compute::server_metadata,
            ),
            (
                "POST",
                "/v2/{project_id}/servers/{server_id}/metadata",
                "/v2.1/{project_id}/servers/{server_id}/metadata",
                Compute::merge_server_metadata,
            ),
            (
                "PUT",
                "/v2/{project_id}/servers/{server_id}/metadata",
                "/v2.1/{project_id}/servers/{server_id}/metadata",
                Compute::replace_server_metadata,
            ),
            (
                "GET",
                "/v2/{project_id}/servers/{server_id}/metadata/{key}",
                "/v2.1/{project_id}/servers/{server_id}/metadata/{key}",
                Compute::server_metadatum,
            ),
            (
                "PUT",
                "/v2/{project_id}/servers/{server_id}/metadata/{key}",
                "/v2.1/{project_id}/servers/{server_id}/metadata/{key}",
                Compute::put_server_metadatum,
            ),
            (
                "DELETE",
                "/v2/{project_id}/servers/{server_id}/metadata/{key}",
                "/v2.1/{project_id}/servers/{server_id}/metadata/{key}",
                Compute::delete_server_metadatum,
            ),
            (
                "GET",
                "/v2/{project_id}/servers/{server_id}/os-interface",
                "/v2.1/{project_id}/servers/{server_id}/os-interface",
                Compute::server_interfaces,
            ),
            (
                "GET",
                "/v2/{project_id}/servers/{server_id}/os-interface/{port_id}",
                "/v2.1/{project_id}/servers/{server_id}/os-interface/{port_id}",
                Compute::server_interface,
            ),
            ("GET", "/v2/{project_id}/limits", "/v2.1/{project_id}/limits", Compute::limits),
            ("GET", "/v2/{project_id}/resize_flavors", "/v2.1/{project_id}/resize_flavors", Compute::resize_flavors),
        ];
        let mut ops = vec![
            Op::new("GET", "/", Public, Family::Nova, bind(s, Compute::versions, false)),
            Op::new("GET", "/{api_version}", Public, Family::Nova, bind(s, Compute::version, false)),
        ];
        for (method, v2, v21, f) in routes {
            // resize_flavors is documented under v2.1 only.
            if !v2.ends_with("resize_flavors") {
                ops.push(Op::new(method, v2, Project, Family::Nova, bind(s, f, true)));
            }
            ops.push(Op::new(method, v21, Project, Family::Nova, bind(s, f, false)));
        }
        for (method, v2, v21, f) in crate::api::nics::routes::nova() {
            ops.push(Op::new(method, v2, Project, Family::Nova, bind(s, f, true)));
            ops.push(Op::new(method, v21, Project, Family::Nova, bind(s, f, false)));
        }
        ops.extend(crate::api::ecs::ops(s));
        ops.extend(crate::api::volume_attachments::ops(s));
        ops.extend(crate::api::server_groups::ops(s));
        ops.extend(crate::api::quotas::ops(s));
        ops.extend(crate::api::nova_tags::ops(s));
        ops.extend(crate::api::nics::routes::ecs(s));
        ops.extend(crate::api::nova_extras::ops(s));
        ops.extend(crate::api::server_extras::ops(s));
        ops
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![
            CatalogEntry { service_type: "compute", name: "nova", path: "/ecs/v2.1/{project_id}" },
            CatalogEntry { service_type: "ecs", name: "ecs", path: "/ecs/v1/{project_id}" },
        ]
    }
}

impl Service for Images {
    fn name(&self) -> &'static str {
        "ims"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        vec![
            Op::new("GET", "/", Public, Family::Native, handler(s, Images::versions)),
            Op::new("GET", "/v2/images", Project, Family::Native, handler(s, Images::list)),
            Op::new("GET", "/v2/images/{image_id}", Project, Family::Native, handler(s, Images::show)),
            Op::new("GET", "/v2/cloudimages", Project, Family::Native, handler(s, Images::list_cloudimages)),
        ]
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        // Unversioned, as Glance endpoints are: gophertelekomcloud appends
        // `v2/` (or `v1/`) to it, openstacksdk discovers the version at `/ims/`.
        vec![CatalogEntry { service_type: "image", name: "glance", path: "/ims" }]
    }
}
