//! Clusters: creation on the caller's VPC, subnet, security group and key
//! pair, statuses on the clock, listing and termination.
//!
//! `starting` lasts `create_seconds` and walks through the reference's
//! six stage descriptions; `terminating` lasts `delete_seconds`. A
//! terminated cluster stays readable for `terminated_retention_seconds`,
//! then is gone (purged by the next cluster creation).

use super::{Cluster, ClusterSpec, Clusters, MrsResult, CLUSTER};
use crate::errors::{mrs_error, no_cluster};
use chrono::Duration;
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_vpc::model::security_groups::DefaultRules;

/// The stage descriptions of a starting cluster, in order.
pub const CREATE_STAGES: [&str; 6] = [
    "Verifying cluster parameters",
    "Applying for cluster resources",
    "Creating VMs",
    "Initializing VMs",
    "Installing MRS Manager",
    "Deploying the cluster",
];

/// The stage descriptions of a cluster scaling out, and in.
pub const SCALE_OUT_STAGES: [&str; 4] = ["Preparing for scale-out", "Creating VMs", "Initializing VMs", "Adding nodes to the cluster"];
pub const SCALE_IN_STAGES: [&str; 4] =
    ["Preparing for scale-in", "Decommissioning instance", "Deleting VMs", "Deleting nodes from the cluster"];

/// Core and task nodes a cluster may have at most.
pub const MAX_CORE_AND_TASK: u32 = 500;

