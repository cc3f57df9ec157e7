//! The Manila v2 facade over the file-system model: version documents,
//! shares and their actions, quotas, tags, and the one share type.
//! Handlers read typed members ([`otc_core::body`]) and answer with the
//! fields of the request's microversion ([`version`]).

pub mod actions;
pub mod quotas;
pub mod sfs3;
pub mod shares;
pub mod tags;
pub mod turbo;
pub mod types;
pub mod version;
pub mod versions;

use crate::errors::{bad_request, mistyped};
use otc_core::api::{Input, Reply};
use otc_core::body::{self, Obj};
use otc_core::ApiResult;
use serde_json::Value;
use version::Mv;

/// The request body as a JSON object; anything else is the "Malformed
/// request body" Manila's deserializer answers.
pub fn object(input: &Input<'_>) -> ApiResult<Obj> {
    match input.json::<Value>()? {
        Value::Object(o) => Ok(o),
        _ => Err(bad_request("Malformed request body")),
    }
}

pub fn opt_str<'a>(o: &'a Obj, key: &str) -> ApiResult<Option<&'a str>> {
    body::opt_str(o, key).map_err(mistyped)
}

pub fn opt_bool(o: &Obj, key: &str) -> ApiResult<Option<bool>> {
    body::opt_bool(o, key).map_err(mistyped)
}

pub fn opt_object<'a>(o: &'a Obj, key: &str) -> ApiResult<Option<&'a Obj>> {
    body::opt_object(o, key).map_err(mistyped)
}

/// An integer as Manila's `int()` / `is_int_like` take it: a JSON integer
/// or a string of one (never a boolean or a fraction).
pub fn opt_int_like(o: &Obj, key: &str) -> Result<Option<i64>, Value> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| Value::String(s.clone())),
        Some(v) => Err(v.clone()),
    }
}

/// A JSON reply stamped with the request's microversion.
pub fn reply(status: u16, body: &Value, mv: Mv) -> ApiResult<Reply> {
    Ok(version::stamped(Reply::json(status, body)?, mv))
}

pub fn empty(status: u16, mv: Mv) -> ApiResult<Reply> {
    Ok(version::stamped(Reply::empty(status), mv))
}

/// Python's `str()` of a value in a message (`None`, `True`, `'x'`).
pub fn py(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
