//! Typed members of JSON request bodies, for every service: a member is
//! absent, `null` (treated as absent), or of its documented JSON type —
//! anything else is a [`Mistyped`] that the service words with its own
//! code. Nothing is skipped or coerced here, so a value of the wrong type
//! is never taken for "not given" and never stored. Conversions a real
//! service performs (Neutron's `"true"` for a boolean, Nova's numeric
//! strings) stay with that service's facade.

use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// The JSON type a member must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    String,
    Integer,
    Boolean,
    Object,
    List,
    StringList,
    ObjectList,
}

impl Want {
    /// "a string", "an integer", ... for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Want::String => "a string",
            Want::Integer => "an integer",
            Want::Boolean => "a boolean",
            Want::Object => "an object",
            Want::List => "a list",
            Want::StringList => "a list of strings",
            Want::ObjectList => "a list of objects",
        }
    }
}

/// A member of the wrong type.
#[derive(Debug, Clone, PartialEq)]
pub struct Mistyped {
    pub key: String,
    pub want: Want,
    pub got: Value,
}

impl std::fmt::Display for Mistyped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} must be {}", self.key, self.want.noun())
    }
}

pub type Typed<T> = Result<T, Mistyped>;

fn wrong<T>(key: &str, want: Want, got: &Value) -> Typed<T> {
    Err(Mistyped { key: key.to_string(), want, got: got.clone() })
}

/// The member, `None` when absent or `null`.
fn present<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

pub fn opt_str<'a>(o: &'a Obj, key: &str) -> Typed<Option<&'a str>> {
    match present(o, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => wrong(key, Want::String, v),
    }
}

/// An integer: a JSON number without a fraction that fits an i64.
pub fn opt_int(o: &Obj, key: &str) -> Typed<Option<i64>> {
    match present(o, key) {
        None => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(v) => wrong(key, Want::Integer, v),
    }
}

pub fn opt_bool(o: &Obj, key: &str) -> Typed<Option<bool>> {
    match present(o, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => wrong(key, Want::Boolean, v),
    }
}

pub fn opt_object<'a>(o: &'a Obj, key: &str) -> Typed<Option<&'a Obj>> {
    match present(o, key) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(v) => wrong(key, Want::Object, v),
    }
}

pub fn opt_list<'a>(o: &'a Obj, key: &str) -> Typed<Option<&'a Vec<Value>>> {
    match present(o, key) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(v) => wrong(key, Want::List, v),
    }
}

/// A list whose every element is a string (one that is not refuses the
/// whole list: it is never dropped).
pub fn opt_str_list(o: &Obj, key: &str) -> Typed<Option<Vec<String>>> {
    let Some(list) = opt_list(o, key).map_err(|e| Mistyped { want: Want::StringList, ..e })? else {
        return Ok(None);
    };
    list.iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            other => wrong(key, Want::StringList, other),
        })
        .collect::<Typed<Vec<_>>>()
        .map(Some)
}

/// A list whose every element is an object.
pub fn opt_objects<'a>(o: &'a Obj, key: &str) -> Typed<Option<Vec<&'a Obj>>> {
    let Some(list) = opt_list(o, key).map_err(|e| Mistyped { want: Want::ObjectList, ..e })? else {
        return Ok(None);
    };
    list.iter()
        .map(|v| match v {
            Value::Object(m) => Ok(m),
            other => wrong(key, Want::ObjectList, other),
        })
        .collect::<Typed<Vec<_>>>()
        .map(Some)
}

/// neutron-lib's `convert_to_boolean`: a boolean, `"true"`/`"false"` (any
/// case), `"1"`/`"0"`, or the integers 1/0. Only Neutron APIs accept these;
/// OTC's own APIs take JSON booleans.
pub fn neutron_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") || s == "1" => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") || s == "0" => Some(false),
        Value::Number(n) if n.as_i64() == Some(1) => Some(true),
        Value::Number(n) if n.as_i64() == Some(0) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn absent_null_right_and_wrong() {
        let o = obj(json!({"s": "a", "n": 3, "f": 1.5, "b": true, "z": null, "l": ["a", 1], "ok": ["a"], "objs": [{"k": 1}, 2]}));
        assert_eq!(opt_str(&o, "s"), Ok(Some("a")));
        assert_eq!(opt_str(&o, "z"), Ok(None));
        assert_eq!(opt_str(&o, "missing"), Ok(None));
        assert_eq!(opt_str(&o, "n").unwrap_err().to_string(), "n must be a string");
        assert_eq!(opt_int(&o, "n"), Ok(Some(3)));
        assert_eq!(opt_int(&o, "f").unwrap_err().want, Want::Integer);
        assert_eq!(opt_int(&o, "s").unwrap_err().got, json!("a"));
        assert_eq!(opt_bool(&o, "b"), Ok(Some(true)));
        assert!(opt_bool(&o, "s").is_err());
        assert!(opt_object(&o, "l").is_err());
        assert_eq!(opt_str_list(&o, "ok"), Ok(Some(vec!["a".to_string()])));
        let e = opt_str_list(&o, "l").unwrap_err();
        assert_eq!((e.want, e.got), (Want::StringList, json!(1)), "a non-string element refuses the list");
        assert_eq!(opt_str_list(&o, "s").unwrap_err().want, Want::StringList);
        assert_eq!(opt_objects(&o, "objs").unwrap_err().got, json!(2));
    }

    #[test]
    fn neutron_booleans() {
        for (v, b) in
            [(json!(true), true), (json!("TRUE"), true), (json!("1"), true), (json!(1), true), (json!("false"), false), (json!(0), false)]
        {
            assert_eq!(neutron_bool(&v), Some(b), "{v}");
        }
        for v in [json!("yes"), json!(7), json!("7"), json!(null), json!([true])] {
            assert_eq!(neutron_bool(&v), None, "{v}");
        }
    }
}
