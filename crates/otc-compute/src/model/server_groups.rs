//! Server groups (ECS groups): named sets of servers with a placement
//! policy. OTC supports only `anti-affinity` (the reference: "ECSs in this
//! group must be deployed on different hosts"), so that is the only policy
//! a group is created with.
//!
//! Placement rule: each availability zone has
//! [`ComputeConfig::hosts_per_zone`] hosts; an anti-affinity member takes a
//! host of its zone that no other member of the group holds. A server that
//! finds every host of its zone taken is refused, as are members beyond the
//! `server_group_members` quota (Nova's "Quota exceeded, too many servers in
//! group"). Servers in other zones never collide: they are on other hosts.
//! The refusal is synchronous (the emulator has no scheduler to fail a
//! server into ERROR later), with Nova's no-valid-host wording.
//! A deleted server leaves its group.

use super::*;
use otc_core::ids;

pub const SERVER_GROUP: &str = "compute.server_group";

/// The only policy OTC documents.
pub const ANTI_AFFINITY: &str = "anti-affinity";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Member {
    pub server_id: String,
    pub availability_zone: String,
    /// The host index within the zone (0-based).
    pub host: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerGroup {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub name: String,
    pub policies: Vec<String>,
    pub members: Vec<Member>,
    pub created_at: Timestamp,
}

impl ServerGroup {
    pub fn member_ids(&self) -> Vec<String> {
        self.members.iter().map(|m| m.server_id.clone()).collect()
    }
}

/// What a placement refusal is about, so each facade picks its code.
pub const TOO_MANY_MEMBERS: &str = "Quota exceeded, too many servers in group";

impl Compute<'_, '_> {
    pub fn server_groups(&mut self) -> ModelResult<Vec<ServerGroup>> {
        self.net.all(SERVER_GROUP).map_err(Fault::from)
    }

    pub fn server_group(&mut self, id: &str) -> ModelResult<ServerGroup> {
        match self.net.tx.get_doc::<ServerGroup>(SERVER_GROUP, id)? {
            Some(g) if g.project_id == self.net.project => Ok(g),
            _ => Err(Fault::NotFound(format!("Instance group {id} could not be found."))),
        }
    }

    pub fn create_server_group(&mut self, name: &str, policies: Vec<String>) -> ModelResult<ServerGroup> {
        if name.is_empty() || name.chars().count() > 255 {
            return Err(Fault::Invalid(Why::Other, format!("Invalid input for field/attribute name. Value: {name}.")));
        }
        if policies.len() != 1 || policies[0] != ANTI_AFFINITY {
            return Err(Fault::Invalid(
                Why::Other,
                format!("Invalid input for field/attribute policies. Value: {policies:?}. Only ['anti-affinity'] is supported."),
            ));
        }
        let used = self.server_groups()?.len() as u64;
        let limit = self.cfg.quotas.server_groups;
        if used >= limit {
            return Err(Fault::Quota(format!(
                "Quota exceeded for server_groups: Requested 1, but already used {used} of {limit} server_groups"
            )));
        }
        let g = ServerGroup {
            id: ids::uuid(),
            project_id: self.net.project.to_string(),
            user_id: self.user_id.to_string(),
            name: name.to_string(),
            policies,
            members: Vec::new(),
            created_at: self.net.now,
        };
        self.net.insert(SERVER_GROUP, &g.id, None, &g)?;
        Ok(g)
    }

    /// Deleting a group leaves its members running (as Nova does).
    pub fn delete_server_group(&mut self, id: &str) -> ModelResult<()> {
        self.server_group(id)?;
        self.net.remove(SERVER_GROUP, id)?;
        Ok(())
    }

    /// Places `server` in group `group_id` under the group's policy; see the
    /// module comment for the rule. Joining a group twice is a conflict.
    pub fn join_server_group(&mut self, group_id: &str, server_id: &str, az: &str) -> ModelResult<ServerGroup> {
        let mut g = self.server_group(group_id)?;
        if g.members.iter().any(|m| m.server_id == server_id) {
            return Err(Fault::Conflict(Why::Other, format!("Instance {server_id} is already a member of server group {group_id}.")));
        }
        if self.server_groups()?.iter().any(|o| o.members.iter().any(|m| m.server_id == server_id)) {
            return Err(Fault::Conflict(Why::Other, format!("Instance {server_id} is already a member of another server group.")));
        }
        if g.members.len() as u64 >= self.cfg.quotas.server_group_members {
            return Err(Fault::Quota(TOO_MANY_MEMBERS.into()));
        }
        let taken: Vec<u32> = g.members.iter().filter(|m| m.availability_zone == az).map(|m| m.host).collect();
        let Some(host) = (0..self.cfg.hosts_per_zone).find(|h| !taken.contains(h)) else {
            return Err(Fault::Invalid(
                Why::Placement,
                format!(
                    "No valid host was found. There are not enough hosts available: the {} hosts of {az} each hold a member of anti-affinity group {group_id}.",
                    self.cfg.hosts_per_zone
                ),
            ));
        };
        g.members.push(Member { server_id: server_id.to_string(), availability_zone: az.to_string(), host });
        self.net.update(SERVER_GROUP, &g.id, None, &g)?;
        Ok(g)
    }

    pub fn leave_server_group(&mut self, group_id: &str, server_id: &str) -> ModelResult<ServerGroup> {
        let mut g = self.server_group(group_id)?;
        let before = g.members.len();
        g.members.retain(|m| m.server_id != server_id);
        if g.members.len() == before {
            return Err(Fault::Invalid(Why::Other, format!("Instance {server_id} is not a member of server group {group_id}.")));
        }
        self.net.update(SERVER_GROUP, &g.id, None, &g)?;
        Ok(g)
    }

    /// Takes a deleted server out of every group it was in.
    pub fn forget_group_member(&mut self, server_id: &str) -> ModelResult<()> {
        for mut g in self.server_groups()? {
            let before = g.members.len();
            g.members.retain(|m| m.server_id != server_id);
            if g.members.len() != before {
                self.net.update(SERVER_GROUP, &g.id, None, &g)?;
            }
        }
        Ok(())
    }

    /// The group a server belongs to, if any.
    pub fn group_of(&mut self, server_id: &str) -> ModelResult<Option<ServerGroup>> {
        Ok(self.server_groups()?.into_iter().find(|g| g.members.iter().any(|m| m.server_id == server_id)))
    }
}

/// The host a server runs on, as the views name it: its zone for host 0
/// (every server outside a group), `<zone>-h<n>` for the other hosts an
/// anti-affinity group spreads over, so members show distinct `hostId`s.
pub fn host_label(groups: &[ServerGroup], server_id: &str, az: &str) -> String {
    match groups.iter().flat_map(|g| &g.members).find(|m| m.server_id == server_id) {
        Some(m) if m.host > 0 => format!("{az}-h{}", m.host),
        _ => az.to_string(),
    }
}
