//! VPN v5's documented error codes (appendixes/error_codes.rst), rendered
//! in the native envelope `{"error_code", "error_msg", "request_id"}` that
//! every example of the API pages shows (the appendix's `{"code",
//! "message"}` block is contradicted by all of them and by the clients).

use otc_core::ApiError;

/// (code, status, message) as the appendix lists them; `%s` is filled in
/// by [`vpn_error`].
const CODES: &[(&str, u16, &str)] = &[
    ("VPN.0001", 400, "invalid request: %s"),
    ("VPN.0002", 500, "server error: %s"),
    ("VPN.0004", 404, "resource not found"),
    ("VPN.0009", 425, "Connection %s is deleting."),
    ("VPN.0012", 400, "IP address %s is occupied"),
    ("VPN.0013", 400, "Unsupported attribute: %s"),
    ("VPN.0016", 409, "VPN gateway is not ready, please try again later"),
    ("VPN.0018", 400, "ER feature is disabled"),
    ("VPN.0101", 400, "Invalid EIP bandwidth size: %s"),
    ("VPN.0102", 400, "EIP %s has invalid bandwidth status: %s"),
    ("VPN.0103", 400, "EIP %s has invalid status: %s"),
    ("VPN.0104", 400, "%s is not in subnet: %s"),
    ("VPN.0105", 400, "Flavor %s cannot update to specification %s with network type %s"),
    ("VPN.0107", 400, "Private IPs must be different with each other"),
    ("VPN.0108", 400, "Invalid IP format, %s"),
    ("VPN.0109", 400, "access_private_ip_1 and access_private_ip_2 must be both filled or both left empty"),
    ("VPN.0110", 400, "%s is a system reserved address and cannot be allocated"),
    ("VPN.0111", 400, "Private IP %s is occupied"),
    ("VPN.0112", 400, "EIP %s has been bound to an instance."),
    ("VPN.0203", 400, "Invalid IP address."),
    ("VPN.0204", 400, "Class D(multicast address), class E(reserved address), and loopback address(starting with 127) are not supported."),
    ("VPN.0285", 400, "Subnet %s only has %s IP available, but %s is required"),
    ("VPN.0304", 400, "Query connection log is only supported for newer VPN gateway."),
    ("VPN.0306", 400, "The connection is being updated, please try again later."),
    ("VPN.0381", 400, "VPN connection %s already has connection monitor"),
    ("VPN.0506", 400, "The gateway is being created, please try again later."),
    ("VPN.0507", 400, "The gateway is being updated, please try again later."),
    ("VPN.0508", 400, "The gateway is being deleted."),
    ("VPN.0509", 404, "The gateway does not exist."),
    ("VPN.0516", 400, "Non-fixed IP not supported in post-paid situation"),
    ("VPN.0517", 400, "The connection group of the target flavor %s does not match the current one: %s"),
    ("VPN.0518", 400, "The target flavor %s does not support modification: %s"),
];

/// The documented error `code` with its placeholders filled from `args`
/// in order (missing ones stay empty).
pub fn vpn_error(code: &str, args: &[&str]) -> ApiError {
    let (status, template) = CODES.iter().find(|(c, _, _)| *c == code).map(|(_, s, m)| (*s, *m)).unwrap_or((400, "%s"));
    let mut msg = String::new();
    let mut rest = template;
    let mut args = args.iter();
    while let Some(i) = rest.find("%s") {
        msg.push_str(&rest[..i]);
        msg.push_str(args.next().copied().unwrap_or(""));
        rest = &rest[i + 2..];
    }
    msg.push_str(rest);
    ApiError::new(status, code, msg)
}

/// VPN.0001 `invalid request: <detail>`, the generic validation refusal.
pub fn invalid(detail: impl AsRef<str>) -> ApiError {
    vpn_error("VPN.0001", &[detail.as_ref()])
}

/// VPN.0004: a customer gateway, connection, monitor or tagged resource
/// that does not exist in the project.
pub fn not_found() -> ApiError {
    vpn_error("VPN.0004", &[])
}

/// A request body that is not JSON.
pub fn bad_body(detail: &str) -> ApiError {
    invalid(format!("the request body is not valid JSON: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        let e = vpn_error("VPN.0285", &["s1", "1", "2"]);
        assert_eq!((e.status, e.message.as_str()), (400, "Subnet s1 only has 1 IP available, but 2 is required"));
        assert_eq!(invalid("x").message, "invalid request: x");
        assert_eq!(vpn_error("VPN.0509", &[]).status, 404);
        assert_eq!(vpn_error("VPN.0009", &["c"]).status, 425);
    }
}
