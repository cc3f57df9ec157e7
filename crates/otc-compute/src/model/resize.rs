//! A server's status management after creation: flavor changes (Nova's
//! resize → VERIFY_RESIZE → confirm or revert, and ECS v1's resize that
//! confirms itself), cold migration, and changing or reinstalling the OS.
//! Each is a stage of the server on the controllable clock (see
//! [`stage_transitions`]), and the ECS v1 forms hand out a job ([`Job`])
//! that lasts as long as the work.
//!
//! Changing or reinstalling the OS replaces the system volume on the real
//! cloud. Here the server's image (and key pair, user data) change in the
//! server model; [`Compute::replace_system_volume`] is the one place the
//! system volume's replacement belongs to once servers' system volumes are
//! EVS volumes.

use super::jobs::{Job, SubJob, JOB};
use super::servers::Server;
use super::*;
use chrono::Duration;
use otc_core::ids;
use otc_core::lifecycle::Transition;

/// The record of a Nova resize waiting for confirmation: what a revert
/// goes back to.
pub const PENDING_RESIZE: &str = "compute.pending_resize";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingResize {
    pub server_id: String,
    pub project_id: String,
    pub old_flavor: String,
    /// The server was SHUTOFF when resized, and goes back to SHUTOFF.
    pub was_stopped: bool,
}

/// The stages these operations add to a server's life, with what Nova
/// shows for each (status, vm_state, task_state, power_state).
pub fn stage_view(stage: &str) -> Option<(&'static str, &'static str, Option<&'static str>, u8)> {
    Some(match stage {
        "RESIZE" => ("RESIZE", "active", Some("resize_prep"), 1),
        "RESIZE_OFF" => ("RESIZE", "stopped", Some("resize_prep"), 4),
        "VERIFY_RESIZE" => ("VERIFY_RESIZE", "resized", None, 1),
        "VERIFY_RESIZE_OFF" => ("VERIFY_RESIZE", "resized", None, 4),
        "REVERT_RESIZE" => ("REVERT_RESIZE", "resized", Some("resize_reverting"), 1),
        "REVERT_RESIZE_OFF" => ("REVERT_RESIZE", "resized", Some("resize_reverting"), 4),
        // ECS v1's resize of a stopped server, confirmed by the cloud.
        "ECS_RESIZE" => ("RESIZE", "stopped", Some("resize_migrating"), 4),
        "MIGRATING" => ("MIGRATING", "stopped", Some("migrating"), 4),
        "REBUILD" => ("REBUILD", "stopped", Some("rebuilding"), 4),
        _ => return None,
    })
}

/// How those stages settle.
pub fn stage_transitions(cfg: &ComputeConfig) -> [Transition; 7] {
    let act = Duration::seconds(cfg.action_seconds);
    let build = Duration::seconds(cfg.build_seconds);
    [
        Transition { from: "RESIZE", to: "VERIFY_RESIZE", after: act },
        Transition { from: "RESIZE_OFF", to: "VERIFY_RESIZE_OFF", after: act },
        Transition { from: "REVERT_RESIZE", to: "ACTIVE", after: act },
        Transition { from: "REVERT_RESIZE_OFF", to: "SHUTOFF", after: act },
        Transition { from: "ECS_RESIZE", to: "SHUTOFF", after: act },
        Transition { from: "MIGRATING", to: "SHUTOFF", after: act },
        // A new OS boots: the ECS is started once its OS is changed or
        // reinstalled, as the console says it will be.
        Transition { from: "REBUILD", to: "ACTIVE", after: build },
    ]
}

/// What a change of OS asks for.
#[derive(Debug, Clone, Default)]
pub struct OsChange {
    /// `None`: reinstall the image the server has.
    pub image_id: Option<String>,
    pub key_name: Option<String>,
    pub user_data: Option<String>,
    /// Reinstall's `mode: withStopServer`: a running server is stopped first.
    pub stop_first: bool,
}

