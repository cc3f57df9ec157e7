//! Jobs v2 of a cluster: submitted `ACCEPTED`, `RUNNING` after
//! `job_accept_seconds`, `FINISHED` (`SUCCEEDED`) after `job_run_seconds`;
//! a kill ends a job not yet finished as `KILLED`. Statuses settle on
//! read (reads never write).

use super::{Clusters, MrsResult};
use crate::errors::mrs_error;
use chrono::Duration;
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_core::time::Timestamp;
use serde::{Deserialize, Serialize};

pub const JOB: &str = "mrs.job";

/// The job types v2 accepts.
pub const JOB_TYPES: [&str; 8] = ["MapReduce", "SparkSubmit", "HiveScript", "HiveSql", "DistCp", "SparkScript", "SparkSql", "Flink"];

/// Jobs a cluster runs at once at most (0177).
pub const MAX_RUNNING: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub project_id: String,
    pub cluster_id: String,
    pub name: String,
    pub job_type: String,
    pub arguments: Vec<String>,
    pub properties: Vec<(String, String)>,
    /// `ACCEPTED`, `RUNNING` settle on read; `FINISHED`, `KILLED` rest.
    pub state: String,
    pub state_since: Timestamp,
    pub submitted_at: Timestamp,
    /// Launcher sequence number (`application_<ms>_<n>`).
    pub seq: u64,
}

otc_vpc::owned!(Job);

impl Job {
    /// `job_result`: `UNDEFINED` until the job ends.
    pub fn result(&self) -> &'static str {
        match self.state.as_str() {
            "FINISHED" => "SUCCEEDED",
            "KILLED" => "KILLED",
            _ => "UNDEFINED",
        }
    }

    pub fn started_at(&self, accept: i64) -> Option<Timestamp> {
        (self.state != "ACCEPTED").then(|| self.submitted_at + Duration::seconds(accept))
    }

    pub fn finished_at(&self) -> Option<Timestamp> {
        matches!(self.state.as_str(), "FINISHED" | "KILLED").then_some(self.state_since)
    }
}

/// What a submission asks for.
pub struct JobSpec {
    pub name: String,
    pub job_type: String,
    pub arguments: Vec<String>,
    pub properties: Vec<(String, String)>,
}

/// v2 job faults; the appendix lists them all as 500, but each is the
/// caller's doing (wrong cluster state, unknown job), so they answer 400
/// here: the emulator never blames itself for a caller's request.
pub fn job_error(code: &str, msg: impl Into<String>) -> crate::model::Refusal {
    mrs_error(code, msg).into()
}

impl Clusters<'_, '_, '_> {
    fn job_table(&self) -> [Transition; 2] {
        [
            Transition { from: "ACCEPTED", to: "RUNNING", after: Duration::seconds(self.cfg.job_accept_seconds) },
            Transition { from: "RUNNING", to: "FINISHED", after: Duration::seconds(self.cfg.job_run_seconds) },
        ]
    }

    fn settle_job(&self, j: &mut Job) {
        let (s, changed) = settle(&self.job_table(), &Stage { status: j.state.clone(), since: j.state_since }, self.m.net.now);
        if changed {
            j.state = s.status;
            j.state_since = s.since;
        }
    }

    /// The cluster's jobs, oldest first.
    pub fn jobs(&mut self, cluster_id: &str) -> MrsResult<Vec<Job>> {
        self.cluster(cluster_id)?;
        let mut all: Vec<Job> = self.m.net.keyed(JOB, cluster_id)?;
        for j in &mut all {
            self.settle_job(j);
        }
        Ok(all)
    }

    pub fn job(&mut self, cluster_id: &str, id: &str) -> MrsResult<Job> {
        self.cluster(cluster_id)?;
        match self.m.net.find::<Job>(JOB, id)? {
            Some(mut j) if j.cluster_id == cluster_id => {
                self.settle_job(&mut j);
                Ok(j)
            }
            _ => Err(job_error("0176", "The job does not exist.")),
        }
    }

    /// Submits a job to a running cluster.
    pub fn submit_job(&mut self, cluster_id: &str, spec: JobSpec) -> MrsResult<Job> {
        let c = self.cluster(cluster_id)?;
        if c.state != "running" {
            return Err(job_error("0056", format!("Jobs cannot be submitted to a cluster in the {} state.", c.state)));
        }
        let jobs = self.jobs(cluster_id)?;
        if jobs.iter().filter(|j| matches!(j.state.as_str(), "ACCEPTED" | "RUNNING")).count() >= MAX_RUNNING {
            return Err(job_error("0177", "The number of jobs running in each cluster cannot exceed 10."));
        }
        let now = self.m.net.now;
        let job = Job {
            id: ids::uuid(),
            project_id: self.m.net.project.to_string(),
            cluster_id: cluster_id.to_string(),
            name: spec.name,
            job_type: spec.job_type,
            arguments: spec.arguments,
            properties: spec.properties,
            state: "ACCEPTED".into(),
            state_since: now,
            submitted_at: now,
            seq: jobs.len() as u64 + 1,
        };
        self.m.net.insert(JOB, &job.id, Some(cluster_id), &job)?;
        Ok(job)
    }

    /// Kills a job that has not ended (an ended one cannot be: 0160).
    pub fn kill_job(&mut self, cluster_id: &str, id: &str) -> MrsResult<()> {
        let mut j = self.job(cluster_id, id)?;
        if matches!(j.state.as_str(), "FINISHED" | "KILLED") {
            return Err(job_error("0160", "Failed to kill the job."));
        }
        j.state = "KILLED".into();
        j.state_since = self.m.net.now;
        self.m.net.update(JOB, id, Some(cluster_id), &j)?;
        Ok(())
    }

    /// Deletes ended jobs; a running one refuses the whole batch (0183).
    pub fn delete_jobs(&mut self, cluster_id: &str, ids: &[String]) -> MrsResult<()> {
        let mut found = Vec::new();
        for id in ids {
            let j = self.job(cluster_id, id)?;
            if !matches!(j.state.as_str(), "FINISHED" | "KILLED") {
                return Err(job_error("0183", "The job is running."));
            }
            found.push(j.id);
        }
        for id in found {
            self.m.net.remove(JOB, &id)?;
        }
        Ok(())
    }
}
