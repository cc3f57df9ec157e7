//! Tags of VPC v3 network ACLs (vpc_apis_v3/network_acl_tag_management),
//! served under `/v3/{project_id}/firewalls/...` without the `vpc/` of the
//! ACL API itself, as the reference writes them.
//!
//! Their rules differ from the v2.0 tag APIs ([`super::tags`]), so they
//! are read here: answers are 204 without a body; keys 1-128 and values
//! 0-255 characters of letters, digits and `_ : + - @ =` (keys also `.`);
//! at most 20 tags per ACL; a batch create with one key twice is refused;
//! a batch delete ignores missing tags and does not check the character
//! set, but deleting one key the ACL lacks is 404; `limit`/`offset` are
//! query parameters. Errors are v3's (`VPC.9901` bad input, `VPC.9904`
//! not found).

use super::body::Obj;
use super::v3::{bad, body, tags_json};
use crate::errors::v3 as v3_fault;
use crate::model::network_acls::NetworkAcl;
use crate::model::Fault;
use crate::Vpc;
use otc_core::api::{handler, Access::Project, Family::Native, Input, Op, Reply};
use otc_core::tags::Tag;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

const MAX_TAGS: usize = 20;

/// A tag cap is bad input like any other tag's: `VPC.9901`.
fn fault(f: Fault) -> ApiError {
    match f {
        Fault::Invalid(_, msg) => bad(msg),
        other => v3_fault(other),
    }
}
const MAX_FILTER_KEYS: usize = 50;
const MAX_FILTER_VALUES: usize = 10;

pub fn ops(s: &Arc<Vpc>) -> Vec<Op> {
    let op = |m, p, h| Op::new(m, p, Project, Native, h);
    vec![
        op("POST", "/v3/{project_id}/firewalls/{firewall_id}/tags", handler(s, Vpc::acl_tag_add)),
        op("GET", "/v3/{project_id}/firewalls/{firewall_id}/tags", handler(s, Vpc::acl_tags_of)),
        op("DELETE", "/v3/{project_id}/firewalls/{firewall_id}/tags/{tag_key}", handler(s, Vpc::acl_tag_delete)),
        op("POST", "/v3/{project_id}/firewalls/{firewall_id}/tags/create", handler(s, Vpc::acl_tags_create)),
        op("POST", "/v3/{project_id}/firewalls/{firewall_id}/tags/delete", handler(s, Vpc::acl_tags_delete)),
        op("GET", "/v3/{project_id}/firewalls/tags", handler(s, Vpc::acl_project_tags)),
        op("POST", "/v3/{project_id}/firewalls/resource-instances/filter", handler(s, Vpc::acl_tag_filter)),
        op("POST", "/v3/{project_id}/firewalls/resource-instances/count", handler(s, Vpc::acl_tag_count)),
    ]
}

fn key_char(c: char) -> bool {
    c.is_alphanumeric() || "_.:+-@=".contains(c)
}

fn value_char(c: char) -> bool {
    c.is_alphanumeric() || "_:+-@=".contains(c)
}

/// One `{key, value}` object; `strict` checks lengths and characters.
fn read_tag(v: &Value, strict: bool) -> ApiResult<Tag> {
    let Some(o) = v.as_object() else {
        return Err(bad(format!("Invalid tag {v}: it must be an object.")));
    };
    let key = match o.get("key") {
        Some(Value::String(k)) => k.clone(),
        _ => return Err(bad("Invalid tag: key is required and must be a string.".into())),
    };
    let value = match o.get("value") {
        None | Some(Value::Null) if !strict => String::new(),
        Some(Value::String(v)) => v.clone(),
        _ => return Err(bad(format!("Invalid tag {key}: value is required and must be a string."))),
    };
    if strict {
        if key.is_empty() || key.chars().count() > 128 || !key.chars().all(key_char) {
            return Err(bad(format!("Invalid tag key {key}.")));
        }
        if value.chars().count() > 255 || !value.chars().all(value_char) {
            return Err(bad(format!("Invalid tag value {value}.")));
        }
    }
    Ok(Tag { key, value })
}

