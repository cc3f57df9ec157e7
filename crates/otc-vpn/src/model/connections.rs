//! VPN connections: one gateway address (an EIP of a public gateway or a
//! private address of a private one) joined to one customer gateway, with
//! the customer subnets, tunnel interface addresses, IKE/IPsec policies and
//! a pre-shared key.
//!
//! No peer ever negotiates with the emulator, so a connection settles in
//! `DOWN` (the real service's status for a tunnel that is not up) after
//! `connection_seconds` in PENDING_CREATE or PENDING_UPDATE. Deletion is
//! immediate: Terraform's delete waiter fails on any status but
//! PENDING_DELETE/ACTIVE, so a connection is either there or gone.

mod policies;

pub use policies::{default_ike, default_ipsec, DpdPatch, IkePatch, IpsecPatch};

use super::{Connection, CustomerGateway, Gateway, Monitor, PolicyRule, VpnResult, Vpns, CONNECTION, CUSTOMER_GATEWAY, MONITOR};
use crate::errors::{invalid, not_found, vpn_error};
use chrono::Duration;
use ipnet::Ipv4Net;
use otc_core::lifecycle::{settle, Stage, Transition};
use otc_core::tags::Tag;
use otc_core::ApiError;
use otc_vpc::net::parse_cidr;
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

/// Connections one gateway can carry (every documented flavor shows 200).
pub fn connection_capacity(_gateway: &Gateway) -> usize {
    200
}

/// "A maximum of 50 customer subnets ... for each VPN connection".
const MAX_PEER_SUBNETS: usize = 50;
/// "Policy rules per VPN connection: 5", and 50 destinations per rule.
const MAX_POLICY_RULES: usize = 5;
const MAX_DESTINATIONS: usize = 50;
/// Blocks a VPC reserves; customer subnets cannot lie in them.
const RESERVED_BLOCKS: [&str; 2] = ["100.64.0.0/10", "214.0.0.0/8"];
/// Characters the pre-shared key may use besides letters and digits (the
/// reference renders `{ }` with a space, which is accepted too).
const PSK_SPECIALS: &str = "~!@#$%^*()-_+={},./:; ";

/// A creation request, read from the body but not yet checked.
#[derive(Debug, Clone, Default)]
pub struct ConnSpec {
    pub name: String,
    pub vgw_id: String,
    pub vgw_ip: String,
    /// As sent (any case); defaults to static.
    pub style: Option<String>,
    pub cgw_id: String,
    pub peer_subnets: Option<Vec<String>>,
    pub tunnel_local_address: Option<String>,
    pub tunnel_peer_address: Option<String>,
    pub enable_nqa: Option<bool>,
    pub enable_hub: Option<bool>,
    pub psk: Option<String>,
    pub policy_rules: Option<Vec<PolicyRule>>,
    pub ikepolicy: IkePatch,
    pub ipsecpolicy: IpsecPatch,
    pub ha_role: Option<String>,
    pub tags: Vec<Tag>,
}

/// An update: every field optional, lists replace, policies merge.
#[derive(Debug, Clone, Default)]
pub struct ConnChange {
    pub name: Option<String>,
    pub cgw_id: Option<String>,
    pub peer_subnets: Option<Vec<String>>,
    pub tunnel_local_address: Option<String>,
    pub tunnel_peer_address: Option<String>,
    pub enable_hub: Option<bool>,
    pub psk: Option<String>,
    pub policy_rules: Option<Vec<PolicyRule>>,
    pub ikepolicy: IkePatch,
    pub ipsecpolicy: IpsecPatch,
}

/// A connection with what its answer derives from other resources.
#[derive(Debug, Clone)]
pub struct ConnectionView {
    pub conn: Connection,
    /// `ikepolicy.local_id`: as set, else the gateway address in use.
    pub local_id: String,
    /// `ikepolicy.peer_id`: as set, else the customer gateway's address.
    pub peer_id: String,
    pub monitor_id: Option<String>,
}

fn transitions(seconds: i64) -> [Transition; 2] {
    let after = Duration::seconds(seconds);
    [Transition { from: "PENDING_CREATE", to: "DOWN", after }, Transition { from: "PENDING_UPDATE", to: "DOWN", after }]
}

