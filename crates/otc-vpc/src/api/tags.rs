//! VPC v2.0 tag APIs of VPCs (`vpcs`, a [`Router`]), VPC v1 subnets
//! (`subnets`, a [`Network`] attached to a VPC) and EIPs (`publicips`, an
//! [`Eip`]): add one tag, list a resource's tags, delete one tag, batch
//! create/delete, the project-wide key → values list and the query of
//! resources by tag (`resource_instances/action`, filter or count).
//!
//! Documented rules (vpc_apis_v1_v2/*_tag_management and the appendix
//! "Resource tags" codes, all `VPC.1801`):
//! - EIP keys 1-36 and values 0-43 characters; VPC and subnet keys 1-128
//!   and values 0-255; letters, digits, `-`, `_` and `@` only;
//! - at most 10 tags per resource ("number of tags exceeds max num of 10.");
//! - an existing key has its value overwritten; batch delete of a missing
//!   tag succeeds and does not check the character set;
//! - a missing resource is 404 `VPC.2204` ("Query subnet by id fail.").
//!
//! Choices where the docs are silent or contradict the guide: a malformed
//! body is 400 `VPC.1801` "Invalid input." (the appendix says 500, but bad
//! input is the caller's mistake); a tag without `value` has the empty
//! value (gophertelekomcloud omits empty values), an explicit `null` is
//! refused; deleting a key the resource does not have succeeds, as in the
//! batch delete; `matches` on `resource_name` is a substring match; `limit`
//! and `offset` are ignored for `count`.

use crate::model::{Eip, Fault, ModelResult, Net, Network, Res, Router, EIP, NETWORK, ROUTER};
use crate::Vpc;
use otc_core::api::{Access, Family, Handler, Input, Op, Reply};
use otc_core::tags::{merge, Tag, TagRules};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// The most tags one resource may carry.
const MAX_TAGS: usize = 10;
/// The most keys one `resource_instances` query may name.
const MAX_FILTER_KEYS: usize = 20;
/// The most values one key of a query may list.
const MAX_FILTER_VALUES: usize = 10;
/// The longest value a query's tag value or `matches` value may have.
const MAX_FILTER_VALUE_LEN: usize = 255;
/// `limit` of a `filter` query: default and maximum.
const MAX_LIMIT: i64 = 1000;

/// The three tagged resource types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vpc,
    Subnet,
    Eip,
}

/// The documented paths of one resource type's six operations.
struct Paths {
    tags: &'static str,
    tag: &'static str,
    action: &'static str,
    project: &'static str,
    instances: &'static str,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Vpc, Kind::Subnet, Kind::Eip];

    fn paths(self) -> Paths {
        match self {
            Kind::Vpc => Paths {
                tags: "/v2.0/{project_id}/vpcs/{vpc_id}/tags",
                tag: "/v2.0/{project_id}/vpcs/{vpc_id}/tags/{key}",
                action: "/v2.0/{project_id}/vpcs/{vpc_id}/tags/action",
                project: "/v2.0/{project_id}/vpcs/tags",
                instances: "/v2.0/{project_id}/vpcs/resource_instances/action",
            },
            Kind::Subnet => Paths {
                tags: "/v2.0/{project_id}/subnets/{subnet_id}/tags",
                tag: "/v2.0/{project_id}/subnets/{subnet_id}/tags/{key}",
                action: "/v2.0/{project_id}/subnets/{subnet_id}/tags/action",
                project: "/v2.0/{project_id}/subnets/tags",
                instances: "/v2.0/{project_id}/subnets/resource_instances/action",
            },
            Kind::Eip => Paths {
                tags: "/v2.0/{project_id}/publicips/{publicip_id}/tags",
                tag: "/v2.0/{project_id}/publicips/{publicip_id}/tags/{key}",
                action: "/v2.0/{project_id}/publicips/{publicip_id}/tags/action",
                project: "/v2.0/{project_id}/publicips/tags",
                instances: "/v2.0/{project_id}/publicips/resource_instances/action",
            },
        }
    }

