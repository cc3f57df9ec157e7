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
            let page = tx.list(&ListQuery { kind: "port", scope: Some("p1"), after: Some("id2"), limit: Some(2), key: None })?;
            assert_eq!(ids(page), ["id4", "id6"]);
            let keyed = tx.list(&ListQuery { kind: "port", key: Some("low"), ..Default::default() })?;
            assert_eq!(ids(keyed), ["id0", "id1", "id2", "id3"]);
            assert!(matches!(
                tx.list(&ListQuery { kind: "port", after: Some("nope"), ..Default::default() }),
                Err(StoreError::Missing { .. })
            ));
            assert_eq!(tx.count("port", Some("p2"))?, 5);
            assert_eq!(tx.count("port", None)?, 10);
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