/// `static`, `policy` or `bgp` in any case (Terraform sends lowercase and
/// compares case-insensitively with the uppercase it reads back).
pub fn parse_style(s: &str) -> Result<&'static str, ApiError> {
    match s.to_ascii_lowercase().as_str() {
        "static" => Ok("STATIC"),
        "policy" => Ok("POLICY"),
        "bgp" => Ok("BGP"),
        _ => Err(invalid(format!("style {s} is invalid"))),
    }
}

/// 8-128 characters of at least three classes out of uppercase,
/// lowercase, digits and the documented specials.
pub fn check_psk(psk: &str) -> Result<(), ApiError> {
    let len = psk.chars().count();
    if !(8..=128).contains(&len) {
        return Err(invalid("psk must have 8 to 128 characters"));
    }
    if let Some(c) = psk.chars().find(|c| !c.is_ascii_alphanumeric() && !PSK_SPECIALS.contains(*c)) {
        return Err(invalid(format!("psk contains the unsupported character {c:?}")));
    }
    let classes = [
        psk.chars().any(|c| c.is_ascii_uppercase()),
        psk.chars().any(|c| c.is_ascii_lowercase()),
        psk.chars().any(|c| c.is_ascii_digit()),
        psk.chars().any(|c| PSK_SPECIALS.contains(c)),
    ];
    if classes.iter().filter(|b| **b).count() < 3 {
        return Err(invalid("psk must contain at least three of uppercase letters, lowercase letters, digits and special characters"));
    }
    Ok(())
}

/// One IPv4 CIDR in canonical form (`a.b.c.d/n`, host bits clear, n > 0).
fn parse_net(s: &str, what: &str) -> Result<Ipv4Net, ApiError> {
    match parse_cidr(s) {
        Some(n) if n.prefix_len() > 0 => Ok(n),
        _ => Err(invalid(format!("{what} {s} is not a valid CIDR"))),
    }
}

/// Customer subnets: 1-50 distinct IPv4 CIDRs outside the VPC reserved
/// blocks.
pub fn check_peer_subnets(list: &[String]) -> Result<Vec<Ipv4Net>, ApiError> {
    if list.is_empty() || list.len() > MAX_PEER_SUBNETS {
        return Err(invalid(format!("peer_subnets must have 1 to {MAX_PEER_SUBNETS} items")));
    }
    let mut seen = HashSet::new();
    let mut nets = Vec::with_capacity(list.len());
    for s in list {
        let n = parse_net(s, "peer subnet")?;
        if let Some(r) = RESERVED_BLOCKS.iter().find(|r| r.parse::<Ipv4Net>().is_ok_and(|r| r.contains(&n))) {
            return Err(invalid(format!("peer subnet {s} is in the reserved block {r}")));
        }
        if !seen.insert(n) {
            return Err(invalid(format!("peer subnet {s} is duplicated")));
        }
        nets.push(n);
    }
    Ok(nets)
}

/// Policy rules: 1-5 (for a policy connection), each with a unique source
/// CIDR and 1-50 destination CIDRs.
pub fn check_policy_rules(rules: &[PolicyRule]) -> Result<(), ApiError> {
    if rules.is_empty() || rules.len() > MAX_POLICY_RULES {
        return Err(invalid(format!("policy_rules must have 1 to {MAX_POLICY_RULES} rules")));
    }
    let mut sources = HashSet::new();
    for r in rules {
        let source = parse_net(&r.source, "policy rule source")?;
        if !sources.insert(source) {
            return Err(invalid(format!("policy rule source {} is duplicated", r.source)));
        }
        if r.destination.is_empty() || r.destination.len() > MAX_DESTINATIONS {
            return Err(invalid(format!("policy rule destination must have 1 to {MAX_DESTINATIONS} items")));
        }
        for d in &r.destination {
            parse_net(d, "policy rule destination")?;
        }
    }
    Ok(())
}

/// A tunnel interface address: a host of a /30 in 169.254.0.0/16 outside
/// 169.254.195.0/24. Returns the address and its /30.
pub fn parse_tunnel_address(s: &str) -> Result<(Ipv4Addr, Ipv4Net), ApiError> {
    let (ip, mask) = s.split_once('/').ok_or_else(|| vpn_error("VPN.0203", &[]))?;
    let ip: Ipv4Addr = ip.parse().map_err(|_| vpn_error("VPN.0203", &[]))?;
    if mask != "30" {
        return Err(invalid(format!("tunnel address {s} must have the mask length 30")));
    }
    let [a, b, c, _] = ip.octets();
    if (a, b) != (169, 254) || c == 195 {
        return Err(invalid(format!("tunnel address {s} must be in 169.254.0.0/16 and not in 169.254.195.0/24")));
    }
    let block = Ipv4Net::new(ip, 30).map(|n| n.trunc()).map_err(|_| vpn_error("VPN.0203", &[]))?;
    if ip == block.network() || ip == block.broadcast() {
        return Err(invalid(format!("tunnel address {s} must be a host address of its /30")));
    }
    Ok((ip, block))
}

