//! The one network model of a project. Every API facade (VPC v1/v2.0,
//! Neutron v2.0, VPC v3) reads and changes these documents, so what one
//! API creates the others see:
//!
//! - a VPC is a Neutron router ([`Router`]) with a CIDR;
//! - a VPC v1 subnet is a Neutron [`Network`] carrying one [`Subnet`] and a
//!   router interface (the v1 subnet id is the network id);
//! - private IPs, router interfaces and server NICs are [`Port`]s whose
//!   addresses are claimed one by one as `vpc.ip` records, so two requests
//!   can never get the same address;
//! - an EIP is a floating IP ([`Eip`]) on `admin_external_net` with a
//!   [`Bandwidth`], its address claimed from the public pool;
//! - security groups and rules are one set of objects under every API.
//!
//! All work happens inside one store transaction through [`Net`].

pub mod address_groups;
pub mod eips;
pub mod fault;
pub mod firewalls;
pub mod flow_logs;
pub mod holds;
pub mod network_acls;
pub mod peering;
pub mod ports;
pub mod quotas;
pub mod routers;
pub mod security_groups;
pub mod subnet_pools;
pub mod subnets;
pub mod v3_support;

pub use fault::{Dependency, Fault, ModelResult, Res};

use crate::VpcConfig;
use chrono::Duration;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_store::{ListQuery, Order, Tx, TxExt};
use serde::{Deserialize, Serialize};

pub const ROUTER: &str = "vpc.router";
pub const NETWORK: &str = "vpc.network";
pub const SUBNET: &str = "vpc.subnet";
pub const PORT: &str = "vpc.port";
pub const SECURITY_GROUP: &str = "vpc.security_group";
pub const SECURITY_GROUP_RULE: &str = "vpc.security_group_rule";
pub const EIP: &str = "vpc.eip";
pub const BANDWIDTH: &str = "vpc.bandwidth";
/// One claimed private address: id `{subnet_id}/{ip}`, key the subnet id.
pub const IP_CLAIM: &str = "vpc.ip";
/// Per subnet, the address below which every pool address is claimed.
pub const IP_FLOOR: &str = "vpc.ip_floor";
/// One claimed public address: id the address, scope [`PUBLIC_SCOPE`].
pub const PUBLIC_IP_CLAIM: &str = "vpc.public_ip";
pub const PUBLIC_SCOPE: &str = "public";
/// Marks a project whose defaults (the `default` security group) exist.
pub const PROJECT_INIT: &str = "vpc.project";

pub const EXTERNAL_NETWORK_NAME: &str = "admin_external_net";
/// Neutron's device owners the model gives meaning to.
pub const OWNER_ROUTER_INTERFACE: &str = "network:router_interface_distributed";
pub const OWNER_DHCP: &str = "network:dhcp";

