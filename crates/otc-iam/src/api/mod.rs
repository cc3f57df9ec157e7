//! IAM's API facades over the identity model, one module per group of
//! documented operations.

pub mod body;
pub mod credentials;
pub mod discovery;
pub mod domain_config;
pub mod groups;
pub mod projects;
pub mod tokens;
pub mod users;
