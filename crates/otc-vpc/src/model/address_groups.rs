//! VPC v3 IP address groups (vpc_apis_v3/ip_address_group): named sets of
//! addresses, ranges and CIDR blocks of one IP version that network ACL
//! rules name as their source or destination.
//!
//! A group a rule uses cannot be deleted (409 `VPC.9907`); the force
//! delete removes the group and the rules that use it in one
//! transaction. Security-group rules cannot name groups yet
//! (`Net::create_rule` refuses `remote_address_group_id`), so only ACL
//! rules are checked.

use super::network_acls::NETWORK_ACL;
use super::*;
use otc_core::ids;

pub const ADDRESS_GROUP: &str = "vpc.address_group";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AddressEntry {
    pub ip: String,
    pub remarks: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AddressGroup {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub ip_version: u8,
    pub max_capacity: u32,
    pub entries: Vec<AddressEntry>,
    pub enterprise_project_id: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

crate::owned!(AddressGroup);

#[derive(Debug, Clone, Default)]
pub struct GroupSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub ip_version: u8,
    pub max_capacity: Option<u32>,
    pub entries: Option<Vec<AddressEntry>>,
    pub enterprise_project_id: Option<String>,
}

impl Net<'_> {
    pub fn address_group(&mut self, id: &str) -> ModelResult<AddressGroup> {
        self.get(ADDRESS_GROUP, Res::AddressGroup, id)
    }

    pub fn address_groups(&mut self) -> ModelResult<Vec<AddressGroup>> {
        self.all(ADDRESS_GROUP)
    }

    fn check_capacity(g: &AddressGroup) -> ModelResult<()> {
        if g.entries.len() > g.max_capacity as usize {
            return Err(Fault::Quota(Res::AddressGroupEntry));
        }
        Ok(())
    }

    pub fn create_address_group(&mut self, spec: GroupSpec) -> ModelResult<AddressGroup> {
        if self.count(ADDRESS_GROUP)? >= self.cfg.quotas.address_group {
            return Err(Fault::Quota(Res::AddressGroup));
        }
        let g = AddressGroup {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: spec.name.unwrap_or_default(),
            description: spec.description.unwrap_or_default(),
            ip_version: spec.ip_version,
            max_capacity: spec.max_capacity.unwrap_or(20),
            entries: spec.entries.unwrap_or_default(),
            enterprise_project_id: spec.enterprise_project_id.unwrap_or_else(|| "0".into()),
            created_at: self.now,
            updated_at: self.now,
        };
        Self::check_capacity(&g)?;
        self.insert(ADDRESS_GROUP, &g.id, None, &g)?;
        Ok(g)
    }

    /// Name, description, capacity and entries; entries of the other IP
    /// version were refused by the facade, which knows the group's version
    /// only through this read.
    pub fn update_address_group(&mut self, id: &str, spec: GroupSpec) -> ModelResult<AddressGroup> {
        let mut g = self.address_group(id)?;
        if let Some(n) = spec.name {
            g.name = n;
        }
        if let Some(d) = spec.description {
            g.description = d;
        }
        if let Some(m) = spec.max_capacity {
            g.max_capacity = m;
        }
        if let Some(e) = spec.entries {
            g.entries = e;
        }
        Self::check_capacity(&g)?;
        g.updated_at = self.now;
        self.update(ADDRESS_GROUP, &g.id.clone(), None, &g)?;
        Ok(g)
    }

    /// An ACL rule's groups exist here and share the rule's IP version.
    pub fn check_rule_address_groups(&mut self, ip_version: u8, ids: [Option<&str>; 2]) -> ModelResult<()> {
        for id in ids.into_iter().flatten() {
            let g = self.address_group(id)?;
            if g.ip_version != ip_version {
                return Err(Fault::Invalid(
                    Res::AddressGroup,
                    format!("Rule ip_version {ip_version} and address_group ip_version {} not match", g.ip_version),
                ));
            }
        }
        Ok(())
    }

    pub fn delete_address_group(&mut self, id: &str, force: bool) -> ModelResult<()> {
        let g = self.address_group(id)?;
        let uses = |r: &super::network_acls::AclRule| {
            r.source_address_group_id.as_deref() == Some(&g.id) || r.destination_address_group_id.as_deref() == Some(&g.id)
        };
        for mut acl in self.network_acls()? {
            if !acl.ingress_rules.iter().chain(&acl.egress_rules).any(uses) {
                continue;
            }
            if !force {
                return Err(Fault::InUse(Res::AddressGroup, g.id.clone(), Dependency::FirewallInUse));
            }
            acl.ingress_rules.retain(|r| !uses(r));
            acl.egress_rules.retain(|r| !uses(r));
            acl.updated_at = self.now;
            self.update(NETWORK_ACL, &acl.id.clone(), None, &acl)?;
        }
        self.remove(ADDRESS_GROUP, &g.id)
    }
}
