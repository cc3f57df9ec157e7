//! Reading AS requests and writing AS times, shared by the facades: the
//! JSON body (AS.0002 empty, AS.0022 malformed), typed members,
//! `start_number`/`limit` paging, and `2015-07-23T01:04:07Z` timestamps.

use crate::errors::as_error;
use chrono::{DateTime, SecondsFormat, Utc};
use otc_core::api::Input;
use otc_core::{body, ApiError, ApiResult};
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

/// A member of the wrong type: the body is invalid (AS.0022), naming it.
pub fn mistyped(e: body::Mistyped) -> ApiError {
    as_error("AS.0022", format!("{e}."))
}

/// A string member, refusing other types (never read as absent).
pub fn opt_str(o: &Map<String, Value>, k: &str) -> ApiResult<Option<String>> {
    Ok(body::opt_str(o, k).map_err(mistyped)?.map(String::from))
}

/// A list of strings; any other element refuses the list (AS.0022).
pub fn opt_str_list(o: &Map<String, Value>, k: &str) -> ApiResult<Option<Vec<String>>> {
    body::opt_str_list(o, k).map_err(mistyped)
}

/// An integer member; another type is `code`, the member's own.
pub fn opt_int(o: &Map<String, Value>, k: &str, code: &str) -> ApiResult<Option<i64>> {
    body::opt_int(o, k).map_err(|e| as_error(code, format!("{e}.")))
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
