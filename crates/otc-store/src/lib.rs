//! The durable store every service keeps its resources in.
//!
//! Resources are JSON documents addressed by `(kind, id)`, owned by a scope
//! (a project id, or a domain id for domain-level things), listed per kind
//! and scope in creation order with marker pagination, and optionally found
//! by a secondary `key` (for example a user's `domain/name`). All access goes
//! through [`Store::txn`], which runs a closure inside one serialisable
//! transaction: either everything it wrote is committed, or nothing is.
//! Every backend serves reads from an in-memory image ([`image`]); the
//! SQLite one also writes each commit to disk before it returns. Services
//! never write SQL.

mod image;
mod memory;
mod sqlite;

use serde::{de::DeserializeOwned, Serialize};
use std::any::{Any, TypeId};
use std::sync::Arc;

pub use memory::MemoryBackend;
pub use sqlite::SqliteBackend;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage failure: {0}")]
    Backend(String),
    #[error("{kind} {id} already exists")]
    Exists { kind: String, id: String },
    #[error("{kind} {id} was changed concurrently (revision {found}, expected {expected})")]
    Conflict { kind: String, id: String, expected: i64, found: i64 },
    #[error("{kind} {id} does not exist")]
    Missing { kind: String, id: String },
    #[error("stored document is not valid: {0}")]
    Decode(String),
}

/// A storage failure reaching an API is the emulator's fault, never the
/// caller's: it is answered as a 500 in the service's envelope.
impl From<StoreError> for otc_core::ApiError {
    fn from(e: StoreError) -> Self {
        otc_core::ApiError::internal(e.to_string())
    }
}

/// One stored document.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: String,
    pub id: String,
    pub scope: String,
    pub key: Option<String>,
    pub body: String,
    /// 1 on insert, +1 on every update: the optimistic-concurrency token.
    pub revision: i64,
}

impl Record {
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_str(&self.body).map_err(|e| StoreError::Decode(format!("{} {}: {e}", self.kind, self.id)))
    }
}

/// What a write expects to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Create: fails with `Exists` if the id is taken.
    Absent,
    /// Update: fails with `Missing` or `Conflict` unless at this revision.
    Revision(i64),
    /// Update: the record must exist, any revision.
    Present,
    /// Insert or overwrite.
    Any,
}

/// A write of one document.
#[derive(Debug, Clone)]
pub struct Put<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub scope: &'a str,
    pub key: Option<&'a str>,
    pub body: String,
    pub expect: Expect,
}

/// The order a listing returns documents in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Creation order (an update keeps a document's place).
    #[default]
    Created,
    /// Ascending id, as Neutron pages; `after` is then an id position.
    Id,
}

/// Which documents a listing returns.
#[derive(Debug, Clone, Default)]
pub struct ListQuery<'a> {
    pub kind: &'a str,
    /// Only this scope; `None` lists every scope (for emulator-wide work).
    pub scope: Option<&'a str>,
    /// Continue after this id (creation order); an unknown marker is `Missing`.
    pub after: Option<&'a str>,
    pub limit: Option<usize>,
    /// Only documents with this secondary key.
    pub key: Option<&'a str>,
    pub order: Order,
}

/// A document body decoded into a service's type (see [`TxExt::get_doc`]).
pub type Decoded = Arc<dyn Any + Send + Sync>;
/// Decodes a record into a [`Decoded`].
pub type Decode<'a> = &'a dyn Fn(&Record) -> Result<Decoded, StoreError>;

/// The operations available inside a transaction.
pub trait Tx {
    fn get(&mut self, kind: &str, id: &str) -> Result<Option<Record>, StoreError>;
    /// Writes a document and returns its new revision.
    fn put(&mut self, put: Put<'_>) -> Result<i64, StoreError>;
    /// Deletes a document; `false` if there was none.
    fn delete(&mut self, kind: &str, id: &str) -> Result<bool, StoreError>;
    fn list(&mut self, q: &ListQuery<'_>) -> Result<Vec<Record>, StoreError>;
    fn count(&mut self, kind: &str, scope: Option<&str>) -> Result<usize, StoreError>;
    /// (kind, id, revision) of every stored document, sorted: what
    /// [`Store::fingerprint`] is made of.
    fn revisions(&mut self) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// [`Tx::get`] decoded by `decode` into the type `ty`. A backend may
    /// keep the result for the document's current revision and hand it out
    /// again instead of decoding the same body twice.
    fn get_decoded(&mut self, kind: &str, id: &str, ty: TypeId, decode: Decode<'_>) -> Result<Option<Decoded>, StoreError> {
        let _ = ty;
        self.get(kind, id)?.map(|r| decode(&r)).transpose()
    }

    /// [`Tx::list`] decoded, as [`Tx::get_decoded`].
    fn list_decoded(&mut self, q: &ListQuery<'_>, ty: TypeId, decode: Decode<'_>) -> Result<Vec<Decoded>, StoreError> {
        let _ = ty;
        self.list(q)?.iter().map(decode).collect()
    }
}

/// A storage engine. `run` executes `f` in one transaction and commits when
/// it returns `true`, rolls back when it returns `false`.
pub trait Backend: Send + Sync {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Tx) -> bool) -> Result<(), StoreError>;
    fn name(&self) -> &'static str;
}

