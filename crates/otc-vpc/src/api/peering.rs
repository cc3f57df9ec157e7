//! VPC peering connections (`/v2.0/vpc/peerings`), a Neutron-style API:
//! Neutron envelopes, wrapped `{"peering": …}` bodies except accept/reject,
//! whose answer is the flat object (as the reference and the SDKs show).

use super::body::{root, Fields};
use super::listing::neutron_list_at;
use crate::errors::neutron as fault;
use crate::model::peering::{Peering, PeeringSpec};
use crate::Vpc;
use otc_core::api::{handler, Access::*, Family::*, Input, Op, Reply};
use otc_core::time::{iso_naive, Timestamp};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::sync::Arc;

const PATH: &str = "/v2.0/vpc/peerings";

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    vec![
        Op::new("GET", PATH, Project, Neutron, handler(s, Vpc::list_peerings)),
        Op::new("POST", PATH, Project, Neutron, handler(s, Vpc::create_peering)),
        Op::new("GET", "/v2.0/vpc/peerings/{peering_id}", Project, Neutron, handler(s, Vpc::show_peering)),
        Op::new("PUT", "/v2.0/vpc/peerings/{peering_id}", Project, Neutron, handler(s, Vpc::update_peering)),
        Op::new("DELETE", "/v2.0/vpc/peerings/{peering_id}", Project, Neutron, handler(s, Vpc::delete_peering)),
        Op::new("PUT", "/v2.0/vpc/peerings/{peering_id}/accept", Project, Neutron, handler(s, Vpc::accept_peering)),
        Op::new("PUT", "/v2.0/vpc/peerings/{peering_id}/reject", Project, Neutron, handler(s, Vpc::reject_peering)),
    ]
}

fn bad(msg: String) -> ApiError {
    ApiError::new(400, "BadRequest", msg).with_kind("BadRequest")
}

/// Both vpc_info objects always carry `vpc_id` and `tenant_id`: the OTX
/// `vpc peering list` reads both for every item.
fn peering_json(p: &Peering, now: Timestamp) -> Value {
    json!({
        "id": p.id, "name": p.name, "description": p.description, "status": p.status_at(now),
        "request_vpc_info": {"vpc_id": p.request_vpc_id, "tenant_id": p.project_id},
        "accept_vpc_info": {"vpc_id": p.accept_vpc_id, "tenant_id": p.accept_project_id},
        "created_at": iso_naive(p.created_at), "updated_at": iso_naive(p.updated_at),
    })
}

fn wrapped(input: &Input<'_>) -> ApiResult<Map<String, Value>> {
    let mut root = root(input)?;
    match root.remove("peering") {
        Some(Value::Object(o)) => Ok(o),
        Some(_) => Err(bad("Invalid input for peering. Reason: not a dictionary.".into())),
        None => Err(bad("Unable to find 'peering' in request body".into())),
    }
}

fn name(f: &Fields<'_>, required: bool) -> ApiResult<Option<String>> {
    let n = if required { Some(f.str("name")?) } else { f.opt_str("name")? };
    if let Some(n) = &n {
        let ok = (1..=64).contains(&n.chars().count()) && n.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c));
        if !ok {
            return Err(bad(format!("Invalid input for name. Reason: '{n}' must be 1-64 letters, digits, '_', '-' or '.'.")));
        }
    }
    Ok(n)
}

fn description(f: &Fields<'_>) -> ApiResult<Option<String>> {
    let d = f.opt_str("description")?;
    if let Some(d) = &d {
        if d.chars().count() > 255 || d.contains(['<', '>']) {
            return Err(bad("Invalid input for description. Reason: at most 255 characters, no '<' or '>'.".into()));
        }
    }
    Ok(d)
}

/// `{vpc_id, tenant_id?}`, both UUIDs (the real cloud refuses others with
/// "'x' is not a valid UUID").
fn vpc_info(f: &Fields<'_>, key: &str) -> ApiResult<(String, Option<String>)> {
    let info = f.object(key)?;
    let vpc = info.str("vpc_id")?;
    let tenant = info.opt_str("tenant_id")?;
    if uuid::Uuid::parse_str(&vpc).is_err() {
        return Err(bad(format!("Invalid input for {key}. Reason: '{vpc}' is not a valid UUID.")));
    }
    if let Some(t) = &tenant {
        let ok = !t.is_empty() && t.len() <= 64 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(bad(format!("Invalid input for {key}. Reason: '{t}' is not a valid tenant id.")));
        }
    }
    Ok((vpc, tenant))
}

impl Vpc {
    pub fn list_peerings(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let vpc = q.get("vpc_id").map(str::to_string);
        let tenant = q.get("tenant_id").map(str::to_string);
        let now = self.clock.now();
        let mut items = self.call(input, fault, |net| net.visible_peerings())?;
        // `vpc_id` and `tenant_id` name either side (GTC sends the peer's
        // VPC id as `vpc_id`); they are nested, so the generic filter
        // cannot see them.
        items.retain(|p| vpc.as_deref().is_none_or(|v| p.request_vpc_id == v || p.accept_vpc_id == v));
        items.retain(|p| tenant.as_deref().is_none_or(|t| p.project_id == t || p.accept_project_id == t));
        let items = items.iter().map(|p| peering_json(p, now)).collect();
        Reply::json(200, &neutron_list_at(input, "peerings", PATH, items)?)
    }

    pub fn create_peering(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input)?;
        let f = Fields::neutron(&body, bad);
        let name = name(&f, true)?.unwrap_or_default();
        let description = description(&f)?.unwrap_or_default();
        let (request_vpc_id, request_tenant_id) = vpc_info(&f, "request_vpc_info")?;
        let (accept_vpc_id, accept_tenant_id) = vpc_info(&f, "accept_vpc_info")?;
        let spec = PeeringSpec { name, description, request_vpc_id, request_tenant_id, accept_vpc_id, accept_tenant_id };
        let now = self.clock.now();
        let p = self.call(input, fault, |net| net.create_peering(spec))?;
        Reply::json(201, &json!({ "peering": peering_json(&p, now) }))
    }

    pub fn show_peering(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("peering_id");
        let now = self.clock.now();
        let p = self.call(input, fault, |net| net.visible_peering(id))?;
        Reply::json(200, &json!({ "peering": peering_json(&p, now) }))
    }

    pub fn update_peering(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("peering_id");
        let body = wrapped(input)?;
        let f = Fields::neutron(&body, bad);
        if let Some(k) = f.unknown(&["name", "description"]) {
            return Err(bad(format!("Only name and description of a peering can be updated, not '{k}'.")));
        }
        let name = name(&f, false)?;
        let description = description(&f)?;
        if name.is_none() && description.is_none() {
            return Err(bad("At least one of name and description must be given.".into()));
        }
        let now = self.clock.now();
        let p = self.call(input, fault, |net| net.update_peering(id, name, description))?;
        Reply::json(200, &json!({ "peering": peering_json(&p, now) }))
    }

    pub fn delete_peering(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("peering_id");
        self.call(input, fault, |net| net.delete_peering(id))?;
        Ok(Reply::empty(204))
    }

    pub fn accept_peering(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.answer_peering(input, true)
    }

    pub fn reject_peering(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.answer_peering(input, false)
    }

    fn answer_peering(&self, input: &Input<'_>, accept: bool) -> ApiResult<Reply> {
        let id = input.param("peering_id");
        let now = self.clock.now();
        let p = self.call(input, fault, |net| net.answer_peering(id, accept))?;
        Reply::json(200, &peering_json(&p, now))
    }
}
