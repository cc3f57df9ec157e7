//! File systems: creation in the caller's VPC, subnet, security group
//! and zone (taking three addresses of the subnet and holding what it
//! uses), deletion (giving them back at once), expansion, security group
//! change and renaming, with the reference's refusals.

use super::{errors, node_owner, status, sub_status, Turbo, TurboResult, Turbos, HOLDER, TURBO, VIP_OWNER};
use otc_core::tags::Tag;
use otc_vpc::model::ports::{FixedIpSpec, PortChange, PortSpec};
use otc_vpc::model::security_groups::RuleSpec;
use otc_vpc::model::{Fault, Port, SecurityGroupRule, PORT, SECURITY_GROUP_RULE};

/// The inbound ports a file system opens in its security group, from
/// anywhere (the user guide's "What resources does SFS occupy"; the
/// reference's permissions say creation creates security group rules and
/// deletion deletes them).
pub const NFS_PORTS: [i64; 6] = [111, 445, 2049, 2051, 2052, 20048];

/// What a creation asks for, already of the right types.
#[derive(Debug, Clone, Default)]
pub struct NewTurbo {
    pub name: String,
    pub description: String,
    pub size: i64,
    pub share_proto: String,
    pub share_type: String,
    pub expand_type: Option<String>,
    pub hpc_bw: Option<String>,
    pub crypt_key_id: Option<String>,
    pub availability_zone: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub security_group_id: String,
    pub tags: Vec<Tag>,
}

/// A project's use of its quotas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub shares: i64,
    /// GiB, expansions in progress counted at their target.
    pub capacity: i64,
}

/// The reference's name rule: 4 to 64 characters, a letter first, then
/// letters, digits, `-` and `_`.
pub fn check_name(name: &str) -> Result<(), otc_core::ApiError> {
    let n = name.chars().count();
    let first_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !(4..=64).contains(&n) || !first_letter || !chars {
        return Err(errors::invalid_name(
            "the name must have 4 to 64 characters, start with a letter and hold only letters, digits, - and _",
        ));
    }
    Ok(())
}

/// The smallest size of a kind: HPC file systems start at 3686 GiB, the
/// others at the previous generation's 500 (the enhanced types' documented
/// 10240 is not enforced by the real cloud: the Terraform provider's
/// acceptance test creates an enhanced file system of 500).
fn min_size(expand_type: Option<&str>) -> i64 {
    match expand_type {
        Some("hpc") => 3686,
        _ => 500,
    }
}

impl Turbos<'_, '_> {
    /// Adds the NFS rules to `group`; a rule the group already has is the
    /// user's and stays theirs. Returns the ids of the rules added.
    fn open_ports(&mut self, group: &str) -> TurboResult<Vec<String>> {
        let mut ids = Vec::new();
        for port in NFS_PORTS {
            let spec = RuleSpec {
                security_group_id: group.to_string(),
                direction: "ingress".into(),
                ethertype: Some("IPv4".into()),
                protocol: Some("tcp".into()),
                port_range_min: Some(port),
                port_range_max: Some(port),
                remote_ip_prefix: Some("0.0.0.0/0".into()),
                description: "SFS Turbo".into(),
                ..Default::default()
            };
            match self.net.create_rule(spec) {
                Ok(r) => ids.push(r.id),
                Err(Fault::DuplicateRule(_)) => {}
                Err(Fault::Quota(_)) => return Err(errors::sg_quota().into()),
                Err(f) => return Err(f.into()),
            }
        }
        Ok(ids)
    }

    /// Removes the rules a file system added (those the user has not
    /// deleted already).
    fn close_ports(&mut self, ids: &[String]) -> TurboResult<()> {
        for id in ids {
            if self.net.find::<SecurityGroupRule>(SECURITY_GROUP_RULE, id)?.is_some() {
                self.net.delete_rule(id)?;
            }
        }
        Ok(())
    }

    pub fn usage(&mut self) -> TurboResult<Usage> {
        let shares = self.shares()?;
        Ok(Usage { shares: shares.len() as i64, capacity: shares.iter().map(|s| s.target_size.unwrap_or(s.size)).sum() })
    }

    fn check_unique_name(&mut self, name: &str, except: Option<&str>) -> TurboResult<()> {
        if self.shares()?.iter().any(|s| s.name == name && Some(s.id.as_str()) != except) {
            return Err(errors::name_exists(name).into());
        }
        Ok(())
    }

