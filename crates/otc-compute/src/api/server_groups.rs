//! Server groups, two facades on [`crate::model::server_groups`]: Nova
//! `os-server-groups` (v2 and v2.1) and ECS v1
//! `cloudservers/os-server-groups` with its `add_member`/`remove_member`
//! action. This Nova stops at microversion 2.60, so a group always shows
//! the `policies` list (`policy` and `rules` arrive with 2.64); 2.13 adds
//! `project_id` and `user_id`.

use super::nova::{json_reply, microversion, versioned};
use crate::errors::{bad, ecs, ecs_fault};
use crate::model::server_groups::ServerGroup;
use crate::model::{Fault, Why};
use crate::Compute;
use otc_core::api::{handler, Access::Project, Family, Handler, Input, Op, Reply};
use otc_core::pagination::{page_by_marker, MarkerPage};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::sync::Arc;

type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;
type EcsFn = fn(&Compute, &Input<'_>) -> ApiResult<Reply>;

fn bind(svc: &Arc<Compute>, f: NovaFn, v2: bool) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, v2))
}

pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    let nova: [(&'static str, &'static str, &'static str, NovaFn); 4] = [
        ("GET", "/v2/{project_id}/os-server-groups", "/v2.1/{project_id}/os-server-groups", Compute::list_server_groups),
        ("POST", "/v2/{project_id}/os-server-groups", "/v2.1/{project_id}/os-server-groups", Compute::create_server_group),
        (
            "GET",
            "/v2/{project_id}/os-server-groups/{server_group_id}",
            "/v2.1/{project_id}/os-server-groups/{server_group_id}",
            Compute::show_server_group,
        ),
        (
            "DELETE",
            "/v2/{project_id}/os-server-groups/{server_group_id}",
            "/v2.1/{project_id}/os-server-groups/{server_group_id}",
            Compute::delete_server_group,
        ),
    ];
    let mut ops = Vec::new();
    for (method, v2, v21, f) in nova {
        ops.push(Op::new(method, v2, Project, Family::Nova, bind(s, f, true)));
        ops.push(Op::new(method, v21, Project, Family::Nova, bind(s, f, false)));
    }
    let v1: [(&'static str, &'static str, EcsFn); 5] = [
        ("GET", "/v1/{project_id}/cloudservers/os-server-groups", Compute::ecs_list_server_groups),
        ("POST", "/v1/{project_id}/cloudservers/os-server-groups", Compute::ecs_create_server_group),
        ("GET", "/v1/{project_id}/cloudservers/os-server-groups/{server_group_id}", Compute::ecs_show_server_group),
        ("DELETE", "/v1/{project_id}/cloudservers/os-server-groups/{server_group_id}", Compute::ecs_delete_server_group),
        ("POST", "/v1/{project_id}/cloudservers/os-server-groups/{server_group_id}/action", Compute::ecs_server_group_action),
    ];
    ops.extend(v1.into_iter().map(|(m, p, f)| Op::new(m, p, Project, Family::Ecs, handler(s, f))));
    ops
}

/// The group of Nova's top-level `os:scheduler_hints` (or its older name
/// `OS-SCH-HNT:scheduler_hints`) in a server-create body.
pub fn group_hint(body: &Value) -> ApiResult<Option<String>> {
    let hints = body.get("os:scheduler_hints").or_else(|| body.get("OS-SCH-HNT:scheduler_hints"));
    match hints {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(h)) => hint_group(h),
        Some(v) => Err(bad(format!("Invalid input for field/attribute os:scheduler_hints. Value: {v}. {v} is not of type 'object'"))),
    }
}

/// `group` of a scheduler-hints object: a group id (some clients send a
/// one-element list).
pub fn hint_group(h: &Map<String, Value>) -> ApiResult<Option<String>> {
    match h.get("group") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(g)) if !g.is_empty() => Ok(Some(g.clone())),
        Some(Value::Array(a)) if a.len() == 1 && a[0].as_str().is_some_and(|g| !g.is_empty()) => Ok(a[0].as_str().map(String::from)),
        Some(v) => Err(bad(format!("Invalid input for field/attribute group. Value: {v}. {v} is not a server group id"))),
    }
}

fn group_json(g: &ServerGroup, mv: (u32, u32)) -> Value {
    let mut v = json!({"id": g.id, "name": g.name, "policies": g.policies, "members": g.member_ids(), "metadata": {}});
    if mv >= (2, 13) {
        v["project_id"] = json!(g.project_id);
        v["user_id"] = json!(g.user_id);
    }
    v
}

/// `server_group` of a create body: its name and policies, as both facades
/// take them.
fn parse_group(input: &Input<'_>, refuse: impl Fn(String) -> ApiError) -> ApiResult<(String, Vec<String>)> {
    let v: Value = input.json()?;
    let o = v.get("server_group").and_then(Value::as_object).ok_or_else(|| refuse("'server_group' is a required property".into()))?;
    let name = match o.get("name") {
        Some(Value::String(n)) => n.clone(),
        None => return Err(refuse("Invalid input for field/attribute server_group. 'name' is a required property".into())),
        Some(v) => return Err(refuse(format!("Invalid input for field/attribute name. Value: {v}. {v} is not of type 'string'"))),
    };
    let policies = match o.get("policies") {
        Some(Value::Array(p)) => p
            .iter()
            .map(|x| x.as_str().map(String::from).ok_or_else(|| refuse(format!("Invalid input for field/attribute policies. Value: {x}."))))
            .collect::<ApiResult<Vec<_>>>()?,
        None => return Err(refuse("Invalid input for field/attribute server_group. 'policies' is a required property".into())),
        Some(v) => return Err(refuse(format!("Invalid input for field/attribute policies. Value: {v}. {v} is not of type 'array'"))),
    };
    Ok((name, policies))
}

