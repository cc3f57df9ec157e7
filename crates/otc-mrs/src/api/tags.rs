//! Cluster tags: add one, batch create/delete, delete one, list a
//! cluster's and the project's, and query clusters by tag
//! (`resource_instances`, filter with offset/limit or count).

use super::{object, opt_str, req_str};
use crate::errors::{invalid, mistyped};
use crate::model::tags::{check, TagMatch, TagQuery};
use crate::Mrs;
use otc_core::api::{Input, Reply};
use otc_core::body::{self, Obj};
use otc_core::tags::Tag;
use otc_core::ApiResult;
use serde_json::{json, Value};

fn tag_of(v: &Value, need_value: bool) -> ApiResult<Tag> {
    let o = v.as_object().ok_or_else(|| invalid("A tag is an object."))?;
    let key = req_str(o, "key")?.to_string();
    let value = if need_value { req_str(o, "value")? } else { opt_str(o, "value")?.unwrap_or("") };
    Ok(Tag { key, value: value.to_string() })
}

/// `{key, values}` entries of a query (at most 10 keys, 10 values each).
fn matches(o: &Obj, field: &str) -> ApiResult<Vec<TagMatch>> {
    let list = body::opt_objects(o, field).map_err(mistyped)?.unwrap_or_default();
    if list.len() > 10 {
        return Err(invalid(format!("{field} holds at most 10 keys.")));
    }
    let mut out = Vec::new();
    for m in list {
        let key = req_str(m, "key")?.to_string();
        let values = body::opt_str_list(m, "values").map_err(mistyped)?.unwrap_or_default();
        if key.is_empty() || key.chars().count() > 127 || values.len() > 10 || values.iter().any(|v| v.chars().count() > 255) {
            return Err(invalid(format!("An entry of {field} is not valid.")));
        }
        out.push(TagMatch { key, values });
    }
    Ok(out)
}

/// `offset`/`limit`: strings of digits (the reference types them String);
/// numbers are taken too.
fn count_param(o: &Obj, key: &str, default: usize, lo: usize, hi: usize) -> ApiResult<usize> {
    let n = match o.get(key) {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::String(s)) => s.parse::<usize>().ok(),
        Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
        Some(_) => None,
    };
    n.filter(|n| (lo..=hi).contains(n)).ok_or_else(|| invalid(format!("{key} must be an integer from {lo} to {hi}.")))
}

impl Mrs {
    /// POST /v1.1/{project_id}/clusters/{cluster_id}/tags `{"tag": {...}}`: 204.
    pub fn add_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let t = tag_of(o.get("tag").ok_or_else(|| invalid("tag is mandatory."))?, true)?;
        check(&t)?;
        self.call(input, |m| m.add_tags(input.param("cluster_id"), vec![t]))?;
        Ok(Reply::empty(204))
    }

    /// POST /v1.1/{project_id}/clusters/{cluster_id}/tags/action: 204.
    pub fn tags_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let action = req_str(&o, "action")?;
        let list = body::opt_list(&o, "tags").map_err(mistyped)?.ok_or_else(|| invalid("tags is mandatory."))?;
        let id = input.param("cluster_id");
        match action {
            "create" => {
                let tags = list.iter().map(|v| tag_of(v, true)).collect::<ApiResult<Vec<_>>>()?;
                tags.iter().try_for_each(check)?;
                let mut keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
                keys.sort();
                keys.dedup();
                if keys.len() != tags.len() {
                    return Err(invalid("A key is given twice."));
                }
                self.call(input, |m| m.add_tags(id, tags))?;
            }
            // Deleting: the character set is not checked, as documented.
            "delete" => {
                let mut gone = Vec::new();
                for v in list {
                    let o = v.as_object().ok_or_else(|| invalid("A tag is an object."))?;
                    gone.push((req_str(o, "key")?.to_string(), opt_str(o, "value")?.map(String::from)));
                }
                self.call(input, |m| m.remove_tags(id, &gone))?;
            }
            other => return Err(invalid(format!("action {other} is neither create nor delete."))),
        }
        Ok(Reply::empty(204))
    }

    /// DELETE /v1.1/{project_id}/clusters/{cluster_id}/tags/{key}: 204.
    pub fn delete_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.call(input, |m| m.remove_tag(input.param("cluster_id"), input.param("key")))?;
        Ok(Reply::empty(204))
    }

    /// GET /v1.1/{project_id}/clusters/{cluster_id}/tags.
    pub fn cluster_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let c = self.call(input, |m| m.cluster(input.param("cluster_id")))?;
        Reply::json(200, &json!({"tags": c.tags}))
    }

    /// GET /v1.1/{project_id}/clusters/tags: `{"tags": [{key, values}]}`.
    pub fn project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let tags = self.call(input, |m| m.project_tags())?;
        let tags: Vec<Value> = tags.into_iter().map(|(k, vs)| json!({"key": k, "values": vs})).collect();
        Reply::json(200, &json!({"tags": tags}))
    }

    /// POST /v1.1/{project_id}/clusters/resource_instances/action.
    pub fn resource_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let action = req_str(&o, "action")?;
        if action != "filter" && action != "count" {
            return Err(invalid(format!("action {action} is neither filter nor count.")));
        }
        let mut q = TagQuery {
            tags: matches(&o, "tags")?,
            tags_any: matches(&o, "tags_any")?,
            not_tags: matches(&o, "not_tags")?,
            not_tags_any: matches(&o, "not_tags_any")?,
            name: None,
        };
        for mt in body::opt_objects(&o, "matches").map_err(mistyped)?.unwrap_or_default() {
            let key = req_str(mt, "key")?;
            let value = req_str(mt, "value")?;
            if key != "resource_name" || value.chars().count() > 64 {
                return Err(invalid("matches takes resource_name with a value of at most 64 characters."));
            }
            q.name = Some(value.to_string());
        }
        let limit = count_param(&o, "limit", 1000, 1, 1000)?;
        let offset = count_param(&o, "offset", 0, 0, usize::MAX)?;
        let found = self.call(input, |m| {
            // Newest first, as documented.
            Ok(m.clusters()?.into_iter().rev().filter(|c| c.state != "terminated" && q.matches(c)).collect::<Vec<_>>())
        })?;
        if action == "count" {
            return Reply::json(200, &json!({"total_count": found.len()}));
        }
        let resources: Vec<Value> = found
            .iter()
            .skip(offset)
            .take(limit)
            .map(|c| json!({"resource_id": c.id, "resource_name": c.name, "resource_detail": null, "tags": c.tags}))
            .collect();
        Reply::json(200, &json!({"resources": resources, "total_count": found.len()}))
    }
}
