//! The AS tag facade (as/apis/tags): create/delete a group's tags, list
//! the project's tags and one group's, and filter/count groups by tag.
//! The only resource type is `scaling_group_tag`.

use crate::errors::as_error;
use crate::tags::{Tag, MAX_TAGS};
use crate::wire::*;
use crate::AutoScaling;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

const RESOURCE_TYPE: &str = "scaling_group_tag";

fn resource_type(input: &Input<'_>) -> ApiResult<()> {
    if input.param("resource_type") != RESOURCE_TYPE {
        return Err(as_error("AS.7048", format!("Only {RESOURCE_TYPE} is supported.")));
    }
    Ok(())
}

/// Digits, letters, `-`, `_` and `@`.
fn tag_chars(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '@')
}

fn check_key(key: &str) -> ApiResult<()> {
    if key.trim().is_empty() {
        return Err(as_error("AS.7062", ""));
    }
    if key.chars().count() > 36 {
        return Err(as_error("AS.7063", ""));
    }
    if !tag_chars(key) {
        return Err(as_error("AS.7046", format!("Invalid tag key {key}.")));
    }
    Ok(())
}

fn check_value(value: &str) -> ApiResult<()> {
    if value.chars().count() > 43 {
        return Err(as_error("AS.7047", ""));
    }
    if !tag_chars(value) {
        return Err(as_error("AS.7046", format!("Invalid tag value {value}.")));
    }
    Ok(())
}

/// The `tags` of a create/delete body: (key, value if given).
fn resource_tags(o: &Map<String, Value>) -> ApiResult<Vec<(String, Option<String>)>> {
    let list = match o.get("tags") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) | None | Some(Value::Null) => return Err(as_error("AS.7044", "")),
        Some(_) => return Err(as_error("AS.7046", "tags must be a list.")),
    };
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for t in list {
        let key = match t.get("key") {
            Some(Value::String(k)) => k.clone(),
            None | Some(Value::Null) => return Err(as_error("AS.7062", "")),
            Some(_) => return Err(as_error("AS.7046", "key must be a string.")),
        };
        check_key(&key)?;
        let value = match t.get("value") {
            None | Some(Value::Null) => None,
            Some(Value::String(v)) => {
                check_value(v)?;
                Some(v.clone())
            }
            Some(_) => return Err(as_error("AS.7046", "value must be a string.")),
        };
        if out.iter().any(|(k, _)| *k == key) {
            return Err(as_error("AS.7050", ""));
        }
        out.push((key, value));
    }
    Ok(out)
}

/// One `{key, values}` filter of a resource_instances body.
struct TagFilter {
    key: String,
    values: Vec<String>,
}

impl TagFilter {
    fn value_matches(want: &str, have: &str) -> bool {
        match want.strip_prefix('*') {
            Some(rest) => have.contains(rest),
            None => want == have,
        }
    }

    /// The group has the key with one of the values (any value when none are listed).
    fn matches(&self, tags: &[Tag]) -> bool {
        tags.iter().any(|t| t.key == self.key && (self.values.is_empty() || self.values.iter().any(|v| Self::value_matches(v, &t.value))))
    }
}

fn tag_filters(o: &Map<String, Value>, field: &str) -> ApiResult<Option<Vec<TagFilter>>> {
    let list = match o.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(as_error("AS.7046", format!("{field} must be a list."))),
    };
    if list.len() > 10 {
        return Err(as_error("AS.7046", format!("At most 10 keys in {field}.")));
    }
    let mut out: Vec<TagFilter> = Vec::new();
    for t in list {
        let key = match t.get("key") {
            Some(Value::String(k)) => k.clone(),
            None | Some(Value::Null) => return Err(as_error("AS.7062", "")),
            Some(_) => return Err(as_error("AS.7046", "key must be a string.")),
        };
        if key.trim().is_empty() {
            return Err(as_error("AS.7062", ""));
        }
        if key.chars().count() > 36 {
            return Err(as_error("AS.7063", ""));
        }
        if out.iter().any(|f| f.key == key) {
            return Err(as_error("AS.7050", ""));
        }
        let values = match t.get("values") {
            Some(Value::Array(vs)) => vs,
            _ => return Err(as_error("AS.7046", format!("values of {key} must be a list."))),
        };
        if values.len() > 10 {
            return Err(as_error("AS.7046", format!("At most 10 values for {key}.")));
        }
        let mut vals: Vec<String> = Vec::new();
        for v in values {
            let v = v.as_str().ok_or_else(|| as_error("AS.7046", "values must be strings."))?;
            if v.chars().count() > 43 {
                return Err(as_error("AS.7047", ""));
            }
            if !v.is_empty() && v.chars().all(|c| c == '*') {
                return Err(as_error("AS.7046", "A value cannot be only asterisks."));
            }
            if vals.iter().any(|x| x == v) {
                return Err(as_error("AS.7054", ""));
            }
            vals.push(v.to_string());
        }
        out.push(TagFilter { key, values: vals });
    }
    Ok(Some(out))
}

/// A non-negative integer given as a string (or a number).
fn number(o: &Map<String, Value>, field: &str) -> Option<Result<i64, ()>> {
    match o.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().map_err(|_| ())),
        Some(Value::Number(n)) => Some(n.as_i64().ok_or(())),
        Some(_) => Some(Err(())),
    }
}

fn tag_json(t: &Tag) -> Value {
    json!({"key": t.key, "value": t.value})
}

