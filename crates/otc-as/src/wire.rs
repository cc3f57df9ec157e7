//! Reading AS requests and writing AS times, shared by the facades: the
//! JSON body (AS.0002 empty, AS.0022 malformed), typed members,
//! `start_number`/`limit` paging, and `2015-07-23T01:04:07Z` timestamps.

use crate::errors::as_error;
use chrono::{DateTime, SecondsFormat, Utc};
use otc_core::api::Input;
use otc_core::ApiResult;
use serde_json::{Map, Value};

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn body(input: &Input<'_>) -> ApiResult<Map<String, Value>> {
    if input.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(as_error("AS.0002", ""));
    }
    match serde_json::from_slice::<Value>(input.body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(as_error("AS.0022", "")),
    }
}

/// A string member, refusing other types.
pub fn opt_str(o: &Map<String, Value>, k: &str) -> ApiResult<Option<String>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(as_error("AS.0022", format!("{k} must be a string."))),
    }
}

/// A string member, treating other types as absent.
pub fn text(o: &Map<String, Value>, k: &str) -> Option<String> {
    o.get(k).and_then(Value::as_str).map(String::from)
}

pub fn opt_int(o: &Map<String, Value>, k: &str, code: &str) -> ApiResult<Option<i64>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(_) => Err(as_error(code, format!("{k} must be an integer."))),
    }
}

/// `start_number` (>= 0, default 0) and `limit` (0-100, default 20).
pub fn paging(input: &Input<'_>, start_code: &str, limit_code: &str) -> ApiResult<(usize, usize)> {
    let start = match input.query.get("start_number") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| as_error(start_code, ""))?,
    };
    let limit = match input.query.get("limit") {
        None => 20,
        Some(v) => v.parse::<usize>().ok().filter(|l| *l <= 100).ok_or_else(|| as_error(limit_code, ""))?,
    };
    Ok((start, limit))
}

/// `start_number`/`limit` applied to a listing.
pub fn page<T>(items: Vec<T>, start: usize, limit: usize) -> Vec<T> {
    otc_core::pagination::page_by_offset(items, start, Some(limit))
}
