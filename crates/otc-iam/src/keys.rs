//! The keys identity signs what it hands out with: tokens and temporary
//! access keys carry their own contents behind an HMAC-SHA256 tag, so
//! nothing is stored per token (Keystone's fernet tokens work alike).
//!
//! The key set is one stored document, so what was issued before a
//! restart still verifies after it. The newest key signs; a rotation adds
//! a key and retires the previous one, which still verifies until
//! everything it signed has expired ([`KeySet::longest_lifetime_seconds`]
//! after its retirement), and is dropped after that.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use otc_store::{StoreError, Tx, TxExt};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const SIGNING_KEYS: &str = "iam.signing_keys";
const KEY_SET_ID: &str = "tokens";

/// The first byte of every sealed string: its layout.
const VERSION: u8 = 1;
/// Bytes of an HMAC-SHA256 tag.
const TAG: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// The stored key set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeySet {
    /// Oldest first; the last one signs.
    pub keys: Vec<StoredKey>,
    /// The longest anything signed may live (tokens, temporary keys): a
    /// retired key is kept that long after its retirement. It only grows,
    /// so a shorter lifetime configured later never drops a key that
    /// still has live tokens.
    pub longest_lifetime_seconds: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredKey {
    pub id: u32,
    /// 32 random bytes, hex.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl StoredKey {
    fn new(id: u32, now: DateTime<Utc>) -> Self {
        StoredKey { id, secret: otc_core::ids::secret_hex(32), created_at: now, retired_at: None }
    }
}

impl KeySet {
    fn primary(&self) -> &StoredKey {
        self.keys.last().expect("a key set has a key")
    }

    /// Drops retired keys nothing live was signed with; `true` if any was.
    fn drop_spent(&mut self, now: DateTime<Utc>) -> bool {
        let keep = Duration::seconds(self.longest_lifetime_seconds);
        let before = self.keys.len();
        self.keys.retain(|k| k.retired_at.is_none_or(|r| r + keep > now));
        self.keys.len() != before
    }

    fn rotate(&mut self, now: DateTime<Utc>) {
        let next = self.primary().id.wrapping_add(1);
        if let Some(k) = self.keys.last_mut() {
            k.retired_at = Some(now);
        }
        self.keys.push(StoredKey::new(next, now));
        self.drop_spent(now);
    }
}

fn read(tx: &mut dyn Tx) -> Result<Option<KeySet>, StoreError> {
    tx.get_doc::<KeySet>(SIGNING_KEYS, KEY_SET_ID)
}

fn write(tx: &mut dyn Tx, set: &KeySet) -> Result<(), StoreError> {
    tx.put_doc(SIGNING_KEYS, KEY_SET_ID, KEY_SET_ID, None, set).map(|_| ())
}

/// The stored key set, created on first start; `longest` raises the
/// lifetime retired keys are kept for, and spent keys are dropped.
pub fn load(tx: &mut dyn Tx, now: DateTime<Utc>, longest: Duration) -> Result<KeySet, StoreError> {
    let (mut set, mut changed) = match read(tx)? {
        Some(s) if !s.keys.is_empty() => (s, false),
        _ => (KeySet { keys: vec![StoredKey::new(1, now)], longest_lifetime_seconds: 0 }, true),
    };
    if set.longest_lifetime_seconds < longest.num_seconds() {
        set.longest_lifetime_seconds = longest.num_seconds();
        changed = true;
    }
    changed |= set.drop_spent(now);
    if changed {
        write(tx, &set)?;
    }
    Ok(set)
}

/// Rotates the stored key set: a new key signs from now on. With `due`,
/// only if the signing key is at least that old (so that two requests
/// finding rotation due at once rotate once).
pub fn rotate(tx: &mut dyn Tx, now: DateTime<Utc>, longest: Duration, due: Option<Duration>) -> Result<KeySet, StoreError> {
    let mut set = load(tx, now, longest)?;
    if due.is_none_or(|age| set.primary().created_at + age <= now) {
        set.rotate(now);
        write(tx, &set)?;
    }
    Ok(set)
}

/// The key set ready to sign and verify: each key's HMAC state keyed once.
pub struct Keyring {
    set: KeySet,
    macs: Vec<(u32, HmacSha256)>,
}

impl Keyring {
    pub fn new(set: KeySet) -> Self {
        let macs = set
            .keys
            .iter()
            .map(|k| {
                let secret = hex::decode(&k.secret).unwrap_or_else(|_| k.secret.as_bytes().to_vec());
                (k.id, HmacSha256::new_from_slice(&secret).expect("HMAC takes a key of any length"))
            })
            .collect();
        Keyring { set, macs }
    }

    pub fn set(&self) -> &KeySet {
        &self.set
    }

    /// Whether the signing key is at least `age` old.
    pub fn due(&self, now: DateTime<Utc>, age: Duration) -> bool {
        self.set.primary().created_at + age <= now
    }

    fn mac(&self, key_id: u32, purpose: &[u8]) -> Option<HmacSha256> {
        let (_, m) = self.macs.iter().find(|(id, _)| *id == key_id)?;
        let mut m = m.clone();
        // The purpose separates what one key signs: a token's tag is no
        // security token's.
        m.update(purpose);
        m.update(&[0]);
        Some(m)
    }

    /// The id of the key that signs.
    pub fn signing_key_id(&self) -> u32 {
        self.set.primary().id
    }