/// Both ends of a tunnel: two different hosts of one /30. Returns the block.
pub fn check_tunnel_pair(local: &str, peer: &str) -> Result<Ipv4Net, ApiError> {
    let (l, lb) = parse_tunnel_address(local)?;
    let (p, pb) = parse_tunnel_address(peer)?;
    if lb != pb || l == p {
        return Err(invalid(format!("tunnel_local_address {local} and tunnel_peer_address {peer} must be two hosts of one /30")));
    }
    Ok(lb)
}

/// The /30 a stored connection's tunnel uses.
fn tunnel_block(c: &Connection) -> Option<Ipv4Net> {
    parse_tunnel_address(&c.tunnel_local_address).ok().map(|(_, b)| b)
}

/// A free /30 in 169.254.0.0/16 (not 169.254.195.0/24), starting at a
/// random block so that connections get varied addresses; `.1` is the
/// local end and `.2` the peer.
pub fn free_tunnel(used: &HashSet<Ipv4Net>) -> Option<(String, String)> {
    const BLOCKS: u32 = 1 << 14;
    let start = (uuid::Uuid::new_v4().as_u128() % BLOCKS as u128) as u32;
    (0..BLOCKS).map(|i| (start + i) % BLOCKS).find_map(|i| {
        let base = u32::from(Ipv4Addr::new(169, 254, 0, 0)) + i * 4;
        let block = Ipv4Net::new(Ipv4Addr::from(base), 30).ok()?;
        let third = block.network().octets()[2];
        (third != 195 && !used.contains(&block))
            .then(|| (format!("{}/30", Ipv4Addr::from(base + 1)), format!("{}/30", Ipv4Addr::from(base + 2))))
    })
}

/// VPN.0001 `ILLEGAL not allowed ...` for a frozen connection, VPN.0306
/// while it is being created or updated, VPN.0009 while it is deleted.
fn guard(c: &Connection, action: &str) -> Result<(), ApiError> {
    match c.status.as_str() {
        "FREEZED" => Err(invalid(format!("ILLEGAL not allowed {action} vpnConnection"))),
        _ => guard_pending(c),
    }
}

fn guard_pending(c: &Connection) -> Result<(), ApiError> {
    match c.status.as_str() {
        "PENDING_CREATE" | "PENDING_UPDATE" => Err(vpn_error("VPN.0306", &[])),
        "PENDING_DELETE" => Err(vpn_error("VPN.0009", &[&c.id])),
        _ => Ok(()),
    }
}

/// A connection can be created on an ACTIVE gateway only.
fn gateway_ready(gw: &Gateway) -> Result<(), ApiError> {
    match gw.status.as_str() {
        "ACTIVE" => Ok(()),
        "PENDING_CREATE" => Err(vpn_error("VPN.0506", &[])),
        "PENDING_UPDATE" => Err(vpn_error("VPN.0507", &[])),
        "PENDING_DELETE" => Err(vpn_error("VPN.0508", &[])),
        other => Err(invalid(format!("VPN gateway {} is {other}", gw.id))),
    }
}

/// Which side of the gateway `vgw_ip` names: 1 (eip1 / access_private_ip_1,
/// the active side) or 2 (the standby side).
fn gateway_side(gw: &Gateway, vgw_ip: &str) -> Result<u8, ApiError> {
    let sides: [Option<&str>; 2] = if gw.network_type == "private" {
        [Some(gw.access_private_ip_1.as_str()), Some(gw.access_private_ip_2.as_str())]
    } else {
        [gw.eip1.as_ref().map(|e| e.id.as_str()), gw.eip2.as_ref().map(|e| e.id.as_str())]
    };
    match sides.iter().position(|s| s.is_some_and(|s| !s.is_empty() && s == vgw_ip)) {
        Some(i) => Ok(i as u8 + 1),
        None => Err(invalid(format!("vgw_ip {vgw_ip} is not an address of VPN gateway {}", gw.id))),
    }
}

