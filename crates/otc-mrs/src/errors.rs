//! MRS's refusals: `{"error_code", "error_msg"}` with the codes of the
//! reference's appendix (`Family::Mrs` also renders the real API's
//! `errorCode`/`message`). Nearly every refusal is a 400, as documented.

use otc_core::ApiError;

pub fn mrs_error(code: &str, msg: impl Into<String>) -> ApiError {
    ApiError::new(400, code, msg)
}

/// 12000002 "The parameter is invalid.", with what is wrong.
pub fn invalid(detail: impl AsRef<str>) -> ApiError {
    mrs_error("12000002", format!("The parameter is invalid. {}", detail.as_ref()))
}

pub fn no_cluster(_id: &str) -> ApiError {
    mrs_error("12000003", "The cluster does not exist.")
}

/// A body that is not JSON.
pub fn bad_body(_detail: &str) -> ApiError {
    invalid("The request body is not a JSON object.")
}

/// A member of the wrong JSON type.
pub fn mistyped(m: otc_core::body::Mistyped) -> ApiError {
    invalid(format!("{} must be {}.", m.key, m.want.noun()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        let e = invalid("x");
        assert_eq!((e.status, e.code.as_str()), (400, "12000002"));
        assert_eq!(no_cluster("c").code, "12000003");
    }
}
