//! Networks and subnets, and the VPC v1 subnet that is both at once.

use super::ports::subnet_pools;
use super::*;
use crate::net::{first_host, is_host, overlaps, parse_cidr, parse_ip, valid_subnet_prefix, Pool};
use otc_core::ids;

#[derive(Debug, Clone, Default)]
pub struct NetworkSpec {
    pub name: String,
    pub description: String,
    pub admin_state_up: bool,
    pub availability_zone: String,
}

#[derive(Debug, Clone, Default)]
pub struct NetworkChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state_up: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct SubnetSpec {
    pub network_id: String,
    pub name: String,
    pub description: String,
    pub cidr: String,
    /// `None`: the first host; `Some(None)`: no gateway.
    pub gateway_ip: Option<Option<String>>,
    pub enable_dhcp: bool,
    pub dns_nameservers: Vec<String>,
    pub allocation_pools: Vec<PoolDoc>,
    pub host_routes: Vec<Route>,
    pub ip_version: u8,
}

#[derive(Debug, Clone, Default)]
pub struct SubnetChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub gateway_ip: Option<Option<String>>,
    pub enable_dhcp: Option<bool>,
    pub dns_nameservers: Option<Vec<String>>,
    pub host_routes: Option<Vec<Route>>,
    pub allocation_pools: Option<Vec<PoolDoc>>,
}

/// A VPC v1 subnet: a network, its subnet and the router interface.
#[derive(Debug, Clone)]
pub struct VpcSubnet {
    pub network: Network,
    pub subnet: Subnet,
}

#[derive(Debug, Clone, Default)]
pub struct VpcSubnetSpec {
    pub vpc_id: String,
    pub name: String,
    pub description: String,
    pub cidr: String,
    pub gateway_ip: String,
    pub dhcp_enable: bool,
    pub dns: Vec<String>,
    pub availability_zone: String,
}

fn check_dns(list: &[String], res: Res) -> ModelResult<()> {
    for d in list {
        if parse_ip(d).is_none() {
            return Err(Fault::Invalid(res, format!("Invalid DNS server address {d}.")));
        }
    }
    if list.len() > 5 {
        return Err(Fault::Invalid(res, "Too many DNS servers: at most 5 are allowed.".into()));
    }
    Ok(())
}

