//! Cinder v2/v3 volumes (`volumev2`, `volumev3`): create, list, show,
//! update, delete, the `action` endpoint (`os-extend`, `os-set_bootable`,
//! `os-update_readonly_flag`), metadata and v3's summary. v3 answers in
//! the microversion asked for (`OpenStack-API-Version: volume 3.x`, 3.0
//! to 3.50).

use super::listing::{self, Page};
use super::versions::{MAX_V3, MIN_V3};
use super::views::View;
use super::*;
use crate::errors::cinder_bad;
use crate::model::volumes::{Source, Volume, VolumeChange, VolumeSpec};
use crate::model::{Disks, ModelResult};
use crate::Evs;
use otc_core::api::Reply;
use serde_json::json;

/// The microversion of a request: `(2, 0)` on v2, else the header's
/// (`volume 3.x`, `latest`), 3.0 without one.
pub fn microversion(input: &Input<'_>, api: Api) -> ApiResult<(u32, u32)> {
    if api == Api::V2 {
        return Ok((2, 0));
    }
    let raw = input
        .header("openstack-api-version")
        .and_then(|h| h.split(',').map(str::trim).find_map(|p| p.strip_prefix("volume").map(|v| v.trim().to_string())));
    let Some(raw) = raw else { return Ok(MIN_V3) };
    if raw.eq_ignore_ascii_case("latest") {
        return Ok(MAX_V3);
    }
    let parsed = raw.split_once('.').and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
    match parsed {
        Some(v) if (MIN_V3..=MAX_V3).contains(&v) => Ok(v),
        Some(_) => {
            Err(ApiError::new(406, "EVS.5400", format!("Version {raw} is not supported by the API. Minimum is 3.0 and maximum is 3.50."))
                .with_kind("notAcceptable"))
        }
        None => Err(cinder_bad(format!("API Version String {raw} is of invalid format. Must be of format MajorNum.MinorNum."))),
    }
}

/// Adds the microversion headers Cinder answers v3 requests with.
pub fn versioned(reply: Reply, api: Api, mv: (u32, u32)) -> Reply {
    if api == Api::V2 {
        return reply;
    }
    reply.header("openstack-api-version", format!("volume {}.{}", mv.0, mv.1)).header("vary", "OpenStack-API-Version")
}

/// A JSON answer in the request's microversion.
pub fn answer(status: u16, body: &serde_json::Value, api: Api, mv: (u32, u32)) -> ApiResult<Reply> {
    Ok(versioned(Reply::json(status, body)?, api, mv))
}

/// An empty answer in the request's microversion.
pub fn empty(status: u16, api: Api, mv: (u32, u32)) -> ApiResult<Reply> {
    Ok(versioned(Reply::empty(status), api, mv))
}

/// The ids a create names, read as both families accept them.
pub(crate) fn volume_spec(evs: &Evs, o: &Obj, fam: Fam) -> ApiResult<VolumeSpec> {
    let name = match opt_str(o, "name", fam)? {
        Some(n) => Some(n),
        None => opt_str(o, "display_name", fam)?,
    };
    let description = match opt_str(o, "description", fam)? {
        Some(d) => Some(d),
        None => opt_str(o, "display_description", fam)?,
    };
    let size = opt_size(o, "size", fam)?;
    let availability_zone = opt_str(o, "availability_zone", fam)?;
    let volume_type = opt_str(o, "volume_type", fam)?;
    let image = opt_str(o, "imageRef", fam)?;
    let snapshot = opt_str(o, "snapshot_id", fam)?;
    let backup = opt_str(o, "backup_id", fam)?;
    let clone = match opt_str(o, "source_volid", fam)? {
        Some(c) => Some(c),
        None => opt_str(o, "source_replica", fam)?,
    };
    opt_str(o, "consistencygroup_id", fam)?;
    let multiattach = match opt_bool(o, "multiattach", fam)? {
        Some(m) => m,
        None => match o.get("shareable") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
            Some(_) => return Err(fam.bad(Why::Body, "invalid shareable parameter!")),
        },
    };
    let metadata = opt_metadata(o, "metadata", fam)?.unwrap_or_default();
    let count = match opt_int(o, "count", fam)? {
        None => 1,
        Some(n) if (1..=100).contains(&n) => n as u32,
        Some(n) => return Err(fam.bad(Why::Count, &format!("Invalid input received: count must be 1 to 100, not {n}."))),
    };
    let tags = match opt_object(o, "tags", fam)? {
        Some(t) => metadata_tags(t, fam)?,
        None => Metadata::new(),
    };
    if [image.is_some(), snapshot.is_some(), backup.is_some(), clone.is_some()].iter().filter(|x| **x).count() > 1 {
        return Err(
            fam.bad(Why::Sources, "Invalid input received: May specify only one of imageRef, snapshot_id, backup_id, source_volid.")
        );
    }
    if let Some(b) = backup {
        return Err(fam.bad(Why::Unsupported, &format!("Invalid input received: backup {b} cannot be restored: backups are not emulated.")));
    }
    if clone.is_some() {
        return Err(fam.bad(Why::Unsupported, "Invalid input received: cloning a volume (source_volid) is not supported."));
    }
    let source = match (image, snapshot) {
        (Some(i), _) => Source::Image(
            evs.image(&i)
                .ok_or_else(|| fam.bad(Why::Image, &format!("Invalid image identifier or unable to access requested image {i}.")))?,
        ),
        (None, Some(s)) => Source::Snapshot(s),
        (None, None) => Source::Empty,
    };
    Ok(VolumeSpec { name, description, size, volume_type, availability_zone, source, multiattach, metadata, tags, count })
}

