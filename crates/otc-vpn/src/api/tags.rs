//! The v5 tag API over gateways (`vpn-gateway`), customer gateways
//! (`customer-gateway`) and connections (`vpn-connection`).

use crate::errors::invalid;
use crate::model::tags::{check_tags, Instance, Tagged};
use crate::wire::{self, Obj};
use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::tags::Tag;
use otc_core::ApiResult;
use serde_json::{json, Value};

/// `{"tags": [...]}` of a create or delete action: 1-20 tags, a missing
/// value being empty.
fn action_tags(input: &Input<'_>) -> ApiResult<Vec<Tag>> {
    let o = wire::object(input)?;
    let tags: Vec<Tag> = match o.get("tags") {
        Some(v @ Value::Array(a)) if !a.is_empty() => wire::tag_list("tags", v)?,
        _ => return Err(invalid("tags must hold 1 to 20 tags")),
    };
    check_tags(&tags)?;
    Ok(tags)
}

/// A tag filter of the instance queries: a key and the values any of
/// which it may have (none: any value).
struct TagFilter {
    key: String,
    values: Vec<String>,
}

struct InstanceQuery {
    without_any_tag: bool,
    tags: Vec<TagFilter>,
    name_contains: Option<String>,
}

fn instance_query(input: &Input<'_>) -> ApiResult<InstanceQuery> {
    // Every member is optional, but the body is not: `{}` queries everything.
    let o: Obj = wire::object(input)?;
    // The documented example sends the flag as a string.
    let without_any_tag = match o.get("without_any_tag") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
        Some(_) => return Err(invalid("without_any_tag must be a boolean")),
    };
    let mut tags = Vec::new();
    if let Some(v) = o.get("tags").filter(|v| !v.is_null()) {
        let arr = v.as_array().ok_or_else(|| invalid("tags must be an array"))?;
        if arr.len() > 20 {
            return Err(invalid("at most 20 tags can be filtered on"));
        }
        for t in arr {
            let key =
                t["key"].as_str().filter(|k| !k.is_empty() && k.chars().count() <= 128).ok_or_else(|| invalid("tags.key is invalid"))?;
            let values: Vec<String> = match &t["values"] {
                Value::Array(vs) if vs.len() <= 20 => vs
                    .iter()
                    .map(|v| {
                        v.as_str().filter(|s| s.chars().count() <= 255).map(String::from).ok_or_else(|| invalid("tags.values are invalid"))
                    })
                    .collect::<ApiResult<_>>()?,
                _ => return Err(invalid("tags.values must be an array of at most 20 values")),
            };
            tags.push(TagFilter { key: key.to_string(), values });
        }
    }
    let mut name_contains = None;
    if let Some(v) = o.get("matches").filter(|v| !v.is_null()) {
        for m in v.as_array().ok_or_else(|| invalid("matches must be an array"))? {
            if m["key"] != "resource_name" {
                return Err(invalid("matches.key must be resource_name"));
            }
            let value = m["value"].as_str().filter(|s| s.chars().count() <= 255).ok_or_else(|| invalid("matches.value is invalid"))?;
            name_contains = Some(value.to_string());
        }
    }
    Ok(InstanceQuery { without_any_tag, tags, name_contains })
}

impl InstanceQuery {
    fn admits(&self, i: &Instance) -> bool {
        if self.name_contains.as_ref().is_some_and(|n| !i.name.contains(n.as_str())) {
            return false;
        }
        if self.without_any_tag {
            return i.tags.is_empty();
        }
        self.tags.iter().all(|f| i.tags.iter().any(|t| t.key == f.key && (f.values.is_empty() || f.values.contains(&t.value))))
    }
}

impl Vpn {
    fn tagged(input: &Input<'_>) -> ApiResult<Tagged> {
        Tagged::parse(input.param("resource_type"))
    }

    pub fn create_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let t = Self::tagged(input)?;
        let tags = action_tags(input)?;
        self.call(input, |m| {
            m.set_tags(t, input.param("resource_id"), |existing| {
                otc_core::tags::merge(existing, tags);
                check_tags(existing)
            })
        })?;
        Ok(Reply::empty(204))
    }

    pub fn delete_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let t = Self::tagged(input)?;
        let tags = action_tags(input)?;
        self.call(input, |m| {
            m.set_tags(t, input.param("resource_id"), |existing| {
                // A tag given with a value other than its own stays.
                existing.retain(|e| !tags.iter().any(|d| d.key == e.key && (d.value.is_empty() || d.value == e.value)));
                Ok(())
            })
        })?;
        Ok(Reply::empty(204))
    }

    pub fn resource_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let t = Self::tagged(input)?;
        let tags = self.call(input, |m| m.tags_of(t, input.param("resource_id")))?;
        Reply::json(200, &json!({ "tags": tags }))
    }

    fn project_tags_of(&self, input: &Input<'_>, t: Tagged) -> ApiResult<Reply> {
        let instances = self.call(input, |m| m.instances(t))?;
        let mut by_key: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for tag in instances.into_iter().flat_map(|i| i.tags) {
            let values = by_key.entry(tag.key).or_default();
            if !values.contains(&tag.value) {
                values.push(tag.value);
            }
        }
        let tags: Vec<Value> = by_key
            .into_iter()
            .map(|(key, mut values)| {
                values.sort();
                json!({"key": key, "values": values})
            })
            .collect();
        Reply::json(200, &json!({ "tags": tags }))
    }

    pub fn project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.project_tags_of(input, Self::tagged(input)?)
    }

    pub fn connection_project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.project_tags_of(input, Tagged::Connection)
    }

    pub fn filter_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let t = Self::tagged(input)?;
        let limit = match input.query.get("limit") {
            None | Some("") => 1000,
            Some(v) => v.parse::<usize>().ok().filter(|l| (1..=1000).contains(l)).ok_or_else(|| invalid("limit must be from 1 to 1000"))?,
        };
        let offset = match input.query.get("offset") {
            None | Some("") => 0,
            Some(v) => v.parse::<usize>().map_err(|_| invalid("offset must be a non-negative integer"))?,
        };
        let q = instance_query(input)?;
        let matched: Vec<Instance> = self.call(input, |m| m.instances(t))?.into_iter().filter(|i| q.admits(i)).collect();
        let total = matched.len();
        let resources: Vec<Value> = otc_core::pagination::page_by_offset(matched, offset, Some(limit))
            .into_iter()
            .map(|i| json!({"resource_id": i.id, "resource_name": i.name, "tags": i.tags}))
            .collect();
        Reply::json(200, &json!({"resources": resources, "total_count": total}))
    }

    pub fn count_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let t = Self::tagged(input)?;
        let q = instance_query(input)?;
        let total = self.call(input, |m| m.instances(t))?.into_iter().filter(|i| q.admits(i)).count();
        Reply::json(200, &json!({ "total_count": total }))
    }
}
