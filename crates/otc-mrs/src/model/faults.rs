//! What the cloud does to a cluster on its own, driven through the
//! emulator's API (`/_emulator/mrs/clusters/{id}/state/{state}`) so that
//! users can test their error handling: a starting cluster's installation
//! fails (`failed`, "Cluster installation failed"), a running one becomes
//! `abnormal` and recovers (`running`), and a failed cluster, which the API
//! cannot delete, is recycled (`terminated`, its servers and own security
//! group removed) as the real cloud does by itself.

use super::{Clusters, MrsResult};
use crate::errors::mrs_error;

impl Clusters<'_, '_, '_> {
    pub fn force_state(&mut self, id: &str, state: &str) -> MrsResult<()> {
        let mut c = self.cluster(id)?;
        let allowed = matches!(
            (c.state.as_str(), state),
            ("starting", "failed") | ("running", "abnormal") | ("abnormal", "running") | ("failed", "terminated")
        );
        if !allowed {
            return Err(mrs_error("EMULATOR.0400", format!("A {} cluster cannot be made {state}.", c.state)).into());
        }
        match state {
            "failed" => c.error_info = "Cluster installation failed".into(),
            "abnormal" => c.error_info = "Some nodes or components of the cluster are abnormal.".into(),
            "terminated" => {
                self.remove_nodes(&mut c)?;
                if c.own_security_group {
                    // Still in use elsewhere (a user put a server in it): it stays.
                    let _ = self.m.net.delete_security_group(&c.security_group_id);
                }
            }
            _ => c.error_info.clear(),
        }
        c.state = state.to_string();
        c.state_since = self.m.net.now;
        c.updated_at = self.m.net.now;
        self.save(&c)
    }
}
