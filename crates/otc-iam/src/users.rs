//! The rules users keep: what names, passwords, e-mail addresses and
//! phone numbers IAM accepts, and what goes with a deleted user.

use crate::credentials::CREDENTIAL;
use crate::model::{Membership, User, MEMBERSHIP, USER};
use otc_store::{ListQuery, StoreError, Tx, TxExt};

/// Users a domain may have (OTC's default IAM user quota).
pub const USER_QUOTA: usize = 50;

/// Names of the Keystone-style `/v3/users`: 5 to 32 letters, digits,
/// `-`, `_` or `.`, not starting with a digit.
pub fn valid_keystone_name(name: &str) -> bool {
    (5..=32).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// Names of `/v3.0/OS-USER`: 1 to 64 letters, digits, spaces, `-`, `_`
/// or `.`, not starting with a digit or a space.
pub fn valid_otc_name(name: &str) -> bool {
    (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || " -_.".contains(c))
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == ' ')
}

/// The password policy the domain serves (`security_compliance`: at
/// least 7 characters with a letter and a digit), with the reference's
/// upper bound of 32 and its rule that a password is neither the user
/// name nor the name reversed.
pub fn strong_password(password: &str, user_name: &str) -> bool {
    let reversed: String = user_name.chars().rev().collect();
    (7..=32).contains(&password.chars().count())
        && password.chars().any(|c| c.is_ascii_digit())
        && password.chars().any(|c| c.is_ascii_alphabetic())
        && password != user_name
        && password != reversed
}

pub fn valid_email(email: &str) -> bool {
    let Some((local, host)) = email.split_once('@') else {
        return false;
    };
    email.chars().count() <= 255
        && !local.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !host.contains('@')
        && !email.chars().any(char::is_whitespace)
}

pub fn valid_phone(phone: &str) -> bool {
    (1..=32).contains(&phone.len()) && phone.chars().all(|c| c.is_ascii_digit())
}

pub fn valid_areacode(code: &str) -> bool {
    (1..=8).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit())
}

/// Deletes `user` with its group memberships and permanent access keys
/// (its tokens are revoked by the caller, with an event).
pub fn delete_user(tx: &mut dyn Tx, user: &User) -> Result<(), StoreError> {
    for m in tx.list_docs::<Membership>(&ListQuery { kind: MEMBERSHIP, scope: Some(&user.id), ..Default::default() })? {
        tx.delete(MEMBERSHIP, &crate::model::membership_id(&m.group_id, &m.user_id))?;
    }
    for k in tx.list(&ListQuery { kind: CREDENTIAL, scope: Some(&user.id), ..Default::default() })? {
        tx.delete(CREDENTIAL, &k.id)?;
    }
    tx.delete(USER, &user.id)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords() {
        assert!(valid_keystone_name("james.doe"));
        assert!(!valid_keystone_name("jim"));
        assert!(!valid_keystone_name("1james"));
        assert!(!valid_keystone_name("james doe"));
        assert!(valid_otc_name("James Doe"));
        assert!(!valid_otc_name(" james"));
        assert!(!valid_otc_name(&"x".repeat(65)));
        assert!(strong_password("Secret123", "alice"));
        assert!(!strong_password("secret", "alice"), "short, no digit");
        assert!(!strong_password("12345678", "alice"), "no letter");
        assert!(!strong_password("alice12", "alice12"), "the name");
        assert!(!strong_password("21ecila", "alice12"), "the name reversed");
        assert!(!strong_password(&format!("a1{}", "x".repeat(31)), "alice"), "too long");
        assert!(valid_email("a.b@example.com"));
        assert!(!valid_email("a.b@example"));
        assert!(!valid_email("@example.com"));
    }
}