/// `master` on the active side, `slave` on the standby side of an
/// active-standby gateway; `master` only on an active-active one.
fn check_ha_role(gw: &Gateway, side: u8, role: &str) -> Result<(), ApiError> {
    if role != "master" && role != "slave" {
        return Err(invalid(format!("ha_role {role} is invalid")));
    }
    let expected = if gw.ha_mode == "active-standby" && side == 2 { "slave" } else { "master" };
    if role != expected {
        return Err(invalid(format!("ha_role must be {expected} for this vgw_ip of a {} VPN gateway", gw.ha_mode)));
    }
    Ok(())
}

/// BGP needs the customer gateway's AS number, and eBGP needs it to differ
/// from the gateway's.
fn check_bgp_peer(gw: &Gateway, cgw: &CustomerGateway) -> Result<(), ApiError> {
    match cgw.bgp_asn {
        None => Err(invalid(format!("customer gateway {} has no bgp_asn, which a bgp connection needs", cgw.id))),
        Some(asn) if asn == gw.bgp_asn => Err(invalid(format!("the bgp_asn of customer gateway {} equals the VPN gateway's", cgw.id))),
        Some(_) => Ok(()),
    }
}

/// `enable_nqa` is for static connections, `enable_hub` for BGP ones;
/// `false` elsewhere is harmless and ignored.
fn check_style_flags(style: &str, nqa: Option<bool>, hub: Option<bool>) -> Result<(), ApiError> {
    if nqa == Some(true) && style != "STATIC" {
        return Err(vpn_error("VPN.0013", &["enable_nqa is only for static connections"]));
    }
    if hub == Some(true) && style != "BGP" {
        return Err(vpn_error("VPN.0013", &["enable_hub is only for bgp connections"]));
    }
    Ok(())
}

/// Whether a gateway may carry this style without customer subnets (an
/// enterprise router learns them).
fn peer_subnets_optional(gw: &Gateway, style: &str) -> bool {
    gw.attachment_type == "er" && style != "STATIC"
}

impl Vpns<'_, '_> {
    fn settled(&self, mut c: Connection) -> Connection {
        let stage = Stage { status: c.status.clone(), since: c.status_since };
        let (s, _) = settle(&transitions(self.cfg.connection_seconds), &stage, self.now());
        c.status = s.status;
        c.status_since = s.since;
        c
    }

    /// A connection of this project with its current status (VPN.0004).
    pub fn connection(&mut self, id: &str) -> VpnResult<Connection> {
        let c = self.net.find::<Connection>(CONNECTION, id)?.ok_or_else(not_found)?;
        Ok(self.settled(c))
    }

    /// The address of the gateway side a connection uses: the EIP's
    /// address for a public gateway, the private address itself otherwise.
    pub fn gateway_address(&mut self, vgw_ip: &str) -> VpnResult<String> {
        if vgw_ip.parse::<Ipv4Addr>().is_ok() {
            return Ok(vgw_ip.to_string());
        }
        self.eip_address(vgw_ip)
    }

    /// Creates one or two connections of one gateway in this transaction;
    /// a refusal of any leaves none.
    pub fn create_connections(&mut self, specs: Vec<ConnSpec>) -> VpnResult<Vec<Connection>> {
        specs.into_iter().map(|s| self.create_connection(s)).collect()
    }

