//! Key pairs: imported OpenSSH public keys (validated, fingerprinted the
//! way Nova does: MD5 of the key blob in colon hex) or a freshly generated
//! Ed25519 pair whose private half is returned once and never stored.
//! Key pairs belong to the user within one region, as in Nova: the
//! projects of a region share them, another region has its own.

use super::*;
use md5::{Digest, Md5};
use ssh_key::{Algorithm, LineEnding, PrivateKey, PublicKey};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keypair {
    pub name: String,
    pub user_id: String,
    /// Empty only in documents written before key pairs were per region
    /// (see [`Compute::adopt_legacy_keypairs`]).
    #[serde(default)]
    pub region: String,
    /// Regions a legacy (region-less) key pair has been copied into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adopted_by: Vec<String>,
    pub public_key: String,
    pub fingerprint: String,
    pub key_type: String,
    pub created_at: Timestamp,
}

/// A generated pair: the stored key pair and its private key (OpenSSH PEM).
pub struct Generated {
    pub keypair: Keypair,
    pub private_key: String,
}

/// Where a user's key pairs of one region are listed.
fn keypair_scope(region: &str, user_id: &str) -> String {
    format!("{region}/{user_id}")
}

fn keypair_id(region: &str, user_id: &str, name: &str) -> String {
    format!("{region}/{user_id}/{name}")
}

/// Nova's name rule (before 2.92): 1-255 of letters, digits, `_`, `-`, space.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 255 && name.chars().all(|c| c.is_ascii_alphanumeric() || "_- ".contains(c))
}

/// Parses an OpenSSH public key line and returns its MD5 fingerprint.
pub fn fingerprint(public_key: &str) -> Option<String> {
    let key = PublicKey::from_openssh(public_key.trim()).ok()?;
    let blob = key.to_bytes().ok()?;
    let digest = Md5::digest(&blob);
    Some(digest.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))
}

impl Compute<'_, '_> {
    fn id_of(&self, name: &str) -> String {
        keypair_id(self.net.region, self.user_id, name)
    }

    pub fn keypairs(&mut self) -> ModelResult<Vec<Keypair>> {
        self.adopt_legacy_keypairs()?;
        let scope = keypair_scope(self.net.region, self.user_id);
        Ok(self.net.tx.list_docs(&ListQuery { kind: KEYPAIR, scope: Some(&scope), ..Default::default() })?)
    }

    pub fn keypair(&mut self, name: &str) -> ModelResult<Keypair> {
        self.adopt_legacy_keypairs()?;
        let id = self.id_of(name);
        self.net
            .tx
            .get_doc::<Keypair>(KEYPAIR, &id)?
            .ok_or_else(|| Fault::NotFound(format!("Keypair {name} not found for user {}", self.user_id)))
    }

    /// Key pairs stored before they were per region (scope = the user, no
    /// region) were visible in every region. Rather than guess which region
    /// a legacy pair belonged to, each region gets its own copy the first
    /// time the user's key pairs are read there; from then on the copies
    /// are independent (deleting one leaves the others). The legacy
    /// document stays, hidden, as the record of where it was copied.
    fn adopt_legacy_keypairs(&mut self) -> ModelResult<()> {
        let legacy: Vec<Keypair> = self.net.tx.list_docs(&ListQuery { kind: KEYPAIR, scope: Some(self.user_id), ..Default::default() })?;
        let region = self.net.region.to_string();
        for mut old in legacy.into_iter().filter(|k| !k.adopted_by.contains(&region)) {
            let id = self.id_of(&old.name);
            if self.net.tx.get(KEYPAIR, &id)?.is_none() {
                let copy = Keypair { region: region.clone(), adopted_by: Vec::new(), ..old.clone() };
                let scope = keypair_scope(&region, self.user_id);
                self.net.tx.insert_doc(KEYPAIR, &id, &scope, None, &copy)?;
            }
            old.adopted_by.push(region.clone());
            self.net.tx.put_doc(KEYPAIR, &format!("{}/{}", old.user_id, old.name), self.user_id, None, &old)?;
        }
        Ok(())
    }

    fn check_new(&mut self, name: &str) -> ModelResult<()> {
        if !valid_name(name) {
            return Err(Fault::Invalid(
                Why::KeyPair,
                format!("Invalid input for field/attribute name. Value: {name}. '{name}' does not match '^[_\\- a-zA-Z0-9]+$'"),
            ));
        }
        if self.net.tx.get(KEYPAIR, &self.id_of(name))?.is_some() {
            return Err(Fault::Conflict(Why::KeyPair, format!("Key pair '{name}' already exists.")));
        }
        Ok(())
    }