    fn id_param(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc_id",
            Kind::Subnet => "subnet_id",
            Kind::Eip => "publicip_id",
        }
    }

    fn spec(self) -> TagSpec {
        match self {
            Kind::Eip => {
                TagSpec { rules: TagRules { max_key_len: 36, max_value_len: 43, max_tags: MAX_TAGS }, at_sign: true, filter_key_len: 127 }
            }
            Kind::Vpc | Kind::Subnet => {
                TagSpec { rules: TagRules { max_key_len: 128, max_value_len: 255, max_tags: MAX_TAGS }, at_sign: true, filter_key_len: 128 }
            }
        }
    }

    fn res(self) -> Res {
        match self {
            Kind::Vpc => Res::Vpc,
            Kind::Subnet => Res::Subnet,
            Kind::Eip => Res::Eip,
        }
    }
}

/// What differs between the resource types that use these tag APIs (the
/// three VPC ones here, and other services' resources served in the same
/// style, such as classic VPN connections).
#[derive(Debug, Clone, Copy)]
pub struct TagSpec {
    /// Key and value lengths of a stored tag, and the per-resource cap.
    pub rules: TagRules,
    /// Whether `@` is allowed in keys and values.
    pub at_sign: bool,
    /// The longest tag key a `resource_instances` query accepts.
    pub filter_key_len: usize,
}

// --- errors ----------------------------------------------------------------

fn e1801(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "VPC.1801", msg)
}

fn invalid_input() -> ApiError {
    e1801("Invalid input.")
}

fn length_invalid(key_max: usize, value_max: usize) -> ApiError {
    e1801(format!("Tag length is invalid. The key length must be in range [1,{key_max}] and value in range [0,{value_max}]"))
}

fn too_many() -> String {
    format!("number of tags exceeds max num of {MAX_TAGS}.")
}

/// Refuses a resource's tags beyond the cap.
pub fn check_cap(spec: &TagSpec, tags: &[Tag]) -> ApiResult<()> {
    if tags.len() > spec.rules.max_tags {
        return Err(e1801(format!("number of tags exceeds max num of {}.", spec.rules.max_tags)));
    }
    Ok(())
}

/// A missing tagged resource: 404 `VPC.2204` "Query <what> by id fail.".
pub fn not_found(what: &str) -> ApiError {
    ApiError::new(404, "VPC.2204", format!("Query {what} by id fail."))
}

fn request_invalid() -> ApiError {
    e1801("ResourceInstancesReq is null or invalid.")
}

/// How a model fault reads on the tag APIs: a missing resource (or one of
/// another project) is 404 `VPC.2204`, a refused change 400 `VPC.1801`.
fn fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(res, _) => {
            let what = match res {
                Res::Vpc => "vpc",
                Res::Eip => "publicip",
                _ => "subnet",
            };
            not_found(what)
        }
        Fault::Invalid(_, msg) => e1801(msg),
        other => crate::errors::v1(other),
    }
}

// --- request reading -------------------------------------------------------

/// The request body as a JSON object; anything else is "Invalid input.".
pub fn body(input: &Input<'_>) -> ApiResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(input.body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(invalid_input()),
    }
}

/// The resource id of the path; ids are UUIDs ("resource id is invalid.").
fn resource_id(kind: Kind, input: &Input<'_>) -> ApiResult<String> {
    check_resource_id(input.param(kind.id_param()))
}

/// A tagged resource's id must be a UUID ("resource id is invalid.").
pub fn check_resource_id(id: &str) -> ApiResult<String> {
    if uuid::Uuid::try_parse(id).is_err() {
        return Err(e1801("resource id is invalid."));
    }
    Ok(id.to_string())
}

fn allowed_char(spec: &TagSpec, c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_') || (spec.at_sign && c == '@')
}