    fn create_connection(&mut self, spec: ConnSpec) -> VpnResult<Connection> {
        let style = parse_style(spec.style.as_deref().unwrap_or("static"))?;
        let (ike, ipsec) = check_formats(&spec, style)?;
        let gw = self.gateway(&spec.vgw_id)?;
        gateway_ready(&gw)?;
        let cgw = self.customer_gateway(&spec.cgw_id)?;
        let side = gateway_side(&gw, &spec.vgw_ip)?;
        check_ha_role(&gw, side, spec.ha_role.as_deref().unwrap_or("master"))?;
        self.check_unique_pair(&gw.id, &spec.vgw_ip, &cgw.id, None)?;
        if style == "BGP" {
            check_bgp_peer(&gw, &cgw)?;
        }
        let peer_subnets = self.admit_peer_subnets(&gw, style, spec.peer_subnets.unwrap_or_default())?;
        let (local, peer) = self.admit_tunnel(&gw.id, None, spec.tunnel_local_address, spec.tunnel_peer_address)?;
        self.check_capacity(&gw)?;
        let created_at = self.fresh_created_at::<Connection>(CONNECTION, |c| c.created_at)?;
        let conn = Connection {
            id: otc_core::ids::uuid(),
            project_id: self.net.project.to_string(),
            name: spec.name,
            vgw_id: gw.id.clone(),
            vgw_ip: spec.vgw_ip,
            style: style.to_string(),
            cgw_id: cgw.id,
            peer_subnets,
            tunnel_local_address: local,
            tunnel_peer_address: peer,
            enable_nqa: style == "STATIC" && spec.enable_nqa.unwrap_or(false),
            enable_hub: style == "BGP" && spec.enable_hub.unwrap_or(false),
            psk: spec.psk,
            policy_rules: if style == "POLICY" { spec.policy_rules.unwrap_or_default() } else { Vec::new() },
            ikepolicy: ike,
            ipsecpolicy: ipsec,
            ha_role: spec.ha_role.unwrap_or_else(|| "master".into()),
            enterprise_project_id: gw.enterprise_project_id.clone(),
            tags: spec.tags,
            status: "PENDING_CREATE".into(),
            status_since: self.now(),
            created_at,
            updated_at: created_at,
        };
        self.net.insert(CONNECTION, &conn.id, Some(&gw.id), &conn)?;
        Ok(conn)
    }

    /// At most one connection per gateway address and customer gateway.
    fn check_unique_pair(&mut self, vgw_id: &str, vgw_ip: &str, cgw_id: &str, except: Option<&str>) -> VpnResult<()> {
        let clash =
            self.connections_of(vgw_id)?.into_iter().any(|c| c.vgw_ip == vgw_ip && c.cgw_id == cgw_id && Some(c.id.as_str()) != except);
        if clash {
            return Err(invalid(format!("a connection between vgw_ip {vgw_ip} and customer gateway {cgw_id} already exists")).into());
        }
        Ok(())
    }

    /// The gateway's capacity and the project's quota.
    fn check_capacity(&mut self, gw: &Gateway) -> VpnResult<()> {
        let capacity = connection_capacity(gw);
        if self.connections_of(&gw.id)?.len() >= capacity {
            return Err(invalid(format!("VPN gateway {} already has its maximum of {capacity} connections", gw.id)).into());
        }
        let quota = self.cfg.quotas.vpn_connection;
        if self.net.count(CONNECTION)? >= quota {
            return Err(invalid(format!("the VPN connection quota ({quota}) is used up")).into());
        }
        Ok(())
    }

    /// Checks customer subnets for this gateway and style; an enterprise
    /// router gateway may do without them for policy and BGP connections.
    fn admit_peer_subnets(&mut self, gw: &Gateway, style: &str, list: Vec<String>) -> VpnResult<Vec<String>> {
        if list.is_empty() && peer_subnets_optional(gw, style) {
            return Ok(list);
        }
        let nets = check_peer_subnets(&list)?;
        self.check_subnet_conflicts(gw, &nets)?;
        Ok(list)
    }

    /// A customer subnet may contain a local subnet, but not lie within
    /// one, nor within a subnet of the gateway's VPC: traffic to it would
    /// stay local.
    fn check_subnet_conflicts(&mut self, gw: &Gateway, nets: &[Ipv4Net]) -> VpnResult<()> {
        let mut local: Vec<(String, Ipv4Net)> = gw.local_subnets.iter().filter_map(|s| Some((s.clone(), s.parse().ok()?))).collect();
        if let Some(vpc) = &gw.vpc_id {
            for vs in self.net.vpc_subnets(Some(vpc))? {
                if let Ok(n) = vs.subnet.cidr.parse() {
                    local.push((vs.subnet.cidr.clone(), n));
                }
            }
        }
        for p in nets {
            if let Some((l, _)) = local.iter().find(|(_, l)| l.contains(p)) {
                return Err(invalid(format!("peer subnet {p} conflicts with local subnet {l}")).into());
            }
        }
        Ok(())
    }

