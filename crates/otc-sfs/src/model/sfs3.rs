//! General-purpose file systems (SFS 3.0): OBS buckets of type SFS. A
//! file system is one document (kind [`FILE_SYSTEM`]) whose id is its
//! name, because names are one namespace for every user (as bucket
//! names); its scope is the owning project, so lists are the project's
//! (and so the region's). It carries its ACL (statements naming VPCs of
//! the owner's project, checked when set) and its tags.
//!
//! Everything is synchronous: no statuses, no clock. Two things the
//! reference says are left out on purpose: the 30 minutes a deleted name
//! stays reserved (otcextensions' tests re-create the same name at once),
//! and BucketNotEmpty (nothing can be written into a file system here).

use super::{Refusal, SfsResult};
use crate::errors::sfs3 as err;
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_store::{ListQuery, TxExt};
use otc_vpc::model::{Net, Router, ROUTER};
use serde::{Deserialize, Serialize};

/// id = the file system's name; scope = its project.
pub const FILE_SYSTEM: &str = "sfs3.fs";

/// "By default, a user can have a maximum of 100 file systems."
pub const MAX_FILE_SYSTEMS: usize = 100;
/// Statements per ACL: the user guide's limit of VPCs per file system.
pub const MAX_STATEMENTS: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileSystem {
    pub name: String,
    pub project_id: String,
    pub domain_id: String,
    pub region: String,
    pub created_at: Timestamp,
    /// `None`: no ACL configured (GET ?sfsacl is then 204).
    pub acl: Option<Vec<Statement>>,
    pub tags: Vec<Tag>,
}

/// One ACL statement as configured (`VpcSourceIp` is "currently not
/// supported" and not kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub sid: String,
    /// `FullControl` or `Read`.
    pub action: String,
    /// Always `Allow`.
    pub effect: String,
    pub source_vpc: String,
}

/// Whether `name` is a file system name: 3-63 characters of lower-case
/// letters, digits, `.` and `-`, starting and ending with a letter or
/// digit, no empty label or `-` next to a `.`, and not an IPv4 address
/// (the bucket rules; host names are case-insensitive, so no capitals).
pub fn valid_name(name: &str) -> bool {
    let ok_chars = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&name.len())
        && ok_chars
        && edge(name.bytes().next())
        && edge(name.bytes().last())
        && !name.contains("..")
        && !name.contains(".-")
        && !name.contains("-.")
        && name.parse::<std::net::Ipv4Addr>().is_err()
}

/// The general-purpose file systems as one caller sees them, inside the
/// network model's transaction.
pub struct GeneralPurpose<'n, 'a> {
    pub net: &'n mut Net<'a>,
    pub domain_id: &'n str,
}

impl GeneralPurpose<'_, '_> {
    /// The caller's file system `name`; another project's is as absent as
    /// a missing one.
    pub fn get(&mut self, name: &str) -> SfsResult<FileSystem> {
        match self.net.tx.get_doc::<FileSystem>(FILE_SYSTEM, name)? {
            Some(fs) if fs.project_id == self.net.project => Ok(fs),
            _ => Err(err::no_such_bucket(name).into()),
        }
    }

    pub fn list(&mut self) -> SfsResult<Vec<FileSystem>> {
        let project = self.net.project;
        Ok(self.net.tx.list_docs(&ListQuery { kind: FILE_SYSTEM, scope: Some(project), ..Default::default() })?)
    }

