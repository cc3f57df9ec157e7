//! The contract every backend must keep, run against each of them.

use crate::*;

fn backends() -> Vec<(Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::sqlite(&dir.path().join("state.db")).unwrap();
    vec![(Store::memory(), None), (sqlite, Some(dir))]
}

fn put<'a>(kind: &'a str, id: &'a str, scope: &'a str, body: &str, expect: Expect) -> Put<'a> {
    Put { kind, id, scope, key: None, body: body.to_string(), expect }
}

#[test]
fn crud_and_revisions() {
    for (s, _d) in backends() {
        let r: Result<(), StoreError> = s.txn(|tx| {
            assert_eq!(tx.put(put("vpc", "a", "p1", "{}", Expect::Absent))?, 1);
            assert!(matches!(tx.put(put("vpc", "a", "p1", "{}", Expect::Absent)), Err(StoreError::Exists { .. })));
            assert_eq!(tx.put(put("vpc", "a", "p1", "{\"x\":1}", Expect::Revision(1)))?, 2);
            assert!(matches!(tx.put(put("vpc", "a", "p1", "{}", Expect::Revision(1))), Err(StoreError::Conflict { .. })));
            assert!(matches!(tx.put(put("vpc", "zz", "p1", "{}", Expect::Present)), Err(StoreError::Missing { .. })));
            assert_eq!(tx.get("vpc", "a")?.unwrap().body, "{\"x\":1}");
            assert!(tx.delete("vpc", "a")?);
            assert!(!tx.delete("vpc", "a")?);
            assert!(tx.get("vpc", "a")?.is_none());
            Ok(())
        });
        r.unwrap();
    }
}

