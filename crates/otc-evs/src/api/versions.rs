//! Version discovery (`evs/openstack_cinder_apis_recommended/
//! api_version_query/*`): `GET /` lists v1, v2 and v3 (300 Multiple
//! Choices, as Cinder answers), `GET /{api_version}` one of them. v3 is
//! CURRENT with microversions 3.0 to 3.50
//! (`evs/api_version_description_and_usage_instructions.rst`), so
//! keystoneauth finds a v3 endpoint under `volumev3` and openstacksdk
//! builds its v3 block-storage proxy there.

use crate::Evs;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

/// The microversions v3 serves.
pub const MIN_V3: (u32, u32) = (3, 0);
pub const MAX_V3: (u32, u32) = (3, 50);

fn doc(base: &str, id: &str) -> Option<Value> {
    let (status, min, max, updated) = match id {
        "v1" | "v1.0" => ("SUPPORTED", "", "", "2014-06-28T12:20:21Z"),
        "v2" | "v2.0" => ("SUPPORTED", "", "", "2014-06-28T12:20:21Z"),
        "v3" | "v3.0" => ("CURRENT", "3.0", "3.50", "2016-02-08T12:20:21Z"),
        _ => return None,
    };
    let major = &id[..2];
    Some(json!({
        "id": format!("{major}.0"),
        "status": status,
        "min_version": min,
        "version": max,
        "updated": updated,
        "links": [
            {"rel": "describedby", "href": "http://docs.openstack.org/", "type": "text/html"},
            {"rel": "self", "href": format!("{base}/evs/{major}/")},
        ],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.volume+json;version=1"},
            {"base": "application/xml", "type": "application/vnd.openstack.volume+xml;version=1"},
        ],
    }))
}

impl Evs {
    pub fn versions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let all: Vec<Value> = ["v1", "v2", "v3"].iter().filter_map(|v| doc(input.base_url, v)).collect();
        Reply::json(300, &json!({"versions": all}))
    }

    pub fn version(&self, input: &Input<'_>) -> ApiResult<Reply> {
        match doc(input.base_url, input.param("api_version")) {
            Some(d) => Reply::json(200, &json!({"versions": [d]})),
            None => Err(ApiError::unknown_api()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        let v3 = doc("http://h", "v3").unwrap();
        assert_eq!((v3["id"].as_str(), v3["version"].as_str()), (Some("v3.0"), Some("3.50")));
        assert_eq!(v3["links"][1]["href"], "http://h/evs/v3/");
        assert_eq!(doc("http://h", "v2.0").unwrap()["status"], "SUPPORTED");
        assert!(doc("http://h", "v4").is_none());
    }
}
