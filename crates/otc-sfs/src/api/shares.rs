//! Shares: create, list (summary and detail), show, update, delete, and
//! their export locations. The detail view follows Manila's
//! `views/shares.py`: fields appear and disappear by microversion
//! (`export_location(s)` before 2.9, `share_type` an id from 2.6,
//! `access_rules_status` from 2.10, `user_id` from 2.16, ...).

use super::version::{self, Mv};
use super::{opt_bool, opt_int_like, opt_object, opt_str, py, reply};
use crate::errors::{bad_request, invalid_input, no_such_resource, not_found, unprocessable};
use crate::model::shares::{check_size, NewShare, ShareChange};
use crate::model::{host, rules_status, share_type_id, AccessRule, Share, SHARE_TYPE_NAME};
use crate::Sfs;
use otc_core::api::{Input, Reply};
use otc_core::body::Obj;
use otc_core::time::iso_micros;
use otc_core::ApiResult;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Manila's display fields' limit (`DB_DISPLAY_FIELDS_MAX_LENGTH`).
const MAX_DISPLAY: usize = 255;

/// Manila's times: microseconds, no zone (`2018-12-25T08:45:22.525899`).
pub fn time(t: otc_core::time::Timestamp) -> String {
    iso_micros(t).trim_end_matches('Z').to_string()
}

fn links(input: &Input<'_>, id: &str) -> Value {
    let (base, pid) = (input.base_url, input.param("project_id"));
    json!([
        {"href": format!("{base}/sfs/v2/{pid}/shares/{id}"), "rel": "self"},
        {"href": format!("{base}/sfs/{pid}/shares/{id}"), "rel": "bookmark"},
    ])
}

/// What a listing or detail needs besides the share.
pub struct Seen<'s, 'i> {
    pub input: &'s Input<'i>,
    pub mv: Mv,
    pub region: &'s str,
}

pub fn summary(seen: &Seen<'_, '_>, s: &Share) -> Value {
    json!({"id": s.id, "name": s.name, "links": links(seen.input, &s.id)})
}

pub fn detail(seen: &Seen<'_, '_>, s: &Share, rules: &[AccessRule]) -> Value {
    let (mv, region) = (seen.mv, seen.region);
    let mut metadata: Map<String, Value> = s.metadata.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    metadata.insert("share_used".into(), json!("0"));
    let path = s.exported().then(|| s.export_path(region));
    let mut d = json!({
        "id": s.id,
        "size": s.size,
        "availability_zone": s.availability_zone,
        "created_at": time(s.created_at),
        "status": s.status,
        "name": s.name,
        "description": s.description,
        "project_id": s.project_id,
        "snapshot_id": null,
        "share_network_id": null,
        "share_proto": s.share_proto,
        "metadata": metadata,
        "share_type": SHARE_TYPE_NAME,
        "volume_type": SHARE_TYPE_NAME,
        "links": links(seen.input, &s.id),
        "is_public": s.is_public,
        // Shown to project users on OTC, though the reference calls
        // them administrators' fields.
        "share_server_id": null,
        "host": host(region),
    });
    let o = d.as_object_mut().expect("object");
    if !mv.at_least(9) {
        o.insert("export_location".into(), json!(path));
        o.insert("export_locations".into(), json!(path.iter().collect::<Vec<_>>()));
    }
    if mv.at_least(2) {
        o.insert("snapshot_support".into(), json!(true));
    }
    if mv.at_least(5) {
        o.insert("task_state".into(), Value::Null);
    }
    if mv.at_least(6) {
        o.insert("share_type".into(), json!(share_type_id(region)));
        o.insert("share_type_name".into(), json!(SHARE_TYPE_NAME));
    }
    if mv.at_least(10) {
        let st = rules_status(rules);
        // Before 2.28 a syncing share was "out_of_sync".
        let st = if st == "syncing" && !mv.at_least(28) { "out_of_sync" } else { st };
        o.insert("access_rules_status".into(), json!(st));
    }
    if mv.at_least(11) {
        o.insert("replication_type".into(), Value::Null);
        o.insert("has_replicas".into(), json!(false));
    }
    if mv.at_least(16) {
        o.insert("user_id".into(), json!(s.user_id));
    }
    if mv.at_least(24) {
        o.insert("create_share_from_snapshot_support".into(), Value::Null);
    }
    if mv.at_least(27) {
        o.insert("revert_to_snapshot_support".into(), Value::Null);
    }
    if mv.at_least(31) {
        o.insert("share_group_id".into(), Value::Null);
        o.insert("source_share_group_snapshot_member_id".into(), Value::Null);
    }
    if mv.at_least(32) {
        o.insert("mount_snapshot_support".into(), Value::Null);
    }
    d
}

