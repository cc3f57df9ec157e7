//! Key pairs: imported OpenSSH public keys (validated, fingerprinted the
//! way Nova does: MD5 of the key blob in colon hex) or a freshly generated
//! Ed25519 pair whose private half is returned once and never stored.
//! Key pairs belong to the user, as in Nova.

use super::*;
use md5::{Digest, Md5};
use ssh_key::{Algorithm, LineEnding, PrivateKey, PublicKey};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keypair {
    pub name: String,
    pub user_id: String,
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

fn keypair_id(user_id: &str, name: &str) -> String {
    format!("{user_id}/{name}")
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
    pub fn keypairs(&mut self) -> ModelResult<Vec<Keypair>> {
        Ok(self.net.tx.list_docs(&ListQuery { kind: KEYPAIR, scope: Some(self.user_id), ..Default::default() })?)
    }

    pub fn keypair(&mut self, name: &str) -> ModelResult<Keypair> {
        self.net
            .tx
            .get_doc::<Keypair>(KEYPAIR, &keypair_id(self.user_id, name))?
            .ok_or_else(|| Fault::NotFound(format!("Keypair {name} not found for user {}", self.user_id)))
    }

    fn check_new(&mut self, name: &str) -> ModelResult<()> {
        if !valid_name(name) {
            return Err(Fault::Invalid(
                Why::KeyPair,
                format!("Invalid input for field/attribute name. Value: {name}. '{name}' does not match '^[_\\- a-zA-Z0-9]+$'"),
            ));
        }
        if self.net.tx.get(KEYPAIR, &keypair_id(self.user_id, name))?.is_some() {
            return Err(Fault::Conflict(Why::KeyPair, format!("Key pair '{name}' already exists.")));
        }
        Ok(())
    }

    /// Stores a validated key pair, within the per-user quota.
    fn store_keypair(&mut self, kp: &Keypair) -> ModelResult<()> {
        if self.keypairs()?.len() >= self.cfg.quotas.key_pairs {
            return Err(Fault::Quota("Quota exceeded, too many key pairs.".into()));
        }
        self.net.tx.insert_doc(KEYPAIR, &keypair_id(&kp.user_id, &kp.name), self.user_id, None, kp)?;
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
        self.net.tx.delete(KEYPAIR, &keypair_id(self.user_id, name))?;
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
}
