//! IMS's own image query, `GET /v2/cloudimages` on `ims.`: Glance's image
//! view plus IMS's attributes, filtered by them. The Terraform provider's
//! `images_image_v2` data source (gophertelekomcloud `ims/v2/images`) and
//! the server resource's image lookups query images here, not at Glance's
//! `/v2/images`. The API reference holds no IMS chapter; the shapes follow
//! what gophertelekomcloud sends and decodes (`ListImagesOpts`, `ImageInfo`).

use super::glance::image_json;
use crate::catalog::Image;
use crate::Images;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

/// IMS's answer to a query parameter it cannot use.
fn invalid(key: &str, value: &str) -> ApiError {
    ApiError::new(400, "IMG.0001", format!("Invalid parameter {key}: {value}"))
}

fn cloudimage_json(i: &Image) -> Value {
    let mut v = image_json(i);
    let o = v.as_object_mut().expect("object");
    // IMS types the size it adds as a string, unlike Glance's `size`.
    o.insert("__image_size".into(), json!(i.size.to_string()));
    o.insert("__image_source_type".into(), json!("uds"));
    o.insert("virtual_env_type".into(), json!("FusionCompute"));
    o.insert("__whole_image".into(), json!(false));
    v
}

/// The value of an attribute a query filters by, as IMS compares it (all
/// of them strings).
fn attribute(i: &Image, key: &str) -> Option<String> {
    let v = cloudimage_json(i);
    match &v[key] {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Query parameters compared for equality with the image's attribute of
/// the same name.
const EQUAL: [&str; 13] = [
    "id",
    "name",
    "status",
    "disk_format",
    "container_format",
    "virtual_env_type",
    "__imagetype",
    "__isregistered",
    "__os_bit",
    "__os_type",
    "__platform",
    "__support_kvm",
    "protected",
];

const SORT_KEYS: [&str; 7] = ["created_at", "name", "container_format", "disk_format", "status", "id", "size"];

fn number(key: &str, value: &str) -> ApiResult<u64> {
    value.parse().map_err(|_| invalid(key, value))
}

impl Images {
    pub fn list_cloudimages(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let mut images: Vec<&Image> = self.cfg.images.iter().collect();
        for key in EQUAL {
            if let Some(want) = q.get(key) {
                images.retain(|i| attribute(i, key).is_some_and(|have| have == want));
            }
        }
        // Every image served is a public one, owned by no project.
        if let Some(v) = q.get("visibility") {
            if v != "public" {
                images.clear();
            }
        }
        if q.get("owner").is_some_and(|o| !o.is_empty()) || q.get("tag").is_some_and(|t| !t.is_empty()) {
            images.clear();
        }
        if let Some(v) = q.get("size_min") {
            let min = number("size_min", v)?;
            images.retain(|i| i.size >= min);
        }
        if let Some(v) = q.get("size_max") {
            // gophertelekomcloud always sends size_max; 0 means no bound.
            let max = number("size_max", v)?;
            if max > 0 {
                images.retain(|i| i.size <= max);
            }
        }
        let sort_key = q.get("sort_key").unwrap_or("created_at");
        if !SORT_KEYS.contains(&sort_key) {
            return Err(invalid("sort_key", sort_key));
        }
        let desc = match q.get("sort_dir").unwrap_or("desc") {
            "asc" => false,
            "desc" => true,
            other => return Err(invalid("sort_dir", other)),
        };
        images.sort_by_cached_key(|i| {
            let key = match sort_key {
                "size" => format!("{:020}", i.size),
                k => attribute(i, k).unwrap_or_default(),
            };
            (key, i.id())
        });
        if desc {
            images.reverse();
        }
        if let Some(m) = q.get("marker") {
            let pos = images.iter().position(|i| i.id() == m).ok_or_else(|| invalid("marker", m))?;
            images.drain(..=pos);
        }
        let limit = match q.get("limit") {
            None => 500,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => return Err(invalid("limit", l)),
            },
        };
        let more = images.len() > limit;
        images.truncate(limit);
        let mut body = json!({
            "images": images.iter().map(|i| cloudimage_json(i)).collect::<Vec<_>>(),
            "schema": "/v2/schemas/images",
            "first": format!("/v2/cloudimages?limit={limit}"),
        });
        if more {
            if let Some(last) = images.last() {
                body["next"] = json!(format!("/v2/cloudimages?marker={}&limit={limit}", last.id()));
            }
        }
        Reply::json(200, &body)
    }
}