fn charset_text(spec: &TagSpec) -> &'static str {
    if spec.at_sign {
        "letters, digits, hyphens (-), underscores (_) and at signs (@)"
    } else {
        "letters, digits, hyphens (-) and underscores (_)"
    }
}

/// One `{"key", "value"}` of a request. `strict` (adding tags) checks the
/// value and the character set; deleting needs only a non-blank key.
fn read_tag(spec: &TagSpec, v: &Value, strict: bool) -> ApiResult<Tag> {
    let obj = match v {
        Value::Null => return Err(e1801("Tag can not be null.")),
        Value::Object(o) => o,
        _ => return Err(invalid_input()),
    };
    let rules = spec.rules;
    let key = match obj.get("key") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid_input()),
    };
    if key.trim().is_empty() || key.chars().count() > rules.max_key_len {
        return Err(length_invalid(rules.max_key_len, rules.max_value_len));
    }
    if !strict {
        let value = obj.get("value").and_then(Value::as_str).unwrap_or_default().to_string();
        return Ok(Tag { key, value });
    }
    let value = match obj.get("value") {
        None => String::new(),
        Some(Value::Null) => return Err(e1801("Tag value can not be null.")),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid_input()),
    };
    if value.chars().count() > rules.max_value_len {
        return Err(length_invalid(rules.max_key_len, rules.max_value_len));
    }
    if !key.chars().all(|c| allowed_char(spec, c)) {
        return Err(e1801(format!("Tag key {key} is invalid. It may contain only {}.", charset_text(spec))));
    }
    if !value.chars().all(|c| allowed_char(spec, c)) {
        return Err(e1801(format!("Tag value {value} is invalid. It may contain only {}.", charset_text(spec))));
    }
    Ok(Tag { key, value })
}

/// The `tags` list of a batch request.
fn read_tags(spec: &TagSpec, body: &Map<String, Value>, strict: bool) -> ApiResult<Vec<Tag>> {
    let list = match body.get("tags") {
        None | Some(Value::Null) => return Err(e1801("Tag can not be null.")),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid_input()),
    };
    let tags = list.iter().map(|v| read_tag(spec, v, strict)).collect::<ApiResult<Vec<_>>>()?;
    if strict {
        let mut seen = HashSet::new();
        if !tags.iter().all(|t| seen.insert(t.key.as_str())) {
            return Err(e1801("Tag key is repeated."));
        }
    }
    Ok(tags)
}

/// `limit`/`offset` of a query: an integer, also as a numeric string.
fn read_int(body: &Map<String, Value>, key: &str) -> Result<Option<i64>, ()> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(()),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| ()),
        Some(_) => Err(()),
    }
}

/// One `tags` entry of a query: a key and the values any of which match
/// (none: any value).
struct TagFilter {
    key: String,
    values: Vec<String>,
}

/// A parsed `resource_instances` request.
pub struct TagQuery {
    count: bool,
    tags: Vec<TagFilter>,
    names: Vec<String>,
    limit: usize,
    offset: usize,
}

