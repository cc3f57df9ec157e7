//! VPN gateways. A gateway takes two addresses of its access subnet (and,
//! attached to a VPC, two of its connect subnet when that is another
//! subnet) as ports of the network model; a public gateway binds its EIPs
//! to the two access ports, so the VPC APIs show them bound and refuse to
//! release them. Network resources are given back when deletion is asked
//! for; the gateway itself lingers in PENDING_DELETE on the clock.

use super::*;
use crate::errors::{invalid, vpn_error};
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_vpc::model::eips::{BandwidthChoice, EipSpec};
use otc_vpc::model::ports::{subnet_pools, FixedIpSpec, PortSpec};
use otc_vpc::model::subnets::VpcSubnet;
use otc_vpc::model::{Eip, Port, IP_CLAIM};
use otc_vpc::net::{dhcp_addresses, parse_cidr, parse_ip};

/// Deletion has run its course: the document is removed when next met.
const DELETED: &str = "DELETED";

/// The documented flavors, by canonical name, with the most bandwidth an
/// EIP created with the gateway may have.
const FLAVORS: &[(&str, u32)] = &[("Basic", 100), ("Professional1", 300), ("Professional2", 1000)];

/// A flavor's canonical name: `V300` and `V1G` are the earlier names of
/// Professional1 and Professional2.
pub fn canonical_flavor(flavor: &str) -> Option<&'static str> {
    match flavor {
        "V300" => Some("Professional1"),
        "V1G" => Some("Professional2"),
        f => FLAVORS.iter().map(|(n, _)| *n).find(|n| *n == f),
    }
}

fn bandwidth_cap(flavor: &str) -> u32 {
    let canonical = canonical_flavor(flavor).unwrap_or("Professional1");
    FLAVORS.iter().find(|(n, _)| *n == canonical).map(|(_, c)| *c).unwrap_or(300)
}

/// The AZs that stock a flavor for an attachment type in a region. Basic
/// gateways cannot attach to an enterprise router.
pub fn availability_zones(region: &str, flavor: &str, attachment_type: &str) -> Vec<String> {
    match (flavor, attachment_type) {
        ("Basic", "er") | ("Professional1-NonFixedIP" | "Professional2-NonFixedIP" | "gm", _) => Vec::new(),
        _ => vec![format!("{region}-01"), format!("{region}-02")],
    }
}

/// The flavors a gateway can be changed to: within Professional only.
pub fn supported_flavors(flavor: &str) -> Vec<&'static str> {
    match canonical_flavor(flavor) {
        Some("Professional1") => vec!["Professional2"],
        Some("Professional2") => vec!["Professional1"],
        _ => Vec::new(),
    }
}

/// How a slot's EIP is asked for.
#[derive(Debug, Clone)]
pub enum EipRequest {
    Existing(String),
    New { ip_type: String, bandwidth_size: Option<i64>, bandwidth_name: Option<String>, charge_mode: String, bandwidth_id: Option<String> },
}

/// A gateway to create, validated for types and formats by the facade.
#[derive(Debug, Clone, Default)]
pub struct GatewaySpec {
    pub name: String,
    pub network_type: String,
    pub attachment_type: String,
    pub er_id: Option<String>,
    pub vpc_id: Option<String>,
    pub local_subnets: Option<Vec<String>>,
    pub connect_subnet: Option<String>,
    pub bgp_asn: u64,
    pub flavor: String,
    pub availability_zone_ids: Option<Vec<String>>,
    pub enterprise_project_id: String,
    pub eip1: Option<EipRequest>,
    pub eip2: Option<EipRequest>,
    pub access_vpc_id: Option<String>,
    pub access_subnet_id: Option<String>,
    pub ha_mode: String,
    pub access_private_ip_1: Option<String>,
    pub access_private_ip_2: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default)]
pub struct GatewayChange {
    pub name: Option<String>,
    pub local_subnets: Option<Vec<String>>,
    pub eip_id_1: Option<String>,
    pub eip_id_2: Option<String>,
}

/// What a gateway's answer shows besides the document.
pub struct GatewayView {
    pub gateway: Gateway,
    pub eip1: Option<(Eip, otc_vpc::model::Bandwidth)>,
    pub eip2: Option<(Eip, otc_vpc::model::Bandwidth)>,
    pub used_connection_number: usize,
    pub used_connection_group: usize,
}