    /// Stores a validated key pair, within the per-user quota.
    fn store_keypair(&mut self, kp: &Keypair) -> ModelResult<()> {
        if self.keypairs()?.len() >= self.cfg.quotas.key_pairs {
            return Err(Fault::Quota("Quota exceeded, too many key pairs.".into()));
        }
        let scope = keypair_scope(&kp.region, &kp.user_id);
        self.net.tx.insert_doc(KEYPAIR, &keypair_id(&kp.region, &kp.user_id, &kp.name), &scope, None, kp)?;
        Ok(())
    }

    pub fn import_keypair(&mut self, name: &str, public_key: &str, key_type: Option<&str>) -> ModelResult<Keypair> {
        self.check_new(name)?;
        if public_key.len() > 1024 * 16 {
            return Err(Fault::Invalid(Why::KeyPair, "Keypair data is invalid: public key is too long".into()));
        }
        let fp = fingerprint(public_key)
            .ok_or_else(|| Fault::Invalid(Why::KeyPair, "Keypair data is invalid: failed to generate fingerprint".into()))?;
        let kp = Keypair {
            name: name.to_string(),
            user_id: self.user_id.to_string(),
            region: self.net.region.to_string(),
            adopted_by: Vec::new(),
            public_key: public_key.to_string(),
            fingerprint: fp,
            key_type: key_type.unwrap_or("ssh").to_string(),
            created_at: self.net.now,
        };
        self.store_keypair(&kp)?;
        Ok(kp)
    }

    pub fn generate_keypair(&mut self, name: &str, key_type: Option<&str>) -> ModelResult<Generated> {
        self.check_new(name)?;
        let private = PrivateKey::random(&mut rand::rngs::OsRng, Algorithm::Ed25519)
            .map_err(|e| Fault::Storage(format!("key generation failed: {e}")))?;
        let mut public_line = private.public_key().to_openssh().map_err(|e| Fault::Storage(format!("key encoding failed: {e}")))?;
        public_line.push_str(" Generated-by-Nova\n");
        let pem = private.to_openssh(LineEnding::LF).map_err(|e| Fault::Storage(format!("key encoding failed: {e}")))?.to_string();
        let fp = fingerprint(&public_line).ok_or_else(|| Fault::Storage("generated key has no fingerprint".into()))?;
        let kp = Keypair {
            name: name.to_string(),
            user_id: self.user_id.to_string(),
            region: self.net.region.to_string(),
            adopted_by: Vec::new(),
            public_key: public_line,
            fingerprint: fp,
            key_type: key_type.unwrap_or("ssh").to_string(),
            created_at: self.net.now,
        };
        self.store_keypair(&kp)?;
        Ok(Generated { keypair: kp, private_key: pem })
    }

    pub fn delete_keypair(&mut self, name: &str) -> ModelResult<()> {
        self.keypair(name)?;
        let id = self.id_of(name);
        self.net.tx.delete(KEYPAIR, &id)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_md5_colon_hex() {
        let k = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host";
        let fp = fingerprint(k).unwrap();
        assert_eq!(fp.len(), 47);
        assert!(fingerprint("ssh-ed25519 not-base64").is_none());
        assert!(fingerprint("hello").is_none());
        assert!(valid_name("my key_1-a"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(""));
    }

    /// Runs `f` as user `u1` in `region`'s project.
    fn as_user<R>(store: &otc_store::Store, region: &str, f: impl FnOnce(&mut Compute<'_, '_>) -> ModelResult<R>) -> R {
        let (vcfg, ccfg) = (otc_vpc::VpcConfig::default(), crate::ComputeConfig::default());
        store
            .txn(|tx| {
                let mut net = Net { tx, project: region, region, now: chrono::Utc::now(), cfg: &vcfg };
                f(&mut Compute { net: &mut net, user_id: "u1", cfg: &ccfg, request_id: "r1" })
            })
            .unwrap()
    }

    #[test]
    fn legacy_keypairs_become_one_independent_copy_per_region() {
        let store = otc_store::Store::memory();
        let k = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host";
        let legacy = serde_json::json!({"name": "old", "user_id": "u1", "public_key": k, "fingerprint": fingerprint(k).unwrap(),
            "key_type": "ssh", "created_at": "2026-01-01T00:00:00Z"});
        store.txn(|tx| tx.insert_doc(KEYPAIR, "u1/old", "u1", None, &legacy).map_err(Fault::from)).unwrap();

        let names = |v: Vec<Keypair>| v.into_iter().map(|k| (k.name, k.region)).collect::<Vec<_>>();
        assert_eq!(names(as_user(&store, "eu-de", |c| c.keypairs())), [("old".to_string(), "eu-de".to_string())]);
        as_user(&store, "eu-de", |c| c.delete_keypair("old"));
        assert!(as_user(&store, "eu-de", |c| c.keypairs()).is_empty(), "a deleted copy is not adopted again");
        assert_eq!(as_user(&store, "eu-nl", |c| c.keypair("old")).region, "eu-nl", "another region still gets its copy");
        assert_eq!(as_user(&store, "eu-nl", |c| c.keypairs()).len(), 1);
    }
}
