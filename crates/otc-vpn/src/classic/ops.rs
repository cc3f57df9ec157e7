//! The classic VPN operation table (served under the VPC endpoint: bare
//! port, `/vpc` prefix, `vpc.*` hosts). Native VPNaaS routes answer in
//! Neutron's envelope, the connection tag routes in the VPC v2.0 one.

use crate::ClassicVpn;
use otc_core::api::{handler, Access::Project, Family, Op, Service};
use std::sync::Arc;

impl Service for ClassicVpn {
    fn name(&self) -> &'static str {
        "vpn-classic"
    }

    fn mount(&self) -> &'static str {
        "vpc"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let n = |m, p, h| Op::new(m, p, Project, Family::Neutron, h);
        let t = |m, p, h| Op::new(m, p, Project, Family::Vpc, h);
        vec![
            n("POST", "/v2.0/vpn/ikepolicies", handler(s, ClassicVpn::create_ike_policy)),
            n("GET", "/v2.0/vpn/ikepolicies", handler(s, ClassicVpn::list_ike_policies)),
            n("GET", "/v2.0/vpn/ikepolicies/{ikepolicy_id}", handler(s, ClassicVpn::show_ike_policy)),
            n("PUT", "/v2.0/vpn/ikepolicies/{ikepolicy_id}", handler(s, ClassicVpn::update_ike_policy)),
            n("DELETE", "/v2.0/vpn/ikepolicies/{ikepolicy_id}", handler(s, ClassicVpn::delete_ike_policy)),
            n("POST", "/v2.0/vpn/ipsecpolicies", handler(s, ClassicVpn::create_ipsec_policy)),
            n("GET", "/v2.0/vpn/ipsecpolicies", handler(s, ClassicVpn::list_ipsec_policies)),
            n("GET", "/v2.0/vpn/ipsecpolicies/{ipsecpolicy_id}", handler(s, ClassicVpn::show_ipsec_policy)),
            n("PUT", "/v2.0/vpn/ipsecpolicies/{ipsecpolicy_id}", handler(s, ClassicVpn::update_ipsec_policy)),
            n("DELETE", "/v2.0/vpn/ipsecpolicies/{ipsecpolicy_id}", handler(s, ClassicVpn::delete_ipsec_policy)),
            n("POST", "/v2.0/vpn/vpnservices", handler(s, ClassicVpn::create_service)),
            n("GET", "/v2.0/vpn/vpnservices", handler(s, ClassicVpn::list_services)),
            n("GET", "/v2.0/vpn/vpnservices/{service_id}", handler(s, ClassicVpn::show_service)),
            n("PUT", "/v2.0/vpn/vpnservices/{service_id}", handler(s, ClassicVpn::update_service)),
            n("DELETE", "/v2.0/vpn/vpnservices/{service_id}", handler(s, ClassicVpn::delete_service)),
            n("POST", "/v2.0/vpn/endpoint-groups", handler(s, ClassicVpn::create_endpoint_group)),
            n("GET", "/v2.0/vpn/endpoint-groups", handler(s, ClassicVpn::list_endpoint_groups)),
            n("GET", "/v2.0/vpn/endpoint-groups/{endpoint_group_id}", handler(s, ClassicVpn::show_endpoint_group)),
            n("PUT", "/v2.0/vpn/endpoint-groups/{endpoint_group_id}", handler(s, ClassicVpn::update_endpoint_group)),
            n("DELETE", "/v2.0/vpn/endpoint-groups/{endpoint_group_id}", handler(s, ClassicVpn::delete_endpoint_group)),
            n("POST", "/v2.0/vpn/ipsec-site-connections", handler(s, ClassicVpn::create_connection)),
            n("GET", "/v2.0/vpn/ipsec-site-connections", handler(s, ClassicVpn::list_connections)),
            n("GET", "/v2.0/vpn/ipsec-site-connections/{connection_id}", handler(s, ClassicVpn::show_connection)),
            n("PUT", "/v2.0/vpn/ipsec-site-connections/{connection_id}", handler(s, ClassicVpn::update_connection)),
            n("DELETE", "/v2.0/vpn/ipsec-site-connections/{connection_id}", handler(s, ClassicVpn::delete_connection)),
            t("POST", "/v2.0/{project_id}/ipsec-site-connections/{resource_id}/tags", handler(s, ClassicVpn::tag_create)),
            t("GET", "/v2.0/{project_id}/ipsec-site-connections/{resource_id}/tags", handler(s, ClassicVpn::tag_list)),
            t("DELETE", "/v2.0/{project_id}/ipsec-site-connections/{resource_id}/tags/{key}", handler(s, ClassicVpn::tag_delete)),
            t("POST", "/v2.0/{project_id}/ipsec-site-connections/{resource_id}/tags/action", handler(s, ClassicVpn::tag_action)),
            // Literal segments beat `{resource_id}` in the router, so these
            // two are not read as a connection called `tags`/`resource_instances`.
            t("GET", "/v2.0/{project_id}/ipsec-site-connections/tags", handler(s, ClassicVpn::tag_project)),
            t("POST", "/v2.0/{project_id}/ipsec-site-connections/resource_instances/action", handler(s, ClassicVpn::tag_instances)),
        ]
    }
}
