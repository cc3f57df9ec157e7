//! Connection monitors: an ICMP probe from the gateway address a
//! connection uses to its customer gateway. At most one per connection.
//! A monitor is ACTIVE as soon as it exists (the probe needs no peer to be
//! configured, and gophertelekomcloud waits for ACTIVE).

use super::{Monitor, VpnResult, Vpns, MONITOR};
use crate::errors::{not_found, vpn_error};

impl Vpns<'_, '_> {
    pub fn monitor(&mut self, id: &str) -> VpnResult<Monitor> {
        Ok(self.net.find::<Monitor>(MONITOR, id)?.ok_or_else(not_found)?)
    }

    pub fn monitors(&mut self) -> VpnResult<Vec<Monitor>> {
        Ok(self.net.all(MONITOR)?)
    }

    /// The monitor of a connection, if it has one.
    pub fn connection_monitor(&mut self, connection_id: &str) -> VpnResult<Option<Monitor>> {
        Ok(self.net.keyed::<Monitor>(MONITOR, connection_id)?.into_iter().next())
    }

    /// Refused while the connection is being created, updated (VPN.0306)
    /// or deleted (VPN.0009), and when it already has a monitor (VPN.0381).
    pub fn create_monitor(&mut self, connection_id: &str) -> VpnResult<Monitor> {
        let c = self.connection(connection_id)?;
        match c.status.as_str() {
            "PENDING_CREATE" | "PENDING_UPDATE" => return Err(vpn_error("VPN.0306", &[]).into()),
            "PENDING_DELETE" => return Err(vpn_error("VPN.0009", &[&c.id]).into()),
            _ => {}
        }
        if self.connection_monitor(&c.id)?.is_some() {
            return Err(vpn_error("VPN.0381", &[&c.id]).into());
        }
        let source_ip = self.gateway_address(&c.vgw_ip)?;
        let destination_ip = self.customer_gateway(&c.cgw_id)?.id_value;
        let created_at = self.fresh_created_at::<Monitor>(MONITOR, |m| m.created_at)?;
        let m = Monitor {
            id: otc_core::ids::uuid(),
            project_id: self.net.project.to_string(),
            vpn_connection_id: c.id.clone(),
            source_ip,
            destination_ip,
            created_at,
        };
        self.net.insert(MONITOR, &m.id, Some(&c.id), &m)?;
        Ok(m)
    }

    pub fn delete_monitor(&mut self, id: &str) -> VpnResult<()> {
        self.monitor(id)?;
        self.net.remove(MONITOR, id)?;
        Ok(())
    }
}
