//! Instance actions: what was done to a server (create, start, stop,
//! reboot, lock, unlock, delete, and whatever else calls
//! [`Compute::record_action`]), by which request and user, and when; with
//! the one event Nova's compute manager would log, finished once the work
//! it stands for is over on the clock (build or action time). They outlive
//! their server, as Nova keeps them for deleted instances (2.21).

use super::*;

pub const INSTANCE_ACTION: &str = "compute.instance_action";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceAction {
    pub server_id: String,
    pub project_id: String,
    pub user_id: String,
    /// `req-<id of the HTTP request>`, as `X-OpenStack-Request-Id` says.
    pub request_id: String,
    pub action: String,
    pub start_time: Timestamp,
    /// The compute event and how long its work takes (none for actions
    /// that are bookkeeping only, such as lock).
    pub event: Option<String>,
    pub seconds: i64,
}

impl InstanceAction {
    /// When the event's work is done.
    pub fn finish_time(&self) -> Timestamp {
        self.start_time + chrono::Duration::seconds(self.seconds)
    }
}

impl Compute<'_, '_> {
    /// Records `action` on server `server_id` for the current request.
    pub fn record_action(&mut self, server_id: &str, action: &str) -> ModelResult<()> {
        let (event, seconds) = match action {
            "create" => (Some("compute__do_build_and_run_instance".to_string()), self.cfg.build_seconds),
            "start" | "stop" | "reboot" => (Some(format!("compute_{action}_instance")), self.cfg.action_seconds),
            "delete" => (Some("compute_terminate_instance".to_string()), 0),
            "lock" | "unlock" => (None, 0),
            other => (Some(format!("compute_{}", other.to_ascii_lowercase())), self.cfg.action_seconds),
        };
        let a = InstanceAction {
            server_id: server_id.to_string(),
            project_id: self.net.project.to_string(),
            user_id: self.user_id.to_string(),
            request_id: format!("req-{}", self.request_id),
            action: action.to_string(),
            start_time: self.net.now,
            event,
            seconds,
        };
        // One request may act on a server once; a batch acts on many.
        let id = format!("{server_id}/{}", a.request_id);
        if self.net.tx.get_doc::<InstanceAction>(INSTANCE_ACTION, &id)?.is_some() {
            return Ok(());
        }
        self.net.insert(INSTANCE_ACTION, &id, None, &a)?;
        Ok(())
    }

    /// The actions on a server, newest first.
    pub fn instance_actions(&mut self, server_id: &str) -> ModelResult<Vec<InstanceAction>> {
        let mut all: Vec<InstanceAction> = self.net.all(INSTANCE_ACTION)?;
        all.retain(|a| a.server_id == server_id);
        all.sort_by(|a, b| b.start_time.cmp(&a.start_time).then_with(|| b.request_id.cmp(&a.request_id)));
        Ok(all)
    }
}
