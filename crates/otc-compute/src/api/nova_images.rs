//! Nova's image API (`/v2[.1]/{project_id}/images...`): the compute
//! endpoint's proxy view of the public images Glance lists (`glance.rs`),
//! read by openstacksdk's `conn.compute.find_image`/`images()` and older
//! Nova clients. Nova passes filters on to Glance, so Glance's rules decide
//! what a filter accepts. Nova retired these proxies at microversion 2.36
//! (the image metadata one at 2.39): a later microversion gets its 404.

use crate::api::nova::{json_reply, microversion};
use crate::catalog::{Image, PUBLISHED};
use crate::errors::{bad, nova as fault};
use crate::model::Fault;
use crate::Compute;
use otc_core::api::{Input, Query, Reply};
use otc_core::time::Timestamp;
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

/// The last microversion serving the image proxy (`MAX_PROXY_API_SUPPORT_VERSION`).
pub(crate) const PROXY_MAX: (u32, u32) = (2, 35);
/// The last microversion serving image metadata (`MAX_IMAGE_META_PROXY_API_VERSION`).
const METADATA_MAX: (u32, u32) = (2, 38);

/// Glance's image statuses; a filter naming another is Glance's 400, which
/// Nova hands back as its own.
const GLANCE_STATUSES: [&str; 9] =
    ["queued", "saving", "active", "killed", "deleted", "pending_delete", "deactivated", "uploading", "importing"];

/// Nova's answer for an API its microversion no longer has.
pub(crate) fn retired(mv: (u32, u32), max: (u32, u32)) -> ApiResult<()> {
    if mv > max {
        return Err(ApiError::new(404, "itemNotFound", "The resource could not be found.").with_kind("itemNotFound"));
    }
    Ok(())
}

fn not_found() -> ApiError {
    fault(Fault::NotFound("Image not found.".into()))
}

/// Nova's integer query parameters (`limit`): non-negative integers.
fn int_param(q: &Query, key: &str) -> ApiResult<Option<u64>> {
    let Some(raw) = q.get(key) else { return Ok(None) };
    let v: i64 = raw.trim().parse().map_err(|_| bad(format!("Invalid input received: {key} must be an integer")))?;
    u64::try_from(v).map(Some).map_err(|_| bad(format!("Invalid input received: {key} must be >= 0")))
}

/// Glance's ISO 8601 times (`oslo_utils.timeutils.parse_isotime`): with or
/// without a fraction and a zone (UTC when none), or a bare date.
fn parse_iso(raw: &str) -> Option<Timestamp> {
    use chrono::{NaiveDate, NaiveDateTime};
    if let Some(t) = otc_core::time::parse(raw) {
        return Some(t);
    }
    let raw = raw.strip_suffix('Z').unwrap_or(raw);
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
        .map(|t| t.and_utc())
}

/// The images matching Nova's filters (`name`, `status`, `changes-since`,
/// `server`, `type`, `minRam`, `minDisk`, `property-*`), in Glance's
/// listing order; an unusable filter value is a 400.
fn filtered<'a>(images: &'a [Image], q: &Query) -> ApiResult<Vec<&'a Image>> {
    let mut out: Vec<&Image> = images.iter().collect();
    out.sort_by_key(|i| i.id());
    if let Some(name) = q.get("name") {
        out.retain(|i| i.name == name);
    }
    if let Some(status) = q.get("status") {
        // Nova lowercases the status for Glance.
        let status = status.to_lowercase();
        if !GLANCE_STATUSES.contains(&status.as_str()) {
            return Err(bad(format!("Invalid status value: {status}")));
        }
        if status != "active" {
            out.clear();
        }
    }
    if let Some(since) = q.get("changes-since") {
        let since = parse_iso(since).ok_or_else(|| bad(format!("Invalid changes-since value: {since}")))?;
        let published = otc_core::time::parse(PUBLISHED).expect("a valid constant");
        if published < since {
            out.clear();
        }
    }
    for (key, min_of) in [("minRam", (|i: &Image| u64::from(i.min_ram)) as fn(&Image) -> u64), ("minDisk", |i| u64::from(i.min_disk))] {
        if let Some(raw) = q.get(key) {
            let min: u64 = raw.trim().parse().map_err(|_| bad(format!("Invalid {key} filter [{raw}]")))?;
            out.retain(|i| min_of(i) >= min);
        }
    }
    // Nova's own filters name Glance properties: `server` is the snapshot's
    // `instance_uuid` (a server URL is cut to its id), `type` its
    // `image_type`; `property-<key>` names any property.
    let mut wanted: Vec<(String, String)> = Vec::new();
    if let Some(server) = q.get("server") {
        wanted.push(("instance_uuid".into(), server.rsplit('/').next().unwrap_or(server).to_string()));
    }
    if let Some(t) = q.get("type") {
        wanted.push(("image_type".into(), t.to_string()));
    }
    for (k, v) in &q.0 {
        if let Some(prop) = k.strip_prefix("property-") {
            wanted.push((prop.to_string(), v.clone()));
        }
    }
    if !wanted.is_empty() {
        out.retain(|i| {
            let props = i.properties();
            wanted.iter().all(|(k, v)| props.get(k).and_then(Value::as_str) == Some(v.as_str()))
        });
    }
    Ok(out)
}

impl Compute {
    fn image_links(&self, input: &Input<'_>, v2: bool, id: &str) -> Value {
        let pid = input.param("project_id");
        let mut links = self.links(input, v2, pid, "images", id);
        if let Some(list) = links.as_array_mut() {
            list.push(json!({"rel": "alternate", "type": "application/vnd.openstack.image", "href": format!("{}/ims/{pid}/images/{id}", input.base_url)}));
        }
        links
    }

