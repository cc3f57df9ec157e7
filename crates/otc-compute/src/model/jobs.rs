//! ECS v1 jobs: what an asynchronous request (create, delete, batch
//! start/stop/reboot) hands back to poll. A job is a record of the work
//! done in the request's transaction; its status moves INIT → RUNNING →
//! SUCCESS on the controllable clock (settled when read, like servers),
//! taking at least `job_seconds` and at least as long as the work it waits
//! for, so a finished job means settled servers. One sub-job per server.

use super::*;
use chrono::{Duration, SecondsFormat};
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};

pub const JOB: &str = "compute.job";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubJob {
    pub id: String,
    pub job_type: String,
    pub server_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub project_id: String,
    /// `createServer`, `deleteServer`, `batchStartServer`, ...
    pub job_type: String,
    pub sub_jobs: Vec<SubJob>,
    pub created_at: Timestamp,
    /// Seconds in INIT, then in RUNNING.
    pub init_seconds: i64,
    pub run_seconds: i64,
}

/// What a job shows now.
pub struct JobView {
    pub status: String,
    pub begin_time: String,
    /// Empty until the job has finished.
    pub end_time: String,
}

/// `2016-04-25T20:04:34.604Z`, the format of job times.
pub fn job_time(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The kinds of work a job does: its type and its sub-jobs' type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Create,
    Delete,
    Start,
    Stop,
    Reboot,
    /// ECS `attachvolume` / `detachvolume`: as long as the volume's
    /// attaching or detaching.
    AttachVolume,
    DetachVolume,
}

impl JobKind {
    pub fn types(self) -> (&'static str, &'static str) {
        match self {
            JobKind::Create => ("createServer", "createSingleServer"),
            JobKind::Delete => ("deleteServer", "deleteSingleServer"),
            JobKind::Start => ("batchStartServer", "startSingleServer"),
            JobKind::Stop => ("batchStopServer", "stopSingleServer"),
            JobKind::Reboot => ("batchRebootServer", "rebootSingleServer"),
            JobKind::AttachVolume => ("attachVolume", "attachSingleVolume"),
            JobKind::DetachVolume => ("detachVolume", "detachSingleVolume"),
        }
    }
}

impl Job {
    fn transitions(&self) -> [Transition; 2] {
        [
            Transition { from: "INIT", to: "RUNNING", after: Duration::seconds(self.init_seconds) },
            Transition { from: "RUNNING", to: "SUCCESS", after: Duration::seconds(self.run_seconds) },
        ]
    }

    pub fn view(&self, now: Timestamp) -> JobView {
        let (stage, _) = settle(&self.transitions(), &Stage { status: "INIT".into(), since: self.created_at }, now);
        let end_time = if stage.status == "SUCCESS" { job_time(stage.since) } else { String::new() };
        JobView { status: stage.status, begin_time: job_time(self.created_at), end_time }
    }
}

impl Compute<'_, '_> {
    /// Records a job over `server_ids`; returns its id.
    pub fn submit_job(&mut self, kind: JobKind, server_ids: &[String]) -> ModelResult<Job> {
        let work = match kind {
            JobKind::Create => self.cfg.build_seconds,
            JobKind::Delete => 0,
            JobKind::Start | JobKind::Stop | JobKind::Reboot => self.cfg.action_seconds,
            JobKind::AttachVolume | JobKind::DetachVolume => self.cfg.volumes.settle_seconds,
        };
        let total = self.cfg.job_seconds.max(work).max(0);
        let (job_type, sub_type) = kind.types();
        let job = Job {
            id: ids::hex32(),
            project_id: self.net.project.to_string(),
            job_type: job_type.to_string(),
            sub_jobs: server_ids
                .iter()
                .map(|s| SubJob { id: ids::hex32(), job_type: sub_type.to_string(), server_id: s.clone() })
                .collect(),
            created_at: self.net.now,
            init_seconds: total / 2,
            run_seconds: total - total / 2,
        };
        self.net.insert(JOB, &job.id, None, &job)?;
        Ok(job)
    }

    pub fn job(&mut self, id: &str) -> ModelResult<Job> {
        match self.net.tx.get_doc::<Job>(JOB, id)? {
            Some(j) if j.project_id == self.net.project => Ok(j),
            _ => Err(Fault::NotFound(format!("Job {id} could not be found."))),
        }
    }
}
