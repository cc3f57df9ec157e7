//! Tags of general-purpose file systems (`/v3/sfs/tms/{project_id}/
//! file-systems/...`, token auth, `resource_id` = the file system's name):
//! a resource's tags, batch create and delete, the project's keys with
//! their values, and resources by tag (filter, count). `sys_tags` belong
//! to the op_service role, which no emulator user has.

use crate::errors::sfs3 as err;
use crate::model::sfs3::FileSystem;
use crate::model::sfs3_tags::{self, key_problem, value_problem, TagQuery, MAX_QUERY};
use crate::sfs3::Sfs3;
use otc_core::api::{Input, Reply};
use otc_core::body::Obj;
use otc_core::tags::Tag;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

fn tag_json(t: &Tag) -> Value {
    json!({"key": t.key, "value": t.value})
}

/// The body as a JSON object (a query without conditions is `{}`, as
/// otcextensions sends it).
fn object(input: &Input<'_>) -> ApiResult<Obj> {
    match serde_json::from_slice::<Value>(input.body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(err::tag("The request body must be a JSON object.")),
        Err(e) => Err(err::tag(format!("The request body is not valid JSON: {e}"))),
    }
}

fn refuse_sys_tags(o: &Obj) -> ApiResult<()> {
    if o.get("sys_tags").is_some_and(|v| !v.is_null()) {
        return Err(ApiError::new(403, "SFS3.0403", "sys_tags can only be used with the op_service permission."));
    }
    Ok(())
}

/// `tags` of a create (`value_optional` false) or delete: a list of
/// `{key, value}`, keys valid and unique.
fn given_tags(o: &Obj, value_optional: bool) -> ApiResult<Vec<(String, Option<String>)>> {
    let list = match o.get("tags") {
        Some(Value::Array(a)) => a,
        None | Some(Value::Null) => return Err(err::tag("tags is required.")),
        Some(_) => return Err(err::tag("tags must be a list of tags.")),
    };
    if list.is_empty() {
        return Err(err::tag("tags must name at least one tag."));
    }
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for t in list {
        let Some(t) = t.as_object() else { return Err(err::tag("Each tag must be an object with key and value.")) };
        let key = match t.get("key") {
            Some(Value::String(k)) => k.clone(),
            _ => return Err(err::tag("The key of a tag must be a string.")),
        };
        if let Some(p) = key_problem(&key) {
            return Err(err::tag(p));
        }
        let value = match t.get("value") {
            Some(Value::String(v)) => Some(v.clone()),
            None | Some(Value::Null) if value_optional => None,
            // An absent value of a tag to add is the empty value.
            None | Some(Value::Null) => Some(String::new()),
            Some(_) => return Err(err::tag("The value of a tag must be a string.")),
        };
        if let Some(p) = value.as_deref().and_then(value_problem) {
            return Err(err::tag(p));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(err::tag(format!("The tag key {key:?} is given twice.")));
        }
        out.push((key, value));
    }
    if out.len() > sfs3_tags::MAX_TAGS {
        return Err(err::tag(format!("At most {} tags can be given.", sfs3_tags::MAX_TAGS)));
    }
    Ok(out)
}

