//! The other facades of a server's tags (one store: `Server::tags`,
//! `key=value` or `key`, which ECS v1 shows as `{key, value}` in
//! [`super::ecs`]): Nova's string tags (microversion 2.26 and later), the
//! project's tags (`cloudservers/tags` and the out-of-date `servers/tags`),
//! the out-of-date `servers/{id}/tags` (the same answers as
//! `cloudservers/{id}/tags`) and the query of servers by tag
//! (`servers/resource_instances/action`, filter or count).
//!
//! A Nova tag `foo` is the ECS tag `{key: foo, value: ""}`; an ECS tag
//! `{k, v}` reads as the Nova tag `k=v`, and Nova finds it by the whole
//! string or by its key (the reference's note on upgraded tags).

use super::nova::{json_reply, microversion, versioned};
use crate::errors::{bad, ecs, nova as fault};
use crate::model::{Fault, Why};
use crate::Compute;
use otc_core::api::{handler, Access::Project, Family, Handler, Input, Op, Reply};
use otc_core::tags::Tag;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Nova's documented limits: 50 tags of at most 80 characters.
const MAX_TAGS: usize = 50;
const MAX_TAG_LEN: usize = 80;

type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;
type EcsFn = fn(&Compute, &Input<'_>) -> ApiResult<Reply>;

fn bind(svc: &Arc<Compute>, f: NovaFn) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, false))
}

pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    // Nova tags are documented under v2.1 only (they need 2.26).
    let nova: [(&'static str, &'static str, NovaFn); 6] = [
        ("GET", "/v2.1/{project_id}/servers/{server_id}/tags", Compute::nova_tags),
        ("PUT", "/v2.1/{project_id}/servers/{server_id}/tags", Compute::nova_replace_tags),
        ("DELETE", "/v2.1/{project_id}/servers/{server_id}/tags", Compute::nova_delete_tags),
        ("GET", "/v2.1/{project_id}/servers/{server_id}/tags/{tag}", Compute::nova_tag),
        ("PUT", "/v2.1/{project_id}/servers/{server_id}/tags/{tag}", Compute::nova_put_tag),
        ("DELETE", "/v2.1/{project_id}/servers/{server_id}/tags/{tag}", Compute::nova_delete_tag),
    ];
    let mut ops: Vec<Op> = nova.into_iter().map(|(m, p, f)| Op::new(m, p, Project, Family::Nova, bind(s, f))).collect();
    let v1: [(&'static str, &'static str, EcsFn); 5] = [
        ("GET", "/v1/{project_id}/cloudservers/tags", Compute::ecs_project_tags),
        ("GET", "/v1/{project_id}/servers/tags", Compute::ecs_project_tags),
        ("GET", "/v1/{project_id}/servers/{server_id}/tags", Compute::ecs_tags),
        ("POST", "/v1/{project_id}/servers/{server_id}/tags/action", Compute::ecs_tags_action),
        ("POST", "/v1/{project_id}/servers/resource_instances/action", Compute::ecs_servers_by_tag),
    ];
    ops.extend(v1.into_iter().map(|(m, p, f)| Op::new(m, p, Project, Family::Ecs, handler(s, f))));
    ops
}

fn not_found() -> ApiError {
    ApiError::new(404, "itemNotFound", "The resource could not be found.").with_kind("itemNotFound")
}

/// Tags came with 2.26: before it the routes are not there.
fn tags_microversion(input: &Input<'_>) -> ApiResult<(u32, u32)> {
    let mv = microversion(input, false)?;
    if mv < (2, 26) {
        return Err(not_found());
    }
    Ok(mv)
}

fn check_tag(t: &str) -> ApiResult<()> {
    if t.is_empty() || t.chars().count() > MAX_TAG_LEN {
        return Err(bad(format!("Invalid input for field/attribute tags. Value: {t}. A tag has 1 to {MAX_TAG_LEN} characters.")));
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(bad(format!("Invalid input for field/attribute tags. Value: {t}. Only letters, digits, - and _ are allowed.")));
    }
    Ok(())
}

/// Whether the stored tag `stored` is the one a Nova path names.
fn names(stored: &str, tag: &str) -> bool {
    stored == tag || stored.split_once('=').is_some_and(|(k, _)| k == tag)
}

fn key_value(stored: &str) -> (&str, &str) {
    stored.split_once('=').unwrap_or((stored, ""))
}

