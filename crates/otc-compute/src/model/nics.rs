//! A running server's NICs and security groups, changed after creation:
//! a NIC is attached (a given port, or a new port on a network) and
//! detached as a port of the network model with `device_id` and
//! `device_owner` set and cleared; a security group is added to or
//! removed from every port of the server, which is what Nova's
//! `addSecurityGroup`/`removeSecurityGroup` do on Neutron. The server's
//! `security_groups` is kept as the union the ports carry, so the Nova
//! and ECS views show what the network model holds.

use super::servers::{Nic, NicSpec, Server};
use super::*;
use otc_vpc::model::ports::PortChange;
use otc_vpc::model::Port;

/// NICs one server may have (ECS's flavor-independent floor; the real
/// limit grows with the flavor, the emulator keeps the smallest).
pub const MAX_NICS: usize = 12;

/// Which NIC a detach asks for was the server's first: its primary NIC
/// carries the routes and cannot be detached (ECS and Nova on OTC).
fn is_primary(s: &Server, port_id: &str) -> bool {
    s.nics.first().is_some_and(|n| n.port_id == port_id)
}

/// The security group ids a server shows: those its ports carry, in port
/// order without repeats (a port's groups may change through Neutron), or,
/// when its ports carry none, the ones recorded on the server.
pub fn groups_shown(s: &Server, on_ports: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in on_ports {
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    if out.is_empty() {
        s.security_groups.clone()
    } else {
        out
    }
}

impl Compute<'_, '_> {
    /// Attaches one NIC: `nic.port_id` (a free port of the project) or a
    /// new port on `nic.network_id` with the server's security groups
    /// (`groups` when given: ECS's per-NIC choice).
    pub fn attach_interface(&mut self, server_id: &str, nic: &NicSpec, groups: Option<Vec<String>>) -> ModelResult<(Server, Port)> {
        let mut s = self.server(server_id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {server_id} is locked")));
        }
        if !matches!(s.stage.as_str(), "ACTIVE" | "SHUTOFF") {
            return Err(Fault::Conflict(
                Why::State,
                format!("Cannot 'attach_interface' instance {server_id} while it is in vm_state {}", s.view().vm_state),
            ));
        }
        if s.nics.len() >= MAX_NICS {
            return Err(Fault::Quota(format!("Maximum number of ports exceeded: at most {MAX_NICS} NICs per server.")));
        }
        let groups = match groups {
            Some(g) if !g.is_empty() => self.resolve_groups(&g)?,
            _ => s.security_groups.clone(),
        };
        let new = self.attach_nic(&s.id, &s.availability_zone.clone(), nic, &groups)?;
        s.nics.push(new.clone());
        s.security_groups = self.groups_on_ports(&s)?;
        s.updated_at = self.net.now;
        self.save(&s)?;
        let port = self.net.port(&new.port_id)?;
        Ok((s, port))
    }

    /// Detaches the NIC on `port_id`: a port the server made goes, a port
    /// it was given is freed. The primary NIC stays.
    pub fn detach_interface(&mut self, server_id: &str, port_id: &str) -> ModelResult<Server> {
        let mut s = self.server(server_id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {server_id} is locked")));
        }
        let Some(nic) = s.nics.iter().find(|n| n.port_id == port_id).cloned() else {
            return Err(Fault::NotFound(format!("Port {port_id} is not attached")));
        };
        if is_primary(&s, port_id) {
            return Err(Fault::Invalid(
                Why::Port,
                format!("Port {port_id} is the primary NIC of instance {server_id} and cannot be detached."),
            ));
        }
        if !matches!(s.stage.as_str(), "ACTIVE" | "SHUTOFF") {
            return Err(Fault::Conflict(
                Why::State,
                format!("Cannot 'detach_interface' instance {server_id} while it is in vm_state {}", s.view().vm_state),
            ));
        }
        self.release_nic(&nic)?;
        s.nics.retain(|n| n.port_id != port_id);
        s.security_groups = self.groups_on_ports(&s)?;
        s.updated_at = self.net.now;
        self.save(&s)?;
        Ok(s)
    }

    fn release_nic(&mut self, nic: &Nic) -> ModelResult<()> {
        let Some(port) = self.net.find::<Port>(otc_vpc::model::PORT, &nic.port_id)? else {
            return Ok(());
        };
        if nic.owned {
            self.net.release_port(&port)?;
        } else {
            let ch = PortChange { device_id: Some(String::new()), device_owner: Some(String::new()), ..Default::default() };
            self.net.update_port(&port.id, ch)?;
        }
        Ok(())
    }

    /// Group names or ids to ids, each exactly one group of the project.
    pub fn resolve_groups(&mut self, wanted: &[String]) -> ModelResult<Vec<String>> {
        let groups = self.net.security_groups()?;
        let mut out: Vec<String> = Vec::new();
        for w in wanted {
            let matching: Vec<&otc_vpc::model::SecurityGroup> = groups.iter().filter(|g| &g.id == w || &g.name == w).collect();
            let id = match matching.as_slice() {
                [one] => one.id.clone(),
                [] => return Err(Fault::NotFound(format!("Security group {w} not found."))),
                _ => {
                    return Err(Fault::Conflict(
                        Why::SecurityGroup,
                        format!("Multiple security groups found matching '{w}'. Use an ID to be more specific."),
                    ))
                }
            };
            if !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// The groups the server's ports carry, first port first.
    fn groups_on_ports(&mut self, s: &Server) -> ModelResult<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for p in self.ports_of(s)? {
            for g in p.security_groups {
                if !out.contains(&g) {
                    out.push(g);
                }
            }
        }
        Ok(out)
    }

    /// The security groups of a server, as its ports carry them.
    pub fn server_security_groups(&mut self, server_id: &str) -> ModelResult<Vec<otc_vpc::model::SecurityGroup>> {
        let s = self.server(server_id)?;
        let ids = self.groups_on_ports(&s)?;
        let ids = if ids.is_empty() { s.security_groups.clone() } else { ids };
        let mut out = Vec::new();
        for id in ids {
            if let Some(g) = self.net.find::<otc_vpc::model::SecurityGroup>(otc_vpc::model::SECURITY_GROUP, &id)? {
                out.push(g);
            }
        }
        Ok(out)
    }

    /// Nova's `addSecurityGroup` (`add`) and `removeSecurityGroup`: the
    /// group (by name or id) on every port of the server. Adding a group
    /// the server has, or removing one it lacks, is Nova's 400.
    pub fn change_server_group(&mut self, server_id: &str, group: &str, add: bool) -> ModelResult<Server> {
        let mut s = self.server(server_id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {server_id} is locked")));
        }
        let gid = self.resolve_groups(&[group.to_string()])?.remove(0);
        let ports = self.ports_of(&s)?;
        let has = ports.iter().any(|p| p.security_groups.contains(&gid));
        if add && has && ports.iter().all(|p| p.security_groups.contains(&gid)) {
            return Err(Fault::Invalid(
                Why::SecurityGroup,
                format!("Security group {group} is already associated with the instance {server_id}"),
            ));
        }
        if !add && !has {
            return Err(Fault::Invalid(Why::SecurityGroup, format!("Security group {group} not associated with the instance {server_id}")));
        }
        for p in ports {
            let mut groups = p.security_groups.clone();
            if add && !groups.contains(&gid) {
                groups.push(gid.clone());
            } else if !add && groups.contains(&gid) {
                groups.retain(|g| g != &gid);
            } else {
                continue;
            }
            self.net.update_port(&p.id, PortChange { security_groups: Some(groups), ..Default::default() })?;
        }
        s.security_groups = self.groups_on_ports(&s)?;
        s.updated_at = self.net.now;
        self.save(&s)?;
        Ok(s)
    }
}