    fn image_json(&self, input: &Input<'_>, v2: bool, i: &Image, detail: bool) -> Value {
        let id = i.id();
        let links = self.image_links(input, v2, &id);
        if !detail {
            return json!({"id": id, "name": i.name, "links": links});
        }
        // Every configured image is active in Glance: ACTIVE at 100 %.
        json!({
            "id": id, "name": i.name, "status": "ACTIVE", "progress": 100, "minDisk": i.min_disk, "minRam": i.min_ram,
            "created": PUBLISHED, "updated": PUBLISHED, "metadata": i.properties(), "OS-EXT-IMG-SIZE:size": i.size,
            "links": links,
        })
    }

    fn list_images_impl(&self, input: &Input<'_>, v2: bool, detail: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        let q = input.query;
        // Nova hands Glance a limit only when it is not 0.
        let limit = int_param(q, "limit")?.filter(|l| *l > 0).map(|l| usize::try_from(l).unwrap_or(usize::MAX));
        let mut images = filtered(&self.cfg.images, q)?;
        // Glance places the marker among all images, not only the filtered
        // ones: the page goes on after its place in the id order.
        if let Some(m) = q.get("marker") {
            if !self.cfg.images.iter().any(|i| i.id() == m) {
                return Err(bad(format!("marker [{m}] not found")));
            }
            images.retain(|i| i.id().as_str() > m);
        }
        if let Some(l) = limit {
            images.truncate(l);
        }
        let items: Vec<Value> = images.iter().map(|i| self.image_json(input, v2, i, detail)).collect();
        let mut body = json!({ "images": items });
        // Nova links a next page whenever a page is as long as its limit,
        // keeping every other parameter of the request.
        if let (Some(l), Some(last)) = (limit, images.last()) {
            if images.len() == l {
                let mut params: Vec<(String, String)> = q.0.iter().filter(|(k, _)| k != "marker").cloned().collect();
                params.push(("marker".into(), last.id()));
                params.sort();
                let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
                let version = if v2 { "v2" } else { "v2.1" };
                let path = if detail { "images/detail" } else { "images" };
                let href = format!("{}/ecs/{version}/{}/{path}?{query}", input.base_url, input.param("project_id"));
                body["images_links"] = json!([{"rel": "next", "href": href}]);
            }
        }
        json_reply(200, &body, mv)
    }

    pub fn list_images(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        self.list_images_impl(input, v2, false)
    }

    pub fn list_images_detail(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        self.list_images_impl(input, v2, true)
    }

    /// An image by id only: a name is not found (openstacksdk's `find_image`
    /// tries the name as an id first and lists by name on this 404).
    fn image_by_id(&self, input: &Input<'_>) -> ApiResult<&Image> {
        let id = input.param("image_id");
        self.cfg.images.iter().find(|i| i.id() == id).ok_or_else(not_found)
    }

    pub fn show_image(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        let image = self.image_by_id(input)?;
        json_reply(200, &json!({"image": self.image_json(input, v2, image, true)}), mv)
    }

    pub fn image_metadata(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, METADATA_MAX)?;
        let image = self.image_by_id(input)?;
        json_reply(200, &json!({"metadata": image.properties()}), mv)
    }

    /// Deletes a private image. Every image the emulator has is a public
    /// one of the catalogue (servers' `createImage` makes none yet), and a
    /// public image is the cloud's: Glance refuses, and Nova hands its 403
    /// on. An unknown id is the 404.
    pub fn delete_image(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        retired(mv, PROXY_MAX)?;
        let image = self.image_by_id(input)?;
        Err(ApiError::new(403, "forbidden", format!("You are not permitted to delete image {}.", image.id())).with_kind("forbidden"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(raw: &str) -> Query {
        Query::parse(Some(raw))
    }

    #[test]
    fn glance_times() {
        let t = otc_core::time::parse("2013-06-09T06:42:18Z").unwrap();
        assert_eq!(parse_iso("2013-06-09T06:42:18Z"), Some(t));
        assert_eq!(parse_iso("2013-06-09T06:42:18"), Some(t));
        assert_eq!(parse_iso("2013-06-09T08:42:18+02:00"), Some(t));
        assert_eq!(parse_iso("2013-06-09T06:42:18.000000"), Some(t));
        assert_eq!(parse_iso("2013-06-09"), otc_core::time::parse("2013-06-09T00:00:00Z"));
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(parse_iso("2013-13-09"), None);
    }

    #[test]
    fn filters() {
        let images = crate::catalog::default_images();
        let names = |raw: &str| filtered(&images, &query(raw)).unwrap().iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        assert_eq!(names("").len(), images.len());
        assert_eq!(names("name=Standard_Debian_12_latest"), ["Standard_Debian_12_latest"]);
        assert_eq!(names("minDisk=5"), ["Standard_Windows_2022_DC_latest"]);
        assert_eq!(names("property-__platform=Windows"), ["Standard_Windows_2022_DC_latest"]);
        assert!(names("status=DELETED").is_empty() && names("type=backup").is_empty() && names("server=abc").is_empty());
        assert_eq!(names("status=Active&minRam=0").len(), images.len());
        for bad in ["status=gone", "changes-since=soon", "minDisk=-1", "minRam=x"] {
            assert_eq!(filtered(&images, &query(bad)).unwrap_err().status, 400, "{bad}");
        }
        assert_eq!(int_param(&query("limit=3"), "limit").unwrap(), Some(3));
        assert_eq!(int_param(&query(""), "limit").unwrap(), None);
        assert!(int_param(&query("limit=-3"), "limit").is_err() && int_param(&query("limit=3.5"), "limit").is_err());
    }
}
