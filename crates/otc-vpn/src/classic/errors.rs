//! Classic VPN refusals in Neutron's words: the NeutronError `type` is the
//! exception class (neutron-lib `exceptions/vpn.py`), the message its
//! text. OTC's own VPN codes (`VPC.10xx`, common_parameters/error_codes)
//! keep their code and table text and are typed `BadRequest`, as the
//! Neutron facade of the VPC crate types its 400s.

use otc_core::ApiError;
use otc_vpc::model::{Fault, Res};

otc_core::refusal! {
    /// A refusal of the classic API; the error type of its model, so that the
    /// network model's faults and store errors convert into it with `?`.
    pub struct Refusal;
    storage(e: otc_store::StoreError) => ApiError::internal(e.to_string());
}

pub type CResult<T> = Result<T, Refusal>;

/// Network faults met on the way (a missing router or subnet, a taken
/// public address) in the words of the Neutron facade.
impl From<Fault> for Refusal {
    fn from(f: Fault) -> Self {
        Refusal(match f {
            Fault::NotFound(Res::Subnet | Res::Network, id) => typed(404, "SubnetNotFound", format!("Subnet {id} could not be found")),
            Fault::IpInUse { .. } => otc_code("VPC.1019", "The local gateway IP address you specified is in use."),
            Fault::Invalid(Res::Eip, msg) => bad(format!("Invalid input for external_v4_ip. Reason: {msg}")),
            other => otc_vpc::errors::neutron(other),
        })
    }
}

/// An error whose code is its NeutronError type.
pub fn typed(status: u16, kind: &str, msg: impl Into<String>) -> ApiError {
    ApiError::new(status, kind, msg).with_kind(kind)
}

/// A 400 `BadRequest`: malformed or invalid attributes.
pub fn bad(msg: impl Into<String>) -> ApiError {
    typed(400, "BadRequest", msg)
}

/// `Invalid input for <attr>. Reason: <reason>.`
pub fn invalid(attr: &str, reason: impl AsRef<str>) -> ApiError {
    bad(format!("Invalid input for {attr}. Reason: {}.", reason.as_ref()))
}

/// One of OTC's VPN codes from the error-code table, shown as a 400
/// `BadRequest` with the table's text (the code stays the error's code).
pub fn otc_code(code: &str, text: &str) -> ApiError {
    ApiError::new(400, code, text).with_kind("BadRequest")
}

/// A VPN service or connection still settling.
pub fn state_invalid(status: &str, id: &str) -> ApiError {
    typed(400, "VPNStateInvalidToUpdate", format!("Invalid state {status} of vpnaas resource {id} for updating"))
}

/// The five resources, for their not-found errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IkePolicy,
    IpsecPolicy,
    Service,
    EndpointGroup,
    Connection,
}

pub fn not_found(kind: Kind, id: &str) -> Refusal {
    Refusal(match kind {
        Kind::IkePolicy => typed(404, "IKEPolicyNotFound", format!("IKEPolicy {id} could not be found")),
        Kind::IpsecPolicy => typed(404, "IPsecPolicyNotFound", format!("IPsecPolicy {id} could not be found")),
        Kind::Service => typed(404, "VPNServiceNotFound", format!("VPNService {id} could not be found")),
        Kind::EndpointGroup => typed(404, "VPNEndpointGroupNotFound", format!("Endpoint group {id} could not be found")),
        Kind::Connection => typed(404, "IPsecSiteConnectionNotFound", format!("ipsec_site_connection {id} not found")),
    })
}

/// Deleting something a connection still uses. (Upstream answers 400 for
/// an endpoint group, 409 for the rest.)
pub fn in_use(kind: Kind, id: &str) -> Refusal {
    Refusal(match kind {
        Kind::IkePolicy => typed(
            409,
            "IKEPolicyInUse",
            format!("IKEPolicy {id} is in use by existing IPsecSiteConnection and can't be updated or deleted"),
        ),
        Kind::IpsecPolicy => typed(
            409,
            "IPsecPolicyInUse",
            format!("IPsecPolicy {id} is in use by existing IPsecSiteConnection and can't be updated or deleted"),
        ),
        Kind::Service => typed(409, "VPNServiceInUse", format!("VPNService {id} is still in use")),
        Kind::EndpointGroup => typed(400, "EndpointGroupInUse", format!("Endpoint group {id} is in use and cannot be deleted")),
        Kind::Connection => typed(409, "Conflict", format!("ipsec_site_connection {id} is in use")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_faults_read_as_neutron() {
        let Refusal(e) = Fault::NotFound(Res::Vpc, "r".into()).into();
        assert_eq!((e.status, e.kind.as_deref(), e.message.as_str()), (404, Some("RouterNotFound"), "Router r could not be found"));
        let Refusal(e) = Fault::NotFound(Res::Subnet, "s".into()).into();
        assert_eq!(e.message, "Subnet s could not be found");
        let Refusal(e) = Fault::IpInUse { ip: "1.2.3.4".into(), network_id: "n".into() }.into();
        assert_eq!((e.status, e.code.as_str()), (400, "VPC.1019"));
    }

    #[test]
    fn endpoint_groups_in_use_are_400() {
        assert_eq!(in_use(Kind::EndpointGroup, "g").0.status, 400);
        assert_eq!(in_use(Kind::IkePolicy, "p").0.status, 409);
        assert_eq!(not_found(Kind::Connection, "c").0.message, "ipsec_site_connection c not found");
    }
}
