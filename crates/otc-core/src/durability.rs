//! Acknowledging only what is stored.
//!
//! A storage backend may make a committed transaction durable a moment
//! after the transaction returns (the SQLite store writes commits in
//! batches on a thread of its own). It then notes, on the thread that ran
//! the transaction, a [`Barrier`] and the commit's place in its order. The
//! gateway takes what a handler left noted and waits for it before it
//! answers, without holding a worker thread: so a client is told "created"
//! only once the creation is on disk, and meanwhile other requests run and
//! their commits join the same batch.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Resolves once every commit up to a point is durable; `Err` names the
/// storage failure that prevented it.
pub type Wait = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// Where a backend's commits become durable, in order.
pub trait Barrier: Send + Sync {
    /// Resolves once commit `seq` and every one before it are durable.
    fn wait(&self, seq: u64) -> Wait;
}

thread_local! {
    static PENDING: RefCell<Option<(u64, Arc<dyn Barrier>)>> = const { RefCell::new(None) };
}

/// Notes that commit `seq` of `barrier` was made on this thread and is
/// not durable yet. Later commits supersede earlier ones (durability is in
/// order).
pub fn note(seq: u64, barrier: Arc<dyn Barrier>) {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_none_or(|(s, _)| *s < seq) {
            *p = Some((seq, barrier));
        }
    });
}

/// Takes what this thread noted since the last take: the wait for its
/// latest commit, or `None` when nothing is outstanding.
pub fn take() -> Option<Wait> {
    PENDING.with(|p| p.borrow_mut().take()).map(|(seq, b)| b.wait(seq))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Log(Mutex<Vec<u64>>);

    impl Barrier for Log {
        fn wait(&self, seq: u64) -> Wait {
            self.0.lock().unwrap().push(seq);
            Box::pin(async { Ok(()) })
        }
    }

    #[test]
    fn the_latest_commit_is_waited_for_once() {
        let log = Arc::new(Log(Mutex::new(Vec::new())));
        assert!(take().is_none());
        note(3, log.clone());
        note(5, log.clone());
        note(4, log.clone());
        assert!(take().is_some());
        assert!(take().is_none());
        assert_eq!(*log.0.lock().unwrap(), [5]);
    }
}