fn transitions(seconds: i64) -> [Transition; 3] {
    let after = chrono::Duration::seconds(seconds);
    [
        Transition { from: "PENDING_CREATE", to: "ACTIVE", after },
        Transition { from: "PENDING_UPDATE", to: "ACTIVE", after },
        Transition { from: "PENDING_DELETE", to: DELETED, after },
    ]
}

/// Checks the CIDRs of `local_subnets`: 1-50 distinct IPv4 blocks, none
/// multicast, reserved or loopback.
pub fn check_local_subnets(cidrs: &[String]) -> Result<(), ApiError> {
    if cidrs.is_empty() || cidrs.len() > 50 {
        return Err(invalid("local_subnets must hold 1 to 50 CIDR blocks"));
    }
    for (i, c) in cidrs.iter().enumerate() {
        let net = c.parse::<ipnet::Ipv4Net>().map_err(|_| vpn_error("VPN.0203", &[]))?;
        let first = net.network().octets()[0];
        if first >= 224 || first == 127 {
            return Err(vpn_error("VPN.0204", &[]));
        }
        if cidrs[..i].contains(c) {
            return Err(invalid(format!("local subnet {c} is duplicated")));
        }
    }
    Ok(())
}

impl Vpns<'_, '_> {
    /// The gateway with its status settled to now; 404 VPN.0509 when it
    /// does not exist (or its deletion has finished).
    pub fn gateway(&mut self, id: &str) -> VpnResult<Gateway> {
        let found = self.net.find::<Gateway>(GATEWAY, id)?;
        match found.map(|g| self.settle_gateway(g)).transpose()?.flatten() {
            Some(g) => Ok(g),
            None => Err(Refusal(vpn_error("VPN.0509", &[]))),
        }
    }

    /// Every live gateway of the project, settled, oldest first.
    pub fn gateways(&mut self) -> VpnResult<Vec<Gateway>> {
        let mut out = Vec::new();
        for g in self.net.all::<Gateway>(GATEWAY)? {
            if let Some(g) = self.settle_gateway(g)? {
                out.push(g);
            }
        }
        Ok(out)
    }

    /// Follows the clock; a finished deletion removes the document.
    fn settle_gateway(&mut self, mut g: Gateway) -> VpnResult<Option<Gateway>> {
        let (stage, changed) =
            settle(&transitions(self.cfg.gateway_seconds), &Stage { status: g.status.clone(), since: g.status_since }, self.now());
        if !changed {
            return Ok(Some(g));
        }
        if stage.status == DELETED {
            self.net.remove(GATEWAY, &g.id)?;
            return Ok(None);
        }
        g.status = stage.status;
        g.status_since = stage.since;
        self.net.update(GATEWAY, &g.id, None, &g)?;
        Ok(Some(g))
    }

    /// The public address of an EIP of this project.
    pub fn eip_address(&mut self, eip_id: &str) -> VpnResult<String> {
        Ok(self.net.eip(eip_id)?.public_ip_address)
    }

    pub fn connections_of(&mut self, vgw_id: &str) -> VpnResult<Vec<Connection>> {
        Ok(self.net.keyed(CONNECTION, vgw_id)?)
    }

    pub fn view(&mut self, gateway: Gateway) -> VpnResult<GatewayView> {
        let mut eips = [None, None];
        for (slot, e) in [&gateway.eip1, &gateway.eip2].into_iter().enumerate() {
            if let Some(e) = e {
                if let Some(eip) = self.net.find::<Eip>(otc_vpc::model::EIP, &e.id)? {
                    let bw = self.net.bandwidth(&eip.bandwidth_id)?;
                    eips[slot] = Some((eip, bw));
                }
            }
        }
        let connections = self.connections_of(&gateway.id)?;
        let mut groups: Vec<&str> = connections.iter().map(|c| c.cgw_id.as_str()).collect();
        groups.sort();
        groups.dedup();
        let [eip1, eip2] = eips;
        Ok(GatewayView { used_connection_number: connections.len(), used_connection_group: groups.len(), gateway, eip1, eip2 })
    }

    /// A subnet of `vpc_id` by its VPC v1 id (the network id) or its
    /// Neutron subnet id.
    fn subnet_in(&mut self, vpc_id: &str, id: &str, field: &str) -> VpnResult<VpcSubnet> {
        let network_id = match self.net.find::<otc_vpc::model::Subnet>(otc_vpc::model::SUBNET, id)? {
            Some(s) => s.network_id,
            None => id.to_string(),
        };
        let s = self.net.vpc_subnet(&network_id).map_err(|_| invalid(format!("{field} {id} does not exist")))?;
        if s.network.vpc_id.as_deref() != Some(vpc_id) {
            return Err(invalid(format!("{field} {id} does not belong to VPC {vpc_id}")).into());
        }
        Ok(s)
    }

