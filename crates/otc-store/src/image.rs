//! The in-memory image of the store, which every backend serves from.
//!
//! All documents live here, indexed the ways services read them: by id,
//! by scope in creation order, by scope in id order, and by secondary key.
//! So a read never leaves memory and a page costs its size, not the size
//! of the collection. A transaction runs on the image under one lock and
//! keeps an undo log: rolling back restores exactly what it changed, and
//! the log names what a durable backend has to write on commit.

use crate::{Decode, Decoded, Expect, ListQuery, Order, Put, Record, StoreError, Tx};
use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

/// One stored document and its place in creation order.
#[derive(Clone)]
pub(crate) struct Doc {
    pub seq: u64,
    pub rec: Record,
    /// The body as a service last decoded it, so reading a document that
    /// has not changed does not parse it again. A write replaces the whole
    /// `Doc`, and with it this.
    decoded: Option<(TypeId, Decoded)>,
}

impl Doc {
    pub fn new(seq: u64, rec: Record) -> Self {
        Doc { seq, rec, decoded: None }
    }

    fn decoded(&mut self, ty: TypeId, decode: Decode<'_>) -> Result<Decoded, StoreError> {
        if let Some((t, d)) = &self.decoded {
            if *t == ty {
                return Ok(d.clone());
            }
        }
        let d = decode(&self.rec)?;
        self.decoded = Some((ty, d.clone()));
        Ok(d)
    }
}

/// Every document of one kind, with its indices.
#[derive(Default)]
struct Kind {
    docs: HashMap<String, Doc>,
    /// seq → id over every scope.
    created: BTreeMap<u64, String>,
    /// scope → seq → id.
    created_in: HashMap<String, BTreeMap<u64, String>>,
    /// scope → ids in order.
    ids_in: HashMap<String, BTreeSet<String>>,
    /// key → seq → id.
    keyed: HashMap<String, BTreeMap<u64, String>>,
}

impl Kind {
    fn unindex(&mut self, d: &Doc) {
        self.created.remove(&d.seq);
        remove_in(&mut self.created_in, &d.rec.scope, |m| {
            m.remove(&d.seq);
            m.is_empty()
        });
        remove_in(&mut self.ids_in, &d.rec.scope, |s| {
            s.remove(&d.rec.id);
            s.is_empty()
        });
        if let Some(k) = &d.rec.key {
            remove_in(&mut self.keyed, k, |m| {
                m.remove(&d.seq);
                m.is_empty()
            });
        }
    }

    fn index(&mut self, d: &Doc) {
        self.created.insert(d.seq, d.rec.id.clone());
        self.created_in.entry(d.rec.scope.clone()).or_default().insert(d.seq, d.rec.id.clone());
        self.ids_in.entry(d.rec.scope.clone()).or_default().insert(d.rec.id.clone());
        if let Some(k) = &d.rec.key {
            self.keyed.entry(k.clone()).or_default().insert(d.seq, d.rec.id.clone());
        }
    }
}

/// Applies `f` to the entry at `k` and drops the entry once `f` says it is empty,
/// so indices of scopes that emptied do not accumulate.
fn remove_in<V>(m: &mut HashMap<String, V>, k: &str, f: impl FnOnce(&mut V) -> bool) {
    if let Some(v) = m.get_mut(k) {
        if f(v) {
            m.remove(k);
        }
    }
}

#[derive(Default)]
pub(crate) struct Image {
    kinds: HashMap<String, Kind>,
    next_seq: u64,
}

impl Image {
    /// Adds a document read back from durable storage, keeping its seq.
    pub fn load(&mut self, doc: Doc) {
        self.next_seq = self.next_seq.max(doc.seq);
        let (kind, id) = (doc.rec.kind.clone(), doc.rec.id.clone());
        self.set(&kind, &id, Some(doc));
    }

    pub fn doc(&self, kind: &str, id: &str) -> Option<&Doc> {
        self.kinds.get(kind)?.docs.get(id)
    }

    fn doc_mut(&mut self, kind: &str, id: &str) -> Option<&mut Doc> {
        self.kinds.get_mut(kind)?.docs.get_mut(id)
    }

    /// Replaces the document at (kind, id) with `new`, keeping the indices
    /// in step, and returns what was there.
    fn set(&mut self, kind: &str, id: &str, new: Option<Doc>) -> Option<Doc> {
        let k = match self.kinds.get_mut(kind) {
            Some(k) => k,
            None => self.kinds.entry(kind.to_string()).or_default(),
        };
        let old = k.docs.remove(id);
        if let Some(o) = &old {
            k.unindex(o);
        }
        if let Some(n) = new {
            k.index(&n);
            k.docs.insert(id.to_string(), n);
        }
        old
    }

