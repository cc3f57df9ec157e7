//! Servers: created from a flavor and an image into networks of the
//! project, each NIC a real port of the network model (address claimed,
//! security groups checked, `device_owner` `compute:<az>`), moving through
//! BUILD → ACTIVE, stop → SHUTOFF, start → ACTIVE, reboot → ACTIVE on the
//! controllable clock; deleting a server releases the ports it created
//! and its EVS volumes (see `volumes.rs`).

use super::*;
use chrono::Duration;
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_vpc::model::ports::{FixedIpSpec, PortChange, PortSpec};
use std::collections::BTreeMap;

/// Nova's `metadata_items` quota: user metadata items per server.
pub const METADATA_ITEMS: usize = 128;

/// One requested NIC.
#[derive(Debug, Clone, Default)]
pub struct NicSpec {
    pub network_id: Option<String>,
    pub port_id: Option<String>,
    pub fixed_ip: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ServerSpec {
    pub name: String,
    pub flavor_id: String,
    pub image_id: String,
    pub key_name: Option<String>,
    pub availability_zone: Option<String>,
    pub nics: Vec<NicSpec>,
    /// Names or ids; `None`: the project's `default` group.
    pub security_groups: Option<Vec<String>>,
    pub metadata: BTreeMap<String, String>,
    pub user_data: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    pub count: u32,
    /// The disks (a block device mapping, ECS's root and data volumes);
    /// without a system disk among them, one is made from the image.
    pub disks: Vec<super::volumes::DiskSpec>,
    /// The server group to place the servers in (scheduler hint `group`).
    pub group: Option<String>,
}

/// A NIC of a server: the port, and whether the server made it (and so
/// deletes it with itself).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Nic {
    pub port_id: String,
    pub owned: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Server {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub name: String,
    pub flavor_id: String,
    pub image_id: String,
    pub key_name: Option<String>,
    pub availability_zone: String,
    /// The lifecycle stage (BUILD, ACTIVE, STOPPING, SHUTOFF, STARTING,
    /// REBOOT, HARD_REBOOT); see [`Server::view`] for what Nova shows.
    pub stage: String,
    pub stage_since: Timestamp,
    pub nics: Vec<Nic>,
    /// Security group ids.
    pub security_groups: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub user_data: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    pub locked: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// `OS-EXT-SRV-ATTR:hostname`: the name at creation, `_` as `-`.
    #[serde(default)]
    pub hostname: String,
    /// The batch this server was created in (`r-xxxxxxxx`) and its index.
    #[serde(default)]
    pub reservation_id: String,
    #[serde(default)]
    pub launch_index: u32,
    #[serde(default)]
    pub enterprise_project_id: String,
    /// Whether the EIP bound at creation (ECS v1 `publicip`) is released
    /// with the server when a delete does not say.
    #[serde(default)]
    pub eip_delete_on_termination: bool,
}

/// What Nova shows for a stage: status, vm_state, task_state, power_state.
pub struct View {
    pub status: &'static str,
    pub vm_state: &'static str,
    pub task_state: Option<&'static str>,
    pub power_state: u8,
}

impl Server {
    pub fn view(&self) -> View {
        let v = |status, vm_state, task_state, power_state| View { status, vm_state, task_state, power_state };
        if let Some((status, vm_state, task_state, power_state)) = super::resize::stage_view(&self.stage) {
            return v(status, vm_state, task_state, power_state);
        }
        match self.stage.as_str() {
            "BUILD" => v("BUILD", "building", Some("spawning"), 0),
            "STOPPING" => v("ACTIVE", "active", Some("powering-off"), 1),
            "SHUTOFF" => v("SHUTOFF", "stopped", None, 4),
            "STARTING" => v("SHUTOFF", "stopped", Some("powering-on"), 4),
            "REBOOT" => v("REBOOT", "active", Some("rebooting"), 1),
            "HARD_REBOOT" => v("HARD_REBOOT", "active", Some("rebooting_hard"), 1),
            _ => v("ACTIVE", "active", None, 1),
        }
    }
}

fn transitions(cfg: &ComputeConfig) -> Vec<Transition> {
    let build = Duration::seconds(cfg.build_seconds);
    let act = Duration::seconds(cfg.action_seconds);
    let mut all = super::resize::stage_transitions(cfg).to_vec();
    all.extend([
        Transition { from: "BUILD", to: "ACTIVE", after: build },
        Transition { from: "STOPPING", to: "SHUTOFF", after: act },
        Transition { from: "STARTING", to: "ACTIVE", after: act },
        Transition { from: "REBOOT", to: "ACTIVE", after: act },
        Transition { from: "HARD_REBOOT", to: "ACTIVE", after: act },
    ]);
    all
}

/// A server action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Reboot { hard: bool },
    Lock,
    Unlock,
}