fn read_query(spec: &TagSpec, body: &Map<String, Value>) -> ApiResult<TagQuery> {
    let count = match body.get("action").and_then(Value::as_str) {
        Some("filter") => false,
        Some("count") => true,
        _ => return Err(e1801("action is invalid.")),
    };
    let mut tags = Vec::new();
    match body.get("tags") {
        None => {}
        Some(Value::Array(list)) => {
            if list.len() > MAX_FILTER_KEYS {
                return Err(e1801(format!("number of tags exceeds max num of {MAX_FILTER_KEYS}.")));
            }
            let mut keys = HashSet::new();
            for v in list {
                let obj = match v {
                    Value::Null => return Err(e1801("Tag can not be null.")),
                    Value::Object(o) => o,
                    _ => return Err(request_invalid()),
                };
                let key = match obj.get("key") {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err(request_invalid()),
                };
                if key.trim().is_empty() || key.chars().count() > spec.filter_key_len {
                    return Err(length_invalid(spec.filter_key_len, MAX_FILTER_VALUE_LEN));
                }
                let values = match obj.get("values") {
                    None | Some(Value::Null) => return Err(e1801("Tag value can not be null.")),
                    Some(Value::Array(a)) => a,
                    Some(_) => return Err(request_invalid()),
                };
                if values.len() > MAX_FILTER_VALUES {
                    return Err(e1801(too_many()));
                }
                let mut seen = HashSet::new();
                let mut vals = Vec::new();
                for v in values {
                    let s = match v {
                        Value::Null => return Err(e1801("Tag value can not be null.")),
                        Value::String(s) => s.clone(),
                        _ => return Err(request_invalid()),
                    };
                    if s.chars().count() > MAX_FILTER_VALUE_LEN {
                        return Err(length_invalid(spec.filter_key_len, MAX_FILTER_VALUE_LEN));
                    }
                    if !seen.insert(s.clone()) {
                        return Err(e1801("Value of tags in resourceInstancesReq is duplicate."));
                    }
                    vals.push(s);
                }
                if !keys.insert(key.clone()) {
                    return Err(e1801("Tag key is repeated."));
                }
                tags.push(TagFilter { key, values: vals });
            }
        }
        Some(_) => return Err(request_invalid()),
    }
    let mut names = Vec::new();
    match body.get("matches") {
        None => {}
        Some(Value::Array(list)) => {
            if list.is_empty() {
                return Err(e1801("The number of Matches in resourceInstancesReq is 0."));
            }
            for v in list {
                let obj = match v {
                    Value::Null => return Err(e1801("The list of matches contains null.")),
                    Value::Object(o) => o,
                    _ => return Err(request_invalid()),
                };
                if obj.get("key").and_then(Value::as_str) != Some("resource_name") {
                    return Err(e1801("The key of matches is invalid."));
                }
                let value = match obj.get("value") {
                    None | Some(Value::Null) => return Err(e1801("The value of Matches in resourceInstancesReq is null.")),
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err(request_invalid()),
                };
                if value.chars().count() > MAX_FILTER_VALUE_LEN {
                    return Err(e1801("The value's length of Matches in resourceInstancesReq is more than 255."));
                }
                names.push(value);
            }
        }
        Some(_) => return Err(request_invalid()),
    }
    let (mut limit, mut offset) = (MAX_LIMIT as usize, 0);
    if !count {
        match read_int(body, "limit") {
            Ok(None) => {}
            Ok(Some(n)) if (1..=MAX_LIMIT).contains(&n) => limit = n as usize,
            _ => return Err(e1801("Limit in resourceInstancesReq is invalid.")),
        }
        match read_int(body, "offset") {
            Ok(None) => {}
            Ok(Some(n)) if n >= 0 => offset = usize::try_from(n).unwrap_or(usize::MAX),
            _ => return Err(e1801("Offset in resourceInstancesReq is invalid.")),
        }
    }
    Ok(TagQuery { count, tags, names, limit, offset })
}

// --- the model side --------------------------------------------------------

/// A tagged resource as these APIs show it.
pub struct Tagged {
    pub id: String,
    pub name: String,
    pub tags: Vec<Tag>,
}

/// The tags of one resource of this project.
fn tags_of(net: &mut Net<'_>, kind: Kind, id: &str) -> ModelResult<Vec<Tag>> {
    Ok(match kind {
        Kind::Vpc => net.get::<Router>(ROUTER, Res::Vpc, id)?.tags,
        Kind::Subnet => net.vpc_subnet(id)?.network.tags,
        Kind::Eip => net.eip(id)?.tags,
    })
}

