//! Shares: creation against the project's quotas and zones, renaming,
//! deletion, extend and shrink, with Manila's preconditions
//! (`share/api.py`: `create`, `delete`, `extend`, `shrink`).

use super::{status, FileSystems, Refusal, SfsResult, Share, SHARE};
use crate::errors::{forbidden, invalid_input, invalid_share, not_found, over_limit};
use std::collections::BTreeMap;

/// What a creation asks for, already of the right types.
#[derive(Debug, Clone, Default)]
pub struct NewShare {
    pub name: Option<String>,
    pub description: Option<String>,
    pub size: i64,
    pub share_proto: String,
    pub availability_zone: Option<String>,
    pub is_public: bool,
    pub metadata: BTreeMap<String, String>,
}

/// What an update changes (`display_name`, `display_description`,
/// `is_public`); `Some(None)` clears a name.
#[derive(Debug, Clone, Default)]
pub struct ShareChange {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub is_public: Option<bool>,
}

/// A project's use of its quotas: (in use, reserved) per resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub shares: i64,
    pub gigabytes: i64,
    /// Gigabytes an extend in progress has reserved.
    pub reserved_gigabytes: i64,
}

impl FileSystems<'_, '_> {
    pub fn usage(&mut self) -> SfsResult<Usage> {
        let shares = self.shares()?;
        Ok(Usage {
            shares: shares.len() as i64,
            gigabytes: shares.iter().map(|s| s.size).sum(),
            reserved_gigabytes: shares.iter().filter_map(|s| s.target_size.map(|t| (t - s.size).max(0))).sum(),
        })
    }

    pub fn create_share(&mut self, spec: NewShare) -> SfsResult<Share> {
        self.purge()?;
        let zones = super::zones(self.region());
        let availability_zone = match spec.availability_zone.filter(|z| !z.is_empty()) {
            None => zones[0].clone(),
            Some(z) if zones.contains(&z) => z,
            Some(z) => return Err(not_found(format!("Availability zone {z} could not be found.")).into()),
        };
        let q = self.cfg.quotas;
        let u = self.usage()?;
        // Manila reserves both at once and reports gigabytes first.
        if q.gigabytes >= 0 && u.gigabytes + u.reserved_gigabytes + spec.size > q.gigabytes {
            return Err(over_limit("Requested share exceeds allowed project/user or share type gigabytes quota.").into());
        }
        if q.shares >= 0 && u.shares + 1 > q.shares {
            return Err(over_limit(format!(
                "Maximum number of shares allowed ({}) either per project/user or share type quota is exceeded.",
                q.shares
            ))
            .into());
        }
        let now = self.now();
        let share = Share {
            id: otc_core::ids::uuid(),
            project_id: self.net.project.to_string(),
            user_id: self.user_id.to_string(),
            name: spec.name,
            description: spec.description,
            size: spec.size,
            share_proto: spec.share_proto,
            availability_zone,
            is_public: spec.is_public,
            metadata: spec.metadata,
            status: status::CREATING.into(),
            status_since: now,
            target_size: None,
            tags: Vec::new(),
            created_at: now,
            updated_at: now,
        };
        self.net.insert(SHARE, &share.id, None, &share)?;
        Ok(share)
    }

    pub fn update_share(&mut self, id: &str, ch: ShareChange) -> SfsResult<Share> {
        self.purge()?;
        let mut s = self.share(id)?;
        if let Some(name) = ch.name {
            s.name = name;
        }
        if let Some(description) = ch.description {
            s.description = description;
        }
        if let Some(p) = ch.is_public {
            s.is_public = p;
        }
        s.updated_at = self.now();
        self.save(&s)?;
        Ok(s)
    }

    /// Starts the deletion: only from `available`, `error` or `inactive`
    /// (Manila's InvalidShare, which the API answers with 403).
    pub fn delete_share(&mut self, id: &str) -> SfsResult<()> {
        self.purge()?;
        let mut s = self.share(id)?;
        if ![status::AVAILABLE, status::ERROR, status::INACTIVE].contains(&s.status.as_str()) {
            return Err(forbidden(invalid_share("Share status must be one of ('available', 'error', 'inactive')")).into());
        }
        self.enter(&mut s, status::DELETING);
        self.save(&s)
    }

    pub fn extend_share(&mut self, id: &str, new_size: i64) -> SfsResult<()> {
        self.purge()?;
        let mut s = self.share(id)?;
        if s.status != status::AVAILABLE {
            let why = format!("Share {id} status must be 'available' to extend, but current status is: {}", s.status);
            return Err(crate::errors::bad_request(invalid_share(why)).into());
        }
        if new_size <= s.size {
            return Err(invalid_size(format!(
                "The post-expansion capacity must be larger than the current capacity. (Current capacity: {}; post-expansion capacity: {new_size})",
                s.size
            )));
        }
        let q = self.cfg.quotas;
        let u = self.usage()?;
        if q.gigabytes >= 0 && u.gigabytes + u.reserved_gigabytes + (new_size - s.size) > q.gigabytes {
            // Manila's _extend turns ShareSizeExceedsAvailableQuota into 403.
            return Err(forbidden("Requested share exceeds allowed project/user or share type gigabytes quota.").into());
        }
        s.target_size = Some(new_size);
        self.enter(&mut s, status::EXTENDING);
        self.save(&s)
    }

    pub fn shrink_share(&mut self, id: &str, new_size: i64) -> SfsResult<()> {
        self.purge()?;
        let mut s = self.share(id)?;
        if s.status != status::AVAILABLE && s.status != status::SHRINKING_POSSIBLE_DATA_LOSS_ERROR {
            let why = format!(
                "Share {id} status must in (available, shrinking_possible_data_loss_error) to shrink, but current status is: {}",
                s.status
            );
            return Err(crate::errors::bad_request(invalid_share(why)).into());
        }
        if new_size <= 0 || new_size >= s.size {
            return Err(invalid_size(format!(
                "The post-deduction capacity must be larger than 0 and smaller than the current capacity. (Current capacity: {}; post-deduction capacity: {new_size})",
                s.size
            )));
        }
        s.target_size = Some(new_size);
        self.enter(&mut s, status::SHRINKING);
        self.save(&s)
    }

    fn enter(&self, s: &mut Share, st: &str) {
        s.status = st.to_string();
        s.status_since = self.now();
        s.updated_at = self.now();
    }
}

/// The reference's own words for a new size out of range.
fn invalid_size(msg: String) -> Refusal {
    Refusal(crate::errors::bad_request(format!("Invalid input: {msg}")))
}

/// Manila's size rule at creation (InvalidInput).
pub fn check_size(size: i64) -> SfsResult<()> {
    if size <= 0 {
        return Err(invalid_input(format!("Share size '{size}' must be an integer and greater than 0")).into());
    }
    Ok(())
}
