//! Reading request bodies the way IAM reports problems with them: a
//! missing member is IAM.0072 naming it, a wrong type or value IAM.0073.

use crate::errors;
use otc_core::ApiResult;
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// A required object member.
pub fn object<'a>(parent: &'a Obj, key: &str) -> ApiResult<&'a Obj> {
    match parent.get(key) {
        None | Some(Value::Null) => Err(errors::required(key)),
        Some(Value::Object(o)) => Ok(o),
        Some(other) => Err(errors::invalid_field(key, &other.to_string())),
    }
}

/// An optional object member.
pub fn opt_object<'a>(parent: &'a Obj, key: &str) -> ApiResult<Option<&'a Obj>> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(errors::invalid_field(key, &other.to_string())),
    }
}

/// An optional string member.
pub fn opt_str<'a>(parent: &'a Obj, key: &str) -> ApiResult<Option<&'a str>> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(errors::invalid_field(key, &other.to_string())),
    }
}

/// A required string member.
pub fn string<'a>(parent: &'a Obj, key: &str) -> ApiResult<&'a str> {
    opt_str(parent, key)?.ok_or_else(|| errors::required(key))
}

/// The body as a JSON object.
pub fn root(input: &otc_core::api::Input<'_>) -> ApiResult<Obj> {
    match input.json::<Value>()? {
        Value::Object(o) => Ok(o),
        _ => Err(errors::invalid_body("not an object")),
    }
}
