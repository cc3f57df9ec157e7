//! FWaaS v2 (native_openstack_neutron_apis_v2.0/firewall, OTC's "network
//! ACL" of the Neutron API): rules, policies that order rules, and
//! firewall groups that apply an ingress and an egress policy to router
//! interface ports.
//!
//! A rule may sit in several policies but only once in each; a rule in a
//! policy and a policy used by a group cannot be deleted (Neutron's
//! `FirewallRuleInUse`, `FirewallPolicyInUse`). A port belongs to at most
//! one group and must be a router interface (`creating_a_firewall_group`
//! note). While bound, the group holds the port and its subnets
//! ([`super::holds`]), so the interface cannot be removed nor the subnet
//! deleted under it; deleting or unbinding the group releases them.
//!
//! Group status: `INACTIVE` without ports, else `ACTIVE`; a create or an
//! update that binds ports answers `PENDING_CREATE`/`PENDING_UPDATE`
//! (the reference's examples) and settles on the clock like a VPC. No
//! other state is shown: the Terraform provider waits for exactly
//! PENDING_* → ACTIVE|INACTIVE (`fw_firewall_group_v2`).

use super::*;
use otc_core::ids;

pub const FW_RULE: &str = "vpc.fw_rule";
pub const FW_POLICY: &str = "vpc.fw_policy";
pub const FW_GROUP: &str = "vpc.fw_group";

/// What a group's hold on its ports and subnets is called in refusals.
const HOLDER: &str = "firewall group";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FirewallRule {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    /// `tcp`, `udp`, `icmp` or a protocol number; `None` is any.
    pub protocol: Option<String>,
    pub source_port: Option<String>,
    pub destination_port: Option<String>,
    pub ip_version: u8,
    pub source_ip_address: Option<String>,
    pub destination_ip_address: Option<String>,
    pub action: String,
    pub enabled: bool,
    pub public: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FirewallPolicy {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    /// Rule ids in evaluation order.
    pub firewall_rules: Vec<String>,
    pub audited: bool,
    pub public: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FirewallGroup {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub ingress_firewall_policy_id: Option<String>,
    pub egress_firewall_policy_id: Option<String>,
    pub ports: Vec<String>,
    pub admin_state_up: bool,
    pub public: bool,
    /// `PENDING_CREATE`/`PENDING_UPDATE` since `status_since`, or `SETTLED`.
    pub stage: String,
    pub status_since: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

crate::owned!(FirewallRule, FirewallPolicy, FirewallGroup);

const SETTLED: &str = "SETTLED";

impl FirewallGroup {
    fn settled_status(&self) -> &'static str {
        if self.ports.is_empty() {
            "INACTIVE"
        } else {
            "ACTIVE"
        }
    }
}

/// The fields of a rule (create: all; update: merged by the facade).
#[derive(Debug, Clone, Default)]
pub struct RuleSpec {
    pub name: String,
    pub description: String,
    pub protocol: Option<String>,
    pub source_port: Option<String>,
    pub destination_port: Option<String>,
    pub ip_version: u8,
    pub source_ip_address: Option<String>,
    pub destination_ip_address: Option<String>,
    pub action: String,
    pub enabled: bool,
    pub public: bool,
}

#[derive(Debug, Clone, Default)]
pub struct PolicyChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub firewall_rules: Option<Vec<String>>,
    pub audited: Option<bool>,
    pub public: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct GroupChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub ingress_firewall_policy_id: Option<Option<String>>,
    pub egress_firewall_policy_id: Option<Option<String>>,
    pub ports: Option<Vec<String>>,
    pub admin_state_up: Option<bool>,
    pub public: Option<bool>,
}

/// A group as it reads now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    pub group: FirewallGroup,
    pub status: String,
}

/// Where `insert_rule` puts a rule: before wins over after.
#[derive(Debug, Clone, Default)]
pub struct Insertion {
    pub rule_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Net<'_> {
    // --- rules ------------------------------------------------------------

    pub fn fw_rule(&mut self, id: &str) -> ModelResult<FirewallRule> {
        self.get(FW_RULE, Res::FirewallRule, id)
    }

    pub fn fw_rules(&mut self) -> ModelResult<Vec<FirewallRule>> {
        self.all(FW_RULE)
    }