    /// Addresses of a subnet's pools that nothing holds, counted up to
    /// `enough` (a large subnet need not be walked to the end).
    fn free_addresses(&mut self, s: &VpcSubnet, enough: u64) -> VpnResult<u64> {
        let net = parse_cidr(&s.subnet.cidr).expect("stored CIDRs are valid");
        let reserved = dhcp_addresses(&net);
        let gateway = s.subnet.gateway_ip.as_deref().and_then(parse_ip);
        let mut free = 0;
        for ip in subnet_pools(&s.subnet).iter().flat_map(|p| p.iter()) {
            if reserved.contains(&ip) || Some(ip) == gateway {
                continue;
            }
            if self.net.tx.get(IP_CLAIM, &format!("{}/{ip}", s.subnet.id))?.is_none() {
                free += 1;
                if free >= enough {
                    break;
                }
            }
        }
        Ok(free)
    }

    /// Checks an asked-for private address of the access subnet.
    fn check_private_ip(&mut self, ip: &str, s: &VpcSubnet) -> VpnResult<()> {
        let addr = parse_ip(ip).ok_or_else(|| vpn_error("VPN.0108", &[ip]))?;
        let net = parse_cidr(&s.subnet.cidr).expect("stored CIDRs are valid");
        if !net.contains(&addr) {
            return Err(vpn_error("VPN.0104", &[ip, &s.subnet.cidr]).into());
        }
        let reserved = dhcp_addresses(&net);
        let in_pool = subnet_pools(&s.subnet).iter().any(|p| p.contains(addr));
        if !in_pool || reserved.contains(&addr) || s.subnet.gateway_ip.as_deref() == Some(ip) {
            return Err(vpn_error("VPN.0110", &[ip]).into());
        }
        if self.net.tx.get(IP_CLAIM, &format!("{}/{ip}", s.subnet.id))?.is_some() {
            return Err(vpn_error("VPN.0111", &[ip]).into());
        }
        Ok(())
    }

    fn gateway_port(&mut self, gateway_id: &str, s: &VpcSubnet, ip: Option<String>, role: &str) -> VpnResult<Port> {
        let spec = PortSpec {
            network_id: s.network.id.clone(),
            name: format!("vpngw-{}-{role}", &gateway_id[..8]),
            fixed_ips: vec![FixedIpSpec { subnet_id: Some(s.subnet.id.clone()), ip_address: ip }],
            device_id: gateway_id.to_string(),
            device_owner: OWNER_VPN_GATEWAY.to_string(),
            security_groups: Some(Vec::new()),
            port_security_enabled: Some(false),
            ..Default::default()
        };
        Ok(self.net.create_port(spec)?)
    }

    /// Takes an existing EIP or creates one, and binds it to `port`.
    fn attach_eip(&mut self, req: &EipRequest, port: &Port, flavor: &str, gateway_name: &str) -> VpnResult<GatewayEip> {
        match req {
            EipRequest::Existing(id) => {
                let eip = self.net.find::<Eip>(otc_vpc::model::EIP, id)?.ok_or_else(|| invalid(format!("eip {id} does not exist")))?;
                if eip.port_id.is_some() {
                    return Err(vpn_error("VPN.0112", &[id]).into());
                }
                self.net.associate_eip(id, Some(&port.id), None)?;
                Ok(GatewayEip { id: id.clone(), created_by_gateway: false })
            }
            EipRequest::New { ip_type, bandwidth_size, bandwidth_name, charge_mode, bandwidth_id } => {
                if ip_type != "5_bgp" {
                    return Err(invalid(format!("eip type {ip_type} is not supported")).into());
                }
                let bandwidth = match bandwidth_id {
                    Some(b) => BandwidthChoice::Shared(b.clone()),
                    None => {
                        let size = bandwidth_size.ok_or_else(|| invalid("bandwidth_size is mandatory for a new EIP"))?;
                        let cap = bandwidth_cap(flavor);
                        if size < 1 || size > cap as i64 {
                            return Err(vpn_error("VPN.0101", &[&size.to_string()]).into());
                        }
                        let name = bandwidth_name.clone().unwrap_or_else(|| crate::wire::default_name("vpngw-bandwidth"));
                        BandwidthChoice::Dedicated { name, size: size as u32, charge_mode: charge_mode.clone() }
                    }
                };
                let spec = EipSpec {
                    ip_type: ip_type.clone(),
                    alias: gateway_name.to_string(),
                    port_id: Some(port.id.clone()),
                    bandwidth,
                    ..Default::default()
                };
                let eip = self.net.create_eip(spec).map_err(|f| match f {
                    Fault::NotFound(_, b) => Refusal(invalid(format!("bandwidth {b} does not exist"))),
                    Fault::Quota(_) => Refusal(invalid("the EIP quota is exhausted")),
                    other => Refusal::from(other),
                })?;
                Ok(GatewayEip { id: eip.id, created_by_gateway: true })
            }
        }
    }