/// Changes one resource's tags with `f` and saves them when `f` says they
/// changed; more than the per-resource cap is refused.
fn change_tags(net: &mut Net<'_>, kind: Kind, id: &str, f: impl FnOnce(&mut Vec<Tag>) -> bool) -> ModelResult<()> {
    let check = |tags: &Vec<Tag>| {
        if tags.len() > kind.spec().rules.max_tags {
            return Err(Fault::Invalid(kind.res(), too_many()));
        }
        Ok(())
    };
    match kind {
        Kind::Vpc => {
            let mut r: Router = net.get(ROUTER, Res::Vpc, id)?;
            if f(&mut r.tags) {
                check(&r.tags)?;
                net.update(ROUTER, id, crate::model::routers::router_key(&r), &r)?;
            }
        }
        Kind::Subnet => {
            net.vpc_subnet(id)?;
            let mut n: Network = net.get(NETWORK, Res::Subnet, id)?;
            if f(&mut n.tags) {
                check(&n.tags)?;
                net.save_network(&n)?;
            }
        }
        Kind::Eip => {
            let mut e: Eip = net.get(EIP, Res::Eip, id)?;
            if f(&mut e.tags) {
                check(&e.tags)?;
                net.save_eip(&e)?;
            }
        }
    }
    Ok(())
}

/// Every resource of a type in this project, in creation order.
fn all_tagged(net: &mut Net<'_>, kind: Kind) -> ModelResult<Vec<Tagged>> {
    Ok(match kind {
        Kind::Vpc => net.all::<Router>(ROUTER)?.into_iter().map(|r| Tagged { id: r.id, name: r.name, tags: r.tags }).collect(),
        Kind::Subnet => {
            net.vpc_subnets(None)?.into_iter().map(|v| Tagged { id: v.network.id, name: v.network.name, tags: v.network.tags }).collect()
        }
        Kind::Eip => net.eips()?.into_iter().map(|e| Tagged { id: e.id, name: e.alias, tags: e.tags }).collect(),
    })
}

/// `[{"key", "value"}...]`.
pub fn tag_list(tags: &[Tag]) -> Value {
    Value::Array(tags.iter().map(|t| json!({"key": t.key, "value": t.value})).collect())
}

impl TagQuery {
    fn matches(&self, r: &Tagged) -> bool {
        self.names.iter().all(|n| r.name.contains(n.as_str()))
            && self.tags.iter().all(|f| r.tags.iter().any(|t| t.key == f.key && (f.values.is_empty() || f.values.contains(&t.value))))
    }
}

// --- handlers --------------------------------------------------------------

impl Vpc {
    /// POST .../{id}/tags: adds one tag (an existing key gets the new value).
    fn tag_create(&self, kind: Kind, input: &Input<'_>) -> ApiResult<Reply> {
        let id = resource_id(kind, input)?;
        let tag = read_one(&kind.spec(), input)?;
        self.call(input, fault, |net| {
            change_tags(net, kind, &id, |tags| {
                merge(tags, vec![tag]);
                true
            })
        })?;
        Ok(Reply::empty(204))
    }

    /// GET .../{id}/tags.
    fn tag_list(&self, kind: Kind, input: &Input<'_>) -> ApiResult<Reply> {
        let id = resource_id(kind, input)?;
        let tags = self.call(input, fault, |net| tags_of(net, kind, &id))?;
        Reply::json(200, &json!({"tags": tag_list(&tags)}))
    }

    /// DELETE .../{id}/tags/{key}: removing a key the resource does not
    /// have succeeds, as the batch delete does.
    fn tag_delete(&self, kind: Kind, input: &Input<'_>) -> ApiResult<Reply> {
        let id = resource_id(kind, input)?;
        let key = input.param("key").to_string();
        self.call(input, fault, |net| {
            change_tags(net, kind, &id, |tags| {
                let before = tags.len();
                tags.retain(|t| t.key != key);
                tags.len() != before
            })
        })?;
        Ok(Reply::empty(204))
    }

