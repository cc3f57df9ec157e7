//! VPCs (Neutron routers): creation with CIDR rules and quota, updates,
//! secondary CIDRs, router interfaces, and deletion guarded by what is
//! still inside.

use super::*;
use crate::net::{overlaps, parse_cidr, valid_vpc_cidr};
use otc_core::ids;

/// What a caller asks for when creating a VPC/router.
#[derive(Debug, Clone, Default)]
pub struct RouterSpec {
    pub name: String,
    pub description: String,
    pub cidr: Option<String>,
    pub admin_state_up: bool,
    pub gateway: Option<RouterGateway>,
    pub enterprise_project_id: Option<String>,
    /// VPC v1 refuses a second VPC of the same name; Neutron does not.
    pub unique_name: bool,
}

/// The fields an update may change (`None`: leave as is).
#[derive(Debug, Clone, Default)]
pub struct RouterChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub cidr: Option<String>,
    pub admin_state_up: Option<bool>,
    pub gateway: Option<Option<RouterGateway>>,
    pub routes: Option<Vec<Route>>,
    pub unique_name: bool,
}

/// The most secondary CIDR blocks a VPC may have.
pub const MAX_EXTEND_CIDRS: usize = 5;

impl Net<'_> {
    pub fn router(&mut self, id: &str) -> ModelResult<Router> {
        let mut r: Router = self.get(ROUTER, Res::Vpc, id)?;
        r.status = self.settled(&r.status, r.status_since);
        Ok(r)
    }

    pub fn routers(&mut self) -> ModelResult<Vec<Router>> {
        let mut all: Vec<Router> = self.all(ROUTER)?;
        for r in &mut all {
            r.status = self.settled(&r.status, r.status_since);
        }
        Ok(all)
    }

    /// At most `limit` routers after `marker` in creation order; `None`
    /// when the marker is not one of this project's routers.
    pub fn routers_page(&mut self, marker: Option<&str>, limit: usize) -> ModelResult<Option<Vec<Router>>> {
        let Some(mut page) = self.page::<Router>(ROUTER, marker, limit, Order::Created)? else {
            return Ok(None);
        };
        for r in &mut page {
            r.status = self.settled(&r.status, r.status_since);
        }
        Ok(Some(page))
    }

    /// Routers are keyed by name, so the name-uniqueness check reads only
    /// the routers with that name, not all of them. Routers stored before
    /// the key existed are keyed when their project is first used
    /// ([`Net::key_routers_by_name`]).
    pub(crate) fn key_routers_by_name(&mut self) -> ModelResult<()> {
        let unkeyed: Vec<Router> = self
            .tx
            .list(&ListQuery { kind: ROUTER, scope: Some(self.project), ..Default::default() })?
            .iter()
            .filter(|rec| rec.key.is_none())
            .map(|rec| rec.decode::<Router>())
            .collect::<Result<_, _>>()?;
        for r in unkeyed.iter().filter(|r| router_key(r).is_some()) {
            self.update(ROUTER, &r.id, router_key(r), r)?;
        }
        Ok(())
    }

    fn check_vpc_cidr(&self, cidr: &str) -> ModelResult<()> {
        match parse_cidr(cidr) {
            Some(net) if valid_vpc_cidr(&net) => Ok(()),
            _ => Err(Fault::BadCidr(Res::Vpc, format!("Invalid VPC CIDR block {cidr}."))),
        }
    }

    fn check_router_name_free(&mut self, name: &str, except: Option<&str>) -> ModelResult<()> {
        if name.is_empty() {
            return Ok(());
        }
        let taken = self.keyed::<Router>(ROUTER, name)?.iter().any(|r| r.name == name && Some(r.id.as_str()) != except);
        if taken {
            return Err(Fault::NameExists(Res::Vpc));
        }
        Ok(())
    }

    fn check_gateway(&self, gw: &Option<RouterGateway>) -> ModelResult<()> {
        match gw {
            Some(g) if g.network_id != self.external_network_id() => Err(Fault::NotFound(Res::Network, g.network_id.clone())),
            _ => Ok(()),
        }
    }

    pub fn create_router(&mut self, spec: RouterSpec) -> ModelResult<Router> {
        if let Some(c) = &spec.cidr {
            self.check_vpc_cidr(c)?;
        }
        self.check_gateway(&spec.gateway)?;
        if spec.unique_name {
            self.check_router_name_free(&spec.name, None)?;
        }
        if self.count(ROUTER)? >= self.cfg.quotas.vpc {
            return Err(Fault::Quota(Res::Vpc));
        }
        let r = Router {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: spec.name,
            description: spec.description,
            cidr: spec.cidr.unwrap_or_default(),
            extend_cidrs: Vec::new(),
            status: "CREATING".into(),
            status_since: self.now,
            admin_state_up: spec.admin_state_up,
            gateway: spec.gateway,
            routes: Vec::new(),
            enterprise_project_id: spec.enterprise_project_id.unwrap_or_else(|| "0".into()),
            tags: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(ROUTER, &r.id, router_key(&r), &r)?;
        Ok(r)
    }

    /// The CIDRs of the subnets attached to a router.
    fn router_subnet_cidrs(&mut self, router_id: &str) -> ModelResult<Vec<(String, ipnet::Ipv4Net)>> {
        let mut out = Vec::new();
        for n in self.keyed::<Network>(NETWORK, router_id)? {
            for s in self.keyed::<Subnet>(SUBNET, &n.id)? {
                if let Some(c) = parse_cidr(&s.cidr) {
                    out.push((s.id.clone(), c));
                }
            }
        }
        Ok(out)
    }

    pub fn update_router(&mut self, id: &str, ch: RouterChange) -> ModelResult<Router> {
        let mut r = self.router(id)?;
        if let Some(name) = ch.name {
            if ch.unique_name {
                self.check_router_name_free(&name, Some(id))?;
            }
            r.name = name;
        }
        if let Some(d) = ch.description {
            r.description = d;
        }
        if let Some(c) = ch.cidr {
            self.check_vpc_cidr(&c)?;
            let net = parse_cidr(&c).expect("checked");
            let extra: Vec<ipnet::Ipv4Net> = r.extend_cidrs.iter().filter_map(|e| parse_cidr(e)).collect();
            for (_, s) in self.router_subnet_cidrs(id)? {
                if !net.contains(&s) && !extra.iter().any(|e| e.contains(&s)) {
                    return Err(Fault::SubnetOutsideVpc(s.to_string()));
                }
            }
            r.cidr = c;
        }
        if let Some(a) = ch.admin_state_up {
            r.admin_state_up = a;
        }
        if let Some(g) = ch.gateway {
            self.check_gateway(&g)?;
            r.gateway = g;
        }
        if let Some(routes) = ch.routes {
            for rt in &routes {
                if parse_cidr(&rt.destination).is_none() && rt.destination.parse::<ipnet::IpNet>().is_err() {
                    return Err(Fault::Invalid(Res::Vpc, format!("Invalid route destination {}.", rt.destination)));
                }
                if rt.nexthop.parse::<std::net::IpAddr>().is_err() {
                    return Err(Fault::Invalid(Res::Vpc, format!("Invalid route nexthop {}.", rt.nexthop)));
                }
            }
            r.routes = routes;
        }
        r.updated_at = self.now;
        self.update(ROUTER, id, router_key(&r), &r)?;
        Ok(r)
    }

    pub fn add_extend_cidr(&mut self, id: &str, cidrs: &[String]) -> ModelResult<Router> {
        let mut r = self.router(id)?;
        for c in cidrs {
            let Some(net) = parse_cidr(c) else {
                return Err(Fault::BadCidr(Res::Vpc, format!("Invalid CIDR block format {c}.")));
            };
            if r.extend_cidrs.len() >= MAX_EXTEND_CIDRS {
                return Err(Fault::CidrLimit);
            }
            let mut existing: Vec<&String> = r.extend_cidrs.iter().collect();
            if !r.cidr.is_empty() {
                existing.push(&r.cidr);
            }
            if existing.iter().filter_map(|e| parse_cidr(e)).any(|e| overlaps(&e, &net)) {
                return Err(Fault::CidrConflict(c.clone()));
            }
            // OTC keeps 100.64.0.0/10, 214.0.0.0/7, 198.18.0.0/15, 169.254.0.0/16,
            // 0.0.0.0/8, 127.0.0.0/8, 240.0.0.0/4 and 255.255.255.255/32 off limits.
            const BLACKLIST: [&str; 8] = [
                "100.64.0.0/10",
                "214.0.0.0/7",
                "198.18.0.0/15",
                "169.254.0.0/16",
                "0.0.0.0/8",
                "127.0.0.0/8",
                "240.0.0.0/4",
                "255.255.255.255/32",
            ];
            if BLACKLIST.iter().map(|b| b.parse::<ipnet::Ipv4Net>().expect("constant")).any(|b| overlaps(&b, &net)) {
                return Err(Fault::BadCidr(Res::Vpc, format!("The secondary CIDR block {c} overlaps with a blacklisted CIDR block.")));
            }
            r.extend_cidrs.push(c.clone());
        }
        r.updated_at = self.now;
        self.update(ROUTER, id, router_key(&r), &r)?;
        Ok(r)
    }

    pub fn remove_extend_cidr(&mut self, id: &str, cidrs: &[String]) -> ModelResult<Router> {
        let mut r = self.router(id)?;
        let subnets = self.router_subnet_cidrs(id)?;
        for c in cidrs {
            let Some(pos) = r.extend_cidrs.iter().position(|e| e == c) else {
                return Err(Fault::CidrNotFound(c.clone()));
            };
            let net = parse_cidr(c).expect("stored CIDRs are valid");
            if subnets.iter().any(|(_, s)| net.contains(s)) {
                return Err(Fault::InUse(Res::Vpc, id.to_string(), Dependency::CidrHasSubnets));
            }
            r.extend_cidrs.remove(pos);
        }
        r.updated_at = self.now;
        self.update(ROUTER, id, router_key(&r), &r)?;
        Ok(r)
    }

    pub fn delete_router(&mut self, id: &str) -> ModelResult<()> {
        self.router(id)?;
        self.check_unheld(Res::Vpc, id)?;
        // Either side's VPC stays while a peering to it is live: the
        // provider deletes peerings before their VPCs, and a peering to a
        // missing VPC would be one neither side can route through.
        if self.router_peered(id)? {
            return Err(Fault::InUse(Res::Vpc, id.to_string(), Dependency::Held));
        }
        if !self.keyed::<Network>(NETWORK, id)?.is_empty() {
            return Err(Fault::InUse(Res::Vpc, id.to_string(), Dependency::VpcHasSubnets));
        }
        self.remove(ROUTER, id)
    }

    /// Attaches a subnet to a router through a new interface port holding
    /// the subnet's gateway address (Neutron's add_router_interface with
    /// `subnet_id`, and what VPC v1 does when it creates a subnet).
    pub fn attach_subnet(&mut self, router_id: &str, subnet_id: &str) -> ModelResult<Port> {
        let (subnet, network) = self.attachable(router_id, subnet_id)?;
        let Some(gateway) = subnet.gateway_ip.clone() else {
            return Err(Fault::Invalid(Res::Vpc, format!("Bad router request: Subnet {subnet_id} does not have a gateway IP.")));
        };
        let port = self.create_port(PortSpec {
            network_id: network.id.clone(),
            fixed_ips: vec![FixedIpSpec { subnet_id: Some(subnet.id.clone()), ip_address: Some(gateway) }],
            device_id: router_id.to_string(),
            device_owner: OWNER_ROUTER_INTERFACE.to_string(),
            port_security_enabled: Some(false),
            ..Default::default()
        })?;
        self.join_router(router_id, network)?;
        Ok(port)
    }

    /// Neutron's add_router_interface with `port_id`: the port itself
    /// (its id and address kept) becomes the interface on its subnet, as
    /// Neutron does; clients that bind things to that port id (firewall
    /// groups) rely on it.
    pub fn attach_port(&mut self, router_id: &str, port_id: &str) -> ModelResult<Port> {
        let port = self.port(port_id)?;
        if port.fixed_ips.len() != 1 || !port.device_id.is_empty() {
            return Err(Fault::Invalid(Res::Vpc, format!("Port {port_id} must have exactly one fixed IP and no device.")));
        }
        let (_, network) = self.attachable(router_id, &port.fixed_ips[0].subnet_id)?;
        let port = self.update_port(
            port_id,
            PortChange {
                device_id: Some(router_id.to_string()),
                device_owner: Some(OWNER_ROUTER_INTERFACE.to_string()),
                security_groups: Some(Vec::new()),
                allowed_address_pairs: Some(Vec::new()),
                port_security_enabled: Some(false),
                ..Default::default()
            },
        )?;
        self.join_router(router_id, network)?;
        Ok(port)
    }

    /// The subnet and its network, if the subnet may join the router: not
    /// on another router, inside the VPC's CIDRs, overlapping none of its
    /// subnets.
    fn attachable(&mut self, router_id: &str, subnet_id: &str) -> ModelResult<(Subnet, Network)> {
        let router = self.router(router_id)?;
        let subnet: Subnet = self.get(SUBNET, Res::Subnet, subnet_id)?;
        let network: Network = self.get(NETWORK, Res::Network, &subnet.network_id)?;
        if let Some(other) = &network.vpc_id {
            return Err(Fault::Invalid(Res::Vpc, format!("Subnet {subnet_id} is already attached to router {other}.")));
        }
        if !router.cidr.is_empty() {
            let net = parse_cidr(&subnet.cidr).expect("stored");
            let mut blocks = vec![router.cidr.clone()];
            blocks.extend(router.extend_cidrs.iter().cloned());
            if !blocks.iter().filter_map(|b| parse_cidr(b)).any(|b| b.contains(&net)) {
                return Err(Fault::SubnetOutsideVpc(subnet.cidr.clone()));
            }
        }
        for (other_id, other) in self.router_subnet_cidrs(router_id)? {
            if other_id != subnet.id && overlaps(&other, &parse_cidr(&subnet.cidr).expect("stored")) {
                return Err(Fault::SubnetOverlaps(subnet.cidr.clone()));
            }
        }
        Ok((subnet, network))
    }

    fn join_router(&mut self, router_id: &str, mut network: Network) -> ModelResult<()> {
        network.vpc_id = Some(router_id.to_string());
        network.updated_at = self.now;
        self.update(NETWORK, &network.id.clone(), Some(router_id), &network)
    }

    /// Detaches by subnet or by interface port; returns the removed port.
    pub fn detach(&mut self, router_id: &str, subnet_id: Option<&str>, port_id: Option<&str>) -> ModelResult<Port> {
        self.router(router_id)?;
        let interfaces = self.router_interfaces(router_id)?;
        let port = match (port_id, subnet_id) {
            (Some(pid), _) => interfaces
                .into_iter()
                .find(|p| p.id == pid)
                .ok_or_else(|| Fault::NotFound(Res::Port, format!("Router {router_id} does not have an interface with id {pid}")))?,
            (None, Some(sid)) => interfaces
                .into_iter()
                .find(|p| p.fixed_ips.iter().any(|f| f.subnet_id == sid))
                .ok_or_else(|| Fault::NotFound(Res::Subnet, format!("Router {router_id} has no interface on subnet {sid}")))?,
            (None, None) => return Err(Fault::Invalid(Res::Vpc, "Either subnet_id or port_id must be specified".into())),
        };
        // A held subnet must stay on its router (a VPN service's subnet).
        for f in &port.fixed_ips {
            self.check_unheld(Res::Subnet, &f.subnet_id)?;
        }
        self.release_port(&port)?;
        if let Some(mut network) = self.find::<Network>(NETWORK, &port.network_id)? {
            network.vpc_id = None;
            network.updated_at = self.now;
            self.update(NETWORK, &network.id.clone(), None, &network)?;
        }
        Ok(port)
    }

    /// A router's interface ports: found through the networks attached to
    /// it (networks are keyed by their router, ports by their network).
    pub fn router_interfaces(&mut self, router_id: &str) -> ModelResult<Vec<Port>> {
        let mut out = Vec::new();
        for n in self.keyed::<Network>(NETWORK, router_id)? {
            out.extend(
                self.keyed::<Port>(PORT, &n.id)?
                    .into_iter()
                    .filter(|p| p.device_owner == OWNER_ROUTER_INTERFACE && p.device_id == router_id),
            );
        }
        Ok(out)
    }
}

use super::ports::{FixedIpSpec, PortChange, PortSpec};

/// A router's secondary key: its name (unnamed routers have none).
pub(crate) fn router_key(r: &Router) -> Option<&str> {
    Some(r.name.as_str()).filter(|n| !n.is_empty())
}