impl Compute<'_, '_> {
    fn settle(&self, s: &mut Server) {
        let (stage, _) = settle(&transitions(self.cfg), &Stage { status: s.stage.clone(), since: s.stage_since }, self.net.now);
        s.stage = stage.status;
        s.stage_since = stage.since;
    }

    pub fn server(&mut self, id: &str) -> ModelResult<Server> {
        match self.net.tx.get_doc::<Server>(SERVER, id)? {
            Some(mut s) if s.project_id == self.net.project => {
                self.settle(&mut s);
                Ok(s)
            }
            _ => Err(Fault::NotFound(format!("Instance {id} could not be found."))),
        }
    }

    pub fn servers(&mut self) -> ModelResult<Vec<Server>> {
        let mut all: Vec<Server> = self.net.all(SERVER)?;
        for s in &mut all {
            self.settle(s);
        }
        Ok(all)
    }

    pub fn save(&mut self, s: &Server) -> ModelResult<()> {
        self.net.update(SERVER, &s.id, None, s).map_err(Fault::from)
    }

    /// Resolves security group names or ids to ids in this project.
    fn group_ids(&mut self, wanted: &[String]) -> ModelResult<Vec<String>> {
        let groups = self.net.security_groups()?;
        wanted
            .iter()
            .map(|w| {
                let matching: Vec<&otc_vpc::model::SecurityGroup> = groups.iter().filter(|g| &g.id == w || &g.name == w).collect();
                match matching.as_slice() {
                    [one] => Ok(one.id.clone()),
                    [] => Err(Fault::Invalid(Why::SecurityGroup, format!("Security group {w} not found."))),
                    _ => Err(Fault::Conflict(
                        Why::SecurityGroup,
                        format!("Multiple security groups found matching '{w}'. Use an ID to be more specific."),
                    )),
                }
            })
            .collect()
    }

    fn check_quota(&mut self, flavor: &crate::catalog::Flavor, count: u32) -> ModelResult<()> {
        let q = &self.cfg.quotas;
        let servers = self.servers()?;
        let (mut cores, mut ram) = (0u64, 0u64);
        for s in &servers {
            if let Some(f) = self.cfg.flavor(&s.flavor_id) {
                cores += f.vcpus as u64;
                ram += f.ram as u64;
            }
        }
        let n = count as u64;
        let checks = [
            ("instances", servers.len() as u64, n, q.instances),
            ("cores", cores, n * flavor.vcpus as u64, q.cores),
            ("ram", ram, n * flavor.ram as u64, q.ram),
        ];
        for (what, used, want, limit) in checks {
            if used + want > limit {
                return Err(Fault::Quota(format!(
                    "Quota exceeded for {what}: Requested {want}, but already used {used} of {limit} {what}"
                )));
            }
        }
        Ok(())
    }

