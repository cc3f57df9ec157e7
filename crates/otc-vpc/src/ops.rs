//! The VPC service's operation table, as data. Neutron, VPC v1/v2.0 and
//! VPC v3 are served on one endpoint; documented operations not listed
//! here answer 404 APIGW.0101.

use crate::Vpc;
use otc_core::api::{handler, Access::*, CatalogEntry, Family::*, Op, Service};
use std::sync::Arc;

impl Service for Vpc {
    fn name(&self) -> &'static str {
        "vpc"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let mut ops = vec![
            // Neutron v2.0
            Op::new("GET", "/", Public, Neutron, handler(s, Vpc::neutron_versions)),
            Op::new("GET", "/{api_version}", Public, Neutron, handler(s, Vpc::neutron_version)),
            Op::new("GET", "/v2.0/extensions", Project, Neutron, handler(s, Vpc::neutron_extensions)),
            Op::new("GET", "/v2.0/extensions/{alias}", Project, Neutron, handler(s, Vpc::neutron_extension)),
            Op::new("GET", "/v2.0/networks", Project, Neutron, handler(s, Vpc::neutron_list_networks)),
            Op::new("POST", "/v2.0/networks", Project, Neutron, handler(s, Vpc::neutron_create_network)),
            Op::new("GET", "/v2.0/networks/{network_id}", Project, Neutron, handler(s, Vpc::neutron_show_network)),
            Op::new("PUT", "/v2.0/networks/{network_id}", Project, Neutron, handler(s, Vpc::neutron_update_network)),
            Op::new("DELETE", "/v2.0/networks/{network_id}", Project, Neutron, handler(s, Vpc::neutron_delete_network)),
            Op::new("GET", "/v2.0/subnets", Project, Neutron, handler(s, Vpc::neutron_list_subnets)),
            Op::new("POST", "/v2.0/subnets", Project, Neutron, handler(s, Vpc::neutron_create_subnet)),
            Op::new("GET", "/v2.0/subnets/{subnet_id}", Project, Neutron, handler(s, Vpc::neutron_show_subnet)),
            Op::new("PUT", "/v2.0/subnets/{subnet_id}", Project, Neutron, handler(s, Vpc::neutron_update_subnet)),
            Op::new("DELETE", "/v2.0/subnets/{subnet_id}", Project, Neutron, handler(s, Vpc::neutron_delete_subnet)),
            Op::new("GET", "/v2.0/ports", Project, Neutron, handler(s, Vpc::neutron_list_ports)),
            Op::new("POST", "/v2.0/ports", Project, Neutron, handler(s, Vpc::neutron_create_port)),
            Op::new("GET", "/v2.0/ports/{port_id}", Project, Neutron, handler(s, Vpc::neutron_show_port)),
            Op::new("PUT", "/v2.0/ports/{port_id}", Project, Neutron, handler(s, Vpc::neutron_update_port)),
            Op::new("DELETE", "/v2.0/ports/{port_id}", Project, Neutron, handler(s, Vpc::neutron_delete_port)),
            Op::new("GET", "/v2.0/routers", Project, Neutron, handler(s, Vpc::neutron_list_routers)),
            Op::new("POST", "/v2.0/routers", Project, Neutron, handler(s, Vpc::neutron_create_router)),
            Op::new("GET", "/v2.0/routers/{router_id}", Project, Neutron, handler(s, Vpc::neutron_show_router)),
            Op::new("PUT", "/v2.0/routers/{router_id}", Project, Neutron, handler(s, Vpc::neutron_update_router)),
            Op::new("DELETE", "/v2.0/routers/{router_id}", Project, Neutron, handler(s, Vpc::neutron_delete_router)),
            Op::new("PUT", "/v2.0/routers/{router_id}/add_router_interface", Project, Neutron, handler(s, Vpc::neutron_add_interface)),
            Op::new(
                "PUT",
                "/v2.0/routers/{router_id}/remove_router_interface",
                Project,
                Neutron,
                handler(s, Vpc::neutron_remove_interface),
            ),
            Op::new("GET", "/v2.0/security-groups", Project, Neutron, handler(s, Vpc::neutron_list_security_groups)),
            Op::new("POST", "/v2.0/security-groups", Project, Neutron, handler(s, Vpc::neutron_create_security_group)),
            Op::new("GET", "/v2.0/security-groups/{security_group_id}", Project, Neutron, handler(s, Vpc::neutron_show_security_group)),
            Op::new("PUT", "/v2.0/security-groups/{security_group_id}", Project, Neutron, handler(s, Vpc::neutron_update_security_group)),
            Op::new(
                "DELETE",
                "/v2.0/security-groups/{security_group_id}",
                Project,
                Neutron,
                handler(s, Vpc::neutron_delete_security_group),
            ),
            Op::new("GET", "/v2.0/security-group-rules", Project, Neutron, handler(s, Vpc::neutron_list_rules)),
            Op::new("POST", "/v2.0/security-group-rules", Project, Neutron, handler(s, Vpc::neutron_create_rule)),
            Op::new("GET", "/v2.0/security-group-rules/{security_group_rule_id}", Project, Neutron, handler(s, Vpc::neutron_show_rule)),
            Op::new(
                "DELETE",
                "/v2.0/security-group-rules/{security_group_rule_id}",
                Project,
                Neutron,
                handler(s, Vpc::neutron_delete_rule),
            ),
            Op::new("GET", "/v2.0/floatingips", Project, Neutron, handler(s, Vpc::neutron_list_floatingips)),
            Op::new("POST", "/v2.0/floatingips", Project, Neutron, handler(s, Vpc::neutron_create_floatingip)),
            Op::new("GET", "/v2.0/floatingips/{floatingip_id}", Project, Neutron, handler(s, Vpc::neutron_show_floatingip)),
            Op::new("PUT", "/v2.0/floatingips/{floatingip_id}", Project, Neutron, handler(s, Vpc::neutron_update_floatingip)),
            Op::new("DELETE", "/v2.0/floatingips/{floatingip_id}", Project, Neutron, handler(s, Vpc::neutron_delete_floatingip)),
            Op::new("GET", "/v2.0/quotas/{project_id}", Project, Neutron, handler(s, Vpc::neutron_quota)),
            Op::new("GET", "/v2.0/quotas/{project_id}/default", Project, Neutron, handler(s, Vpc::neutron_quota_default)),
            Op::new("GET", "/v2.0/quotas/{project_id}/details.json", Project, Neutron, handler(s, Vpc::neutron_quota_details)),
            Op::new("GET", "/v2.0/network-ip-availabilities/{network_id}", Project, Vpc, handler(s, Vpc::network_ip_availability)),
        ];
        ops.extend(crate::api::v1::ops(s));
        ops.extend(crate::api::v3::ops(s));
        ops.extend(crate::api::tags::ops(s));
        ops.extend(crate::api::peering::ops(s));
        ops.extend(crate::api::flow_logs::ops(s));
        ops.extend(crate::api::fwaas::ops(s));
        ops.extend(crate::api::network_acls::ops(s));
        ops.extend(crate::api::acl_tags::ops(s));
        ops.extend(crate::api::address_groups::ops(s));
        ops.extend(crate::api::subnet_pools::ops(s));
        ops
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![
            CatalogEntry { service_type: "network", name: "neutron", path: "/vpc" },
            CatalogEntry { service_type: "vpc", name: "vpc", path: "/vpc/v1/{project_id}" },
            CatalogEntry { service_type: "vpc2.0", name: "vpc2.0", path: "/vpc/v2.0/{project_id}" },
            CatalogEntry { service_type: "vpcv3", name: "vpcv3", path: "/vpc/v3/{project_id}" },
        ]
    }
}
