//! IMS's own image query, `GET /v2/cloudimages`: the configured public
//! images with IMS's extension attributes, filtered on any attribute the
//! query names, sorted and paged by image id. The Terraform provider's
//! `opentelekomcloud_images_image_v2` data source reads images only here.

use crate::catalog::{Image, PUBLISHED};
use crate::Images;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};
use std::cmp::Ordering;

/// IMS answers up to 500 images when no limit is given.
const DEFAULT_LIMIT: usize = 500;

/// Query keys that steer the listing rather than filter it.
const CONTROLS: [&str; 6] = ["limit", "marker", "sort_key", "sort_dir", "size_min", "size_max"];

/// Sortable attributes, as IMS documents them.
const SORT_KEYS: [&str; 7] = ["name", "container_format", "disk_format", "status", "id", "size", "created_at"];

fn cloudimage_json(i: &Image) -> Value {
    let id = i.id();
    let mut v = json!({
        "id": id, "name": i.name, "status": "active", "visibility": "public", "protected": true,
        "owner": "", "size": i.size, "min_ram": i.min_ram, "min_disk": i.min_disk,
        "disk_format": i.disk_format, "container_format": "bare", "virtual_env_type": "FusionCompute",
        "created_at": PUBLISHED, "updated_at": PUBLISHED, "active_at": PUBLISHED, "tags": [],
        "__image_size": i.size.to_string(), "__image_source_type": "uds", "__description": "",
        "self": format!("/v2/images/{id}"), "file": format!("/v2/images/{id}/file"), "schema": "/v2/schemas/image",
    });
    v.as_object_mut().expect("object").extend(i.properties());
    v
}

fn bad_request(message: String) -> ApiError {
    ApiError::new(400, "400 Bad Request", message)
}

/// A filter's value against the attribute as rendered: strings compare as
/// they are, numbers and booleans by their text; an attribute the image does
/// not have never matches (IMS filters on `__support_*` keys an image lacks
/// return nothing).
fn matches(image: &Value, key: &str, wanted: &str) -> bool {
    match image.get(key) {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Number(n)) => n.to_string() == wanted,
        Some(Value::Bool(b)) => b.to_string().eq_ignore_ascii_case(wanted),
        _ => false,
    }
}

fn compare(a: &Value, b: &Value, key: &str) -> Ordering {
    match (&a[key], &b[key]) {
        (Value::Number(x), Value::Number(y)) => x.as_u64().cmp(&y.as_u64()),
        (x, y) => x.as_str().unwrap_or("").cmp(y.as_str().unwrap_or("")),
    }
}

impl Images {
    pub fn cloudimages(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let mut images: Vec<Value> = self.cfg.images.iter().map(cloudimage_json).collect();
        for (key, wanted) in q.0.iter().filter(|(k, _)| !CONTROLS.contains(&k.as_str())) {
            images.retain(|i| matches(i, key, wanted));
        }
        let size = |name: &str| -> ApiResult<Option<u64>> {
            q.get(name).map(|v| v.parse::<u64>().map_err(|_| bad_request(format!("{name} must be an integer: {v}")))).transpose()
        };
        // gophertelekomcloud sends 0 for a bound it was not given.
        if let Some(min) = size("size_min")?.filter(|m| *m > 0) {
            images.retain(|i| i["size"].as_u64().unwrap_or(0) >= min);
        }
        if let Some(max) = size("size_max")?.filter(|m| *m > 0) {
            images.retain(|i| i["size"].as_u64().unwrap_or(0) <= max);
        }
        let key = q.get("sort_key").unwrap_or("created_at");
        if !SORT_KEYS.contains(&key) {
            return Err(bad_request(format!("sort_key {key} is not supported")));
        }
        let descending = match q.get("sort_dir") {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(d) => return Err(bad_request(format!("sort_dir must be asc or desc: {d}"))),
        };
        // Ties (every public image shares its creation time) fall to the id,
        // so pages by marker are stable.
        images.sort_by(|a, b| {
            let o = compare(a, b, key).then_with(|| compare(a, b, "id"));
            if descending {
                o.reverse()
            } else {
                o
            }
        });
        if let Some(m) = q.get("marker") {
            let pos = images.iter().position(|i| i["id"] == m).ok_or_else(|| bad_request(format!("marker {m} not found")))?;
            images.drain(..=pos);
        }
        let limit = match q.get("limit") {
            None => DEFAULT_LIMIT,
            Some(l) => {
                l.parse::<usize>().ok().filter(|l| *l > 0).ok_or_else(|| bad_request(format!("limit must be a positive integer: {l}")))?
            }
        };
        images.truncate(limit);
        Reply::json(200, &json!({ "images": images }))
    }
}
