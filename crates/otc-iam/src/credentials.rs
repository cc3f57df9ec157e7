//! Access keys: permanent AK/SK pairs of a user (at most two, active or
//! inactive) and temporary ones issued with a security token that expire.
//! Both are found by their access key when a signed request arrives.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

pub const CREDENTIAL: &str = "iam.credential";
pub const TEMP_CREDENTIAL: &str = "iam.temp_credential";

/// The most permanent keys a user may have (OTC: two per user).
pub const KEYS_PER_USER: usize = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credential {
    pub access: String,
    /// Kept in the clear: verifying a signature needs it.
    pub secret: String,
    pub user_id: String,
    pub domain_id: String,
    /// `active` or `inactive`.
    pub status: String,
    pub description: String,
    pub create_time: DateTime<Utc>,
    pub last_use_time: DateTime<Utc>,
}

/// A temporary key: valid with its security token until it expires.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TempCredential {
    pub access: String,
    pub secret: String,
    pub security_token: String,
    pub user_id: String,
    pub domain_id: String,
    /// The project of the token it was issued with, if project-scoped.
    pub project_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

/// A 20-character access key of upper-case letters and digits.
pub fn new_access_key() -> String {
    random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20)
}

/// A 40-character secret key.
pub fn new_secret_key() -> String {
    random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40)
}

/// A security token in the Fernet-like shape OTC hands out.
pub fn new_security_token() -> String {
    format!("gAAAAA{}", random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 180))
}
