//! Customer gateways: the on-premises end of a VPN connection, identified
//! by its public IPv4 address (`id_type` `ip`; `fqdn` is documented as
//! not supported yet) and, for BGP connections, its AS number.

use super::{CustomerGateway, VpnResult, Vpns, CONNECTION, CUSTOMER_GATEWAY};
use crate::errors::{invalid, not_found, vpn_error};
use otc_core::tags::Tag;
use otc_core::ApiError;
use std::net::Ipv4Addr;

/// What a caller asks for; already read from the body, not yet checked.
#[derive(Debug, Clone)]
pub struct CgwSpec {
    pub name: String,
    pub id_type: String,
    pub id_value: String,
    pub bgp_asn: Option<i64>,
    pub tags: Vec<Tag>,
}

/// An IPv4 address as the documented codes see it: VPN.0203 when it is
/// not one, VPN.0204 for multicast, class E and loopback addresses.
pub fn check_public_ipv4(s: &str) -> Result<Ipv4Addr, ApiError> {
    let ip: Ipv4Addr = s.parse().map_err(|_| vpn_error("VPN.0203", &[]))?;
    // 224.0.0.0/3 covers class D and class E (and the broadcast address).
    if ip.octets()[0] >= 224 || ip.is_loopback() {
        return Err(vpn_error("VPN.0204", &[]));
    }
    Ok(ip)
}

/// The identity rules of a customer gateway: type `ip` (default), the
/// address itself as value, an AS number in 1..=2^32-1.
fn check_spec(spec: &CgwSpec) -> Result<(), ApiError> {
    match spec.id_type.as_str() {
        "ip" => {}
        "fqdn" => return Err(vpn_error("VPN.0013", &["id_type fqdn"])),
        other => return Err(invalid(format!("id_type {other} is invalid"))),
    }
    if spec.id_value.is_empty() || spec.id_value.chars().count() > 128 {
        return Err(invalid("id_value must have 1 to 128 characters"));
    }
    check_public_ipv4(&spec.id_value)?;
    if let Some(asn) = spec.bgp_asn {
        if !(1..=u32::MAX as i64).contains(&asn) {
            return Err(invalid(format!("bgp_asn {asn} is out of range 1-4294967295")));
        }
    }
    Ok(())
}

impl Vpns<'_, '_> {
    /// A customer gateway of this project (VPN.0004 otherwise).
    pub fn customer_gateway(&mut self, id: &str) -> VpnResult<CustomerGateway> {
        Ok(self.net.find::<CustomerGateway>(CUSTOMER_GATEWAY, id)?.ok_or_else(not_found)?)
    }

    pub fn customer_gateways(&mut self) -> VpnResult<Vec<CustomerGateway>> {
        Ok(self.net.all(CUSTOMER_GATEWAY)?)
    }

    pub fn create_customer_gateway(&mut self, spec: CgwSpec) -> VpnResult<CustomerGateway> {
        check_spec(&spec)?;
        let quota = self.cfg.quotas.customer_gateway;
        if self.net.count(CUSTOMER_GATEWAY)? >= quota {
            return Err(invalid(format!("the customer gateway quota ({quota}) is used up")).into());
        }
        let created_at = self.fresh_created_at::<CustomerGateway>(CUSTOMER_GATEWAY, |c| c.created_at)?;
        let cgw = CustomerGateway {
            id: otc_core::ids::uuid(),
            project_id: self.net.project.to_string(),
            name: spec.name,
            id_type: spec.id_type,
            id_value: spec.id_value,
            bgp_asn: spec.bgp_asn.map(|a| a as u64),
            tags: spec.tags,
            created_at,
            updated_at: created_at,
        };
        self.net.insert(CUSTOMER_GATEWAY, &cgw.id, None, &cgw)?;
        Ok(cgw)
    }

    /// Only the name can change ("Only the gateway name and certificate
    /// can be updated", and OTC has no certificate mode). Any successful
    /// update stamps `updated_at`.
    pub fn rename_customer_gateway(&mut self, id: &str, name: Option<String>) -> VpnResult<CustomerGateway> {
        let mut cgw = self.customer_gateway(id)?;
        if let Some(n) = name {
            cgw.name = n;
        }
        cgw.updated_at = self.now();
        self.net.update(CUSTOMER_GATEWAY, id, None, &cgw)?;
        Ok(cgw)
    }

    /// Refused while any connection of the project uses it, as the
    /// reference's example shows.
    pub fn delete_customer_gateway(&mut self, id: &str) -> VpnResult<()> {
        self.customer_gateway(id)?;
        if self.connections()?.iter().any(|c| c.cgw_id == id) {
            return Err(invalid(format!("customer gateway {id} has connection")).into());
        }
        self.net.remove(CUSTOMER_GATEWAY, id)?;
        Ok(())
    }

    /// Every connection of the project, unsettled (for relations only).
    pub(crate) fn connections(&mut self) -> VpnResult<Vec<super::Connection>> {
        Ok(self.net.all(CONNECTION)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id_type: &str, value: &str, asn: Option<i64>) -> CgwSpec {
        CgwSpec { name: "c".into(), id_type: id_type.into(), id_value: value.into(), bgp_asn: asn, tags: vec![] }
    }

    fn code(r: Result<(), ApiError>) -> String {
        r.err().map(|e| e.code.to_string()).unwrap_or_default()
    }

    #[test]
    fn identity_rules() {
        assert!(check_spec(&spec("ip", "88.1.2.3", Some(65000))).is_ok());
        assert_eq!(code(check_spec(&spec("fqdn", "a.example", None))), "VPN.0013");
        assert_eq!(code(check_spec(&spec("dns", "1.2.3.4", None))), "VPN.0001");
        assert_eq!(code(check_spec(&spec("ip", "1.2.3", None))), "VPN.0203");
        assert_eq!(code(check_spec(&spec("ip", "224.0.0.1", None))), "VPN.0204");
        assert_eq!(code(check_spec(&spec("ip", "240.0.0.1", None))), "VPN.0204");
        assert_eq!(code(check_spec(&spec("ip", "127.0.0.1", None))), "VPN.0204");
        assert_eq!(code(check_spec(&spec("ip", "1.2.3.4", Some(0)))), "VPN.0001");
        assert_eq!(code(check_spec(&spec("ip", "1.2.3.4", Some(4294967296)))), "VPN.0001");
        assert!(check_spec(&spec("ip", "1.2.3.4", Some(4294967295))).is_ok());
    }
}