/// The body of a filter or count.
fn query(o: &Obj) -> ApiResult<TagQuery> {
    refuse_sys_tags(o)?;
    let without_any_tag = match o.get("without_any_tag") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(err::tag("without_any_tag must be a boolean.")),
    };
    let mut tags: Vec<(String, Vec<String>)> = Vec::new();
    match o.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) if list.len() <= MAX_QUERY => {
            for m in list {
                let Some(m) = m.as_object() else { return Err(err::tag("Each member of tags must be an object.")) };
                let key = match m.get("key") {
                    Some(Value::String(k)) if key_problem(k).is_none() => k.clone(),
                    _ => return Err(err::tag("Each member of tags needs a valid key.")),
                };
                let values = match m.get("values") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(vs)) if vs.len() <= MAX_QUERY => vs
                        .iter()
                        .map(|v| v.as_str().filter(|s| value_problem(s).is_none()).map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| err::tag(format!("The values of tag {key:?} must be valid tag values.")))?,
                    Some(_) => return Err(err::tag(format!("values of tag {key:?} must be a list of at most {MAX_QUERY} strings."))),
                };
                if tags.iter().any(|(k, _)| *k == key) {
                    return Err(err::tag(format!("The tag key {key:?} is given twice.")));
                }
                tags.push((key, values));
            }
        }
        Some(_) => return Err(err::tag(format!("tags must be a list of at most {MAX_QUERY} keys."))),
    }
    let mut name_prefixes = Vec::new();
    match o.get("matches") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for m in list {
                let m = m.as_object();
                match (m.and_then(|m| m.get("key")).and_then(Value::as_str), m.and_then(|m| m.get("value")).and_then(Value::as_str)) {
                    (Some("resource_name"), Some(v)) if v.chars().count() <= 255 => name_prefixes.push(v.to_string()),
                    _ => {
                        return Err(err::tag(
                            "Each member of matches must be {\"key\": \"resource_name\", \"value\": <at most 255 characters>}.",
                        ))
                    }
                }
            }
        }
        Some(_) => return Err(err::tag("matches must be a list.")),
    }
    Ok(TagQuery { without_any_tag, tags, name_prefixes })
}

/// `limit` (1-1000, default 1000) and `offset` (0 and up, default 0).
fn paging(input: &Input<'_>) -> ApiResult<(usize, usize)> {
    let limit = match input.query.get("limit") {
        None => 1000,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=1000).contains(l))
            .ok_or_else(|| err::tag("limit must be an integer from 1 to 1000."))?,
    };
    let offset = match input.query.get("offset") {
        None => 0,
        Some(o) => o.parse::<usize>().map_err(|_| err::tag("offset must be an integer of 0 or more."))?,
    };
    Ok((limit, offset))
}

impl Sfs3 {
    /// The matching file systems, newest first.
    fn matching(&self, input: &Input<'_>, q: &TagQuery) -> ApiResult<Vec<FileSystem>> {
        let mut fss = self.call(input, |gp| gp.list())?;
        fss.retain(|f| q.matches(f));
        // Creation order reversed: newest first, ties (one clock tick) too.
        fss.reverse();
        fss.sort_by_key(|f| std::cmp::Reverse(f.created_at));
        Ok(fss)
    }

    pub fn resource_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let name = input.param("resource_id");
        let fs = self.call(input, |gp| gp.tagged(name))?;
        Reply::json(200, &json!({"tags": fs.tags.iter().map(tag_json).collect::<Vec<_>>()}))
    }

    pub fn create_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        refuse_sys_tags(&o)?;
        let tags: Vec<Tag> = given_tags(&o, false)?.into_iter().map(|(key, value)| Tag { key, value: value.unwrap_or_default() }).collect();
        let name = input.param("resource_id");
        self.call(input, |gp| gp.add_tags(name, tags))?;
        Ok(Reply::empty(204))
    }

    pub fn delete_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        refuse_sys_tags(&o)?;
        let tags = given_tags(&o, true)?;
        let name = input.param("resource_id");
        self.call(input, |gp| gp.delete_tags(name, &tags))?;
        Ok(Reply::empty(204))
    }

    pub fn project_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let fss = self.call(input, |gp| gp.list())?;
        let tags: Vec<Value> =
            sfs3_tags::project_tags(&fss).into_iter().map(|(key, values)| json!({"key": key, "values": values})).collect();
        Reply::json(200, &json!({ "tags": tags }))
    }

    pub fn filter(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (limit, offset) = paging(input)?;
        let q = query(&object(input)?)?;
        let fss = self.matching(input, &q)?;
        let resources: Vec<Value> = fss
            .iter()
            .skip(offset)
            .take(limit)
            .map(|f| {
                json!({
                    "resource_id": f.name,
                    "resource_detail": "",
                    "tags": f.tags.iter().map(tag_json).collect::<Vec<_>>(),
                    "sys_tags": [],
                    "resource_name": f.name,
                })
            })
            .collect();
        Reply::json(200, &json!({"resources": resources, "total_count": fss.len()}))
    }

    pub fn count(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = query(&object(input)?)?;
        let n = self.matching(input, &q)?.len();
        Reply::json(200, &json!({ "total_count": n }))
    }
}