impl Compute<'_, '_> {
    fn unlocked(&self, s: &Server) -> ModelResult<()> {
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {} is locked", s.id)));
        }
        Ok(())
    }

    fn state_conflict(action: &str, s: &Server) -> Fault {
        Fault::Conflict(Why::State, format!("Cannot '{action}' instance {} while it is in vm_state {}", s.id, s.view().vm_state))
    }

    /// The new flavor of a resize: known, different, big enough for the image.
    fn target_flavor(&self, s: &Server, flavor_id: &str) -> ModelResult<crate::catalog::Flavor> {
        let flavor =
            self.cfg.flavor(flavor_id).cloned().ok_or_else(|| Fault::Invalid(Why::Flavor, "Invalid flavorRef provided.".into()))?;
        if flavor.name == s.flavor_id {
            return Err(Fault::Invalid(Why::Flavor, "When resizing, instances must change flavor!".into()));
        }
        if let Some(img) = self.cfg.image(&s.image_id) {
            if flavor.ram < img.min_ram {
                return Err(Fault::Invalid(Why::Flavor, "Flavor's memory is too small for requested image.".into()));
            }
        }
        Ok(flavor)
    }

    /// The cores and RAM quota for the flavor a server grows into.
    fn check_resize_quota(&mut self, s: &Server, flavor: &crate::catalog::Flavor) -> ModelResult<()> {
        let old = self.cfg.flavor(&s.flavor_id).cloned();
        let (mut cores, mut ram) = (0u64, 0u64);
        for other in self.servers()? {
            if let Some(f) = self.cfg.flavor(&other.flavor_id) {
                cores += f.vcpus as u64;
                ram += f.ram as u64;
            }
        }
        let (old_cores, old_ram) = old.map(|f| (f.vcpus as u64, f.ram as u64)).unwrap_or((0, 0));
        let q = &self.cfg.quotas;
        for (what, used, want, limit) in
            [("cores", cores - old_cores, flavor.vcpus as u64, q.cores), ("ram", ram - old_ram, flavor.ram as u64, q.ram)]
        {
            if used + want > limit {
                return Err(Fault::Quota(format!(
                    "Quota exceeded for {what}: Requested {want}, but already used {used} of {limit} {what}"
                )));
            }
        }
        Ok(())
    }

    fn enter(&mut self, s: &mut Server, stage: &str) -> ModelResult<()> {
        s.stage = stage.to_string();
        s.stage_since = self.net.now;
        s.updated_at = self.net.now;
        self.save(s)
    }

    /// Nova's `resize`: an ACTIVE or SHUTOFF server takes the new flavor
    /// and waits in VERIFY_RESIZE for `confirmResize` or `revertResize`.
    pub fn resize(&mut self, id: &str, flavor_id: &str) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        self.unlocked(&s)?;
        let stopped = match s.stage.as_str() {
            "ACTIVE" => false,
            "SHUTOFF" => true,
            _ => return Err(Self::state_conflict("resize", &s)),
        };
        let flavor = self.target_flavor(&s, flavor_id)?;
        self.check_resize_quota(&s, &flavor)?;
        let pending = PendingResize {
            server_id: s.id.clone(),
            project_id: s.project_id.clone(),
            old_flavor: s.flavor_id.clone(),
            was_stopped: stopped,
        };
        self.net.tx.put_doc(PENDING_RESIZE, &pending.server_id, self.net.project, None, &pending)?;
        s.flavor_id = flavor.name;
        self.enter(&mut s, if stopped { "RESIZE_OFF" } else { "RESIZE" })?;
        Ok(s)
    }

    fn pending_resize(&mut self, s: &Server, action: &str) -> ModelResult<PendingResize> {
        if !s.stage.starts_with("VERIFY_RESIZE") {
            return Err(Self::state_conflict(action, s));
        }
        match self.net.tx.get_doc::<PendingResize>(PENDING_RESIZE, &s.id)? {
            Some(p) if p.project_id == s.project_id => Ok(p),
            _ => Err(Fault::Invalid(Why::State, "Instance has not been resized.".into())),
        }
    }

    /// Nova's `confirmResize`: the server keeps its new flavor.
    pub fn confirm_resize(&mut self, id: &str) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        self.unlocked(&s)?;
        let p = self.pending_resize(&s, "confirmResize")?;
        self.net.tx.delete(PENDING_RESIZE, &s.id)?;
        self.enter(&mut s, if p.was_stopped { "SHUTOFF" } else { "ACTIVE" })?;
        Ok(s)
    }

    /// Nova's `revertResize`: the server goes back to its old flavor.
    pub fn revert_resize(&mut self, id: &str) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        self.unlocked(&s)?;
        let p = self.pending_resize(&s, "revertResize")?;
        self.net.tx.delete(PENDING_RESIZE, &s.id)?;
        s.flavor_id = p.old_flavor;
        self.enter(&mut s, if p.was_stopped { "REVERT_RESIZE_OFF" } else { "REVERT_RESIZE" })?;
        Ok(s)
    }

    /// ECS v1's resize: only a stopped server; the cloud confirms it
    /// itself, so the server ends SHUTOFF with the new flavor.
    pub fn ecs_resize(&mut self, id: &str, flavor_id: &str) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        self.unlocked(&s)?;
        if s.stage != "SHUTOFF" {
            return Err(Self::state_conflict("resize", &s));
        }
        let flavor = self.target_flavor(&s, flavor_id)?;
        self.check_resize_quota(&s, &flavor)?;
        s.flavor_id = flavor.name;
        self.enter(&mut s, "ECS_RESIZE")?;
        Ok(s)
    }

    /// ECS v1's cold migration: only a stopped server; it stays stopped.
    pub fn migrate(&mut self, id: &str) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        self.unlocked(&s)?;
        if s.stage != "SHUTOFF" {
            return Err(Self::state_conflict("migrate", &s));
        }
        self.enter(&mut s, "MIGRATING")?;
        Ok(s)
    }

    /// ECS v2's changeos and reinstallos: a stopped server (or a running
    /// one with `stop_first`) gets the image, key pair and user data, and
    /// boots into the new OS.
    pub fn change_os(&mut self, id: &str, change: OsChange) -> ModelResult<Server> {
        let mut s = self.server(id)?;
        self.unlocked(&s)?;
        let running_ok = change.stop_first && s.stage == "ACTIVE";
        if s.stage != "SHUTOFF" && !running_ok {
            return Err(Self::state_conflict(if change.image_id.is_some() { "changeos" } else { "reinstallos" }, &s));
        }
        if let Some(img) = &change.image_id {
            let image = self.cfg.image(img).cloned().ok_or_else(|| Fault::Invalid(Why::Image, "Can not find requested image".into()))?;
            if let Some(f) = self.cfg.flavor(&s.flavor_id) {
                if f.ram < image.min_ram {
                    return Err(Fault::Invalid(Why::Flavor, "Flavor's memory is too small for requested image.".into()));
                }
            }
            s.image_id = image.id();
        }
        if let Some(k) = &change.key_name {
            if self.keypair(k).is_err() {
                return Err(Fault::Invalid(Why::KeyPair, "Invalid key_name provided.".into()));
            }
        }
        // A password login replaces the key pair; a key pair replaces it.
        s.key_name = change.key_name.clone();
        if change.user_data.is_some() {
            s.user_data = change.user_data.clone();
        }
        self.replace_system_volume(&s)?;
        self.enter(&mut s, "REBUILD")?;
        Ok(s)
    }

    /// Where the system volume is replaced (changeos) or re-imaged
    /// (reinstallos) from `s.image_id`. The server's volumes are not EVS
    /// volumes of their own yet: nothing else holds the system disk, so
    /// there is nothing to replace. Once they are, this swaps the volume.
    pub fn replace_system_volume(&mut self, _s: &Server) -> ModelResult<()> {
        Ok(())
    }

    /// Records an ECS job of `job_type` over one server, lasting at least
    /// `work_seconds` (and `job_seconds`): the work it stands for.
    pub fn submit_work_job(&mut self, job_type: &str, sub_type: &str, work_seconds: i64, server_id: &str) -> ModelResult<Job> {
        let total = self.cfg.job_seconds.max(work_seconds).max(0);
        let job = Job {
            id: ids::hex32(),
            project_id: self.net.project.to_string(),
            job_type: job_type.to_string(),
            sub_jobs: vec![SubJob { id: ids::hex32(), job_type: sub_type.to_string(), server_id: server_id.to_string() }],
            created_at: self.net.now,
            init_seconds: total / 2,
            run_seconds: total - total / 2,
        };
        self.net.insert(JOB, &job.id, None, &job)?;
        Ok(job)
    }
}
