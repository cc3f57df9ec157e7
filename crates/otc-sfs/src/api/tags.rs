//! Share tags (`/v2/{project_id}/sfs/...`): add one, batch create and
//! delete, delete one, a share's tags, the project's keys with their
//! values, and shares by tag (filter and count). `sys_tags` belong to the
//! op_service role, which no emulator user has.

use super::version;
use super::{empty, object, reply};
use crate::errors::{bad_request, forbidden, invalid_input};
use crate::model::tags::{TagMatch, TagQuery};
use crate::Sfs;
use otc_core::api::{Input, Reply};
use otc_core::body::Obj;
use otc_core::tags::Tag;
use otc_core::ApiResult;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

fn tag_json(t: &Tag) -> Value {
    json!({"key": t.key, "value": t.value})
}

/// A tag of a request: `key` a string, `value` a string (optional when
/// `value_optional`, as in a deletion).
/// A tag of a request: its key, and its value when one is given.
type Given = (String, Option<String>);

fn tag_of(v: &Value, value_optional: bool) -> ApiResult<Given> {
    let o = v.as_object().ok_or_else(|| invalid_input("a tag must be an object with key and value"))?;
    let key = match o.get("key") {
        Some(Value::String(k)) => k.clone(),
        _ => return Err(invalid_input("the key of a tag must be a string")),
    };
    let value = match o.get("value") {
        Some(Value::String(v)) => Some(v.clone()),
        None | Some(Value::Null) if value_optional => None,
        _ => return Err(invalid_input("the value of a tag must be a string")),
    };
    Ok((key, value))
}

fn tag_list(o: &Obj, key: &str, value_optional: bool) -> ApiResult<Option<Vec<Given>>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a.iter().map(|t| tag_of(t, value_optional)).collect::<ApiResult<Vec<_>>>().map(Some),
        Some(_) => Err(invalid_input(format!("{key} must be a list of tags"))),
    }
}

fn refuse_sys_tags(o: &Obj) -> ApiResult<()> {
    if o.get("sys_tags").is_some_and(|v| !v.is_null()) {
        return Err(forbidden("sys_tags can only be used with the op_service permission."));
    }
    Ok(())
}

/// `tags`, `tags_any`, `not_tags`, `not_tags_any` of a query: at most 20
/// keys, each with at most 10 values, keys and values unique.
fn matches(o: &Obj, key: &str) -> ApiResult<Option<Vec<TagMatch>>> {
    let list = match o.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid_input(format!("{key} must be a list"))),
    };
    if list.len() > 20 {
        return Err(invalid_input(format!("{key} can have at most 20 keys")));
    }
    let mut out: Vec<TagMatch> = Vec::new();
    for m in list {
        let Some(m) = m.as_object() else { return Err(invalid_input(format!("the members of {key} must be objects"))) };
        let k = match m.get("key") {
            Some(Value::String(k)) if !k.is_empty() && k.chars().count() <= 127 => k.clone(),
            _ => return Err(invalid_input(format!("a key of {key} must be a string of 1 to 127 characters"))),
        };
        let values = match m.get("values") {
            Some(Value::Array(vs)) if vs.len() <= 10 => vs
                .iter()
                .map(|v| v.as_str().filter(|s| s.chars().count() <= 255).map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| invalid_input(format!("the values of {key} must be strings of at most 255 characters")))?,
            _ => return Err(invalid_input(format!("values of {key} must be a list of at most 10 strings"))),
        };
        if out.iter().any(|o| o.key == k) {
            return Err(invalid_input(format!("the keys of {key} must be unique")));
        }
        if values.iter().collect::<BTreeSet<_>>().len() != values.len() {
            return Err(invalid_input(format!("the values of {k} must be unique")));
        }
        out.push(TagMatch { key: k, values });
    }
    Ok(Some(out))
}

/// `offset` / `limit` of a query: strings of digits (or numbers).
fn count_member(o: &Obj, key: &str) -> ApiResult<Option<i64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<i64>().map(Some).map_err(|_| invalid_input(format!("{key} is out of range")))
        }
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(_) => Err(invalid_input(format!("{key} must be a string of digits"))),
    }
}

