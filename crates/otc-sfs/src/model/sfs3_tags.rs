//! Tags of general-purpose file systems (the TMS-style calls under
//! `/v3/sfs/tms/{project_id}/file-systems`): keys of 1-128 and values of
//! 0-255 characters of letters, digits, spaces and `_.:=+-@`, neither
//! starting nor ending with a space, keys not in the system prefix
//! `_sys_`; at most 20 per file system. Queries combine `tags` (every key,
//! any of its values), `matches` (name prefix) or `without_any_tag`.

use super::sfs3::FileSystem;
use otc_core::tags::Tag;

pub const MAX_TAGS: usize = 20;
pub const MAX_KEY: usize = 128;
pub const MAX_VALUE: usize = 255;
/// Keys (and values per key) a query may name.
pub const MAX_QUERY: usize = 20;

fn charset(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == ' ' || "_.:=+-@".contains(c))
}

fn trimmed(s: &str) -> bool {
    s.trim() == s
}

/// Why a tag key is refused, if it is.
pub fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() || key.chars().count() > MAX_KEY {
        return Some(format!("Invalid tag key {key:?}: it must have 1 to {MAX_KEY} characters."));
    }
    if !charset(key) || !trimmed(key) {
        return Some(format!(
            "Invalid tag key {key:?}: only letters, digits, spaces and _.:=+-@ are allowed, and no leading or trailing space."
        ));
    }
    if key.starts_with("_sys_") {
        return Some(format!("Invalid tag key {key:?}: keys starting with _sys_ are system tags."));
    }
    None
}

/// Why a tag value is refused, if it is.
pub fn value_problem(value: &str) -> Option<String> {
    if value.chars().count() > MAX_VALUE {
        return Some(format!("Invalid tag value {value:?}: it can have at most {MAX_VALUE} characters."));
    }
    if !charset(value) || !trimmed(value) {
        return Some(format!(
            "Invalid tag value {value:?}: only letters, digits, spaces and _.:=+-@ are allowed, and no leading or trailing space."
        ));
    }
    None
}

/// A query by tag (`resource-instances/filter` and `/count`).
#[derive(Debug, Clone, Default)]
pub struct TagQuery {
    pub without_any_tag: bool,
    /// Every key must be there with one of its values (none: any value).
    pub tags: Vec<(String, Vec<String>)>,
    /// `resource_name` prefixes, all of which must match.
    pub name_prefixes: Vec<String>,
}

impl TagQuery {
    pub fn matches(&self, fs: &FileSystem) -> bool {
        if !self.name_prefixes.iter().all(|p| fs.name.starts_with(p.as_str())) {
            return false;
        }
        if self.without_any_tag {
            return fs.tags.is_empty();
        }
        self.tags.iter().all(|(k, values)| fs.tags.iter().any(|t| t.key == *k && (values.is_empty() || values.contains(&t.value))))
    }
}

/// Every key in `fss` with its distinct values, keys in first-seen order.
pub fn project_tags(fss: &[FileSystem]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for Tag { key, value } in fss.iter().flat_map(|f| f.tags.iter()) {
        match out.iter_mut().find(|(k, _)| k == key) {
            Some((_, vs)) if !vs.contains(value) => vs.push(value.clone()),
            Some(_) => {}
            None => out.push((key.clone(), vec![value.clone()])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_value_rules() {
        assert_eq!(key_problem("env:prod=1 @x+y-z_w."), None);
        assert!(key_problem("").is_some());
        assert!(key_problem(" a").is_some());
        assert!(key_problem("a/b").is_some());
        assert!(key_problem("_sys_enterprise_project_id").is_some());
        assert!(key_problem(&"k".repeat(129)).is_some());
        assert_eq!(value_problem(""), None);
        assert!(value_problem(&"v".repeat(256)).is_some());
        assert!(value_problem("a*").is_some());
    }
}
