//! EVS jobs (`GET /v1/{project_id}/jobs/{job_id}`): what the native API's
//! asynchronous requests (create, extend, delete) hand back to poll. The
//! work is done in the request's transaction; the job moves INIT →
//! RUNNING → SUCCESS on the clock and finishes when the volumes it waits
//! for have settled (`[evs] settle_seconds`), so a finished job means
//! available (or gone) volumes. Refusals are synchronous: a job handed out
//! succeeds. Batches have one sub-job per volume.

use super::*;
use chrono::{Duration, SecondsFormat};
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobKind {
    Create,
    Extend,
    Delete,
    Retype,
}

/// One volume's part of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobVolume {
    pub job_id: String,
    pub volume_id: String,
    pub name: Option<String>,
    pub size: u32,
    pub volume_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub project_id: String,
    pub kind: JobKind,
    pub volumes: Vec<JobVolume>,
    pub created_at: Timestamp,
    /// Seconds in INIT, then in RUNNING.
    pub init_seconds: i64,
    pub run_seconds: i64,
}

impl Owned for Job {
    fn project_id(&self) -> &str {
        &self.project_id
    }
}

/// What a job shows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobView {
    pub status: String,
    pub begin_time: String,
    /// Empty until the job has finished.
    pub end_time: String,
}

/// `2016-03-08T07:40:13.219Z`, the documented format of job times.
pub fn job_time(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Job {
    /// `createVolume`, `batchCreateVolume`, `extendVolume`, `retypeVolume`,
    /// `deleteVolume`, `bulkDeleteVolume`.
    pub fn job_type(&self) -> &'static str {
        match (self.kind, self.volumes.len() > 1) {
            (JobKind::Create, true) => "batchCreateVolume",
            (JobKind::Create, false) => "createVolume",
            (JobKind::Extend, _) => "extendVolume",
            (JobKind::Retype, _) => "retypeVolume",
            (JobKind::Delete, true) => "bulkDeleteVolume",
            (JobKind::Delete, false) => "deleteVolume",
        }
    }

    /// The type of each sub-job of a batch.
    pub fn sub_job_type(&self) -> &'static str {
        match self.kind {
            JobKind::Create => "createVolume",
            JobKind::Extend => "extendVolume",
            JobKind::Retype => "retypeVolume",
            JobKind::Delete => "deleteSingleVolume",
        }
    }

    pub fn view(&self, now: Timestamp) -> JobView {
        let table = [
            Transition { from: "INIT", to: "RUNNING", after: Duration::seconds(self.init_seconds) },
            Transition { from: "RUNNING", to: "SUCCESS", after: Duration::seconds(self.run_seconds) },
        ];
        let (stage, _) = settle(&table, &Stage { status: "INIT".into(), since: self.created_at }, now);
        let end_time = if stage.status == "SUCCESS" { job_time(stage.since) } else { String::new() };
        JobView { status: stage.status, begin_time: job_time(self.created_at), end_time }
    }
}

impl Disks<'_> {
    /// Records a job over `volumes`.
    pub fn submit_job(&mut self, kind: JobKind, volumes: &[Volume]) -> ModelResult<Job> {
        // A creation from an image passes through two transient statuses.
        let steps = if kind == JobKind::Create && volumes.iter().any(|v| v.image.is_some()) { 2 } else { 1 };
        let total = self.cfg.settle_seconds.max(0) * steps;
        let job = Job {
            id: ids::hex32(),
            project_id: self.project.to_string(),
            kind,
            volumes: volumes
                .iter()
                .map(|v| JobVolume {
                    job_id: ids::hex32(),
                    volume_id: v.id.clone(),
                    name: v.name.clone(),
                    size: v.size,
                    volume_type: v.volume_type.clone(),
                })
                .collect(),
            created_at: self.now,
            init_seconds: total / 2,
            run_seconds: total - total / 2,
        };
        self.insert(JOB, &job.id, &job)?;
        Ok(job)
    }

    pub fn job(&mut self, id: &str) -> ModelResult<Job> {
        self.get::<Job>(JOB, id)?.ok_or_else(|| Fault::NotFound(Res::Job, format!("Job {id} could not be found.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::Bench;
    use crate::model::volumes::VolumeSpec;

    #[test]
    fn a_job_finishes_when_its_volumes_have_settled() {
        let mut b = Bench::new(4);
        let job = b
            .run("p1", |d| {
                let vs = d.create_volumes(VolumeSpec { size: Some(10), count: 2, ..VolumeSpec::default() })?;
                d.submit_job(JobKind::Create, &vs)
            })
            .unwrap();
        assert_eq!(job.job_type(), "batchCreateVolume");
        assert_eq!(job.view(b.now).status, "INIT");
        b.advance(2);
        assert_eq!(job.view(b.now).status, "RUNNING");
        b.advance(2);
        let v = job.view(b.now);
        assert_eq!(v.status, "SUCCESS");
        assert!(!v.end_time.is_empty());
        let vol = job.volumes[0].volume_id.clone();
        assert_eq!(b.run("p1", |d| d.volume(&vol)).unwrap().status, "available");
        assert!(b.run("p2", |d| d.job(&job.id)).is_err(), "another project's job is not found");
    }
}
