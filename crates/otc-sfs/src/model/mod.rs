//! The capacity-oriented file systems of a project, inside the network
//! model's transaction ([`FileSystems`] wraps [`Net`]):
//!
//! - a [`Share`] is a Manila share: NFS, a size in GB, one export
//!   location once available, user metadata and tags;
//! - an [`AccessRule`] lets a VPC (or addresses in one) mount a share;
//!   the VPC must be one of the caller's when the rule is added. OTC does
//!   not track it afterwards (a VPC deleted later leaves its rules listed
//!   as active, as the user guide says), so rules hold nothing.
//!
//! Statuses move on the emulator's clock and are computed when read,
//! never written by a read: a share's transition ([`Share::settled`]) and
//! a rule's ([`AccessRule::settled`]) are persisted by the next change,
//! and what finished deleting is removed by the next change of the
//! project ([`FileSystems::purge`]).

pub mod access;
pub mod sfs3;
pub mod sfs3_tags;
pub mod shares;
pub mod tags;
pub mod turbo;

use crate::SfsConfig;
use chrono::Duration;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_core::ApiError;
use otc_vpc::model::{Fault, Net};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SHARE: &str = "sfs.share";
/// Keyed by the share id.
pub const ACCESS: &str = "sfs.access";

otc_core::refusal! {
    /// A refusal in Manila's words.
    pub struct Refusal;
    storage(e: otc_store::StoreError) => ApiError::internal(format!("storage failure: {e}"));
}

/// The network model only answers lookups here; a fault it raises is a
/// storage failure or a missing VPC, which the access rules word
/// themselves before asking.
impl From<Fault> for Refusal {
    fn from(f: Fault) -> Self {
        Refusal(match f {
            Fault::NotFound(res, id) => crate::errors::invalid_access(format!("{} {id} could not be found.", res.neutron_name())),
            Fault::Storage(e) => ApiError::internal(e),
            other => crate::errors::bad_request(format!("{other:?}")),
        })
    }
}

pub type SfsResult<T> = Result<T, Refusal>;

/// Share statuses (the reference's `status` enumeration).
pub mod status {
    pub const CREATING: &str = "creating";
    pub const AVAILABLE: &str = "available";
    pub const ERROR: &str = "error";
    pub const INACTIVE: &str = "inactive";
    pub const DELETING: &str = "deleting";
    /// Never shown: a share that reached it is gone.
    pub const DELETED: &str = "deleted";
    pub const EXTENDING: &str = "extending";
    pub const SHRINKING: &str = "shrinking";
    pub const SHRINKING_POSSIBLE_DATA_LOSS_ERROR: &str = "shrinking_possible_data_loss_error";

    /// Manila's `TRANSITIONAL_STATUSES` that SFS can reach.
    pub fn transitional(s: &str) -> bool {
        [CREATING, DELETING, EXTENDING, SHRINKING].contains(&s)
    }
}

/// Access rule states (2.28 and later; earlier versions show the share's
/// rule status instead).
pub mod state {
    pub const QUEUED_TO_APPLY: &str = "queued_to_apply";
    pub const APPLYING: &str = "applying";
    pub const ACTIVE: &str = "active";
    pub const ERROR: &str = "error";
    pub const QUEUED_TO_DENY: &str = "queued_to_deny";
    pub const DENYING: &str = "denying";
    /// Never shown: a denied rule is gone.
    pub const DELETED: &str = "deleted";