/// Tags given as an object of strings.
fn metadata_tags(o: &Obj, fam: Fam) -> ApiResult<Metadata> {
    o.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            _ => Err(fam.bad(Why::Tag, &format!("invalid tag! The value of {k} must be a string."))),
        })
        .collect()
}

/// The volume filters both families document (`name`, `status`,
/// `availability_zone`, `metadata`), and the native ones when `native`.
pub(crate) fn filter_volumes(input: &Input<'_>, fam: Fam, vols: Vec<Volume>, native: bool) -> ApiResult<Vec<Volume>> {
    let q = input.query;
    let name = q.get("name");
    let status = q.get("status");
    let zone = q.get("availability_zone");
    let meta = q.get("metadata").filter(|m| !m.is_empty()).map(|m| listing::metadata_filter(m, fam)).transpose()?;
    let bootable = q.get("bootable").map(|b| b.eq_ignore_ascii_case("true"));
    let mut vols: Vec<Volume> = vols
        .into_iter()
        .filter(|v| name.is_none_or(|n| v.name.as_deref() == Some(n)))
        .filter(|v| status.is_none_or(|s| v.status == s))
        .filter(|v| zone.is_none_or(|z| v.availability_zone == z))
        .filter(|v| meta.as_ref().is_none_or(|m| m.iter().all(|(k, val)| v.metadata.get(k) == Some(val))))
        .filter(|v| bootable.is_none_or(|b| v.bootable == b))
        .collect();
    if native {
        let multiattach = q.get("multiattach").map(|m| m.eq_ignore_ascii_case("true"));
        if let Some(t) = q.get("service_type").filter(|t| !t.eq_ignore_ascii_case("EVS")) {
            return Err(fam.bad(Why::Body, &format!("invalid service_type {t:?}: only EVS is supported.")));
        }
        let type_id = q.get("volume_type_id");
        let server = q.get("server_id");
        let ids: Option<Vec<String>> = match q.get("ids") {
            Some(raw) => Some(
                raw.trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .map(|s| s.trim().trim_matches('\'').trim_matches('"').to_string())
                    .collect(),
            ),
            None => q.get("id").map(|i| vec![i.to_string()]),
        };
        vols.retain(|v| {
            multiattach.is_none_or(|m| v.multiattach == m)
                && type_id.is_none_or(|t| crate::model::types::find(&v.volume_type).is_some_and(|vt| vt.id == t))
                && server.is_none_or(|s| v.attachments.iter().any(|a| a.server_id == s))
                && ids.as_ref().is_none_or(|ids| ids.contains(&v.id))
        });
    }
    Ok(vols)
}

/// The sort keys of volume lists.
pub(crate) const VOLUME_SORT_KEYS: [&str; 6] = ["created_at", "id", "status", "size", "name", "updated_at"];