impl Clusters<'_, '_, '_> {
    fn table(&self) -> [Transition; 4] {
        let resize = Duration::seconds(self.cfg.resize_seconds);
        [
            Transition { from: "starting", to: "running", after: Duration::seconds(self.cfg.create_seconds) },
            Transition { from: "scaling-out", to: "running", after: resize },
            Transition { from: "scaling-in", to: "running", after: resize },
            Transition { from: "terminating", to: "terminated", after: Duration::seconds(self.cfg.delete_seconds) },
        ]
    }

    /// The cluster's status now (not stored: reads never write).
    pub fn settle(&self, c: &mut Cluster) {
        let (s, changed) = settle(&self.table(), &Stage { status: c.state.clone(), since: c.state_since }, self.m.net.now);
        if changed {
            c.state = s.status;
            c.state_since = s.since;
        }
    }

    /// Whether a terminated cluster's retention is over.
    fn expired(&self, c: &Cluster) -> bool {
        c.state == "terminated" && self.m.net.now >= c.state_since + Duration::seconds(self.cfg.terminated_retention_seconds)
    }

    /// The stage description of a starting or scaling cluster, and
    /// whether MRS Manager is installed.
    pub fn stage(&self, c: &Cluster) -> (&'static str, bool) {
        let (stages, seconds): (&[&'static str], i64) = match c.state.as_str() {
            "starting" => (&CREATE_STAGES, self.cfg.create_seconds),
            "scaling-out" => (&SCALE_OUT_STAGES, self.cfg.resize_seconds),
            "scaling-in" => (&SCALE_IN_STAGES, self.cfg.resize_seconds),
            "failed" => return ("Cluster installation failed", false),
            _ => return ("", true),
        };
        let total = seconds.max(1);
        let elapsed = (self.m.net.now - c.state_since).num_seconds().clamp(0, total - 1);
        let i = (elapsed * stages.len() as i64 / total) as usize;
        (stages[i], c.state != "starting" || i >= 5)
    }

    pub fn cluster(&mut self, id: &str) -> MrsResult<Cluster> {
        match self.m.net.find::<Cluster>(CLUSTER, id)? {
            Some(mut c) => {
                self.settle(&mut c);
                if self.expired(&c) {
                    return Err(no_cluster(id).into());
                }
                Ok(c)
            }
            None => Err(no_cluster(id).into()),
        }
    }

    /// Every readable cluster of the project, oldest first.
    pub fn clusters(&mut self) -> MrsResult<Vec<Cluster>> {
        let mut all: Vec<Cluster> = self.m.net.all(CLUSTER)?;
        for c in &mut all {
            self.settle(c);
        }
        Ok(all.into_iter().filter(|c| !self.expired(c)).collect())
    }

    pub(crate) fn save(&mut self, c: &Cluster) -> MrsResult<()> {
        self.m.net.update(CLUSTER, &c.id, None, c)?;
        Ok(())
    }

    /// Creates a cluster and launches its nodes.
    pub fn create(&mut self, mut spec: ClusterSpec) -> MrsResult<Cluster> {
        self.purge()?;
        if self.clusters()?.iter().any(|c| c.name == spec.name && c.state != "terminated") {
            return Err(mrs_error("12000043", format!("Duplicate cluster name: {}.", spec.name)).into());
        }
        let core_and_task: u32 = spec.groups.iter().filter(|g| g.role != super::Role::Master).map(|g| g.node_num).sum();
        if core_and_task > MAX_CORE_AND_TASK {
            return Err(mrs_error("12000028", format!("The cluster has a maximum of {MAX_CORE_AND_TASK} Core and Task nodes.")).into());
        }
        let zones = self.m.cfg.zones(self.m.net.region);
        if spec.data_center != self.m.net.region {
            return Err(
                mrs_error("12000002", format!("The parameter is invalid. data_center {} is not this region.", spec.data_center)).into()
            );
        }
        if !zones.contains(&spec.az) {
            return Err(mrs_error("120000212", "Failed to obtain the AZs that you have permission to access.").into());
        }
        // The VPC by id, the subnet (its network id) inside it.
        // The VPC by id (else by name), the subnet (its network id, else
        // its name) inside it.
        let vpc = if spec.vpc_id.is_empty() {
            self.m.net.routers()?.into_iter().find(|r| r.name == spec.vpc_name)
        } else {
            self.m.net.router(&spec.vpc_id).ok()
        };
        let vpc = vpc.ok_or_else(|| {
            let which = if spec.vpc_id.is_empty() { &spec.vpc_name } else { &spec.vpc_id };
            mrs_error("12000105", format!("VPC {which} does not exist."))
        })?;
        spec.vpc_id = vpc.id.clone();
        let subnet = if spec.subnet_id.is_empty() {
            self.m.net.networks()?.into_iter().find(|n| n.name == spec.subnet_name && n.vpc_id.as_deref() == Some(vpc.id.as_str()))
        } else {
            self.m.net.network(&spec.subnet_id).ok().filter(|n| n.vpc_id.as_deref() == Some(vpc.id.as_str()))
        };
        let Some(subnet) = subnet else {
            return Err(mrs_error("12000027", format!("Failed to verify the subnet when creating the cluster {}.", spec.name)).into());
        };
        spec.subnet_id = subnet.id.clone();
        if spec.subnet_name.is_empty() {
            spec.subnet_name = subnet.name.clone();
        }
        for g in &spec.groups {
            if self.m.cfg.flavor(g.ecs_flavor()).is_none() || !g.node_size.ends_with(".linux.mrs") {
                return Err(mrs_error("12000048", format!("Product specification {} does not exist.", g.node_size)).into());
            }
        }
        if let Some(k) = &spec.key_name {
            if self.m.keypair(k).is_err() {
                return Err(mrs_error("12000059", format!("Key pair {k} does not exist.")).into());
            }
        }
        let id = ids::uuid();
        let (security_group_id, own) = match &spec.security_group_id {
            Some(sg) => {
                self.m.net.security_group(sg).map_err(|_| mrs_error("13000046", format!("Security group {sg} does not exist.")))?;
                (sg.clone(), false)
            }
            None => {
                let name = format!("mrs_{}_{}", spec.name, &ids::hex32()[..5]);
                let desc = format!("MRS cluster {} ({id})", spec.name);
                let sg = self.m.net.create_security_group(&name, &desc, None, DefaultRules::EgressAndSelf).map_err(|e| match e {
                    otc_vpc::model::Fault::Quota(_) => mrs_error("12000045", "The security group quota is insufficient."),
                    other => mrs_error("12000038", format!("Failed to obtain the security group: {other:?}")),
                })?;
                (sg.id, true)
            }
        };
        let now = self.m.net.now;
        let mut c = Cluster {
            id: id.clone(),
            project_id: self.m.net.project.to_string(),
            name: spec.name,
            version: spec.version,
            cluster_type: spec.cluster_type,
            safe_mode: spec.safe_mode,
            login_mode: spec.login_mode,
            key_name: spec.key_name,
            data_center: spec.data_center,
            zone: spec.az.clone(),
            az: spec.az,
            vpc_name: if spec.vpc_name.is_empty() { vpc.name } else { spec.vpc_name },
            vpc_id: spec.vpc_id,
            subnet_id: spec.subnet_id,
            subnet_name: spec.subnet_name,
            security_group_id,
            own_security_group: own,
            components: spec.components,
            groups: spec.groups,
            nodes: Vec::new(),
            log_collection: spec.log_collection,
            tags: spec.tags,
            enterprise_project_id: spec.enterprise_project_id,
            remark: spec.remark,
            volume_type: spec.volume_type,
            volume_size: spec.volume_size,
            state: "starting".into(),
            state_since: now,
            error_info: String::new(),
            created_at: now,
            updated_at: now,
        };
        self.m.net.insert(CLUSTER, &id, None, &c)?;
        for gi in 0..c.groups.len() {
            let n = c.groups[gi].node_num;
            self.launch(&mut c, gi, n)?;
        }
        self.save(&c)?;
        Ok(c)
    }

    /// Terminates a cluster: its servers (with their disks and ports) and
    /// the security group made for it go now; the cluster is
    /// `terminating`, then `terminated`.
    pub fn terminate(&mut self, id: &str) -> MrsResult<()> {
        let mut c = self.cluster(id)?;
        if c.state != "running" && c.state != "abnormal" && c.state != "frozen" {
            return Err(mrs_error("12000021", format!("Clusters in the {} state cannot be terminated.", c.state)).into());
        }
        self.remove_nodes(&mut c)?;
        if c.own_security_group {
            // Still in use elsewhere (a user put a server in it): it stays.
            let _ = self.m.net.delete_security_group(&c.security_group_id);
        }
        c.state = "terminating".into();
        c.state_since = self.m.net.now;
        c.updated_at = self.m.net.now;
        self.save(&c)
    }

    /// Renames a cluster (v2 `cluster-name`); names stay unique among
    /// live clusters.
    pub fn rename(&mut self, id: &str, name: &str) -> MrsResult<()> {
        let mut c = self.cluster(id)?;
        if c.state == "terminating" || c.state == "terminated" {
            let msg = "Cluster name cannot be updated for a cluster that is in the terminating or terminated state.";
            return Err(mrs_error("12000360", msg).into());
        }
        if c.name != name && self.clusters()?.iter().any(|o| o.name == name && o.state != "terminated") {
            return Err(mrs_error("12000043", format!("Duplicate cluster name: {name}.")).into());
        }
        c.name = name.to_string();
        c.updated_at = self.m.net.now;
        self.save(&c)
    }

    /// Forgets terminated clusters whose retention is over.
    fn purge(&mut self) -> MrsResult<()> {
        let all: Vec<Cluster> = self.m.net.all(CLUSTER)?;
        for mut c in all {
            self.settle(&mut c);
            if self.expired(&c) {
                self.m.net.remove(CLUSTER, &c.id)?;
            }
        }
        Ok(())
    }
}