fn read_tags(b: &Obj, strict: bool) -> ApiResult<Vec<Tag>> {
    match b.get("tags") {
        Some(Value::Array(a)) if !a.is_empty() => a.iter().map(|t| read_tag(t, strict)).collect(),
        _ => Err(bad("Invalid request: tags must be a non-empty list.".into())),
    }
}

/// Sets `new` on `tags` (an existing key takes the new value), within the cap.
fn put_tags(tags: &mut Vec<Tag>, new: Vec<Tag>) -> Result<(), Fault> {
    for t in new {
        match tags.iter_mut().find(|x| x.key == t.key) {
            Some(x) => x.value = t.value,
            None => tags.push(t),
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Fault::Invalid(crate::model::Res::FirewallGroup, format!("A network ACL can have at most {MAX_TAGS} tags.")));
    }
    Ok(())
}

/// `limit` (1..=max) and `offset` (≥ 0) of the query.
fn limit_offset(input: &Input<'_>, max: usize) -> ApiResult<(usize, usize)> {
    let num = |k: &str, lo: usize, hi: usize, default: usize| -> ApiResult<usize> {
        match input.query.get(k) {
            None => Ok(default),
            Some(raw) => raw.parse::<usize>().ok().filter(|n| (lo..=hi).contains(n)).ok_or_else(|| bad(format!("Invalid {k} {raw}."))),
        }
    };
    Ok((num("limit", 1, max, max)?, num("offset", 0, usize::MAX, 0)?))
}

/// The `tags`/`matches` of a resource-instances query.
struct Query {
    tags: Vec<(String, Vec<String>)>,
    name: Option<String>,
}

fn read_query(b: &Obj) -> ApiResult<Query> {
    let mut tags = Vec::new();
    if let Some(v) = b.get("tags").filter(|v| !v.is_null()) {
        let list = v.as_array().ok_or_else(|| bad("Invalid tags: it must be a list.".into()))?;
        if list.len() > MAX_FILTER_KEYS {
            return Err(bad(format!("Invalid tags: at most {MAX_FILTER_KEYS} keys.")));
        }
        for t in list {
            let key = t
                .get("key")
                .and_then(Value::as_str)
                .filter(|k| !k.is_empty())
                .ok_or_else(|| bad("Invalid tags: every tag needs a key.".into()))?;
            let values =
                t.get("values").and_then(Value::as_array).ok_or_else(|| bad(format!("Invalid tag {key}: values must be a list.")))?;
            if values.len() > MAX_FILTER_VALUES {
                return Err(bad(format!("Invalid tag {key}: at most {MAX_FILTER_VALUES} values.")));
            }
            let values = values
                .iter()
                .map(|v| v.as_str().map(String::from).ok_or_else(|| bad(format!("Invalid tag {key}: values must be strings."))))
                .collect::<ApiResult<Vec<_>>>()?;
            if tags.iter().any(|(k, _): &(String, Vec<String>)| k == key) {
                return Err(bad(format!("Invalid tags: key {key} is given twice.")));
            }
            tags.push((key.to_string(), values));
        }
    }
    let mut name = None;
    if let Some(v) = b.get("matches").filter(|v| !v.is_null()) {
        let list = v.as_array().ok_or_else(|| bad("Invalid matches: it must be a list.".into()))?;
        for m in list {
            match (m.get("key").and_then(Value::as_str), m.get("value").and_then(Value::as_str)) {
                (Some("resource_name"), Some(v)) if v.chars().count() <= 255 => name = Some(v.to_string()),
                _ => return Err(bad(format!("Invalid match {m}: the key must be resource_name with a string value."))),
            }
        }
    }
    Ok(Query { tags, name })
}

impl Query {
    fn matches(&self, a: &NetworkAcl) -> bool {
        let tags_ok =
            self.tags.iter().all(|(k, values)| a.tags.iter().any(|t| &t.key == k && (values.is_empty() || values.contains(&t.value))));
        // A substring, as the v2.0 tag APIs' `matches` are read.
        tags_ok && self.name.as_ref().is_none_or(|n| a.name.contains(n.as_str()))
    }
}