    /// The tunnel addresses: both given (checked and free on this
    /// gateway) or neither (a free /30 is chosen).
    fn admit_tunnel(
        &mut self,
        vgw_id: &str,
        except: Option<&str>,
        local: Option<String>,
        peer: Option<String>,
    ) -> VpnResult<(String, String)> {
        let used: HashSet<Ipv4Net> =
            self.connections_of(vgw_id)?.iter().filter(|c| Some(c.id.as_str()) != except).filter_map(tunnel_block).collect();
        match (local, peer) {
            (Some(l), Some(p)) => {
                let block = check_tunnel_pair(&l, &p)?;
                if used.contains(&block) {
                    return Err(vpn_error("VPN.0012", &[&l]).into());
                }
                Ok((l, p))
            }
            (None, None) => Ok(free_tunnel(&used).ok_or_else(|| invalid("no free tunnel address block is left"))?),
            _ => Err(invalid("tunnel_local_address and tunnel_peer_address must be given together").into()),
        }
    }

    /// Changes a connection; it passes through PENDING_UPDATE.
    pub fn update_connection(&mut self, id: &str, ch: ConnChange) -> VpnResult<Connection> {
        let mut c = self.connection(id)?;
        guard(&c, "update")?;
        check_style_flags(&c.style, None, ch.enable_hub)?;
        if let Some(p) = &ch.psk {
            check_psk(p)?;
        }
        ch.ikepolicy.apply(&mut c.ikepolicy)?;
        ch.ipsecpolicy.apply(&mut c.ipsecpolicy)?;
        let old_cgw = c.cgw_id.clone();
        self.change_relations(&mut c, &ch)?;
        if let Some(n) = ch.name {
            c.name = n;
        }
        if let (Some(h), "BGP") = (ch.enable_hub, c.style.as_str()) {
            c.enable_hub = h;
        }
        if ch.psk.is_some() {
            c.psk = ch.psk;
        }
        c.status = "PENDING_UPDATE".into();
        c.status_since = self.now();
        c.updated_at = self.now();
        self.net.update(CONNECTION, &c.id, Some(&c.vgw_id), &c)?;
        if old_cgw != c.cgw_id {
            self.retarget_monitor(&c)?;
        }
        Ok(c)
    }

    /// The parts of an update that depend on the gateway and other
    /// connections: customer gateway, subnets, rules, tunnel.
    fn change_relations(&mut self, c: &mut Connection, ch: &ConnChange) -> VpnResult<()> {
        let gw = self.gateway(&c.vgw_id)?;
        if let Some(cgw_id) = &ch.cgw_id {
            let cgw = self.customer_gateway(cgw_id)?;
            self.check_unique_pair(&gw.id, &c.vgw_ip, &cgw.id, Some(&c.id))?;
            c.cgw_id = cgw.id;
        }
        if c.style == "BGP" {
            let cgw = self.customer_gateway(&c.cgw_id)?;
            check_bgp_peer(&gw, &cgw)?;
        }
        if let Some(list) = &ch.peer_subnets {
            c.peer_subnets = self.admit_peer_subnets(&gw, &c.style, list.clone())?;
        }
        if let (Some(rules), "POLICY") = (&ch.policy_rules, c.style.as_str()) {
            check_policy_rules(rules)?;
            c.policy_rules = rules.clone();
        }
        if ch.tunnel_local_address.is_some() || ch.tunnel_peer_address.is_some() {
            // One given end is checked against the stored other one.
            let local = ch.tunnel_local_address.clone().unwrap_or_else(|| c.tunnel_local_address.clone());
            let peer = ch.tunnel_peer_address.clone().unwrap_or_else(|| c.tunnel_peer_address.clone());
            (c.tunnel_local_address, c.tunnel_peer_address) = self.admit_tunnel(&gw.id, Some(&c.id), Some(local), Some(peer))?;
        }
        Ok(())
    }

    /// A monitor pings the customer gateway, which an update may replace.
    fn retarget_monitor(&mut self, c: &Connection) -> VpnResult<()> {
        let destination = self.customer_gateway(&c.cgw_id)?.id_value;
        for mut m in self.net.keyed::<Monitor>(MONITOR, &c.id)? {
            m.destination_ip = destination.clone();
            self.net.update(MONITOR, &m.id, Some(&c.id), &m)?;
        }
        Ok(())
    }

    /// Removes a connection at once, with its monitor.
    pub fn delete_connection(&mut self, id: &str) -> VpnResult<()> {
        let c = self.connection(id)?;
        guard(&c, "delete")?;
        for m in self.net.keyed::<Monitor>(MONITOR, &c.id)? {
            self.net.remove(MONITOR, &m.id)?;
        }
        self.net.remove(CONNECTION, &c.id)?;
        Ok(())
    }

