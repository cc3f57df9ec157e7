//! Security groups and their rules: one set of objects under VPC v1,
//! Neutron and VPC v3. Every project has a `default` group from its first
//! use.

use super::*;
use crate::net::parse_cidr;
use otc_core::ids;

/// How a group is created: VPC v1/v3 add intra-group ingress rules
/// besides the egress rules Neutron creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultRules {
    /// Egress IPv4 and IPv6 to anywhere (Neutron).
    EgressOnly,
    /// Plus ingress IPv4 and IPv6 from the group itself (VPC v1/v3, and
    /// the project's `default` group).
    EgressAndSelf,
}

#[derive(Debug, Clone, Default)]
pub struct RuleSpec {
    pub security_group_id: String,
    pub direction: String,
    pub ethertype: Option<String>,
    pub protocol: Option<String>,
    pub port_range_min: Option<i64>,
    pub port_range_max: Option<i64>,
    pub remote_ip_prefix: Option<String>,
    pub remote_group_id: Option<String>,
    pub remote_address_group_id: Option<String>,
    pub description: String,
    pub action: Option<String>,
    pub priority: Option<i64>,
}

/// The priority VPC v3 shows on the rules a group is created with.
const DEFAULT_RULE_PRIORITY: i64 = 100;

fn invalid(msg: impl Into<String>) -> Fault {
    Fault::Invalid(Res::SecurityGroupRule, msg.into())
}

/// Checks a rule as OTC and Neutron do and returns it normalised
/// (protocol lower-cased, ethertype defaulted).
fn normalise(mut r: RuleSpec) -> ModelResult<RuleSpec> {
    if r.direction != "ingress" && r.direction != "egress" {
        return Err(invalid(format!("Invalid input for direction. Reason: '{}' is not in ['ingress', 'egress'].", r.direction)));
    }
    let ethertype = r.ethertype.clone().unwrap_or_else(|| "IPv4".into());
    if ethertype != "IPv4" && ethertype != "IPv6" {
        return Err(invalid(format!("Security group rule for ethertype {ethertype} not supported. Allowed values are [IPv4, IPv6].")));
    }
    r.ethertype = Some(ethertype.clone());
    r.protocol = r.protocol.map(|p| p.to_ascii_lowercase()).filter(|p| !p.is_empty() && p != "any");
    if let Some(p) = &r.protocol {
        let known = matches!(p.as_str(), "tcp" | "udp" | "icmp" | "icmpv6");
        if !known && p.parse::<u8>().is_err() {
            return Err(invalid(format!(
                "Security group rule protocol {p} not supported. Only protocol values [None, 'tcp', 'udp', 'icmp', 'icmpv6'] and integer representations [0 to 255] are supported."
            )));
        }
    }
    match r.protocol.as_deref() {
        None if r.port_range_min.is_some() || r.port_range_max.is_some() => {
            return Err(invalid("Must also specify protocol if port range is given."));
        }
        Some("icmp") | Some("icmpv6") | Some("1") | Some("58") => {
            for (field, v) in [("type", r.port_range_min), ("code", r.port_range_max)] {
                if let Some(v) = v {
                    if !(0..=255).contains(&v) {
                        return Err(invalid(format!("Invalid value for ICMP {field} {v}. It must be 0 to 255.")));
                    }
                }
            }
            if r.port_range_min.is_none() && r.port_range_max.is_some() {
                return Err(invalid(format!(
                    "ICMP code (port-range-max) {} is provided but ICMP type (port-range-min) is missing.",
                    r.port_range_max.unwrap_or_default()
                )));
            }
        }
        Some(_) => {
            for v in [r.port_range_min, r.port_range_max].into_iter().flatten() {
                if !(1..=65535).contains(&v) {
                    return Err(invalid(format!("Invalid value for port {v}.")));
                }
            }
            match (r.port_range_min, r.port_range_max) {
                (Some(a), Some(b)) if a > b => {
                    return Err(invalid("For TCP/UDP protocols, port_range_min must be <= port_range_max."));
                }
                (Some(_), None) | (None, Some(_)) => {
                    return Err(invalid("For TCP/UDP protocols, port_range_min and port_range_max must be given together."));
                }
                _ => {}
            }
        }
        None => {}
    }
    let remotes = [&r.remote_ip_prefix, &r.remote_group_id, &r.remote_address_group_id].iter().filter(|x| x.is_some()).count();
    if remotes > 1 {
        return Err(invalid("Only remote_ip_prefix or remote_group_id or remote_address_group_id may be provided."));
    }
    if let Some(prefix) = &r.remote_ip_prefix {
        let v4 = prefix.parse::<ipnet::Ipv4Net>().is_ok() || prefix.parse::<std::net::Ipv4Addr>().is_ok();
        let v6 = prefix.parse::<ipnet::Ipv6Net>().is_ok() || prefix.parse::<std::net::Ipv6Addr>().is_ok();
        if !v4 && !v6 {
            return Err(invalid(format!("'{prefix}' is not a valid IP subnet.")));
        }
        if (ethertype == "IPv4" && !v4) || (ethertype == "IPv6" && !v6) {
            return Err(invalid(format!("Conflicting value ethertype {ethertype} for CIDR {prefix}")));
        }
        // Neutron stores the network form of a bare address or host bits.
        let norm = match prefix.parse::<ipnet::IpNet>() {
            Ok(n) => n.trunc().to_string(),
            Err(_) => match prefix.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(a)) => format!("{a}/32"),
                Ok(std::net::IpAddr::V6(a)) => format!("{a}/128"),
                Err(_) => prefix.clone(),
            },
        };
        r.remote_ip_prefix = Some(norm);
    }
    if let Some(a) = &r.action {
        if a != "allow" && a != "deny" {
            return Err(invalid(format!("Invalid action {a}: allowed values are allow and deny.")));
        }
    }
    if let Some(p) = r.priority {
        if !(1..=100).contains(&p) {
            return Err(invalid(format!("Invalid priority {p}: it must be 1 to 100.")));
        }
    }
    if r.description.chars().count() > 255 || r.description.contains(['<', '>']) {
        return Err(invalid("The description can contain at most 255 characters and no angle brackets."));
    }
    Ok(r)
}

