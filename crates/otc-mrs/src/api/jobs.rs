//! Jobs v2 (`/v2/{project_id}/clusters/{cluster_id}/job-executions`):
//! submit, list, show, kill and batch delete. `arguments` and
//! `properties` read back as the strings `"[a, b]"` and `"{k=v}"` the real
//! service returns (HWTF parses exactly these forms).

use super::object;
use crate::errors::mrs_error;
use crate::model::jobs::{Job, JobSpec, JOB_TYPES};
use crate::Mrs;
use otc_core::api::{Input, Reply};
use otc_core::body::{self, Obj};
use otc_core::time::Timestamp;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

fn bad(detail: impl AsRef<str>) -> ApiError {
    mrs_error("MRS.0002", format!("The parameter is invalid. {}", detail.as_ref()))
}

fn ms(t: Option<Timestamp>) -> i64 {
    t.map(|t| t.timestamp_millis()).unwrap_or(0)
}

fn spec(o: &Obj) -> ApiResult<JobSpec> {
    let text = |k: &str| body::opt_str(o, k).map_err(|_| bad(format!("{k} must be a string.")));
    let job_type = text("job_type")?.ok_or_else(|| bad("job_type is mandatory."))?;
    if !JOB_TYPES.contains(&job_type) {
        return Err(bad(format!("job_type {job_type} is not supported.")));
    }
    let name = text("job_name")?.ok_or_else(|| bad("job_name is mandatory."))?;
    if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(bad("job_name is 1 to 64 letters, digits, hyphens (-) and underscores (_)."));
    }
    let mut arguments = Vec::new();
    for a in body::opt_list(o, "arguments").map_err(|_| bad("arguments must be a list."))?.into_iter().flatten() {
        let Value::String(s) = a else { return Err(bad("arguments must be strings.")) };
        if s.chars().any(|c| ";|&>'<$".contains(c)) {
            return Err(bad("arguments may not contain ;|&>'<$."));
        }
        arguments.push(s.clone());
    }
    if arguments.iter().map(String::len).sum::<usize>() > 4096 {
        return Err(bad("arguments are longer than 4096 characters."));
    }
    let mut properties = Vec::new();
    if let Some(p) = body::opt_object(o, "properties").map_err(|_| bad("properties must be an object."))? {
        for (k, v) in p {
            let Value::String(s) = v else { return Err(bad("properties values must be strings.")) };
            properties.push((k.clone(), s.clone()));
        }
    }
    Ok(JobSpec { name: name.to_string(), job_type: job_type.to_string(), arguments, properties })
}

fn view(j: &Job, accept: i64) -> Value {
    let started = j.started_at(accept);
    let finished = j.finished_at();
    let progress = match j.state.as_str() {
        "FINISHED" => 100.0,
        "RUNNING" => 50.0,
        _ => 0.0,
    };
    let props: Vec<String> = j.properties.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let launcher = format!("application_{}_{:04}", j.submitted_at.timestamp_millis(), j.seq);
    json!({
        "job_id": j.id,
        "user": "",
        "job_name": j.name,
        "job_result": j.result(),
        "job_state": j.state,
        "job_progress": progress,
        "job_type": j.job_type,
        "started_time": ms(started),
        "submitted_time": j.submitted_at.timestamp_millis(),
        "finished_time": ms(finished),
        "elapsed_time": match (started, finished) { (Some(s), Some(f)) => (f - s).num_milliseconds().max(0), _ => 0 },
        "queue": "default",
        "arguments": format!("[{}]", j.arguments.join(", ")),
        "launcher_id": launcher,
        "properties": format!("{{{}}}", props.join(", ")),
        "app_id": if j.state == "ACCEPTED" { String::new() } else { launcher.clone() },
    })
}

/// A positive integer query parameter.
fn num(input: &Input<'_>, key: &str, default: usize) -> ApiResult<usize> {
    match input.query.get(key) {
        None => Ok(default),
        Some(s) => s.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| bad(format!("{key} must be a positive integer."))),
    }
}

impl Mrs {
    /// POST …/job-executions: 200 `{"job_submit_result": {"job_id", "state": "COMPLETE"}}`.
    pub fn submit_job_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input).map_err(|_| bad("The request body is not a JSON object."))?;
        let spec = spec(&o)?;
        let j = self.call(input, |m| m.submit_job(input.param("cluster_id"), spec))?;
        Reply::json(200, &json!({"job_submit_result": {"job_id": j.id, "state": "COMPLETE"}}))
    }

    /// GET …/job-executions: `{"total_record", "job_list"}`, filtered,
    /// sorted by submission (`sort_by` desc by default) and paged
    /// (`offset` counts pages from 1). The reference answers 202 "for
    /// compatibility"; clients accept any 2xx.
    pub fn list_jobs_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let limit = num(input, "limit", 10)?;
        let page = num(input, "offset", 1)?;
        let desc = match q.get("sort_by") {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(s) => return Err(bad(format!("sort_by {s} is neither asc nor desc."))),
        };
        let bound = |k: &str| match q.get(k) {
            None => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| bad(format!("{k} must be a time in milliseconds."))),
        };
        let (begin, end) = (bound("submitted_time_begin")?, bound("submitted_time_end")?);
        let mut jobs = self.call(input, |m| m.jobs(input.param("cluster_id")))?;
        jobs.retain(|j| {
            let t = j.submitted_at.timestamp_millis();
            q.get("job_name").is_none_or(|n| j.name.contains(n))
                && q.get("job_type").is_none_or(|t| j.job_type == t)
                && q.get("job_state").is_none_or(|s| j.state == s)
                && q.get("job_result").is_none_or(|r| j.result() == r)
                && q.get("job_id").is_none_or(|i| j.id == i)
                && begin.is_none_or(|b| t >= b)
                && end.is_none_or(|e| t <= e)
        });
        if desc {
            jobs.reverse();
        }
        let total = jobs.len();
        let list: Vec<Value> =
            jobs.iter().skip((page - 1).saturating_mul(limit)).take(limit).map(|j| view(j, self.cfg.job_accept_seconds)).collect();
        Reply::json(202, &json!({"total_record": total, "job_list": list}))
    }

    /// GET …/job-executions/{job_execution_id}: 202 `{"job_detail"}`.
    pub fn show_job_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let j = self.call(input, |m| m.job(input.param("cluster_id"), input.param("job_execution_id")))?;
        Reply::json(202, &json!({"job_detail": view(&j, self.cfg.job_accept_seconds)}))
    }

    /// POST …/job-executions/{job_execution_id}/kill: 202, no body.
    pub fn kill_job_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |m| m.kill_job(input.param("cluster_id"), input.param("job_execution_id")))?;
        Ok(Reply::empty(202))
    }

    /// POST …/job-executions/batch-delete `{"job_id_list"}`: 202, no body.
    pub fn delete_jobs_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input).map_err(|_| bad("The request body is not a JSON object."))?;
        let mut ids = Vec::new();
        for v in body::opt_list(&o, "job_id_list").map_err(|_| bad("job_id_list must be a list."))?.into_iter().flatten() {
            let Value::String(s) = v else { return Err(bad("job_id_list must hold strings.")) };
            ids.push(s.clone());
        }
        if ids.is_empty() {
            return Err(mrs_error("0178", "The job ID cannot be left blank."));
        }
        self.call(input, |m| m.delete_jobs(input.param("cluster_id"), &ids))?;
        Ok(Reply::empty(202))
    }
}
