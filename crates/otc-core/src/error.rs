//! The one error type of the emulator.
//!
//! An `ApiError` carries what every API family needs to render its own
//! envelope: the HTTP status, the service's documented error code and the
//! message. `kind` is the family-specific name some envelopes want besides
//! the code (Neutron's error `type`, Nova's fault key such as `itemNotFound`,
//! Keystone's `title`); when it is absent the renderer derives one from the
//! status.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub kind: Option<String>,
    /// Response headers the family sends on its errors too (Manila's
    /// microversion), set by the service; rendered with the envelope.
    pub headers: Vec<(String, String)>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError { status, code: code.into(), message: message.into(), kind: None, headers: Vec::new() }
    }

    pub fn with_kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A failure of the emulator itself (storage, serialisation). Never the
    /// answer to bad input: that is always a documented 4xx.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(500, "EMULATOR.0500", message)
    }

    /// The API gateway's answer for a path or method that no service serves.
    pub fn unknown_api() -> Self {
        ApiError::new(404, "APIGW.0101", "The API does not exist or has not been published in the environment")
    }

    /// The API gateway's authentication failure (missing/invalid/expired token, bad signature).
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        ApiError::new(401, "APIGW.0301", message)
    }

    /// The API gateway's authorisation failure (token not valid for the addressed project).
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(403, "APIGW.0302", message)
    }

    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::internal(format!("stored document could not be (de)serialised: {e}"))
    }
}