impl Net<'_> {
    pub fn security_group(&mut self, id: &str) -> ModelResult<SecurityGroup> {
        self.get(SECURITY_GROUP, Res::SecurityGroup, id)
    }

    pub fn security_groups(&mut self) -> ModelResult<Vec<SecurityGroup>> {
        self.all(SECURITY_GROUP)
    }

    pub fn rules_of(&mut self, group_id: &str) -> ModelResult<Vec<SecurityGroupRule>> {
        self.keyed(SECURITY_GROUP_RULE, group_id)
    }

    pub fn rules(&mut self) -> ModelResult<Vec<SecurityGroupRule>> {
        self.all(SECURITY_GROUP_RULE)
    }

    pub fn rule(&mut self, id: &str) -> ModelResult<SecurityGroupRule> {
        self.get(SECURITY_GROUP_RULE, Res::SecurityGroupRule, id)
    }

    /// Creates the project's defaults on its first use: the `default`
    /// security group with its rules.
    pub fn bootstrap(&mut self) -> ModelResult<()> {
        // The record names the project's region: a peering may only join
        // VPCs of one region, and the peer's region is known from here.
        let init = serde_json::json!({"project_id": self.project, "region": self.region});
        if let Some(r) = self.tx.get(PROJECT_INIT, self.project)? {
            if !r.body.contains("\"region\"") {
                self.tx.update_doc(PROJECT_INIT, self.project, self.project, None, &init)?;
            }
            return self.key_routers_by_name();
        }
        self.tx.insert_doc(PROJECT_INIT, self.project, self.project, None, &init)?;
        let sg = self.insert_group("default", "Default security group", None, DefaultRules::EgressAndSelf)?;
        tracing::debug!(project = self.project, group = %sg.id, "default security group created");
        Ok(())
    }

    pub fn default_security_group(&mut self) -> ModelResult<SecurityGroup> {
        let groups = self.security_groups()?;
        groups.into_iter().find(|g| g.name == "default").ok_or_else(|| Fault::NotFound(Res::SecurityGroup, "default".into()))
    }

    fn insert_group(&mut self, name: &str, description: &str, ep: Option<String>, rules: DefaultRules) -> ModelResult<SecurityGroup> {
        let sg = SecurityGroup {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            enterprise_project_id: ep.unwrap_or_else(|| "0".into()),
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(SECURITY_GROUP, &sg.id, None, &sg)?;
        let mut defaults = Vec::new();
        if rules == DefaultRules::EgressAndSelf {
            for eth in ["IPv6", "IPv4"] {
                defaults.push(RuleSpec {
                    security_group_id: sg.id.clone(),
                    direction: "ingress".into(),
                    ethertype: Some(eth.into()),
                    remote_group_id: Some(sg.id.clone()),
                    priority: Some(DEFAULT_RULE_PRIORITY),
                    ..Default::default()
                });
            }
        }
        for eth in ["IPv6", "IPv4"] {
            defaults.push(RuleSpec {
                security_group_id: sg.id.clone(),
                direction: "egress".into(),
                ethertype: Some(eth.into()),
                priority: Some(DEFAULT_RULE_PRIORITY),
                ..Default::default()
            });
        }
        for r in defaults {
            self.insert_rule(r)?;
        }
        Ok(sg)
    }

    pub fn create_security_group(
        &mut self,
        name: &str,
        description: &str,
        ep: Option<String>,
        rules: DefaultRules,
    ) -> ModelResult<SecurityGroup> {
        if name == "default" {
            return Err(Fault::Invalid(Res::SecurityGroup, "Default security group already exists.".into()));
        }
        if self.count(SECURITY_GROUP)? >= self.cfg.quotas.security_group {
            return Err(Fault::Quota(Res::SecurityGroup));
        }
        self.insert_group(name, description, ep, rules)
    }

    pub fn update_security_group(&mut self, id: &str, name: Option<String>, description: Option<String>) -> ModelResult<SecurityGroup> {
        let mut sg = self.security_group(id)?;
        if let Some(n) = name {
            if sg.name == "default" && n != "default" {
                return Err(Fault::Invalid(Res::SecurityGroup, "Updating default security group name not allowed.".into()));
            }
            if n == "default" && sg.name != "default" {
                return Err(Fault::Invalid(Res::SecurityGroup, "Default security group already exists.".into()));
            }
            sg.name = n;
        }
        if let Some(d) = description {
            sg.description = d;
        }
        sg.updated_at = self.now;
        self.update(SECURITY_GROUP, id, None, &sg)?;
        Ok(sg)
    }

    pub fn delete_security_group(&mut self, id: &str) -> ModelResult<()> {
        let sg = self.security_group(id)?;
        if sg.name == "default" {
            return Err(Fault::InUse(Res::SecurityGroup, id.to_string(), Dependency::DefaultSecurityGroup));
        }
        if self.ports()?.iter().any(|p| p.security_groups.iter().any(|g| g == id)) {
            return Err(Fault::InUse(Res::SecurityGroup, id.to_string(), Dependency::SecurityGroupOnPort));
        }
        if self.rules()?.iter().any(|r| r.security_group_id != id && r.remote_group_id.as_deref() == Some(id)) {
            return Err(Fault::InUse(Res::SecurityGroup, id.to_string(), Dependency::SecurityGroupReferenced));
        }
        for r in self.rules_of(id)? {
            self.remove(SECURITY_GROUP_RULE, &r.id)?;
            self.tx.delete(super::v3_support::RULE_PORTS, &r.id)?;
        }
        // What VPC v3 keeps beside a group goes with it, whichever API deletes.
        self.tx.delete(super::v3_support::SG_TAGS, id)?;
        self.remove(SECURITY_GROUP, id)
    }

    fn insert_rule(&mut self, r: RuleSpec) -> ModelResult<SecurityGroupRule> {
        let rule = SecurityGroupRule {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            security_group_id: r.security_group_id,
            direction: r.direction,
            ethertype: r.ethertype.unwrap_or_else(|| "IPv4".into()),
            protocol: r.protocol,
            port_range_min: r.port_range_min.map(|v| v as u32),
            port_range_max: r.port_range_max.map(|v| v as u32),
            remote_ip_prefix: r.remote_ip_prefix,
            remote_group_id: r.remote_group_id,
            remote_address_group_id: r.remote_address_group_id,
            description: r.description,
            action: r.action.unwrap_or_else(|| "allow".into()),
            priority: r.priority.unwrap_or(1) as u32,
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(SECURITY_GROUP_RULE, &rule.id, Some(&rule.security_group_id), &rule)?;
        Ok(rule)
    }

    pub fn create_rule(&mut self, spec: RuleSpec) -> ModelResult<SecurityGroupRule> {
        let mut sg = self.security_group(&spec.security_group_id)?;
        let spec = normalise(spec)?;
        if let Some(remote) = &spec.remote_group_id {
            self.security_group(remote)?;
        }
        if let Some(ag) = &spec.remote_address_group_id {
            return Err(Fault::NotFound(Res::SecurityGroupRule, format!("Address group {ag} does not exist.")));
        }
        if self.count(SECURITY_GROUP_RULE)? >= self.cfg.quotas.security_group_rule {
            return Err(Fault::Quota(Res::SecurityGroupRule));
        }
        for existing in self.rules_of(&sg.id)? {
            let same = existing.direction == spec.direction
                && Some(&existing.ethertype) == spec.ethertype.as_ref()
                && existing.protocol == spec.protocol
                && existing.port_range_min.map(i64::from) == spec.port_range_min
                && existing.port_range_max.map(i64::from) == spec.port_range_max
                && existing.remote_ip_prefix == spec.remote_ip_prefix
                && existing.remote_group_id == spec.remote_group_id
                && existing.action == spec.action.clone().unwrap_or_else(|| "allow".into());
            if same {
                return Err(Fault::DuplicateRule(existing.id));
            }
        }
        let rule = self.insert_rule(spec)?;
        sg.updated_at = self.now;
        self.update(SECURITY_GROUP, &sg.id.clone(), None, &sg)?;
        Ok(rule)
    }

    pub fn delete_rule(&mut self, id: &str) -> ModelResult<()> {
        let rule = self.rule(id)?;
        self.remove(SECURITY_GROUP_RULE, id)?;
        self.tx.delete(super::v3_support::RULE_PORTS, id)?;
        if let Some(mut sg) = self.find::<SecurityGroup>(SECURITY_GROUP, &rule.security_group_id)? {
            sg.updated_at = self.now;
            self.update(SECURITY_GROUP, &sg.id.clone(), None, &sg)?;
        }
        Ok(())
    }

    /// VPC v2.0 batch association of ports with a group; returns the ports
    /// that failed with the reason.
    pub fn associate_ports(&mut self, group_id: &str, port_ids: &[String], add: bool) -> ModelResult<Vec<(String, Fault)>> {
        self.security_group(group_id)?;
        let mut failed = Vec::new();
        for pid in port_ids {
            let Some(mut p) = self.find::<Port>(PORT, pid)? else {
                failed.push((pid.clone(), Fault::NotFound(Res::Port, pid.clone())));
                continue;
            };
            let has = p.security_groups.iter().any(|g| g == group_id);
            if add && !has {
                p.security_groups.push(group_id.to_string());
            } else if !add && has {
                if p.security_groups.len() == 1 {
                    failed.push((pid.clone(), Fault::InUse(Res::SecurityGroup, group_id.to_string(), Dependency::SecurityGroupOnPort)));
                    continue;
                }
                p.security_groups.retain(|g| g != group_id);
            } else {
                continue;
            }
            p.updated_at = self.now;
            self.update(PORT, pid, Some(&p.network_id.clone()), &p)?;
        }
        Ok(failed)
    }
}

/// Whether a remote prefix filter names a valid CIDR (VPC v1 list filter).
pub fn valid_prefix(s: &str) -> bool {
    parse_cidr(s).is_some() || s.parse::<ipnet::IpNet>().is_ok()
}
