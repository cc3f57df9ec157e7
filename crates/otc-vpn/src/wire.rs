//! Reading v5 requests and writing v5 answers, shared by the facades: the
//! wrapped JSON body, typed members (wrong types are VPN.0001), names,
//! millisecond timestamps, `request_id` in every body, and the
//! `limit`/`marker` paging whose marker is the last item's `created_at`.

use crate::errors::invalid;
use otc_core::api::{Input, Reply};
use otc_core::body;
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_core::ApiResult;
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// `yyyy-MM-ddTHH:mm:ss.SSSZ`.
pub fn ts(t: Timestamp) -> String {
    otc_core::time::iso_millis(t)
}

/// The whole body as a JSON object.
pub fn object(input: &Input<'_>) -> ApiResult<Obj> {
    if input.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(invalid("the request body is empty"));
    }
    match serde_json::from_slice::<Value>(input.body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(invalid("the request body must be a JSON object")),
        Err(e) => Err(invalid(format!("the request body is not valid JSON: {e}"))),
    }
}

/// The object under `wrapper` (`{"vpn_gateway": {...}}`).
pub fn wrapped(input: &Input<'_>, wrapper: &str) -> ApiResult<Obj> {
    match object(input)?.remove(wrapper) {
        Some(Value::Object(o)) => Ok(o),
        Some(_) => Err(invalid(format!("{wrapper} must be an object"))),
        None => Err(invalid(format!("{wrapper} is mandatory"))),
    }
}

/// A mistyped member in v5 terms (VPN.0001 naming it).
fn mistyped(e: otc_core::body::Mistyped) -> otc_core::ApiError {
    invalid(e.to_string())
}

/// A string member; `null` is absent, other types are refused.
pub fn opt_str(o: &Obj, k: &str) -> ApiResult<Option<String>> {
    Ok(body::opt_str(o, k).map_err(mistyped)?.map(String::from))
}

/// A string member that clients send empty when unset (omitempty misses).
pub fn opt_text(o: &Obj, k: &str) -> ApiResult<Option<String>> {
    Ok(opt_str(o, k)?.filter(|s| !s.is_empty()))
}

pub fn opt_int(o: &Obj, k: &str) -> ApiResult<Option<i64>> {
    match o.get(k) {
        // Past i64: out of every documented range, refused there.
        Some(Value::Number(n)) if n.is_u64() && !n.is_i64() => Ok(Some(i64::MAX)),
        _ => body::opt_int(o, k).map_err(mistyped),
    }
}

pub fn opt_bool(o: &Obj, k: &str) -> ApiResult<Option<bool>> {
    body::opt_bool(o, k).map_err(mistyped)
}

pub fn opt_obj(o: &Obj, k: &str) -> ApiResult<Option<Obj>> {
    Ok(body::opt_object(o, k).map_err(mistyped)?.cloned())
}

pub fn opt_str_list(o: &Obj, k: &str) -> ApiResult<Option<Vec<String>>> {
    body::opt_str_list(o, k).map_err(mistyped)
}

/// A list of tags (`[{"key", "value"}]`); an element that is not a tag
/// object refuses the list.
pub fn tag_list(k: &str, v: &Value) -> ApiResult<Vec<Tag>> {
    let list = v.as_array().ok_or_else(|| invalid(format!("{k} must be a list of tags")))?;
    list.iter().map(|t| Tag::from_member(t).ok_or_else(|| invalid(format!("{k} are invalid: {t} is not a tag")))).collect()
}

/// Names of gateways, customer gateways and connections: 1-64 of
/// letters, digits, `_`, `-` and `.`.
pub fn check_name(name: &str) -> ApiResult<()> {
    let ok = (1..=64).contains(&name.chars().count()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("name {name} is invalid")))
    }
}

/// A generated name: `prefix-` and four hex digits (`vpngw-a45b`).
pub fn default_name(prefix: &str) -> String {
    format!("{prefix}-{}", &otc_core::ids::hex32()[..4])
}

/// A lowercase 36-character UUID.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

/// `body` with the request id added, as every v5 answer carries it.
pub fn reply(input: &Input<'_>, status: u16, mut body: Obj) -> ApiResult<Reply> {
    body.insert("request_id".into(), Value::String(input.request_id.to_string()));
    Reply::json(status, &Value::Object(body))
}

/// `{key: value, "request_id": ...}`.
pub fn reply_one(input: &Input<'_>, status: u16, key: &str, value: Value) -> ApiResult<Reply> {
    let mut o = Obj::new();
    o.insert(key.into(), value);
    reply(input, status, o)
}

/// A `limit`/`marker` page request.
pub struct Paging {
    pub limit: usize,
    pub marker: Option<Timestamp>,
}

/// Reads `limit` (0..=max, 0 or absent meaning `max`) and `marker` (a
/// `created_at` as answered in `page_info.next_marker`).
pub fn paging(input: &Input<'_>, max: usize) -> ApiResult<Paging> {
    let limit = match input.query.get("limit") {
        None | Some("") => max,
        Some(v) => match v.parse::<usize>() {
            Ok(0) => max,
            Ok(n) if n <= max => n,
            _ => return Err(invalid(format!("limit must be an integer from 0 to {max}"))),
        },
    };
    let marker = match input.query.get("marker") {
        None | Some("") => None,
        Some(m) => Some(otc_core::time::parse(m).ok_or_else(|| invalid(format!("marker {m} is invalid")))?),
    };
    Ok(Paging { limit, marker })
}

/// Orders newest first and cuts one page: the items created strictly
/// before the marker, at most `limit` of them. Returns the page and its
/// `page_info`.
pub fn page<T>(mut items: Vec<T>, created: impl Fn(&T) -> Timestamp, p: &Paging) -> (Vec<T>, Value) {
    items.sort_by_key(|i| std::cmp::Reverse(created(i)));
    if let Some(m) = p.marker {
        items.retain(|i| created(i) < m);
    }
    items.truncate(p.limit);
    let mut info = Obj::new();
    if let Some(last) = items.last() {
        info.insert("next_marker".into(), Value::String(ts(created(last))));
    }
    info.insert("current_count".into(), Value::from(items.len()));
    (items, Value::Object(info))
}
