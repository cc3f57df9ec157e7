//! VPC v3 network ACLs (vpc_apis_v3/network_acl): a named set of ordered
//! inbound and outbound rules applied to subnets.
//!
//! The reference does not say whether these are FWaaS v2 groups under
//! another API ([`super::firewalls`]), and the shapes differ (rules inline
//! with their own ids, subnets instead of ports), so they are objects of
//! their own; both count against the one `firewall` quota, the only
//! quota the quota API names for either. A subnet is in at most one ACL
//! and is held by it ([`super::holds`]) while associated, so it cannot be
//! deleted under its ACL; an ACL with subnets cannot be deleted. Rules may
//! name IP address groups ([`super::address_groups`]) of their IP version.

use super::*;
use otc_core::ids;

pub const NETWORK_ACL: &str = "vpc.network_acl";

const HOLDER: &str = "network ACL";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AclRule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub action: String,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `any` or a protocol number.
    pub protocol: String,
    pub ip_version: u8,
    pub source_ip_address: Option<String>,
    pub destination_ip_address: Option<String>,
    pub source_port: Option<String>,
    pub destination_port: Option<String>,
    pub source_address_group_id: Option<String>,
    pub destination_address_group_id: Option<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NetworkAcl {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub admin_state_up: bool,
    pub enterprise_project_id: String,
    pub tags: Vec<Tag>,
    pub ingress_rules: Vec<AclRule>,
    pub egress_rules: Vec<AclRule>,
    /// Associated subnets (VPC v1 subnet = network ids), in order.
    pub subnets: Vec<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

crate::owned!(NetworkAcl);

impl NetworkAcl {
    /// ACTIVE while it applies to a subnet (create doc).
    pub fn status(&self) -> &'static str {
        if self.subnets.is_empty() {
            "INACTIVE"
        } else {
            "ACTIVE"
        }
    }

    pub fn rules_mut(&mut self, ingress: bool) -> &mut Vec<AclRule> {
        if ingress {
            &mut self.ingress_rules
        } else {
            &mut self.egress_rules
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AclChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state_up: Option<bool>,
    pub enterprise_project_id: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

impl Net<'_> {
    pub fn network_acl(&mut self, id: &str) -> ModelResult<NetworkAcl> {
        self.get(NETWORK_ACL, Res::FirewallGroup, id)
    }

    pub fn network_acls(&mut self) -> ModelResult<Vec<NetworkAcl>> {
        self.all(NETWORK_ACL)
    }

    pub fn create_network_acl(&mut self, name: String, ch: AclChange) -> ModelResult<NetworkAcl> {
        let used = self.count(NETWORK_ACL)? + self.count(super::firewalls::FW_GROUP)?;
        if used >= self.cfg.quotas.firewall {
            return Err(Fault::Quota(Res::FirewallGroup));
        }
        let acl = NetworkAcl {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name,
            description: ch.description.unwrap_or_default(),
            admin_state_up: ch.admin_state_up.unwrap_or(true),
            enterprise_project_id: ch.enterprise_project_id.unwrap_or_else(|| "0".into()),
            tags: ch.tags.unwrap_or_default(),
            ingress_rules: Vec::new(),
            egress_rules: Vec::new(),
            subnets: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(NETWORK_ACL, &acl.id, None, &acl)?;
        Ok(acl)
    }

    pub fn save_network_acl(&mut self, mut acl: NetworkAcl) -> ModelResult<NetworkAcl> {
        acl.updated_at = self.now;
        self.update(NETWORK_ACL, &acl.id.clone(), None, &acl)?;
        Ok(acl)
    }

    pub fn update_network_acl(&mut self, id: &str, ch: AclChange) -> ModelResult<NetworkAcl> {
        let mut acl = self.network_acl(id)?;
        if let Some(n) = ch.name {
            acl.name = n;
        }
        if let Some(d) = ch.description {
            acl.description = d;
        }
        if let Some(a) = ch.admin_state_up {
            acl.admin_state_up = a;
        }
        self.save_network_acl(acl)
    }

    /// Inserts rules of one direction after `after` (a rule of that
    /// direction) or at the head.
    pub fn insert_acl_rules(&mut self, id: &str, ingress: bool, rules: Vec<AclRule>, after: Option<&str>) -> ModelResult<NetworkAcl> {
        let mut acl = self.network_acl(id)?;
        for r in &rules {
            self.check_rule_address_groups(
                r.ip_version,
                [r.source_address_group_id.as_deref(), r.destination_address_group_id.as_deref()],
            )?;
        }
        let list = acl.rules_mut(ingress);
        let at = match after {
            None => 0,
            Some(a) => list.iter().position(|r| r.id == a).ok_or_else(|| Fault::NotFound(Res::FirewallRule, a.to_string()))? + 1,
        };
        for (i, r) in rules.into_iter().enumerate() {
            list.insert(at + i, r);
        }
        self.save_network_acl(acl)
    }

    /// Replaces one rule of a direction by id (the facade merged it).
    pub fn update_acl_rule(&mut self, id: &str, ingress: bool, rule: AclRule) -> ModelResult<NetworkAcl> {
        let mut acl = self.network_acl(id)?;
        self.check_rule_address_groups(
            rule.ip_version,
            [rule.source_address_group_id.as_deref(), rule.destination_address_group_id.as_deref()],
        )?;
        let slot = acl
            .rules_mut(ingress)
            .iter_mut()
            .find(|r| r.id == rule.id)
            .ok_or_else(|| Fault::NotFound(Res::FirewallRule, rule.id.clone()))?;
        *slot = rule;
        self.save_network_acl(acl)
    }

    pub fn remove_acl_rules(&mut self, id: &str, ingress: bool, rule_ids: &[String]) -> ModelResult<NetworkAcl> {
        let mut acl = self.network_acl(id)?;
        let list = acl.rules_mut(ingress);
        for r in rule_ids {
            let at = list.iter().position(|x| &x.id == r).ok_or_else(|| Fault::NotFound(Res::FirewallRule, r.clone()))?;
            list.remove(at);
        }
        self.save_network_acl(acl)
    }

    pub fn associate_acl_subnets(&mut self, id: &str, subnets: &[String]) -> ModelResult<NetworkAcl> {
        let mut acl = self.network_acl(id)?;
        let others = self.network_acls()?;
        for (i, s) in subnets.iter().enumerate() {
            // A VPC v1 subnet: a network attached to a VPC.
            let n = self.network(s)?;
            if n.vpc_id.is_none() {
                return Err(Fault::NotFound(Res::Subnet, s.clone()));
            }
            if subnets[..i].contains(s) || acl.subnets.contains(s) || others.iter().any(|o| o.id != acl.id && o.subnets.contains(s)) {
                return Err(Fault::InUse(Res::Subnet, s.clone(), Dependency::Held));
            }
        }
        for s in subnets {
            self.hold(s, HOLDER, &acl.id)?;
            acl.subnets.push(s.clone());
        }
        self.save_network_acl(acl)
    }

    pub fn disassociate_acl_subnets(&mut self, id: &str, subnets: &[String]) -> ModelResult<NetworkAcl> {
        let mut acl = self.network_acl(id)?;
        for s in subnets {
            let at = acl.subnets.iter().position(|x| x == s).ok_or_else(|| Fault::NotFound(Res::Subnet, s.clone()))?;
            acl.subnets.remove(at);
            self.release_hold(s, &acl.id)?;
        }
        self.save_network_acl(acl)
    }

    pub fn delete_network_acl(&mut self, id: &str) -> ModelResult<()> {
        let acl = self.network_acl(id)?;
        if !acl.subnets.is_empty() {
            return Err(Fault::InUse(Res::FirewallGroup, acl.id, Dependency::FirewallInUse));
        }
        self.remove(NETWORK_ACL, &acl.id)
    }
}
