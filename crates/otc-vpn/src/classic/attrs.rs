//! Reading Neutron resource attributes as Neutron's API layer does: the
//! `{"<resource>": {...}}` wrapper, unknown / not-allowed / read-only
//! attributes, and value conversion and validation (`convert_to_int`,
//! `convert_to_boolean`, `convert_to_list`, `validate_*`) with Neutron's
//! messages, so clients see the refusals they know.

use super::errors::{bad, invalid};
use otc_core::api::Input;
use otc_core::ApiResult;
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// Which request an attribute set is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Post,
    Put,
}

/// The object under `key`; a missing wrapper or one that is not an
/// object is Neutron's 400.
pub fn wrapped(input: &Input<'_>, key: &str) -> ApiResult<Obj> {
    let root = match input.json::<Value>()? {
        Value::Object(o) => o,
        _ => return Err((input.bad_body)("the request body is not a JSON object")),
    };
    match root.get(key) {
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(_) => Err(bad(format!("Invalid input for {key}. Reason: not a dictionary."))),
        None => Err(bad(format!("Unable to find '{key}' in request body"))),
    }
}

/// Neutron's attribute screening: names the resource does not have are
/// "Unrecognized"; known ones that this method may not set are refused.
pub fn screen(obj: &Obj, method: Method, known: &[&str], settable: &[&str]) -> ApiResult<()> {
    let mut unknown: Vec<&str> = obj.keys().map(String::as_str).filter(|k| !known.contains(k)).collect();
    if !unknown.is_empty() {
        unknown.sort_unstable();
        return Err(bad(format!("Unrecognized attribute(s) '{}'", unknown.join(", "))));
    }
    if let Some(k) = obj.keys().find(|k| !settable.contains(&k.as_str())) {
        return Err(bad(match method {
            Method::Post => format!("Attribute '{k}' not allowed in POST"),
            Method::Put => format!("Cannot update read-only attribute {k}"),
        }));
    }
    Ok(())
}

/// A required POST attribute.
pub fn required<T>(v: Option<T>, attr: &str) -> ApiResult<T> {
    v.ok_or_else(|| bad(format!("Failed to parse request. Required attribute '{attr}' not specified")))
}

/// A value as Python's `%s` shows it in Neutron's messages.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// A string attribute of at most `max` characters.
pub fn string(o: &Obj, attr: &str, max: usize) -> ApiResult<Option<String>> {
    match o.get(attr) {
        None => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => Err(invalid(attr, format!("'{s}' exceeds maximum length of {max}"))),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(invalid(attr, format!("'{}' is not a valid string", show(v)))),
    }
}

/// A string attribute out of `values` (Neutron's `validate_values`).
pub fn one_of(o: &Obj, attr: &str, values: &[&str]) -> ApiResult<Option<String>> {
    match o.get(attr) {
        None => Ok(None),
        Some(Value::String(s)) if values.contains(&s.as_str()) => Ok(Some(s.clone())),
        Some(v) => Err(invalid(attr, not_in(v, values))),
    }
}

/// `<v> is not in ['a', 'b']`.
pub fn not_in(v: &Value, values: &[&str]) -> String {
    let list: Vec<String> = values.iter().map(|x| format!("'{x}'")).collect();
    format!("{} is not in [{}]", show(v), list.join(", "))
}

/// An integer; numeric strings are converted (`convert_to_int`).
pub fn int_value(attr: &str, v: &Value) -> ApiResult<i64> {
    match v {
        Value::Number(n) if n.is_i64() => Ok(n.as_i64().unwrap_or_default()),
        Value::String(s) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().unwrap_or_default()),
        other => Err(invalid(attr, format!("'{}' is not an integer", show(other)))),
    }
}

pub fn int(o: &Obj, attr: &str) -> ApiResult<Option<i64>> {
    o.get(attr).map(|v| int_value(attr, v)).transpose()
}

/// `convert_to_boolean`: booleans, "true"/"false", "1"/"0", 1/0.
pub fn boolean(o: &Obj, attr: &str) -> ApiResult<Option<bool>> {
    match o.get(attr) {
        None => Ok(None),
        Some(v) => {
            otc_core::body::neutron_bool(v).map(Some).ok_or_else(|| invalid(attr, format!("'{}' is not a valid boolean value", show(v))))
        }
    }
}

/// OTC: "admin_state_up can only be true".
pub fn admin_state_up(o: &Obj, what: &str) -> ApiResult<()> {
    if boolean(o, "admin_state_up")? == Some(false) {
        return Err(invalid("admin_state_up", format!("{what} admin_state_up cannot be false on OTC")));
    }
    Ok(())
}

pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// A UUID attribute; `null` only where `nullable` (`Some(None)`).
pub fn uuid_attr(o: &Obj, attr: &str, nullable: bool) -> ApiResult<Option<Option<String>>> {
    match o.get(attr) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(Some(None)),
        Some(Value::String(s)) if is_uuid(s) => Ok(Some(Some(s.clone()))),
        Some(v) => Err(invalid(attr, format!("'{}' is not a valid UUID", show(v)))),
    }
}

/// A required, non-null UUID.
pub fn uuid_value(o: &Obj, attr: &str) -> ApiResult<Option<String>> {
    Ok(uuid_attr(o, attr, false)?.flatten())
}

/// A list of strings; a single string is a list of one (`convert_to_list`).
pub fn str_list(o: &Obj, attr: &str) -> ApiResult<Option<Vec<String>>> {
    match o.get(attr) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(attr, format!("'{}' is not a valid string", show(other)))),
            })
            .collect::<ApiResult<Vec<_>>>()
            .map(Some),
        Some(v) => Err(invalid(attr, format!("'{}' is not a list", show(v)))),
    }
}

/// A nested object with only `keys`; `null` is absent.
pub fn dict(o: &Obj, attr: &str, keys: &[&str]) -> ApiResult<Option<Obj>> {
    match o.get(attr) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => {
            let mut extra: Vec<&str> = m.keys().map(String::as_str).filter(|k| !keys.contains(k)).collect();
            if !extra.is_empty() {
                extra.sort_unstable();
                return Err(invalid(attr, format!("Unexpected keys supplied: {}", extra.join(", "))));
            }
            Ok(Some(m.clone()))
        }
        Some(v) => Err(invalid(attr, format!("'{}' is not a dictionary", show(v)))),
    }
}

/// `tenant_id` / `project_id` in a POST: only the caller's own project.
pub fn check_project(o: &Obj, project: &str) -> ApiResult<()> {
    let tenant = string(o, "tenant_id", 255)?;
    let proj = string(o, "project_id", 255)?;
    if let (Some(t), Some(p)) = (&tenant, &proj) {
        if t != p {
            return Err(bad("'project_id' and 'tenant_id' do not match"));
        }
    }
    if tenant.or(proj).is_some_and(|p| p != project) {
        return Err(bad("Specifying 'project_id' other than the authenticated project in request is not allowed for the current user."));
    }
    Ok(())
}

/// `name` (OTC: at most 64 characters) and `description` (255).
pub fn name_and_description(o: &Obj) -> ApiResult<(Option<String>, Option<String>)> {
    Ok((string(o, "name", 64)?, string(o, "description", 255)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn screening() {
        let o = obj(json!({"name": "x", "flavor_id": "f", "a": 1}));
        assert_eq!(screen(&o, Method::Post, &["name"], &["name"]).unwrap_err().message, "Unrecognized attribute(s) 'a, flavor_id'");
        let o = obj(json!({"route_mode": "static"}));
        assert_eq!(screen(&o, Method::Post, &["route_mode"], &[]).unwrap_err().message, "Attribute 'route_mode' not allowed in POST");
        assert_eq!(screen(&o, Method::Put, &["route_mode"], &[]).unwrap_err().message, "Cannot update read-only attribute route_mode");
    }

    #[test]
    fn conversions() {
        let o = obj(json!({"mtu": "1500", "x": "abc", "b": "1", "l": "10.0.0.0/24", "e": "sha256"}));
        assert_eq!(int(&o, "mtu").unwrap(), Some(1500));
        assert_eq!(int(&o, "x").unwrap_err().message, "Invalid input for x. Reason: 'abc' is not an integer.");
        assert_eq!(boolean(&o, "b").unwrap(), Some(true));
        assert_eq!(str_list(&o, "l").unwrap(), Some(vec!["10.0.0.0/24".to_string()]));
        assert_eq!(
            one_of(&o, "e", &["sha1", "sha2-256"]).unwrap_err().message,
            "Invalid input for e. Reason: sha256 is not in ['sha1', 'sha2-256']."
        );
        assert!(uuid_attr(&o, "x", false).is_err());
        assert!(dict(&obj(json!({"d": {"a": 1, "z": 2}})), "d", &["a"]).unwrap_err().message.contains("Unexpected keys supplied: z"));
    }

    #[test]
    fn projects() {
        assert!(check_project(&obj(json!({"project_id": "p"})), "p").is_ok());
        assert!(check_project(&obj(json!({"project_id": "q"})), "p").is_err());
        assert!(check_project(&obj(json!({"project_id": "p", "tenant_id": "q"})), "p").is_err());
    }
}
