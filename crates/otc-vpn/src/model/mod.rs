//! The Enterprise VPN (v5) model of a project, inside the network model's
//! transaction ([`Vpns`] wraps [`Net`]):
//!
//! - a [`Gateway`] sits in a VPC: it holds two addresses of its access
//!   subnet as ports of the network model (owner `network:vpn_gateway`),
//!   and a public gateway binds its two EIPs to those ports, so the VPC
//!   APIs show them bound; EIPs the gateway created go with it;
//! - a [`CustomerGateway`] is the on-premises end;
//! - a [`Connection`] joins one gateway address to one customer gateway;
//! - a [`Monitor`] watches one connection.
//!
//! Refusals are the v5 API's documented errors ([`Refusal`]); statuses
//! move on the emulator's clock and are settled when read.

pub mod connections;
pub mod customer_gateways;
pub mod gateways;
pub mod monitors;
pub mod tags;

use crate::errors::{invalid, vpn_error};
use crate::VpnConfig;
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_core::ApiError;
use otc_vpc::model::{Fault, Net, Owned};
use serde::{Deserialize, Serialize};

pub const GATEWAY: &str = "vpn.gateway";
pub const CUSTOMER_GATEWAY: &str = "vpn.customer_gateway";
/// Keyed by the gateway id.
pub const CONNECTION: &str = "vpn.connection";
/// Keyed by the connection id.
pub const MONITOR: &str = "vpn.monitor";

/// The device owner of the ports a gateway holds in its subnets.
pub const OWNER_VPN_GATEWAY: &str = "network:vpn_gateway";

otc_core::refusal! {
    /// A refusal in the v5 API's words.
    pub struct Refusal;
    storage(e: otc_store::StoreError) => vpn_error("VPN.0002", &[&e.to_string()]);
}

/// Network faults met while placing a gateway, in the v5 API's words.
impl From<Fault> for Refusal {
    fn from(f: Fault) -> Self {
        Refusal(match f {
            Fault::NotFound(res, id) => invalid(format!("{} {id} not found", res.neutron_name())),
            Fault::IpInUse { ip, .. } => vpn_error("VPN.0111", &[&ip]),
            Fault::IpNotInSubnet { ip, subnet_id } => vpn_error("VPN.0104", &[&ip, &subnet_id]),
            Fault::Storage(e) => vpn_error("VPN.0002", &[&e]),
            other => invalid(format!("{other:?}")),
        })
    }
}

pub type VpnResult<T> = Result<T, Refusal>;

/// A gateway's EIP: which one, and whether the gateway created it (then
/// it is released with the gateway; otherwise only unbound).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GatewayEip {
    pub id: String,
    pub created_by_gateway: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gateway {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// `public` or `private`.
    pub network_type: String,
    /// `vpc` or `er`.
    pub attachment_type: String,
    pub ip_version: String,
    pub er_id: Option<String>,
    pub vpc_id: Option<String>,
    pub local_subnets: Vec<String>,
    /// The v1 subnet (network) id of `connect_subnet`, as the caller gave it.
    pub connect_subnet: Option<String>,
    pub bgp_asn: u64,
    /// As the caller gave it (`V300` stays `V300`).
    pub flavor: String,
    pub availability_zone_ids: Vec<String>,
    /// Whether the caller chose the AZs (then they show before ACTIVE).
    pub azs_given: bool,
    pub enterprise_project_id: String,
    pub eip1: Option<GatewayEip>,
    pub eip2: Option<GatewayEip>,
    pub access_vpc_id: String,
    pub access_subnet_id: String,
    pub access_private_ip_1: String,
    pub access_private_ip_2: String,
    /// The ports holding the gateway's addresses: access 1, access 2, then
    /// the connect subnet's two when it differs from the access subnet.
    pub ports: Vec<String>,
    /// `active-active` or `active-standby`.
    pub ha_mode: String,
    pub tags: Vec<Tag>,
    pub status: String,
    pub status_since: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerGateway {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub id_type: String,
    pub id_value: String,
    pub bgp_asn: Option<u64>,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PolicyRule {
    pub source: String,
    pub destination: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dpd {
    pub timeout: i64,
    pub interval: i64,
    pub msg: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IkePolicy {
    pub ike_version: String,
    pub phase1_negotiation_mode: String,
    pub authentication_algorithm: String,
    pub encryption_algorithm: String,
    pub dh_group: String,
    pub authentication_method: String,
    pub lifetime_seconds: i64,
    pub local_id_type: String,
    /// Set by the caller; otherwise the gateway address is answered.
    pub local_id: Option<String>,
    pub peer_id_type: String,
    /// Set by the caller; otherwise the customer gateway address.
    pub peer_id: Option<String>,
    pub dpd: Dpd,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IpsecPolicy {
    pub authentication_algorithm: String,
    pub encryption_algorithm: String,
    pub pfs: String,
    pub transform_protocol: String,
    pub lifetime_seconds: i64,
    pub encapsulation_mode: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub vgw_id: String,
    /// The gateway EIP id (public gateway) or private address.
    pub vgw_ip: String,
    /// `STATIC`, `POLICY` or `BGP`.
    pub style: String,
    pub cgw_id: String,
    pub peer_subnets: Vec<String>,
    pub tunnel_local_address: String,
    pub tunnel_peer_address: String,
    pub enable_nqa: bool,
    pub enable_hub: bool,
    /// Never answered.
    pub psk: Option<String>,
    pub policy_rules: Vec<PolicyRule>,
    pub ikepolicy: IkePolicy,
    pub ipsecpolicy: IpsecPolicy,
    /// `master` or `slave`.
    pub ha_role: String,
    pub enterprise_project_id: String,
    pub tags: Vec<Tag>,
    pub status: String,
    pub status_since: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Monitor {
    pub id: String,
    pub project_id: String,
    pub vpn_connection_id: String,
    pub source_ip: String,
    pub destination_ip: String,
    pub created_at: Timestamp,
}

otc_vpc::owned!(Gateway, CustomerGateway, Connection, Monitor);

/// One project's VPN inside the network model's transaction.
pub struct Vpns<'n, 'a> {
    pub net: &'n mut Net<'a>,
    pub cfg: &'n VpnConfig,
}

impl Vpns<'_, '_> {
    pub fn now(&self) -> Timestamp {
        self.net.now
    }

    /// A creation time for a new document of `kind` that no document of
    /// the project has, so `created_at` markers page unambiguously even on
    /// a frozen clock.
    pub fn fresh_created_at<T: otc_store::Document>(&mut self, kind: &str, created: impl Fn(&T) -> Timestamp) -> VpnResult<Timestamp> {
        let ms = chrono::Duration::milliseconds(1);
        let now = otc_core::time::parse(&otc_core::time::iso_millis(self.net.now)).unwrap_or(self.net.now);
        let latest = self.net.all::<T>(kind)?.iter().map(created).max();
        Ok(match latest {
            Some(l) if l >= now => l + ms,
            _ => now,
        })
    }
}
