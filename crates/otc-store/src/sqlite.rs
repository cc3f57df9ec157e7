//! The default backend: one embedded SQLite database file.
//!
//! WAL journal with `synchronous=NORMAL`: a committed transaction survives
//! the process being killed (only a power loss can take the last commits),
//! at a write cost low enough for thousands of creates per second. One
//! connection behind a mutex serialises transactions, which is what makes
//! them serialisable; reads are short and indexed.

use crate::{Backend, Expect, ListQuery, Put, Record, StoreError, Tx};
use parking_lot::Mutex;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docs (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL,
    id       TEXT NOT NULL,
    scope    TEXT NOT NULL,
    key      TEXT,
    body     TEXT NOT NULL,
    revision INTEGER NOT NULL,
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_by_scope ON docs (kind, scope, seq);
CREATE INDEX IF NOT EXISTS docs_by_key ON docs (kind, key);
";

pub struct SqliteBackend {
    conn: Mutex<Connection>,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl SqliteBackend {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Backend(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(db_err)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA busy_timeout=5000;")
            .map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        Ok(SqliteBackend { conn: Mutex::new(conn) })
    }
}

impl Backend for SqliteBackend {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Tx) -> bool) -> Result<(), StoreError> {
        let mut conn = self.conn.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let commit = {
            let mut stx = SqliteTx { tx: &tx };
            f(&mut stx)
        };
        if commit {
            tx.commit().map_err(db_err)
        } else {
            tx.rollback().map_err(db_err)
        }
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }
}

struct SqliteTx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

fn row_to_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record { kind: r.get(0)?, id: r.get(1)?, scope: r.get(2)?, key: r.get(3)?, body: r.get(4)?, revision: r.get(5)? })
}

impl SqliteTx<'_> {
    fn seq_of(&self, kind: &str, id: &str) -> Result<Option<i64>, StoreError> {
        self.tx
            .prepare_cached("SELECT seq FROM docs WHERE kind = ?1 AND id = ?2")
            .map_err(db_err)?
            .query_row(params![kind, id], |r| r.get(0))
            .optional()
            .map_err(db_err)
    }
}

impl Tx for SqliteTx<'_> {
    fn get(&mut self, kind: &str, id: &str) -> Result<Option<Record>, StoreError> {
        self.tx
            .prepare_cached("SELECT kind, id, scope, key, body, revision FROM docs WHERE kind = ?1 AND id = ?2")
            .map_err(db_err)?
            .query_row(params![kind, id], row_to_record)
            .optional()
            .map_err(db_err)
    }

    fn put(&mut self, p: Put<'_>) -> Result<i64, StoreError> {
        let current: Option<i64> = self
            .tx
            .prepare_cached("SELECT revision FROM docs WHERE kind = ?1 AND id = ?2")
            .map_err(db_err)?
            .query_row(params![p.kind, p.id], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        let missing = || StoreError::Missing { kind: p.kind.into(), id: p.id.into() };
        match (p.expect, current) {
            (Expect::Absent, Some(_)) => return Err(StoreError::Exists { kind: p.kind.into(), id: p.id.into() }),
            (Expect::Present | Expect::Revision(_), None) => return Err(missing()),
            (Expect::Revision(want), Some(found)) if want != found => {
                return Err(StoreError::Conflict { kind: p.kind.into(), id: p.id.into(), expected: want, found })
            }
            _ => {}
        }
        match current {
            None => {
                self.tx
                    .prepare_cached("INSERT INTO docs (kind, id, scope, key, body, revision) VALUES (?1, ?2, ?3, ?4, ?5, 1)")
                    .map_err(db_err)?
                    .execute(params![p.kind, p.id, p.scope, p.key, p.body])
                    .map_err(db_err)?;
                Ok(1)
            }
            Some(rev) => {
                self.tx
                    .prepare_cached("UPDATE docs SET scope = ?3, key = ?4, body = ?5, revision = ?6 WHERE kind = ?1 AND id = ?2")
                    .map_err(db_err)?
                    .execute(params![p.kind, p.id, p.scope, p.key, p.body, rev + 1])
                    .map_err(db_err)?;
                Ok(rev + 1)
            }
        }
    }

    fn delete(&mut self, kind: &str, id: &str) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM docs WHERE kind = ?1 AND id = ?2")
            .map_err(db_err)?
            .execute(params![kind, id])
            .map_err(db_err)?;
        Ok(n > 0)
    }

    fn list(&mut self, q: &ListQuery<'_>) -> Result<Vec<Record>, StoreError> {
        let after = match q.after {
            Some(m) => Some(self.seq_of(q.kind, m)?.ok_or_else(|| StoreError::Missing { kind: q.kind.into(), id: m.into() })?),
            None => None,
        };
        // Conditions are fixed per shape, so each shape is one cached statement.
        let mut sql = String::from("SELECT kind, id, scope, key, body, revision FROM docs WHERE kind = ?1");
        if q.scope.is_some() {
            sql.push_str(" AND scope = ?2");
        }
        if q.key.is_some() {
            sql.push_str(" AND key = ?3");
        }
        if after.is_some() {
            sql.push_str(" AND seq > ?4");
        }
        sql.push_str(" ORDER BY seq LIMIT ?5");
        let limit = q.limit.map(|l| l as i64).unwrap_or(-1);
        let mut stmt = self.tx.prepare_cached(&sql).map_err(db_err)?;
        let mut binds: Vec<(usize, &dyn rusqlite::ToSql)> = vec![(1, &q.kind)];
        if let Some(s) = &q.scope {
            binds.push((2, s));
        }
        if let Some(k) = &q.key {
            binds.push((3, k));
        }
        if let Some(a) = &after {
            binds.push((4, a));
        }
        binds.push((5, &limit));
        // `?N` placeholders bind at index N even when lower ones are absent.
        for (idx, v) in binds {
            stmt.raw_bind_parameter(idx, v).map_err(db_err)?;
        }
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(db_err)? {
            out.push(row_to_record(r).map_err(db_err)?);
        }
        Ok(out)
    }

    fn count(&mut self, kind: &str, scope: Option<&str>) -> Result<usize, StoreError> {
        let n: i64 = match scope {
            Some(s) => self
                .tx
                .prepare_cached("SELECT COUNT(*) FROM docs WHERE kind = ?1 AND scope = ?2")
                .map_err(db_err)?
                .query_row(params![kind, s], |r| r.get(0)),
            None => {
                self.tx.prepare_cached("SELECT COUNT(*) FROM docs WHERE kind = ?1").map_err(db_err)?.query_row(params![kind], |r| r.get(0))
            }
        }
        .map_err(db_err)?;
        Ok(n as usize)
    }
}