impl Net<'_> {
    pub fn network(&mut self, id: &str) -> ModelResult<Network> {
        let mut n: Network = self.get(NETWORK, Res::Network, id)?;
        n.status = self.settled(&n.status, n.status_since);
        Ok(n)
    }

    pub fn networks(&mut self) -> ModelResult<Vec<Network>> {
        let mut all: Vec<Network> = self.all(NETWORK)?;
        for n in &mut all {
            n.status = self.settled(&n.status, n.status_since);
        }
        Ok(all)
    }

    pub fn subnet(&mut self, id: &str) -> ModelResult<Subnet> {
        self.get(SUBNET, Res::Subnet, id)
    }

    pub fn subnets(&mut self) -> ModelResult<Vec<Subnet>> {
        self.all(SUBNET)
    }

    pub fn network_subnets(&mut self, network_id: &str) -> ModelResult<Vec<Subnet>> {
        self.keyed(SUBNET, network_id)
    }

    pub fn create_network(&mut self, spec: NetworkSpec) -> ModelResult<Network> {
        if self.count(NETWORK)? >= self.cfg.quotas.subnet {
            return Err(Fault::Quota(Res::Network));
        }
        let n = Network {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: spec.name,
            description: spec.description,
            admin_state_up: spec.admin_state_up,
            shared: false,
            mtu: 1500,
            vpc_id: None,
            availability_zone: spec.availability_zone,
            status: "ACTIVE".into(),
            status_since: self.now,
            tags: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(NETWORK, &n.id, None, &n)?;
        Ok(n)
    }

    pub fn update_network(&mut self, id: &str, ch: NetworkChange) -> ModelResult<Network> {
        let mut n = self.network(id)?;
        if let Some(v) = ch.name {
            n.name = v;
        }
        if let Some(v) = ch.description {
            n.description = v;
        }
        if let Some(v) = ch.admin_state_up {
            n.admin_state_up = v;
        }
        n.updated_at = self.now;
        self.save_network(&n)?;
        Ok(n)
    }

    pub fn save_network(&mut self, n: &Network) -> ModelResult<()> {
        self.update(NETWORK, &n.id, n.vpc_id.as_deref(), n)
    }

    /// Ports that keep a network or subnet in use: everything but the
    /// network's own service ports.
    fn user_ports(&mut self, network_id: &str, subnet_id: Option<&str>) -> ModelResult<Vec<Port>> {
        Ok(self
            .network_ports(network_id)?
            .into_iter()
            .filter(|p| p.device_owner != OWNER_DHCP)
            .filter(|p| subnet_id.is_none_or(|s| p.fixed_ips.iter().any(|f| f.subnet_id == s)))
            .collect())
    }

    pub fn delete_network(&mut self, id: &str) -> ModelResult<()> {
        if id == self.external_network_id() {
            return Err(Fault::ExternalNetwork(id.to_string()));
        }
        let n = self.network(id)?;
        self.check_unheld(Res::Network, id)?;
        for s in self.network_subnets(id)? {
            self.check_unheld(Res::Subnet, &s.id)?;
        }
        if !self.user_ports(id, None)?.is_empty() {
            return Err(Fault::InUse(Res::Network, id.to_string(), Dependency::SubnetHasPorts));
        }
        for s in self.network_subnets(id)? {
            self.reset_ip_floor(&s.id)?;
            self.remove(SUBNET, &s.id)?;
        }
        self.remove(NETWORK, &n.id)
    }

    fn validate_subnet(&mut self, network: &Network, cidr: &str, gateway: Option<&str>, except: Option<&str>) -> ModelResult<()> {
        let Some(net) = parse_cidr(cidr).filter(valid_subnet_prefix) else {
            return Err(Fault::BadCidr(Res::Subnet, format!("Invalid subnet CIDR block {cidr}.")));
        };
        if let Some(g) = gateway {
            match parse_ip(g) {
                Some(ip) if is_host(&net, ip) => {}
                _ => {
                    return Err(Fault::Invalid(
                        Res::Subnet,
                        format!("Gateway ip {g} conflicts with allocation pool or is outside subnet {cidr}."),
                    ))
                }
            }
        }
        // Siblings: the other subnets of the network, and of every network
        // on the same VPC.
        let mut siblings: Vec<Subnet> = self.network_subnets(&network.id)?;
        if let Some(vpc) = &network.vpc_id {
            let router = self.router(vpc)?;
            let mut blocks = vec![router.cidr.clone()];
            blocks.extend(router.extend_cidrs.iter().cloned());
            if !router.cidr.is_empty() && !blocks.iter().filter_map(|b| parse_cidr(b)).any(|b| b.contains(&net)) {
                return Err(Fault::SubnetOutsideVpc(cidr.to_string()));
            }
            for other in self.keyed::<Network>(NETWORK, vpc)? {
                if other.id != network.id {
                    siblings.extend(self.network_subnets(&other.id)?);
                }
            }
        }
        for s in siblings {
            if Some(s.id.as_str()) != except && parse_cidr(&s.cidr).is_some_and(|o| overlaps(&o, &net)) {
                return Err(Fault::SubnetOverlaps(cidr.to_string()));
            }
        }
        Ok(())
    }

    pub fn create_subnet(&mut self, spec: SubnetSpec) -> ModelResult<Subnet> {
        if spec.network_id == self.external_network_id() {
            return Err(Fault::ExternalNetwork(spec.network_id));
        }
        let network = self.network(&spec.network_id)?;
        if spec.ip_version != 4 {
            return Err(Fault::Invalid(Res::Subnet, "Only IPv4 subnets can be created through this emulator.".into()));
        }
        let gateway = match spec.gateway_ip {
            None => parse_cidr(&spec.cidr).filter(valid_subnet_prefix).map(|n| first_host(&n).to_string()),
            Some(g) => g,
        };
        self.validate_subnet(&network, &spec.cidr, gateway.as_deref(), None)?;
        check_dns(&spec.dns_nameservers, Res::Subnet)?;
        check_pools(&spec.allocation_pools, &spec.cidr, gateway.as_deref())?;
        let s = Subnet {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            network_id: network.id.clone(),
            name: spec.name,
            description: spec.description,
            cidr: spec.cidr,
            gateway_ip: gateway,
            enable_dhcp: spec.enable_dhcp,
            dns_nameservers: spec.dns_nameservers,
            allocation_pools: spec.allocation_pools,
            host_routes: spec.host_routes,
            extra_dhcp_opts: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
        };
        let mut s = s;
        if s.allocation_pools.is_empty() {
            s.allocation_pools = subnet_pools(&s).iter().map(|p| PoolDoc { start: p.start.to_string(), end: p.end.to_string() }).collect();
        }
        self.insert(SUBNET, &s.id, Some(&network.id), &s)?;
        Ok(s)
    }

    pub fn update_subnet(&mut self, id: &str, ch: SubnetChange) -> ModelResult<Subnet> {
        let mut s = self.subnet(id)?;
        if let Some(v) = ch.name {
            s.name = v;
        }
        if let Some(v) = ch.description {
            s.description = v;
        }
        if let Some(g) = ch.gateway_ip {
            if let Some(ip) = &g {
                let net = parse_cidr(&s.cidr).expect("stored");
                if !parse_ip(ip).is_some_and(|a| is_host(&net, a)) {
                    return Err(Fault::Invalid(Res::Subnet, format!("Gateway ip {ip} is outside subnet {}.", s.cidr)));
                }
            }
            s.gateway_ip = g;
        }
        if let Some(v) = ch.enable_dhcp {
            s.enable_dhcp = v;
        }
        if let Some(v) = ch.dns_nameservers {
            check_dns(&v, Res::Subnet)?;
            s.dns_nameservers = v;
        }
        if let Some(v) = ch.host_routes {
            s.host_routes = v;
        }
        if let Some(v) = ch.allocation_pools {
            check_pools(&v, &s.cidr, s.gateway_ip.as_deref())?;
            s.allocation_pools = v;
            self.reset_ip_floor(id)?;
        }
        s.updated_at = self.now;
        self.update(SUBNET, id, Some(&s.network_id.clone()), &s)?;
        Ok(s)
    }

    /// Neutron's subnet delete: refused while any port (router interfaces
    /// included) holds an address from it.
    pub fn delete_subnet(&mut self, id: &str) -> ModelResult<()> {
        let s = self.subnet(id)?;
        self.check_unheld(Res::Subnet, id)?;
        if !self.user_ports(&s.network_id, Some(id))?.is_empty() {
            return Err(Fault::InUse(Res::Subnet, id.to_string(), Dependency::SubnetHasPorts));
        }
        self.reset_ip_floor(id)?;
        self.remove(SUBNET, id)
    }

    // --- VPC v1 subnets -------------------------------------------------

    /// The v1 view of a network: it must be attached to a VPC and carry a subnet.
    pub fn vpc_subnet(&mut self, network_id: &str) -> ModelResult<VpcSubnet> {
        let network = self.find::<Network>(NETWORK, network_id)?.filter(|n| n.vpc_id.is_some());
        let Some(mut network) = network else {
            return Err(Fault::NotFound(Res::Subnet, network_id.to_string()));
        };
        network.status = self.settled(&network.status, network.status_since);
        let subnet =
            self.network_subnets(network_id)?.into_iter().next().ok_or_else(|| Fault::NotFound(Res::Subnet, network_id.to_string()))?;
        Ok(VpcSubnet { network, subnet })
    }

    pub fn vpc_subnets(&mut self, vpc_id: Option<&str>) -> ModelResult<Vec<VpcSubnet>> {
        let networks = match vpc_id {
            Some(v) => self.keyed::<Network>(NETWORK, v)?,
            None => self.all::<Network>(NETWORK)?.into_iter().filter(|n| n.vpc_id.is_some()).collect(),
        };
        let mut out = Vec::new();
        for mut network in networks {
            network.status = self.settled(&network.status, network.status_since);
            if let Some(subnet) = self.network_subnets(&network.id)?.into_iter().next() {
                out.push(VpcSubnet { network, subnet });
            }
        }
        Ok(out)
    }

    /// VPC v1 subnet creation: network + subnet + router interface, one
    /// transaction. The subnet starts UNKNOWN and settles to ACTIVE.
    pub fn create_vpc_subnet(&mut self, spec: VpcSubnetSpec) -> ModelResult<VpcSubnet> {
        let router = self.router(&spec.vpc_id)?;
        if router.status != "OK" {
            return Err(Fault::VpcNotActive(router.id.clone()));
        }
        check_dns(&spec.dns, Res::Subnet)?;
        let mut network = self.create_network(NetworkSpec {
            name: spec.name.clone(),
            description: spec.description.clone(),
            admin_state_up: true,
            availability_zone: spec.availability_zone,
        })?;
        network.vpc_id = Some(router.id.clone());
        network.status = "UNKNOWN".into();
        self.save_network(&network)?;
        let subnet = self.create_subnet(SubnetSpec {
            network_id: network.id.clone(),
            name: spec.name,
            description: spec.description,
            cidr: spec.cidr,
            gateway_ip: Some(Some(spec.gateway_ip)),
            enable_dhcp: spec.dhcp_enable,
            dns_nameservers: spec.dns,
            ip_version: 4,
            ..Default::default()
        })?;
        // The network is already marked as the VPC's so that validation saw
        // the VPC's blocks and siblings; the interface makes it real.
        network.vpc_id = None;
        self.save_network(&network)?;
        self.attach_subnet(&router.id, &subnet.id)?;
        self.vpc_subnet(&network.id).map(|mut v| {
            v.network.status = "UNKNOWN".into();
            v
        })
    }

    /// VPC v1 subnet deletion: refused while private IPs or devices use it.
    pub fn delete_vpc_subnet(&mut self, vpc_id: &str, network_id: &str) -> ModelResult<()> {
        self.router(vpc_id)?;
        let v = self.vpc_subnet(network_id)?;
        if v.network.vpc_id.as_deref() != Some(vpc_id) {
            return Err(Fault::SubnetNotInVpc(network_id.to_string()));
        }
        self.check_unheld(Res::Subnet, network_id)?;
        self.check_unheld(Res::Subnet, &v.subnet.id)?;
        let busy = self.user_ports(network_id, None)?.into_iter().any(|p| p.device_owner != OWNER_ROUTER_INTERFACE);
        if busy {
            return Err(Fault::InUse(Res::Subnet, network_id.to_string(), Dependency::SubnetHasPorts));
        }
        self.detach(vpc_id, Some(&v.subnet.id), None)?;
        self.reset_ip_floor(&v.subnet.id)?;
        self.remove(SUBNET, &v.subnet.id)?;
        self.remove(NETWORK, network_id)
    }
}

/// Allocation pools must hold only host addresses of the subnet (neither
/// its network nor its broadcast address), start no later than they end,
/// and leave the gateway out.
fn check_pools(pools: &[PoolDoc], cidr: &str, gateway: Option<&str>) -> ModelResult<()> {
    let net = parse_cidr(cidr).expect("validated");
    let gateway = gateway.and_then(parse_ip);
    for p in pools {
        let range = match (parse_ip(&p.start), parse_ip(&p.end)) {
            (Some(a), Some(b)) if is_host(&net, a) && is_host(&net, b) && a <= b => Pool { start: a, end: b },
            _ => {
                return Err(Fault::Invalid(
                    Res::Subnet,
                    format!("The allocation pool {}-{} spans beyond the subnet cidr {cidr}.", p.start, p.end),
                ))
            }
        };
        if let Some(g) = gateway.filter(|g| range.contains(*g)) {
            return Err(Fault::Invalid(Res::Subnet, format!("Gateway ip {g} conflicts with allocation pool {}-{}.", p.start, p.end)));
        }
    }
    Ok(())
}
