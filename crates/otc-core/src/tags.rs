//! Resource tags as OTC services share them (key/value pairs with per-service
//! length rules). Validation reports *what* is wrong; each service maps that
//! to its own documented error code.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl Tag {
    /// A tag of a request body: an object with a string `key` and an
    /// optional string `value` (absent or `null`: empty). Anything else is
    /// `None` — serde would also read `["k", "v"]` as a tag.
    pub fn from_member(v: &serde_json::Value) -> Option<Tag> {
        let o = v.as_object()?;
        let key = o.get("key")?.as_str()?.to_string();
        let value = match o.get("value") {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(v) => v.as_str()?.to_string(),
        };
        Some(Tag { key, value })
    }
}

/// The limits a service documents for its tags.
#[derive(Debug, Clone, Copy)]
pub struct TagRules {
    pub max_key_len: usize,
    pub max_value_len: usize,
    pub max_tags: usize,
}

impl TagRules {
    /// The rules most OTC services document (key 1-36, value 0-43, 10 tags).
    pub const COMMON: TagRules = TagRules { max_key_len: 36, max_value_len: 43, max_tags: 10 };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    EmptyKey,
    KeyTooLong(String),
    KeyCharset(String),
    ValueTooLong(String),
    ValueCharset(String),
    DuplicateKey(String),
    TooMany(usize),
}

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// Checks one set of tags against `rules`.
pub fn validate(tags: &[Tag], rules: TagRules) -> Result<(), TagError> {
    if tags.len() > rules.max_tags {
        return Err(TagError::TooMany(rules.max_tags));
    }
    let mut seen = std::collections::HashSet::new();
    for t in tags {
        if t.key.is_empty() {
            return Err(TagError::EmptyKey);
        }
        if t.key.chars().count() > rules.max_key_len {
            return Err(TagError::KeyTooLong(t.key.clone()));
        }
        if !t.key.chars().all(allowed) {
            return Err(TagError::KeyCharset(t.key.clone()));
        }
        if t.value.chars().count() > rules.max_value_len {
            return Err(TagError::ValueTooLong(t.value.clone()));
        }
        if !t.value.chars().all(|c| allowed(c) || c == '.') {
            return Err(TagError::ValueCharset(t.value.clone()));
        }
        if !seen.insert(t.key.as_str()) {
            return Err(TagError::DuplicateKey(t.key.clone()));
        }
    }
    Ok(())
}

/// Merges `new` into `existing`: a tag with an existing key replaces its value.
pub fn merge(existing: &mut Vec<Tag>, new: Vec<Tag>) {
    for t in new {
        match existing.iter_mut().find(|e| e.key == t.key) {
            Some(e) => e.value = t.value,
            None => existing.push(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    #[test]
    fn tags_of_a_body_are_objects_of_strings() {
        use serde_json::json;
        assert_eq!(Tag::from_member(&json!({"key": "k", "value": "v"})), Some(tag("k", "v")));
        assert_eq!(Tag::from_member(&json!({"key": "k"})), Some(tag("k", "")));
        assert_eq!(Tag::from_member(&json!({"key": "k", "value": null})), Some(tag("k", "")));
        for bad in [json!(["k", "v"]), json!({"key": 1}), json!({"key": "k", "value": 2}), json!("k"), json!({"value": "v"})] {
            assert_eq!(Tag::from_member(&bad), None, "{bad}");
        }
    }

    #[test]
    fn rules() {
        let r = TagRules::COMMON;
        assert!(validate(&[tag("env", "dev")], r).is_ok());
        assert_eq!(validate(&[tag("", "x")], r), Err(TagError::EmptyKey));
        assert!(matches!(validate(&[tag(&"k".repeat(37), "")], r), Err(TagError::KeyTooLong(_))));
        assert!(matches!(validate(&[tag("a b", "")], r), Err(TagError::KeyCharset(_))));
        assert!(matches!(validate(&[tag("a", "x"), tag("a", "y")], r), Err(TagError::DuplicateKey(_))));
        let many: Vec<_> = (0..11).map(|i| tag(&format!("k{i}"), "")).collect();
        assert_eq!(validate(&many, r), Err(TagError::TooMany(10)));
    }

    #[test]
    fn merging_replaces_values() {
        let mut e = vec![tag("a", "1")];
        merge(&mut e, vec![tag("a", "2"), tag("b", "3")]);
        assert_eq!(e, vec![tag("a", "2"), tag("b", "3")]);
    }
}