impl Vpc {
    /// Changes an ACL's tags in one transaction.
    fn with_acl_tags(&self, input: &Input<'_>, f: impl FnOnce(&mut Vec<Tag>) -> Result<(), Fault>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        self.call(input, fault, |net| {
            let mut acl = net.network_acl(id)?;
            f(&mut acl.tags)?;
            net.save_network_acl(acl)?;
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    pub fn acl_tag_add(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let b = body(input)?;
        let tag = read_tag(b.get("tag").ok_or_else(|| bad("Invalid request: tag is required.".into()))?, true)?;
        self.with_acl_tags(input, |tags| put_tags(tags, vec![tag]))
    }

    pub fn acl_tags_create(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let tags = read_tags(&body(input)?, true)?;
        for (i, t) in tags.iter().enumerate() {
            if tags[..i].iter().any(|o| o.key == t.key) {
                return Err(bad(format!("Invalid tags: key {} is given twice.", t.key)));
            }
        }
        self.with_acl_tags(input, |have| put_tags(have, tags))
    }

    pub fn acl_tags_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gone = read_tags(&body(input)?, false)?;
        self.with_acl_tags(input, |have| {
            // A value, when given, must be the tag's for it to go.
            have.retain(|t| !gone.iter().any(|g| g.key == t.key && (g.value.is_empty() || g.value == t.value)));
            Ok(())
        })
    }

    pub fn acl_tag_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let key = input.param("tag_key").to_string();
        let id = input.param("firewall_id");
        let found = self.call(input, fault, |net| {
            let mut acl = net.network_acl(id)?;
            let before = acl.tags.len();
            acl.tags.retain(|t| t.key != key);
            if acl.tags.len() == before {
                return Ok(false);
            }
            net.save_network_acl(acl)?;
            Ok(true)
        })?;
        if !found {
            return Err(ApiError::new(404, "VPC.9904", format!("Tag {key} could not be found.")));
        }
        Ok(Reply::empty(204))
    }

    pub fn acl_tags_of(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("firewall_id");
        let acl = self.call(input, fault, |net| net.network_acl(id))?;
        Reply::json(200, &json!({"tags": tags_json(&acl.tags), "request_id": input.request_id}))
    }

    pub fn acl_project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (limit, offset) = limit_offset(input, 1000)?;
        let all = self.call(input, fault, |net| net.network_acls())?;
        let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in all.iter().flat_map(|a| &a.tags) {
            let values = keys.entry(t.key.clone()).or_default();
            if !values.contains(&t.value) {
                values.push(t.value.clone());
            }
        }
        let total = keys.len();
        let page: Vec<Value> = keys.into_iter().skip(offset).take(limit).map(|(k, v)| json!({"key": k, "values": v})).collect();
        Reply::json(200, &json!({"tags": page, "total_count": total, "request_id": input.request_id}))
    }

    fn acl_tag_query(&self, input: &Input<'_>) -> ApiResult<Vec<NetworkAcl>> {
        let q = read_query(&body(input)?)?;
        let all = self.call(input, fault, |net| net.network_acls())?;
        Ok(all.into_iter().filter(|a| q.matches(a)).collect())
    }

    pub fn acl_tag_filter(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (limit, offset) = limit_offset(input, 1000)?;
        let found = self.acl_tag_query(input)?;
        let total = found.len();
        let page: Vec<Value> = found
            .iter()
            .skip(offset)
            .take(limit)
            .map(|a| json!({"resource_id": a.id, "resource_detail": "", "resource_name": a.name, "tags": tags_json(&a.tags)}))
            .collect();
        Reply::json(200, &json!({"resources": page, "total_count": total, "request_id": input.request_id}))
    }

    pub fn acl_tag_count(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let found = self.acl_tag_query(input)?;
        Reply::json(200, &json!({"total_count": found.len(), "request_id": input.request_id}))
    }
}