    /// Creates `spec.count` servers; returns them in creation order.
    pub fn create_servers(&mut self, spec: ServerSpec) -> ModelResult<Vec<Server>> {
        let flavor =
            self.cfg.flavor(&spec.flavor_id).cloned().ok_or_else(|| Fault::Invalid(Why::Flavor, "Invalid flavorRef provided.".into()))?;
        let image = self.boot_image(&spec.image_id, &spec.disks)?;
        if flavor.ram < image.min_ram {
            return Err(Fault::Invalid(Why::Flavor, "Flavor's memory is too small for requested image.".into()));
        }
        if let Some(k) = &spec.key_name {
            if self.keypair(k).is_err() {
                return Err(Fault::Invalid(Why::KeyPair, "Invalid key_name provided.".into()));
            }
        }
        let az = match &spec.availability_zone {
            Some(az) if !self.cfg.zones(self.net.region).contains(az) => {
                return Err(Fault::Invalid(Why::Zone, format!("The requested availability zone {az} is not available")));
            }
            Some(az) => az.clone(),
            None => self.cfg.zones(self.net.region)[0].clone(),
        };
        if spec.nics.is_empty() {
            return Err(Fault::Invalid(
                Why::Other,
                "Invalid input for field/attribute networks: a server needs at least one network.".into(),
            ));
        }
        let groups = match &spec.security_groups {
            Some(g) if !g.is_empty() => self.group_ids(g)?,
            _ => vec![self.net.default_security_group()?.id],
        };
        let count = spec.count.max(1);
        self.check_quota(&flavor, count)?;
        self.check_disks(&az, count, &spec.disks)?;
        if let Some(g) = &spec.group {
            // A hint naming no group of the project is bad input, not a 404.
            self.server_group(g).map_err(|_| Fault::Invalid(Why::Other, format!("Invalid server group {g}: not found.")))?;
        }
        let mut out = Vec::new();
        let mut reservation_id = String::new();
        for i in 0..count {
            let id = ids::uuid();
            if i == 0 {
                // What Nova shows for the first server of the batch.
                reservation_id = format!("r-{}", &id[..8]);
            }
            let name = if count > 1 { format!("{}-{:04}", spec.name, i + 1) } else { spec.name.clone() };
            let mut nics = Vec::new();
            for nic in &spec.nics {
                nics.push(self.attach_nic(&id, &az, nic, &groups)?);
            }
            let s = Server {
                id: id.clone(),
                project_id: self.net.project.to_string(),
                user_id: self.user_id.to_string(),
                name: name.clone(),
                flavor_id: flavor.name.clone(),
                image_id: image.id(),
                key_name: spec.key_name.clone(),
                availability_zone: az.clone(),
                stage: "BUILD".into(),
                stage_since: self.net.now,
                nics,
                security_groups: groups.clone(),
                metadata: spec.metadata.clone(),
                user_data: spec.user_data.clone(),
                description: spec.description.clone(),
                tags: spec.tags.clone(),
                locked: false,
                created_at: self.net.now,
                updated_at: self.net.now,
                hostname: name.replace('_', "-"),
                reservation_id: reservation_id.clone(),
                launch_index: i,
                enterprise_project_id: String::new(),
                eip_delete_on_termination: false,
            };
            self.net.insert(SERVER, &id, None, &s)?;
            self.make_disks(&id, &az, &image, &spec.disks)?;
            if let Some(g) = &spec.group {
                self.join_server_group(g, &id, &az)?;
            }
            self.record_action(&id, "create")?;
            out.push(s);
        }
        Ok(out)
    }

    pub(crate) fn attach_nic(&mut self, server_id: &str, az: &str, nic: &NicSpec, groups: &[String]) -> ModelResult<Nic> {
        let owner = format!("compute:{az}");
        if let Some(pid) = &nic.port_id {
            let port = self.net.port(pid)?;
            if !port.device_id.is_empty() {
                return Err(Fault::Conflict(Why::Port, format!("Port {pid} is still in use.")));
            }
            let ch = PortChange { device_id: Some(server_id.to_string()), device_owner: Some(owner), ..Default::default() };
            self.net.update_port(pid, ch)?;
            return Ok(Nic { port_id: pid.clone(), owned: false });
        }
        let network_id =
            nic.network_id.clone().ok_or_else(|| Fault::Invalid(Why::Other, "Either uuid or port must be given for a network.".into()))?;
        let port = self.net.create_port(PortSpec {
            network_id,
            fixed_ips: nic.fixed_ip.iter().map(|ip| FixedIpSpec { subnet_id: None, ip_address: Some(ip.clone()) }).collect(),
            device_id: server_id.to_string(),
            device_owner: owner,
            security_groups: Some(groups.to_vec()),
            ..Default::default()
        })?;
        if port.fixed_ips.is_empty() {
            return Err(Fault::Invalid(Why::Other, format!("Network {} has no subnet to take an address from.", port.network_id)));
        }
        Ok(Nic { port_id: port.id, owned: true })
    }

