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
pub const GROUP: &str = "iam.group";
/// A user's membership of a group: id `<group>/<user>`, scope the user
/// (a user's groups), key the group (a group's users).
pub const MEMBERSHIP: &str = "iam.membership";
/// The group every domain has whose members administer it (OTC's `admin`
/// group holds `te_admin`); the seeded users belong to it.
pub const ADMIN_GROUP: &str = "admin";
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
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub areacode: String,
    #[serde(default)]
    pub phone: String,
    /// Whether the user must change the password at the next login.
    #[serde(default)]
    pub pwd_status: bool,
    /// `default`, `programmatic` or `console`.
    #[serde(default = "default_access_mode")]
    pub access_mode: String,
    #[serde(default)]
    pub default_project_id: Option<String>,
    /// The account's own user: it cannot be deleted (1107).
    #[serde(default)]
    pub is_domain_owner: bool,
    #[serde(default)]
    pub create_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub update_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_login_time: Option<DateTime<Utc>>,
}

fn default_access_mode() -> String {
    "default".into()
}

impl User {
    pub fn password_matches(&self, password: &str) -> bool {
        hash_password(&self.password_salt, password) == self.password_sha256
    }
}

/// A user group of a domain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    #[serde(default)]
    pub description: String,
    pub create_time: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub group_id: String,
    pub user_id: String,
}

pub fn membership_id(group_id: &str, user_id: &str) -> String {
    format!("{group_id}/{user_id}")
}

/// A domain's user by name.
pub fn user_by_name(tx: &mut dyn Tx, domain_id: &str, name: &str) -> Result<Option<User>, StoreError> {
    let key = name_key(domain_id, name);
    Ok(tx.list_docs::<User>(&ListQuery { kind: USER, key: Some(&key), ..Default::default() })?.pop())
}

/// A domain's group by name.
pub fn group_by_name(tx: &mut dyn Tx, domain_id: &str, name: &str) -> Result<Option<Group>, StoreError> {
    let key = name_key(domain_id, name);
    Ok(tx.list_docs::<Group>(&ListQuery { kind: GROUP, key: Some(&key), ..Default::default() })?.pop())
}

/// Puts `user_id` in `group_id` (nothing if it is there already).
pub fn add_member(tx: &mut dyn Tx, group_id: &str, user_id: &str) -> Result<(), StoreError> {
    let id = membership_id(group_id, user_id);
    let m = Membership { group_id: group_id.into(), user_id: user_id.into() };
    tx.put_doc(MEMBERSHIP, &id, user_id, Some(group_id), &m).map(|_| ())
}

pub fn is_member(tx: &mut dyn Tx, group_id: &str, user_id: &str) -> Result<bool, StoreError> {
    Ok(tx.get(MEMBERSHIP, &membership_id(group_id, user_id))?.is_some())
}

/// The groups `user_id` belongs to.
pub fn groups_of(tx: &mut dyn Tx, user_id: &str) -> Result<Vec<Group>, StoreError> {
    let ms = tx.list_docs::<Membership>(&ListQuery { kind: MEMBERSHIP, scope: Some(user_id), ..Default::default() })?;
    let mut out = Vec::new();
    for m in ms {
        if let Some(g) = tx.get_doc::<Group>(GROUP, &m.group_id)? {
            out.push(g);
        }
    }
    Ok(out)
}

/// The users of `group_id`.
pub fn members_of(tx: &mut dyn Tx, group_id: &str) -> Result<Vec<User>, StoreError> {
    let ms = tx.list_docs::<Membership>(&ListQuery { kind: MEMBERSHIP, key: Some(group_id), ..Default::default() })?;
    let mut out = Vec::new();
    for m in ms {
        if let Some(u) = tx.get_doc::<User>(USER, &m.user_id)? {
            out.push(u);
        }
    }
    Ok(out)
}

/// The roles `user` holds: `te_admin` on the domain and all its projects
/// as a member of its domain's `admin` group, none otherwise (the
/// reference documents no role assignment API).
pub fn roles_of(tx: &mut dyn Tx, user: &User) -> Result<Vec<String>, StoreError> {
    let admin = match group_by_name(tx, &user.domain_id, ADMIN_GROUP)? {
        Some(g) => is_member(tx, &g.id, &user.id)?,
        None => false,
    };
    Ok(if admin { ROLES.iter().map(|r| r.to_string()).collect() } else { Vec::new() })
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

/// The roles of an administrator of its domain (OTC's tenant admin).
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
            ..serde_json::from_value(serde_json::json!({
                "id": "u", "name": "n", "domain_id": "d", "enabled": true, "password_salt": "", "password_sha256": ""
            }))
            .unwrap()
        };
        assert!(u.password_matches("pw"));
        assert!(!u.password_matches("PW"));
    }
}
