//! Jobs: each create, delete, expand and security group change records
//! one, under the id of the request that started it (the `X-Request-Id`
//! of its answer), `running` until the operation's settle time is over,
//! then `success`. They outlive their file system, as a deletion's must.

use super::{errors, TurboJob, TurboResult, Turbos, JOB};
use chrono::Duration;

impl Turbos<'_, '_> {
    pub fn record_job(&mut self, share_id: &str, job_type: &str) -> TurboResult<()> {
        let now = self.now();
        let job = TurboJob {
            id: self.request_id.to_string(),
            project_id: self.net.project.to_string(),
            share_id: share_id.to_string(),
            job_type: job_type.to_string(),
            begin: now,
            end: now + Duration::seconds(self.cfg.turbo_seconds.max(0)),
        };
        if self.net.find::<TurboJob>(JOB, &job.id)?.is_none() {
            self.net.insert(JOB, &job.id, Some(share_id), &job)?;
        }
        Ok(())
    }

    /// A job of the project (404 SFS.TURBO.0019 otherwise).
    pub fn job(&mut self, id: &str) -> TurboResult<TurboJob> {
        Ok(self.net.find::<TurboJob>(JOB, id)?.ok_or_else(errors::job_not_found)?)
    }
}

impl TurboJob {
    pub fn status(&self, now: otc_core::time::Timestamp) -> &'static str {
        if now >= self.end {
            "success"
        } else {
            "running"
        }
    }
}
