//! The EVS native API (`evs/apis_recommended/*`, `evs/unrecommended_apis/
//! api/*`): `cloudvolumes` (create, extend and delete hand back a job),
//! `os-vendor-volumes` (detail, tags, lazy-loading progress, search by
//! tag), `os-vendor-tags`, `cloudsnapshots`, retype and the jobs. Errors
//! are `{"error": {"code": "EVS.xxxx", "message"}}`.

use super::cinder::{filter_volumes, volume_change, volume_spec, VOLUME_SORT_KEYS};
use super::listing::{self, Page};
use super::snapshots::{filter_snapshots, snapshot_change, snapshot_spec, SNAPSHOT_SORT_KEYS};
use super::views::View;
use super::*;
use crate::model::jobs::{job_time, Job, JobKind};
use crate::model::volumes::Volume;
use crate::model::{Disks, ModelResult};
use crate::{Evs, EvsJobs};
use otc_core::api::Reply;
use serde_json::json;

const FAM: Fam = Fam::Native;

/// A job as `GET /v1/{project_id}/jobs/{job_id}` shows it.
pub fn job_json(job: &Job, now: otc_core::time::Timestamp) -> Value {
    let view = job.view(now);
    let entity =
        |v: &crate::model::jobs::JobVolume| json!({"volume_id": v.volume_id, "name": v.name, "size": v.size, "volume_type": v.volume_type});
    let entities = if job.volumes.len() == 1 {
        entity(&job.volumes[0])
    } else {
        let subs: Vec<Value> = job
            .volumes
            .iter()
            .map(|v| {
                json!({"status": view.status, "entities": entity(v), "job_id": v.job_id, "job_type": job.sub_job_type(),
                    "begin_time": view.begin_time, "end_time": view.end_time, "error_code": null, "fail_reason": null})
            })
            .collect();
        json!({"sub_jobs": subs})
    };
    json!({
        "status": view.status,
        "entities": entities,
        "job_id": job.id,
        "job_type": job.job_type(),
        "begin_time": job_time(job.created_at),
        "end_time": view.end_time,
        "error_code": null,
        "fail_reason": null,
    })
}

