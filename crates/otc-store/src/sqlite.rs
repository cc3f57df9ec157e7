//! The default backend: the in-memory image, made durable in one embedded
//! SQLite database file.
//!
//! Reads are served from the image and never touch the file. A transaction
//! that changed something writes exactly those documents to SQLite, in one
//! SQLite transaction, before it returns: what a caller was told is stored
//! is on disk. WAL journal with `synchronous=NORMAL`: a commit survives the
//! process being killed (only a power loss can take the last commits), at
//! a cost of tens of microseconds. On open the whole file is read back into
//! the image, in creation order.
//!
//! One lock serialises transactions, which is what makes them
//! serialisable; one process owns a data directory.

use crate::image::{Doc, Image, ImageTx, Undo};
use crate::{Backend, Record, StoreError, Tx};
use parking_lot::Mutex;
use rusqlite::{params, Connection};
use std::collections::HashSet;
use std::path::Path;

// One row per document, clustered on (kind, id): a write touches one
// b-tree, and nothing else (no rowid index, no AUTOINCREMENT counter), so
// a commit appends as few pages to the WAL as it can. `seq` is the
// creation order the image is rebuilt in.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
    kind     TEXT NOT NULL,
    id       TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    scope    TEXT NOT NULL,
    key      TEXT,
    body     TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
";

/// Data directories written before `documents` keep their rows in `docs`
/// (rowid table, AUTOINCREMENT seq, two indices): moved over once.
const MIGRATE_DOCS: &str = "
INSERT INTO documents (kind, id, seq, scope, key, body, revision)
    SELECT kind, id, seq, scope, key, body, revision FROM docs;
DROP TABLE docs;
";

struct Durable {
    image: Image,
    conn: Connection,
}

pub struct SqliteBackend {
    inner: Mutex<Durable>,
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
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA busy_timeout=5000; PRAGMA cache_size=-16384;")
            .map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        let old: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'docs')", [], |r| r.get(0))
            .map_err(db_err)?;
        if old {
            let tx = conn.unchecked_transaction().map_err(db_err)?;
            tx.execute_batch(MIGRATE_DOCS).map_err(db_err)?;
            tx.commit().map_err(db_err)?;
        }
        let image = load(&conn)?;
        Ok(SqliteBackend { inner: Mutex::new(Durable { image, conn }) })
    }
}

fn load(conn: &Connection) -> Result<Image, StoreError> {
    let mut image = Image::default();
    let mut stmt = conn.prepare("SELECT seq, kind, id, scope, key, body, revision FROM documents ORDER BY seq").map_err(db_err)?;
    let mut rows = stmt.query([]).map_err(db_err)?;
    while let Some(r) = rows.next().map_err(db_err)? {
        let seq: i64 = r.get(0).map_err(db_err)?;
        let rec = Record {
            kind: r.get(1).map_err(db_err)?,
            id: r.get(2).map_err(db_err)?,
            scope: r.get(3).map_err(db_err)?,
            key: r.get(4).map_err(db_err)?,
            body: r.get(5).map_err(db_err)?,
            revision: r.get(6).map_err(db_err)?,
        };
        image.load(Doc::new(seq as u64, rec));
    }
    Ok(image)
}

/// Writes the final state of every document `undo` names.
fn persist(conn: &mut Connection, image: &Image, undo: &Undo) -> Result<(), StoreError> {
    let tx = conn.transaction().map_err(db_err)?;
    let mut done = HashSet::new();
    for (kind, id, _) in undo {
        if !done.insert((kind.as_str(), id.as_str())) {
            continue;
        }
        match image.doc(kind, id) {
            Some(d) => {
                let r = &d.rec;
                tx.prepare_cached(
                    "INSERT INTO documents (seq, kind, id, scope, key, body, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (kind, id) DO UPDATE SET seq = ?1, scope = ?4, key = ?5, body = ?6, revision = ?7",
                )
                .map_err(db_err)?
                .execute(params![d.seq as i64, r.kind, r.id, r.scope, r.key, r.body, r.revision])
                .map_err(db_err)?;
            }
            None => {
                tx.prepare_cached("DELETE FROM documents WHERE kind = ?1 AND id = ?2")
                    .map_err(db_err)?
                    .execute(params![kind, id])
                    .map_err(db_err)?;
            }
        }
    }
    tx.commit().map_err(db_err)
}

impl Backend for SqliteBackend {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Tx) -> bool) -> Result<(), StoreError> {
        let mut guard = self.inner.lock();
        let Durable { image, conn } = &mut *guard;
        let mut tx = ImageTx::new(image);
        let commit = f(&mut tx);
        let undo = std::mem::take(&mut tx.undo);
        if undo.is_empty() {
            return Ok(());
        }
        if commit {
            match persist(conn, image, &undo) {
                Ok(()) => return Ok(()),
                // Not on disk, so not stored: the image goes back too.
                Err(e) => {
                    ImageTx::roll_back(image, undo);
                    return Err(e);
                }
            }
        }
        ImageTx::roll_back(image, undo);
        Ok(())
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }
}
