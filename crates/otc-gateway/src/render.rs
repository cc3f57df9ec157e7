//! Errors become responses here and nowhere else: each API family has its
//! documented envelope (GUIDE.md §5, docs/ARCHITECTURE.md).

use otc_core::api::{AuthFailure, Family};
use otc_core::ApiError;
use serde_json::json;

/// The title Keystone puts beside the status.
fn keystone_title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    }
}

/// The fault key Nova wraps errors in.
fn nova_fault(status: u16) -> &'static str {
    match status {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        409 => "conflictingRequest",
        413 => "overLimit",
        _ => "computeFault",
    }
}

/// The fault key Manila wraps errors in (`wsgi.Fault._fault_names`);
/// every other status is a `computeFault`.
fn manila_fault(status: u16) -> &'static str {
    match status {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    }
}

/// Neutron's exception type for a status when the service named none.
fn neutron_type(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        413 => "OverQuota",
        _ => "InternalServerError",
    }
}

/// The JSON body for `err` in `family`'s envelope.
pub fn error_body(family: Family, err: &ApiError, request_id: &str) -> serde_json::Value {
    let msg = &err.message;
    match family {
        Family::Gateway | Family::Native => {
            json!({"error_msg": msg, "error_code": err.code, "request_id": request_id})
        }
        Family::Keystone => json!({
            "error": {"code": err.status, "message": msg, "title": err.kind.as_deref().unwrap_or(keystone_title(err.status))},
            "error_code": err.code,
            "error_msg": msg,
        }),
        Family::Vpc => json!({"code": err.code, "message": msg}),
        Family::Neutron => json!({"NeutronError": {
            "type": err.kind.as_deref().unwrap_or(neutron_type(err.status)),
            "message": msg,
            "detail": "",
        }}),
        Family::Nova => {
            let fault = err.kind.as_deref().unwrap_or(nova_fault(err.status));
            json!({ fault: {"code": err.status, "message": msg} })
        }
        Family::Manila => {
            let fault = err.kind.as_deref().unwrap_or(manila_fault(err.status));
            let mut body = json!({"code": err.status, "message": msg});
            // Manila's quota errors carry Retry-After: 0, which its fault
            // repeats in the body.
            if err.status == 413 {
                body["retryAfter"] = json!("0");
            }
            json!({ fault: body })
        }
        Family::Ecs => json!({"error": {"code": err.code, "message": msg}}),
        // Rendered as XML by `obs_error`; this is what the JSON would be.
        Family::Obs => json!({"Code": err.code, "Message": msg, "RequestId": request_id}),
        Family::SfsTurbo => json!({"errCode": err.code, "errMsg": msg}),
        // The reference documents `error_code`/`error_msg`; the real v1.1
        // API answers `errorCode`/`message` (which otcextensions reads
        // first): clients of either kind find theirs.
        Family::Mrs => json!({"error_code": err.code, "error_msg": msg, "errorCode": err.code, "message": msg, "request_id": request_id}),
    }
}

/// Text as XML character data.
fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// OBS's XML error (the SFS 3.0 appendix): the error's `kind` is the
/// Resource it concerns, when known; HostId is the emulator's one host.
pub fn obs_error(err: &ApiError, request_id: &str) -> String {
    let resource = err.kind.as_deref().map(|r| format!("<Resource>{}</Resource>", xml_text(r))).unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>{resource}<RequestId>{}</RequestId><HostId>{}</HostId></Error>",
        xml_text(&err.code),
        xml_text(&err.message),
        xml_text(request_id),
        OBS_HOST_ID,
    )
}

/// Base64 of "otc-emulator", where OBS puts its server's id.
const OBS_HOST_ID: &str = "b3RjLWVtdWxhdG9y";