    pub fn rename(&mut self, id: &str, name: Option<String>, description: Option<String>) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        if let Some(n) = name {
            s.name = n;
        }
        if let Some(d) = description {
            s.description = d;
        }
        s.updated_at = self.net.now;
        self.save(&s)?;
        Ok(s)
    }

    /// Nova's user metadata of a server, changed by `edit`: refused while
    /// the server is locked, at most [`METADATA_ITEMS`] items after it.
    pub fn edit_metadata(&mut self, id: &str, edit: impl FnOnce(&mut BTreeMap<String, String>) -> ModelResult<()>) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {id} is locked")));
        }
        edit(&mut s.metadata)?;
        if s.metadata.len() > METADATA_ITEMS {
            return Err(Fault::Quota(format!("Quota exceeded for metadata_items: at most {METADATA_ITEMS} are allowed.")));
        }
        s.updated_at = self.net.now;
        self.save(&s)?;
        Ok(s)
    }

    /// Nova's (discarded) floating IP binding: the EIP with `address` is
    /// bound to the server's port holding `fixed` (its first port without).
    pub fn add_floating_ip(&mut self, id: &str, address: &str, fixed: Option<&str>) -> ModelResult<()> {
        let s = self.server(id)?;
        let eip = self.eip_at(address)?;
        let ports = self.ports_of(&s)?;
        let port = match fixed {
            Some(f) => ports
                .iter()
                .find(|p| p.fixed_ips.iter().any(|x| x.ip_address == f))
                .ok_or_else(|| Fault::Invalid(Why::Other, format!("Specified fixed address {f} not assigned to instance")))?,
            None => ports.first().ok_or_else(|| Fault::Invalid(Why::Other, "Instance network is not ready yet".into()))?,
        };
        self.net.associate_eip(&eip.id, Some(&port.id), fixed)?;
        Ok(())
    }

    /// Unbinds the EIP with `address` from the server.
    pub fn remove_floating_ip(&mut self, id: &str, address: &str) -> ModelResult<()> {
        let s = self.server(id)?;
        let eip = self.eip_at(address)?;
        if !s.nics.iter().any(|n| eip.port_id.as_deref() == Some(n.port_id.as_str())) {
            return Err(Fault::Conflict(Why::Other, format!("Floating IP {address} is not associated with instance {id}.")));
        }
        self.net.associate_eip(&eip.id, None, None)?;
        Ok(())
    }

    fn eip_at(&mut self, address: &str) -> ModelResult<otc_vpc::model::Eip> {
        self.net
            .eips()?
            .into_iter()
            .find(|e| e.public_ip_address == address)
            .ok_or_else(|| Fault::NotFound(format!("floating IP {address} not found")))
    }

    /// Replaces a server's tags (as stored: `key=value`, or `key`).
    pub fn set_tags(&mut self, id: &str, tags: Vec<String>) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        s.tags = tags;
        s.updated_at = self.net.now;
        self.save(&s)?;
        Ok(s)
    }

    pub fn act(&mut self, id: &str, action: Action) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        let conflict = |a: &str, s: &Server| {
            Fault::Conflict(Why::State, format!("Cannot '{a}' instance {} while it is in vm_state {}", s.id, s.view().vm_state))
        };
        if s.locked && !matches!(action, Action::Lock | Action::Unlock) {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {id} is locked")));
        }
        let next = match action {
            Action::Start if s.stage == "SHUTOFF" => "STARTING",
            Action::Start => return Err(conflict("start", &s)),
            Action::Stop if s.stage == "ACTIVE" => "STOPPING",
            Action::Stop => return Err(conflict("stop", &s)),
            Action::Reboot { hard } if s.stage == "ACTIVE" || (hard && s.stage == "SHUTOFF") => {
                if hard {
                    "HARD_REBOOT"
                } else {
                    "REBOOT"
                }
            }
            Action::Reboot { .. } => return Err(conflict("reboot", &s)),
            Action::Lock | Action::Unlock => {
                s.locked = action == Action::Lock;
                s.updated_at = self.net.now;
                self.save(&s)?;
                self.record_action(id, if s.locked { "lock" } else { "unlock" })?;
                return Ok(s);
            }
        };
        s.stage = next.to_string();
        s.stage_since = self.net.now;
        s.updated_at = self.net.now;
        self.save(&s)?;
        let recorded = match action {
            Action::Start => "start",
            Action::Stop => "stop",
            _ => "reboot",
        };
        self.record_action(id, recorded)?;
        Ok(s)
    }

    /// Deletes a server: ports it created go, ports it was given are freed.
    pub fn delete_server(&mut self, id: &str) -> ModelResult<()> {
        let s = self.server(id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {id} is locked")));
        }
        self.release_volumes(id, false)?;
        for nic in &s.nics {
            let Some(port) = self.net.find::<otc_vpc::model::Port>(otc_vpc::model::PORT, &nic.port_id)? else {
                continue;
            };
            if nic.owned {
                self.net.release_port(&port)?;
            } else {
                let ch = PortChange { device_id: Some(String::new()), device_owner: Some(String::new()), ..Default::default() };
                self.net.update_port(&port.id, ch)?;
            }
        }
        self.forget_group_member(id)?;
        // A resize waiting for confirmation goes with its server.
        self.net.tx.delete(super::resize::PENDING_RESIZE, id)?;
        self.forget_server_settings(id)?;
        self.record_action(id, "delete")?;
        self.net.remove(SERVER, id)?;
        Ok(())
    }

    /// The ports of a server, in NIC order.
    pub fn ports_of(&mut self, s: &Server) -> ModelResult<Vec<otc_vpc::model::Port>> {
        let mut out = Vec::new();
        for nic in &s.nics {
            if let Some(p) = self.net.find::<otc_vpc::model::Port>(otc_vpc::model::PORT, &nic.port_id)? {
                out.push(p);
            }
        }
        Ok(out)
    }
}
