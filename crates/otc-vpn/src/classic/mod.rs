//! Classic VPN (native OpenStack VPNaaS v2.0 on the VPC endpoint, and
//! OTC's tag APIs of IPsec site connections): [`model`] (the five
//! resources inside the network model's transaction), [`api`] (the
//! Neutron facade), [`tags`] (connection tags), [`attrs`] (Neutron's
//! attribute rules), [`errors`] (the refusals in Neutron's words).

pub mod api;
pub mod attrs;
pub mod errors;
pub mod model;
mod ops;
pub mod tags;

/// A malformed body, in Neutron's words (the classic API is Neutron's).
pub fn bad_body(msg: &str) -> otc_core::ApiError {
    otc_vpc::errors::neutron_bad_body(msg)
}
