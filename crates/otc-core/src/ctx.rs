//! Who is calling, in which scope: what authentication hands to a handler.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ctx {
    pub request_id: String,
    pub domain_id: String,
    pub domain_name: String,
    pub user_id: String,
    pub user_name: String,
    /// Set for project-scoped credentials; domain-scoped tokens have none.
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    /// The region the project lives in (OTC projects are per region).
    pub region: Option<String>,
    pub roles: Vec<String>,
    /// The id of the token the caller presented, when a token was used.
    pub token_id: Option<String>,
}

impl Ctx {
    /// The project the caller acts in, or `None` for domain-scoped callers.
    pub fn project(&self) -> Option<&str> {
        self.project_id.as_deref()
    }
}
