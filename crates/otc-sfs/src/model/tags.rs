//! Share tags (`/v2/{project_id}/sfs/...`): keys 1-36 and values 0-43
//! characters of letters, digits, `-` and `_`, at most 20 per share, keys
//! unique; adding an existing key replaces its value. Queries by tag
//! combine `tags` (all of), `tags_any` (any of), `not_tags` (none of) and
//! `not_tags_any` (not all of), each entry matching a key with any of its
//! values (no values: any value).

use super::{FileSystems, SfsResult, Share};
use crate::errors::{bad_request, not_found};
use otc_core::tags::Tag;

pub const MAX_TAGS: usize = 20;
pub const MAX_KEY: usize = 36;
pub const MAX_VALUE: usize = 43;

fn charset(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Checks one tag of a request.
pub fn check(t: &Tag) -> SfsResult<()> {
    if t.key.is_empty() || t.key.chars().count() > MAX_KEY {
        return Err(bad_request(format!("Invalid tag key {:?}: it must have 1 to {MAX_KEY} characters.", t.key)).into());
    }
    if !charset(&t.key) {
        return Err(bad_request(format!(
            "Invalid tag key {:?}: only letters, digits, hyphens (-) and underscores (_) are allowed.",
            t.key
        ))
        .into());
    }
    if t.value.chars().count() > MAX_VALUE {
        return Err(bad_request(format!("Invalid tag value {:?}: it can have at most {MAX_VALUE} characters.", t.value)).into());
    }
    if !charset(&t.value) {
        return Err(bad_request(format!(
            "Invalid tag value {:?}: only letters, digits, hyphens (-) and underscores (_) are allowed.",
            t.value
        ))
        .into());
    }
    Ok(())
}

/// One entry of a tag query: a key and the values that match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMatch {
    pub key: String,
    pub values: Vec<String>,
}

impl TagMatch {
    pub fn matches(&self, tags: &[Tag]) -> bool {
        tags.iter().any(|t| t.key == self.key && (self.values.is_empty() || self.values.contains(&t.value)))
    }
}

/// A query by tag (`resource_instances/action`).
#[derive(Debug, Clone, Default)]
pub struct TagQuery {
    pub tags: Option<Vec<TagMatch>>,
    pub tags_any: Option<Vec<TagMatch>>,
    pub not_tags: Option<Vec<TagMatch>>,
    pub not_tags_any: Option<Vec<TagMatch>>,
    /// `resource_name`: empty is an exact match of an empty name, anything
    /// else a case-insensitive substring.
    pub name: Option<String>,
}

impl TagQuery {
    pub fn matches(&self, s: &Share) -> bool {
        let tags = &s.tags;
        let all = self.tags.as_ref().is_none_or(|fs| fs.iter().all(|f| f.matches(tags)));
        let any = self.tags_any.as_ref().is_none_or(|fs| fs.is_empty() || fs.iter().any(|f| f.matches(tags)));
        let none = self.not_tags.as_ref().is_none_or(|fs| !fs.iter().any(|f| f.matches(tags)));
        let not_all = self.not_tags_any.as_ref().is_none_or(|fs| fs.is_empty() || !fs.iter().all(|f| f.matches(tags)));
        let name = self.name.as_ref().is_none_or(|n| {
            let have = s.name.as_deref().unwrap_or("");
            if n.is_empty() {
                have.is_empty()
            } else {
                have.to_lowercase().contains(&n.to_lowercase())
            }
        });
        all && any && none && not_all && name
    }
}

impl FileSystems<'_, '_> {
    /// Adds or replaces tags of a share, within the limit.
    pub fn add_tags(&mut self, share_id: &str, new: Vec<Tag>) -> SfsResult<()> {
        self.purge()?;
        let mut s = self.share(share_id)?;
        for t in &new {
            check(t)?;
        }
        let mut keys: Vec<&str> = new.iter().map(|t| t.key.as_str()).collect();
        keys.sort();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad_request("Invalid tags: the keys of the tags must be unique.").into());
        }
        otc_core::tags::merge(&mut s.tags, new);
        if s.tags.len() > MAX_TAGS {
            return Err(bad_request(format!("Invalid tags: a shared file system can have at most {MAX_TAGS} tags.")).into());
        }
        self.save(&s)
    }

    /// Removes tags by key, or by key and value when a value is given;
    /// tags the share does not have are no error.
    pub fn remove_tags(&mut self, share_id: &str, gone: Vec<(String, Option<String>)>) -> SfsResult<()> {
        self.purge()?;
        let mut s = self.share(share_id)?;
        s.tags.retain(|t| !gone.iter().any(|(k, v)| *k == t.key && v.as_ref().is_none_or(|v| *v == t.value)));
        self.save(&s)
    }

    /// Removes the tag with `key` (404 when the share has none).
    pub fn remove_tag(&mut self, share_id: &str, key: &str) -> SfsResult<()> {
        self.purge()?;
        let mut s = self.share(share_id)?;
        let before = s.tags.len();
        s.tags.retain(|t| t.key != key);
        if s.tags.len() == before {
            return Err(not_found(format!("Tag {key} could not be found.")).into());
        }
        self.save(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    #[test]
    fn tag_rules() {
        assert!(check(&tag("env_1-x", "")).is_ok());
        assert!(check(&tag("", "v")).is_err());
        assert!(check(&tag(&"k".repeat(37), "v")).is_err());
        assert!(check(&tag("a.b", "v")).is_err());
        assert!(check(&tag("k", &"v".repeat(44))).is_err());
        assert!(check(&tag("k", "a b")).is_err());
    }

    #[test]
    fn matching() {
        let tags = vec![tag("env", "prod"), tag("team", "a")];
        assert!(TagMatch { key: "env".into(), values: vec![] }.matches(&tags));
        assert!(TagMatch { key: "env".into(), values: vec!["dev".into(), "prod".into()] }.matches(&tags));
        assert!(!TagMatch { key: "env".into(), values: vec!["dev".into()] }.matches(&tags));
        assert!(!TagMatch { key: "x".into(), values: vec![] }.matches(&tags));
    }
}
