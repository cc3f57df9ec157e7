//! Per-project quotas: OTC's documented defaults, configurable, enforced
//! by the model and reported by the VPC v1 quota API.

use super::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Quotas {
    pub vpc: usize,
    pub subnet: usize,
    pub security_group: usize,
    pub security_group_rule: usize,
    pub public_ip: usize,
    pub share_bandwidth: usize,
    pub share_bandwidth_ip: usize,
    pub flow_log: usize,
    pub firewall: usize,
    pub address_group: usize,
}

/// The figures of the quota API's documented example.
impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            vpc: 150,
            subnet: 400,
            security_group: 100,
            security_group_rule: 5000,
            public_ip: 10,
            share_bandwidth: 5,
            share_bandwidth_ip: 20,
            flow_log: 10,
            firewall: 200,
            // The create doc's "default quota".
            address_group: 50,
        }
    }
}

/// One line of the quota report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaLine {
    pub kind: &'static str,
    pub used: usize,
    /// -1 is unlimited.
    pub quota: i64,
}

/// The resource types the quota API knows, in its documented order;
/// those the emulator does not model report their documented limit and
/// nothing used.
pub const QUOTA_TYPES: [&str; 18] = [
    "vpc",
    "subnet",
    "securityGroup",
    "securityGroupRule",
    "publicIp",
    "vpn",
    "vpcPeer",
    "physicalConnect",
    "virtualInterface",
    "firewall",
    "shareBandwidth",
    "shareBandwidthIP",
    "loadbalancer",
    "listener",
    "flow_log",
    "vpcContainRoutetable",
    "routetableContainRoutes",
    "address_group",
];

impl Net<'_> {
    pub fn quota_report(&mut self) -> ModelResult<Vec<QuotaLine>> {
        let q = self.cfg.quotas.clone();
        let shared: Vec<Bandwidth> = self.bandwidths()?.into_iter().filter(|b| b.share_type == "WHOLE").collect();
        let mut shared_ips = 0;
        for b in &shared {
            shared_ips = shared_ips.max(self.bandwidth_eips(&b.id)?.len());
        }
        let mut out = Vec::new();
        for kind in QUOTA_TYPES {
            let (used, quota) = match kind {
                "vpc" => (self.count(ROUTER)?, q.vpc as i64),
                "subnet" => (self.count(NETWORK)?, q.subnet as i64),
                "securityGroup" => (self.count(SECURITY_GROUP)?, q.security_group as i64),
                "securityGroupRule" => (self.count(SECURITY_GROUP_RULE)?, q.security_group_rule as i64),
                "publicIp" => (self.count(EIP)?, q.public_ip as i64),
                "shareBandwidth" => (shared.len(), q.share_bandwidth as i64),
                "shareBandwidthIP" => (shared_ips, q.share_bandwidth_ip as i64),
                "vpn" => (0, 5),
                "vpcPeer" => (0, 50),
                "physicalConnect" => (0, 10),
                "virtualInterface" => (0, 50),
                "firewall" => (self.count(super::firewalls::FW_GROUP)? + self.count(super::network_acls::NETWORK_ACL)?, q.firewall as i64),
                "flow_log" => (self.count(super::flow_logs::FLOW_LOG)?, q.flow_log as i64),
                "loadbalancer" | "listener" => (0, 10),
                "vpcContainRoutetable" => (0, 1),
                "routetableContainRoutes" => (0, 200),
                "address_group" => (self.count(super::address_groups::ADDRESS_GROUP)?, q.address_group as i64),
                _ => (0, -1),
            };
            out.push(QuotaLine { kind, used, quota });
        }
        Ok(out)
    }
}