    /// The ids a listing returns, in its order.
    fn list(&self, q: &ListQuery<'_>) -> Result<Vec<String>, StoreError> {
        let missing = |m: &str| StoreError::Missing { kind: q.kind.into(), id: m.into() };
        let Some(k) = self.kinds.get(q.kind) else {
            return match q.after {
                Some(m) => Err(missing(m)),
                None => Ok(vec![]),
            };
        };
        let after = match q.after {
            Some(m) => Some(k.docs.get(m).ok_or_else(|| missing(m))?),
            None => None,
        };
        let limit = q.limit.unwrap_or(usize::MAX);
        let wanted = |d: &&Doc| q.scope.is_none_or(|s| s == d.rec.scope) && q.key.is_none_or(|key| Some(key) == d.rec.key.as_deref());
        let docs = |ids: &mut dyn Iterator<Item = &String>| -> Vec<String> {
            ids.filter_map(|id| k.docs.get(id)).filter(wanted).take(limit).map(|d| d.rec.id.clone()).collect()
        };
        let empty = BTreeMap::new();
        match q.order {
            Order::Created => {
                // The narrowest index that holds every wanted document.
                let index = match (q.key, q.scope) {
                    (Some(key), _) => k.keyed.get(key).unwrap_or(&empty),
                    (None, Some(s)) => k.created_in.get(s).unwrap_or(&empty),
                    (None, None) => &k.created,
                };
                let start = after.map_or(Bound::Unbounded, |d| Bound::Excluded(d.seq));
                Ok(docs(&mut index.range((start, Bound::Unbounded)).map(|(_, id)| id)))
            }
            Order::Id => {
                match q.scope {
                    Some(s) => match k.ids_in.get(s) {
                        Some(ids) => {
                            let start = after.map_or(Bound::Unbounded, |d| Bound::Excluded(d.rec.id.clone()));
                            Ok(docs(&mut ids.range((start, Bound::Unbounded))))
                        }
                        None => Ok(vec![]),
                    },
                    None => {
                        // Emulator-wide listings are rare: sorted on demand.
                        let mut all: Vec<&String> = k.docs.keys().filter(|id| after.is_none_or(|d| **id > d.rec.id)).collect();
                        all.sort();
                        Ok(docs(&mut all.into_iter()))
                    }
                }
            }
        }
    }

    /// (kind, id, revision) of every document, sorted.
    fn revisions(&self) -> Vec<(String, String, i64)> {
        let mut all: Vec<_> =
            self.kinds.iter().flat_map(|(kind, k)| k.docs.iter().map(move |(id, d)| (kind.clone(), id.clone(), d.rec.revision))).collect();
        all.sort();
        all
    }

    fn count(&self, kind: &str, scope: Option<&str>) -> usize {
        let Some(k) = self.kinds.get(kind) else { return 0 };
        match scope {
            Some(s) => k.created_in.get(s).map_or(0, BTreeMap::len),
            None => k.docs.len(),
        }
    }
}

/// What a transaction changed: for each (kind, id) it touched, in order,
/// what was there before.
pub(crate) type Undo = Vec<(String, String, Option<Doc>)>;

/// A transaction over the image.
pub(crate) struct ImageTx<'a> {
    pub image: &'a mut Image,
    pub undo: Undo,
}

impl<'a> ImageTx<'a> {
    pub fn new(image: &'a mut Image) -> Self {
        ImageTx { image, undo: Vec::new() }
    }

    fn set(&mut self, kind: &str, id: &str, new: Option<Doc>) {
        let old = self.image.set(kind, id, new);
        self.undo.push((kind.to_string(), id.to_string(), old));
    }

    /// Puts back everything the transaction changed, newest first.
    pub fn roll_back(image: &mut Image, undo: Undo) {
        for (kind, id, old) in undo.into_iter().rev() {
            image.set(&kind, &id, old);
        }
    }
}

impl Tx for ImageTx<'_> {
    fn get(&mut self, kind: &str, id: &str) -> Result<Option<Record>, StoreError> {
        Ok(self.image.doc(kind, id).map(|d| d.rec.clone()))
    }

    fn put(&mut self, p: Put<'_>) -> Result<i64, StoreError> {
        let existing = self.image.doc(p.kind, p.id).map(|d| (d.seq, d.rec.revision));
        match (p.expect, existing) {
            (Expect::Absent, Some(_)) => return Err(StoreError::Exists { kind: p.kind.into(), id: p.id.into() }),
            (Expect::Present | Expect::Revision(_), None) => return Err(StoreError::Missing { kind: p.kind.into(), id: p.id.into() }),
            (Expect::Revision(want), Some((_, found))) if want != found => {
                return Err(StoreError::Conflict { kind: p.kind.into(), id: p.id.into(), expected: want, found })
            }
            _ => {}
        }
        let (seq, revision) = match existing {
            Some((seq, rev)) => (seq, rev + 1),
            None => {
                self.image.next_seq += 1;
                (self.image.next_seq, 1)
            }
        };
        let rec =
            Record { kind: p.kind.into(), id: p.id.into(), scope: p.scope.into(), key: p.key.map(str::to_string), body: p.body, revision };
        self.set(p.kind, p.id, Some(Doc::new(seq, rec)));
        Ok(revision)
    }

    fn delete(&mut self, kind: &str, id: &str) -> Result<bool, StoreError> {
        if self.image.doc(kind, id).is_none() {
            return Ok(false);
        }
        self.set(kind, id, None);
        Ok(true)
    }

    fn list(&mut self, q: &ListQuery<'_>) -> Result<Vec<Record>, StoreError> {
        let ids = self.image.list(q)?;
        Ok(ids.iter().filter_map(|id| self.image.doc(q.kind, id)).map(|d| d.rec.clone()).collect())
    }

    fn get_decoded(&mut self, kind: &str, id: &str, ty: TypeId, decode: Decode<'_>) -> Result<Option<Decoded>, StoreError> {
        self.image.doc_mut(kind, id).map(|d| d.decoded(ty, decode)).transpose()
    }

    fn list_decoded(&mut self, q: &ListQuery<'_>, ty: TypeId, decode: Decode<'_>) -> Result<Vec<Decoded>, StoreError> {
        let ids = self.image.list(q)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            if let Some(d) = self.image.doc_mut(q.kind, id) {
                out.push(d.decoded(ty, decode)?);
            }
        }
        Ok(out)
    }

    fn count(&mut self, kind: &str, scope: Option<&str>) -> Result<usize, StoreError> {
        Ok(self.image.count(kind, scope))
    }

    fn revisions(&mut self) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(self.image.revisions())
    }
}
