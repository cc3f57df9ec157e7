//! Quotas: a limit per resource type and project, checked before creation.
//! `-1` means unlimited, as the OTC quota APIs show it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub limit: i64,
    pub used: i64,
}

impl Quota {
    pub const UNLIMITED: i64 = -1;

    /// Whether `more` additional units still fit.
    pub fn allows(&self, more: i64) -> bool {
        self.limit == Self::UNLIMITED || self.used + more <= self.limit
    }

    pub fn remaining(&self) -> Option<i64> {
        (self.limit != Self::UNLIMITED).then(|| (self.limit - self.used).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows() {
        assert!(Quota { limit: 2, used: 1 }.allows(1));
        assert!(!Quota { limit: 2, used: 2 }.allows(1));
        assert!(Quota { limit: -1, used: 1_000 }.allows(5));
        assert_eq!(Quota { limit: 5, used: 7 }.remaining(), Some(0));
    }
}