    /// The IKE/IPsec negotiation log of a connection as (unix time, line).
    /// Nothing ever negotiates with the emulator's gateways, so the log of
    /// any connection is empty, as it is for a real connection whose peer
    /// never answered.
    pub fn connection_log(&mut self, id: &str) -> VpnResult<Vec<(i64, String)>> {
        let c = self.connection(id)?;
        if c.status == "PENDING_DELETE" {
            return Err(vpn_error("VPN.0009", &[&c.id]).into());
        }
        Ok(Vec::new())
    }

    /// Connections of the project, settled, with their derived fields.
    pub fn connection_views(&mut self, conns: Vec<Connection>) -> VpnResult<Vec<ConnectionView>> {
        let cgws: HashMap<String, String> =
            self.net.all::<CustomerGateway>(CUSTOMER_GATEWAY)?.into_iter().map(|g| (g.id, g.id_value)).collect();
        let monitors: HashMap<String, String> =
            self.net.all::<Monitor>(MONITOR)?.into_iter().map(|m| (m.vpn_connection_id, m.id)).collect();
        let mut addresses: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(conns.len());
        for c in conns {
            let c = self.settled(c);
            let address = match addresses.get(&c.vgw_ip) {
                Some(a) => a.clone(),
                None => {
                    let a = self.gateway_address(&c.vgw_ip)?;
                    addresses.insert(c.vgw_ip.clone(), a.clone());
                    a
                }
            };
            let local_id = c.ikepolicy.local_id.clone().unwrap_or(address);
            let peer_id = c.ikepolicy.peer_id.clone().or_else(|| cgws.get(&c.cgw_id).cloned()).unwrap_or_default();
            let monitor_id = monitors.get(&c.id).cloned();
            out.push(ConnectionView { conn: c, local_id, peer_id, monitor_id });
        }
        Ok(out)
    }

    pub fn connection_view(&mut self, c: Connection) -> VpnResult<ConnectionView> {
        Ok(self.connection_views(vec![c])?.remove(0))
    }

    pub fn all_connections(&mut self) -> VpnResult<Vec<Connection>> {
        let all = self.connections()?;
        Ok(all.into_iter().map(|c| self.settled(c)).collect())
    }
}

