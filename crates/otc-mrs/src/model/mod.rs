//! The cluster model: a cluster document per cluster, and its nodes as
//! servers of the compute model in the same transaction, so a cluster's
//! servers, disks and ports appear and go with it.

pub mod clusters;
pub mod components;
pub mod faults;
pub mod jobs;
pub mod nodes;
pub mod resize;
pub mod tags;

use crate::MrsConfig;
use otc_compute::model::Compute as Model;
use otc_core::time::Timestamp;
use otc_core::ApiError;
use serde::{Deserialize, Serialize};

pub const CLUSTER: &str = "mrs.cluster";

otc_core::refusal! {
    /// A refusal in MRS's words; compute and network faults met while
    /// building a cluster are worded here too (see [`nodes`]).
    pub struct Refusal;
    storage(e: otc_store::StoreError) => ApiError::new(500, "12000004", format!("Internal service error: {e}"));
}

pub type MrsResult<T> = Result<T, Refusal>;

impl From<otc_vpc::model::Fault> for Refusal {
    fn from(f: otc_vpc::model::Fault) -> Self {
        Refusal(crate::errors::mrs_error("12000027", format!("Failed to verify the subnet when creating the cluster: {f:?}")))
    }
}

impl From<otc_compute::model::Fault> for Refusal {
    fn from(f: otc_compute::model::Fault) -> Self {
        Refusal(nodes::compute_refusal(f))
    }
}

/// The role of a node group (the `type` of its hosts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Master,
    Core,
    Task,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Master => "Master",
            Role::Core => "Core",
            Role::Task => "Task",
        }
    }
}

/// One node group as requested (flat form or `node_groups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeGroup {
    pub group_name: String,
    pub role: Role,
    pub node_num: u32,
    /// The MRS flavor as sent (`c4.2xlarge.2.linux.mrs`).
    pub node_size: String,
    pub root_volume_size: u32,
    pub root_volume_type: String,
    pub data_volume_type: String,
    pub data_volume_count: u32,
    pub data_volume_size: u32,
}

impl NodeGroup {
    /// The compute flavor behind the MRS flavor name.
    pub fn ecs_flavor(&self) -> &str {
        self.node_size.strip_suffix(".linux.mrs").unwrap_or(&self.node_size)
    }
}

/// A node: the server that is it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub server_id: String,
    pub name: String,
    /// Index into the cluster's `groups`.
    pub group: usize,
    pub ip: String,
}

/// A validated cluster request (run-job-flow).
#[derive(Debug, Clone, Default)]
pub struct ClusterSpec {
    pub name: String,
    pub version: String,
    pub cluster_type: i64,
    pub safe_mode: i64,
    pub login_mode: i64,
    pub key_name: Option<String>,
    pub root_password: Option<String>,
    pub data_center: String,
    pub az: String,
    pub vpc_name: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub subnet_name: String,
    pub security_group_id: Option<String>,
    pub components: Vec<String>,
    pub groups: Vec<NodeGroup>,
    pub log_collection: i64,
    pub tags: Vec<otc_core::tags::Tag>,
    pub enterprise_project_id: String,
    pub remark: String,
    pub volume_type: String,
    pub volume_size: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cluster {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub version: String,
    pub cluster_type: i64,
    pub safe_mode: i64,
    pub login_mode: i64,
    pub key_name: Option<String>,
    pub data_center: String,
    pub az: String,
    pub zone: String,
    pub vpc_name: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub subnet_name: String,
    pub security_group_id: String,
    /// The group was made for the cluster (and goes with it).
    pub own_security_group: bool,
    pub components: Vec<String>,
    pub groups: Vec<NodeGroup>,
    pub nodes: Vec<Node>,
    pub log_collection: i64,
    pub tags: Vec<otc_core::tags::Tag>,
    pub enterprise_project_id: String,
    pub remark: String,
    pub volume_type: String,
    pub volume_size: u32,
    /// `starting`, `terminating`: settled on read by [`Clusters::settle`];
    /// `running`, `terminated` are where they rest.
    pub state: String,
    pub state_since: Timestamp,
    /// Why the cluster failed or is abnormal (set through the emulator's
    /// own API).
    #[serde(default)]
    pub error_info: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

otc_vpc::owned!(Cluster);

impl Cluster {
    pub fn group_of(&self, role: Role) -> Option<&NodeGroup> {
        self.groups.iter().find(|g| g.role == role)
    }

    pub fn count(&self, role: Role) -> u32 {
        self.groups.iter().filter(|g| g.role == role).map(|g| g.node_num).sum()
    }
}

/// One caller's clusters inside one transaction (with compute and network).
pub struct Clusters<'c, 'n, 'a> {
    pub m: &'c mut Model<'n, 'a>,
    pub cfg: &'c MrsConfig,
}