    /// POST .../{id}/tags/action: batch create or delete.
    fn tag_action(&self, kind: Kind, input: &Input<'_>) -> ApiResult<Reply> {
        let id = resource_id(kind, input)?;
        let action = read_action(&kind.spec(), input)?;
        self.call(input, fault, |net| change_tags(net, kind, &id, |tags| action.apply(tags)))?;
        Ok(Reply::empty(204))
    }

    /// GET .../{R}/tags: every key used in the project with its values.
    fn tag_project(&self, kind: Kind, input: &Input<'_>) -> ApiResult<Reply> {
        let all = self.call(input, fault, |net| all_tagged(net, kind))?;
        Reply::json(200, &project_tags(all))
    }

    /// POST .../{R}/resource_instances/action: filter (a page and the
    /// total) or count.
    fn tag_instances(&self, kind: Kind, input: &Input<'_>) -> ApiResult<Reply> {
        let q = read_instances_query(&kind.spec(), input)?;
        let all = self.call(input, fault, |net| all_tagged(net, kind))?;
        Reply::json(200, &q.answer(all))
    }
}

// --- the shared request/answer layer ---------------------------------------

/// `POST .../{id}/tags`: the one `{"tag": {...}}` to add.
pub fn read_one(spec: &TagSpec, input: &Input<'_>) -> ApiResult<Tag> {
    match body(input)?.get("tag") {
        None | Some(Value::Null) => Err(e1801("Tag can not be null.")),
        Some(v) => read_tag(spec, v, true),
    }
}

/// A batch `tags/action` request.
pub struct TagAction {
    create: bool,
    tags: Vec<Tag>,
}

impl TagAction {
    /// Applies the batch to a resource's tags; says whether they changed.
    /// (The cap is the caller's to check afterwards.)
    pub fn apply(self, tags: &mut Vec<Tag>) -> bool {
        if self.create {
            merge(tags, self.tags);
            true
        } else {
            let before = tags.len();
            tags.retain(|t| !self.tags.iter().any(|g| g.key == t.key));
            tags.len() != before
        }
    }
}

/// `POST .../{id}/tags/action`.
pub fn read_action(spec: &TagSpec, input: &Input<'_>) -> ApiResult<TagAction> {
    let body = body(input)?;
    let create = match body.get("action").and_then(Value::as_str) {
        Some("create") => true,
        Some("delete") => false,
        _ => return Err(e1801("action is invalid.")),
    };
    Ok(TagAction { create, tags: read_tags(spec, &body, create)? })
}

/// `GET .../tags` of a project: every key in use with its distinct values.
pub fn project_tags(all: Vec<Tagged>) -> Value {
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for t in all.into_iter().flat_map(|r| r.tags) {
        match keys.iter_mut().find(|(k, _)| *k == t.key) {
            Some((_, values)) => {
                if !values.contains(&t.value) {
                    values.push(t.value);
                }
            }
            None => keys.push((t.key, vec![t.value])),
        }
    }
    let tags: Vec<Value> = keys.into_iter().map(|(k, v)| json!({"key": k, "values": v})).collect();
    json!({"tags": tags})
}

/// `POST .../resource_instances/action`.
pub fn read_instances_query(spec: &TagSpec, input: &Input<'_>) -> ApiResult<TagQuery> {
    let body = body(input).map_err(|_| request_invalid())?;
    read_query(spec, &body)
}

impl TagQuery {
    /// The answer over every resource of the type in the project (in
    /// creation order): a page and the total, or the count.
    pub fn answer(&self, all: Vec<Tagged>) -> Value {
        let found: Vec<Tagged> = all.into_iter().filter(|r| self.matches(r)).collect();
        let total = found.len();
        if self.count {
            return json!({"total_count": total});
        }
        let resources: Vec<Value> = found
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|r| json!({"resource_id": r.id, "resource_detail": null, "tags": tag_list(&r.tags), "resource_name": r.name}))
            .collect();
        json!({"resources": resources, "total_count": total})
    }
}