#[test]
fn rollback_restores_everything() {
    for (s, _d) in backends() {
        s.txn(|tx| tx.put(put("vpc", "keep", "p1", "1", Expect::Absent)).map(|_| ())).unwrap();
        let r: Result<(), StoreError> = s.txn(|tx| {
            tx.put(put("vpc", "new", "p1", "2", Expect::Absent))?;
            tx.put(put("vpc", "keep", "p1", "changed", Expect::Present))?;
            tx.delete("vpc", "keep")?;
            Err(StoreError::Backend("abort".into()))
        });
        assert!(r.is_err());
        s.txn(|tx| {
            assert!(tx.get("vpc", "new")?.is_none());
            let k = tx.get("vpc", "keep")?.unwrap();
            assert_eq!((k.body.as_str(), k.revision), ("1", 1));
            assert_eq!(tx.list(&ListQuery { kind: "vpc", ..Default::default() })?.len(), 1);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }
}

#[test]
fn fingerprint_sees_every_commit_and_no_rollback() {
    for (s, _d) in backends() {
        let empty = s.fingerprint().unwrap();
        s.txn(|tx| tx.put(put("vpc", "a", "p1", "1", Expect::Absent)).map(|_| ())).unwrap();
        let one = s.fingerprint().unwrap();
        assert_eq!(empty.diff(&one), vec!["vpc a created (revision 1)"]);
        let r: Result<(), StoreError> = s.txn(|tx| {
            tx.put(put("vpc", "a", "p1", "2", Expect::Present))?;
            tx.put(put("subnet", "b", "p2", "2", Expect::Absent))?;
            Err(StoreError::Backend("abort".into()))
        });
        assert!(r.is_err());
        assert_eq!(s.fingerprint().unwrap(), one);
        // An overwrite with the same body is still a write.
        s.txn(|tx| tx.put(put("vpc", "a", "p1", "1", Expect::Any)).map(|_| ())).unwrap();
        let two = s.fingerprint().unwrap();
        assert_eq!(one.diff(&two), vec!["vpc a revision 1 -> 2"]);
        s.txn(|tx| tx.delete("vpc", "a").map(|_| ())).unwrap();
        assert_eq!(two.diff(&s.fingerprint().unwrap()), vec!["vpc a deleted"]);
    }
}

#[test]
fn listing_is_scoped_ordered_and_paginated() {
    for (s, _d) in backends() {
        s.txn(|tx| {
            for i in 0..10 {
                let scope = if i % 2 == 0 { "p1" } else { "p2" };
                let id = format!("id{i}");
                tx.put(Put {
                    kind: "port",
                    id: &id,
                    scope,
                    key: Some(if i < 4 { "low" } else { "high" }),
                    body: "{}".into(),
                    expect: Expect::Absent,
                })?;
            }
            tx.put(put("other", "x", "p1", "{}", Expect::Absent))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        s.txn(|tx| {
            let ids = |v: Vec<Record>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
            let p1 = tx.list(&ListQuery { kind: "port", scope: Some("p1"), ..Default::default() })?;
            assert_eq!(ids(p1), ["id0", "id2", "id4", "id6", "id8"]);
            let page = tx.list(&ListQuery { kind: "port", scope: Some("p1"), after: Some("id2"), limit: Some(2), ..Default::default() })?;
            assert_eq!(ids(page), ["id4", "id6"]);
            let keyed = tx.list(&ListQuery { kind: "port", key: Some("low"), ..Default::default() })?;
            assert_eq!(ids(keyed), ["id0", "id1", "id2", "id3"]);
            assert!(matches!(
                tx.list(&ListQuery { kind: "port", after: Some("nope"), ..Default::default() }),
                Err(StoreError::Missing { .. })
            ));
            assert_eq!(tx.count("port", Some("p2"))?, 5);
            assert_eq!(tx.count("port", None)?, 10);
            let scoped_key = tx.list(&ListQuery { kind: "port", scope: Some("p2"), key: Some("low"), ..Default::default() })?;
            assert_eq!(ids(scoped_key), ["id1", "id3"]);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }
}

#[test]
fn sqlite_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let s = Store::sqlite(&path).unwrap();
        s.txn(|tx| tx.put(put("token", "t1", "d", "{\"a\":1}", Expect::Absent))).unwrap();
    }
    let s = Store::sqlite(&path).unwrap();
    let r = s.txn(|tx| tx.get("token", "t1")).unwrap().unwrap();
    assert_eq!(r.body, "{\"a\":1}");
}

#[test]
fn id_order_pages_by_id_within_a_scope() {
    for (s, _d) in backends() {
        s.txn(|tx| {
            for id in ["m", "c", "x", "a", "q"] {
                tx.put(put("port", id, "p1", "{}", Expect::Absent))?;
            }
            tx.put(put("port", "b", "p2", "{}", Expect::Absent))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        s.txn(|tx| {
            let ids = |v: Vec<Record>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
            let q = |after, limit| ListQuery { kind: "port", scope: Some("p1"), after, limit, order: Order::Id, ..Default::default() };
            assert_eq!(ids(tx.list(&q(None, None))?), ["a", "c", "m", "q", "x"]);
            assert_eq!(ids(tx.list(&q(Some("c"), Some(2)))?), ["m", "q"]);
            assert!(matches!(tx.list(&q(Some("nope"), None)), Err(StoreError::Missing { .. })));
            let all = ListQuery { kind: "port", order: Order::Id, after: Some("b"), ..Default::default() };
            assert_eq!(ids(tx.list(&all)?), ["c", "m", "q", "x"]);
            // Deleting and re-creating keeps every index in step.
            assert!(tx.delete("port", "c")?);
            tx.put(put("port", "c", "p2", "{}", Expect::Absent))?;
            assert_eq!(ids(tx.list(&q(None, None))?), ["a", "m", "q", "x"]);
            assert_eq!(tx.count("port", Some("p1"))?, 4);
            assert_eq!(tx.count("port", Some("p2"))?, 2);
            let p2 = tx.list(&ListQuery { kind: "port", scope: Some("p2"), ..Default::default() })?;
            assert_eq!(ids(p2), ["b", "c"]);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }
}

#[test]
fn sqlite_reopens_with_order_revisions_and_only_committed_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let s = Store::sqlite(&path).unwrap();
        s.txn(|tx| {
            for id in ["z", "y", "x"] {
                tx.put(put("vpc", id, "p1", "{}", Expect::Absent))?;
            }
            tx.put(put("vpc", "y", "p1", "{\"v\":2}", Expect::Present))?;
            tx.delete("vpc", "x")?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let aborted: Result<(), StoreError> = s.txn(|tx| {
            tx.put(put("vpc", "w", "p1", "{}", Expect::Absent))?;
            tx.delete("vpc", "z")?;
            Err(StoreError::Backend("abort".into()))
        });
        assert!(aborted.is_err());
    }
    let s = Store::sqlite(&path).unwrap();
    s.txn(|tx| {
        let all = tx.list(&ListQuery { kind: "vpc", scope: Some("p1"), ..Default::default() })?;
        let got: Vec<(String, i64)> = all.into_iter().map(|r| (r.id, r.revision)).collect();
        assert_eq!(got, [("z".to_string(), 1), ("y".to_string(), 2)]);
        // New documents go after the ones read back.
        tx.put(put("vpc", "a", "p1", "{}", Expect::Absent))?;
        let ids: Vec<String> = tx.list(&ListQuery { kind: "vpc", ..Default::default() })?.into_iter().map(|r| r.id).collect();
        assert_eq!(ids, ["z", "y", "a"]);
        Ok::<_, StoreError>(())
    })
    .unwrap();
}

#[test]
fn sqlite_moves_rows_of_the_old_table_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        // The layout data directories had before `documents`.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE docs (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
                scope TEXT NOT NULL, key TEXT, body TEXT NOT NULL, revision INTEGER NOT NULL, UNIQUE (kind, id));
             INSERT INTO docs (kind, id, scope, key, body, revision) VALUES ('vpc', 'b', 'p1', 'web', '{}', 3);
             INSERT INTO docs (kind, id, scope, key, body, revision) VALUES ('vpc', 'a', 'p1', NULL, '{}', 1);",
        )
        .unwrap();
    }
    let s = Store::sqlite(&path).unwrap();
    s.txn(|tx| {
        let all = tx.list(&ListQuery { kind: "vpc", scope: Some("p1"), ..Default::default() })?;
        let got: Vec<(String, Option<String>, i64)> = all.into_iter().map(|r| (r.id, r.key, r.revision)).collect();
        assert_eq!(got, [("b".to_string(), Some("web".to_string()), 3), ("a".to_string(), None, 1)]);
        tx.put(put("vpc", "c", "p1", "{}", Expect::Absent))?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    drop(s);
    let s = Store::sqlite(&path).unwrap();
    let n = s.txn(|tx| tx.count("vpc", Some("p1"))).unwrap();
    assert_eq!(n, 3);
}

#[test]
fn sqlite_commits_are_on_disk_once_their_wait_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let s = Store::sqlite(&path).unwrap();
    drop(otc_core::durability::take());
    s.txn(|tx| tx.put(put("vpc", "a", "p1", "{}", Expect::Absent))).unwrap();
    let written = otc_core::durability::take().expect("a commit leaves a wait behind");
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(written).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM documents WHERE kind = 'vpc' AND id = 'a'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    // Reading what is written leaves nothing to wait for.
    s.txn(|tx| tx.get("vpc", "a")).unwrap();
    assert!(otc_core::durability::take().is_none());
}

#[test]
fn sqlite_file_has_one_owner_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let first = Store::sqlite(&path).unwrap();
    let second = Store::sqlite(&path);
    assert!(matches!(second, Err(StoreError::Backend(m)) if m.contains("another emulator process")));
    drop(first);
    Store::sqlite(&path).unwrap();
}