    /// Gives an EIP back: released if the gateway created it, else unbound.
    fn detach_eip(&mut self, e: &GatewayEip) -> VpnResult<()> {
        if self.net.find::<Eip>(otc_vpc::model::EIP, &e.id)?.is_none() {
            return Ok(());
        }
        if e.created_by_gateway {
            self.net.delete_eip(&e.id, true)?;
        } else {
            self.net.associate_eip(&e.id, None, None)?;
        }
        Ok(())
    }

    pub fn create_gateway(&mut self, spec: GatewaySpec) -> VpnResult<Gateway> {
        let id = otc_core::ids::uuid();
        let er = spec.attachment_type == "er";
        let public = spec.network_type == "public";
        // Where the gateway lives: the service VPC and connect subnet (VPC
        // attachment), the access VPC and subnet (both attachments).
        let access_vpc = spec.access_vpc_id.clone().or_else(|| spec.vpc_id.clone()).ok_or_else(|| invalid("vpc_id is mandatory"))?;
        let access_subnet_id =
            spec.access_subnet_id.clone().or_else(|| spec.connect_subnet.clone()).ok_or_else(|| invalid("connect_subnet is mandatory"))?;
        self.net.router(&access_vpc).map_err(|_| invalid(format!("vpc {access_vpc} does not exist")))?;
        let access = self.subnet_in(&access_vpc, &access_subnet_id, "access_subnet_id")?;
        let connect = match (&spec.vpc_id, &spec.connect_subnet, er) {
            (Some(vpc), Some(cs), false) => {
                self.net.router(vpc).map_err(|_| invalid(format!("vpc {vpc} does not exist")))?;
                Some(self.subnet_in(vpc, cs, "connect_subnet")?)
            }
            _ => None,
        };
        let separate_connect = connect.as_ref().filter(|c| c.network.id != access.network.id);
        // Idle addresses the gateway needs (documented per attachment).
        let needed_in_access = if connect.is_some() && separate_connect.is_none() { 4 } else { 2 };
        let free = self.free_addresses(&access, needed_in_access)?;
        if free < needed_in_access {
            return Err(vpn_error("VPN.0285", &[&access_subnet_id, &free.to_string(), &needed_in_access.to_string()]).into());
        }
        if let Some(c) = separate_connect.cloned() {
            let free = self.free_addresses(&c, 2)?;
            if free < 2 {
                return Err(vpn_error("VPN.0285", &[&c.network.id, &free.to_string(), "2"]).into());
            }
        }
        match (&spec.access_private_ip_1, &spec.access_private_ip_2) {
            (Some(a), Some(b)) => {
                if a == b {
                    return Err(vpn_error("VPN.0107", &[]).into());
                }
                self.check_private_ip(a, &access)?;
                self.check_private_ip(b, &access)?;
            }
            (None, None) => {}
            _ => return Err(vpn_error("VPN.0109", &[]).into()),
        }
        let azs = self.check_azs(&spec)?;
        if self.gateways()?.len() >= self.cfg.quotas.vpn_gateway {
            return Err(invalid("the VPN gateway quota is exhausted").into());
        }

        let mut ports = vec![
            self.gateway_port(&id, &access, spec.access_private_ip_1.clone(), "1")?,
            self.gateway_port(&id, &access, spec.access_private_ip_2.clone(), "2")?,
        ];
        if let Some(c) = connect.clone() {
            // The connect side takes its own two addresses.
            ports.push(self.gateway_port(&id, &c, None, "connect-1")?);
            ports.push(self.gateway_port(&id, &c, None, "connect-2")?);
        }
        let address = |p: &Port| p.fixed_ips.first().map(|f| f.ip_address.clone()).unwrap_or_default();
        let (eip1, eip2) = if public {
            let (Some(r1), Some(r2)) = (&spec.eip1, &spec.eip2) else {
                return Err(invalid("a public VPN gateway needs eip1 and eip2").into());
            };
            let e1 = self.attach_eip(r1, &ports[0], &spec.flavor, &spec.name)?;
            let e2 = self.attach_eip(r2, &ports[1], &spec.flavor, &spec.name)?;
            (Some(e1), Some(e2))
        } else {
            (None, None)
        };
        let now = self.now();
        let g = Gateway {
            id: id.clone(),
            project_id: self.net.project.to_string(),
            name: spec.name,
            network_type: spec.network_type,
            attachment_type: spec.attachment_type,
            ip_version: "ipv4".into(),
            er_id: spec.er_id,
            vpc_id: if er { None } else { spec.vpc_id },
            local_subnets: if er { Vec::new() } else { spec.local_subnets.unwrap_or_default() },
            connect_subnet: if er { None } else { spec.connect_subnet },
            bgp_asn: spec.bgp_asn,
            flavor: spec.flavor,
            availability_zone_ids: azs,
            azs_given: spec.availability_zone_ids.is_some(),
            enterprise_project_id: spec.enterprise_project_id,
            eip1,
            eip2,
            access_vpc_id: access_vpc,
            access_subnet_id,
            access_private_ip_1: if public { String::new() } else { address(&ports[0]) },
            access_private_ip_2: if public { String::new() } else { address(&ports[1]) },
            ports: ports.iter().map(|p| p.id.clone()).collect(),
            ha_mode: spec.ha_mode,
            tags: spec.tags,
            status: "PENDING_CREATE".into(),
            status_since: now,
            created_at: now,
            updated_at: now,
        };
        self.net.insert(GATEWAY, &g.id, None, &g)?;
        Ok(g)
    }