    pub fn create(&mut self, spec: NewTurbo) -> TurboResult<Turbo> {
        self.purge()?;
        check_name(&spec.name)?;
        if !["STANDARD", "PERFORMANCE"].contains(&spec.share_type.as_str()) {
            return Err(errors::invalid_share_type(&spec.share_type).into());
        }
        let et = spec.expand_type.as_deref();
        let (lo, hi) = (min_size(et), Turbo::max_size(et));
        if spec.size < lo || spec.size > hi {
            return Err(errors::invalid_size(format!("the size must be {lo} to {hi} GiB")).into());
        }
        if !crate::model::zones(self.region()).contains(&spec.availability_zone) {
            return Err(errors::param(format!("availability_zone {} does not exist", spec.availability_zone)).into());
        }
        self.net.router(&spec.vpc_id).map_err(|_| errors::invalid_vpc(&spec.vpc_id))?;
        let subnet = self
            .net
            .vpc_subnet(&spec.subnet_id)
            .map_err(|_| errors::invalid_subnet(format!("subnet {} does not exist", spec.subnet_id)))?;
        if subnet.network.vpc_id.as_deref() != Some(spec.vpc_id.as_str()) {
            return Err(errors::invalid_subnet(format!("subnet {} does not belong to VPC {}", spec.subnet_id, spec.vpc_id)).into());
        }
        self.net.security_group(&spec.security_group_id).map_err(|_| errors::invalid_security_group(&spec.security_group_id))?;
        self.check_unique_name(&spec.name, None)?;
        let q = self.cfg.turbo_quotas;
        let u = self.usage()?;
        if q.shares >= 0 && u.shares + 1 > q.shares {
            return Err(errors::quota_exceeded("shares").into());
        }
        if q.capacity >= 0 && u.capacity + spec.size > q.capacity {
            return Err(errors::quota_exceeded("capacity").into());
        }

        let id = otc_core::ids::uuid();
        let short = &id[..8];
        let mut ports = Vec::new();
        let mut vip = String::new();
        for (role, owner) in
            [("node1", node_owner(&spec.availability_zone)), ("node2", node_owner(&spec.availability_zone)), ("vip", VIP_OWNER.into())]
        {
            let p = self.net.create_port(PortSpec {
                network_id: subnet.network.id.clone(),
                name: format!("sfs-turbo-{short}-{role}"),
                fixed_ips: vec![FixedIpSpec { subnet_id: Some(subnet.subnet.id.clone()), ip_address: None }],
                device_id: id.clone(),
                device_owner: owner,
                security_groups: Some(vec![spec.security_group_id.clone()]),
                port_security_enabled: Some(true),
                ..Default::default()
            })?;
            vip = p.fixed_ips.first().map(|f| f.ip_address.clone()).unwrap_or_default();
            ports.push(p.id);
        }
        // The virtual IP's port is the service's: Neutron refuses to delete it.
        self.net.hold(ports.last().expect("three ports"), HOLDER, &id)?;
        for r in [&spec.vpc_id, &subnet.network.id, &subnet.subnet.id] {
            self.net.hold(r, HOLDER, &id)?;
        }
        let sg_rules = self.open_ports(&spec.security_group_id)?;
        let now = self.now();
        let t = Turbo {
            id: id.clone(),
            project_id: self.net.project.to_string(),
            name: spec.name,
            description: spec.description,
            size: spec.size,
            share_proto: spec.share_proto,
            share_type: spec.share_type,
            expand_type: spec.expand_type,
            hpc_bw: spec.hpc_bw,
            crypt_key_id: spec.crypt_key_id,
            availability_zone: spec.availability_zone,
            vpc_id: spec.vpc_id,
            subnet_id: subnet.network.id,
            neutron_subnet_id: subnet.subnet.id,
            security_group_id: spec.security_group_id,
            previous_security_group: None,
            region: self.region().to_string(),
            status: status::CREATING.into(),
            status_since: now,
            sub_status: String::new(),
            sub_status_since: now,
            target_size: None,
            deleting_since: None,
            sg_rules,
            ports,
            vip,
            tags: spec.tags,
            created_at: now,
        };
        self.net.insert(TURBO, &id, None, &t)?;
        self.record_job(&id, "create_share")?;
        Ok(t)
    }

    /// Starts deletion: refused while creating or while an operation is
    /// under way (0011). The ports and holds are given back at once.
    pub fn delete(&mut self, id: &str) -> TurboResult<()> {
        self.purge()?;
        let mut t = self.share(id)?;
        if t.status == status::CREATING || sub_status::busy(&t.sub_status) || t.deleting_since.is_some() {
            return Err(errors::busy(id).into());
        }
        for p in std::mem::take(&mut t.ports) {
            self.net.release_hold(&p, id)?;
            if let Some(port) = self.net.find::<Port>(PORT, &p)? {
                self.net.release_port(&port)?;
            }
        }
        for r in [t.vpc_id.clone(), t.subnet_id.clone(), t.neutron_subnet_id.clone()] {
            self.net.release_hold(&r, id)?;
        }
        let rules = std::mem::take(&mut t.sg_rules);
        self.close_ports(&rules)?;
        t.deleting_since = Some(self.now());
        self.save(&t)?;
        self.record_job(id, "delete_share")?;
        // With no settle time the file system is gone at once.
        self.purge()
    }

