//! Ports and the addresses they hold. An address is claimed by inserting a
//! `vpc.ip` record whose id is `{subnet_id}/{ip}`: the store refuses a
//! second insert of the same id inside its serialisable transactions, so
//! concurrent requests can never be handed the same address.

use super::*;
use crate::net::{default_pools, dhcp_addresses, mac_address, parse_cidr, parse_ip, Pool};
use otc_core::ids;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Default)]
pub struct FixedIpSpec {
    pub subnet_id: Option<String>,
    pub ip_address: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PortSpec {
    pub network_id: String,
    pub name: String,
    pub description: String,
    pub admin_state_up: Option<bool>,
    /// `None`: one address from the network's first subnet.
    pub fixed_ips: Vec<FixedIpSpec>,
    pub device_id: String,
    pub device_owner: String,
    /// `None`: the project's `default` group.
    pub security_groups: Option<Vec<String>>,
    pub allowed_address_pairs: Vec<AddressPair>,
    pub port_security_enabled: Option<bool>,
    pub mac_address: Option<String>,
    pub binding_host_id: String,
    pub binding_vnic_type: Option<String>,
    pub extra_dhcp_opts: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct PortChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state_up: Option<bool>,
    pub fixed_ips: Option<Vec<FixedIpSpec>>,
    pub device_id: Option<String>,
    pub device_owner: Option<String>,
    pub security_groups: Option<Vec<String>>,
    pub allowed_address_pairs: Option<Vec<AddressPair>>,
    pub port_security_enabled: Option<bool>,
    pub binding_host_id: Option<String>,
    pub extra_dhcp_opts: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IpClaim {
    port_id: String,
    project_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IpFloor {
    floor: String,
}

fn claim_id(subnet_id: &str, ip: &str) -> String {
    format!("{subnet_id}/{ip}")
}

/// The pools of a subnet as address ranges.
pub fn subnet_pools(s: &Subnet) -> Vec<Pool> {
    let pools: Vec<Pool> =
        s.allocation_pools.iter().filter_map(|p| Some(Pool { start: parse_ip(&p.start)?, end: parse_ip(&p.end)? })).collect();
    if !pools.is_empty() {
        return pools;
    }
    let net = parse_cidr(&s.cidr).expect("stored CIDRs are valid");
    default_pools(&net, s.gateway_ip.as_deref().and_then(parse_ip))
}

impl Net<'_> {
    pub fn port(&mut self, id: &str) -> ModelResult<Port> {
        self.get(PORT, Res::Port, id)
    }

    pub fn ports(&mut self) -> ModelResult<Vec<Port>> {
        self.all(PORT)
    }

    pub fn network_ports(&mut self, network_id: &str) -> ModelResult<Vec<Port>> {
        self.keyed(PORT, network_id)
    }

    fn ip_taken(&mut self, subnet_id: &str, ip: &str) -> ModelResult<bool> {
        Ok(self.tx.get(IP_CLAIM, &claim_id(subnet_id, ip))?.is_some())
    }

    /// The subnet's allocation floor: every pool address below it is taken,
    /// so the search for the lowest free one starts there instead of at the
    /// first address (which made each port create walk every port before it).
    fn ip_floor(&mut self, subnet_id: &str) -> ModelResult<Ipv4Addr> {
        let floor = self.tx.get_doc::<IpFloor>(IP_FLOOR, subnet_id)?;
        Ok(floor.and_then(|f| parse_ip(&f.floor)).unwrap_or(Ipv4Addr::UNSPECIFIED))
    }

    fn set_ip_floor(&mut self, subnet_id: &str, floor: Ipv4Addr) -> ModelResult<()> {
        self.tx.put_doc(IP_FLOOR, subnet_id, self.project, None, &IpFloor { floor: floor.to_string() })?;
        Ok(())
    }

    /// Forgets a subnet's floor: the next allocation searches from its
    /// first address again (its pools changed, or it is gone).
    pub(crate) fn reset_ip_floor(&mut self, subnet_id: &str) -> ModelResult<()> {
        self.tx.delete(IP_FLOOR, subnet_id)?;
        Ok(())
    }

    fn claim(&mut self, subnet_id: &str, ip: &str, port_id: &str) -> ModelResult<()> {
        let c = IpClaim { port_id: port_id.to_string(), project_id: self.project.to_string() };
        self.insert(IP_CLAIM, &claim_id(subnet_id, ip), Some(subnet_id), &c)
    }

    /// Picks the lowest free address of the subnet's pools.
    fn next_free(&mut self, s: &Subnet) -> ModelResult<Ipv4Addr> {
        let net = parse_cidr(&s.cidr).expect("stored");
        let reserved = dhcp_addresses(&net);
        let gateway = s.gateway_ip.as_deref().and_then(parse_ip);
        let floor = self.ip_floor(&s.id)?;
        let mut pools = subnet_pools(s);
        pools.sort_by_key(|p| p.start);
        for pool in pools {
            for ip in pool.iter_from(floor) {
                if reserved.contains(&ip) || Some(ip) == gateway {
                    continue;
                }
                if !self.ip_taken(&s.id, &ip.to_string())? {
                    // Everything below `ip` is taken, and now `ip` too.
                    self.set_ip_floor(&s.id, crate::net::from_u32(crate::net::to_u32(ip).saturating_add(1)))?;
                    return Ok(ip);
                }
            }
        }
        Err(Fault::NoMoreIps(s.network_id.clone()))
    }

    /// Resolves requested fixed IPs to concrete (subnet, address) pairs and
    /// claims them for `port_id`.
    fn assign(&mut self, network_id: &str, wanted: &[FixedIpSpec], port_id: &str) -> ModelResult<Vec<FixedIp>> {
        let subnets: Vec<Subnet> = self.keyed(SUBNET, network_id)?;
        let wanted = if wanted.is_empty() {
            if subnets.is_empty() {
                return Ok(Vec::new());
            }
            vec![FixedIpSpec::default()]
        } else {
            wanted.to_vec()
        };
        let mut out = Vec::new();
        for w in &wanted {
            let subnet = match (&w.subnet_id, &w.ip_address) {
                (Some(sid), _) => subnets.iter().find(|s| &s.id == sid).cloned().ok_or_else(|| {
                    Fault::Invalid(Res::Port, format!("Invalid input for fixed_ips: subnet {sid} is not on network {network_id}."))
                })?,
                (None, Some(ip)) => {
                    let addr = parse_ip(ip).ok_or_else(|| {
                        Fault::Invalid(Res::Port, format!("Invalid input for fixed_ips: {ip} is not a valid IP address."))
                    })?;
                    subnets
                        .iter()
                        .find(|s| parse_cidr(&s.cidr).is_some_and(|n| n.contains(&addr)))
                        .cloned()
                        .ok_or_else(|| Fault::IpNotInSubnet { ip: ip.clone(), subnet_id: String::new() })?
                }
                (None, None) => subnets.first().cloned().ok_or_else(|| Fault::NoMoreIps(network_id.to_string()))?,
            };
            let ip = match &w.ip_address {
                Some(ip) => {
                    let addr = parse_ip(ip).ok_or_else(|| {
                        Fault::Invalid(Res::Port, format!("Invalid input for fixed_ips: {ip} is not a valid IP address."))
                    })?;
                    let net = parse_cidr(&subnet.cidr).expect("stored");
                    if !crate::net::is_host(&net, addr) {
                        return Err(Fault::IpNotInSubnet { ip: ip.clone(), subnet_id: subnet.id.clone() });
                    }
                    if self.ip_taken(&subnet.id, ip)? || out.iter().any(|f: &FixedIp| &f.ip_address == ip) {
                        return Err(Fault::IpInUse { ip: ip.clone(), network_id: network_id.to_string() });
                    }
                    addr
                }
                None => self.next_free(&subnet)?,
            };
            self.claim(&subnet.id, &ip.to_string(), port_id)?;
            out.push(FixedIp { subnet_id: subnet.id.clone(), ip_address: ip.to_string() });
        }
        Ok(out)
    }

    fn unclaim(&mut self, ips: &[FixedIp]) -> ModelResult<()> {
        for f in ips {
            self.remove(IP_CLAIM, &claim_id(&f.subnet_id, &f.ip_address))?;
            // A freed address below the floor is the lowest free one now.
            if let Some(ip) = parse_ip(&f.ip_address) {
                if ip < self.ip_floor(&f.subnet_id)? {
                    self.set_ip_floor(&f.subnet_id, ip)?;
                }
            }
        }
        Ok(())
    }

    /// Every group must exist in this project.
    fn check_groups(&mut self, groups: &[String]) -> ModelResult<()> {
        for g in groups {
            self.security_group(g)?;
        }
        Ok(())
    }

    pub fn create_port(&mut self, spec: PortSpec) -> ModelResult<Port> {
        if spec.network_id == self.external_network_id() {
            return Err(Fault::ExternalNetwork(spec.network_id));
        }
        let network: Network = self.get(NETWORK, Res::Network, &spec.network_id)?;
        let id = ids::uuid();
        let fixed_ips = self.assign(&network.id, &spec.fixed_ips, &id)?;
        let port_security = spec.port_security_enabled.unwrap_or(true);
        let security_groups = match spec.security_groups {
            Some(g) => {
                self.check_groups(&g)?;
                g
            }
            None if port_security && !spec.device_owner.starts_with("network:") => vec![self.default_security_group()?.id],
            None => Vec::new(),
        };
        let port = Port {
            id,
            project_id: self.project.to_string(),
            network_id: network.id.clone(),
            name: spec.name,
            description: spec.description,
            admin_state_up: spec.admin_state_up.unwrap_or(true),
            mac_address: spec.mac_address.unwrap_or_else(mac_address),
            fixed_ips,
            device_id: spec.device_id,
            device_owner: spec.device_owner,
            security_groups,
            allowed_address_pairs: spec.allowed_address_pairs,
            port_security_enabled: port_security,
            binding_host_id: spec.binding_host_id,
            binding_vnic_type: spec.binding_vnic_type.unwrap_or_else(|| "normal".into()),
            extra_dhcp_opts: spec.extra_dhcp_opts,
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(PORT, &port.id, Some(&network.id), &port)?;
        Ok(port)
    }

    pub fn update_port(&mut self, id: &str, ch: PortChange) -> ModelResult<Port> {
        let mut p = self.port(id)?;
        if let Some(v) = ch.name {
            p.name = v;
        }
        if let Some(v) = ch.description {
            p.description = v;
        }
        if let Some(v) = ch.admin_state_up {
            p.admin_state_up = v;
        }
        if let Some(v) = ch.device_id {
            p.device_id = v;
        }
        if let Some(v) = ch.device_owner {
            p.device_owner = v;
        }
        if let Some(v) = ch.port_security_enabled {
            p.port_security_enabled = v;
        }
        if let Some(g) = ch.security_groups {
            self.check_groups(&g)?;
            p.security_groups = g;
        }
        if !p.port_security_enabled && (!p.security_groups.is_empty() || ch.allowed_address_pairs.as_ref().is_some_and(|a| !a.is_empty())) {
            return Err(Fault::Invalid(
                Res::Port,
                format!("Port {id} has no port security, so it cannot have security groups or allowed address pairs."),
            ));
        }
        if let Some(v) = ch.allowed_address_pairs {
            p.allowed_address_pairs = v;
        }
        if let Some(v) = ch.binding_host_id {
            p.binding_host_id = v;
        }
        if let Some(v) = ch.extra_dhcp_opts {
            p.extra_dhcp_opts = v;
        }
        if let Some(wanted) = ch.fixed_ips {
            // Keep addresses asked for again; release the rest; claim the new.
            let keep: Vec<FixedIp> = p
                .fixed_ips
                .iter()
                .filter(|f| wanted.iter().any(|w| w.ip_address.as_deref() == Some(f.ip_address.as_str())))
                .cloned()
                .collect();
            let drop: Vec<FixedIp> = p.fixed_ips.iter().filter(|f| !keep.contains(f)).cloned().collect();
            self.unclaim(&drop)?;
            let new: Vec<FixedIpSpec> =
                wanted.into_iter().filter(|w| !keep.iter().any(|k| Some(k.ip_address.as_str()) == w.ip_address.as_deref())).collect();
            let mut fixed = keep;
            if !new.is_empty() {
                fixed.extend(self.assign(&p.network_id.clone(), &new, id)?);
            }
            p.fixed_ips = fixed;
        }
        p.updated_at = self.now;
        self.update(PORT, id, Some(&p.network_id.clone()), &p)?;
        Ok(p)
    }

    /// Deletes a port and frees its addresses (and unbinds its EIP).
    pub fn release_port(&mut self, port: &Port) -> ModelResult<()> {
        self.unclaim(&port.fixed_ips)?;
        self.unbind_eips_of_port(&port.id)?;
        self.remove(PORT, &port.id)
    }

    /// Neutron's port delete: router interfaces are removed through the
    /// router, a held port (an SFS Turbo virtual IP) by its holder.
    pub fn delete_port(&mut self, id: &str) -> ModelResult<()> {
        let p = self.port(id)?;
        self.check_unheld(Res::Port, id)?;
        if p.device_owner == OWNER_ROUTER_INTERFACE {
            return Err(Fault::InUse(Res::Port, id.to_string(), Dependency::PortInUse));
        }
        self.release_port(&p)
    }

    /// VPC v1 private IP release: refused while a device uses it.
    pub fn delete_private_ip(&mut self, id: &str) -> ModelResult<()> {
        let p = self.port(id)?;
        if !p.device_owner.is_empty() || !p.device_id.is_empty() {
            return Err(Fault::InUse(Res::Port, id.to_string(), Dependency::PortInUse));
        }
        self.release_port(&p)
    }
}
