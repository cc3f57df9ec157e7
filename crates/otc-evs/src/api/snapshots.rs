//! Cinder v2/v3 snapshots and their metadata.

use super::cinder::{answer, empty, meta_item, microversion};
use super::listing::{self, Page};
use super::*;
use crate::errors::cinder_not_found;
use crate::model::snapshots::SnapshotSpec;
use crate::model::Snapshot;
use crate::Evs;
use otc_core::api::Reply;
use serde_json::json;

pub(crate) const SNAPSHOT_SORT_KEYS: [&str; 6] = ["created_at", "id", "status", "size", "name", "updated_at"];

/// A snapshot creation's members.
pub(crate) fn snapshot_spec(input: &Input<'_>, fam: Fam) -> ApiResult<SnapshotSpec> {
    let o = object(input, fam)?;
    let s = member(&o, "snapshot", fam)?;
    let volume_id = opt_str(s, "volume_id", fam)?.ok_or_else(|| fam.bad(Why::Body, "Invalid input received: volume_id is required."))?;
    let name = match opt_str(s, "name", fam)? {
        Some(n) => Some(n),
        None => opt_str(s, "display_name", fam)?,
    };
    let description = match opt_str(s, "description", fam)? {
        Some(d) => Some(d),
        None => opt_str(s, "display_description", fam)?,
    };
    let force = opt_bool(s, "force", fam)?.unwrap_or(false);
    let metadata = opt_metadata(s, "metadata", fam)?.unwrap_or_default();
    Ok(SnapshotSpec { volume_id, name, description, force, metadata })
}

/// `name`/`description` of a snapshot update.
pub(crate) fn snapshot_change(input: &Input<'_>, fam: Fam) -> ApiResult<(Option<String>, Option<String>)> {
    let o = object(input, fam)?;
    let s = member(&o, "snapshot", fam)?;
    let name = match opt_str(s, "name", fam)? {
        Some(n) => Some(n),
        None => opt_str(s, "display_name", fam)?,
    };
    let description = match opt_str(s, "description", fam)? {
        Some(d) => Some(d),
        None => opt_str(s, "display_description", fam)?,
    };
    Ok((name, description))
}

/// The documented snapshot filters: `name`, `status`, `volume_id`.
pub(crate) fn filter_snapshots(input: &Input<'_>, snaps: Vec<Snapshot>) -> Vec<Snapshot> {
    let q = input.query;
    let (name, status, volume) = (q.get("name"), q.get("status"), q.get("volume_id"));
    snaps
        .into_iter()
        .filter(|s| name.is_none_or(|n| s.name.as_deref() == Some(n)))
        .filter(|s| status.is_none_or(|st| s.status == st))
        .filter(|s| volume.is_none_or(|v| s.volume_id == v))
        .collect()
}

impl Evs {
    pub fn create_snapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let spec = snapshot_spec(input, Fam::Cinder)?;
        let s = self.cinder_run(input, |d| d.create_snapshot(spec))?;
        answer(202, &json!({"snapshot": self.view(input, api, mv).snapshot(&s, true)}), api, mv)
    }

    fn snapshot_list(&self, input: &Input<'_>, api: Api, detail: bool) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let page: Page = listing::page(input, Fam::Cinder, &SNAPSHOT_SORT_KEYS)?;
        let snaps = filter_snapshots(input, self.cinder_run(input, |d| d.snapshots())?);
        let (snaps, more) = listing::apply(snaps, &page, Fam::Cinder)?;
        let view = self.view(input, api, mv);
        let mut body = json!({"snapshots": snaps.iter().map(|s| view.snapshot(s, detail)).collect::<Vec<_>>()});
        let path = if detail { "snapshots/detail" } else { "snapshots" };
        if let Some(links) = listing::next_links(&view, path, &snaps, &page, more) {
            body["snapshots_links"] = links;
        }
        answer(200, &body, api, mv)
    }

    pub fn list_snapshots(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.snapshot_list(input, api, false)
    }

    pub fn list_snapshots_detail(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.snapshot_list(input, api, true)
    }

    pub fn show_snapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("snapshot_id").to_string();
        let s = self.cinder_run(input, |d| d.snapshot(&id))?;
        answer(200, &json!({"snapshot": self.view(input, api, mv).snapshot(&s, true)}), api, mv)
    }

    pub fn update_snapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (name, description) = snapshot_change(input, Fam::Cinder)?;
        let id = input.param("snapshot_id").to_string();
        let s = self.cinder_run(input, |d| d.update_snapshot(&id, name, description))?;
        answer(200, &json!({"snapshot": self.view(input, api, mv).snapshot(&s, true)}), api, mv)
    }

    pub fn delete_snapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("snapshot_id").to_string();
        self.cinder_run(input, |d| d.delete_snapshot(&id))?;
        empty(202, api, mv)
    }

    pub fn snapshot_metadata(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("snapshot_id").to_string();
        let s = self.cinder_run(input, |d| d.snapshot(&id))?;
        answer(200, &json!({"metadata": s.metadata}), api, mv)
    }

    fn write_snapshot_metadata(&self, input: &Input<'_>, api: Api, replace: bool) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let m = metadata(member(&object(input, Fam::Cinder)?, "metadata", Fam::Cinder)?, Fam::Cinder)?;
        let id = input.param("snapshot_id").to_string();
        let all = self.cinder_run(input, |d| d.set_snapshot_metadata(&id, m, replace))?;
        answer(200, &json!({"metadata": all}), api, mv)
    }

    pub fn add_snapshot_metadata(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.write_snapshot_metadata(input, api, false)
    }

    pub fn replace_snapshot_metadata(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.write_snapshot_metadata(input, api, true)
    }

    pub fn snapshot_metadata_key(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (id, key) = (input.param("snapshot_id").to_string(), input.param("key").to_string());
        let s = self.cinder_run(input, |d| d.snapshot(&id))?;
        match s.metadata.get(&key) {
            Some(v) => answer(200, &json!({"meta": {key: v}}), api, mv),
            None => Err(cinder_not_found(format!("Snapshot {id} has no metadata with key {key}."))),
        }
    }

    pub fn put_snapshot_metadata_key(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (id, key) = (input.param("snapshot_id").to_string(), input.param("key").to_string());
        let one = meta_item(input, &key)?;
        self.cinder_run(input, |d| d.set_snapshot_metadata(&id, one.clone(), false))?;
        answer(200, &json!({"meta": one}), api, mv)
    }

    pub fn delete_snapshot_metadata_key(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let (id, key) = (input.param("snapshot_id").to_string(), input.param("key").to_string());
        self.cinder_run(input, |d| d.delete_snapshot_metadata(&id, &key))?;
        empty(200, api, mv)
    }
}