    /// The AZs asked for, checked against those stocking the flavor (two
    /// when two are offered), or the offered ones.
    fn check_azs(&mut self, spec: &GatewaySpec) -> VpnResult<Vec<String>> {
        let offered = availability_zones(self.net.region, canonical_flavor(&spec.flavor).unwrap_or(""), &spec.attachment_type);
        if offered.is_empty() {
            return Err(invalid("resource not enough").into());
        }
        let Some(asked) = &spec.availability_zone_ids else {
            return Ok(offered.into_iter().take(2).collect());
        };
        let want = offered.len().min(2);
        let mut seen = Vec::new();
        for az in asked {
            if !offered.contains(az) {
                return Err(invalid(format!("availability zone {az} does not offer flavor {}", spec.flavor)).into());
            }
            if seen.contains(az) {
                return Err(invalid(format!("availability zone {az} is duplicated")).into());
            }
            seen.push(az.clone());
        }
        if seen.len() != want {
            return Err(invalid(format!("availability_zone_ids must hold {want} availability zones")).into());
        }
        Ok(seen)
    }

    /// Refuses changes while the gateway is not ACTIVE, in the words the
    /// API pages show for each status.
    fn check_ready(&self, g: &Gateway) -> VpnResult<()> {
        match g.status.as_str() {
            "ACTIVE" => Ok(()),
            "PENDING_CREATE" => Err(Refusal(ApiError::new(
                409,
                "VPN.0003",
                format!("resource (type=GATEWAY, ID={}) is not ready, currently CREATING", g.id),
            ))),
            "PENDING_UPDATE" => Err(vpn_error("VPN.0507", &[]).into()),
            "PENDING_DELETE" => Err(vpn_error("VPN.0508", &[]).into()),
            _ => Err(vpn_error("VPN.0016", &[]).into()),
        }
    }

