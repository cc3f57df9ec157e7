//! Listing rules shared by the facades: Neutron's generic filters, sort
//! by id, marker/limit/page_reverse with `<collection>_links`, and
//! `fields`; VPC v1's marker/limit; VPC v3's repeated filters and
//! `page_info`.

use otc_core::api::{Input, Query, Reply};
use otc_core::pagination::{page_by_marker, MarkerPage};
use otc_core::{ApiError, ApiResult};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Query keys that steer a listing rather than filter it.
const CONTROL: [&str; 6] = ["limit", "marker", "page_reverse", "fields", "sort_key", "sort_dir"];

/// Neutron's default and maximum page size on OTC.
pub const MAX_PAGE: usize = 2000;

fn scalar_matches(v: &Value, want: &str) -> bool {
    match v {
        Value::String(s) => s == want,
        Value::Bool(b) => want.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Value::Number(n) => n.to_string() == want,
        Value::Null => want.is_empty() || want == "None" || want == "null",
        Value::Array(a) => a.iter().any(|x| scalar_matches(x, want)),
        Value::Object(_) => false,
    }
}

/// `fixed_ips=ip_address=10.0.0.5` / `fixed_ips=subnet_id=...`.
fn fixed_ip_matches(item: &Value, want: &str) -> bool {
    let Some((k, v)) = want.split_once('=') else {
        return false;
    };
    item.get("fixed_ips").and_then(Value::as_array).is_some_and(|ips| ips.iter().any(|ip| ip.get(k).and_then(Value::as_str) == Some(v)))
}

fn tags_of(item: &Value) -> Vec<String> {
    item.get("tags").and_then(Value::as_array).map(|a| a.iter().filter_map(|t| t.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Neutron's filter semantics: every query key names a field; repeated
/// values are alternatives; unknown fields are ignored.
pub fn neutron_matches(item: &Value, query: &Query) -> bool {
    let mut keys: Vec<&str> = query.0.iter().map(|(k, _)| k.as_str()).filter(|k| !CONTROL.contains(k)).collect();
    keys.dedup();
    keys.iter().all(|key| {
        let wanted = query.all(key);
        match *key {
            "fixed_ips" => wanted.iter().any(|w| fixed_ip_matches(item, w)),
            "tags" | "tags-any" | "not-tags" | "not-tags-any" => {
                let have = tags_of(item);
                let want: Vec<&str> = wanted.iter().flat_map(|w| w.split(',')).collect();
                match *key {
                    "tags" => want.iter().all(|t| have.iter().any(|h| h == t)),
                    "tags-any" => want.iter().any(|t| have.iter().any(|h| h == t)),
                    "not-tags" => !want.iter().all(|t| have.iter().any(|h| h == t)),
                    _ => !want.iter().any(|t| have.iter().any(|h| h == t)),
                }
            }
            _ => match item.get(*key) {
                None => true,
                Some(v) => wanted.iter().any(|w| scalar_matches(v, w)),
            },
        }
    })
}

fn neutron_bad(msg: String) -> ApiError {
    ApiError::new(400, "BadRequest", msg).with_kind("BadRequest")
}

/// A Neutron list answer: filtered, sorted, paginated, projected.
pub fn neutron_list(input: &Input<'_>, collection: &str, items: Vec<Value>) -> ApiResult<Value> {
    neutron_list_at(input, collection, &collection_path(collection), items)
}

fn collection_path(collection: &str) -> String {
    format!("/v2.0/{}", collection.replace('_', "-"))
}

/// [`neutron_list`] of a collection served at `path` (links point there):
/// extensions such as VPNaaS live below `/v2.0/vpn/`.
pub fn neutron_list_at(input: &Input<'_>, collection: &str, path: &str, items: Vec<Value>) -> ApiResult<Value> {
    let q = input.query;
    let mut items: Vec<Value> = items.into_iter().filter(|i| neutron_matches(i, q)).collect();
    let sort_key = q.get("sort_key").unwrap_or("id").to_string();
    let desc = q.get("sort_dir").is_some_and(|d| d.eq_ignore_ascii_case("desc"));
    items.sort_by(|a, b| {
        let ka = a.get(&sort_key).map(|v| v.to_string()).unwrap_or_default();
        let kb = b.get(&sort_key).map(|v| v.to_string()).unwrap_or_default();
        let o = ka.cmp(&kb).then_with(|| a["id"].as_str().cmp(&b["id"].as_str()));
        if desc {
            o.reverse()
        } else {
            o
        }
    });
    let (limit, effective) = neutron_limit(q)?;
    let reverse = q.get("page_reverse").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if reverse && !q.has("marker") {
        // Reversed from the end: the last page.
        let start = items.len().saturating_sub(effective);
        items.drain(..start);
    } else {
        let page = MarkerPage { marker: q.get("marker").map(String::from), limit: Some(effective), reverse };
        items = page_by_marker(items, &page, |i| i["id"].as_str().unwrap_or("")).map_err(|()| bad_marker(q))?;
    }
    Ok(neutron_page(input, collection, path, items, limit, effective, reverse))
}

/// A resource as a Neutron list shows it, written straight to the
/// serializer (see [`neutron_list_paged`]).
pub trait NeutronView {
    fn id(&self) -> &str;
    fn serialize_view<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

struct AsView<'a, T>(&'a T);

impl<T: NeutronView> Serialize for AsView<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_view(s)
    }
}

/// A Neutron list whose facade can read one page of the collection in id
/// order straight from the store (`page(marker, limit)`, `None` for an
/// unknown marker). That is used when the query only pages forward in
/// Neutron's default order, so the answer costs the page, not the
/// collection, and is serialised from the items' views without building
/// JSON values (unless `fields` asks for a projection). Any filter or other
/// order goes through `all` and [`neutron_list`].
pub fn neutron_list_paged<T: NeutronView>(
    input: &Input<'_>,
    collection: &str,
    page: impl FnOnce(Option<&str>, usize) -> ApiResult<Option<Vec<T>>>,
    all: impl FnOnce() -> ApiResult<Vec<Value>>,
) -> ApiResult<Reply> {
    let q = input.query;
    let plain = q.0.iter().all(|(k, v)| match k.as_str() {
        "limit" | "marker" | "fields" => true,
        "sort_key" => v == "id",
        "sort_dir" => v.eq_ignore_ascii_case("asc"),
        "page_reverse" => v.eq_ignore_ascii_case("false"),
        _ => false,
    });
    if !plain {
        return Reply::json(200, &neutron_list(input, collection, all()?)?);
    }
    let (limit, effective) = neutron_limit(q)?;
    let items = page(q.get("marker"), effective)?.ok_or_else(|| bad_marker(q))?;
    let path = collection_path(collection);
    if q.has("fields") {
        let values = items.iter().map(|i| serde_json::to_value(AsView(i))).collect::<Result<Vec<_>, _>>()?;
        return Reply::json(200, &neutron_page(input, collection, &path, values, limit, effective, false));
    }
    let ends = items.first().map(T::id).zip(items.last().map(T::id));
    let links = page_links(input, &path, ends, items.len(), limit, effective, false);
    let views: Vec<AsView<'_, T>> = items.iter().map(AsView).collect();
    Reply::json(200, &Listing { collection, items: &views, links })
}

/// `{"<collection>": [...], "<collection>_links": [...]}` with the items
/// serialised as they are.
struct Listing<'a, V> {
    collection: &'a str,
    items: &'a [V],
    links: Vec<Value>,
}

