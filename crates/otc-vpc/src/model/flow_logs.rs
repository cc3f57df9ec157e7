//! VPC flow logs (vpc_apis_v1_v2/vpc_flow_log): a log of the traffic of
//! one port, one network (VPC v1 subnet) or one VPC, written to an LTS log
//! group and topic.
//!
//! LTS is not emulated, so its group and topic ids are only checked for
//! form (UUIDs), as the error table's "log_group_id/log_topic_id is
//! invalid" implies. The logged resource must be the caller's: another
//! project's port reads as missing. While a flow log exists its resource
//! is held ([`super::holds`]), so deleting the port, network or VPC
//! through the network APIs is refused until the log is deleted; a port
//! released by its server (ECS deletion) goes anyway and its log then
//! shows `ERROR`, the status the reference gives an abnormal log.

use super::*;
use otc_core::ids;

pub const FLOW_LOG: &str = "vpc.flow_log";

/// What a hold taken by a flow log is called in refusals.
const HOLDER: &str = "flow log";

pub const RESOURCE_TYPES: [&str; 3] = ["port", "network", "vpc"];
pub const TRAFFIC_TYPES: [&str; 3] = ["all", "accept", "reject"];
pub const STATUSES: [&str; 3] = ["ACTIVE", "DOWN", "ERROR"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FlowLog {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub resource_type: String,
    pub resource_id: String,
    pub traffic_type: String,
    pub log_group_id: String,
    pub log_topic_id: String,
    pub index_enabled: bool,
    pub admin_state: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

crate::owned!(FlowLog);

/// A flow log as it reads now: its document and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLogState {
    pub log: FlowLog,
    pub status: &'static str,
}

/// What a caller asks for when creating a flow log (checked for form by
/// the facade).
#[derive(Debug, Clone)]
pub struct FlowLogSpec {
    pub name: String,
    pub description: String,
    pub resource_type: String,
    pub resource_id: String,
    pub traffic_type: String,
    pub log_group_id: String,
    pub log_topic_id: String,
    pub index_enabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct FlowLogChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state: Option<bool>,
}

impl Net<'_> {
    pub fn flow_log(&mut self, id: &str) -> ModelResult<FlowLogState> {
        let log: FlowLog = self.get(FLOW_LOG, Res::FlowLog, id)?;
        self.flow_log_state(log)
    }

    /// Every flow log of the project, in creation order.
    pub fn flow_logs(&mut self) -> ModelResult<Vec<FlowLogState>> {
        let all: Vec<FlowLog> = self.all(FLOW_LOG)?;
        all.into_iter().map(|l| self.flow_log_state(l)).collect()
    }

    fn flow_log_state(&mut self, log: FlowLog) -> ModelResult<FlowLogState> {
        let status = if !self.flow_log_resource_exists(&log.resource_type, &log.resource_id)? {
            "ERROR"
        } else if log.admin_state {
            "ACTIVE"
        } else {
            "DOWN"
        };
        Ok(FlowLogState { log, status })
    }

    fn flow_log_resource_exists(&mut self, kind: &str, id: &str) -> ModelResult<bool> {
        Ok(match kind {
            "port" => self.find::<Port>(PORT, id)?.is_some(),
            "network" => self.find::<Network>(NETWORK, id)?.is_some(),
            _ => self.find::<Router>(ROUTER, id)?.is_some(),
        })
    }

    pub fn create_flow_log(&mut self, spec: FlowLogSpec) -> ModelResult<FlowLogState> {
        match spec.resource_type.as_str() {
            "port" => {
                let p = self.port(&spec.resource_id)?;
                // Only ECS NICs carry flow logs (the error table's "S3,
                // C3, or M3 ECS NIC port"); compute marks them `compute:<az>`.
                if !p.device_owner.starts_with("compute:") {
                    return Err(Fault::Invalid(Res::Port, format!("Port does not support flow log, port id : {}", p.id)));
                }
            }
            "network" => {
                self.network(&spec.resource_id)?;
            }
            "vpc" => {
                self.get::<Router>(ROUTER, Res::Vpc, &spec.resource_id)?;
            }
            other => return Err(Fault::Invalid(Res::FlowLog, format!("resource_type {other} is invalid"))),
        }
        let same: Vec<FlowLog> = self.keyed(FLOW_LOG, &spec.resource_id)?;
        if same.iter().any(|l| {
            l.resource_type == spec.resource_type
                && l.traffic_type == spec.traffic_type
                && l.log_group_id == spec.log_group_id
                && l.log_topic_id == spec.log_topic_id
        }) {
            return Err(Fault::Duplicate(
                Res::FlowLog,
                format!(
                    "Content of flow log is duplicate: resource type {}, resource id {}, traffic type {}, log group id {}, log topic id {}, log store type lts.",
                    spec.resource_type, spec.resource_id, spec.traffic_type, spec.log_group_id, spec.log_topic_id
                ),
            ));
        }
        if self.count(FLOW_LOG)? >= self.cfg.quotas.flow_log {
            return Err(Fault::Quota(Res::FlowLog));
        }
        let log = FlowLog {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: spec.name,
            description: spec.description,
            resource_type: spec.resource_type,
            resource_id: spec.resource_id,
            traffic_type: spec.traffic_type,
            log_group_id: spec.log_group_id,
            log_topic_id: spec.log_topic_id,
            index_enabled: spec.index_enabled,
            admin_state: true,
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(FLOW_LOG, &log.id, Some(&log.resource_id), &log)?;
        self.hold(&log.resource_id, HOLDER, &log.id)?;
        self.flow_log_state(log)
    }

    pub fn update_flow_log(&mut self, id: &str, ch: FlowLogChange) -> ModelResult<FlowLogState> {
        let mut log: FlowLog = self.get(FLOW_LOG, Res::FlowLog, id)?;
        if let Some(n) = ch.name {
            log.name = n;
        }
        if let Some(d) = ch.description {
            log.description = d;
        }
        if let Some(a) = ch.admin_state {
            log.admin_state = a;
        }
        log.updated_at = self.now;
        self.update(FLOW_LOG, &log.id, Some(&log.resource_id), &log)?;
        self.flow_log_state(log)
    }

    pub fn delete_flow_log(&mut self, id: &str) -> ModelResult<()> {
        let log: FlowLog = self.get(FLOW_LOG, Res::FlowLog, id)?;
        self.release_hold(&log.resource_id, &log.id)?;
        self.remove(FLOW_LOG, &log.id)
    }
}
