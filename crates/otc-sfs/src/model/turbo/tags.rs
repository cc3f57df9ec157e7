//! File system tags: keys of 1 to 128 characters, values of 0 to 255, at
//! most 20 per file system. The reference both forbids a list of
//! characters and says "letters, digits, - and _"; the user guide adds
//! `@`, and real values carry dots, so letters, digits, `-`, `_`, `@` and
//! `.` are accepted.

use super::{errors, Turbo, TurboResult, Turbos};
use otc_core::tags::Tag;
use otc_core::ApiError;

pub const MAX_TAGS: usize = 20;

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '@' | '.')
}

/// One tag's key and value (0017/0018 for lengths, 0025/0026 for
/// characters).
pub fn check_tag(t: &Tag) -> Result<(), ApiError> {
    let k = t.key.chars().count();
    if k == 0 || k > 128 {
        return Err(errors::tag_key_length());
    }
    if !t.key.chars().all(allowed) {
        return Err(errors::tag_key_chars());
    }
    if t.value.chars().count() > 255 {
        return Err(errors::tag_value_length());
    }
    if !t.value.chars().all(allowed) {
        return Err(errors::tag_value_chars());
    }
    Ok(())
}

/// Adds or replaces `new` on `existing`, refusing more than 20 in all.
pub fn upsert(existing: &mut Vec<Tag>, new: Vec<Tag>) -> Result<(), ApiError> {
    for t in &new {
        check_tag(t)?;
    }
    let mut merged = existing.clone();
    otc_core::tags::merge(&mut merged, new);
    if merged.len() > MAX_TAGS {
        return Err(errors::tag_count());
    }
    *existing = merged;
    Ok(())
}

impl Turbos<'_, '_> {
    pub fn add_tags(&mut self, id: &str, tags: Vec<Tag>) -> TurboResult<()> {
        self.purge()?;
        let mut t: Turbo = self.share(id)?;
        upsert(&mut t.tags, tags)?;
        self.save(&t)
    }

    pub fn delete_tag(&mut self, id: &str, key: &str) -> TurboResult<()> {
        self.purge()?;
        let mut t = self.share(id)?;
        let before = t.tags.len();
        t.tags.retain(|x| x.key != key);
        if t.tags.len() == before {
            return Err(errors::tag_not_found(key).into());
        }
        self.save(&t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    #[test]
    fn rules() {
        assert!(check_tag(&tag("env", "")).is_ok());
        assert_eq!(check_tag(&tag("", "a")).unwrap_err().code, "SFS.TURBO.0017");
        assert_eq!(check_tag(&tag("a=b", "a")).unwrap_err().code, "SFS.TURBO.0025");
        assert_eq!(check_tag(&tag("a", &"v".repeat(256))).unwrap_err().code, "SFS.TURBO.0018");
        assert_eq!(check_tag(&tag("a", "x/y")).unwrap_err().code, "SFS.TURBO.0026");
        let mut ts: Vec<Tag> = (0..20).map(|i| tag(&format!("k{i}"), "v")).collect();
        assert!(upsert(&mut ts, vec![tag("k1", "w")]).is_ok());
        assert_eq!(upsert(&mut ts, vec![tag("k20", "w")]).unwrap_err().code, "SFS.TURBO.0016");
        assert_eq!(ts.len(), 20);
    }
}
