//! Tags of AS groups (resource type `scaling_group_tag`): one side
//! document per group, kind `as.group_tags`, keyed by the group's id.
//! Tags of a group that no longer exists are invisible: every read goes
//! through the group.

use crate::model::*;
use otc_store::TxExt;
use serde::{Deserialize, Serialize};

pub const GROUP_TAGS: &str = "as.group_tags";

/// At most this many tags per group.
pub const MAX_TAGS: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupTags {
    pub group_id: String,
    pub project_id: String,
    /// In the order they were first set.
    pub tags: Vec<Tag>,
}

impl Scaling<'_, '_, '_> {
    /// The tags of an existing group of this project (AS.2007 otherwise).
    pub fn group_tags(&mut self, group_id: &str) -> AsResult<Vec<Tag>> {
        self.group(group_id)?;
        Ok(self.stored_tags(group_id)?.map(|t| t.tags).unwrap_or_default())
    }

    fn stored_tags(&mut self, group_id: &str) -> AsResult<Option<GroupTags>> {
        Ok(self.m.net.tx.get_doc::<GroupTags>(GROUP_TAGS, group_id)?.filter(|t| t.project_id == self.m.net.project))
    }

    /// Replaces a group's tags.
    pub fn set_group_tags(&mut self, group_id: &str, tags: Vec<Tag>) -> AsResult<()> {
        self.group(group_id)?;
        let doc = GroupTags { group_id: group_id.to_string(), project_id: self.m.net.project.to_string(), tags };
        match self.m.net.tx.get_doc::<GroupTags>(GROUP_TAGS, group_id)? {
            Some(_) => self.m.net.update(GROUP_TAGS, group_id, None, &doc)?,
            None => self.m.net.insert(GROUP_TAGS, group_id, None, &doc)?,
        }
        Ok(())
    }

    /// Every group of the project with its tags.
    pub fn tagged_groups(&mut self) -> AsResult<Vec<(Group, Vec<Tag>)>> {
        let mut out = Vec::new();
        for g in self.groups()? {
            let tags = self.stored_tags(&g.id)?.map(|t| t.tags).unwrap_or_default();
            out.push((g, tags));
        }
        Ok(out)
    }
}
