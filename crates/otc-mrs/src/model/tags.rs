//! Cluster tags: keys 1-36 and values 0-43 characters without leading or
//! trailing spaces and without any of `=*<>\,|/` (12005002), at most 10
//! per cluster (12005001); adding an existing key replaces its value.
//! Queries by tag (`resource_instances`) combine `tags` (all of),
//! `tags_any` (any of), `not_tags` (none of all) and `not_tags_any` (none
//! of any), each entry matching a key with any of its values (no values:
//! any value).

use super::{Cluster, Clusters, MrsResult};
use crate::errors::mrs_error;
use otc_core::tags::Tag;
use otc_core::ApiError;

pub const MAX_TAGS: usize = 10;

fn clean(s: &str) -> bool {
    s.trim() == s && !s.chars().any(|c| "=*<>\\,|/".contains(c))
}

/// One tag against the documented rules.
pub fn check(t: &Tag) -> Result<(), ApiError> {
    let ok = !t.key.is_empty() && t.key.chars().count() <= 36 && t.value.chars().count() <= 43 && clean(&t.key) && clean(&t.value);
    if ok {
        Ok(())
    } else {
        Err(mrs_error(
            "12005002",
            format!(
                "Tag {}={} does not comply with the specifications. The tag key and value cannot start or end with a space and cannot contain any of the following characters: =*<>\\,|/.",
                t.key, t.value
            ),
        ))
    }
}

/// A key with the values it may have (none: any value).
#[derive(Debug, Clone, Default)]
pub struct TagMatch {
    pub key: String,
    pub values: Vec<String>,
}

impl TagMatch {
    fn matches(&self, tags: &[Tag]) -> bool {
        tags.iter().any(|t| t.key == self.key && (self.values.is_empty() || self.values.contains(&t.value)))
    }
}

/// A `resource_instances` query.
#[derive(Debug, Clone, Default)]
pub struct TagQuery {
    pub tags: Vec<TagMatch>,
    pub tags_any: Vec<TagMatch>,
    pub not_tags: Vec<TagMatch>,
    pub not_tags_any: Vec<TagMatch>,
    /// `resource_name`: a part of the cluster's name (an empty value: none).
    pub name: Option<String>,
}

impl TagQuery {
    pub fn matches(&self, c: &Cluster) -> bool {
        let t = &c.tags;
        let all = self.tags.iter().all(|m| m.matches(t));
        let any = self.tags_any.is_empty() || self.tags_any.iter().any(|m| m.matches(t));
        let not_all = self.not_tags.is_empty() || !self.not_tags.iter().all(|m| m.matches(t));
        let not_any = !self.not_tags_any.iter().any(|m| m.matches(t));
        let named = self.name.as_ref().is_none_or(|n| n.is_empty() || c.name.contains(n.as_str()));
        all && any && not_all && not_any && named
    }
}

impl Clusters<'_, '_, '_> {
    fn save_tags(&mut self, mut c: Cluster, tags: Vec<Tag>) -> MrsResult<()> {
        c.tags = tags;
        c.updated_at = self.m.net.now;
        self.m.net.update(super::CLUSTER, &c.id, None, &c)?;
        Ok(())
    }

    pub fn add_tags(&mut self, id: &str, new: Vec<Tag>) -> MrsResult<()> {
        let c = self.cluster(id)?;
        let mut tags = c.tags.clone();
        otc_core::tags::merge(&mut tags, new);
        if tags.len() > MAX_TAGS {
            return Err(mrs_error("12005001", format!("The number of tags in one cluster must not exceed {MAX_TAGS}.")).into());
        }
        self.save_tags(c, tags)
    }

    /// Removes the tags with these keys (and, where given, these values);
    /// absent ones are no error, as documented.
    pub fn remove_tags(&mut self, id: &str, gone: &[(String, Option<String>)]) -> MrsResult<()> {
        let c = self.cluster(id)?;
        let tags =
            c.tags.iter().filter(|t| !gone.iter().any(|(k, v)| *k == t.key && v.as_ref().is_none_or(|v| *v == t.value))).cloned().collect();
        self.save_tags(c, tags)
    }

    pub fn remove_tag(&mut self, id: &str, key: &str) -> MrsResult<()> {
        let c = self.cluster(id)?;
        if !c.tags.iter().any(|t| t.key == key) {
            return Err(ApiError::new(404, "12005003", format!("The tag key {key} does not exist in cluster {id}.")).into());
        }
        let tags = c.tags.iter().filter(|t| t.key != key).cloned().collect();
        self.save_tags(c, tags)
    }

    /// Every key used in the project, with its values.
    pub fn project_tags(&mut self) -> MrsResult<Vec<(String, Vec<String>)>> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for c in self.clusters()?.into_iter().filter(|c| c.state != "terminated") {
            for t in c.tags {
                match out.iter_mut().find(|(k, _)| *k == t.key) {
                    Some((_, vs)) if !vs.contains(&t.value) => vs.push(t.value),
                    Some(_) => {}
                    None => out.push((t.key, vec![t.value])),
                }
            }
        }
        Ok(out)
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
        assert!(check(&tag("env", "dev-1")).is_ok());
        for bad in [tag("", "x"), tag(" k", "x"), tag("k", "a=b"), tag("k/x", ""), tag(&"k".repeat(37), "")] {
            assert_eq!(check(&bad).unwrap_err().code, "12005002", "{bad:?}");
        }
    }

    #[test]
    fn matching() {
        let m = |k: &str, vs: &[&str]| TagMatch { key: k.into(), values: vs.iter().map(|v| v.to_string()).collect() };
        let tags = [tag("a", "1"), tag("b", "2")];
        assert!(m("a", &[]).matches(&tags));
        assert!(m("a", &["0", "1"]).matches(&tags));
        assert!(!m("a", &["2"]).matches(&tags));
        assert!(!m("c", &[]).matches(&tags));
    }
}