impl Evs {
    /// Runs `f` for the caller, in the native API's words.
    pub(crate) fn native_run<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Disks<'_>) -> ModelResult<R>) -> ApiResult<R> {
        self.run(input.ctx()?, f).map_err(crate::errors::native)
    }

    fn native_view<'a>(&self, input: &'a Input<'_>, api: Api) -> View<'a> {
        self.view(input, api, (2, 0))
    }

    /// `POST /v2|v3/{project_id}/cloudvolumes`: 200 with the job.
    pub fn create_cloudvolumes(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let o = object(input, FAM)?;
        opt_object(&o, "bssParam", FAM)?;
        opt_object(&o, "OS-SCH-HNT:scheduler_hints", FAM)?;
        let v = member(&o, "volume", FAM)?;
        let spec = volume_spec(self, v, FAM)?;
        if spec.availability_zone.is_none() || spec.volume_type.is_none() {
            return Err(FAM.bad(Why::Required, "availability_zone and volume_type are required."));
        }
        let job = self.native_run(input, |d| {
            let vols = d.create_volumes(spec)?;
            d.submit_job(JobKind::Create, &vols)
        })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    fn cloudvolume_list(&self, input: &Input<'_>, api: Api, detail: bool) -> ApiResult<Reply> {
        let page: Page = listing::page(input, FAM, &VOLUME_SORT_KEYS)?;
        let vols = self.native_run(input, |d| d.volumes())?;
        let vols = filter_volumes(input, FAM, vols, true)?;
        let count = vols.len();
        let (vols, more) = listing::apply(vols, &page, FAM)?;
        let view = self.native_view(input, api);
        let items: Vec<Value> = vols.iter().map(|v| if detail { view.native_volume(v) } else { view.volume_brief(v) }).collect();
        let mut body = json!({"volumes": items});
        if detail {
            body["count"] = json!(count);
        }
        let path = if detail { "cloudvolumes/detail" } else { "cloudvolumes" };
        if let Some(links) = listing::next_links(&view, path, &vols, &page, more) {
            body["volumes_links"] = links;
        }
        Reply::json(200, &body)
    }

    pub fn list_cloudvolumes(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.cloudvolume_list(input, api, false)
    }

    pub fn list_cloudvolumes_detail(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.cloudvolume_list(input, api, true)
    }

    /// `PUT /v2/{project_id}/cloudvolumes/{volume_id}`: the volume, unwrapped
    /// as the reference's example shows it.
    pub fn update_cloudvolume(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let ch = volume_change(input, FAM)?;
        if ch.name.is_none() && ch.description.is_none() && ch.metadata.is_none() {
            return Err(FAM.bad(Why::NothingToUpdate, "name, description or metadata is required."));
        }
        let id = input.param("volume_id").to_string();
        let v = self.native_run(input, |d| d.update_volume(&id, ch))?;
        Reply::json(200, &self.native_view(input, api).native_volume(&v))
    }

    pub fn delete_cloudvolume(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let cascade = query_flag(input, "cascade", FAM)?;
        let id = input.param("volume_id").to_string();
        let job = self.native_run(input, |d| {
            let v = d.volume(&id)?;
            d.delete_volume(&id, cascade)?;
            d.submit_job(JobKind::Delete, &[v])
        })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    /// `POST /v2/{project_id}/cloudvolumes/{volume_id}/action`: `os-extend`.
    pub fn cloudvolume_action(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let o = object(input, FAM)?;
        opt_object(&o, "bssParam", FAM)?;
        let ext = member(&o, "os-extend", FAM)?;
        let size = opt_int(ext, "new_size", FAM)?.ok_or_else(|| FAM.bad(Why::ExtendSize, "new_size is required."))?;
        let id = input.param("volume_id").to_string();
        let job = self.native_run(input, |d| {
            let v = d.extend_volume(&id, size)?;
            d.submit_job(JobKind::Extend, &[v])
        })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    /// `POST /v2/{project_id}/volumes/{volume_id}/retype`: 202 with a job.
    pub fn retype_volume(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let o = object(input, FAM)?;
        opt_object(&o, "bssParam", FAM)?;
        let r = member(&o, "os-retype", FAM)?;
        let t = opt_str(r, "new_type", FAM)?.ok_or_else(|| FAM.bad(Why::VolumeType, "new_type is required."))?;
        let id = input.param("volume_id").to_string();
        let job = self.native_run(input, |d| {
            let v = d.retype_volume(&id, &t)?;
            d.submit_job(JobKind::Retype, &[v])
        })?;
        Reply::json(202, &json!({"job_id": job.id}))
    }

    pub fn show_vendor_volume(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let id = input.param("volume_id").to_string();
        let v = self.native_run(input, |d| d.volume(&id))?;
        Reply::json(200, &json!({"volume": self.native_view(input, api).native_volume(&v)}))
    }

    /// Lazy loading is not emulated: a volume has loaded once it is usable.
    pub fn volume_internal_info(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let id = input.param("volume_id").to_string();
        let v = self.native_run(input, |d| d.volume(&id))?;
        let progress = if matches!(v.status.as_str(), "creating" | "downloading") { 0 } else { 100 };
        Reply::json(200, &json!({"info": {"loading_progress": progress}}))
    }

    // --- tags --------------------------------------------------------------------

    pub fn volume_tags(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let id = input.param("volume_id").to_string();
        let v = self.native_run(input, |d| d.volume(&id))?;
        let tags: Vec<Value> = v.tags.iter().map(|(k, val)| json!({"key": k, "value": val})).collect();
        Reply::json(200, &json!({"tags": tags}))
    }

    /// `{"action": "create"|"delete", "tags": [{"key", "value"}]}` → 204.
    pub fn volume_tags_action(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let o = object(input, FAM)?;
        let create = match opt_str(&o, "action", FAM)?.as_deref() {
            Some("create") => true,
            Some("delete") => false,
            Some(other) => return Err(FAM.bad(Why::Body, &format!("invalid action {other:?}: must be create or delete."))),
            None => return Err(FAM.bad(Why::Body, "action is required.")),
        };
        let list = otc_core::body::opt_objects(&o, "tags")
            .map_err(|m| FAM.bad(Why::Tag, &m.to_string()))?
            .ok_or_else(|| FAM.bad(Why::Tag, "tags is required."))?;
        let mut tags = Vec::new();
        for t in list {
            let key = opt_str(t, "key", FAM)?.ok_or_else(|| FAM.bad(Why::Tag, "a tag needs a key."))?;
            let value = opt_str(t, "value", FAM)?;
            if create && value.is_none() {
                return Err(FAM.bad(Why::Tag, &format!("tag {key} needs a value.")));
            }
            tags.push((key, value.unwrap_or_default()));
        }
        let id = input.param("volume_id").to_string();
        self.native_run(input, |d| d.change_volume_tags(&id, create, tags))?;
        Ok(Reply::empty(204))
    }

    fn tag_resource_type(&self, input: &Input<'_>) -> ApiResult<()> {
        match input.param("resource_type") {
            "volumes" => Ok(()),
            "snapshots" | "backups" => Err(FAM.bad(Why::Body, "tags are kept for volumes only.")),
            other => Err(FAM.bad(Why::Body, &format!("invalid resource_type {other:?}: must be volumes, snapshots or backups."))),
        }
    }

    /// `GET /v2/{project_id}/os-vendor-tags/{resource_type}`: every key
    /// with the values the project's volumes give it.
    pub fn project_tags(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let all = match input.param("resource_type") {
            "volumes" => self.native_run(input, |d| d.volumes())?,
            // Snapshots and backups carry no tags here.
            "snapshots" | "backups" => Vec::new(),
            other => return Err(FAM.bad(Why::Body, &format!("invalid resource_type {other:?}: must be volumes, snapshots or backups."))),
        };
        let mut tags: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for v in &all {
            for (k, val) in &v.tags {
                let e = tags.entry(k.clone()).or_default();
                if !e.contains(val) {
                    e.push(val.clone());
                }
            }
        }
        Reply::json(200, &json!({"tags": tags}))
    }

    /// `GET /v2/{project_id}/os-vendor-tags/{resource_type}/{resource_id}`
    /// (Terraform reads a volume's tags here).
    pub fn resource_tags(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        self.tag_resource_type(input)?;
        let id = input.param("resource_id").to_string();
        let v = self.native_run(input, |d| d.volume(&id))?;
        Reply::json(200, &json!({"tags": v.tags}))
    }

    /// `PUT /v2/{project_id}/os-vendor-tags/{resource_type}/{resource_id}`
    /// `{"tags": {k: v}}`: replaces every tag (gophertelekomcloud's
    /// `evs/v2/tags`).
    pub fn replace_resource_tags(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        self.tag_resource_type(input)?;
        let o = object(input, FAM)?;
        let t = opt_object(&o, "tags", FAM)?.ok_or_else(|| FAM.bad(Why::Tag, "tags is required."))?;
        let mut tags = Metadata::new();
        for (k, v) in t {
            match v {
                Value::String(s) => tags.insert(k.clone(), s.clone()),
                _ => return Err(FAM.bad(Why::Tag, &format!("the value of tag {k} must be a string."))),
            };
        }
        let id = input.param("resource_id").to_string();
        let keep = tags.clone();
        self.native_run(input, |d| d.replace_volume_tags(&id, tags))?;
        Reply::json(200, &json!({"tags": keep}))
    }

    /// `DELETE .../os-vendor-tags/{resource_type}/{resource_id}/{key}`.
    pub fn delete_resource_tag(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        self.tag_resource_type(input)?;
        let (id, key) = (input.param("resource_id").to_string(), input.param("key").to_string());
        self.native_run(input, |d| {
            let v = d.volume(&id)?;
            if !v.tags.contains_key(&key) {
                return Err(crate::model::Fault::NotFound(crate::model::Res::Metadata, format!("Volume {id} has no tag {key}.")));
            }
            d.change_volume_tags(&id, false, vec![(key.clone(), String::new())])
        })?;
        Ok(Reply::empty(200))
    }

    /// `POST .../os-vendor-volumes/resource_instances/action`: volumes by
    /// tag (`filter`, paged by `offset`/`limit`) or their number (`count`).
    pub fn volumes_by_tag(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let o = object(input, FAM)?;
        let action = opt_str(&o, "action", FAM)?;
        let count_only = match action.as_deref() {
            Some("filter") => false,
            Some("count") => true,
            _ => return Err(FAM.bad(Why::Body, "action must be filter or count.")),
        };
        let num = |key: &str, default: i64| -> ApiResult<i64> { Ok(opt_int(&o, key, FAM)?.unwrap_or(default)) };
        let (offset, limit) = (num("offset", 0)?, num("limit", 1000)?);
        if offset < 0 || !(1..=1000).contains(&limit) {
            return Err(FAM.bad(Why::Limit, "limit must be 1 to 1000 and offset at least 0."));
        }
        let filters = otc_core::body::opt_objects(&o, "tags")
            .map_err(|m| FAM.bad(Why::Tag, &m.to_string()))?
            .ok_or_else(|| FAM.bad(Why::Tag, "tags is required."))?;
        let mut wanted: Vec<(String, Vec<String>)> = Vec::new();
        for f in filters {
            let key = opt_str(f, "key", FAM)?.ok_or_else(|| FAM.bad(Why::Tag, "a tag filter needs a key."))?;
            let values = otc_core::body::opt_str_list(f, "values").map_err(|m| FAM.bad(Why::Tag, &m.to_string()))?.unwrap_or_default();
            wanted.push((key, values));
        }
        let mut name_like = None;
        for m in otc_core::body::opt_objects(&o, "matches").map_err(|m| FAM.bad(Why::Body, &m.to_string()))?.unwrap_or_default() {
            let key = opt_str(m, "key", FAM)?.unwrap_or_default();
            let value = opt_str(m, "value", FAM)?.unwrap_or_default();
            match key.as_str() {
                "resource_name" => name_like = Some(value),
                "service_type" if value.eq_ignore_ascii_case("EVS") => {}
                "service_type" => return Err(FAM.bad(Why::Body, &format!("invalid service_type {value:?}."))),
                other => return Err(FAM.bad(Why::Body, &format!("invalid match key {other:?}."))),
            }
        }
        let matching: Vec<Volume> = self
            .native_run(input, |d| d.volumes())?
            .into_iter()
            .filter(|v| wanted.iter().all(|(k, vals)| v.tags.get(k).is_some_and(|val| vals.is_empty() || vals.contains(val))))
            .filter(|v| name_like.as_ref().is_none_or(|n| v.name.as_deref().unwrap_or("").contains(n.as_str())))
            .collect();
        if count_only {
            return Reply::json(200, &json!({"total_count": matching.len()}));
        }
        let view = self.native_view(input, api);
        let total = matching.len();
        let resources: Vec<Value> = matching
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|v| {
                json!({"resource_id": v.id, "resource_name": v.name.clone().unwrap_or_default(), "resource_detail": view.native_volume(v),
                    "tags": v.tags.iter().map(|(k, val)| json!({"key": k, "value": val})).collect::<Vec<_>>()})
            })
            .collect();
        Reply::json(200, &json!({"resources": resources, "total_count": total}))
    }

    // --- cloudsnapshots ------------------------------------------------------------

    pub fn create_cloudsnapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let spec = snapshot_spec(input, FAM)?;
        let s = self.native_run(input, |d| d.create_snapshot(spec))?;
        Reply::json(202, &json!({"snapshot": self.native_view(input, api).native_snapshot(&s)}))
    }

    pub fn list_cloudsnapshots_detail(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let page: Page = listing::page(input, FAM, &SNAPSHOT_SORT_KEYS)?;
        let snaps = filter_snapshots(input, self.native_run(input, |d| d.snapshots())?);
        let count = snaps.len();
        let (snaps, more) = listing::apply(snaps, &page, FAM)?;
        let view = self.native_view(input, api);
        let mut body = json!({"snapshots": snaps.iter().map(|s| view.native_snapshot(s)).collect::<Vec<_>>(), "count": count});
        if let Some(links) = listing::next_links(&view, "cloudsnapshots/detail", &snaps, &page, more) {
            body["snapshots_links"] = links;
        }
        Reply::json(200, &body)
    }

    pub fn show_cloudsnapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let id = input.param("snapshot_id").to_string();
        let s = self.native_run(input, |d| d.snapshot(&id))?;
        Reply::json(200, &json!({"snapshot": self.native_view(input, api).native_snapshot(&s)}))
    }

    pub fn update_cloudsnapshot(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let (name, description) = snapshot_change(input, FAM)?;
        let id = input.param("snapshot_id").to_string();
        let s = self.native_run(input, |d| d.update_snapshot(&id, name, description))?;
        Reply::json(200, &json!({"snapshot": self.native_view(input, api).native_snapshot(&s)}))
    }

    pub fn delete_cloudsnapshot(&self, input: &Input<'_>, _api: Api) -> ApiResult<Reply> {
        let id = input.param("snapshot_id").to_string();
        self.native_run(input, |d| d.delete_snapshot(&id))?;
        Ok(Reply::empty(202))
    }
}

impl EvsJobs {
    /// An EVS job, or (another id) whatever the other job view answers.
    pub fn show_job(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("job_id").to_string();
        let found = self.evs.native_run(input, |d| match d.job(&id) {
            Ok(job) => Ok(Some(job_json(&job, d.now))),
            Err(crate::model::Fault::NotFound(..)) => Ok(None),
            Err(e) => Err(e),
        })?;
        match (found, &self.others) {
            (Some(body), _) => Reply::json(200, &body),
            (None, Some(others)) => others(input),
            (None, None) => {
                Err(crate::errors::native(crate::model::Fault::NotFound(crate::model::Res::Job, format!("Job {id} does not exist."))))
            }
        }
    }
}
