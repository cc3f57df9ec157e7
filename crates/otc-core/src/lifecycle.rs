//! Status transitions on the controllable clock.
//!
//! An asynchronous resource stores the status it entered and when. Its
//! current status is computed on read by following the transition table as
//! far as the elapsed time allows, so a resource can never hang in a
//! transient state and moving the clock moves every resource at once.

use crate::time::Timestamp;
use chrono::Duration;

/// `from` becomes `to` once `after` has passed in `from`.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub from: &'static str,
    pub to: &'static str,
    pub after: Duration,
}

/// Where a resource stands: its status and when it entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub status: String,
    pub since: Timestamp,
}

/// Follows `table` from `stage` up to `now`. Returns the settled stage and
/// whether anything changed (so callers can persist the new status).
pub fn settle(table: &[Transition], stage: &Stage, now: Timestamp) -> (Stage, bool) {
    let mut cur = stage.clone();
    let mut changed = false;
    // A table is a chain; the bound guards against an accidental cycle.
    for _ in 0..=table.len() {
        let Some(t) = table.iter().find(|t| t.from == cur.status) else {
            break;
        };
        let due = cur.since + t.after;
        if due > now {
            break;
        }
        cur = Stage { status: t.to.to_string(), since: due };
        changed = true;
    }
    (cur, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    const TABLE: &[Transition] = &[
        Transition { from: "BUILD", to: "ACTIVE", after: Duration::seconds(2) },
        Transition { from: "REBOOT", to: "ACTIVE", after: Duration::seconds(1) },
    ];

    #[test]
    fn settles_with_time() {
        let t0 = Utc::now();
        let s = Stage { status: "BUILD".into(), since: t0 };
        assert_eq!(settle(TABLE, &s, t0 + Duration::seconds(1)).0.status, "BUILD");
        let (done, changed) = settle(TABLE, &s, t0 + Duration::seconds(5));
        assert!(changed);
        assert_eq!(done.status, "ACTIVE");
        assert_eq!(done.since, t0 + Duration::seconds(2));
        let (same, changed) = settle(TABLE, &done, t0 + Duration::days(1));
        assert!(!changed);
        assert_eq!(same, done);
    }
}
