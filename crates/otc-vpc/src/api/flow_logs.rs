//! VPC flow logs (`/v1/{project_id}/fl/flow_logs`), v1 envelope with the
//! flow-log family's own `VPC.30xx` codes: 400 `VPC.3001` for a bad
//! parameter, 404 `VPC.3001` for an id that is no id at all, 404
//! `VPC.3002` for a missing log (show) or logged resource (create), 404
//! `VPC.3005` for a missing log on update and delete, 409 `VPC.3004` for
//! a duplicate.

use super::body::{root, Fields};
use super::listing::v1_page;
use super::v1::{check_description, check_name};
use crate::errors::v1 as v1_fault;
use crate::model::flow_logs::{FlowLogChange, FlowLogSpec, FlowLogState, RESOURCE_TYPES, STATUSES, TRAFFIC_TYPES};
use crate::model::{Fault, Res};
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family, Input, Op, Reply};
use otc_core::time::iso_naive;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};
use std::sync::Arc;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Family::Vpc, h);
    vec![
        op("POST", "/v1/{project_id}/fl/flow_logs", handler(s, Vpc::create_flow_log)),
        op("GET", "/v1/{project_id}/fl/flow_logs", handler(s, Vpc::list_flow_logs)),
        op("GET", "/v1/{project_id}/fl/flow_logs/{flowlog_id}", handler(s, Vpc::show_flow_log)),
        op("PUT", "/v1/{project_id}/fl/flow_logs/{flowlog_id}", handler(s, Vpc::update_flow_log)),
        op("DELETE", "/v1/{project_id}/fl/flow_logs/{flowlog_id}", handler(s, Vpc::delete_flow_log)),
    ]
}

fn bad(msg: String) -> ApiError {
    ApiError::new(400, "VPC.3001", msg)
}

fn bad_id() -> ApiError {
    ApiError::new(404, "VPC.3001", "resource could not be found, flowlog id is invalid.")
}

fn bad_list_param(param: &str) -> ApiError {
    ApiError::new(404, "VPC.3001", format!("resource could not be found, {param} is invalid"))
}

/// Create and show: a missing logged resource or log is `VPC.3002`.
fn fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(res @ (Res::Port | Res::Network | Res::Vpc), id) => {
            let what = match res {
                Res::Port => "Port",
                Res::Network => "Network",
                _ => "Vpc",
            };
            ApiError::new(404, "VPC.3002", format!("{what} {id} could not be found."))
        }
        Fault::Invalid(Res::Port, msg) => ApiError::new(400, "VPC.3002", msg),
        other => v1_fault(other),
    }
}

/// Update and delete: a missing log is `VPC.3005`.
fn change_fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(Res::FlowLog, id) => ApiError::new(404, "VPC.3005", format!("Flow log {id} could not be found.")),
        other => fault(other),
    }
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// The `{"flow_log": {...}}` wrapper.
fn body(input: &Input<'_>) -> ApiResult<serde_json::Map<String, Value>> {
    match root(input)?.remove("flow_log") {
        Some(Value::Object(o)) => Ok(o),
        _ => Err(bad("The request body must hold a 'flow_log' object.".into())),
    }
}

fn name_and_description(f: &Fields<'_>) -> ApiResult<(Option<String>, Option<String>)> {
    let name = f.opt_str("name")?;
    if let Some(n) = &name {
        check_name(n, 0, &bad, "Flow log")?;
    }
    let description = f.opt_str("description")?;
    if let Some(d) = &description {
        check_description(d, &bad)?;
    }
    Ok((name, description))
}

/// The logged resource's id, checked for form before it is looked up.
fn one_of(f: &Fields<'_>, key: &str, allowed: &[&str]) -> ApiResult<String> {
    let v = f.str(key)?;
    if !allowed.contains(&v.as_str()) {
        return Err(bad(format!("{key} is invalid")));
    }
    Ok(v)
}

fn uuid_field(f: &Fields<'_>, key: &str) -> ApiResult<String> {
    let v = f.str(key)?;
    if !is_uuid(&v) {
        return Err(bad(format!("{key} is invalid")));
    }
    Ok(v)
}

fn flow_log_json(s: &FlowLogState) -> Value {
    let l = &s.log;
    json!({
        "id": l.id, "name": l.name, "tenant_id": l.project_id, "description": l.description,
        "resource_type": l.resource_type, "resource_id": l.resource_id, "traffic_type": l.traffic_type,
        "log_group_id": l.log_group_id, "log_topic_id": l.log_topic_id, "index_enabled": l.index_enabled,
        "admin_state": l.admin_state, "status": s.status,
        "created_at": iso_naive(l.created_at), "updated_at": iso_naive(l.updated_at),
    })
}

fn one(s: &FlowLogState) -> ApiResult<Reply> {
    Reply::json(200, &json!({ "flow_log": flow_log_json(s) }))
}

/// The list filters the reference documents, each an exact match.
const FILTERS: [&str; 10] =
    ["id", "name", "tenant_id", "description", "resource_type", "resource_id", "traffic_type", "log_group_id", "log_topic_id", "status"];

impl Vpc {
    pub fn create_flow_log(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let b = body(input)?;
        let f = Fields::new(&b, bad);
        let (name, description) = name_and_description(&f)?;
        let spec = FlowLogSpec {
            name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
            resource_type: one_of(&f, "resource_type", &RESOURCE_TYPES)?,
            resource_id: f.str("resource_id")?,
            traffic_type: one_of(&f, "traffic_type", &TRAFFIC_TYPES)?,
            log_group_id: uuid_field(&f, "log_group_id")?,
            log_topic_id: uuid_field(&f, "log_topic_id")?,
            index_enabled: f.opt_bool("index_enabled")?.unwrap_or(false),
        };
        let log = self.call(input, fault, |net| net.create_flow_log(spec))?;
        one(&log)
    }

    pub fn list_flow_logs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        for (key, allowed) in [("resource_type", &RESOURCE_TYPES[..]), ("traffic_type", &TRAFFIC_TYPES[..]), ("status", &STATUSES[..])] {
            if let Some(v) = q.get(key) {
                if !allowed.contains(&v) {
                    return Err(bad_list_param(key));
                }
            }
        }
        let all = self.call(input, fault, |net| net.flow_logs())?;
        let items: Vec<Value> = all
            .iter()
            .map(flow_log_json)
            .filter(|v| FILTERS.iter().all(|k| q.get(k).is_none_or(|want| v.get(*k).and_then(Value::as_str) == Some(want))))
            .collect();
        let page = v1_page(input, items, |v| v["id"].as_str().unwrap_or_default(), || bad_list_param("marker or limit"))?;
        Reply::json(200, &json!({ "flow_logs": page }))
    }

    pub fn show_flow_log(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("flowlog_id");
        if !is_uuid(id) {
            return Err(bad_id());
        }
        let log = self.call(input, fault, |net| net.flow_log(id))?;
        one(&log)
    }

    pub fn update_flow_log(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("flowlog_id");
        if !is_uuid(id) {
            return Err(bad_id());
        }
        let b = body(input)?;
        let f = Fields::new(&b, bad);
        let (name, description) = name_and_description(&f)?;
        let ch = FlowLogChange { name, description, admin_state: f.opt_bool("admin_state")? };
        let log = self.call(input, change_fault, |net| net.update_flow_log(id, ch))?;
        one(&log)
    }

    pub fn delete_flow_log(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("flowlog_id");
        if !is_uuid(id) {
            return Err(bad_id());
        }
        self.call(input, change_fault, |net| net.delete_flow_log(id))?;
        Ok(Reply::empty(204))
    }
}
