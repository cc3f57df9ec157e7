//! The default backend: the in-memory image, made durable in one embedded
//! SQLite database file.
//!
//! Reads are served from the image and never touch the file. A transaction
//! that changed something hands the final state of exactly those documents
//! to the writer thread, which appends whatever has queued up to SQLite in
//! one SQLite transaction (group commit), in commit order. The gateway
//! answers a request only once every commit its transactions could have
//! seen is written ([`otc_core::durability`]): what a caller was told, or
//! shown, is on disk.
//! WAL journal with `synchronous=NORMAL`: a commit survives the process
//! being killed (only a power loss can take the last commits). On open the
//! whole file is read back into the image, in creation order.
//!
//! One lock serialises transactions on the image, which is what makes them
//! serialisable; one process owns a database file (a lock file next to it
//! refuses a second). Should a write ever
//! fail (disk full), every later wait fails too: the image is ahead of the
//! disk, and the emulator says so on every write until restarted.

use crate::image::{Doc, Image, ImageTx, Undo};
use crate::{Backend, Record, StoreError, Tx};
use otc_core::durability::{self, Barrier, Wait};
use parking_lot::Mutex;
use rusqlite::{params, Connection};
use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::watch;

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

/// The final state of one document a commit touched: `None` is deleted.
struct Row {
    kind: String,
    id: String,
    doc: Option<Doc>,
}

/// One committed transaction's writes, `seq`-th in commit order.
struct Batch {
    seq: u64,
    rows: Vec<Row>,
}

/// How far the writer has got: every commit up to `written` is on disk,
/// unless a write failed.
#[derive(Clone, Default)]
struct Progress {
    written: u64,
    failed: Option<String>,
}

struct Writes {
    progress: watch::Receiver<Progress>,
}

impl Barrier for Writes {
    fn wait(&self, seq: u64) -> Wait {
        let mut rx = self.progress.clone();
        Box::pin(async move {
            let p = rx.wait_for(|p| p.written >= seq || p.failed.is_some()).await.map_err(|_| "the store's writer stopped".to_string())?;
            match &p.failed {
                Some(e) => Err(e.clone()),
                None => Ok(()),
            }
        })
    }
}

struct Committer {
    image: Image,
    /// The last commit handed to the writer.
    seq: u64,
    queue: mpsc::Sender<Batch>,
}

pub struct SqliteBackend {
    inner: Mutex<Committer>,
    writes: Arc<Writes>,
    writer: Option<std::thread::JoinHandle<()>>,
    /// Held while open: a second process on the same file would serve an
    /// image that never sees this one's writes, so it is refused.
    _owner: std::fs::File,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl SqliteBackend {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Backend(format!("{}: {e}", dir.display())))?;
        }
        let owner = own(path)?;
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
        let (queue, batches) = mpsc::channel();
        let (progress, rx) = watch::channel(Progress::default());
        let writer = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_batches(conn, batches, progress))
            .map_err(|e| StoreError::Backend(format!("the store's writer thread: {e}")))?;
        Ok(SqliteBackend {
            inner: Mutex::new(Committer { image, seq: 0, queue }),
            writes: Arc::new(Writes { progress: rx }),
            writer: Some(writer),
            _owner: owner,
        })
    }
}

/// Locks `<path>.lock` for this process, or says who has it.
fn own(path: &Path) -> Result<std::fs::File, StoreError> {
    let lock = path.with_extension("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .map_err(|e| StoreError::Backend(format!("{}: {e}", lock.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Backend(format!(
            "{} is in use by another emulator process (one process owns a data directory)",
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Backend(format!("{}: {e}", lock.display()))),
    }
}

impl Drop for SqliteBackend {
    /// Closing the queue lets the writer finish what is queued; waiting for
    /// it means a store dropped is a store written.
    fn drop(&mut self) {
        let (queue, _) = mpsc::channel();
        drop(std::mem::replace(&mut self.inner.lock().queue, queue));
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

/// The writer thread: takes every batch queued so far and writes them in
/// one SQLite transaction, until the queue closes.
fn write_batches(mut conn: Connection, batches: mpsc::Receiver<Batch>, progress: watch::Sender<Progress>) {
    while let Ok(first) = batches.recv() {
        let mut group = vec![first];
        group.extend(batches.try_iter());
        let last = group.last().map_or(0, |b| b.seq);
        match persist(&mut conn, &group) {
            Ok(()) => progress.send_modify(|p| p.written = last),
            Err(e) => {
                tracing::error!(error = %e, "writing to the store failed; restart the emulator");
                progress.send_modify(|p| p.failed = Some(e.to_string()));
            }
        }
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

/// The final state of every document `undo` names, once each.
fn rows(image: &Image, undo: &Undo) -> Vec<Row> {
    let mut seen = HashSet::new();
    undo.iter()
        .filter(|(kind, id, _)| seen.insert((kind.as_str(), id.as_str())))
        .map(|(kind, id, _)| Row { kind: kind.clone(), id: id.clone(), doc: image.doc(kind, id).cloned() })
        .collect()
}

/// Writes a group of batches in one SQLite transaction.
fn persist(conn: &mut Connection, group: &[Batch]) -> Result<(), StoreError> {
    let tx = conn.transaction().map_err(db_err)?;
    for row in group.iter().flat_map(|b| &b.rows) {
        match &row.doc {
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
                    .execute(params![row.kind, row.id])
                    .map_err(db_err)?;
            }
        }
    }
    tx.commit().map_err(db_err)
}

impl Backend for SqliteBackend {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Tx) -> bool) -> Result<(), StoreError> {
        let mut guard = self.inner.lock();
        let c = &mut *guard;
        let mut tx = ImageTx::new(&mut c.image);
        let commit = f(&mut tx);
        let undo = std::mem::take(&mut tx.undo);
        if !undo.is_empty() {
            if !commit {
                ImageTx::roll_back(&mut c.image, undo);
            } else {
                let batch = Batch { seq: c.seq + 1, rows: rows(&c.image, &undo) };
                if c.queue.send(batch).is_err() {
                    ImageTx::roll_back(&mut c.image, undo);
                    return Err(StoreError::Backend("the store's writer stopped".into()));
                }
                c.seq += 1;
            }
        }
        // Whatever the transaction wrote or read may include commits not on
        // disk yet: an answer built on them waits for them too, so no
        // client hears of anything a kill -9 could take back.
        if c.seq > self.writes.progress.borrow().written {
            durability::note(c.seq, self.writes.clone());
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }
}
