//! The image listing Nova clients use: Glance v2 `/v2/images` over the
//! configured public images (OTC's IMS serves this API on `ims.`).

use crate::catalog::{Image, PUBLISHED};
use crate::Images;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

pub(crate) fn image_json(i: &Image) -> Value {
    let id = i.id();
    let mut v = json!({
        "id": id, "name": i.name, "status": "active", "visibility": "public", "protected": true, "os_hidden": false,
        "checksum": null, "os_hash_algo": null, "os_hash_value": null, "owner": "", "size": i.size, "virtual_size": null,
        "min_ram": i.min_ram, "min_disk": i.min_disk, "disk_format": i.disk_format, "container_format": "bare",
        "created_at": PUBLISHED, "updated_at": PUBLISHED, "tags": [],
        "self": format!("/v2/images/{id}"), "file": format!("/v2/images/{id}/file"), "schema": "/v2/schemas/image",
    });
    v.as_object_mut().expect("object").extend(i.properties());
    v
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(404, "404 Not Found", format!("No image found with ID {what}"))
}

impl Images {
    pub fn versions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let href = format!("{}/ims/v2/", input.base_url);
        let versions: Vec<Value> = ["v2.9", "v2.0"]
            .iter()
            .enumerate()
            .map(|(i, id)| json!({"id": id, "status": if i == 0 { "CURRENT" } else { "SUPPORTED" }, "links": [{"rel": "self", "href": href}]}))
            .collect();
        Reply::json(200, &json!({ "versions": versions }))
    }

    pub fn list(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let mut images: Vec<&Image> = self.cfg.images.iter().collect();
        images.sort_by_key(|i| i.id());
        if let Some(ids) = q.get("id").and_then(|v| v.strip_prefix("in:")) {
            let wanted: Vec<&str> = ids.split(',').filter(|s| !s.is_empty()).collect();
            images.retain(|i| wanted.contains(&i.id().as_str()));
        } else if let Some(id) = q.get("id") {
            images.retain(|i| i.id() == id);
        }
        if let Some(name) = q.get("name") {
            images.retain(|i| i.name == name);
        }
        if let Some(v) = q.get("visibility") {
            if v != "public" && v != "all" {
                images.clear();
            }
        }
        if let Some(s) = q.get("status") {
            if s != "active" {
                images.clear();
            }
        }
        if q.get("os_hidden").is_some_and(|h| h.eq_ignore_ascii_case("true")) {
            images.clear();
        }
        if let Some(m) = q.get("marker") {
            let pos = images
                .iter()
                .position(|i| i.id() == m)
                .ok_or_else(|| ApiError::new(400, "400 Bad Request", format!("marker {m} not found")))?;
            images.drain(..=pos);
        }
        let limit = match q.get("limit") {
            None => 25,
            Some(l) => {
                l.parse::<usize>().map_err(|_| ApiError::new(400, "400 Bad Request", format!("limit param must be an integer: {l}")))?
            }
        };
        let more = images.len() > limit;
        images.truncate(limit);
        let mut body = json!({"images": images.iter().map(|i| image_json(i)).collect::<Vec<_>>(), "schema": "/v2/schemas/images", "first": "/v2/images"});
        if more {
            if let Some(last) = images.last() {
                body["next"] = json!(format!("/v2/images?marker={}&limit={limit}", last.id()));
            }
        }
        Reply::json(200, &body)
    }

    pub fn show(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("image_id");
        let image = self.cfg.images.iter().find(|i| i.id() == id).ok_or_else(|| not_found(id))?;
        Reply::json(200, &image_json(image))
    }
}
