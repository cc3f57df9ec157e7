//! Identifier shapes used by OTC APIs.

use rand::RngCore;

/// A random UUID in its hyphenated form (VPC, Nova, AS, ... resource ids).
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// 32 lowercase hex characters: the form Keystone/IAM uses for domain, user,
/// project, service and endpoint ids.
pub fn hex32() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A stable 32-hex id derived from a name, for things the emulator generates
/// identically on every start (catalog services and endpoints).
pub fn stable_hex32(namespace: &str, name: &str) -> String {
    let ns = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, namespace.as_bytes());
    uuid::Uuid::new_v5(&ns, name.as_bytes()).simple().to_string()
}

/// An unguessable secret of `bytes` random bytes, hex encoded.
pub fn secret_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(uuid().len(), 36);
        let h = hex32();
        assert_eq!(h.len(), 32);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(stable_hex32("svc", "identity"), stable_hex32("svc", "identity"));
        assert_ne!(stable_hex32("svc", "identity"), stable_hex32("svc", "network"));
        assert_ne!(secret_hex(16), secret_hex(16));
    }
}
