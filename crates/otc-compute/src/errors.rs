//! Nova's wording of compute faults: `{"<fault>": {"code", "message"}}`
//! with the fault name of the status (`badRequest`, `itemNotFound`,
//! `conflictingRequest`, `forbidden` for quotas, as Nova does).

use crate::model::Fault;
use otc_core::ApiError;

pub fn nova(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(m) => ApiError::new(404, "itemNotFound", m).with_kind("itemNotFound"),
        Fault::Invalid(m) => ApiError::new(400, "badRequest", m).with_kind("badRequest"),
        Fault::Conflict(m) => ApiError::new(409, "conflictingRequest", m).with_kind("conflictingRequest"),
        Fault::Quota(m) => ApiError::new(403, "forbidden", m).with_kind("forbidden"),
        Fault::Storage(m) => ApiError::internal(m),
    }
}

pub fn bad(msg: String) -> ApiError {
    ApiError::new(400, "badRequest", msg).with_kind("badRequest")
}

/// A malformed body, as Nova words it.
pub fn bad_body(msg: &str) -> ApiError {
    bad(format!("Malformed request body: {msg}"))
}