    pub fn transitional(s: &str) -> bool {
        [QUEUED_TO_APPLY, APPLYING, QUEUED_TO_DENY, DENYING].contains(&s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Share {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    /// Manila's `display_name`: `null` until given.
    pub name: Option<String>,
    pub description: Option<String>,
    /// GB.
    pub size: i64,
    pub share_proto: String,
    pub availability_zone: String,
    pub is_public: bool,
    /// What the caller set (`share_used` is added when shown).
    pub metadata: BTreeMap<String, String>,
    pub status: String,
    pub status_since: Timestamp,
    /// The size an extend or shrink in progress leads to.
    pub target_size: Option<i64>,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessRule {
    pub id: String,
    pub project_id: String,
    pub share_id: String,
    /// `cert` (VPC or VPC#IP) or `user` (an access key).
    pub access_type: String,
    pub access_to: String,
    /// `rw` or `ro`.
    pub access_level: String,
    /// The VPC a `cert` rule names.
    pub vpc_id: Option<String>,
    /// An address the cloud cannot authorise (0.x, 127.x, 224 and up):
    /// the rule is added, and ends in `error` instead of `active`.
    pub fails: bool,
    pub state: String,
    pub state_since: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

otc_vpc::owned!(Share, AccessRule);

fn share_transitions(seconds: i64) -> [Transition; 4] {
    let after = Duration::seconds(seconds.max(0));
    [
        Transition { from: status::CREATING, to: status::AVAILABLE, after },
        Transition { from: status::EXTENDING, to: status::AVAILABLE, after },
        Transition { from: status::SHRINKING, to: status::AVAILABLE, after },
        Transition { from: status::DELETING, to: status::DELETED, after },
    ]
}

fn rule_transitions(seconds: i64, fails: bool) -> [Transition; 4] {
    let after = Duration::seconds(seconds.max(0));
    let applied = if fails { state::ERROR } else { state::ACTIVE };
    [
        Transition { from: state::QUEUED_TO_APPLY, to: state::APPLYING, after },
        Transition { from: state::APPLYING, to: applied, after },
        Transition { from: state::QUEUED_TO_DENY, to: state::DENYING, after },
        Transition { from: state::DENYING, to: state::DELETED, after },
    ]
}

impl Share {
    /// The share as it stands at `now`; `None` once its deletion finished.
    /// A finished extend or shrink has its new size.
    pub fn settled(&self, cfg: &SfsConfig, now: Timestamp) -> Option<Share> {
        let stage = Stage { status: self.status.clone(), since: self.status_since };
        let (stage, changed) = settle(&share_transitions(cfg.share_seconds), &stage, now);
        if !changed {
            return Some(self.clone());
        }
        if stage.status == status::DELETED {
            return None;
        }
        let mut s = self.clone();
        if let Some(size) = s.target_size.take() {
            s.size = size;
        }
        s.status = stage.status;
        s.status_since = stage.since;
        s.updated_at = stage.since;
        Some(s)
    }

    /// Whether an export location exists: from the end of creation on.
    pub fn exported(&self) -> bool {
        self.status != status::CREATING && self.status != status::ERROR
    }

    /// The mount path: `sfs-nas1.<region>.otc.t-systems.com:/share-<8 hex>`,
    /// as real shares show it.
    pub fn export_path(&self, region: &str) -> String {
        let short: String = self.id.chars().filter(|c| *c != '-').take(8).collect();
        format!("sfs-nas1.{region}.otc.t-systems.com:/share-{short}")
    }

    /// The export location's id, stable for the share.
    pub fn export_location_id(&self) -> String {
        stable_uuid(&format!("export-location/{}", self.id))
    }

    /// The (hidden) share instance the export location belongs to.
    pub fn instance_id(&self) -> String {
        stable_uuid(&format!("share-instance/{}", self.id))
    }
}

impl AccessRule {
    /// The rule as it stands at `now`; `None` once denied.
    pub fn settled(&self, cfg: &SfsConfig, now: Timestamp) -> Option<AccessRule> {
        let stage = Stage { status: self.state.clone(), since: self.state_since };
        let (stage, changed) = settle(&rule_transitions(cfg.access_seconds, self.fails), &stage, now);
        if !changed {
            return Some(self.clone());
        }
        if stage.status == state::DELETED {
            return None;
        }
        let mut r = self.clone();
        r.state = stage.status;
        r.state_since = stage.since;
        r.updated_at = stage.since;
        Some(r)
    }
}

/// A share's `access_rules_status`: `error` if a rule failed, `syncing`
/// while one is being applied or denied, else `active`.
pub fn rules_status(rules: &[AccessRule]) -> &'static str {
    if rules.iter().any(|r| r.state == state::ERROR) {
        "error"
    } else if rules.iter().any(|r| state::transitional(&r.state)) {
        "syncing"
    } else {
        "active"
    }
}

/// A UUID derived from `name`: ids the emulator shows the same every time
/// (a share's export location, the default share type, a region's pool).
pub fn stable_uuid(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("otc-emulator/sfs/{name}").as_bytes()).to_string()
}

/// The one share type (`default`, as real shares name theirs).
pub fn share_type_id(region: &str) -> String {
    stable_uuid(&format!("{region}/share-type/default"))
}

pub const SHARE_TYPE_NAME: &str = "default";

/// The back-end host real shares show (`DJ1@<pool>#<pool>`).
pub fn host(region: &str) -> String {
    let pool = stable_uuid(&format!("{region}/pool"));
    format!("DJ1@{pool}#{pool}")
}

/// The availability zones of a region: `<region>-01` to `-03`, as the
/// compute and network models have them.
pub fn zones(region: &str) -> Vec<String> {
    (1..=3).map(|i| format!("{region}-{i:02}")).collect()
}

/// One project's file systems inside the network model's transaction.
pub struct FileSystems<'n, 'a> {
    pub net: &'n mut Net<'a>,
    pub cfg: &'n SfsConfig,
    pub user_id: &'n str,
}

impl FileSystems<'_, '_> {
    pub fn now(&self) -> Timestamp {
        self.net.now
    }

    pub fn region(&self) -> &str {
        self.net.region
    }

    /// A share of the project as it stands now (404 when absent, another
    /// project's, or deleted).
    pub fn share(&mut self, id: &str) -> SfsResult<Share> {
        let doc: Option<Share> = self.net.find(SHARE, id)?;
        doc.and_then(|s| s.settled(self.cfg, self.net.now)).ok_or_else(|| Refusal(crate::errors::share_not_found(id)))
    }

    /// Every share of the project as it stands now, in creation order.
    pub fn shares(&mut self) -> SfsResult<Vec<Share>> {
        let (cfg, now) = (self.cfg, self.net.now);
        Ok(self.net.all::<Share>(SHARE)?.iter().filter_map(|s| s.settled(cfg, now)).collect())
    }

    /// The rules of a share as they stand now, in creation order.
    pub fn rules(&mut self, share_id: &str) -> SfsResult<Vec<AccessRule>> {
        let (cfg, now) = (self.cfg, self.net.now);
        Ok(self.net.keyed::<AccessRule>(ACCESS, share_id)?.iter().filter_map(|r| r.settled(cfg, now)).collect())
    }

    /// Writes a share's current state (a change always starts from
    /// [`FileSystems::share`], so what the clock moved is kept too).
    pub fn save(&mut self, share: &Share) -> SfsResult<()> {
        self.net.update(SHARE, &share.id, None, share)?;
        Ok(())
    }

    /// Removes what finished deleting: shares (with their rules) and
    /// denied rules. Run by changes only, so reads never write; a change
    /// that is refused rolls it back with everything else.
    pub fn purge(&mut self) -> SfsResult<()> {
        let (cfg, now) = (self.cfg, self.net.now);
        for s in self.net.all::<Share>(SHARE)? {
            let gone = s.settled(cfg, now).is_none();
            for r in self.net.keyed::<AccessRule>(ACCESS, &s.id)? {
                if gone || r.settled(cfg, now).is_none() {
                    self.net.remove(ACCESS, &r.id)?;
                }
            }
            if gone {
                self.net.remove(SHARE, &s.id)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn share(status: &str, since: Timestamp) -> Share {
        Share {
            id: "11111111-2222-3333-4444-555555555555".into(),
            project_id: "p".into(),
            user_id: "u".into(),
            name: None,
            description: None,
            size: 1,
            share_proto: "NFS".into(),
            availability_zone: "eu-de-01".into(),
            is_public: false,
            metadata: BTreeMap::new(),
            status: status.into(),
            status_since: since,
            target_size: None,
            tags: vec![],
            created_at: since,
            updated_at: since,
        }
    }

    #[test]
    fn shares_settle_on_the_clock() {
        let cfg = SfsConfig { share_seconds: 10, ..SfsConfig::default() };
        let t0 = Utc::now();
        let s = share(status::CREATING, t0);
        assert_eq!(s.settled(&cfg, t0 + Duration::seconds(9)).unwrap().status, "creating");
        let done = s.settled(&cfg, t0 + Duration::seconds(10)).unwrap();
        assert_eq!((done.status.as_str(), done.status_since), ("available", t0 + Duration::seconds(10)));
        let mut e = share(status::EXTENDING, t0);
        e.target_size = Some(5);
        assert_eq!(e.settled(&cfg, t0 + Duration::seconds(1)).unwrap().size, 1, "the old size until extended");
        let e = e.settled(&cfg, t0 + Duration::seconds(11)).unwrap();
        assert_eq!((e.size, e.target_size, e.status.as_str()), (5, None, "available"));
        assert!(share(status::DELETING, t0).settled(&cfg, t0 + Duration::seconds(10)).is_none());
        assert!(share(status::ERROR, t0).settled(&cfg, t0 + Duration::days(9)).is_some());
        assert_eq!(share(status::AVAILABLE, t0).export_path("eu-de"), "sfs-nas1.eu-de.otc.t-systems.com:/share-11111111");
    }

    #[test]
    fn rules_settle_and_summarise() {
        let cfg = SfsConfig { access_seconds: 2, ..SfsConfig::default() };
        let t0 = Utc::now();
        let rule = |fails| AccessRule {
            id: "r".into(),
            project_id: "p".into(),
            share_id: "s".into(),
            access_type: "cert".into(),
            access_to: "v".into(),
            access_level: "rw".into(),
            vpc_id: None,
            fails,
            state: state::QUEUED_TO_APPLY.into(),
            state_since: t0,
            created_at: t0,
            updated_at: t0,
        };
        let at = |r: &AccessRule, s| r.settled(&cfg, t0 + Duration::seconds(s)).map(|r| r.state);
        assert_eq!(at(&rule(false), 1).as_deref(), Some("queued_to_apply"));
        assert_eq!(at(&rule(false), 2).as_deref(), Some("applying"));
        assert_eq!(at(&rule(false), 4).as_deref(), Some("active"));
        assert_eq!(at(&rule(true), 4).as_deref(), Some("error"));
        let mut deny = rule(false);
        deny.state = state::QUEUED_TO_DENY.into();
        assert_eq!(at(&deny, 2).as_deref(), Some("denying"));
        assert_eq!(at(&deny, 4), None);
        let active = rule(false).settled(&cfg, t0 + Duration::seconds(4)).unwrap();
        assert_eq!(rules_status(std::slice::from_ref(&active)), "active");
        assert_eq!(rules_status(&[active.clone(), rule(false)]), "syncing");
        assert_eq!(rules_status(&[rule(true).settled(&cfg, t0 + Duration::seconds(4)).unwrap(), rule(false)]), "error");
        assert_eq!(rules_status(&[]), "active");
    }
}
