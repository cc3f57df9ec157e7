//! The general-purpose file system's refusals: OBS error codes and
//! messages from the reference's appendix (`Family::Obs`, rendered as
//! XML by the gateway; `kind` is the Resource, `/<name>/`), and the tag
//! API's, for which the reference documents statuses only (400 invalid
//! tag, 404 resource not found): their codes are `SFS3.0400`/`SFS3.0404`
//! in the native `{"error_code", "error_msg"}` envelope.

use otc_core::ApiError;

fn obs(status: u16, code: &str, msg: impl Into<String>, name: Option<&str>) -> ApiError {
    let e = ApiError::new(status, code, msg);
    match name {
        Some(n) => e.with_kind(format!("/{n}/")),
        None => e,
    }
}

pub fn no_such_bucket(name: &str) -> ApiError {
    obs(404, "NoSuchBucket", "The specified file system does not exist.", Some(name))
}

pub fn invalid_bucket_name(name: &str) -> ApiError {
    let shown: String = name.chars().take(64).collect();
    obs(
        400,
        "InvalidBucketName",
        "The file system name in the request is too long or contains special characters that are not allowed.",
        Some(&shown),
    )
}

pub fn already_exists(name: &str) -> ApiError {
    obs(
        409,
        "BucketAlreadyExists",
        "The requested file system name already exists. The file system namespace is shared by all users.",
        Some(name),
    )
}

pub fn too_many_buckets(name: &str) -> ApiError {
    obs(400, "TooManyBuckets", "You have attempted to create more file systems than allowed.", Some(name))
}

pub fn invalid_location(name: &str, location: &str) -> ApiError {
    obs(
        400,
        "InvalidLocationConstraint",
        format!("The specified Location {location:?} is invalid or is not the region of this endpoint."),
        Some(name),
    )
}

pub fn invalid_argument(name: &str, msg: impl Into<String>) -> ApiError {
    obs(400, "InvalidArgument", msg, Some(name))
}

pub fn invalid_body(name: &str, detail: &str) -> ApiError {
    obs(400, "InvalidRequestBody", format!("The request body is invalid: {detail}"), Some(name))
}

pub fn malformed_xml(name: &str) -> ApiError {
    obs(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against the published schema.", Some(name))
}

pub fn missing_header(header: &str) -> ApiError {
    obs(400, "MissingRequiredHeader", format!("Required header {header} is missing in the request."), None)
}

pub fn invalid_header(header: &str, value: &str, expected: &str) -> ApiError {
    obs(400, "InvalidArgument", format!("Invalid header {header}: {value:?} (expected {expected})."), None)
}

pub fn virtual_host_required() -> ApiError {
    obs(
        403,
        "VirtualHostDomainRequired",
        "Virtual hosting access domain name is not used: address the file system as <name>.sfs3.<region>.",
        None,
    )
}

pub fn method_not_allowed(name: &str) -> ApiError {
    obs(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", Some(name))
}

/// A body an OBS operation could not read.
pub fn bad_body(detail: &str) -> ApiError {
    obs(400, "InvalidArgument", format!("Invalid request body: {detail}"), None)
}

pub fn tag(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "SFS3.0400", msg)
}

pub fn tag_not_found(name: &str) -> ApiError {
    ApiError::new(404, "SFS3.0404", format!("The file system {name} could not be found."))
}
