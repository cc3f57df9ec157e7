//! Tags (`/sfs-turbo/{share_id}/tags...`, no `shares/`): add one
//! (upsert), batch add (`action: create`, the only documented action),
//! delete one, a file system's tags, the project's keys with their
//! values, and file systems by tag (`filter`/`count`).

use super::shares::{detail, tags_json};
use super::{member, object, opt_str, page, paging_value};
use crate::model::turbo::Turbo;
use crate::turbo::errors::param;
use crate::turbo::SfsTurbo;
use otc_core::api::{Input, Reply};
use otc_core::tags::Tag;
use otc_core::ApiResult;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn tag_of(v: &Value) -> ApiResult<Tag> {
    let o = v.as_object().ok_or_else(|| param("a tag must be an object"))?;
    let key = opt_str(o, "key")?.ok_or_else(|| param("key is required"))?;
    let value = opt_str(o, "value")?.ok_or_else(|| param("value is required"))?;
    Ok(Tag { key: key.to_string(), value: value.to_string() })
}

/// A filter's tags: at most 20 keys, each with at most 20 values (any
/// of which matches); every key must match.
type TagFilter = Vec<(String, Vec<String>)>;

fn tag_filter(v: Option<&Value>) -> ApiResult<TagFilter> {
    let list = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) if a.len() <= 20 => a,
        Some(_) => return Err(param("tags must be a list of at most 20 keys")),
    };
    list.iter()
        .map(|m| {
            let o = m.as_object().ok_or_else(|| param("a tag filter must be an object"))?;
            let key = opt_str(o, "key")?
                .filter(|k| !k.is_empty() && k.chars().count() <= 128)
                .ok_or_else(|| param("key must be 1 to 128 characters"))?;
            let values = match o.get("values") {
                Some(Value::Array(vs)) if vs.len() <= 20 => vs
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| param("values must be strings"))?,
                None | Some(Value::Null) => Vec::new(),
                Some(_) => return Err(param("values must be a list of at most 20 strings")),
            };
            Ok((key.to_string(), values))
        })
        .collect()
}

fn matches_filter(t: &Turbo, filter: &TagFilter) -> bool {
    filter.iter().all(|(k, vs)| t.tags.iter().any(|tag| &tag.key == k && (vs.is_empty() || vs.contains(&tag.value))))
}

/// `matches`: `resource_name` equal to the value, or starting with it when
/// it ends in `*`.
fn name_matches(name: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

impl SfsTurbo {
    pub fn add_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let body = object(input)?;
        let tag = tag_of(&Value::Object(member(&body, "tag")?.clone()))?;
        self.call(input, |m| m.add_tags(id, vec![tag]))?;
        Ok(Reply::empty(204))
    }

    pub fn batch_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let body = object(input)?;
        match opt_str(&body, "action")? {
            Some("create") => {}
            Some(a) => return Err(param(format!("action {a} is not supported (create)"))),
            None => return Err(param("action is required")),
        }
        let tags = match body.get("tags") {
            Some(Value::Array(a)) if !a.is_empty() => a.iter().map(tag_of).collect::<ApiResult<Vec<_>>>()?,
            _ => return Err(param("tags must be a non-empty list")),
        };
        self.call(input, |m| m.add_tags(id, tags))?;
        Ok(Reply::empty(204))
    }

    pub fn delete_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (id, key) = (input.param("share_id"), input.param("key"));
        self.call(input, |m| m.delete_tag(id, key))?;
        Ok(Reply::empty(204))
    }

    pub fn share_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let t = self.call(input, |m| m.share(id))?;
        Reply::json(200, &json!({"tags": tags_json(&t.tags)}))
    }

    pub fn project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let limit = super::query_int(input, "limit", 1)?;
        let offset = super::query_int(input, "offset", 0)?;
        let shares = self.call(input, |m| m.shares())?;
        let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in shares.iter().flat_map(|s| &s.tags) {
            let vs = keys.entry(t.key.clone()).or_default();
            if !vs.contains(&t.value) {
                vs.push(t.value.clone());
            }
        }
        let all: Vec<Value> = keys.into_iter().map(|(k, vs)| json!({"key": k, "values": vs})).collect();
        Reply::json(200, &json!({"tags": page(&all, offset, limit)}))
    }

    pub fn resource_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = object(input)?;
        let action = match opt_str(&body, "action")? {
            Some(a @ ("filter" | "count")) => a,
            Some(a) => return Err(param(format!("action {a} is not filter or count"))),
            None => return Err(param("action is required")),
        };
        let limit = paging_value(body.get("limit"), "limit", 1)?;
        let offset = paging_value(body.get("offset"), "offset", 0)?;
        let without_any_tag = match body.get("without_any_tag") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(param("without_any_tag must be a boolean")),
        };
        let filter = tag_filter(body.get("tags"))?;
        let mut names: Vec<String> = Vec::new();
        match body.get("matches") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ms)) => {
                for m in ms {
                    let o = m.as_object().ok_or_else(|| param("a match must be an object"))?;
                    if opt_str(o, "key")? != Some("resource_name") {
                        return Err(param("the key of a match must be resource_name"));
                    }
                    names.push(opt_str(o, "value")?.ok_or_else(|| param("the value of a match is required"))?.to_string());
                }
            }
            Some(_) => return Err(param("matches must be a list")),
        }
        let cfg = self.cfg;
        let (shares, region, now) = self.call(input, |m| Ok((m.shares()?, m.region().to_string(), m.now())))?;
        let found: Vec<&Turbo> = shares
            .iter()
            // `without_any_tag` ignores `tags`, as the reference says.
            .filter(|t| if without_any_tag { t.tags.is_empty() } else { matches_filter(t, &filter) })
            .filter(|t| names.iter().all(|n| name_matches(&t.name, n)))
            .collect();
        if action == "count" {
            return Reply::json(200, &json!({"total_count": found.len()}));
        }
        let resources: Vec<Value> = page(&found, offset, limit)
            .iter()
            .map(|t| {
                json!({"resource_id": t.id, "resource_name": t.name, "resource_detail": detail(t, &cfg, &region, now), "tags": tags_json(&t.tags)})
            })
            .collect();
        Reply::json(200, &json!({"resources": resources, "total_count": found.len()}))
    }
}