/// A VPC, which Neutron shows as a router.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Router {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    /// Empty for routers created through Neutron without a CIDR.
    pub cidr: String,
    pub extend_cidrs: Vec<String>,
    pub status: String,
    pub status_since: Timestamp,
    pub admin_state_up: bool,
    /// `external_gateway_info` when the router has one.
    pub gateway: Option<RouterGateway>,
    pub routes: Vec<Route>,
    pub enterprise_project_id: String,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RouterGateway {
    pub network_id: String,
    pub enable_snat: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Route {
    pub destination: String,
    pub nexthop: String,
}

/// A Neutron network; with a subnet attached to a router it is a VPC v1
/// subnet (whose id is this network's id).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Network {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub admin_state_up: bool,
    pub shared: bool,
    pub mtu: u32,
    /// The VPC (router) this network's subnet is attached to.
    pub vpc_id: Option<String>,
    pub availability_zone: String,
    /// The VPC v1 status (UNKNOWN until settled, then ACTIVE).
    pub status: String,
    pub status_since: Timestamp,
    /// VPC v1/v2.0 subnet tags (key/value).
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub project_id: String,
    pub network_id: String,
    pub name: String,
    pub description: String,
    pub cidr: String,
    pub gateway_ip: Option<String>,
    pub enable_dhcp: bool,
    pub dns_nameservers: Vec<String>,
    pub allocation_pools: Vec<PoolDoc>,
    pub host_routes: Vec<Route>,
    /// VPC v1 `extra_dhcp_opts` (NTP servers, lease time).
    #[serde(default)]
    pub extra_dhcp_opts: Vec<DhcpOpt>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PoolDoc {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DhcpOpt {
    pub opt_name: String,
    pub opt_value: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FixedIp {
    pub subnet_id: String,
    pub ip_address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AddressPair {
    pub ip_address: String,
    pub mac_address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Port {
    pub id: String,
    pub project_id: String,
    pub network_id: String,
    pub name: String,
    pub description: String,
    pub admin_state_up: bool,
    pub mac_address: String,
    pub fixed_ips: Vec<FixedIp>,
    pub device_id: String,
    pub device_owner: String,
    pub security_groups: Vec<String>,
    pub allowed_address_pairs: Vec<AddressPair>,
    pub port_security_enabled: bool,
    pub binding_host_id: String,
    pub binding_vnic_type: String,
    pub extra_dhcp_opts: Vec<serde_json::Value>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Port {
    /// Neutron's port status: a port is ACTIVE once a device uses it.
    pub fn status(&self) -> &'static str {
        if !self.device_owner.is_empty() && (!self.device_id.is_empty() || self.device_owner == OWNER_DHCP) {
            "ACTIVE"
        } else {
            "DOWN"
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub enterprise_project_id: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityGroupRule {
    pub id: String,
    pub project_id: String,
    pub security_group_id: String,
    pub direction: String,
    pub ethertype: String,
    pub protocol: Option<String>,
    pub port_range_min: Option<u32>,
    pub port_range_max: Option<u32>,
    pub remote_ip_prefix: Option<String>,
    pub remote_group_id: Option<String>,
    pub remote_address_group_id: Option<String>,
    pub description: String,
    pub action: String,
    pub priority: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An EIP: a floating IP on the external network with its bandwidth.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Eip {
    pub id: String,
    pub project_id: String,
    pub public_ip_address: String,
    /// `5_bgp` and friends.
    pub ip_type: String,
    pub bandwidth_id: String,
    pub port_id: Option<String>,
    pub private_ip_address: Option<String>,
    pub router_id: Option<String>,
    pub description: String,
    pub alias: String,
    pub enterprise_project_id: String,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Eip {
    pub fn status(&self) -> &'static str {
        if self.port_id.is_some() {
            "ACTIVE"
        } else {
            "DOWN"
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bandwidth {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub size: u32,
    /// PER (dedicated to one EIP) or WHOLE (shared).
    pub share_type: String,
    pub charge_mode: String,
    pub bandwidth_type: String,
    pub enterprise_project_id: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// How long asynchronous creations stay in their first status.
fn transitions(settle_seconds: i64) -> [Transition; 2] {
    let after = Duration::seconds(settle_seconds);
    [Transition { from: "CREATING", to: "OK", after }, Transition { from: "UNKNOWN", to: "ACTIVE", after }]
}

/// One project's network inside one transaction.
pub struct Net<'a> {
    pub tx: &'a mut dyn Tx,
    pub project: &'a str,
    pub region: &'a str,
    pub now: Timestamp,
    pub cfg: &'a VpcConfig,
}

impl<'a> Net<'a> {
    /// The status a VPC or subnet shows now.
    pub fn settled(&self, status: &str, since: Timestamp) -> String {
        let (stage, _) = settle(&transitions(self.cfg.settle_seconds), &Stage { status: status.to_string(), since }, self.now);
        stage.status
    }

    /// A document of this project, or `NotFound`. Another project's
    /// document is as absent as a missing one.
    pub fn get<T: otc_store::Document + Owned>(&mut self, kind: &str, res: Res, id: &str) -> ModelResult<T> {
        match self.tx.get_doc::<T>(kind, id)? {
            Some(doc) if doc.project_id() == self.project => Ok(doc),
            _ => Err(Fault::NotFound(res, id.to_string())),
        }
    }

    pub fn find<T: otc_store::Document + Owned>(&mut self, kind: &str, id: &str) -> ModelResult<Option<T>> {
        Ok(self.tx.get_doc::<T>(kind, id)?.filter(|d| d.project_id() == self.project))
    }

    /// Every document of a kind in this project, in creation order.
    pub fn all<T: otc_store::Document>(&mut self, kind: &str) -> ModelResult<Vec<T>> {
        Ok(self.tx.list_docs(&ListQuery { kind, scope: Some(self.project), ..Default::default() })?)
    }

    /// At most `limit` documents of a kind in this project after `marker`,
    /// read from the store's index rather than from the whole collection;
    /// `None` when the marker is not one of them.
    pub fn page<T: otc_store::Document + Owned>(
        &mut self,
        kind: &str,
        marker: Option<&str>,
        limit: usize,
        order: Order,
    ) -> ModelResult<Option<Vec<T>>> {
        if let Some(m) = marker {
            if self.find::<T>(kind, m)?.is_none() {
                return Ok(None);
            }
        }
        let q = ListQuery { kind, scope: Some(self.project), after: marker, limit: Some(limit), order, ..Default::default() };
        Ok(Some(self.tx.list_docs(&q)?))
    }

    /// The documents of a kind in this project with secondary key `key`.
    pub fn keyed<T: otc_store::Document>(&mut self, kind: &str, key: &str) -> ModelResult<Vec<T>> {
        Ok(self.tx.list_docs(&ListQuery { kind, scope: Some(self.project), key: Some(key), ..Default::default() })?)
    }

    pub fn count(&mut self, kind: &str) -> ModelResult<usize> {
        Ok(self.tx.count(kind, Some(self.project))?)
    }

    pub fn insert<T: Serialize>(&mut self, kind: &str, id: &str, key: Option<&str>, doc: &T) -> ModelResult<()> {
        self.tx.insert_doc(kind, id, self.project, key, doc)?;
        Ok(())
    }

    pub fn update<T: Serialize>(&mut self, kind: &str, id: &str, key: Option<&str>, doc: &T) -> ModelResult<()> {
        self.tx.update_doc(kind, id, self.project, key, doc)?;
        Ok(())
    }

    pub fn remove(&mut self, kind: &str, id: &str) -> ModelResult<()> {
        self.tx.delete(kind, id)?;
        Ok(())
    }

    /// The id of `admin_external_net` in this region.
    pub fn external_network_id(&self) -> String {
        external_network_id(self.region)
    }
}

/// Documents that belong to a project.
pub trait Owned {
    fn project_id(&self) -> &str;
}

/// Implements [`Owned`] for documents with a `project_id` field; other
/// services' documents in the network model's transaction use it too.
#[macro_export]
macro_rules! owned {
    ($($t:ty),*) => {$(
        impl $crate::model::Owned for $t {
            fn project_id(&self) -> &str {
                &self.project_id
            }
        }
    )*};
}
owned!(Router, Network, Subnet, Port, SecurityGroup, SecurityGroupRule, Eip, Bandwidth);

/// `admin_external_net` has the id it has on OTC in eu-de; other regions
/// get a stable id of their own.
pub fn external_network_id(region: &str) -> String {
    if region == "eu-de" {
        return "0a2228f2-7f8a-45f1-8e09-9039e1d09975".to_string();
    }
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("otc-emulator/{region}/admin_external_net").as_bytes()).to_string()
}