fn region(input: &Input<'_>) -> ApiResult<String> {
    Ok(input.ctx()?.region.clone().unwrap_or_else(|| "eu-de".into()))
}

/// A display field: a string of at most 255 characters (Manila's
/// `check_display_field_length`, which names the field as given).
fn display(o: &Obj, key: &str, label: &str) -> ApiResult<Option<String>> {
    let v = opt_str(o, key)?;
    if v.is_some_and(|v| v.chars().count() > MAX_DISPLAY) {
        return Err(invalid_input(format!("{label} can only be {MAX_DISPLAY} characters long")));
    }
    Ok(v.map(str::to_string))
}

/// Keys OTC keeps for itself in share metadata: `share_used` and any
/// `#sfs` key but the three that ask for encryption.
fn reserved(key: &str) -> bool {
    key == "share_used" || (key.starts_with("#sfs") && !["#sfs_crypt_key_id", "#sfs_crypt_domain_id", "#sfs_crypt_alias"].contains(&key))
}

/// `metadata`: strings to strings, Manila's `check_metadata_properties`.
fn metadata(o: &Obj) -> ApiResult<BTreeMap<String, String>> {
    let Some(m) = opt_object(o, "metadata")? else { return Ok(BTreeMap::new()) };
    let mut out = BTreeMap::new();
    for (k, v) in m {
        let Value::String(v) = v else {
            return Err(invalid_input(format!("metadata value of {k} must be a string")));
        };
        if k.is_empty() {
            return Err(bad_request("Metadata property key is blank."));
        }
        if k.chars().count() > 255 {
            return Err(bad_request("Metadata property key is greater than 255 characters."));
        }
        if v.is_empty() {
            return Err(bad_request("Metadata property value is blank."));
        }
        if v.chars().count() > 1023 {
            return Err(bad_request("Metadata property value is greater than 1023 characters."));
        }
        if reserved(k) {
            return Err(invalid_input(format!("metadata key {k} is reserved for the system")));
        }
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

/// A query value that must be an integer (`limit`, `offset`).
fn query_int(input: &Input<'_>, key: &str) -> ApiResult<Option<usize>> {
    let Some(raw) = input.query.get(key) else { return Ok(None) };
    let n: i128 = raw.trim().parse().map_err(|_| bad_request(format!("{key} param must be an integer")))?;
    if n < 0 {
        return Err(bad_request(format!("{key} param must be positive")));
    }
    Ok(Some(n.min(usize::MAX as i128) as usize))
}

/// oslo's `bool_from_string(strict=True)`.
fn strict_bool(key: &str, raw: &str) -> ApiResult<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Ok(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Ok(false),
        _ => Err(invalid_input(format!(
            "Unrecognized value '{raw}' for {key}, acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
        ))),
    }
}

/// The `metadata` filter: a dictionary of strings, which Manila reads as
/// a Python literal (`{'k': 'v'}`); JSON's spelling is taken too.
fn metadata_filter(raw: &str) -> ApiResult<BTreeMap<String, String>> {
    let wrong = || invalid_input(format!("Wrong metadata filter provided: {raw}"));
    let json_like = raw.replace('\'', "\"");
    let v: Value = serde_json::from_str(&json_like).map_err(|_| wrong())?;
    let Value::Object(m) = v else { return Err(wrong()) };
    m.into_iter().map(|(k, v)| v.as_str().map(|v| (k, v.to_string())).ok_or_else(wrong)).collect()
}

const SORT_KEYS: &[&str] = &[
    "id",
    "status",
    "size",
    "host",
    "share_proto",
    "availability_zone_id",
    "availability_zone",
    "user_id",
    "project_id",
    "created_at",
    "updated_at",
    "display_name",
    "name",
    "share_type_id",
    "share_network_id",
    "snapshot_id",
    "display_description",
    "is_public",
];

fn sort_value(s: &Share, key: &str) -> (i64, String) {
    match key {
        "size" => (s.size, String::new()),
        "status" => (0, s.status.clone()),
        "share_proto" => (0, s.share_proto.clone()),
        "availability_zone_id" | "availability_zone" => (0, s.availability_zone.clone()),
        "user_id" => (0, s.user_id.clone()),
        "project_id" => (0, s.project_id.clone()),
        "updated_at" => (s.updated_at.timestamp_micros(), String::new()),
        "display_name" | "name" => (0, s.name.clone().unwrap_or_default()),
        "display_description" => (0, s.description.clone().unwrap_or_default()),
        "is_public" => (s.is_public as i64, String::new()),
        "id" => (0, s.id.clone()),
        // One host, type, network and snapshot for all: creation decides.
        _ => (s.created_at.timestamp_micros(), String::new()),
    }
}

impl Sfs {
    pub fn create_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let body: Value = input.json()?;
        let Some(share) = body.get("share").and_then(Value::as_object) else {
            return Err(unprocessable());
        };
        let share_proto = match share.get("share_proto") {
            Some(Value::String(p)) => p.to_ascii_uppercase(),
            None | Some(Value::Null) => return Err(invalid_input("share_proto is required")),
            Some(v) => return Err(invalid_input(format!("share_proto must be a string, not {}", py(v)))),
        };
        let size = match opt_int_like(share, "size") {
            Ok(Some(n)) => n,
            Ok(None) => return Err(invalid_input("Share size 'None' must be an integer and greater than 0")),
            Err(v) => return Err(invalid_input(format!("Share size '{}' must be an integer and greater than 0", py(&v)))),
        };
        // Manila checks the names before anything else, then the size and
        // the protocol (share/api.py create).
        let name = display(share, "name", "name")?;
        let description = display(share, "description", "description")?;
        let availability_zone = display(share, "availability_zone", "availability_zone")?;
        let is_public = opt_bool(share, "is_public")?.unwrap_or(false);
        let metadata = metadata(share)?;
        if let Some(net) = opt_str(share, "share_network_id")? {
            return Err(not_found(format!("Share network {net} could not be found.")));
        }
        if let Some(snap) = opt_str(share, "snapshot_id")? {
            return Err(not_found(format!("Snapshot {snap} could not be found.")));
        }
        if let Some(group) = opt_str(share, "share_group_id")? {
            return Err(not_found(format!("Share group {group} could not be found.")));
        }
        let requested_type = (opt_str(share, "share_type")?, opt_str(share, "volume_type")?);
        if requested_type.0.is_some() && requested_type.1.is_some() {
            return Err(bad_request("Cannot specify both share_type and volume_type"));
        }
        let region = region(input)?;
        if let Some(t) = requested_type.0.or(requested_type.1) {
            if t != SHARE_TYPE_NAME && t != share_type_id(&region) {
                return Err(not_found("Share type not found."));
            }
        }
        check_size(size).map_err(|r| r.0)?;
        if share_proto != "NFS" {
            return Err(invalid_input(format!(
                "Invalid share protocol provided: {share_proto}. It is either disabled or unsupported. Available protocols: ['NFS']"
            )));
        }
        let spec = NewShare {
            // Manila drops an empty name or description.
            name: name.filter(|n| !n.is_empty()),
            description: description.filter(|d| !d.is_empty()),
            size,
            share_proto,
            availability_zone,
            is_public,
            metadata,
        };
        let share = self.call(input, |m| m.create_share(spec))?;
        let seen = Seen { input, mv, region: &region };
        reply(200, &json!({"share": detail(&seen, &share, &[])}), mv)
    }

    fn list(&self, input: &Input<'_>, detailed: bool) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let q = input.query;
        let limit = query_int(input, "limit")?;
        let offset = query_int(input, "offset")?.unwrap_or(0);
        let sort_key = q.get("sort_key").unwrap_or("created_at");
        let sort_dir = q.get("sort_dir").unwrap_or("desc");
        if !["asc", "desc"].contains(&sort_dir.to_ascii_lowercase().as_str()) {
            return Err(invalid_input(format!(
                "Wrong sorting data provided: sort key is '{sort_key}' and sort direction is '{sort_dir}'."
            )));
        }
        if !SORT_KEYS.contains(&sort_key) {
            return Err(invalid_input(format!("Wrong sorting key provided - '{sort_key}'.")));
        }
        let with_count = match q.get("with_count").filter(|_| mv.at_least(42)) {
            Some(raw) => strict_bool("with_count", raw)?,
            None => false,
        };
        if let Some(raw) = q.get("is_public") {
            strict_bool("is_public", raw)?;
        }
        let meta = q.get("metadata").map(metadata_filter).transpose()?;
        let (fuzzy, newer) = (mv.at_least(36), mv.at_least(35));
        let name = q.get("name");
        let name_like = q.get("name~").filter(|_| fuzzy).map(str::to_lowercase);
        let description = q.get("description").filter(|_| fuzzy);
        let description_like = q.get("description~").filter(|_| fuzzy).map(str::to_lowercase);
        let status = q.get("status");
        let el_id = q.get("export_location_id").filter(|_| newer);
        let el_path = q.get("export_location_path").filter(|_| newer);
        let region = region(input)?;

        let found = self.call(input, |m| {
            let mut out = Vec::new();
            for s in m.shares()? {
                let rules = if detailed { m.rules(&s.id)? } else { Vec::new() };
                out.push((s, rules));
            }
            Ok(out)
        })?;
        let mut found: Vec<(Share, Vec<AccessRule>)> = found
            .into_iter()
            .filter(|(s, _)| {
                let n = s.name.as_deref().unwrap_or("");
                let d = s.description.as_deref().unwrap_or("");
                status.is_none_or(|st| s.status == st)
                    && name.is_none_or(|x| n == x)
                    && name_like.as_ref().is_none_or(|x| n.to_lowercase().contains(x.as_str()))
                    && description.is_none_or(|x| d == x)
                    && description_like.as_ref().is_none_or(|x| d.to_lowercase().contains(x.as_str()))
                    && meta.as_ref().is_none_or(|m| m.iter().all(|(k, v)| s.metadata.get(k) == Some(v)))
                    && el_id.is_none_or(|x| s.exported() && s.export_location_id() == x)
                    && el_path.is_none_or(|x| s.exported() && s.export_path(&region) == x)
            })
            .collect();
        found.sort_by(|(a, _), (b, _)| sort_value(a, sort_key).cmp(&sort_value(b, sort_key)).then_with(|| a.id.cmp(&b.id)));
        if sort_dir.eq_ignore_ascii_case("desc") {
            found.reverse();
        }
        let total = found.len();
        // Manila continues after a `marker` only through its next links;
        // following one here goes on where the page ended.
        if let Some(m) = q.get("marker") {
            match found.iter().position(|(s, _)| s.id == m) {
                Some(i) => {
                    found.drain(..=i);
                }
                None => found.clear(),
            }
        }
        // Manila applies the offset only together with a limit.
        if let Some(l) = limit {
            found = found.into_iter().skip(offset).take(l).collect();
        }
        let seen = Seen { input, mv, region: &region };
        let items: Vec<Value> = found.iter().map(|(s, r)| if detailed { detail(&seen, s, r) } else { summary(&seen, s) }).collect();
        let mut body = json!({ "shares": items });
        if with_count {
            body["count"] = json!(total);
        }
        if let (Some(l), Some((last, _))) = (limit, found.last()) {
            if l > 0 && l == found.len() {
                let path = if detailed { "shares/detail" } else { "shares" };
                let mut params: Vec<(String, String)> = q.0.iter().filter(|(k, _)| k != "marker").cloned().collect();
                params.push(("marker".into(), last.id.clone()));
                let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
                let href = format!("{}/sfs/v2/{}/{path}?{query}", input.base_url, input.param("project_id"));
                body["shares_links"] = json!([{"rel": "next", "href": href}]);
            }
        }
        reply(200, &body, mv)
    }

    pub fn list_shares(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.list(input, false)
    }

    pub fn list_shares_detail(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.list(input, true)
    }

    pub fn show_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let id = input.param("share_id");
        let (share, rules) = self.call(input, |m| Ok((m.share(id)?, m.rules(id)?)))?;
        let region = region(input)?;
        let seen = Seen { input, mv, region: &region };
        reply(200, &json!({"share": detail(&seen, &share, &rules)}), mv)
    }

    pub fn update_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let body: Value = input.json()?;
        let Some(share) = body.get("share").and_then(Value::as_object) else {
            return Err(unprocessable());
        };
        // Only these keys are taken (others are ignored, as Manila does).
        let change = ShareChange {
            name: share.contains_key("display_name").then(|| display(share, "display_name", "display_name")).transpose()?,
            description: share
                .contains_key("display_description")
                .then(|| display(share, "display_description", "display_description"))
                .transpose()?,
            is_public: opt_bool(share, "is_public")?,
        };
        let id = input.param("share_id");
        let (share, rules) = self.call(input, |m| Ok((m.update_share(id, change)?, m.rules(id)?)))?;
        let region = region(input)?;
        let seen = Seen { input, mv, region: &region };
        reply(200, &json!({"share": detail(&seen, &share, &rules)}), mv)
    }

    pub fn delete_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        let id = input.param("share_id");
        self.call(input, |m| m.delete_share(id))?;
        super::empty(202, mv)
    }

    /// From 2.9 on; earlier versions show the paths in the share itself.
    pub fn export_locations(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mv = version::requested(input)?;
        if !mv.at_least(9) {
            return Err(no_such_resource());
        }
        let id = input.param("share_id");
        let share =
            self.call(input, |m| m.share(id))
                .map_err(|e| if e.status == 404 { not_found(format!("Share '{id}' not found.")) } else { e })?;
        let region = region(input)?;
        let mut items = Vec::new();
        if share.exported() {
            let mut el = json!({"id": share.export_location_id(), "path": share.export_path(&region)});
            if mv.at_least(14) {
                el["preferred"] = json!(false);
            }
            items.push(el);
        }
        reply(200, &json!({"export_locations": items}), mv)
    }
}
