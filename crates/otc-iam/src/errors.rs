//! IAM's documented error codes (iam/appendix/error_codes.rst), with the
//! messages' placeholders filled in.

use otc_core::ApiError;

pub fn required(key: &str) -> ApiError {
    ApiError::new(400, "IAM.0072", format!("'{key}' is a required property."))
}

pub fn invalid_field(key: &str, value: &str) -> ApiError {
    ApiError::new(400, "IAM.0073", format!("Invalid input for field '{key}'. The value is '{value}'."))
}

pub fn invalid_param(key: &str) -> ApiError {
    ApiError::new(400, "IAM.0007", format!("Request parameter {key} is invalid."))
}

pub fn invalid_body(detail: &str) -> ApiError {
    let _ = detail; // the documented message has no room for the parser's words
    ApiError::new(400, "IAM.0011", "Request body is invalid.")
}

pub fn subject_token_invalid() -> ApiError {
    ApiError::new(400, "IAM.0009", "X-Subject-Token is invalid in the request.")
}

pub fn project_unknown() -> ApiError {
    ApiError::new(400, "IAM.1109", "The project information cannot be found.")
}

pub fn authentication_required() -> ApiError {
    ApiError::new(401, "IAM.0001", "The request you have made requires authentication.")
}

pub fn wrong_password() -> ApiError {
    ApiError::new(401, "IAM.0062", "Incorrect password.")
}

pub fn token_expired() -> ApiError {
    ApiError::new(401, "IAM.0066", "The token has expired.")
}

pub fn token_invalid() -> ApiError {
    ApiError::new(401, "IAM.0067", "Invalid token.")
}

pub fn not_authorized() -> ApiError {
    ApiError::new(403, "IAM.0002", "You are not authorized to perform the requested action.")
}

pub fn user_disabled(name: &str) -> ApiError {
    ApiError::new(403, "IAM.0082", format!("The user {name} is disabled."))
}

pub fn console_only() -> ApiError {
    ApiError::new(403, "IAM.0081", "This user only supports console access, not programmatic access.")
}

pub fn not_found(target: &str, id: &str) -> ApiError {
    ApiError::new(404, "IAM.0004", format!("Could not find {target}: {id}."))
}

pub fn conflict(kind: &str, details: &str) -> ApiError {
    ApiError::new(409, "IAM.0005", format!("Conflict occurred when attempting to store {kind} - {details}."))
}

/// The user-management codes of the OTC-style `/v3.0/OS-USER` API: bare
/// numbers, all 400, with the table's message.
pub fn user_error(code: &'static str) -> ApiError {
    let message = match code {
        "1100" => "Mandatory parameters are not specified.",
        "1101" => "Invalid username.",
        "1102" => "Invalid email address.",
        "1103" => "Incorrect password.",
        "1104" => "Invalid mobile number.",
        "1106" => "The country code and mobile number must be set at the same time.",
        "1107" => "The account administrator cannot be deleted.",
        "1108" => "The new password must be different from the old password.",
        "1109" => "The username already exists.",
        "1115" => "The number of IAM users has reached the maximum allowed limit.",
        "1117" => "Invalid user description.",
        "1118" => "The password is weak.",
        "1120" => "Invalid access_mode.",
        _ => "The server failed to process the request.",
    };
    ApiError::new(400, code, message)
}