    /// A share an operation may start on.
    fn idle_share(&mut self, id: &str) -> TurboResult<Turbo> {
        self.purge()?;
        let t = self.share(id)?;
        if !t.idle() {
            return Err(errors::busy(id).into());
        }
        Ok(t)
    }

    pub fn expand(&mut self, id: &str, new_size: i64) -> TurboResult<Turbo> {
        let mut t = self.idle_share(id)?;
        let hi = Turbo::max_size(t.expand_type.as_deref());
        if new_size <= t.size || new_size > hi {
            return Err(errors::invalid_size(format!("new_size must be larger than {} and at most {hi} GiB", t.size)).into());
        }
        let q = self.cfg.turbo_quotas;
        if q.capacity >= 0 && self.usage()?.capacity + (new_size - t.size) > q.capacity {
            return Err(errors::quota_exceeded("capacity").into());
        }
        t.target_size = Some(new_size);
        t.sub_status = sub_status::EXPANDING.into();
        t.sub_status_since = self.now();
        self.save(&t)?;
        self.record_job(id, "extend_share")?;
        Ok(t)
    }

    /// Moves the file system's ports to another group of the project.
    pub fn change_security_group(&mut self, id: &str, group: &str) -> TurboResult<Turbo> {
        let mut t = self.idle_share(id)?;
        self.net.security_group(group).map_err(|_| errors::invalid_security_group(group))?;
        for p in &t.ports {
            let ch = PortChange { security_groups: Some(vec![group.to_string()]), ..Default::default() };
            self.net.update_port(p, ch)?;
        }
        if group != t.security_group_id {
            let old = std::mem::take(&mut t.sg_rules);
            self.close_ports(&old)?;
            t.sg_rules = self.open_ports(group)?;
        }
        t.previous_security_group = Some(std::mem::replace(&mut t.security_group_id, group.to_string()));
        t.sub_status = sub_status::CHANGING_SG.into();
        t.sub_status_since = self.now();
        self.save(&t)?;
        self.record_job(id, "change_security_group")?;
        Ok(t)
    }

    /// What the cloud does on its own, through the emulator's API: the
    /// operation under way fails (creation 303, expansion 321, security
    /// group change 332, its ports back in the old group), or the file
    /// system is frozen for arrears (800) and thawed again.
    pub fn inject(&mut self, id: &str, event: &str) -> TurboResult<Turbo> {
        self.purge()?;
        let mut t = self.share(id)?;
        let now = self.now();
        let nothing = || errors::busy_with(format!("{id} has no operation under way that can fail"));
        match event {
            "fail" if t.deleting_since.is_some() => return Err(nothing().into()),
            "fail" if t.status == status::CREATING => (t.status, t.status_since) = (status::CREATE_FAILED.into(), now),
            "fail" if t.sub_status == sub_status::EXPANDING => {
                t.target_size = None;
                (t.sub_status, t.sub_status_since) = (sub_status::EXPAND_FAILED.into(), now);
            }
            "fail" if t.sub_status == sub_status::CHANGING_SG => {
                let old = t.previous_security_group.take().unwrap_or_else(|| t.security_group_id.clone());
                // The old group may be gone by now: the ports keep the new one then.
                if old != t.security_group_id && self.net.security_group(&old).is_ok() {
                    for p in &t.ports {
                        self.net.update_port(p, PortChange { security_groups: Some(vec![old.clone()]), ..Default::default() })?;
                    }
                    let new = std::mem::take(&mut t.sg_rules);
                    self.close_ports(&new)?;
                    t.sg_rules = self.open_ports(&old)?;
                    t.security_group_id = old;
                }
                (t.sub_status, t.sub_status_since) = (sub_status::SG_CHANGE_FAILED.into(), now);
            }
            "fail" => return Err(nothing().into()),
            "freeze" if t.status == status::ACTIVE && t.deleting_since.is_none() => {
                (t.status, t.status_since) = (status::FROZEN.into(), now)
            }
            "unfreeze" if t.status == status::FROZEN => (t.status, t.status_since) = (status::ACTIVE.into(), now),
            "freeze" | "unfreeze" => return Err(errors::busy_with(format!("{id} is in status {}", t.status)).into()),
            _ => return Err(errors::param(format!("unknown event {event} (fail, freeze, unfreeze)")).into()),
        }
        self.save(&t)?;
        Ok(t)
    }

    pub fn rename(&mut self, id: &str, name: &str) -> TurboResult<()> {
        self.purge()?;
        let mut t = self.share(id)?;
        check_name(name)?;
        if t.status == status::CREATING || t.deleting_since.is_some() {
            return Err(errors::busy(id).into());
        }
        self.check_unique_name(name, Some(id))?;
        t.name = name.to_string();
        self.save(&t)
    }
}
