//! The MRS v1.1 facade over the cluster model: run-job-flow, the cluster
//! list and details, termination and hosts. Handlers read typed members
//! ([`otc_core::body`]); a member of the wrong type is 12000002.

pub mod clusters;
pub mod hosts;
pub mod jobs;
pub mod tags;
pub mod v2;
pub mod views;

use crate::errors::{invalid, mistyped};
use otc_core::api::{Input, Query};
use otc_core::body::{self, Obj};
use otc_core::ApiResult;
use serde_json::Value;

/// The request body as a JSON object.
pub fn object(input: &Input<'_>) -> ApiResult<Obj> {
    match input.json::<Value>() {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(invalid("The request body is not a JSON object.")),
    }
}

pub fn opt_str<'a>(o: &'a Obj, key: &str) -> ApiResult<Option<&'a str>> {
    body::opt_str(o, key).map_err(mistyped)
}

pub fn req_str<'a>(o: &'a Obj, key: &str) -> ApiResult<&'a str> {
    opt_str(o, key)?.ok_or_else(|| invalid(format!("{key} is mandatory.")))
}

pub fn opt_int(o: &Obj, key: &str) -> ApiResult<Option<i64>> {
    body::opt_int(o, key).map_err(mistyped)
}

/// An integer within `lo..=hi`, or `default` when absent.
pub fn int_in(o: &Obj, key: &str, lo: i64, hi: i64, default: Option<i64>) -> ApiResult<i64> {
    match opt_int(o, key)?.or(default) {
        Some(v) if (lo..=hi).contains(&v) => Ok(v),
        Some(v) => Err(invalid(format!("{key} {v} is out of range [{lo}, {hi}]."))),
        None => Err(invalid(format!("{key} is mandatory."))),
    }
}

/// A positive page parameter (`pageSize`, `currentPage`).
pub fn page_param(q: &Query, key: &str, default: Option<usize>, max: usize) -> ApiResult<Option<usize>> {
    match q.get(key) {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => Err(invalid(format!("{key} must be an integer from 1 to {max}."))),
        },
    }
}
