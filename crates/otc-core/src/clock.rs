//! The emulator's clock. Everything time-dependent (token expiry, status
//! transitions, scheduled policies) reads time from here, never from the
//! system directly, so tests and users can move time instead of sleeping.
//!
//! The clock runs with real time plus an offset. It can be advanced (the
//! offset grows) and frozen (time stands still until advanced or resumed).

use crate::time::Timestamp;
use chrono::{Duration, Utc};
use parking_lot::RwLock;
use std::sync::Arc;

#[derive(Debug, Default)]
struct State {
    offset: Duration,
    frozen_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default)]
pub struct Clock {
    state: Arc<RwLock<State>>,
}

impl Clock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn now(&self) -> Timestamp {
        let s = self.state.read();
        match s.frozen_at {
            Some(t) => t,
            None => Utc::now() + s.offset,
        }
    }

    /// Moves time forward by `by` (a frozen clock stays frozen, later).
    pub fn advance(&self, by: Duration) {
        let mut s = self.state.write();
        s.offset += by;
        if let Some(t) = s.frozen_at.as_mut() {
            *t += by;
        }
    }

    /// Stops time at the current instant.
    pub fn freeze(&self) {
        let now = self.now();
        self.state.write().frozen_at = Some(now);
    }

    /// Lets a frozen clock run again from where it stood.
    pub fn resume(&self) {
        let mut s = self.state.write();
        if let Some(t) = s.frozen_at.take() {
            s.offset = t - Utc::now();
        }
    }

    pub fn is_frozen(&self) -> bool {
        self.state.read().frozen_at.is_some()
    }

    pub fn offset(&self) -> Duration {
        self.state.read().offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_freeze() {
        let c = Clock::new();
        c.freeze();
        let t0 = c.now();
        assert_eq!(c.now(), t0);
        c.advance(Duration::hours(25));
        assert_eq!(c.now(), t0 + Duration::hours(25));
        c.resume();
        assert!(c.now() >= t0 + Duration::hours(25));
        assert!(!c.is_frozen());
    }
}
