//! Access keys: permanent AK/SK pairs of a user (at most two, active or
//! inactive) and temporary ones issued with a security token that expire.
//! Permanent keys are stored and found by their access key; temporary
//! ones are carried by their security token.

use crate::keys::{Keyring, Reader, Writer};
use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

pub const CREDENTIAL: &str = "iam.credential";
/// Where temporary keys were stored before their security token carried
/// them: such documents are removed on start.
pub const TEMP_CREDENTIAL: &str = "iam.temp_credential";
/// The longest a temporary key lives (`duration_seconds` at most 24 h).
pub const TEMP_MAX_SECONDS: i64 = 24 * 3600;

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

/// A temporary key, as its security token carries it: nothing is stored
/// per temporary key. The security token is sealed with the signing keys
/// ([`crate::keys`]) and names the access key; the secret key is derived
/// from the security token with the same key, so only identity can
/// compute it, and after a restart too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TempKey {
    pub access: String,
    pub user_id: String,
    /// The project of the token it was issued with, if project-scoped.
    pub project_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// A temporary key as handed out.
pub struct IssuedTempKey {
    pub key: TempKey,
    pub secret: String,
    pub security_token: String,
}

const SECURITY_TOKEN: &[u8] = b"security-token";
const ACCESS_KEY: &[u8] = b"access-key";
const SECRET_KEY: &[u8] = b"secret-key";
/// What OTC's security tokens start with (the Fernet version byte and
/// timestamp, in base64); the emulator keeps the look.
const SECURITY_TOKEN_PREFIX: &str = "gAAAAA";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Random characters of a temporary access key; the other 12 are its tag.
const ACCESS_RANDOM: usize = 8;

/// The 12 characters that mark `random` as a temporary access key issued
/// under `key_id`.
fn access_tag(ring: &Keyring, key_id: u32, random: &str) -> Option<String> {
    let d = ring.derive(key_id, ACCESS_KEY, random.as_bytes())?;
    let mut n = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
    let mut tag = [0u8; 12];
    for c in tag.iter_mut().rev() {
        *c = UPPER_DIGITS[(n % 36) as usize];
        n /= 36;
    }
    Some(String::from_utf8_lossy(&tag).into_owned())
}

/// Whether `ak` has the shape of a temporary access key identity issued
/// (with a key it still holds), so that a request without its security
/// token can be told so.
pub fn is_temp_access_key(ring: &Keyring, ak: &str) -> bool {
    if ak.len() != 20 || !ak.is_ascii() {
        return false;
    }
    let (random, tag) = ak.split_at(ACCESS_RANDOM);
    ring.ids().any(|id| access_tag(ring, id, random).is_some_and(|t| crate::signing::same(&t, tag)))
}

/// The secret key of the temporary key `sealed` carries.
fn temp_secret(ring: &Keyring, key_id: u32, sealed: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(64);
    for counter in [0u8, 1] {
        let mut data = vec![counter];
        data.extend_from_slice(sealed.as_bytes());
        bytes.extend_from_slice(&ring.derive(key_id, SECRET_KEY, &data)?);
    }
    Some(bytes[..40].iter().map(|b| ALNUM[*b as usize % ALNUM.len()] as char).collect())
}

/// A new temporary key for `user_id` (and `project_id`), signed with the
/// ring's signing key.
pub fn issue_temp_key(ring: &Keyring, user_id: &str, project_id: Option<&str>, expires_at: DateTime<Utc>) -> IssuedTempKey {
    let expires_at = crate::token::micros(expires_at);
    let random = random_from(UPPER_DIGITS, ACCESS_RANDOM);
    let key_id = ring.signing_key_id();
    let access = format!("{random}{}", access_tag(ring, key_id, &random).expect("the signing key is in the ring"));
    let mut w = Writer::default();
    w.u8(project_id.is_some() as u8).time(expires_at).str(&access).str(user_id).str(project_id.unwrap_or(""));
    let sealed = ring.seal(SECURITY_TOKEN, &w.0);
    let secret = temp_secret(ring, key_id, &sealed).expect("the signing key is in the ring");
    let key = TempKey { access, user_id: user_id.to_string(), project_id: project_id.map(str::to_string), expires_at };
    IssuedTempKey { key, secret, security_token: format!("{SECURITY_TOKEN_PREFIX}{sealed}") }
}

/// The temporary key a security token carries, and its secret key, if
/// identity issued it (expired ones too: callers decide).
pub fn open_temp_key(ring: &Keyring, security_token: &str) -> Option<(TempKey, String)> {
    let sealed = security_token.strip_prefix(SECURITY_TOKEN_PREFIX)?;
    let (key_id, payload) = ring.open(SECURITY_TOKEN, sealed)?;
    let mut r = Reader(&payload);
    let has_project = r.u8()? != 0;
    let expires_at = r.time()?;
    let access = r.str()?.to_string();
    let user_id = r.str()?.to_string();
    let project = r.str()?;
    if !r.done() {
        return None;
    }
    let project_id = has_project.then(|| project.to_string());
    let secret = temp_secret(ring, key_id, sealed)?;
    Some((TempKey { access, user_id, project_id, expires_at }, secret))
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

/// A 20-character access key of upper-case letters and digits.
pub fn new_access_key() -> String {
    random_from(UPPER_DIGITS, 20)
}

/// A 40-character secret key.
pub fn new_secret_key() -> String {
    random_from(ALNUM, 40)
}
