//! Per-server settings kept beside the server document: automatic
//! recovery (on by default, as the console creates ECSs) and whether the
//! server is on the monitoring list. Removed with the server.

use super::*;

pub const SERVER_SETTINGS: &str = "compute.server_settings";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSettings {
    pub server_id: String,
    pub project_id: String,
    pub auto_recovery: bool,
    pub monitored: bool,
}

impl Compute<'_, '_> {
    /// A server's settings (the defaults when none were changed).
    pub fn server_settings(&mut self, server_id: &str) -> ModelResult<ServerSettings> {
        self.server(server_id)?;
        Ok(self.net.find(SERVER_SETTINGS, server_id)?.unwrap_or(ServerSettings {
            server_id: server_id.to_string(),
            project_id: self.net.project.to_string(),
            auto_recovery: true,
            monitored: false,
        }))
    }

    pub fn change_server_settings(&mut self, server_id: &str, edit: impl FnOnce(&mut ServerSettings)) -> ModelResult<ServerSettings> {
        let existed = self.net.find::<ServerSettings>(SERVER_SETTINGS, server_id)?.is_some();
        let mut s = self.server_settings(server_id)?;
        edit(&mut s);
        if existed {
            self.net.update(SERVER_SETTINGS, server_id, None, &s)?;
        } else {
            self.net.insert(SERVER_SETTINGS, server_id, None, &s)?;
        }
        Ok(s)
    }

    pub fn forget_server_settings(&mut self, server_id: &str) -> ModelResult<()> {
        if self.net.find::<ServerSettings>(SERVER_SETTINGS, server_id)?.is_some() {
            self.net.remove(SERVER_SETTINGS, server_id)?;
        }
        Ok(())
    }
}

otc_vpc::owned!(ServerSettings);
