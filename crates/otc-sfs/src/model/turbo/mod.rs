//! SFS Turbo file systems of a project, inside the network model's
//! transaction ([`Turbos`] wraps [`Net`]):
//!
//! - a [`Turbo`] lives in a VPC, a subnet of it and a security group of
//!   the caller's project. It takes three addresses of the subnet as ports
//!   the VPC APIs show (two nodes and the virtual IP it is mounted at),
//!   carrying its security group, and holds its VPC and subnet; deletion
//!   gives all of that back when it is asked for;
//! - a [`PermRule`] says how an address or segment may mount it;
//! - a [`TurboJob`] records what an operation started, under the id of
//!   the request that started it.
//!
//! Statuses move on the emulator's clock and are computed when read
//! ([`Turbo::settled`]), never written by a read; the next change
//! persists them and removes what finished deleting ([`Turbos::purge`]).

pub mod jobs;
pub mod rules;
pub mod shares;
pub mod tags;

use crate::turbo::errors;
use crate::SfsConfig;
use chrono::Duration;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_core::tags::Tag;
use otc_core::time::Timestamp;
use otc_vpc::model::{Fault, Net};
use serde::{Deserialize, Serialize};

pub const TURBO: &str = "sfs.turbo";
/// Keyed by the file system id.
pub const PERM_RULE: &str = "sfs.turbo_rule";
/// Keyed by the file system id.
pub const JOB: &str = "sfs.turbo_job";

/// The holder name the network model's refusals show.
pub const HOLDER: &str = "SFS Turbo file system";
/// The device owner of a file system's node ports: the nodes are ECS
/// instances of the service in the caller's subnet.
pub fn node_owner(az: &str) -> String {
    format!("compute:{az}")
}
/// The device owner of its virtual IP, as OTC's virtual IPs show it.
pub const VIP_OWNER: &str = "neutron:VIP_PORT";

/// `status` values (`sfs_turbo_file_system_statuses.rst`).
pub mod status {
    pub const CREATING: &str = "100";
    pub const ACTIVE: &str = "200";
    pub const FAILED: &str = "300";
    pub const CREATE_FAILED: &str = "303";
    pub const FROZEN: &str = "800";
}

/// `sub_status` values: `""` until the first modification, then the
/// last one's (sticky).
pub mod sub_status {
    pub const EXPANDING: &str = "121";
    pub const EXPANDED: &str = "221";
    pub const EXPAND_FAILED: &str = "321";
    pub const CHANGING_SG: &str = "132";
    pub const SG_CHANGED: &str = "232";
    pub const SG_CHANGE_FAILED: &str = "332";

    pub fn busy(s: &str) -> bool {
        s == EXPANDING || s == CHANGING_SG
    }
}

otc_core::refusal! {
    /// A refusal in SFS Turbo's words.
    pub struct Refusal;
    storage(e: otc_store::StoreError) => errors::internal(format!("storage failure: {e}"));
}

/// The network model's faults reach here from port and hold changes the
/// model has already checked the inputs of: an exhausted subnet, storage.
impl From<Fault> for Refusal {
    fn from(f: Fault) -> Self {
        Refusal(match f {
            Fault::NoMoreIps(s) => errors::not_enough_ips(&s),
            Fault::Storage(e) => errors::internal(e),
            other => errors::param(format!("{other:?}")),
        })
    }
}

