//! Identity's resources as stored, and the rules they keep.
//!
//! OTC identity is Keystone-shaped: a domain (the account) owns users and
//! projects; every region has a top-level project named after it (`eu-de`),
//! and sub-projects are named `<region>_<suffix>` with the region project
//! as parent. Tokens are not stored: they carry their claims, sealed
//! ([`crate::token`]).

use chrono::{DateTime, Utc};
use otc_store::{ListQuery, StoreError, Tx, TxExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const DOMAIN: &str = "iam.domain";
pub const USER: &str = "iam.user";
pub const PROJECT: &str = "iam.project";
/// Where tokens were stored before they carried their own claims: such
/// documents are removed on start ([`crate::Iam::new`]).
pub const LEGACY_TOKEN: &str = "iam.token";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Domain {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    pub enabled: bool,
    pub password_salt: String,
    pub password_sha256: String,
}

impl User {
    pub fn password_matches(&self, password: &str) -> bool {
        hash_password(&self.password_salt, password) == self.password_sha256
    }
}

pub fn hash_password(salt: &str, password: &str) -> String {
    hex::encode(Sha256::digest(format!("{salt}:{password}").as_bytes()))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    pub parent_id: String,
    #[serde(default)]
    pub description: String,
    pub enabled: bool,
    /// `normal` or `suspended` (the /v3-ext status API).
    pub status: String,
    #[serde(default)]
    pub suspended_time: Option<String>,
}

impl Project {
    /// The region a project lives in: its name up to the first `_`.
    pub fn region(&self) -> &str {
        region_of(&self.name)
    }

    /// A region's own top-level project (as opposed to a sub-project).
    pub fn is_region_project(&self) -> bool {
        !self.name.contains('_')
    }
}

pub fn region_of(project_name: &str) -> &str {
    project_name.split('_').next().unwrap_or(project_name)
}

/// The secondary lookup key of users and projects: unique names per domain.
pub fn name_key(domain_id: &str, name: &str) -> String {
    format!("{domain_id}/{name}")
}

/// A domain's project by name.
pub fn project_by_name(tx: &mut dyn Tx, domain_id: &str, name: &str) -> Result<Option<Project>, StoreError> {
    let key = name_key(domain_id, name);
    Ok(tx.list_docs::<Project>(&ListQuery { kind: PROJECT, key: Some(&key), ..Default::default() })?.pop())
}

/// How many sub-projects a domain has: what the project quota counts.
pub fn subprojects_of(tx: &mut dyn Tx, domain_id: &str) -> Result<i64, StoreError> {
    let all = tx.list_docs::<Project>(&ListQuery { kind: PROJECT, scope: Some(domain_id), ..Default::default() })?;
    Ok(all.iter().filter(|p| !p.is_region_project()).count() as i64)
}

/// The roles every token of the emulator carries (OTC's tenant admin).
pub const ROLES: &[&str] = &["te_admin"];

/// What a valid token grants: its claims, with the names of its user,
/// domain and project as they are now.
#[derive(Debug, Clone)]
pub struct Token {
    pub methods: Vec<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub audit_id: String,
    pub user_id: String,
    pub user_name: String,
    pub domain_id: String,
    pub domain_name: String,
    /// Project scope; `None` for a domain-scoped (global) token.
    pub project: Option<TokenProject>,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TokenProject {
    pub id: String,
    pub name: String,
    pub region: String,
}

/// Project names OTC accepts: `<existing region>_<suffix>`, at most 64
/// characters; the suffix uses letters, digits, `-` and `_`.
pub fn valid_subproject_name(name: &str, regions: &[String]) -> bool {
    let Some((region, suffix)) = name.split_once('_') else {
        return false;
    };
    name.chars().count() <= 64
        && regions.iter().any(|r| r == region)
        && !suffix.is_empty()
        && suffix.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subproject_names() {
        let regions = vec!["eu-de".to_string(), "eu-nl".to_string()];
        assert!(valid_subproject_name("eu-de_test1", &regions));
        assert!(valid_subproject_name("eu-nl_a-b_c", &regions));
        assert!(!valid_subproject_name("eu-de", &regions));
        assert!(!valid_subproject_name("eu-de_", &regions));
        assert!(!valid_subproject_name("us-east_x", &regions));
        assert!(!valid_subproject_name("eu-de_a b", &regions));
        assert!(!valid_subproject_name(&format!("eu-de_{}", "x".repeat(59)), &regions));
        assert!(valid_subproject_name(&format!("eu-de_{}", "x".repeat(58)), &regions));
        assert_eq!(region_of("eu-de_test"), "eu-de");
    }

    #[test]
    fn passwords() {
        let u = User {
            id: "u".into(),
            name: "n".into(),
            domain_id: "d".into(),
            enabled: true,
            password_salt: "s".into(),
            password_sha256: hash_password("s", "pw"),
        };
        assert!(u.password_matches("pw"));
        assert!(!u.password_matches("PW"));
    }
}