impl Evs {
    /// Runs `f` for the caller, in Cinder's words.
    pub(crate) fn cinder_run<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Disks<'_>) -> ModelResult<R>) -> ApiResult<R> {
        self.run(input.ctx()?, f).map_err(cinder)
    }

    pub(crate) fn view<'a>(&self, input: &'a Input<'_>, api: Api, mv: (u32, u32)) -> View<'a> {
        View { base: input.base_url, api, pid: input.param("project_id"), mv }
    }

    pub fn create_volume(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let o = object(input, Fam::Cinder)?;
        let spec = volume_spec(self, member(&o, "volume", Fam::Cinder)?, Fam::Cinder)?;
        let v = self.cinder_run(input, |d| d.create_volumes(spec))?.remove(0);
        answer(202, &json!({"volume": self.view(input, api, mv).volume(&v)}), api, mv)
    }

    fn list(&self, input: &Input<'_>, api: Api, detail: bool) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let page: Page = listing::page(input, Fam::Cinder, &VOLUME_SORT_KEYS)?;
        let vols = self.cinder_run(input, |d| d.volumes())?;
        let vols = filter_volumes(input, Fam::Cinder, vols, false)?;
        let (vols, more) = listing::apply(vols, &page, Fam::Cinder)?;
        let view = self.view(input, api, mv);
        let items: Vec<Value> = vols.iter().map(|v| if detail { view.volume(v) } else { view.volume_brief(v) }).collect();
        let mut body = json!({"volumes": items});
        let path = if detail { "volumes/detail" } else { "volumes" };
        if let Some(links) = listing::next_links(&view, path, &vols, &page, more) {
            body["volumes_links"] = links;
        }
        answer(200, &body, api, mv)
    }

    pub fn list_volumes(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.list(input, api, false)
    }

    pub fn list_volumes_detail(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.list(input, api, true)
    }

    pub fn show_volume(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("volume_id").to_string();
        let v = self.cinder_run(input, |d| d.volume(&id))?;
        answer(200, &json!({"volume": self.view(input, api, mv).volume(&v)}), api, mv)
    }

    pub fn update_volume(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let ch = volume_change(input, Fam::Cinder)?;
        let id = input.param("volume_id").to_string();
        let v = self.cinder_run(input, |d| d.update_volume(&id, ch))?;
        answer(200, &json!({"volume": self.view(input, api, mv).volume(&v)}), api, mv)
    }

    pub fn delete_volume(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let cascade = query_flag(input, "cascade", Fam::Cinder)?;
        query_flag(input, "force", Fam::Cinder)?;
        let id = input.param("volume_id").to_string();
        self.cinder_run(input, |d| d.delete_volume(&id, cascade))?;
        empty(202, api, mv)
    }

    /// `POST /volumes/{volume_id}/action`: one action per request.
    pub fn volume_action(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let fam = Fam::Cinder;
        let o = object(input, fam)?;
        let id = input.param("volume_id").to_string();
        let Some((action, _)) = o.iter().next().filter(|_| o.len() == 1) else {
            return Err(cinder_bad("Invalid request body: exactly one action is expected."));
        };
        match action.as_str() {
            "os-extend" => {
                let a = member(&o, "os-extend", fam)?;
                let size = opt_int(a, "new_size", fam)?.ok_or_else(|| cinder_bad("Invalid input received: new_size is required."))?;
                self.cinder_run(input, |d| d.extend_volume(&id, size))?;
                empty(202, api, mv)
            }
            "os-set_bootable" => {
                let a = member(&o, "os-set_bootable", fam)?;
                let b = opt_bool(a, "bootable", fam)?.ok_or_else(|| cinder_bad("Invalid input received: bootable is required."))?;
                self.cinder_run(input, |d| d.set_bootable(&id, b))?;
                empty(200, api, mv)
            }
            "os-update_readonly_flag" => {
                let a = member(&o, "os-update_readonly_flag", fam)?;
                let r = opt_bool(a, "readonly", fam)?.ok_or_else(|| cinder_bad("Invalid input received: readonly is required."))?;
                self.cinder_run(input, |d| d.set_readonly(&id, r))?;
                empty(202, api, mv)
            }
            "os-reset_status" | "os-force_delete" | "os-force_detach" | "os-migrate_volume" | "os-unmanage" => {
                self.cinder_run(input, |d| d.volume(&id))?;
                Err(ApiError::new(
                    403,
                    "EVS.5403",
                    format!("Policy doesn't allow volume_extension:volume_admin_actions:{action} to be performed."),
                )
                .with_kind("forbidden"))
            }
            "os-attach"
            | "os-detach"
            | "os-reserve"
            | "os-unreserve"
            | "os-begin_detaching"
            | "os-roll_detaching"
            | "os-initialize_connection"
            | "os-terminate_connection" => {
                self.cinder_run(input, |d| d.volume(&id))?;
                Err(cinder_bad(format!("Invalid volume: {action} is not available: attach and detach volumes through the compute API.")))
            }
            // Documented, not performed: the image would be an IMS private
            // image, and the image catalogue is configuration (no private
            // images, no IMS create or delete). The gateway's honest "no
            // such API", never a pretend success or a made-up refusal.
            "os-volume_upload_image" => Err(ApiError::unknown_api()),
            other => Err(cinder_bad(format!("There is no such action: {other}"))),
        }
    }

    pub fn volume_summary(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let vols = self.cinder_run(input, |d| d.volumes())?;
        let mut s = json!({"total_size": vols.iter().map(|v| v.size as u64).sum::<u64>(), "total_count": vols.len()});
        if mv >= (3, 36) {
            let mut meta: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for v in &vols {
                for (k, val) in &v.metadata {
                    let e = meta.entry(k.clone()).or_default();
                    if !e.contains(val) {
                        e.push(val.clone());
                    }
                }
            }
            s["metadata"] = json!(meta);
        }
        answer(200, &json!({"volume-summary": s}), api, mv)
    }

    // --- metadata ----------------------------------------------------------------

    pub fn volume_metadata(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("volume_id").to_string();
        let v = self.cinder_run(input, |d| d.volume(&id))?;
        answer(200, &json!({"metadata": v.metadata}), api, mv)
    }

    fn write_metadata(&self, input: &Input<'_>, api: Api, replace: bool) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let m = metadata(member(&object(input, Fam::Cinder)?, "metadata", Fam::Cinder)?, Fam::Cinder)?;
        let id = input.param("volume_id").to_string();
        let all = self.cinder_run(input, |d| d.set_volume_metadata(&id, m, replace))?;
        answer(200, &json!({"metadata": all}), api, mv)
    }

    pub fn add_volume_metadata(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.write_metadata(input, api, false)
    }

    pub fn replace_volume_metadata(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.write_metadata(input, api, true)
    }

    pub fn volume_metadata_key(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (id, key) = (input.param("volume_id").to_string(), input.param("key").to_string());
        let v = self.cinder_run(input, |d| d.volume(&id))?;
        match v.metadata.get(&key) {
            Some(val) => answer(200, &json!({"meta": {key: val}}), api, mv),
            None => Err(crate::errors::cinder_not_found(format!("Volume {id} has no metadata with key {key}."))),
        }
    }

    pub fn put_volume_metadata_key(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (id, key) = (input.param("volume_id").to_string(), input.param("key").to_string());
        let one = meta_item(input, &key)?;
        self.cinder_run(input, |d| d.set_volume_metadata(&id, one.clone(), false))?;
        answer(200, &json!({"meta": one}), api, mv)
    }

    pub fn delete_volume_metadata_key(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (id, key) = (input.param("volume_id").to_string(), input.param("key").to_string());
        self.cinder_run(input, |d| d.delete_volume_metadata(&id, &key))?;
        empty(200, api, mv)
    }
}

/// A volume update's members (`name`/`display_name`, `description`/
/// `display_description`, `metadata`).
pub(crate) fn volume_change(input: &Input<'_>, fam: Fam) -> ApiResult<VolumeChange> {
    let o = object(input, fam)?;
    let v = member(&o, "volume", fam)?;
    let name = match opt_str(v, "name", fam)? {
        Some(n) => Some(n),
        None => opt_str(v, "display_name", fam)?,
    };
    let description = match opt_str(v, "description", fam)? {
        Some(d) => Some(d),
        None => opt_str(v, "display_description", fam)?,
    };
    Ok(VolumeChange { name, description, metadata: opt_metadata(v, "metadata", fam)? })
}

/// `{"meta": {key: value}}` for the key of the path.
pub(crate) fn meta_item(input: &Input<'_>, key: &str) -> ApiResult<Metadata> {
    let o = object(input, Fam::Cinder)?;
    let m = metadata(member(&o, "meta", Fam::Cinder)?, Fam::Cinder)?;
    if m.len() > 1 {
        return Err(cinder_bad("Request body contains too many items."));
    }
    if !m.contains_key(key) {
        return Err(cinder_bad("Request body and URI mismatch"));
    }
    Ok(m)
}