    pub fn update_gateway(&mut self, id: &str, ch: GatewayChange) -> VpnResult<Gateway> {
        let mut g = self.gateway(id)?;
        self.check_ready(&g)?;
        let mut reconfigured = false;
        if let Some(name) = ch.name {
            g.name = name;
        }
        if let Some(subnets) = ch.local_subnets {
            if g.attachment_type != "vpc" {
                return Err(invalid("local_subnets can only be set on a gateway attached to a VPC").into());
            }
            check_local_subnets(&subnets)?;
            reconfigured |= subnets != g.local_subnets;
            g.local_subnets = subnets;
        }
        if ch.eip_id_1.is_some() || ch.eip_id_2.is_some() {
            if g.network_type != "public" {
                return Err(invalid("EIPs can only be set on a public VPN gateway").into());
            }
            let new1 = ch.eip_id_1.clone().unwrap_or_else(|| g.eip1.as_ref().map(|e| e.id.clone()).unwrap_or_default());
            let new2 = ch.eip_id_2.clone().unwrap_or_else(|| g.eip2.as_ref().map(|e| e.id.clone()).unwrap_or_default());
            if new1 == new2 {
                return Err(invalid("eip_id_1 and eip_id_2 must differ").into());
            }
            for (slot, new) in [(0usize, new1), (1, new2)] {
                let current = if slot == 0 { g.eip1.clone() } else { g.eip2.clone() };
                if current.as_ref().map(|e| e.id.as_str()) == Some(new.as_str()) {
                    continue;
                }
                // Connections negotiate from the slot's address.
                if let Some(old) = &current {
                    if self.connections_of(&g.id)?.iter().any(|c| c.vgw_ip == old.id) {
                        return Err(invalid(format!("eip {} is used by vpn connections of the gateway", old.id)).into());
                    }
                }
                let port = self.net.port(&g.ports[slot])?;
                // The slot's EIP is swapped: the old one goes first, so the
                // new one can be bound to the same port.
                if let Some(old) = &current {
                    self.detach_eip(old)?;
                }
                let e = self.attach_eip(&EipRequest::Existing(new), &port, &g.flavor, &g.name)?;
                if slot == 0 {
                    g.eip1 = Some(e);
                } else {
                    g.eip2 = Some(e);
                }
                reconfigured = true;
            }
        }
        let now = self.now();
        if reconfigured {
            g.status = "PENDING_UPDATE".into();
            g.status_since = now;
        }
        g.updated_at = now;
        self.net.update(GATEWAY, &g.id, None, &g)?;
        Ok(g)
    }

    pub fn update_specification(&mut self, id: &str, flavor: &str) -> VpnResult<Gateway> {
        let mut g = self.gateway(id)?;
        self.check_ready(&g)?;
        let target = match flavor {
            "Professional1-NonFixedIP" | "Professional2-NonFixedIP" => return Err(vpn_error("VPN.0516", &[]).into()),
            f => canonical_flavor(f).ok_or_else(|| invalid(format!("flavor {f} is invalid")))?,
        };
        let current = canonical_flavor(&g.flavor).unwrap_or("Professional1");
        if target == current {
            return Err(vpn_error("VPN.0518", &[target, "it is the current specification"]).into());
        }
        if target == "Basic" && (g.network_type == "private" || g.attachment_type == "er") {
            return Err(vpn_error("VPN.0105", &[current, target, &g.network_type]).into());
        }
        if target == "Basic" || current == "Basic" {
            return Err(vpn_error("VPN.0517", &[target, current]).into());
        }
        // EIPs created with the gateway must fit the new flavor.
        for e in [&g.eip1, &g.eip2].into_iter().flatten().filter(|e| e.created_by_gateway) {
            if let Some(eip) = self.net.find::<Eip>(otc_vpc::model::EIP, &e.id)? {
                let size = self.net.bandwidth(&eip.bandwidth_id)?.size;
                if size > bandwidth_cap(target) {
                    return Err(vpn_error("VPN.0101", &[&size.to_string()]).into());
                }
            }
        }
        let now = self.now();
        g.flavor = target.to_string();
        g.status = "PENDING_UPDATE".into();
        g.status_since = now;
        g.updated_at = now;
        self.net.update(GATEWAY, &g.id, None, &g)?;
        Ok(g)
    }

    /// Starts deletion: refused while connections use the gateway; the
    /// gateway's addresses and EIPs are given back at once.
    pub fn delete_gateway(&mut self, id: &str) -> VpnResult<()> {
        let mut g = self.gateway(id)?;
        self.check_ready(&g)?;
        let n = self.connections_of(id)?.len();
        if n > 0 {
            return Err(invalid(format!("vpn gateway {id} still has {n} vpn connection(s)")).into());
        }
        for e in [g.eip1.take(), g.eip2.take()].into_iter().flatten() {
            self.detach_eip(&e)?;
        }
        for p in std::mem::take(&mut g.ports) {
            if let Some(port) = self.net.find::<Port>(otc_vpc::model::PORT, &p)? {
                self.net.release_port(&port)?;
            }
        }
        let now = self.now();
        g.status = "PENDING_DELETE".into();
        g.status_since = now;
        g.updated_at = now;
        self.net.update(GATEWAY, &g.id, None, &g)?;
        // With no delay the deletion is over at once.
        self.settle_gateway(g)?;
        Ok(())
    }
}