impl<V: Serialize> Serialize for Listing<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(self.collection, self.items)?;
        if !self.links.is_empty() {
            m.serialize_entry(&format!("{}_links", self.collection), &self.links)?;
        }
        m.end()
    }
}

/// The `limit` asked for (none, or 0, is none) and the page size in force.
fn neutron_limit(q: &Query) -> ApiResult<(Option<usize>, usize)> {
    let limit = match q.get("limit") {
        None | Some("") => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n as usize),
            _ => return Err(neutron_bad(format!("Bad limit request: Limit must be an integer 0 or greater and not '{raw}'"))),
        },
    };
    Ok((limit, limit.filter(|l| *l > 0).unwrap_or(MAX_PAGE).min(MAX_PAGE)))
}

fn bad_marker(q: &Query) -> ApiError {
    neutron_bad(format!("Bad marker request: marker {} could not be found.", q.get("marker").unwrap_or("")))
}

/// The answer for one selected page: `<collection>_links` and `fields`.
fn neutron_page(
    input: &Input<'_>,
    collection: &str,
    path: &str,
    mut items: Vec<Value>,
    limit: Option<usize>,
    effective: usize,
    reverse: bool,
) -> Value {
    let q = input.query;
    let id = |i: &Value| i["id"].as_str().unwrap_or("").to_string();
    let ends = items.first().map(id).zip(items.last().map(id));
    let links = page_links(input, path, ends.as_ref().map(|(f, l)| (f.as_str(), l.as_str())), items.len(), limit, effective, reverse);
    let fields = q.all("fields");
    if !fields.is_empty() {
        items = items.into_iter().map(|i| project_fields(i, &fields)).collect();
    }
    let mut out = Map::new();
    out.insert(collection.to_string(), Value::Array(items));
    if !links.is_empty() {
        out.insert(format!("{collection}_links"), Value::Array(links));
    }
    Value::Object(out)
}

