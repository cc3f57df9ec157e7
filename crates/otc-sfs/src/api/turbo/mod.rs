//! The SFS Turbo facade over [`crate::model::turbo`]: file systems and
//! their actions, permission rules, tags, quotas and jobs. Bodies are
//! read member by member; a member that is missing or of the wrong type
//! is SFS.TURBO.0001 naming it.

pub mod actions;
pub mod misc;
pub mod rules;
pub mod shares;
pub mod tags;

use crate::turbo::errors::param;
use otc_core::api::Input;
use otc_core::body::Obj;
use otc_core::ApiResult;
use serde_json::Value;

/// The request body as a JSON object.
pub fn object(input: &Input<'_>) -> ApiResult<Obj> {
    match input.json::<Value>()? {
        Value::Object(o) => Ok(o),
        _ => Err(param("the request body must be a JSON object")),
    }
}

/// The object member `key` of `o` (required).
pub fn member<'a>(o: &'a Obj, key: &str) -> ApiResult<&'a Obj> {
    match o.get(key) {
        Some(Value::Object(m)) => Ok(m),
        None | Some(Value::Null) => Err(param(format!("{key} is required"))),
        Some(_) => Err(param(format!("{key} must be an object"))),
    }
}

pub fn opt_str<'a>(o: &'a Obj, key: &str) -> ApiResult<Option<&'a str>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(param(format!("{key} must be a string"))),
    }
}

pub fn req_str<'a>(o: &'a Obj, key: &str) -> ApiResult<&'a str> {
    opt_str(o, key)?.filter(|s| !s.is_empty()).ok_or_else(|| param(format!("{key} is required")))
}

/// A JSON integer (never a string, a fraction or a boolean).
pub fn req_int(o: &Obj, key: &str) -> ApiResult<i64> {
    match o.get(key) {
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| param(format!("{key} must be an integer"))),
        None | Some(Value::Null) => Err(param(format!("{key} is required"))),
        Some(_) => Err(param(format!("{key} must be an integer"))),
    }
}

/// `limit`/`offset` of a query or body: the reference types them as
/// strings and shows integers, so both are taken. `None` when absent.
pub fn paging_value(v: Option<&Value>, key: &str, min: i64) -> ApiResult<Option<i64>> {
    let n = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(_) => None,
    };
    match n {
        Some(n) if n >= min => Ok(Some(n)),
        _ => Err(param(format!("{key} must be an integer of at least {min}"))),
    }
}

/// A query's `limit`/`offset`.
pub fn query_int(input: &Input<'_>, key: &str, min: i64) -> ApiResult<Option<i64>> {
    paging_value(input.query.get(key).map(|s| Value::String(s.to_string())).as_ref(), key, min)
}

/// The slice `offset..offset+limit` of `items`.
pub fn page<T: Clone>(items: &[T], offset: Option<i64>, limit: Option<i64>) -> Vec<T> {
    let off = offset.unwrap_or(0).max(0) as usize;
    let lim = limit.map(|l| l.max(0) as usize).unwrap_or(usize::MAX);
    items.iter().skip(off).take(lim).cloned().collect()
}
