//! Version discovery (no credentials): `GET /` answers 300 Multiple
//! Choices with every version, `GET /{api_version}/` 200 (Manila's
//! `VersionsController.all` and `.index`). The one version is v2.0 with
//! microversions 2.0 to 2.42; its `self` link points at `/sfs/v2/`, which
//! python-manilaclient and keystoneauth follow.

use super::version::{self, MAX, MIN};
use crate::errors::no_such_resource;
use crate::Sfs;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};

fn versions_doc(base: &str) -> Value {
    json!({"versions": [{
        "id": "v2.0",
        "status": "CURRENT",
        "version": MAX.to_string(),
        "min_version": MIN.to_string(),
        "updated": "2015-08-27T11:33:21Z",
        "links": [
            {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"},
            {"rel": "self", "href": format!("{base}/sfs/v2/")},
        ],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.share+json;version=1"}],
    }]})
}

impl Sfs {
    pub fn versions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(300, &versions_doc(input.base_url))
    }

    /// `/v2/` (and `/v1/`, which the reference names too) answer the same
    /// document; under `/v2` the microversion header is read as on every
    /// other `/v2` operation.
    pub fn version(&self, input: &Input<'_>) -> ApiResult<Reply> {
        match input.param("api_version") {
            "v2" | "v2.0" => {
                let mv = version::requested(input).map_err(|e| version::stamped_error(input, e))?;
                super::reply(200, &versions_doc(input.base_url), mv)
            }
            "v1" | "v1.0" => Reply::json(200, &versions_doc(input.base_url)),
            _ => Err(no_such_resource()),
        }
    }
}
