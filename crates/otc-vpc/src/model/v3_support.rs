//! What VPC v3 knows about the shared objects beyond the common model:
//! its own secondary-CIDR rules, security group tags, and multiport rules
//! whose port lists a Neutron port range cannot hold.
//!
//! Tags and port lists live in side documents keyed by the object's id,
//! so the other facades keep reading the common documents unchanged. A
//! side document whose object was deleted through another API is never
//! read again (ids are UUIDs).

use super::*;
use crate::model::routers::MAX_EXTEND_CIDRS;
use crate::net::{overlaps, parse_cidr};
use ipnet::Ipv4Net;

/// A v3 security group's tags: id the group id.
pub const SG_TAGS: &str = "vpc.v3.security_group_tags";
/// A v3 rule's multiport list (`"22,3389,80"`): id the rule id.
pub const RULE_PORTS: &str = "vpc.v3.rule_multiport";

/// The blocks a secondary CIDR may not overlap, as the v3 reference lists
/// them (the private ranges are for primary CIDRs only).
pub const EXTEND_CIDR_BLACKLIST: [&str; 11] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "172.31.0.0/16",
    "100.64.0.0/10",
    "214.0.0.0/7",
    "198.18.0.0/15",
    "169.254.0.0/16",
    "0.0.0.0/8",
    "127.0.0.0/8",
    "240.0.0.0/4",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TagsDoc {
    project_id: String,
    tags: Vec<Tag>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PortsDoc {
    project_id: String,
    rule_id: String,
    multiport: String,
}

impl Owned for TagsDoc {
    fn project_id(&self) -> &str {
        &self.project_id
    }
}

impl Owned for PortsDoc {
    fn project_id(&self) -> &str {
        &self.project_id
    }
}

impl Net<'_> {
    /// Checks secondary CIDRs for a VPC the way v3 documents it, in order:
    /// format (VPC.9911), count (VPC.9912), conflict with the VPC's blocks
    /// or each other (VPC.9914), then the blacklist (VPC.9916). Writes
    /// nothing.
    pub fn check_extend_cidrs(&mut self, vpc_id: &str, cidrs: &[String]) -> ModelResult<()> {
        let router = self.router(vpc_id)?;
        let mut blocks: Vec<Ipv4Net> = router.extend_cidrs.iter().filter_map(|c| parse_cidr(c)).collect();
        if let Some(primary) = parse_cidr(&router.cidr) {
            blocks.push(primary);
        }
        for (i, c) in cidrs.iter().enumerate() {
            let Some(net) = parse_cidr(c) else {
                return Err(Fault::BadCidr(Res::Vpc, format!("Invalid CIDR block format {c}.")));
            };
            if router.extend_cidrs.len() + i >= MAX_EXTEND_CIDRS {
                return Err(Fault::CidrLimit);
            }
            if blocks.iter().any(|b| overlaps(b, &net)) {
                return Err(Fault::CidrConflict(c.clone()));
            }
            if EXTEND_CIDR_BLACKLIST.iter().map(|b| b.parse::<Ipv4Net>().expect("constant")).any(|b| overlaps(&b, &net)) {
                return Err(Fault::BadCidr(Res::Vpc, format!("The secondary CIDR block {c} overlaps with a blacklisted CIDR block.")));
            }
            blocks.push(net);
        }
        Ok(())
    }

    pub fn security_group_tags(&mut self, group_id: &str) -> ModelResult<Vec<Tag>> {
        Ok(self.find::<TagsDoc>(SG_TAGS, group_id)?.map(|d| d.tags).unwrap_or_default())
    }

    pub fn set_security_group_tags(&mut self, group_id: &str, tags: Vec<Tag>) -> ModelResult<()> {
        let doc = TagsDoc { project_id: self.project.to_string(), tags };
        if self.find::<TagsDoc>(SG_TAGS, group_id)?.is_some() {
            self.update(SG_TAGS, group_id, None, &doc)
        } else {
            self.insert(SG_TAGS, group_id, None, &doc)
        }
    }

    /// Deletes a group and what v3 kept about it.
    pub fn delete_security_group_v3(&mut self, group_id: &str) -> ModelResult<()> {
        let rules = self.rules_of(group_id)?;
        self.delete_security_group(group_id)?;
        if self.find::<TagsDoc>(SG_TAGS, group_id)?.is_some() {
            self.remove(SG_TAGS, group_id)?;
        }
        for r in rules {
            self.forget_rule_ports(&r.id)?;
        }
        Ok(())
    }

    /// The multiport list a v3 rule was created with, when a port range
    /// could not say it.
    pub fn rule_ports(&mut self, rule_id: &str) -> ModelResult<Option<String>> {
        Ok(self.find::<PortsDoc>(RULE_PORTS, rule_id)?.map(|d| d.multiport))
    }

    /// Every multiport list of the project, by rule id.
    pub fn all_rule_ports(&mut self) -> ModelResult<std::collections::HashMap<String, String>> {
        Ok(self.all::<PortsDoc>(RULE_PORTS)?.into_iter().map(|d| (d.rule_id, d.multiport)).collect())
    }

    pub fn set_rule_ports(&mut self, rule_id: &str, multiport: &str) -> ModelResult<()> {
        let doc = PortsDoc { project_id: self.project.to_string(), rule_id: rule_id.to_string(), multiport: multiport.to_string() };
        self.insert(RULE_PORTS, rule_id, None, &doc)
    }

    pub fn forget_rule_ports(&mut self, rule_id: &str) -> ModelResult<()> {
        if self.find::<PortsDoc>(RULE_PORTS, rule_id)?.is_some() {
            self.remove(RULE_PORTS, rule_id)?;
        }
        Ok(())
    }
}
