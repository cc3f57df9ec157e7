//! Reading JSON request bodies field by field, with each family's wording
//! for a missing or mistyped member (`Fields::bad` builds the error).

use otc_core::api::Input;
use otc_core::{ApiError, ApiResult};
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// One JSON object and how its family reports a bad member.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    pub obj: &'a Obj,
    pub bad: fn(String) -> ApiError,
    /// Neutron's attribute conversions (booleans as `"true"`, `"1"`, 1).
    neutron: bool,
}

impl<'a> Fields<'a> {
    /// Members of an OTC API (v1, v3): JSON types as documented.
    pub fn new(obj: &'a Obj, bad: fn(String) -> ApiError) -> Self {
        Fields { obj, bad, neutron: false }
    }

    /// Members of a Neutron API, converted as neutron-lib does.
    pub fn neutron(obj: &'a Obj, bad: fn(String) -> ApiError) -> Self {
        Fields { obj, bad, neutron: true }
    }

    pub fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    fn wrong(&self, key: &str, v: &Value, want: &str) -> ApiError {
        (self.bad)(format!("Invalid input for {key}. Reason: '{v}' is not {want}."))
    }

    pub fn missing(&self, key: &str) -> ApiError {
        (self.bad)(format!("Failed to parse request. Required attribute '{key}' not specified"))
    }

    /// A nested object that must be present.
    pub fn object(&self, key: &str) -> ApiResult<Fields<'a>> {
        self.opt_object(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn opt_object(&self, key: &str) -> ApiResult<Option<Fields<'a>>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(Fields { obj: o, ..*self })),
            Some(v) => Err(self.wrong(key, v, "a dictionary")),
        }
    }

    pub fn opt_str(&self, key: &str) -> ApiResult<Option<String>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.wrong(key, v, "a valid string")),
        }
    }

    pub fn str(&self, key: &str) -> ApiResult<String> {
        self.opt_str(key)?.ok_or_else(|| self.missing(key))
    }

    /// A string member that may be explicitly null: `Some(None)`.
    pub fn nullable_str(&self, key: &str) -> ApiResult<Option<Option<String>>> {
        match self.obj.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
            Some(v) => Err(self.wrong(key, v, "a valid string")),
        }
    }

    pub fn opt_bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) if self.neutron => otc_core::body::neutron_bool(v).map(Some).ok_or_else(|| self.wrong(key, v, "a valid boolean")),
            Some(v) => Err(self.wrong(key, v, "a valid boolean")),
        }
    }

    /// An integer, also accepted as a numeric string (the OTC docs send
    /// ports as `"80"`).
    pub fn opt_int(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
            Some(Value::Number(n)) if n.is_f64() => Ok(n.as_f64().map(|f| f.trunc() as i64)),
            Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
            Some(v) => Err(self.wrong(key, v, "an integer")),
        }
    }

    pub fn opt_list(&self, key: &str) -> ApiResult<Option<&'a Vec<Value>>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.wrong(key, v, "a list")),
        }
    }

    pub fn opt_str_list(&self, key: &str) -> ApiResult<Option<Vec<String>>> {
        let Some(list) = self.opt_list(key)? else {
            return Ok(None);
        };
        list.iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(self.wrong(key, other, "a list of strings")),
            })
            .collect::<ApiResult<Vec<_>>>()
            .map(Some)
    }

    /// The objects of a list member.
    pub fn opt_objects(&self, key: &str) -> ApiResult<Option<Vec<Fields<'a>>>> {
        let Some(list) = self.opt_list(key)? else {
            return Ok(None);
        };
        list.iter()
            .map(|v| match v {
                Value::Object(o) => Ok(Fields { obj: o, ..*self }),
                other => Err(self.wrong(key, other, "a list of dictionaries")),
            })
            .collect::<ApiResult<Vec<_>>>()
            .map(Some)
    }

    /// Members not in `allowed` (Neutron refuses unknown attributes).
    pub fn unknown(&self, allowed: &[&str]) -> Option<String> {
        self.obj.keys().find(|k| !allowed.contains(&k.as_str())).cloned()
    }
}

/// The body as a JSON object, or the family's malformed-body error.
pub fn root(input: &Input<'_>) -> ApiResult<Obj> {
    match input.json::<Value>()? {
        Value::Object(o) => Ok(o),
        _ => Err((input.bad_body)("the request body is not a JSON object")),
    }
}
