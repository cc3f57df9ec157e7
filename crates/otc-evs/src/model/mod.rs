//! The EVS model: one project's volumes, snapshots and jobs inside one
//! store transaction ([`Disks`]). Every API facade (Cinder v2/v3, the EVS
//! native API) and the compute service (system volumes, attachments) goes
//! through it, so a volume created through one is seen by all.
//!
//! Statuses follow the clock lazily: a document stores the status it
//! entered and when, and every read settles it (`[evs] settle_seconds`),
//! so reads never write and a client polling sees at least the answer's
//! transient status.

pub mod attachments;
pub mod images;
pub mod jobs;
pub mod quotas;
pub mod snapshots;
pub mod transfers;
pub mod types;
pub mod volumes;

use crate::EvsConfig;
use otc_core::time::Timestamp;
use otc_store::{ListQuery, Tx, TxExt};
use serde::Serialize;
use std::collections::BTreeMap;

pub use snapshots::Snapshot;
pub use volumes::Volume;

pub const VOLUME: &str = "evs.volume";
pub const SNAPSHOT: &str = "evs.snapshot";
pub const JOB: &str = "evs.job";

/// What a refusal is about, so each API family can pick its own code
/// (Cinder's fault and wording, the native API's `EVS.xxxx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A malformed or mistyped request.
    Body,
    Name,
    Description,
    Metadata,
    Size,
    Zone,
    VolumeType,
    /// More than one of imageRef, snapshot_id, backup_id (source_volid).
    Sources,
    /// A source that is not supported (source_volid, backup_id, replicas).
    Unsupported,
    Image,
    Snapshot,
    SnapshotState,
    SnapshotType,
    SnapshotZone,
    Count,
    ExtendSize,
    ExtendState,
    ExtendShared,
    DeleteState,
    HasSnapshots,
    SnapshotDeleteState,
    /// The volume's status does not allow the operation.
    State,
    Tag,
    TagCount,
    Limit,
    Marker,
    SortKey,
    SortDir,
    /// Another project's quotas.
    Forbidden,
    /// A member the native API requires (zone, type).
    Required,
    /// A retype to a type that is not faster.
    Retype,
    /// An update that changes nothing.
    NothingToUpdate,
    /// A transfer's key that is not its key.
    AuthKey,
}

/// The quota a request would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Volumes,
    Gigabytes,
    Snapshots,
    PerVolume,
}

/// What is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Res {
    Volume,
    Snapshot,
    VolumeType,
    Job,
    Transfer,
    /// A metadata key of a volume or snapshot.
    Metadata,
}

/// Why the model refused; the message is Cinder's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    NotFound(Res, String),
    Refused(Why, String),
    Quota(Over, String),
    Storage(String),
}

pub type ModelResult<T> = Result<T, Fault>;

impl From<otc_store::StoreError> for Fault {
    fn from(e: otc_store::StoreError) -> Self {
        Fault::Storage(e.to_string())
    }
}

pub fn refused<T>(why: Why, msg: impl Into<String>) -> ModelResult<T> {
    Err(Fault::Refused(why, msg.into()))
}

/// A document a project owns.
pub trait Owned {
    fn project_id(&self) -> &str;
}

/// One caller's block storage inside one transaction. Compute builds one
/// over its own transaction (`Disks { tx: net.tx, .. }`) to give servers
/// their volumes.
pub struct Disks<'a> {
    pub tx: &'a mut dyn Tx,
    pub project: &'a str,
    pub region: &'a str,
    pub user_id: &'a str,
    pub now: Timestamp,
    pub cfg: &'a EvsConfig,
}

impl Disks<'_> {
    /// The availability zones of the region: `<region>-01` to `-03`, the
    /// same ones compute places servers in.
    pub fn zones(&self) -> Vec<String> {
        zones(self.region)
    }

    pub(crate) fn get<T: otc_store::Document + Owned>(&mut self, kind: &str, id: &str) -> ModelResult<Option<T>> {
        Ok(self.tx.get_doc::<T>(kind, id)?.filter(|d| d.project_id() == self.project))
    }

    pub(crate) fn all<T: otc_store::Document>(&mut self, kind: &str) -> ModelResult<Vec<T>> {
        Ok(self.tx.list_docs(&ListQuery { kind, scope: Some(self.project), ..Default::default() })?)
    }

    pub(crate) fn insert<T: Serialize>(&mut self, kind: &str, id: &str, doc: &T) -> ModelResult<()> {
        self.tx.insert_doc(kind, id, self.project, None, doc)?;
        Ok(())
    }

    pub(crate) fn update<T: Serialize>(&mut self, kind: &str, id: &str, doc: &T) -> ModelResult<()> {
        self.tx.update_doc(kind, id, self.project, None, doc)?;
        Ok(())
    }

    pub(crate) fn remove(&mut self, kind: &str, id: &str) -> ModelResult<()> {
        self.tx.delete(kind, id)?;
        Ok(())
    }
}

/// The zones of `region`.
pub fn zones(region: &str) -> Vec<String> {
    (1..=3).map(|i| format!("{region}-{i:02}")).collect()
}

/// Metadata as stored: string keys and values.
pub type Metadata = BTreeMap<String, String>;

/// Checks metadata as Cinder does: keys 1-255 characters, values at most
/// 255.
pub fn check_metadata(m: &Metadata) -> ModelResult<()> {
    for (k, v) in m {
        if k.is_empty() || k.len() > 255 {
            return refused(Why::Metadata, "Invalid input received: Metadata property key blank or greater than 255 characters.");
        }
        if v.len() > 255 {
            return refused(Why::Metadata, format!("Invalid input received: Metadata property key {k} value greater than 255 characters."));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testing {
    //! A memory store and a `Disks` over it, for the model's unit tests.
    use super::*;
    use otc_store::Store;

    pub struct Bench {
        pub store: Store,
        pub cfg: EvsConfig,
        pub now: Timestamp,
    }

    impl Bench {
        pub fn new(settle_seconds: i64) -> Bench {
            Bench { store: Store::memory(), cfg: EvsConfig { settle_seconds, ..EvsConfig::default() }, now: chrono::Utc::now() }
        }

        pub fn run<R>(&self, project: &str, f: impl FnOnce(&mut Disks<'_>) -> ModelResult<R>) -> ModelResult<R> {
            self.store.txn(|tx| f(&mut Disks { tx, project, region: "eu-de", user_id: "u1", now: self.now, cfg: &self.cfg }))
        }

        pub fn advance(&mut self, secs: i64) {
            self.now += chrono::Duration::seconds(secs);
        }
    }
}