pub type TurboResult<T> = Result<T, Refusal>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Turbo {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    /// GiB.
    pub size: i64,
    pub share_proto: String,
    /// `STANDARD` or `PERFORMANCE`, as asked for.
    pub share_type: String,
    /// `metadata.expand_type` (`bandwidth`, `hpc`), if given.
    pub expand_type: Option<String>,
    pub hpc_bw: Option<String>,
    pub crypt_key_id: Option<String>,
    pub availability_zone: String,
    pub vpc_id: String,
    /// The VPC API's subnet id (the Neutron network id).
    pub subnet_id: String,
    /// The Neutron subnet the addresses are taken from.
    pub neutron_subnet_id: String,
    pub security_group_id: String,
    /// The group a change under way moves away from (restored if it fails).
    #[serde(default)]
    pub previous_security_group: Option<String>,
    /// The region of its project (what the emulator's own API needs to
    /// act on it without a caller).
    #[serde(default)]
    pub region: String,
    pub status: String,
    pub status_since: Timestamp,
    pub sub_status: String,
    pub sub_status_since: Timestamp,
    /// The size an expansion in progress leads to.
    pub target_size: Option<i64>,
    /// When deletion was asked for; the file system is gone once the
    /// settle time has passed (its status stays what it was: the API has
    /// no deleting status, and the Terraform provider waits on 100/200).
    pub deleting_since: Option<Timestamp>,
    /// The inbound rules it added to its security group.
    #[serde(default)]
    pub sg_rules: Vec<String>,
    /// Node ports, then the virtual IP's.
    pub ports: Vec<String>,
    pub vip: String,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PermRule {
    /// 32 hex digits.
    pub id: String,
    pub project_id: String,
    pub share_id: String,
    pub ip_cidr: String,
    pub rw_type: String,
    pub user_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TurboJob {
    pub id: String,
    pub project_id: String,
    pub share_id: String,
    /// `create_share`, `delete_share`, `extend_share`, `change_security_group`.
    pub job_type: String,
    pub begin: Timestamp,
    /// When the operation's transition is over.
    pub end: Timestamp,
}

otc_vpc::owned!(Turbo, PermRule, TurboJob);

fn after(cfg: &SfsConfig) -> Duration {
    Duration::seconds(cfg.turbo_seconds.max(0))
}

impl Turbo {
    /// The file system as it stands at `now`; `None` once its deletion
    /// finished. A finished expansion has its new size.
    pub fn settled(&self, cfg: &SfsConfig, now: Timestamp) -> Option<Turbo> {
        let after = after(cfg);
        if self.deleting_since.is_some_and(|t| now >= t + after) {
            return None;
        }
        let mut t = self.clone();
        let created = [Transition { from: status::CREATING, to: status::ACTIVE, after }];
        let (stage, _) = settle(&created, &Stage { status: t.status.clone(), since: t.status_since }, now);
        (t.status, t.status_since) = (stage.status, stage.since);
        let modified = [
            Transition { from: sub_status::EXPANDING, to: sub_status::EXPANDED, after },
            Transition { from: sub_status::CHANGING_SG, to: sub_status::SG_CHANGED, after },
        ];
        let (stage, changed) = settle(&modified, &Stage { status: t.sub_status.clone(), since: t.sub_status_since }, now);
        if changed {
            if stage.status == sub_status::EXPANDED {
                if let Some(size) = t.target_size.take() {
                    t.size = size;
                }
            }
            (t.sub_status, t.sub_status_since) = (stage.status, stage.since);
        }
        Some(t)
    }

    /// Creation progress (`action_progress.CREATING`) while creating.
    pub fn progress(&self, cfg: &SfsConfig, now: Timestamp) -> Option<String> {
        if self.status != status::CREATING {
            return None;
        }
        let total = after(cfg).num_milliseconds().max(1);
        let done = (now - self.status_since).num_milliseconds().clamp(0, total);
        Some(format!("{}%", done * 100 / total))
    }

    /// Whether an operation may start: active, nothing under way, not
    /// being deleted.
    pub fn idle(&self) -> bool {
        self.status == status::ACTIVE && !sub_status::busy(&self.sub_status) && self.deleting_since.is_none()
    }

    /// The largest size of its kind (GiB): previous generation 32768,
    /// enhanced (`bandwidth`) 327680, HPC 1048576.
    pub fn max_size(expand_type: Option<&str>) -> i64 {
        match expand_type {
            Some("bandwidth") => 327_680,
            Some("hpc") => 1_048_576,
            _ => 32_768,
        }
    }

    /// The mount target: the virtual IP.
    pub fn export_location(&self) -> String {
        format!("{}:/", self.vip)
    }
}

/// One project's Turbo file systems inside the network model's
/// transaction.
pub struct Turbos<'n, 'a> {
    pub net: &'n mut Net<'a>,
    pub cfg: &'n SfsConfig,
    /// The request's id: the id of a job it starts.
    pub request_id: &'n str,
}

impl Turbos<'_, '_> {
    pub fn now(&self) -> Timestamp {
        self.net.now
    }

    pub fn region(&self) -> &str {
        self.net.region
    }

    /// A file system of the project as it stands now (404 SFS.TURBO.0002
    /// when absent, another project's, or deleted).
    pub fn share(&mut self, id: &str) -> TurboResult<Turbo> {
        let doc: Option<Turbo> = self.net.find(TURBO, id)?;
        doc.and_then(|s| s.settled(self.cfg, self.net.now)).ok_or_else(|| Refusal(errors::share_not_found(id)))
    }

    /// Every file system of the project as it stands now, in creation order.
    pub fn shares(&mut self) -> TurboResult<Vec<Turbo>> {
        let (cfg, now) = (self.cfg, self.net.now);
        let mut all: Vec<Turbo> = self.net.all::<Turbo>(TURBO)?.iter().filter_map(|s| s.settled(cfg, now)).collect();
        all.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok(all)
    }

    pub fn save(&mut self, t: &Turbo) -> TurboResult<()> {
        self.net.update(TURBO, &t.id, None, t)?;
        Ok(())
    }

    /// Removes file systems that finished deleting, with their rules.
    /// Run by changes only, so reads never write.
    pub fn purge(&mut self) -> TurboResult<()> {
        let (cfg, now) = (self.cfg, self.net.now);
        for s in self.net.all::<Turbo>(TURBO)? {
            if s.settled(cfg, now).is_none() {
                for r in self.net.keyed::<PermRule>(PERM_RULE, &s.id)? {
                    self.net.remove(PERM_RULE, &r.id)?;
                }
                self.net.remove(TURBO, &s.id)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn turbo(t0: Timestamp) -> Turbo {
        Turbo {
            id: "t".into(),
            project_id: "p".into(),
            name: "sfs-turbo-a".into(),
            description: String::new(),
            size: 500,
            share_proto: "NFS".into(),
            share_type: "STANDARD".into(),
            expand_type: None,
            hpc_bw: None,
            crypt_key_id: None,
            availability_zone: "eu-de-01".into(),
            vpc_id: "v".into(),
            subnet_id: "n".into(),
            neutron_subnet_id: "s".into(),
            security_group_id: "g".into(),
            previous_security_group: None,
            region: "eu-de".into(),
            status: status::CREATING.into(),
            status_since: t0,
            sub_status: String::new(),
            sub_status_since: t0,
            target_size: None,
            deleting_since: None,
            sg_rules: vec![],
            ports: vec![],
            vip: "10.0.0.9".into(),
            tags: vec![],
            created_at: t0,
        }
    }

    #[test]
    fn statuses_settle_on_the_clock() {
        let cfg = SfsConfig { turbo_seconds: 10, ..SfsConfig::default() };
        let t0 = Utc::now();
        let t = turbo(t0);
        let at = |t: &Turbo, s| t.settled(&cfg, t0 + Duration::seconds(s));
        assert_eq!(at(&t, 9).unwrap().status, "100");
        assert_eq!(t.progress(&cfg, t0 + Duration::seconds(5)).as_deref(), Some("50%"));
        assert_eq!(at(&t, 10).unwrap().status, "200");
        let mut e = at(&t, 10).unwrap();
        (e.sub_status, e.sub_status_since, e.target_size) = ("121".into(), t0 + Duration::seconds(10), Some(600));
        assert_eq!((at(&e, 19).unwrap().sub_status.as_str(), at(&e, 19).unwrap().size), ("121", 500));
        assert_eq!((at(&e, 20).unwrap().sub_status.as_str(), at(&e, 20).unwrap().size), ("221", 600));
        let mut d = at(&t, 10).unwrap();
        d.deleting_since = Some(t0 + Duration::seconds(10));
        assert_eq!(at(&d, 19).unwrap().status, "200", "keeps its status while deleting");
        assert!(at(&d, 20).is_none());
        assert_eq!(Turbo::max_size(Some("hpc")), 1_048_576);
    }
}
