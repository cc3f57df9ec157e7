//! Manila's faults as SFS answers them: `{"<fault>": {"code", "message"}}`
//! (`Family::Manila`), with the messages of Manila's exceptions and, where
//! the reference words a refusal itself (extend and shrink sizes), the
//! reference's words.

use otc_core::ApiError;

/// The general-purpose file system's (SFS 3.0) OBS errors and tag errors.
pub mod sfs3;

fn fault(status: u16, kind: &str, msg: impl Into<String>) -> ApiError {
    ApiError::new(status, kind, msg).with_kind(kind)
}

/// 400: webob's HTTPBadRequest (and every `exception.Invalid`).
pub fn bad_request(msg: impl Into<String>) -> ApiError {
    fault(400, "badRequest", msg)
}

/// Manila's `InvalidInput`: "Invalid input received: <reason>."
pub fn invalid_input(reason: impl AsRef<str>) -> ApiError {
    bad_request(format!("Invalid input received: {}.", reason.as_ref().trim_end_matches('.')))
}

/// Manila's `InvalidShare`: "Invalid share: <reason>."
pub fn invalid_share(reason: impl AsRef<str>) -> String {
    format!("Invalid share: {}.", reason.as_ref().trim_end_matches('.'))
}

/// Manila's `InvalidShareAccess`: "Invalid access rule: <reason>" (400).
pub fn invalid_access(reason: impl AsRef<str>) -> ApiError {
    bad_request(format!("Invalid access rule: {}", reason.as_ref()))
}

pub fn not_found(msg: impl Into<String>) -> ApiError {
    fault(404, "itemNotFound", msg)
}

/// webob's HTTPNotFound without an explanation: what Manila answers for a
/// method or action the requested microversion does not have.
pub fn no_such_resource() -> ApiError {
    not_found("The resource could not be found.")
}

pub fn share_not_found(id: &str) -> ApiError {
    not_found(format!("Share {id} could not be found."))
}

pub fn forbidden(msg: impl Into<String>) -> ApiError {
    fault(403, "forbidden", msg)
}

/// 413 `overLimit`: Manila's `QuotaError`s at creation, raised with
/// `Retry-After: 0` (which the fault repeats in its body).
pub fn over_limit(msg: impl Into<String>) -> ApiError {
    fault(413, "overLimit", msg).with_header("retry-after", "0")
}

/// 422: a body without its `share` object (webob's explanation).
pub fn unprocessable() -> ApiError {
    fault(422, "computeFault", "Unable to process the contained instructions")
}

/// 406 for a microversion outside the served range.
pub fn not_acceptable(msg: impl Into<String>) -> ApiError {
    fault(406, "computeFault", msg)
}

/// A body that is not JSON: Manila's deserializer answers "Malformed
/// request body" (400).
pub fn bad_body(_detail: &str) -> ApiError {
    bad_request("Malformed request body")
}

/// A member of the wrong JSON type, in Manila's InvalidInput words.
pub fn mistyped(m: otc_core::body::Mistyped) -> ApiError {
    invalid_input(format!("{} must be {}", m.key, m.want.noun()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        assert_eq!(
            invalid_input("Share size '0' must be an integer and greater than 0").message,
            "Invalid input received: Share size '0' must be an integer and greater than 0."
        );
        assert_eq!(invalid_share("status must be 'available'."), "Invalid share: status must be 'available'.");
        let e = over_limit("q");
        assert_eq!((e.status, e.kind.as_deref()), (413, Some("overLimit")));
        assert_eq!(e.headers, vec![("retry-after".to_string(), "0".to_string())]);
        assert_eq!(unprocessable().status, 422);
    }
}