    /// `payload` with its layout version, signing key and tag, URL-safe
    /// base64 without padding.
    pub fn seal(&self, purpose: &[u8], payload: &[u8]) -> String {
        use base64::Engine;
        let key_id = self.signing_key_id();
        let mut out = Vec::with_capacity(5 + payload.len() + TAG);
        out.push(VERSION);
        out.extend_from_slice(&key_id.to_be_bytes());
        out.extend_from_slice(payload);
        let mut m = self.mac(key_id, purpose).expect("the signing key is in the ring");
        m.update(&out);
        out.extend_from_slice(&m.finalize().into_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
    }

    /// The payload of a string [`Keyring::seal`] made under `purpose` with
    /// a key of this ring, if its tag is right; with the id of that key.
    pub fn open(&self, purpose: &[u8], sealed: &str) -> Option<(u32, Vec<u8>)> {
        use base64::Engine;
        // Longer than anything sealed here: refused before decoding.
        if sealed.len() > 1024 {
            return None;
        }
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if raw.len() < 5 + TAG || raw[0] != VERSION {
            return None;
        }
        let key_id = u32::from_be_bytes(raw[1..5].try_into().ok()?);
        let (signed, tag) = raw.split_at(raw.len() - TAG);
        let mut m = self.mac(key_id, purpose)?;
        m.update(signed);
        m.verify_slice(tag).ok()?;
        Some((key_id, signed[5..].to_vec()))
    }

    /// 32 bytes only the holder of key `key_id` can compute from `data`
    /// (a temporary key's secret).
    pub fn derive(&self, key_id: u32, purpose: &[u8], data: &[u8]) -> Option<[u8; 32]> {
        let mut m = self.mac(key_id, purpose)?;
        m.update(data);
        Some(m.finalize().into_bytes().into())
    }

    /// The ids of every key that still verifies.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.macs.iter().map(|(id, _)| *id)
    }
}

/// The byte layout of sealed payloads: big-endian numbers, strings behind
/// their length.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }

    pub fn time(&mut self, t: DateTime<Utc>) -> &mut Self {
        self.0.extend_from_slice(&t.timestamp_micros().to_be_bytes());
        self
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(b);
        self
    }

    /// A string of at most 255 bytes (ids are 32), length first.
    pub fn str(&mut self, s: &str) -> &mut Self {
        let b = &s.as_bytes()[..s.len().min(255)];
        self.0.push(b.len() as u8);
        self.0.extend_from_slice(b);
        self
    }
}

/// Reads what a [`Writer`] wrote; `None` when the bytes run out or a
/// string is not UTF-8 (a payload of another layout).
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.bytes(1).map(|b| b[0])
    }

    pub fn time(&mut self) -> Option<DateTime<Utc>> {
        let micros = i64::from_be_bytes(self.bytes(8)?.try_into().ok()?);
        DateTime::from_timestamp_micros(micros)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.u8()? as usize;
        std::str::from_utf8(self.bytes(n)?).ok()
    }

    pub fn done(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(now: DateTime<Utc>) -> (otc_store::Store, Keyring) {
        let store = otc_store::Store::memory();
        let set = store.txn(|tx| load(tx, now, Duration::hours(24))).unwrap();
        (store, Keyring::new(set))
    }

    #[test]
    fn sealed_strings_open_only_untampered_and_for_their_purpose() {
        let (_, ring) = ring(Utc::now());
        let s = ring.seal(b"token", b"hello");
        assert_eq!(ring.open(b"token", &s).map(|(_, p)| p), Some(b"hello".to_vec()));
        assert!(ring.open(b"security-token", &s).is_none(), "another purpose's tag");
        let mut raw = s.into_bytes();
        let i = raw.len() / 2;
        raw[i] = if raw[i] == b'A' { b'B' } else { b'A' };
        assert!(ring.open(b"token", std::str::from_utf8(&raw).unwrap()).is_none());
        assert!(ring.open(b"token", "").is_none());
        assert!(ring.open(b"token", "not base64 at all!").is_none());
    }

    #[test]
    fn rotation_keeps_the_previous_key_until_its_tokens_expired() {
        let t0 = Utc::now();
        let (store, first) = ring(t0);
        let old = first.seal(b"token", b"x");
        let t1 = t0 + Duration::hours(1);
        let set = store.txn(|tx| rotate(tx, t1, Duration::hours(24), None)).unwrap();
        let second = Keyring::new(set);
        assert_eq!(second.ids().count(), 2);
        assert!(second.open(b"token", &old).is_some(), "the retired key still verifies");
        assert_ne!(second.open(b"token", &second.seal(b"token", b"y")).unwrap().0, first.signing_key_id());
        // Not due yet: nothing changes.
        let same = store.txn(|tx| rotate(tx, t1, Duration::hours(24), Some(Duration::hours(1)))).unwrap();
        assert_eq!(same.keys.len(), 2);
        // A day after its retirement the old key is gone.
        let t2 = t1 + Duration::hours(24);
        let set = store.txn(|tx| load(tx, t2, Duration::hours(24))).unwrap();
        let third = Keyring::new(set);
        assert_eq!(third.ids().count(), 1);
        assert!(third.open(b"token", &old).is_none());
    }

    #[test]
    fn the_lifetime_kept_only_grows() {
        let now = Utc::now();
        let (store, _) = ring(now);
        let set = store.txn(|tx| load(tx, now, Duration::hours(1))).unwrap();
        assert_eq!(set.longest_lifetime_seconds, 24 * 3600);
        let set = store.txn(|tx| load(tx, now, Duration::hours(48))).unwrap();
        assert_eq!(set.longest_lifetime_seconds, 48 * 3600);
    }
}
