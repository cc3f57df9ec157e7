//! The API facades over the one EVS model:
//!
//! - `cinder.rs`, `snapshots.rs`, `transfers.rs`, `misc.rs`: OpenStack
//!   Cinder v2 and v3 (volumes, actions, metadata, snapshots, transfers,
//!   types, zones, quotas, limits, extensions), `{"<fault>": {"code", "message"}}` errors;
//! - `native.rs`: the EVS native API (`cloudvolumes` with jobs,
//!   `os-vendor-volumes`, tags, `cloudsnapshots`, retype),
//!   `{"error": {"code": "EVS.xxxx", "message"}}` errors;
//! - `versions.rs`: the version documents clients discover v2/v3 with;
//! - `views.rs` and `listing.rs`: what both families share (renderings,
//!   filters, sorting and paging).

pub mod cinder;
pub mod listing;
pub mod misc;
pub mod native;
pub mod snapshots;
pub mod transfers;
pub mod versions;
pub mod views;

use crate::errors::{cinder, native, native_bad};
use crate::model::{Fault, Metadata, Why};
use otc_core::api::Input;
use otc_core::body::{self, Mistyped, Obj};
use otc_core::{ApiError, ApiResult};
use serde_json::Value;

/// Which Cinder API a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    V2,
    V3,
}

impl Api {
    pub fn segment(self) -> &'static str {
        match self {
            Api::V2 => "v2",
            Api::V3 => "v3",
        }
    }
}

/// The API family a handler answers in: its errors' shape and codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fam {
    Cinder,
    Native,
}

impl Fam {
    pub fn bad(self, why: Why, msg: &str) -> ApiError {
        match self {
            Fam::Cinder => cinder(Fault::Refused(why, msg.to_string())),
            Fam::Native => native_bad(why, msg),
        }
    }

    pub fn fault(self, f: Fault) -> ApiError {
        match self {
            Fam::Cinder => cinder(f),
            Fam::Native => native(f),
        }
    }

    fn mistyped(self, m: Mistyped) -> ApiError {
        self.bad(Why::Body, &format!("Invalid input received: {m}."))
    }
}

/// The request body as a JSON object.
pub fn object(input: &Input<'_>, fam: Fam) -> ApiResult<Obj> {
    if input.body.iter().all(u8::is_ascii_whitespace) {
        return Err(fam.bad(Why::Body, "Malformed request body: the request body is empty."));
    }
    match serde_json::from_slice::<Value>(input.body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(fam.bad(Why::Body, "Malformed request body: the body must be a JSON object.")),
        Err(e) => Err(fam.bad(Why::Body, &format!("Malformed request body: {e}"))),
    }
}

/// The member `key` of the body, which must be an object.
pub fn member<'a>(o: &'a Obj, key: &str, fam: Fam) -> ApiResult<&'a Obj> {
    body::opt_object(o, key)
        .map_err(|m| fam.mistyped(m))?
        .ok_or_else(|| fam.bad(Why::Body, &format!("Missing required element '{key}' in request body.")))
}

pub fn opt_str(o: &Obj, key: &str, fam: Fam) -> ApiResult<Option<String>> {
    Ok(body::opt_str(o, key).map_err(|m| fam.mistyped(m))?.map(str::to_string))
}

pub fn opt_bool(o: &Obj, key: &str, fam: Fam) -> ApiResult<Option<bool>> {
    body::opt_bool(o, key).map_err(|m| fam.mistyped(m))
}

pub fn opt_object<'a>(o: &'a Obj, key: &str, fam: Fam) -> ApiResult<Option<&'a Obj>> {
    body::opt_object(o, key).map_err(|m| fam.mistyped(m))
}

/// An integer that may come as digits in a string (Cinder's
/// `volume_size` and `new_size` accept both).
pub fn opt_int(o: &Obj, key: &str, fam: Fam) -> ApiResult<Option<i64>> {
    match o.get(key) {
        Some(Value::String(s)) => {
            s.trim().parse::<i64>().map(Some).map_err(|_| fam.bad(Why::Body, &format!("Invalid input received: {key} must be an integer.")))
        }
        _ => body::opt_int(o, key).map_err(|m| fam.mistyped(m)),
    }
}

/// A size in GB: a positive integer.
pub fn opt_size(o: &Obj, key: &str, fam: Fam) -> ApiResult<Option<u32>> {
    match opt_int(o, key, fam)? {
        None => Ok(None),
        Some(n) if n > 0 && n <= u32::MAX as i64 => Ok(Some(n as u32)),
        Some(n) => Err(fam.bad(Why::Size, &format!("Invalid input received: {key} must be an integer greater than 0, not {n}."))),
    }
}

/// A metadata object: every value a string.
pub fn metadata(o: &Obj, fam: Fam) -> ApiResult<Metadata> {
    let mut m = Metadata::new();
    for (k, v) in o {
        match v {
            Value::String(s) => {
                m.insert(k.clone(), s.clone());
            }
            _ => return Err(fam.bad(Why::Metadata, &format!("Invalid input received: metadata value of {k} must be a string."))),
        }
    }
    Ok(m)
}

pub fn opt_metadata(o: &Obj, key: &str, fam: Fam) -> ApiResult<Option<Metadata>> {
    opt_object(o, key, fam)?.map(|m| metadata(m, fam)).transpose()
}

/// A query flag: `true`/`false` in any case (`True`, as Python clients
/// send), `1`/`0`; absent is `false`.
pub fn query_flag(input: &Input<'_>, key: &str, fam: Fam) -> ApiResult<bool> {
    match input.query.get(key) {
        None | Some("") => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") || v == "1" || v.eq_ignore_ascii_case("yes") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") || v == "0" || v.eq_ignore_ascii_case("no") => Ok(false),
        Some(v) => Err(fam.bad(Why::Body, &format!("Invalid value '{v}' for {key}: must be a boolean."))),
    }
}
