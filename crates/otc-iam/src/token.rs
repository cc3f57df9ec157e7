//! The token string: what a token grants, sealed with the signing keys
//! ([`crate::keys`]). Nothing is stored per token; validating one is
//! checking its tag, its expiry and the revocation events
//! ([`crate::revocation`]), and reading the names of its user, domain and
//! project.
//!
//! Layout inside the seal: flags (bit 0: project scope), the methods as
//! a bit set (Keystone's fernet tokens keep them so too, and render them
//! in a fixed order), issued and expiry time in microseconds, the 16-byte
//! audit id, the user id and the scope's id (project or domain). A token
//! is about 180 URL-safe base64 characters, as long as Keystone's.

use crate::keys::{Keyring, Reader, Writer};
use chrono::{DateTime, Utc};
use rand::RngCore;

const PURPOSE: &[u8] = b"token";
const METHODS: [&str; 2] = ["password", "token"];
const PROJECT_SCOPE: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Project(String),
    Domain(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub methods: Vec<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// What a revocation of this one token names (URL-safe base64 of 16
    /// random bytes, Keystone's shape).
    pub audit_id: String,
    pub user_id: String,
    pub scope: Scope,
}

/// A fresh audit id.
pub fn new_audit_id() -> String {
    use base64::Engine;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Whether `m` is a method a token can record.
pub fn known_method(m: &str) -> bool {
    METHODS.contains(&m)
}

/// `methods` as a token records them: known ones, once each, in
/// Keystone's order.
pub fn canonical_methods(methods: &[String]) -> Vec<String> {
    METHODS.iter().filter(|m| methods.iter().any(|x| x == *m)).map(|m| m.to_string()).collect()
}

/// `t` to the microsecond, the precision a token keeps.
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// The token string for `c`, signed with the ring's signing key.
pub fn seal(ring: &Keyring, c: &Claims) -> String {
    use base64::Engine;
    let audit = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&c.audit_id).unwrap_or_default();
    let mut audit16 = [0u8; 16];
    let n = audit.len().min(16);
    audit16[..n].copy_from_slice(&audit[..n]);
    let methods = METHODS.iter().enumerate().filter(|(_, m)| c.methods.iter().any(|x| x == *m)).fold(0u8, |acc, (i, _)| acc | 1 << i);
    let (flags, scope) = match &c.scope {
        Scope::Project(p) => (PROJECT_SCOPE, p),
        Scope::Domain(d) => (0, d),
    };
    let mut w = Writer::default();
    w.u8(flags).u8(methods).time(c.issued_at).time(c.expires_at).bytes(&audit16).str(&c.user_id).str(scope);
    ring.seal(PURPOSE, &w.0)
}

/// The claims of a token this ring signed (with any key it still
/// holds), or `None` for anything else: tampered, foreign, truncated.
pub fn open(ring: &Keyring, token: &str) -> Option<Claims> {
    use base64::Engine;
    let (_, payload) = ring.open(PURPOSE, token)?;
    let mut r = Reader(&payload);
    let flags = r.u8()?;
    let bits = r.u8()?;
    let issued_at = r.time()?;
    let expires_at = r.time()?;
    let audit_id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r.bytes(16)?);
    let user_id = r.str()?.to_string();
    let scope_id = r.str()?.to_string();
    if !r.done() {
        return None;
    }
    let methods = METHODS.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, m)| m.to_string()).collect();
    let scope = if flags & PROJECT_SCOPE != 0 { Scope::Project(scope_id) } else { Scope::Domain(scope_id) };
    Some(Claims { methods, issued_at, expires_at, audit_id, user_id, scope })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn ring() -> Keyring {
        let store = otc_store::Store::memory();
        Keyring::new(store.txn(|tx| crate::keys::load(tx, Utc::now(), Duration::hours(24))).unwrap())
    }

    fn claims(scope: Scope) -> Claims {
        let now = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap();
        Claims {
            methods: vec!["password".into()],
            issued_at: now,
            expires_at: now + Duration::hours(24),
            audit_id: new_audit_id(),
            user_id: otc_core::ids::hex32(),
            scope,
        }
    }

    #[test]
    fn a_token_carries_its_claims() {
        let ring = ring();
        for scope in [Scope::Project(otc_core::ids::hex32()), Scope::Domain(otc_core::ids::hex32())] {
            let c = claims(scope);
            let t = seal(&ring, &c);
            assert!((150..=260).contains(&t.len()), "{} characters", t.len());
            assert!(t.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'), "URL-safe: {t}");
            assert_eq!(open(&ring, &t), Some(c));
        }
        let mut c = claims(Scope::Domain("d".into()));
        c.methods = vec!["token".into(), "password".into()];
        assert_eq!(open(&ring, &seal(&ring, &c)).unwrap().methods, ["password", "token"]);
    }

    #[test]
    fn another_ring_or_a_changed_byte_is_refused() {
        let (a, b) = (ring(), ring());
        let t = seal(&a, &claims(Scope::Domain("d".into())));
        assert!(open(&b, &t).is_none(), "another emulator's key");
        for i in 0..t.len() {
            let mut s = t.clone().into_bytes();
            s[i] = if s[i] == b'x' { b'y' } else { b'x' };
            assert!(open(&a, std::str::from_utf8(&s).unwrap()).is_none(), "byte {i} changed");
        }
        assert!(open(&a, &t[..t.len() - 1]).is_none());
        assert!(open(&a, &format!("{t}A")).is_none());
    }
}