fn bind(s: &Arc<Vpc>, kind: Kind, f: fn(&Vpc, Kind, &Input<'_>) -> ApiResult<Reply>) -> Handler {
    let s = s.clone();
    Arc::new(move |input| f(&s, kind, input))
}

/// The 18 tag operations (six per resource type).
pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |method, path, h| Op::new(method, path, Access::Project, Family::Vpc, h);
    Kind::ALL
        .into_iter()
        .flat_map(|k| {
            let p = k.paths();
            [
                op("POST", p.tags, bind(s, k, Vpc::tag_create)),
                op("GET", p.tags, bind(s, k, Vpc::tag_list)),
                op("DELETE", p.tag, bind(s, k, Vpc::tag_delete)),
                op("POST", p.action, bind(s, k, Vpc::tag_action)),
                op("GET", p.project, bind(s, k, Vpc::tag_project)),
                op("POST", p.instances, bind(s, k, Vpc::tag_instances)),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_distinct_operations() {
        let paths: HashSet<(&str, &str)> = Kind::ALL
            .into_iter()
            .flat_map(|k| {
                let p = k.paths();
                [("POST", p.tags), ("GET", p.tags), ("DELETE", p.tag), ("POST", p.action), ("GET", p.project), ("POST", p.instances)]
            })
            .collect();
        assert_eq!(paths.len(), 18);
    }

    #[test]
    fn tag_rules_per_resource() {
        let t = |k: &str, v: &str| json!({"key": k, "value": v});
        let (eip, vpc) = (&Kind::Eip.spec(), &Kind::Vpc.spec());
        let sub = vpc;
        assert!(read_tag(eip, &t("env@x", "a-b_c"), true).is_ok());
        assert_eq!(read_tag(eip, &t(&"k".repeat(37), ""), true).unwrap_err().code, "VPC.1801");
        assert!(read_tag(vpc, &t(&"k".repeat(128), &"v".repeat(255)), true).is_ok());
        assert!(read_tag(vpc, &t(&"k".repeat(129), ""), true).is_err());
        assert!(read_tag(sub, &t("a b", ""), true).is_err());
        assert!(read_tag(sub, &t("a b", ""), false).is_ok());
        assert!(read_tag(sub, &t(" ", ""), false).is_err());
        assert!(read_tag(sub, &json!({"key": "k", "value": null}), true).is_err());
        assert_eq!(read_tag(sub, &json!({"key": "k"}), true).unwrap().value, "");
        assert!(read_tag(sub, &Value::Null, true).is_err());
        assert!(read_tag(sub, &json!(3), true).is_err());
    }

    #[test]
    fn query_parsing() {
        let q = |v: Value| read_query(&Kind::Vpc.spec(), v.as_object().unwrap());
        assert!(q(json!({"action": "filter", "limit": "100", "offset": "0"})).is_ok());
        assert!(q(json!({"action": "list"})).is_err());
        assert!(q(json!({"action": "filter", "limit": 0})).is_err());
        assert!(q(json!({"action": "filter", "limit": 1001})).is_err());
        assert!(q(json!({"action": "filter", "offset": -1})).is_err());
        assert!(q(json!({"action": "count", "limit": "x"})).is_ok());
        assert!(q(json!({"action": "count", "matches": []})).is_err());
        assert!(q(json!({"action": "count", "matches": [{"key": "name", "value": "x"}]})).is_err());
        assert!(q(json!({"action": "count", "tags": [{"key": "a", "values": ["x", "x"]}]})).is_err());
        assert!(q(json!({"action": "count", "tags": [{"key": "a", "values": []}, {"key": "a", "values": []}]})).is_err());
        assert!(q(json!({"action": "count", "tags": [{"key": "a"}]})).is_err());
    }
}