/// Neutron's `next`/`previous` links for a page whose first and last
/// items have the ids `ends`.
fn page_links(
    input: &Input<'_>,
    path: &str,
    ends: Option<(&str, &str)>,
    len: usize,
    limit: Option<usize>,
    effective: usize,
    reverse: bool,
) -> Vec<Value> {
    let q = input.query;
    let mut links = Vec::new();
    let Some((first, last)) = ends.filter(|_| limit.is_some() || q.has("marker")) else {
        return links;
    };
    let base = format!("{}{path}", input.base_url);
    let keep: Vec<(String, String)> = q.0.iter().filter(|(k, _)| k != "marker" && k != "page_reverse").cloned().collect();
    let href = |marker: &str, rev: bool| {
        let mut s = form_query(&keep);
        if !s.is_empty() {
            s.push('&');
        }
        s.push_str(&format!("marker={marker}"));
        if rev {
            s.push_str("&page_reverse=True");
        }
        format!("{base}?{s}")
    };
    if len >= effective || reverse {
        links.push(json!({"rel": "next", "href": href(last, false)}));
    }
    if q.has("marker") || reverse {
        links.push(json!({"rel": "previous", "href": href(first, true)}));
    }
    links
}

fn form_query(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Neutron's `fields=` projection.
pub fn project_fields(item: Value, fields: &[&str]) -> Value {
    match item {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(k, _)| fields.contains(&k.as_str())).collect()),
        other => other,
    }
}

/// Marker/limit as VPC v1 documents it (limit 0-2000, default 2000); an
/// unknown marker or bad limit is `bad`.
pub fn v1_page<T>(input: &Input<'_>, items: Vec<T>, id_of: impl Fn(&T) -> &str, bad: impl Fn() -> ApiError) -> ApiResult<Vec<T>> {
    let (marker, limit) = v1_marker_limit(input, &bad)?;
    let page = MarkerPage { marker: marker.map(String::from), limit: Some(limit), reverse: false };
    page_by_marker(items, &page, id_of).map_err(|()| bad())
}

/// VPC v1's marker (empty is none) and limit, for a facade that reads the
/// page from the store itself; a bad limit is `bad`.
pub fn v1_marker_limit<'a>(input: &Input<'a>, bad: impl Fn() -> ApiError) -> ApiResult<(Option<&'a str>, usize)> {
    let limit = otc_limit(input.query.get("limit")).map_err(|()| bad())?;
    Ok((input.query.get("marker").filter(|m| !m.is_empty()), limit))
}

/// The `limit` VPC v1 and v3 document: 0-2000, where 0 or none means 2000.
fn otc_limit(raw: Option<&str>) -> Result<usize, ()> {
    match raw {
        None | Some("") => Ok(MAX_PAGE),
        Some(raw) => match raw.parse::<usize>() {
            Ok(0) => Ok(MAX_PAGE),
            Ok(n) if n <= MAX_PAGE => Ok(n),
            _ => Err(()),
        },
    }
}

/// VPC v3 lists: repeated filters, `limit` 0-2000 and `marker`, and
/// `page_info` with `previous_marker`, `current_count` and (when more
/// follow) `next_marker`.
pub fn v3_page(input: &Input<'_>, items: Vec<Value>, bad: impl Fn(String) -> ApiError) -> ApiResult<(Vec<Value>, Value)> {
    v3_page_query(input.query, items, bad)
}

/// [`v3_page`] over a query the facade has rewritten (normalised values,
/// filters it handled itself left out).
pub fn v3_page_query(q: &Query, items: Vec<Value>, bad: impl Fn(String) -> ApiError) -> ApiResult<(Vec<Value>, Value)> {
    let items: Vec<Value> = items.into_iter().filter(|i| neutron_matches(i, q)).collect();
    let raw_limit = q.get("limit");
    let limit = otc_limit(raw_limit)
        .map_err(|()| bad(format!("Invalid limit {}: it must be an integer from 0 to 2000.", raw_limit.unwrap_or(""))))?;
    let marker = q.get("marker").filter(|m| !m.is_empty());
    // One more than a page tells whether another follows.
    let page = MarkerPage { marker: marker.map(String::from), limit: Some(limit + 1), reverse: false };
    let mut items = page_by_marker(items, &page, |i| i["id"].as_str().unwrap_or(""))
        .map_err(|()| bad(format!("Invalid marker {}.", marker.unwrap_or(""))))?;
    let more = items.len() > limit;
    items.truncate(limit);
    let mut info = Map::new();
    if let Some(first) = items.first() {
        info.insert("previous_marker".into(), first["id"].clone());
    }
    info.insert("current_count".into(), json!(items.len()));
    if more {
        if let Some(last) = items.last() {
            info.insert("next_marker".into(), last["id"].clone());
        }
    }
    let fields = q.all("fields");
    if !fields.is_empty() {
        items = items.into_iter().map(|i| project_fields(i, &fields)).collect();
    }
    Ok((items, Value::Object(info)))
}