impl AutoScaling {
    /// POST /{resource_type}/{resource_id}/tags/action (create | delete).
    pub fn tag_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        resource_type(input)?;
        let gid = input.param("resource_id").to_string();
        let o = body(input)?;
        let action = match o.get("action") {
            Some(Value::String(a)) if a == "create" || a == "delete" => a.clone(),
            _ => return Err(as_error("AS.7049", "")),
        };
        let given = resource_tags(&o)?;
        self.call(input, |s| {
            let mut tags = s.group_tags(&gid)?;
            if action == "create" {
                for (key, value) in given {
                    let value = value.unwrap_or_default();
                    match tags.iter_mut().find(|t| t.key == key) {
                        Some(t) => t.value = value,
                        None => tags.push(Tag { key, value }),
                    }
                }
                if tags.len() > MAX_TAGS {
                    return Err(as_error("AS.7045", format!("An AS group can have at most {MAX_TAGS} tags.")).into());
                }
            } else {
                tags.retain(|t| !given.iter().any(|(k, v)| *k == t.key && v.as_ref().is_none_or(|v| *v == t.value)));
            }
            s.set_group_tags(&gid, tags)
        })?;
        Ok(Reply::empty(204))
    }

    /// GET /{resource_type}/tags: every key used in the project with its values.
    pub fn project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        resource_type(input)?;
        let groups = self.call(input, |s| s.tagged_groups())?;
        let mut by_key: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (_, tags) in groups {
            for t in tags {
                by_key.entry(t.key).or_default().insert(t.value);
            }
        }
        let tags: Vec<Value> = by_key.into_iter().map(|(k, vs)| json!({"key": k, "values": vs})).collect();
        Reply::json(200, &json!({"tags": tags}))
    }

    /// GET /{resource_type}/{resource_id}/tags.
    pub fn resource_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        resource_type(input)?;
        let gid = input.param("resource_id").to_string();
        let tags = self.call(input, |s| s.group_tags(&gid))?;
        Reply::json(200, &json!({"tags": tags.iter().map(tag_json).collect::<Vec<_>>(), "sys_tags": null}))
    }

    /// POST /{resource_type}/resource_instances/action (filter | count).
    pub fn resources_by_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        resource_type(input)?;
        let o = body(input)?;
        let count = match o.get("action") {
            Some(Value::String(a)) if a == "filter" => false,
            Some(Value::String(a)) if a == "count" => true,
            _ => return Err(as_error("AS.7049", "")),
        };
        let all = tag_filters(&o, "tags")?;
        let any = tag_filters(&o, "tags_any")?;
        let not_all = tag_filters(&o, "not_tags")?;
        let not_any = tag_filters(&o, "not_tags_any")?;
        let without_any_tag = match o.get("without_any_tag") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(as_error("AS.0022", "without_any_tag must be a boolean.")),
        };
        let name = match o.get("matches") {
            None | Some(Value::Null) => None,
            Some(Value::Array(ms)) => {
                let mut name = None;
                for m in ms {
                    match (m.get("key").and_then(Value::as_str), m.get("value").and_then(Value::as_str)) {
                        (Some("resource_name"), Some(v)) if v.chars().count() <= 255 => name = Some(v.to_string()),
                        _ => return Err(as_error("AS.7052", "")),
                    }
                }
                name
            }
            Some(_) => return Err(as_error("AS.7052", "")),
        };
        let (offset, limit) = if count {
            (0, usize::MAX)
        } else {
            let offset = match number(&o, "offset") {
                None => 0,
                Some(Ok(n)) if n >= 0 => n as usize,
                Some(_) => return Err(as_error("AS.1001", "offset must be a non-negative number.")),
            };
            let limit = match number(&o, "limit") {
                None => 1000,
                Some(Ok(n)) if (1..=1000).contains(&n) => n as usize,
                Some(_) => return Err(as_error("AS.1002", "limit must be 1 to 1000.")),
            };
            (offset, limit)
        };
        let mut groups = self.call(input, |s| s.tagged_groups())?;
        groups.retain(|(g, tags)| {
            let by_tags = if without_any_tag {
                tags.is_empty()
            } else {
                all.as_ref().is_none_or(|fs| fs.iter().all(|f| f.matches(tags)))
                    && any.as_ref().is_none_or(|fs| fs.is_empty() || fs.iter().any(|f| f.matches(tags)))
                    && not_all.as_ref().is_none_or(|fs| fs.is_empty() || !fs.iter().all(|f| f.matches(tags)))
                    && not_any.as_ref().is_none_or(|fs| !fs.iter().any(|f| f.matches(tags)))
            };
            // An empty value (or "resource_id") asks for an exact name.
            let by_name =
                name.as_ref().is_none_or(|n| if n.is_empty() || n == "resource_id" { g.name == *n } else { g.name.contains(n.as_str()) });
            by_tags && by_name
        });
        let total = groups.len();
        if count {
            return Reply::json(200, &json!({"total_count": total}));
        }
        groups.sort_by(|a, b| b.0.create_time.cmp(&a.0.create_time).then_with(|| b.0.id.cmp(&a.0.id)));
        let resources: Vec<Value> = groups
            .iter()
            .skip(offset)
            .take(limit)
            .map(|(g, tags)| {
                json!({"resource_id": g.id, "resource_detail": "SCALING_GROUP_TAG",
                    "tags": tags.iter().map(tag_json).collect::<Vec<_>>(), "resource_name": g.name})
            })
            .collect();
        let marker = (offset + resources.len()).min(total).to_string();
        Reply::json(200, &json!({"resources": resources, "total_count": total, "marker": marker}))
    }
}