fn ecs_bad(detail: String) -> ApiError {
    ecs("Ecs.0005", detail)
}

/// A group the ECS facade cannot find: the documented group query failure.
fn ecs_group_fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(m) if m.starts_with("Instance group") => ApiError::new(404, "Ecs.0313", format!("ECS group query failed. {m}")),
        other => ecs_fault(other),
    }
}

impl Compute {
    pub fn create_server_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let (name, policies) = parse_group(input, bad)?;
        let g = self.call(input, |m| m.create_server_group(&name, policies))?;
        json_reply(200, &json!({"server_group": group_json(&g, mv)}), mv)
    }

    /// Nova pages server groups by `offset` and `limit`.
    pub fn list_server_groups(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let q = input.query;
        let num = |k: &str| {
            q.get(k)
                .map(|v| v.parse::<usize>().map_err(|_| bad(format!("Invalid input for query parameters {k}. Value: {v}."))))
                .transpose()
        };
        let (offset, limit) = (num("offset")?.unwrap_or(0), num("limit")?);
        let mut all = self.call(input, |m| m.server_groups())?;
        all.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        let items: Vec<Value> = all.iter().skip(offset).take(limit.unwrap_or(usize::MAX)).map(|g| group_json(g, mv)).collect();
        json_reply(200, &json!({ "server_groups": items }), mv)
    }

    pub fn show_server_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_group_id").to_string();
        let g = self.call(input, |m| m.server_group(&id))?;
        json_reply(200, &json!({"server_group": group_json(&g, mv)}), mv)
    }

    pub fn delete_server_group(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_group_id").to_string();
        self.call(input, |m| m.delete_server_group(&id))?;
        Ok(versioned(Reply::empty(204), mv))
    }

    // --- ECS v1 ----------------------------------------------------------------------

    fn ecs_group_call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut crate::model::Compute<'_, '_>) -> Result<R, Fault>) -> ApiResult<R> {
        self.run(input.ctx()?, f).map_err(ecs_group_fault)
    }

    pub fn ecs_create_server_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (name, policies) = parse_group(input, ecs_bad)?;
        let g = self.ecs_group_call(input, |m| m.create_server_group(&name, policies))?;
        Reply::json(200, &json!({"server_group": group_json(&g, (2, 1))}))
    }

    /// ECS pages by `marker` and `limit` (at most 1000) with `page_info`.
    pub fn ecs_list_server_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let limit = match q.get("limit") {
            None => 1000,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => return Err(ecs_bad(format!("limit {l} must be an integer from 1 to 1000."))),
            },
        };
        let mut all = self.ecs_group_call(input, |m| m.server_groups())?;
        all.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        let page = MarkerPage { marker: q.get("marker").map(String::from), limit: None, reverse: false };
        let mut rest =
            page_by_marker(all, &page, |g| &g.id).map_err(|()| ecs_bad(format!("marker {} not found.", q.get("marker").unwrap_or(""))))?;
        let more = rest.len() > limit;
        rest.truncate(limit);
        let items: Vec<Value> = rest.iter().map(|g| group_json(g, (2, 1))).collect();
        let mut body = json!({ "server_groups": items });
        if more {
            body["page_info"] = json!({"next_marker": rest.last().map(|g| g.id.clone())});
        }
        Reply::json(200, &body)
    }

    pub fn ecs_show_server_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_group_id").to_string();
        let g = self.ecs_group_call(input, |m| m.server_group(&id))?;
        Reply::json(200, &json!({"server_group": group_json(&g, (2, 1))}))
    }

    pub fn ecs_delete_server_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_group_id").to_string();
        self.ecs_group_call(input, |m| m.delete_server_group(&id))?;
        Ok(Reply::empty(204))
    }

    /// `add_member` (the server must be stopped, as the reference says) or
    /// `remove_member`, each with `instance_uuid`.
    pub fn ecs_server_group_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_group_id").to_string();
        let v: Value = input.json()?;
        let Some((action, arg)) = v.as_object().and_then(|o| if o.len() == 1 { o.iter().next() } else { None }) else {
            return Err(ecs_bad("Exactly one of add_member and remove_member is expected.".into()));
        };
        let uuid = arg
            .get("instance_uuid")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| ecs_bad(format!("{action}.instance_uuid is mandatory and a string.")))?
            .to_string();
        match action.as_str() {
            "add_member" => self.ecs_group_call(input, |m| {
                m.server_group(&id)?;
                let s = m.server(&uuid)?;
                if s.view().status != "SHUTOFF" {
                    return Err(Fault::Conflict(Why::State, format!("ECS {uuid} must be stopped to join an ECS group.")));
                }
                m.join_server_group(&id, &uuid, &s.availability_zone)
            })?,
            "remove_member" => self.ecs_group_call(input, |m| {
                m.server_group(&id)?;
                m.server(&uuid)?;
                m.leave_server_group(&id, &uuid)
            })?,
            other => return Err(ecs_bad(format!("Unknown action {other}: add_member or remove_member."))),
        };
        Ok(Reply::empty(200))
    }
}
