//! SFS Turbo's errors: `{"errCode": "SFS.TURBO.xxxx", "errMsg"}`
//! (`Family::SfsTurbo`, rendered by the gateway), with the codes and
//! messages of the reference's error table (appendix
//! `sfs_turbo_error_codes.rst`). A parameter error says which parameter.

use otc_core::ApiError;

fn turbo(status: u16, n: u16, msg: impl Into<String>) -> ApiError {
    ApiError::new(status, format!("SFS.TURBO.{n:04}"), msg)
}

/// 0001 "Parameter error", with what is wrong.
pub fn param(detail: impl AsRef<str>) -> ApiError {
    turbo(400, 1, format!("parameter error: {}", detail.as_ref()))
}

/// 0001 with the reference's own words for a case it documents.
pub fn param_raw(msg: &str) -> ApiError {
    turbo(400, 1, msg)
}

/// 0002: a file system that is absent, another project's or deleted.
pub fn share_not_found(id: &str) -> ApiError {
    turbo(404, 2, format!("Cluster not found: {id}"))
}

pub fn invalid_name(detail: impl AsRef<str>) -> ApiError {
    turbo(400, 3, format!("Invalid name: {}", detail.as_ref()))
}

pub fn invalid_vpc(id: &str) -> ApiError {
    turbo(400, 4, format!("Invalid vpc: {id}"))
}

pub fn invalid_subnet(detail: impl AsRef<str>) -> ApiError {
    turbo(400, 6, format!("Invalid subnet: {}", detail.as_ref()))
}

pub fn invalid_share_type(t: &str) -> ApiError {
    turbo(400, 7, format!("Invalid share type: {t}"))
}

pub fn invalid_size(detail: impl AsRef<str>) -> ApiError {
    turbo(400, 8, format!("Invalid size: {}", detail.as_ref()))
}

pub fn name_exists(name: &str) -> ApiError {
    turbo(409, 9, format!("Name has existed: {name}"))
}

pub fn quota_exceeded(what: &str) -> ApiError {
    turbo(400, 10, format!("Quota exceeds: {what}"))
}

/// 0011: another operation is under way (or the file system is not
/// ready for one).
pub fn busy(id: &str) -> ApiError {
    turbo(400, 11, format!("Cluster is doing something: {id}"))
}

/// 0011 with what the file system is doing instead.
pub fn busy_with(detail: String) -> ApiError {
    turbo(400, 11, format!("Cluster is doing something: {detail}"))
}

pub fn tag_count() -> ApiError {
    turbo(400, 16, "Res tag count already reach max value")
}

pub fn tag_key_length() -> ApiError {
    turbo(400, 17, "Invalid tag key param")
}

pub fn tag_value_length() -> ApiError {
    turbo(400, 18, "Invalid tag value param")
}

pub fn job_not_found() -> ApiError {
    turbo(404, 19, "Invalid Job Id")
}

pub fn tag_key_chars() -> ApiError {
    turbo(400, 25, "Invalid tag key param")
}

pub fn tag_value_chars() -> ApiError {
    turbo(400, 26, "Invalid tag value param")
}

pub fn invalid_security_group(id: &str) -> ApiError {
    turbo(400, 27, format!("Invalid security group: {id}"))
}

pub fn invalid_crypt_key() -> ApiError {
    turbo(400, 28, "Invalid crypt key")
}

pub fn not_enough_ips(subnet: &str) -> ApiError {
    turbo(400, 29, format!("Subnet has not enough ips: {subnet}"))
}

pub fn sg_quota() -> ApiError {
    turbo(400, 40, "Insufficient Security Group Quota")
}

/// A permission rule the file system does not have (the reference's 400).
pub fn invalid_rule_id() -> ApiError {
    param_raw("Invalid rule id")
}

/// A tag key the file system does not have.
pub fn tag_not_found(key: &str) -> ApiError {
    turbo(404, 1, format!("parameter error: the tag {key} does not exist"))
}

pub fn internal(detail: impl Into<String>) -> ApiError {
    let mut e = ApiError::internal(detail);
    e.code = "SFS.TURBO.0005".into();
    e
}

/// A body that is not JSON (or not an object).
pub fn bad_body(_detail: &str) -> ApiError {
    param("the request body is not valid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses() {
        assert_eq!((share_not_found("x").status, share_not_found("x").code.as_str()), (404, "SFS.TURBO.0002"));
        assert_eq!((name_exists("a").status, name_exists("a").code.as_str()), (409, "SFS.TURBO.0009"));
        assert_eq!(job_not_found().code, "SFS.TURBO.0019");
        assert_eq!(internal("x").status, 500);
        assert_eq!(param("size").message, "parameter error: size");
    }
}
