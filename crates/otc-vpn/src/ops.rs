//! The v5 operation table. Documented operations not listed here answer
//! 404 APIGW.0101. (The classic API's table is in `classic/ops.rs`.)

use crate::Vpn;
use otc_core::api::{handler, Access::*, CatalogEntry, Family::Native, Op, Service};
use std::sync::Arc;

impl Service for Vpn {
    fn name(&self) -> &'static str {
        "vpn"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let op = |m, p, h| Op::new(m, p, Project, Native, h);
        vec![
            op("POST", "/v5/{project_id}/vpn-gateways", handler(s, Vpn::create_gateway)),
            op("GET", "/v5/{project_id}/vpn-gateways", handler(s, Vpn::list_gateways)),
            op("GET", "/v5/{project_id}/vpn-gateways/availability-zones", handler(s, Vpn::availability_zones)),
            op("GET", "/v5/{project_id}/vpn-gateways/{vgw_id}", handler(s, Vpn::show_gateway)),
            op("PUT", "/v5/{project_id}/vpn-gateways/{vgw_id}", handler(s, Vpn::update_gateway)),
            op("POST", "/v5/{project_id}/vpn-gateways/{vgw_id}/update-specification", handler(s, Vpn::update_specification)),
            op("DELETE", "/v5/{project_id}/vpn-gateways/{vgw_id}", handler(s, Vpn::delete_gateway)),
            op("GET", "/v5/{project_id}/vpn/quotas", handler(s, Vpn::quotas)),
            op("POST", "/v5/{project_id}/customer-gateways", handler(s, Vpn::create_customer_gateway)),
            op("GET", "/v5/{project_id}/customer-gateways", handler(s, Vpn::list_customer_gateways)),
            op("GET", "/v5/{project_id}/customer-gateways/{customer_gateway_id}", handler(s, Vpn::show_customer_gateway)),
            op("PUT", "/v5/{project_id}/customer-gateways/{customer_gateway_id}", handler(s, Vpn::update_customer_gateway)),
            op("DELETE", "/v5/{project_id}/customer-gateways/{customer_gateway_id}", handler(s, Vpn::delete_customer_gateway)),
            op("POST", "/v5/{project_id}/vpn-connection", handler(s, Vpn::create_connection)),
            op("POST", "/v5/{project_id}/vpn-connections/batch-create", handler(s, Vpn::batch_create_connections)),
            op("GET", "/v5/{project_id}/vpn-connection", handler(s, Vpn::list_connections)),
            op("GET", "/v5/{project_id}/vpn-connection/{vpn_connection_id}", handler(s, Vpn::show_connection)),
            op("PUT", "/v5/{project_id}/vpn-connection/{vpn_connection_id}", handler(s, Vpn::update_connection)),
            op("DELETE", "/v5/{project_id}/vpn-connection/{vpn_connection_id}", handler(s, Vpn::delete_connection)),
            op("GET", "/v5/{project_id}/vpn-connection/{vpn_connection_id}/log", handler(s, Vpn::connection_logs)),
            op("POST", "/v5/{project_id}/connection-monitors", handler(s, Vpn::create_monitor)),
            op("GET", "/v5/{project_id}/connection-monitors", handler(s, Vpn::list_monitors)),
            op("GET", "/v5/{project_id}/connection-monitors/{connection_monitor_id}", handler(s, Vpn::show_monitor)),
            op("DELETE", "/v5/{project_id}/connection-monitors/{connection_monitor_id}", handler(s, Vpn::delete_monitor)),
            op("POST", "/v5/{project_id}/{resource_type}/{resource_id}/tags/create", handler(s, Vpn::create_tags)),
            op("POST", "/v5/{project_id}/{resource_type}/{resource_id}/tags/delete", handler(s, Vpn::delete_tags)),
            op("GET", "/v5/{project_id}/{resource_type}/{resource_id}/tags", handler(s, Vpn::resource_tags)),
            op("GET", "/v5/{project_id}/{resource_type}/tags", handler(s, Vpn::project_tags)),
            // `vpn-connection/tags` would otherwise be read as the
            // connection whose id is `tags`.
            op("GET", "/v5/{project_id}/vpn-connection/tags", handler(s, Vpn::connection_project_tags)),
            op("POST", "/v5/{project_id}/{resource_type}/resource-instances/filter", handler(s, Vpn::filter_instances)),
            op("POST", "/v5/{project_id}/{resource_type}/resource-instances/count", handler(s, Vpn::count_instances)),
        ]
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        // gophertelekomcloud finds this endpoint by taking the block storage
        // one (`volumev2`, which EVS contributes) and replacing `evs` by `vpn`
        // and `v2` by `v5`.
        vec![CatalogEntry { service_type: "evpn", name: "evpn", path: "/vpn/v5/{project_id}" }]
    }
}
