//! Classic VPN (native OpenStack VPNaaS v2.0 on the VPC endpoint).

mod ops;

/// A malformed body, in Neutron's words (the classic API is Neutron's).
pub fn bad_body(msg: &str) -> otc_core::ApiError {
    otc_vpc::errors::neutron_bad_body(msg)
}