impl Compute {
    /// Changes a server's tags, refused while it builds (Nova's valid states).
    fn edit_tags(&self, input: &Input<'_>, edit: impl FnOnce(&mut Vec<String>) -> Result<bool, Fault>) -> ApiResult<(Vec<String>, bool)> {
        let id = input.param("server_id").to_string();
        self.call(input, |m| {
            let s = m.server(&id)?;
            if s.view().status == "BUILD" {
                return Err(Fault::Conflict(Why::State, format!("Cannot 'update tags' instance {id} while it is in vm_state building")));
            }
            let mut tags = s.tags.clone();
            let created = edit(&mut tags)?;
            if tags.len() > MAX_TAGS {
                return Err(Fault::Invalid(Why::Other, format!("The number of tags exceeded the per-server limit {MAX_TAGS}")));
            }
            let s = m.set_tags(&id, tags)?;
            Ok((s.tags, created))
        })
    }

    pub fn nova_tags(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = tags_microversion(input)?;
        let id = input.param("server_id").to_string();
        let s = self.call(input, |m| m.server(&id))?;
        json_reply(200, &json!({"tags": s.tags}), mv)
    }

    pub fn nova_replace_tags(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = tags_microversion(input)?;
        let v: Value = input.json()?;
        let list = v
            .get("tags")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("Invalid input for field/attribute tags. 'tags' is a required property".into()))?;
        let mut wanted: Vec<String> = Vec::new();
        for t in list {
            let t = t
                .as_str()
                .ok_or_else(|| bad(format!("Invalid input for field/attribute tags. Value: {t}. {t} is not of type 'string'")))?;
            check_tag(t)?;
            if !wanted.iter().any(|w| w == t) {
                wanted.push(t.to_string());
            }
        }
        if wanted.len() > MAX_TAGS {
            return Err(bad(format!("Invalid input for field/attribute tags. At most {MAX_TAGS} tags are allowed.")));
        }
        let (tags, _) = self.edit_tags(input, |t| {
            *t = wanted;
            Ok(false)
        })?;
        json_reply(200, &json!({ "tags": tags }), mv)
    }

    pub fn nova_delete_tags(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = tags_microversion(input)?;
        self.edit_tags(input, |t| {
            t.clear();
            Ok(false)
        })?;
        Ok(versioned(Reply::empty(204), mv))
    }

    pub fn nova_tag(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = tags_microversion(input)?;
        let (id, tag) = (input.param("server_id").to_string(), input.param("tag").to_string());
        let s = self.call(input, |m| m.server(&id))?;
        if !s.tags.iter().any(|t| names(t, &tag)) {
            return Err(fault(Fault::NotFound(format!("Tag {tag} could not be found for instance {id}."))));
        }
        Ok(versioned(Reply::empty(204), mv))
    }

    /// 201 with the tag's location when it is new, 204 when it was there.
    pub fn nova_put_tag(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = tags_microversion(input)?;
        let tag = input.param("tag").to_string();
        check_tag(&tag)?;
        let (_, created) = self.edit_tags(input, |t| {
            if t.iter().any(|x| names(x, &tag)) {
                return Ok(false);
            }
            t.push(tag.clone());
            Ok(true)
        })?;
        if !created {
            return Ok(versioned(Reply::empty(204), mv));
        }
        let location = format!("{}/ecs/v2.1/{}/servers/{}/tags/{tag}", input.base_url, input.param("project_id"), input.param("server_id"));
        Ok(versioned(Reply::empty(201), mv).header("location", location))
    }

    pub fn nova_delete_tag(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let mv = tags_microversion(input)?;
        let (id, tag) = (input.param("server_id").to_string(), input.param("tag").to_string());
        self.edit_tags(input, |t| {
            let before = t.len();
            t.retain(|x| !names(x, &tag));
            if t.len() == before {
                return Err(Fault::NotFound(format!("Tag {tag} could not be found for instance {id}.")));
            }
            Ok(false)
        })?;
        Ok(versioned(Reply::empty(204), mv))
    }

    // --- ECS v1 ----------------------------------------------------------------------

    /// Every tag key of the project's servers with the values it has.
    pub fn ecs_project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let servers = self.ecs_run(input, |m| m.servers())?;
        let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in &servers {
            for t in &s.tags {
                let (k, v) = key_value(t);
                let values = keys.entry(k.to_string()).or_default();
                if !values.iter().any(|x| x == v) {
                    values.push(v.to_string());
                }
            }
        }
        let tags: Vec<Value> = keys.into_iter().map(|(k, v)| json!({"key": k, "values": v})).collect();
        Reply::json(200, &json!({ "tags": tags }))
    }

    /// `filter` (a page of `limit`, from `offset`) or `count` of the servers
    /// carrying all of `tags`, none of `not_tags`, and whose name contains
    /// the `resource_name` match.
    pub fn ecs_servers_by_tag(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let v: Value = input.json()?;
        let o = v.as_object().ok_or_else(|| ecs("Ecs.0005", "The body is an object."))?;
        let action = match o.get("action").and_then(Value::as_str) {
            Some(a @ ("filter" | "count")) => a.to_string(),
            _ => return Err(ecs("Ecs.0005", "action is mandatory: filter or count.")),
        };
        let tags = tag_filters(o, "tags")?;
        let not_tags = tag_filters(o, "not_tags")?;
        let number = |k: &str, default: usize, max: usize| -> ApiResult<usize> {
            let n = match o.get(k) {
                None | Some(Value::Null) => return Ok(default),
                Some(Value::String(s)) => s.parse::<usize>().ok(),
                Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
                Some(_) => None,
            };
            n.filter(|n| *n <= max).ok_or_else(|| ecs("Ecs.0005", format!("{k} is a number from 0 to {max}.")))
        };
        let (limit, offset) = (number("limit", 1000, 1000)?, number("offset", 0, usize::MAX)?);
        let mut name = None;
        if let Some(m) = o.get("matches") {
            for m in m.as_array().ok_or_else(|| ecs("Ecs.0005", "matches is a list."))? {
                match (m.get("key").and_then(Value::as_str), m.get("value").and_then(Value::as_str)) {
                    (Some("resource_name"), Some(v)) if !v.is_empty() => name = Some(v.to_string()),
                    _ => return Err(ecs("Ecs.0005", "matches: key resource_name with a non-empty value.")),
                }
            }
        }
        let has = |stored: &[String], f: &(String, Vec<String>)| {
            stored.iter().map(|t| key_value(t)).any(|(k, v)| k == f.0 && (f.1.is_empty() || f.1.iter().any(|x| x == v)))
        };
        let mut servers = self.ecs_run(input, |m| m.servers())?;
        servers.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        let matching: Vec<_> = servers
            .into_iter()
            .filter(|s| tags.iter().all(|f| has(&s.tags, f)))
            .filter(|s| !not_tags.iter().any(|f| has(&s.tags, f)))
            .filter(|s| name.as_deref().is_none_or(|n| s.name.contains(n)))
            .collect();
        let total = matching.len();
        if action == "count" {
            return Reply::json(200, &json!({ "total_count": total }));
        }
        let resources: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|s| {
                let tags: Vec<Value> = s
                    .tags
                    .iter()
                    .map(|t| key_value(t))
                    .map(|(k, v)| serde_json::to_value(Tag { key: k.into(), value: v.into() }).unwrap_or(Value::Null))
                    .collect();
                json!({"resource_id": s.id, "resource_detail": null, "resource_name": s.name, "tags": tags})
            })
            .collect();
        Reply::json(200, &json!({"resources": resources, "total_count": total}))
    }
}

/// `tags`/`not_tags` of the query: `{key, values}` objects, keys unique.
fn tag_filters(o: &Map<String, Value>, field: &str) -> ApiResult<Vec<(String, Vec<String>)>> {
    let Some(list) = o.get(field) else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or_else(|| ecs("Ecs.0005", format!("{field} is a list of {{key, values}}.")))?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for t in list {
        let key = t.get("key").and_then(Value::as_str).filter(|k| !k.is_empty() && k.chars().count() <= 127);
        let key = key.ok_or_else(|| ecs("Ecs.0005", format!("{field}: every tag has a key of 1 to 127 characters.")))?;
        let values = match t.get("values") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(v)) => v
                .iter()
                .map(|x| x.as_str().filter(|s| s.chars().count() <= 255).map(String::from))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ecs("Ecs.0005", format!("{field}: values are strings of at most 255 characters.")))?,
            Some(_) => return Err(ecs("Ecs.0005", format!("{field}: values is a list."))),
        };
        if out.iter().any(|(k, _)| k == key) {
            return Err(ecs("Ecs.0005", format!("{field}: key {key} is repeated.")));
        }
        out.push((key.to_string(), values));
    }
    Ok(out)
}
