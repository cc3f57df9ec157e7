//! Revocation by event, as Keystone does it for fernet tokens: nothing is
//! stored per token, so revoking is storing a small event that names what
//! it revokes (one token by its audit id, a user's or a project's tokens)
//! and the time up to which tokens it matches were issued. One event per
//! subject: a later one for the same user or project moves its time on.
//!
//! An event is kept only as long as a token it matches can be alive, then
//! purged, so the events stay as few as the revocations of the last token
//! lifetime.

use crate::model::Token;
use chrono::{DateTime, Utc};
use otc_store::{ListQuery, StoreError, Tx, TxExt};
use serde::{Deserialize, Serialize};

pub const REVOCATION: &str = "iam.revocation";
/// Every event is listed under one scope, for purging.
const SCOPE: &str = "revocations";
/// Events looked at for purging per new event (oldest first): with
/// purging at start, enough to keep the events to the live ones.
const PURGE_BATCH: usize = 16;

/// What an event revokes.
pub enum Subject<'a> {
    /// One token, by its audit id.
    Token(&'a str),
    User(&'a str),
    Project(&'a str),
}

impl Subject<'_> {
    fn id(&self) -> String {
        match self {
            Subject::Token(a) => format!("audit/{a}"),
            Subject::User(u) => format!("user/{u}"),
            Subject::Project(p) => format!("project/{p}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revocation {
    /// Tokens of the subject issued at or before this are revoked.
    pub issued_before: DateTime<Utc>,
    /// When no token it matches can be alive any more.
    pub keep_until: DateTime<Utc>,
}

/// Revokes `subject`'s tokens issued up to `issued_before`, none of which
/// lives past `keep_until`.
pub fn revoke(
    tx: &mut dyn Tx,
    subject: Subject<'_>,
    issued_before: DateTime<Utc>,
    keep_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    purge(tx, now, Some(PURGE_BATCH))?;
    if keep_until <= now {
        return Ok(()); // whatever it would match has expired already
    }
    let id = subject.id();
    let event = match tx.get_doc::<Revocation>(REVOCATION, &id)? {
        Some(e) => Revocation { issued_before: e.issued_before.max(issued_before), keep_until: e.keep_until.max(keep_until) },
        None => Revocation { issued_before, keep_until },
    };
    tx.put_doc(REVOCATION, &id, SCOPE, None, &event).map(|_| ())
}

/// Deletes the events nothing they match outlives, among the oldest
/// `limit` (all with `None`).
pub fn purge(tx: &mut dyn Tx, now: DateTime<Utc>, limit: Option<usize>) -> Result<usize, StoreError> {
    let events = tx.list(&ListQuery { kind: REVOCATION, scope: Some(SCOPE), limit, ..Default::default() })?;
    let mut purged = 0;
    for r in events {
        if r.decode::<Revocation>()?.keep_until <= now {
            tx.delete(REVOCATION, &r.id)?;
            purged += 1;
        }
    }
    Ok(purged)
}

/// Whether an event revokes `t`.
pub fn revoked(tx: &mut dyn Tx, t: &Token) -> Result<bool, StoreError> {
    let mut subjects = vec![Subject::Token(&t.audit_id), Subject::User(&t.user_id)];
    if let Some(p) = &t.project {
        subjects.push(Subject::Project(&p.id));
    }
    for s in subjects {
        if let Some(e) = tx.get_doc::<Revocation>(REVOCATION, &s.id())? {
            if t.issued_at <= e.issued_before {
                return Ok(true);
            }
        }
    }
    Ok(false)
}