impl Sfs {
    pub fn add_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let body = object(input)?;
        let Some(tag) = body.get("tag").filter(|t| !t.is_null()) else {
            return Err(invalid_input("tag is required"));
        };
        let (key, value) = tag_of(tag, false)?;
        let tag = Tag { key, value: value.unwrap_or_default() };
        self.call(input, |m| m.add_tags(input.param("share_id"), vec![tag]))?;
        empty(204, mv)
    }

    pub fn tags_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let body = object(input)?;
        let id = input.param("share_id");
        match body.get("action") {
            Some(Value::String(a)) if a == "create" => {
                refuse_sys_tags(&body)?;
                let Some(tags) = tag_list(&body, "tags", false)? else { return Err(invalid_input("tags is required")) };
                let tags = tags.into_iter().map(|(key, value)| Tag { key, value: value.unwrap_or_default() }).collect();
                self.call(input, |m| m.add_tags(id, tags))?;
            }
            Some(Value::String(a)) if a == "delete" => {
                refuse_sys_tags(&body)?;
                let Some(tags) = tag_list(&body, "tags", true)? else { return Err(invalid_input("tags is required")) };
                for (k, v) in &tags {
                    if k.is_empty() || k.chars().count() > 36 || v.as_ref().is_some_and(|v| v.chars().count() > 43) {
                        return Err(bad_request(format!("Invalid tag {k:?}: keys have 1 to 36 characters, values at most 43.")));
                    }
                }
                // An empty value deletes by key.
                let tags = tags.into_iter().map(|(k, v)| (k, v.filter(|v| !v.is_empty()))).collect();
                self.call(input, |m| m.remove_tags(id, tags))?;
            }
            _ => return Err(invalid_input("action must be create or delete")),
        }
        empty(204, mv)
    }

    pub fn delete_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        self.call(input, |m| m.remove_tag(input.param("share_id"), input.param("key")))?;
        empty(204, mv)
    }

    pub fn share_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let share = self.call(input, |m| m.share(input.param("share_id")))?;
        reply(200, &json!({"tags": share.tags.iter().map(tag_json).collect::<Vec<_>>()}), mv)
    }

    pub fn project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let shares = self.call(input, |m| m.shares())?;
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in shares.iter().flat_map(|s| s.tags.iter()) {
            let values = by_key.entry(t.key.clone()).or_default();
            if !values.contains(&t.value) {
                values.push(t.value.clone());
            }
        }
        let tags: Vec<Value> = by_key.into_iter().map(|(key, values)| json!({"key": key, "values": values})).collect();
        reply(200, &json!({"tags": tags}), mv)
    }

    pub fn resource_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let body = object(input)?;
        let count = match body.get("action") {
            Some(Value::String(a)) if a == "filter" => false,
            Some(Value::String(a)) if a == "count" => true,
            _ => return Err(invalid_input("action must be filter or count")),
        };
        refuse_sys_tags(&body)?;
        let offset = count_member(&body, "offset")?.unwrap_or(0);
        let limit = count_member(&body, "limit")?.unwrap_or(1000);
        if offset < 0 {
            return Err(invalid_input("offset must be 0 or greater"));
        }
        if !(1..=1000).contains(&limit) {
            return Err(invalid_input("limit must be from 1 to 1000"));
        }
        let name = match body.get("matches") {
            None | Some(Value::Null) => None,
            Some(Value::Array(ms)) => {
                let mut name = None;
                for m in ms {
                    match (m.get("key").and_then(Value::as_str), m.get("value").and_then(Value::as_str)) {
                        (Some("resource_name"), Some(v)) if v.chars().count() <= 255 => name = Some(v.to_string()),
                        _ => return Err(invalid_input("matches take key resource_name and a value of at most 255 characters")),
                    }
                }
                name
            }
            Some(_) => return Err(invalid_input("matches must be a list")),
        };
        let query = TagQuery {
            tags: matches(&body, "tags")?,
            tags_any: matches(&body, "tags_any")?,
            not_tags: matches(&body, "not_tags")?,
            not_tags_any: matches(&body, "not_tags_any")?,
            name,
        };
        let mut shares = self.call(input, |m| m.shares())?;
        shares.retain(|s| query.matches(s));
        let total = shares.len();
        if count {
            return reply(200, &json!({"total_count": total}), mv);
        }
        let resources: Vec<Value> = shares
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|s| {
                json!({"resource_id": s.id, "resource_detail": {}, "tags": s.tags.iter().map(tag_json).collect::<Vec<_>>(),
                    "resource_name": s.name.clone().unwrap_or_default()})
            })
            .collect();
        reply(200, &json!({"resources": resources, "total_count": total}), mv)
    }
}
