//! VPN services: one per VPC, on a router of the project and optionally
//! one of its subnets, with a public gateway address of their own.

use super::*;
use crate::classic::errors::{in_use, otc_code, state_invalid, typed};
use otc_core::ids;
use otc_vpc::model::{Network, Subnet, NETWORK};

/// What a caller asks for when creating a service.
#[derive(Debug, Clone, Default)]
pub struct ServiceSpec {
    pub name: String,
    pub description: String,
    pub router_id: String,
    pub subnet_id: Option<String>,
    /// Only privileged callers choose the address (checked by the facade).
    pub external_v4_ip: Option<String>,
}

impl Classic<'_, '_> {
    pub fn service(&mut self, id: &str) -> CResult<VpnService> {
        let mut s: VpnService = self.load(SERVICE, Kind::Service, id)?;
        s.status = self.settled(&s.status, s.status_since, "ACTIVE");
        Ok(s)
    }

    pub fn services(&mut self) -> CResult<Vec<VpnService>> {
        let mut all: Vec<VpnService> = self.net.all(SERVICE)?;
        for s in &mut all {
            s.status = self.settled(&s.status, s.status_since, "ACTIVE");
        }
        Ok(all)
    }

    /// A subnet of the project that is attached to `router_id`.
    pub(super) fn subnet_on_router(&mut self, subnet_id: &str, router_id: &str) -> CResult<Subnet> {
        let subnet = self.net.subnet(subnet_id)?;
        let attached = self.net.find::<Network>(NETWORK, &subnet.network_id)?.and_then(|n| n.vpc_id);
        if attached.as_deref() != Some(router_id) {
            return Err(
                typed(400, "SubnetIsNotConnectedToRouter", format!("Subnet {subnet_id} is not connected to Router {router_id}")).into()
            );
        }
        Ok(subnet)
    }

    /// Creates a service in PENDING_CREATE: router (and subnet) must exist
    /// and belong together, the VPC must have no service yet; the public
    /// address is claimed and router and subnet are held.
    pub fn create_service(&mut self, spec: ServiceSpec) -> CResult<VpnService> {
        self.net.router(&spec.router_id)?;
        if let Some(sid) = &spec.subnet_id {
            self.subnet_on_router(sid, &spec.router_id)?;
        }
        if !self.net.keyed::<VpnService>(SERVICE, &spec.router_id)?.is_empty() {
            return Err(otc_code("VPC.1026", "The VPN gateway already exists.").into());
        }
        let id = ids::uuid();
        let external_v4_ip = self.net.claim_public_address(spec.external_v4_ip.as_deref(), &id)?;
        self.net.hold(&spec.router_id, HOLDER_SERVICE, &id)?;
        if let Some(sid) = &spec.subnet_id {
            self.net.hold(sid, HOLDER_SERVICE, &id)?;
        }
        let s = VpnService {
            id,
            project_id: self.net.project.to_string(),
            name: spec.name,
            description: spec.description,
            router_id: spec.router_id,
            subnet_id: spec.subnet_id,
            external_v4_ip,
            status: "PENDING_CREATE".into(),
            status_since: self.net.now,
            created_at: self.net.now,
        };
        self.net.insert(SERVICE, &s.id, Some(&s.router_id), &s)?;
        Ok(s)
    }

    /// Renames or re-describes a settled service; it passes through
    /// PENDING_UPDATE (instantly with `connection_seconds` 0).
    pub fn update_service(&mut self, id: &str, name: Option<String>, description: Option<String>) -> CResult<VpnService> {
        let mut s = self.service(id)?;
        if s.status.starts_with("PENDING_") {
            return Err(state_invalid(&s.status, id).into());
        }
        if let Some(n) = name {
            s.name = n;
        }
        if let Some(d) = description {
            s.description = d;
        }
        s.status = "PENDING_UPDATE".into();
        s.status_since = self.net.now;
        self.net.update(SERVICE, id, Some(&s.router_id.clone()), &s)?;
        self.service(id)
    }

    /// Deletes a service no connection uses, giving back its address and
    /// its holds.
    pub fn delete_service(&mut self, id: &str) -> CResult<()> {
        let s = self.service(id)?;
        if !self.net.keyed::<SiteConnection>(SITE_CONNECTION, id)?.is_empty() {
            return Err(in_use(Kind::Service, id));
        }
        self.net.release_public_address(&s.external_v4_ip)?;
        self.net.release_hold(&s.router_id, id)?;
        if let Some(sid) = &s.subnet_id {
            self.net.release_hold(sid, id)?;
        }
        Ok(self.net.remove(SERVICE, id)?)
    }
}