/// The handle services hold.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

impl Store {
    pub fn new(backend: impl Backend + 'static) -> Self {
        Store { backend: Arc::new(backend) }
    }

    pub fn memory() -> Self {
        Store::new(MemoryBackend::default())
    }

    pub fn sqlite(path: &std::path::Path) -> Result<Self, StoreError> {
        Ok(Store::new(SqliteBackend::open(path)?))
    }

    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Every document's (kind, id, revision), sorted. Every committed write
    /// raises a revision, adds or removes a document, so two equal
    /// fingerprints mean nothing was committed in between (a rolled-back
    /// transaction restores the revisions it touched). Tests compare it
    /// around refused requests.
    pub fn fingerprint(&self) -> Result<Fingerprint, StoreError> {
        self.txn(|tx| tx.revisions()).map(Fingerprint)
    }

    /// Runs `f` in one transaction. An `Err` from `f` rolls everything back
    /// and is returned as is; a storage failure becomes `E::from(StoreError)`.
    pub fn txn<R, E: From<StoreError>>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<R, E>) -> Result<R, E> {
        let mut f = Some(f);
        let mut out: Option<Result<R, E>> = None;
        self.backend.run(&mut |tx| {
            let f = f.take().expect("a transaction body runs once");
            let r = f(tx);
            let commit = r.is_ok();
            out = Some(r);
            commit
        })?;
        out.expect("the transaction body ran")
    }
}

/// The state of a whole store as (kind, id, revision) triples; see
/// [`Store::fingerprint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(pub Vec<(String, String, i64)>);

impl Fingerprint {
    /// What changed from `self` to `later`, one line per document, for a
    /// failure message.
    pub fn diff(&self, later: &Fingerprint) -> Vec<String> {
        let before: std::collections::BTreeMap<_, _> = self.0.iter().map(|(k, i, r)| ((k, i), r)).collect();
        let after: std::collections::BTreeMap<_, _> = later.0.iter().map(|(k, i, r)| ((k, i), r)).collect();
        let mut out = Vec::new();
        for (key, r) in &before {
            match after.get(key) {
                None => out.push(format!("{} {} deleted", key.0, key.1)),
                Some(r2) if r2 != r => out.push(format!("{} {} revision {r} -> {r2}", key.0, key.1)),
                _ => {}
            }
        }
        for (key, r) in &after {
            if !before.contains_key(key) {
                out.push(format!("{} {} created (revision {r})", key.0, key.1));
            }
        }
        out
    }
}

/// What a stored document decodes into: the decoded value is kept with the
/// document and cloned out, so it must be cheap to clone and shareable.
pub trait Document: DeserializeOwned + Clone + Send + Sync + 'static {}
impl<T: DeserializeOwned + Clone + Send + Sync + 'static> Document for T {}

fn decode_as<T: Document>(r: &Record) -> Result<Decoded, StoreError> {
    Ok(Arc::new(r.decode::<T>()?))
}

fn typed<T: Document>(d: Decoded) -> T {
    d.downcast_ref::<T>().expect("a document decoded under T's TypeId is a T").clone()
}

/// Typed helpers over [`Tx`] for serde documents.
pub trait TxExt: Tx {
    fn get_doc<T: Document>(&mut self, kind: &str, id: &str) -> Result<Option<T>, StoreError> {
        Ok(self.get_decoded(kind, id, TypeId::of::<T>(), &decode_as::<T>)?.map(typed))
    }

    fn insert_doc<T: Serialize>(&mut self, kind: &str, id: &str, scope: &str, key: Option<&str>, doc: &T) -> Result<i64, StoreError> {
        let body = encode(doc)?;
        self.put(Put { kind, id, scope, key, body, expect: Expect::Absent })
    }

    fn update_doc<T: Serialize>(&mut self, kind: &str, id: &str, scope: &str, key: Option<&str>, doc: &T) -> Result<i64, StoreError> {
        let body = encode(doc)?;
        self.put(Put { kind, id, scope, key, body, expect: Expect::Present })
    }

    /// Writes `doc` whether or not one is stored there (insert or overwrite).
    fn put_doc<T: Serialize>(&mut self, kind: &str, id: &str, scope: &str, key: Option<&str>, doc: &T) -> Result<i64, StoreError> {
        let body = encode(doc)?;
        self.put(Put { kind, id, scope, key, body, expect: Expect::Any })
    }

    fn list_docs<T: Document>(&mut self, q: &ListQuery<'_>) -> Result<Vec<T>, StoreError> {
        Ok(self.list_decoded(q, TypeId::of::<T>(), &decode_as::<T>)?.into_iter().map(typed).collect())
    }
}

impl<T: Tx + ?Sized> TxExt for T {}

fn encode<T: Serialize>(doc: &T) -> Result<String, StoreError> {
    serde_json::to_string(doc).map_err(|e| StoreError::Decode(e.to_string()))
}

#[cfg(test)]
mod contract;
