//! The in-memory backend: same contract as SQLite, nothing on disk. Used by
//! `--store memory` and by tests. A transaction holds the one lock for its
//! whole run (serialisable) and keeps an undo log so a rollback restores
//! exactly what it changed.

use crate::{Backend, Expect, ListQuery, Put, Record, StoreError, Tx};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
struct Doc {
    seq: u64,
    rec: Record,
}

impl Default for Record {
    fn default() -> Self {
        Record { kind: String::new(), id: String::new(), scope: String::new(), key: None, body: String::new(), revision: 0 }
    }
}

#[derive(Default)]
struct State {
    docs: HashMap<(String, String), Doc>,
    /// kind → creation seq → id, for ordered listing.
    order: HashMap<String, BTreeMap<u64, String>>,
    next_seq: u64,
}

impl State {
    /// Replaces the document at (kind, id) with `new`, keeping indices in
    /// step, and returns what was there.
    fn set(&mut self, kind: &str, id: &str, new: Option<Doc>) -> Option<Doc> {
        let k = (kind.to_string(), id.to_string());
        let old = self.docs.remove(&k);
        if let Some(o) = &old {
            if let Some(m) = self.order.get_mut(kind) {
                m.remove(&o.seq);
            }
        }
        if let Some(n) = new {
            self.order.entry(kind.to_string()).or_default().insert(n.seq, id.to_string());
            self.docs.insert(k, n);
        }
        old
    }
}

#[derive(Default)]
pub struct MemoryBackend {
    state: Mutex<State>,
}

struct MemTx<'a> {
    state: &'a mut State,
    undo: Vec<(String, String, Option<Doc>)>,
}

impl MemTx<'_> {
    fn set(&mut self, kind: &str, id: &str, new: Option<Doc>) {
        let old = self.state.set(kind, id, new);
        self.undo.push((kind.to_string(), id.to_string(), old));
    }
}

fn clone_doc(d: &Doc) -> Doc {
    Doc { seq: d.seq, rec: d.rec.clone() }
}

impl Backend for MemoryBackend {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Tx) -> bool) -> Result<(), StoreError> {
        let mut guard = self.state.lock();
        let mut tx = MemTx { state: &mut guard, undo: Vec::new() };
        if !f(&mut tx) {
            let MemTx { state, undo } = tx;
            for (kind, id, old) in undo.into_iter().rev() {
                state.set(&kind, &id, old);
            }
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}

impl Tx for MemTx<'_> {
    fn get(&mut self, kind: &str, id: &str) -> Result<Option<Record>, StoreError> {
        Ok(self.state.docs.get(&(kind.to_string(), id.to_string())).map(|d| d.rec.clone()))
    }

    fn put(&mut self, p: Put<'_>) -> Result<i64, StoreError> {
        let existing = self.state.docs.get(&(p.kind.to_string(), p.id.to_string())).map(clone_doc);
        let missing = || StoreError::Missing { kind: p.kind.into(), id: p.id.into() };
        match (p.expect, &existing) {
            (Expect::Absent, Some(_)) => return Err(StoreError::Exists { kind: p.kind.into(), id: p.id.into() }),
            (Expect::Present | Expect::Revision(_), None) => return Err(missing()),
            (Expect::Revision(want), Some(d)) if want != d.rec.revision => {
                return Err(StoreError::Conflict { kind: p.kind.into(), id: p.id.into(), expected: want, found: d.rec.revision })
            }
            _ => {}
        }
        let (seq, revision) = match &existing {
            Some(d) => (d.seq, d.rec.revision + 1),
            None => {
                self.state.next_seq += 1;
                (self.state.next_seq, 1)
            }
        };
        let rec =
            Record { kind: p.kind.into(), id: p.id.into(), scope: p.scope.into(), key: p.key.map(str::to_string), body: p.body, revision };
        self.set(p.kind, p.id, Some(Doc { seq, rec }));
        Ok(revision)
    }

    fn delete(&mut self, kind: &str, id: &str) -> Result<bool, StoreError> {
        if !self.state.docs.contains_key(&(kind.to_string(), id.to_string())) {
            return Ok(false);
        }
        self.set(kind, id, None);
        Ok(true)
    }

    fn list(&mut self, q: &ListQuery<'_>) -> Result<Vec<Record>, StoreError> {
        let Some(order) = self.state.order.get(q.kind) else {
            return match q.after {
                Some(m) => Err(StoreError::Missing { kind: q.kind.into(), id: m.into() }),
                None => Ok(vec![]),
            };
        };
        let start = match q.after {
            Some(m) => {
                let d = self
                    .state
                    .docs
                    .get(&(q.kind.to_string(), m.to_string()))
                    .ok_or_else(|| StoreError::Missing { kind: q.kind.into(), id: m.into() })?;
                std::ops::Bound::Excluded(d.seq)
            }
            None => std::ops::Bound::Unbounded,
        };
        let limit = q.limit.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for (_, id) in order.range((start, std::ops::Bound::Unbounded)) {
            if out.len() >= limit {
                break;
            }
            let d = &self.state.docs[&(q.kind.to_string(), id.clone())];
            if q.scope.is_some_and(|s| s != d.rec.scope) || q.key.is_some_and(|k| Some(k) != d.rec.key.as_deref()) {
                continue;
            }
            out.push(d.rec.clone());
        }
        Ok(out)
    }

    fn count(&mut self, kind: &str, scope: Option<&str>) -> Result<usize, StoreError> {
        Ok(self.state.docs.values().filter(|d| d.rec.kind == kind && scope.is_none_or(|s| s == d.rec.scope)).count())
    }
}
