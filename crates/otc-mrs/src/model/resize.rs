//! Resizing: core and task nodes added (new servers) or removed (their
//! servers deleted) at once; the cluster is `scaling-out`/`scaling-in`
//! for `resize_seconds`. Masters are fixed; at least three core nodes
//! stay; a task group is made by the first task scale-out, from
//! `task_node_info`.

use super::clusters::MAX_CORE_AND_TASK;
use super::{Clusters, MrsResult, NodeGroup, Role};
use crate::errors::{invalid, mrs_error};

/// The least number of core nodes a scale-in leaves.
pub const MIN_CORE_AFTER_SCALE_IN: u32 = 3;

#[derive(Debug, Clone)]
pub struct Resize {
    pub scale_out: bool,
    /// The task group (else the core group).
    pub task: bool,
    pub instances: u32,
    /// `task_node_info`: the task group a first task scale-out makes.
    pub task_group: Option<NodeGroup>,
    /// The task nodes to remove (their server ids).
    pub server_ids: Vec<String>,
}

impl Clusters<'_, '_, '_> {
    pub fn resize(&mut self, id: &str, r: Resize) -> MrsResult<()> {
        let mut c = self.cluster(id)?;
        if c.state.starts_with("scaling") {
            return Err(mrs_error("12000018", "Scale-out or scale-in cannot be performed again because it is in progress.").into());
        }
        if c.state != "running" {
            return Err(
                mrs_error("12000017", "Scale-out or scale-in is not allowed for clusters that are not in the Running state.").into()
            );
        }
        let role = if r.task { Role::Task } else { Role::Core };
        let gi = match c.groups.iter().position(|g| g.role == role) {
            Some(i) => i,
            None if r.scale_out => {
                let g = r.task_group.clone().ok_or_else(|| invalid("task_node_info is mandatory for the first task nodes."))?;
                if self.m.cfg.flavor(g.ecs_flavor()).is_none() || !g.node_size.ends_with(".linux.mrs") {
                    return Err(mrs_error("12000048", format!("Product specification {} does not exist.", g.node_size)).into());
                }
                c.groups.push(g);
                c.groups.len() - 1
            }
            None => return Err(mrs_error("12000013", format!("Scale-in of cluster {} failed: it has no task nodes.", c.name)).into()),
        };
        if r.scale_out {
            let used = c.count(Role::Core) + c.count(Role::Task);
            if used + r.instances > MAX_CORE_AND_TASK {
                return Err(mrs_error("12000028", format!("The maximum number of Core nodes in a cluster is {MAX_CORE_AND_TASK}.")).into());
            }
            self.launch(&mut c, gi, r.instances)?;
            c.groups[gi].node_num += r.instances;
            c.state = "scaling-out".into();
        } else {
            let have = c.groups[gi].node_num;
            let removable = if r.task { have } else { have.saturating_sub(MIN_CORE_AFTER_SCALE_IN) };
            if r.instances > removable {
                return Err(
                    mrs_error("12000013", format!("Scale-in of cluster {} failed: {removable} node(s) can be removed.", c.name)).into()
                );
            }
            let members: Vec<usize> = (0..c.nodes.len()).filter(|&i| c.nodes[i].group == gi).collect();
            let chosen: Vec<usize> = if r.server_ids.is_empty() {
                // The newest nodes go first.
                members.iter().rev().take(r.instances as usize).copied().collect()
            } else {
                if r.server_ids.len() != r.instances as usize {
                    return Err(invalid("server_ids must list as many nodes as instances.").into());
                }
                let mut out = Vec::new();
                for sid in &r.server_ids {
                    match members.iter().find(|&&i| c.nodes[i].server_id == *sid) {
                        Some(&i) if !out.contains(&i) => out.push(i),
                        _ => {
                            let msg = format!("Scale-in of cluster {} failed: {sid} is not a task node of it.", c.name);
                            return Err(mrs_error("12000013", msg).into());
                        }
                    }
                }
                out
            };
            for &i in &chosen {
                let sid = c.nodes[i].server_id.clone();
                if self.m.server(&sid).is_ok() {
                    self.m.delete_server(&sid)?;
                }
            }
            let mut i = 0;
            c.nodes.retain(|_| {
                i += 1;
                !chosen.contains(&(i - 1))
            });
            c.groups[gi].node_num -= r.instances;
            c.state = "scaling-in".into();
        }
        c.state_since = self.m.net.now;
        c.updated_at = self.m.net.now;
        self.save(&c)
    }
}