    /// Creates `name`; the caller creating its own again in this region
    /// succeeds as well, as documented.
    pub fn create(&mut self, name: &str, location: Option<&str>) -> SfsResult<()> {
        if !valid_name(name) {
            return Err(err::invalid_bucket_name(name).into());
        }
        if let Some(l) = location {
            if l != self.net.region {
                return Err(err::invalid_location(name, l).into());
            }
        }
        if let Some(existing) = self.net.tx.get_doc::<FileSystem>(FILE_SYSTEM, name)? {
            if existing.project_id == self.net.project {
                return Ok(());
            }
            return Err(err::already_exists(name).into());
        }
        if self.net.tx.count(FILE_SYSTEM, Some(self.net.project))? >= MAX_FILE_SYSTEMS {
            return Err(err::too_many_buckets(name).into());
        }
        let fs = FileSystem {
            name: name.to_string(),
            project_id: self.net.project.to_string(),
            domain_id: self.domain_id.to_string(),
            region: self.net.region.to_string(),
            created_at: self.net.now,
            acl: None,
            tags: Vec::new(),
        };
        self.net.tx.insert_doc(FILE_SYSTEM, name, self.net.project, None, &fs)?;
        Ok(())
    }

    pub fn delete(&mut self, name: &str) -> SfsResult<()> {
        self.get(name)?;
        self.net.tx.delete(FILE_SYSTEM, name)?;
        Ok(())
    }

    fn save(&mut self, fs: &FileSystem) -> SfsResult<()> {
        self.net.tx.update_doc(FILE_SYSTEM, &fs.name, &fs.project_id, None, fs)?;
        Ok(())
    }

    /// Replaces the ACL; every VPC it names must be one of the caller's.
    pub fn set_acl(&mut self, name: &str, statements: Vec<Statement>) -> SfsResult<()> {
        let mut fs = self.get(name)?;
        if statements.len() > MAX_STATEMENTS {
            return Err(err::invalid_argument(name, format!("An ACL can have at most {MAX_STATEMENTS} statements.")).into());
        }
        for s in &statements {
            if self.net.find::<Router>(ROUTER, &s.source_vpc)?.is_none() {
                return Err(err::invalid_argument(name, format!("The VPC {} in SourceVpc does not exist.", s.source_vpc)).into());
            }
        }
        fs.acl = Some(statements);
        self.save(&fs)
    }

    pub fn delete_acl(&mut self, name: &str) -> SfsResult<()> {
        let mut fs = self.get(name)?;
        if fs.acl.take().is_some() {
            self.save(&fs)?;
        }
        Ok(())
    }

    /// Adds tags, a key already there taking the new value; at most
    /// [`super::sfs3_tags::MAX_TAGS`] in all.
    pub fn add_tags(&mut self, name: &str, tags: Vec<Tag>) -> SfsResult<()> {
        let mut fs = self.tagged(name)?;
        for t in tags {
            match fs.tags.iter_mut().find(|e| e.key == t.key) {
                Some(e) => e.value = t.value,
                None => fs.tags.push(t),
            }
        }
        if fs.tags.len() > super::sfs3_tags::MAX_TAGS {
            return Err(err::tag(format!("A file system can have at most {} tags.", super::sfs3_tags::MAX_TAGS)).into());
        }
        self.save(&fs)
    }

    /// Removes the tags named (a key, with its value when one is given);
    /// tags that are not there are no error.
    pub fn delete_tags(&mut self, name: &str, tags: &[(String, Option<String>)]) -> SfsResult<()> {
        let mut fs = self.tagged(name)?;
        let before = fs.tags.len();
        fs.tags.retain(|t| !tags.iter().any(|(k, v)| *k == t.key && v.as_ref().is_none_or(|v| *v == t.value)));
        if fs.tags.len() != before {
            self.save(&fs)?;
        }
        Ok(())
    }

    /// A file system for the tag API, whose missing resource is its 404.
    pub fn tagged(&mut self, name: &str) -> SfsResult<FileSystem> {
        self.get(name).map_err(|_| Refusal(err::tag_not_found(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn names() {
        for ok in ["abc", "my-fs.01", "a1b", &"a".repeat(63)] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["ab", "Abc", "-abc", "abc-", ".abc", "a..b", "a.-b", "a_b", "192.168.1.1", &"a".repeat(64), "ä12"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
