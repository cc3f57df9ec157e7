//! The classic VPN model of a project, inside the network model's
//! transaction ([`Classic`] wraps [`Net`]):
//!
//! - IKE and IPsec policies are plain documents;
//! - a [`VpnService`] sits on a VPC (a Neutron router) and optionally one
//!   of its subnets; it holds both (the network model refuses to delete
//!   them meanwhile) and owns a public address claimed from the same pool
//!   as EIPs, so no EIP can get it;
//! - an [`EndpointGroup`] lists subnets (holding them) or peer CIDRs;
//! - a [`SiteConnection`] joins a service, two policies and either two
//!   endpoint groups or (legacy, a service with a subnet) peer CIDRs.
//!
//! Services and connections move from PENDING_CREATE / PENDING_UPDATE to
//! ACTIVE / DOWN after `[vpn] connection_seconds` on the emulator's clock,
//! settled when read.

pub mod connections;
pub mod endpoint_groups;
pub mod policies;
pub mod services;

use super::errors::{not_found, CResult, Kind};
use crate::VpnConfig;
use chrono::Duration;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_vpc::model::{Net, Owned};
use serde::{Deserialize, Serialize};

pub const IKE_POLICY: &str = "vpn.ikepolicy";
pub const IPSEC_POLICY: &str = "vpn.ipsecpolicy";
/// Keyed by the router (one service per VPC).
pub const SERVICE: &str = "vpn.vpnservice";
pub const ENDPOINT_GROUP: &str = "vpn.endpoint_group";
/// Keyed by the VPN service.
pub const SITE_CONNECTION: &str = "vpn.ipsec_site_connection";

/// How a service's hold on its router and subnet is labelled.
pub const HOLDER_SERVICE: &str = "VPN service";
pub const HOLDER_ENDPOINT_GROUP: &str = "VPN endpoint group";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lifetime {
    pub units: String,
    pub value: i64,
}

impl Default for Lifetime {
    fn default() -> Self {
        Lifetime { units: "seconds".into(), value: 3600 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IkePolicy {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub auth_algorithm: String,
    pub encryption_algorithm: String,
    pub pfs: String,
    pub phase1_negotiation_mode: String,
    pub ike_version: String,
    pub lifetime: Lifetime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IpsecPolicy {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub transform_protocol: String,
    pub auth_algorithm: String,
    pub encapsulation_mode: String,
    pub encryption_algorithm: String,
    pub pfs: String,
    pub lifetime: Lifetime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VpnService {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub router_id: String,
    /// Set: legacy mode (connections name peer CIDRs, not endpoint groups).
    pub subnet_id: Option<String>,
    pub external_v4_ip: String,
    pub status: String,
    pub status_since: Timestamp,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointGroup {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    /// `subnet` or `cidr`.
    pub endpoint_type: String,
    pub endpoints: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dpd {
    pub action: String,
    pub interval: i64,
    pub timeout: i64,
}

impl Default for Dpd {
    fn default() -> Self {
        Dpd { action: "hold".into(), interval: 30, timeout: 120 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteConnection {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub psk: String,
    pub initiator: String,
    pub ipsecpolicy_id: String,
    pub ikepolicy_id: String,
    pub vpnservice_id: String,
    pub mtu: i64,
    pub local_ep_group_id: Option<String>,
    pub peer_ep_group_id: Option<String>,
    pub peer_cidrs: Vec<String>,
    pub peer_address: String,
    pub peer_id: String,
    pub local_id: String,
    pub dpd: Dpd,
    pub tags: Vec<Tag>,
    pub status: String,
    pub status_since: Timestamp,
    pub created_at: Timestamp,
}

otc_vpc::owned!(IkePolicy, IpsecPolicy, VpnService, EndpointGroup, SiteConnection);

/// One project's classic VPN inside the network model's transaction.
pub struct Classic<'n, 'a> {
    pub net: &'n mut Net<'a>,
    pub cfg: &'n VpnConfig,
}

impl Classic<'_, '_> {
    /// A document of this project, or the resource's 404.
    fn load<T: otc_store::Document + Owned>(&mut self, kind: &str, what: Kind, id: &str) -> CResult<T> {
        self.net.find::<T>(kind, id)?.ok_or_else(|| not_found(what, id))
    }

    /// Where a status stands now: PENDING_* settle to `settled` once
    /// `connection_seconds` have passed.
    fn settled(&self, status: &str, since: Timestamp, settled: &'static str) -> String {
        let after = Duration::seconds(self.cfg.connection_seconds);
        let table = [Transition { from: "PENDING_CREATE", to: settled, after }, Transition { from: "PENDING_UPDATE", to: settled, after }];
        settle(&table, &Stage { status: status.to_string(), since }, self.net.now).0.status
    }

    pub fn connections(&mut self) -> CResult<Vec<SiteConnection>> {
        let mut all: Vec<SiteConnection> = self.net.all(SITE_CONNECTION)?;
        for c in &mut all {
            c.status = self.settled(&c.status, c.status_since, "DOWN");
        }
        Ok(all)
    }
}

/// `a` and `b` share addresses.
pub fn overlaps(a: &ipnet::IpNet, b: &ipnet::IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}