    pub fn create_fw_rule(&mut self, spec: RuleSpec) -> ModelResult<FirewallRule> {
        let r = FirewallRule {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: spec.name,
            description: spec.description,
            protocol: spec.protocol,
            source_port: spec.source_port,
            destination_port: spec.destination_port,
            ip_version: spec.ip_version,
            source_ip_address: spec.source_ip_address,
            destination_ip_address: spec.destination_ip_address,
            action: spec.action,
            enabled: spec.enabled,
            public: spec.public,
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(FW_RULE, &r.id, None, &r)?;
        Ok(r)
    }

    /// Replaces a rule's fields with `spec` (the facade merged the change
    /// into the current rule and checked the result as a whole).
    pub fn update_fw_rule(&mut self, id: &str, spec: RuleSpec) -> ModelResult<FirewallRule> {
        let old = self.fw_rule(id)?;
        let r = FirewallRule {
            name: spec.name,
            description: spec.description,
            protocol: spec.protocol,
            source_port: spec.source_port,
            destination_port: spec.destination_port,
            ip_version: spec.ip_version,
            source_ip_address: spec.source_ip_address,
            destination_ip_address: spec.destination_ip_address,
            action: spec.action,
            enabled: spec.enabled,
            public: spec.public,
            updated_at: self.now,
            ..old
        };
        self.update(FW_RULE, &r.id, None, &r)?;
        // A changed rule changes what its policies say: not audited any more.
        for mut p in self.fw_policies()?.into_iter().filter(|p| p.firewall_rules.contains(&r.id)) {
            p.audited = false;
            self.update(FW_POLICY, &p.id.clone(), None, &p)?;
        }
        Ok(r)
    }

    pub fn delete_fw_rule(&mut self, id: &str) -> ModelResult<()> {
        let r = self.fw_rule(id)?;
        if self.fw_policies()?.iter().any(|p| p.firewall_rules.contains(&r.id)) {
            return Err(Fault::InUse(Res::FirewallRule, r.id, Dependency::FirewallInUse));
        }
        self.remove(FW_RULE, &r.id)
    }

    // --- policies ---------------------------------------------------------

    pub fn fw_policy(&mut self, id: &str) -> ModelResult<FirewallPolicy> {
        self.get(FW_POLICY, Res::FirewallPolicy, id)
    }

    pub fn fw_policies(&mut self) -> ModelResult<Vec<FirewallPolicy>> {
        self.all(FW_POLICY)
    }

    /// Rule ids of this project, each at most once.
    fn check_rule_list(&mut self, rules: &[String]) -> ModelResult<()> {
        for (i, r) in rules.iter().enumerate() {
            self.fw_rule(r)?;
            if rules[..i].contains(r) {
                return Err(Fault::Invalid(Res::FirewallPolicy, format!("Firewall rule {r} is listed more than once.")));
            }
        }
        Ok(())
    }

    pub fn create_fw_policy(
        &mut self,
        name: String,
        description: String,
        rules: Vec<String>,
        audited: bool,
        public: bool,
    ) -> ModelResult<FirewallPolicy> {
        self.check_rule_list(&rules)?;
        let p = FirewallPolicy {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name,
            description,
            firewall_rules: rules,
            audited,
            public,
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(FW_POLICY, &p.id, None, &p)?;
        Ok(p)
    }

    fn save_policy(&mut self, mut p: FirewallPolicy, audited: Option<bool>) -> ModelResult<FirewallPolicy> {
        // Every change of a policy clears `audited` unless it sets it.
        p.audited = audited.unwrap_or(false);
        p.updated_at = self.now;
        self.update(FW_POLICY, &p.id, None, &p)?;
        Ok(p)
    }

    pub fn update_fw_policy(&mut self, id: &str, ch: PolicyChange) -> ModelResult<FirewallPolicy> {
        let mut p = self.fw_policy(id)?;
        if let Some(rules) = ch.firewall_rules {
            self.check_rule_list(&rules)?;
            p.firewall_rules = rules;
        }
        if let Some(n) = ch.name {
            p.name = n;
        }
        if let Some(d) = ch.description {
            p.description = d;
        }
        if let Some(s) = ch.public {
            p.public = s;
        }
        self.save_policy(p, ch.audited)
    }

    pub fn insert_fw_rule(&mut self, policy_id: &str, ins: Insertion) -> ModelResult<FirewallPolicy> {
        let mut p = self.fw_policy(policy_id)?;
        self.fw_rule(&ins.rule_id)?;
        if p.firewall_rules.contains(&ins.rule_id) {
            return Err(Fault::Duplicate(
                Res::FirewallRule,
                format!("Firewall rule {} is already associated with firewall policy {}.", ins.rule_id, p.id),
            ));
        }
        let position = |p: &FirewallPolicy, reference: &str| {
            p.firewall_rules.iter().position(|r| r == reference).ok_or_else(|| {
                Fault::Invalid(Res::FirewallPolicy, format!("Firewall rule {reference} is not associated with firewall policy {}.", p.id))
            })
        };
        let at = match (&ins.before, &ins.after) {
            (Some(b), _) => position(&p, b)?,
            (None, Some(a)) => position(&p, a)? + 1,
            (None, None) => 0,
        };
        p.firewall_rules.insert(at, ins.rule_id);
        self.save_policy(p, None)
    }

    pub fn remove_fw_rule(&mut self, policy_id: &str, rule_id: &str) -> ModelResult<FirewallPolicy> {
        let mut p = self.fw_policy(policy_id)?;
        self.fw_rule(rule_id)?;
        let Some(at) = p.firewall_rules.iter().position(|r| r == rule_id) else {
            return Err(Fault::Invalid(
                Res::FirewallPolicy,
                format!("Firewall rule {rule_id} is not associated with firewall policy {}.", p.id),
            ));
        };
        p.firewall_rules.remove(at);
        self.save_policy(p, None)
    }

    pub fn delete_fw_policy(&mut self, id: &str) -> ModelResult<()> {
        let p = self.fw_policy(id)?;
        let used = self
            .fw_groups_raw()?
            .iter()
            .any(|g| g.ingress_firewall_policy_id.as_deref() == Some(&p.id) || g.egress_firewall_policy_id.as_deref() == Some(&p.id));
        if used {
            return Err(Fault::InUse(Res::FirewallPolicy, p.id, Dependency::FirewallInUse));
        }
        self.remove(FW_POLICY, &p.id)
    }

    // --- groups -----------------------------------------------------------

    fn group_state(&self, g: FirewallGroup) -> GroupState {
        let from: &'static str = match g.stage.as_str() {
            "PENDING_CREATE" => "PENDING_CREATE",
            "PENDING_UPDATE" => "PENDING_UPDATE",
            _ => SETTLED,
        };
        let t = [Transition { from, to: SETTLED, after: Duration::seconds(self.cfg.settle_seconds) }];
        let (stage, _) = settle(&t, &Stage { status: from.to_string(), since: g.status_since }, self.now);
        let status = if stage.status == SETTLED { g.settled_status().to_string() } else { stage.status };
        GroupState { group: g, status }
    }

    fn fw_groups_raw(&mut self) -> ModelResult<Vec<FirewallGroup>> {
        self.all(FW_GROUP)
    }

    pub fn fw_group(&mut self, id: &str) -> ModelResult<GroupState> {
        let g = self.get(FW_GROUP, Res::FirewallGroup, id)?;
        Ok(self.group_state(g))
    }

    pub fn fw_groups(&mut self) -> ModelResult<Vec<GroupState>> {
        Ok(self.fw_groups_raw()?.into_iter().map(|g| self.group_state(g)).collect())
    }

    fn check_policy_ref(&mut self, id: &Option<String>) -> ModelResult<()> {
        if let Some(id) = id {
            self.fw_policy(id)?;
        }
        Ok(())
    }

    /// Ports a group may bind: this project's router interfaces, each
    /// listed once and in no other group.
    fn check_group_ports(&mut self, group_id: &str, ports: &[String]) -> ModelResult<()> {
        let others = self.fw_groups_raw()?;
        for (i, id) in ports.iter().enumerate() {
            let p = self.port(id)?;
            if p.device_owner != OWNER_ROUTER_INTERFACE {
                return Err(Fault::Invalid(
                    Res::FirewallGroup,
                    format!("Port {id} of firewall group is invalid: it is not a router interface."),
                ));
            }
            if ports[..i].contains(id) {
                return Err(Fault::Invalid(Res::FirewallGroup, format!("Port {id} is listed more than once.")));
            }
            if others.iter().any(|g| g.id != group_id && g.ports.contains(id)) {
                return Err(Fault::InUse(Res::Port, id.clone(), Dependency::PortInFirewallGroup));
            }
        }
        Ok(())
    }

    /// Holds a bound port and its subnets (none for an unbound one).
    fn hold_port(&mut self, group_id: &str, port_id: &str, take: bool) -> ModelResult<()> {
        let mut held = vec![port_id.to_string()];
        if let Some(p) = self.find::<Port>(PORT, port_id)? {
            held.push(p.network_id.clone());
            held.extend(p.fixed_ips.iter().map(|f| f.subnet_id.clone()));
        }
        for r in held {
            if take {
                self.hold(&r, HOLDER, group_id)?;
            } else {
                self.release_hold(&r, group_id)?;
            }
        }
        Ok(())
    }

    fn firewall_quota(&mut self) -> ModelResult<()> {
        // Network ACLs (v3) count against the same quota.
        if self.count(FW_GROUP)? + self.count(super::network_acls::NETWORK_ACL)? >= self.cfg.quotas.firewall {
            return Err(Fault::Quota(Res::FirewallGroup));
        }
        Ok(())
    }

    pub fn create_fw_group(&mut self, ch: GroupChange) -> ModelResult<GroupState> {
        let id = ids::uuid();
        let ingress = ch.ingress_firewall_policy_id.flatten();
        let egress = ch.egress_firewall_policy_id.flatten();
        self.check_policy_ref(&ingress)?;
        self.check_policy_ref(&egress)?;
        let ports = ch.ports.unwrap_or_default();
        self.check_group_ports(&id, &ports)?;
        self.firewall_quota()?;
        let g = FirewallGroup {
            id,
            project_id: self.project.to_string(),
            name: ch.name.unwrap_or_default(),
            description: ch.description.unwrap_or_default(),
            ingress_firewall_policy_id: ingress,
            egress_firewall_policy_id: egress,
            stage: if ports.is_empty() { SETTLED.into() } else { "PENDING_CREATE".into() },
            ports,
            admin_state_up: ch.admin_state_up.unwrap_or(true),
            public: ch.public.unwrap_or(false),
            status_since: self.now,
            created_at: self.now,
            updated_at: self.now,
        };
        for p in g.ports.clone() {
            self.hold_port(&g.id, &p, true)?;
        }
        self.insert(FW_GROUP, &g.id, None, &g)?;
        // The answer shows the first status; later reads the settled one.
        let status = if g.stage == SETTLED { g.settled_status().to_string() } else { g.stage.clone() };
        Ok(GroupState { group: g, status })
    }

    pub fn update_fw_group(&mut self, id: &str, ch: GroupChange) -> ModelResult<GroupState> {
        let mut g: FirewallGroup = self.get(FW_GROUP, Res::FirewallGroup, id)?;
        if let Some(i) = ch.ingress_firewall_policy_id {
            self.check_policy_ref(&i)?;
            g.ingress_firewall_policy_id = i;
        }
        if let Some(e) = ch.egress_firewall_policy_id {
            self.check_policy_ref(&e)?;
            g.egress_firewall_policy_id = e;
        }
        if let Some(ports) = ch.ports {
            self.check_group_ports(&g.id, &ports)?;
            for p in g.ports.clone() {
                self.hold_port(&g.id, &p, false)?;
            }
            for p in &ports {
                self.hold_port(&g.id, p, true)?;
            }
            g.ports = ports;
        }
        if let Some(n) = ch.name {
            g.name = n;
        }
        if let Some(d) = ch.description {
            g.description = d;
        }
        if let Some(a) = ch.admin_state_up {
            g.admin_state_up = a;
        }
        if let Some(s) = ch.public {
            g.public = s;
        }
        g.updated_at = self.now;
        if !g.ports.is_empty() {
            g.stage = "PENDING_UPDATE".into();
            g.status_since = self.now;
        } else {
            g.stage = SETTLED.into();
        }
        self.update(FW_GROUP, &g.id, None, &g)?;
        let status = if g.stage == SETTLED { g.settled_status().to_string() } else { g.stage.clone() };
        Ok(GroupState { group: g, status })
    }

    pub fn delete_fw_group(&mut self, id: &str) -> ModelResult<()> {
        let g: FirewallGroup = self.get(FW_GROUP, Res::FirewallGroup, id)?;
        for p in &g.ports {
            self.hold_port(&g.id, p, false)?;
        }
        self.remove(FW_GROUP, &g.id)
    }
}