/// Step 2 of creation: every field's own format, before anything is
/// looked up. Returns the IKE and IPsec policies with defaults filled in.
fn check_formats(spec: &ConnSpec, style: &str) -> Result<(super::IkePolicy, super::IpsecPolicy), ApiError> {
    if let Some(p) = &spec.psk {
        check_psk(p)?;
    }
    check_style_flags(style, spec.enable_nqa, spec.enable_hub)?;
    if let Some(r) = &spec.ha_role {
        if r != "master" && r != "slave" {
            return Err(invalid(format!("ha_role {r} is invalid")));
        }
    }
    if let Some(list) = spec.peer_subnets.as_ref().filter(|l| !l.is_empty()) {
        check_peer_subnets(list)?;
    }
    if style == "POLICY" {
        check_policy_rules(spec.policy_rules.as_deref().unwrap_or_default())?;
    }
    if let (Some(l), Some(p)) = (&spec.tunnel_local_address, &spec.tunnel_peer_address) {
        check_tunnel_pair(l, p)?;
    }
    let mut ike = default_ike();
    spec.ikepolicy.apply(&mut ike)?;
    let mut ipsec = default_ipsec();
    spec.ipsecpolicy.apply(&mut ipsec)?;
    Ok((ike, ipsec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T, ApiError>) -> String {
        r.err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn psk_rules() {
        assert!(check_psk("abcde1Z!").is_ok());
        assert!(check_psk("Test@123").is_ok());
        assert!(check_psk("abcdefg1").is_err(), "two classes");
        assert!(check_psk("Ab1!").is_err(), "too short");
        assert!(check_psk(&"Ab1!".repeat(33)).is_err(), "too long");
        assert!(check_psk("Abcdef1&").is_err(), "& is not a documented special");
        assert!(check_psk("Abc def1").is_ok(), "space counts as special");
    }

    #[test]
    fn peer_subnet_rules() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_peer_subnets(&l(&["192.168.44.0/24", "10.0.0.0/8"])).is_ok());
        assert!(check_peer_subnets(&[]).is_err());
        assert!(check_peer_subnets(&l(&["192.168.44.1/24"])).is_err(), "host bits");
        assert!(check_peer_subnets(&l(&["0.0.0.0/0"])).is_err());
        assert!(check_peer_subnets(&l(&["100.64.1.0/24"])).is_err(), "reserved");
        assert!(check_peer_subnets(&l(&["214.1.0.0/16"])).is_err(), "reserved");
        assert!(check_peer_subnets(&l(&["100.0.0.0/8"])).is_ok(), "contains, not within, a reserved block");
        assert!(check_peer_subnets(&l(&["1.1.1.0/24", "1.1.1.0/24"])).is_err(), "duplicate");
        let many: Vec<String> = (0..51).map(|i| format!("10.{i}.0.0/16")).collect();
        assert!(check_peer_subnets(&many).is_err());
    }

    #[test]
    fn tunnel_rules() {
        assert!(check_tunnel_pair("169.254.56.225/30", "169.254.56.226/30").is_ok());
        assert!(check_tunnel_pair("169.254.149.2/30", "169.254.149.1/30").is_ok(), "either order");
        assert_eq!(code(check_tunnel_pair("169.254.56.224/30", "169.254.56.225/30")), "VPN.0001", "network address");
        assert_eq!(code(check_tunnel_pair("169.254.56.226/30", "169.254.56.227/30")), "VPN.0001", "broadcast");
        assert_eq!(code(check_tunnel_pair("169.254.56.225/30", "169.254.56.229/30")), "VPN.0001", "two blocks");
        assert_eq!(code(check_tunnel_pair("169.254.56.225/30", "169.254.56.225/30")), "VPN.0001", "same address");
        assert_eq!(code(check_tunnel_pair("169.254.195.1/30", "169.254.195.2/30")), "VPN.0001");
        assert_eq!(code(check_tunnel_pair("10.0.0.1/30", "10.0.0.2/30")), "VPN.0001");
        assert_eq!(code(check_tunnel_pair("169.254.1.1/29", "169.254.1.2/29")), "VPN.0001");
        assert_eq!(code(check_tunnel_pair("169.254.1.300/30", "169.254.1.2/30")), "VPN.0203");
        assert_eq!(code(check_tunnel_pair("169.254.1.1", "169.254.1.2")), "VPN.0203");
    }

    #[test]
    fn free_tunnels_avoid_used_and_reserved_blocks() {
        let mut used = HashSet::new();
        for _ in 0..300 {
            let (l, p) = free_tunnel(&used).expect("a free block");
            let block = check_tunnel_pair(&l, &p).expect("a valid pair");
            assert_eq!(u32::from(parse_tunnel_address(&l).unwrap().0) - u32::from(block.network()), 1);
            assert!(used.insert(block), "{l} reused");
        }
    }

    #[test]
    fn policy_rule_rules() {
        let rule = |s: &str, d: &[&str]| PolicyRule { source: s.into(), destination: d.iter().map(|x| x.to_string()).collect() };
        assert!(check_policy_rules(&[rule("10.0.0.0/24", &["192.168.0.0/24"])]).is_ok());
        assert!(check_policy_rules(&[]).is_err());
        assert!(check_policy_rules(&[rule("10.0.0.0/24", &[])]).is_err());
        assert!(check_policy_rules(&[rule("10.0.0.0/24", &["x"])]).is_err());
        assert!(check_policy_rules(&[rule("10.0.0.0/24", &["1.0.0.0/8"]), rule("10.0.0.0/24", &["2.0.0.0/8"])]).is_err());
        let six: Vec<_> = (0..6).map(|i| rule(&format!("10.{i}.0.0/16"), &["1.0.0.0/8"])).collect();
        assert!(check_policy_rules(&six).is_err());
    }

    #[test]
    fn styles_and_flags() {
        assert_eq!(parse_style("Static").unwrap(), "STATIC");
        assert_eq!(parse_style("bgp").unwrap(), "BGP");
        assert!(parse_style("route").is_err());
        assert_eq!(code(check_style_flags("POLICY", Some(true), None)), "VPN.0013");
        assert_eq!(code(check_style_flags("STATIC", None, Some(true))), "VPN.0013");
        assert!(check_style_flags("BGP", Some(false), Some(true)).is_ok());
    }
}