/// How a rejected credential is answered. Identity words it with its own
/// codes; every other service is behind the API gateway, which answers
/// before the service is reached.
pub fn auth_failure(family: Family, why: &AuthFailure) -> (Family, ApiError) {
    let keystone = |code: &str, msg: &str| (Family::Keystone, ApiError::new(401, code, msg));
    let gateway =
        |detail: &str| (Family::Gateway, ApiError::unauthenticated(format!("Incorrect IAM authentication information: {detail}")));
    let obs = |code: &str, msg: &str| (Family::Obs, ApiError::new(403, code, msg));
    match (family, why) {
        (_, AuthFailure::Obs(code, msg)) => obs(code, msg),
        // OBS answers a request that is not signed at all as anonymous.
        (Family::Obs, AuthFailure::Missing | AuthFailure::Invalid | AuthFailure::Expired) => {
            obs("AccessDenied", "Access Denied: the request carries no OBS signature (Authorization: OBS <AK>:<signature>)")
        }
        (Family::Obs, AuthFailure::Signature(detail)) => obs("SignatureDoesNotMatch", detail),
        // Signatures are checked by the API gateway, whichever service is behind it.
        (_, AuthFailure::Signature(detail)) => gateway(detail),
        (Family::Keystone, AuthFailure::Missing) => keystone("IAM.0001", "The request you have made requires authentication."),
        (Family::Keystone, AuthFailure::Invalid) => keystone("IAM.0067", "Invalid token."),
        (Family::Keystone, AuthFailure::Expired) => keystone("IAM.0066", "The token has expired."),
        (_, AuthFailure::Missing) => gateway("x-auth-token not found"),
        (_, AuthFailure::Invalid) => gateway("decrypt token fail"),
        (_, AuthFailure::Expired) => gateway("token expires"),
    }
}

/// A request body the gateway could not read: over the limit is the API
/// gateway's 413, anything else (chunked framing that does not parse, a
/// connection that fails mid-body) a 400. Both are `APIG.0201` in the API
/// gateway's error table ("Request entity too large", "API request error").
pub(crate) fn unreadable_body(why: crate::body::Unreadable) -> ApiError {
    match why {
        crate::body::Unreadable::TooLarge => ApiError::new(413, "APIGW.0201", "Request entity too large"),
        crate::body::Unreadable::Broken => {
            ApiError::new(400, "APIGW.0201", "API request error: the request body is malformed or incomplete")
        }
    }
}

/// A request the HTTP layer refused before the gateway saw it (hyper's own
/// answer, replaced by `listener::canned`): a request line or header that
/// does not parse, conflicting lengths, a URI of 64 KiB or more, more than
/// 100 header lines or a head over 400 KiB. The API gateway words these as
/// `APIG.0201` request errors.
pub fn refused_request(status: u16) -> ApiError {
    let message = match status {
        414 => "Request URI too large",
        431 => "Request headers too large",
        413 => "Request entity too large",
        _ => "API request error: the request is not valid HTTP/1.1",
    };
    ApiError::new(status, "APIGW.0201", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes() {
        let e = ApiError::new(404, "VPC.0101", "not found");
        assert_eq!(error_body(Family::Vpc, &e, "r"), json!({"code": "VPC.0101", "message": "not found"}));
        assert_eq!(error_body(Family::Nova, &e, "r"), json!({"itemNotFound": {"code": 404, "message": "not found"}}));
        assert_eq!(error_body(Family::Neutron, &e, "r")["NeutronError"]["type"], "NotFound");
        assert_eq!(error_body(Family::Gateway, &e, "r")["request_id"], "r");
        assert_eq!(error_body(Family::Ecs, &e, "r"), json!({"error": {"code": "VPC.0101", "message": "not found"}}));
        assert_eq!(error_body(Family::SfsTurbo, &e, "r"), json!({"errCode": "VPC.0101", "errMsg": "not found"}));
        assert_eq!(error_body(Family::Manila, &e, "r"), json!({"itemNotFound": {"code": 404, "message": "not found"}}));
        let quota = ApiError::new(413, "overLimit", "Quota exceeded");
        assert_eq!(
            error_body(Family::Manila, &quota, "r"),
            json!({"overLimit": {"code": 413, "message": "Quota exceeded", "retryAfter": "0"}})
        );
        let version = ApiError::new(406, "notAcceptable", "Version 2.99 is not supported by the API.");
        assert_eq!(error_body(Family::Manila, &version, "r")["computeFault"]["code"], 406);
        let k = error_body(Family::Keystone, &e, "r");
        assert_eq!(k["error"]["title"], "Not Found");
        assert_eq!(k["error"]["code"], 404);
        assert_eq!(k["error_code"], "VPC.0101");
        let x = obs_error(&ApiError::new(404, "NoSuchBucket", "a <b> & c").with_kind("/fs/"), "r1");
        assert!(
            x.contains("<Code>NoSuchBucket</Code><Message>a &lt;b&gt; &amp; c</Message><Resource>/fs/</Resource><RequestId>r1</RequestId>")
        );
    }
}
