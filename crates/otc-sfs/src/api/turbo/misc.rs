//! Quotas (`GET /sfs-turbo/quotas`) and jobs (`GET /sfs-turbo/jobs/{id}`).

use crate::turbo::SfsTurbo;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::json;

/// Job times: `2016-01-02 15:04:05`.
fn job_time(t: otc_core::time::Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl SfsTurbo {
    pub fn quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let u = self.call(input, |m| m.usage())?;
        let q = self.cfg.turbo_quotas;
        Reply::json(
            200,
            &json!({"quotas": {"resources": [
                {"type": "shares", "used": u.shares, "quota": q.shares},
                {"type": "capacity", "used": u.capacity, "quota": q.capacity, "unit": "GB"},
            ]}}),
        )
    }

    pub fn show_job(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("job_id");
        let (job, now) = self.call(input, |m| Ok((m.job(id)?, m.now())))?;
        let status = job.status(now);
        let mut v = json!({
            "job_id": job.id,
            "status": status,
            "job_type": job.job_type,
            "begin_time": job_time(job.begin),
            "sub_jobs": [],
        });
        if status == "success" {
            v["end_time"] = json!(job_time(job.end));
        }
        Reply::json(200, &v)
    }
}
