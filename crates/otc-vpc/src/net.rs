//! Address arithmetic the network model is built on: CIDR parsing in the
//! forms OTC accepts, the ranges a VPC may use, reserved addresses and
//! allocation pools. Pure functions; the model decides what a violation
//! means for each API.

use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Parses `a.b.c.d/n` where the address is the network address itself
/// (OTC refuses `192.168.0.1/24`).
pub fn parse_cidr(s: &str) -> Option<Ipv4Net> {
    let net: Ipv4Net = s.trim().parse().ok()?;
    (net.addr() == net.network() && s.trim() == s).then_some(net)
}

pub fn parse_ip(s: &str) -> Option<Ipv4Addr> {
    s.parse().ok()
}

/// The private ranges a VPC CIDR must lie in, with the longest prefix OTC
/// allows (10.0.0.0/8-24, 172.16.0.0/12-24, 192.168.0.0/16-24).
pub fn valid_vpc_cidr(net: &Ipv4Net) -> bool {
    const RANGES: [(&str, u8); 3] = [("10.0.0.0/8", 24), ("172.16.0.0/12", 24), ("192.168.0.0/16", 24)];
    RANGES.iter().any(|(r, max)| {
        let r: Ipv4Net = r.parse().expect("constant range");
        r.contains(net) && net.prefix_len() <= *max
    })
}

/// Subnets may be as small as /28 (OTC's smallest) and leave room for
/// gateway and DHCP.
pub fn valid_subnet_prefix(net: &Ipv4Net) -> bool {
    (8..=28).contains(&net.prefix_len())
}

pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

pub fn to_u32(a: Ipv4Addr) -> u32 {
    u32::from(a)
}

pub fn from_u32(n: u32) -> Ipv4Addr {
    Ipv4Addr::from(n)
}

/// An address usable by a host: inside the net, not its network or
/// broadcast address.
pub fn is_host(net: &Ipv4Net, ip: Ipv4Addr) -> bool {
    net.contains(&ip) && ip != net.network() && ip != net.broadcast()
}

/// The conventional gateway: the first host address.
pub fn first_host(net: &Ipv4Net) -> Ipv4Addr {
    from_u32(to_u32(net.network()) + 1)
}

/// The two addresses below the broadcast address that OTC keeps for DHCP
/// ("the first and the last two IP addresses on each subnet are reserved").
pub fn dhcp_addresses(net: &Ipv4Net) -> [Ipv4Addr; 2] {
    let b = to_u32(net.broadcast());
    [from_u32(b - 2), from_u32(b - 1)]
}

/// One contiguous range of assignable addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    pub start: Ipv4Addr,
    pub end: Ipv4Addr,
}

impl Pool {
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        (to_u32(self.start)..=to_u32(self.end)).contains(&to_u32(ip))
    }

    pub fn size(&self) -> u64 {
        (to_u32(self.end) as u64) - (to_u32(self.start) as u64) + 1
    }

    pub fn iter(&self) -> impl Iterator<Item = Ipv4Addr> {
        self.iter_from(self.start)
    }

    /// The pool's addresses from `floor` on (all of them if it is lower).
    pub fn iter_from(&self, floor: Ipv4Addr) -> impl Iterator<Item = Ipv4Addr> {
        (to_u32(self.start).max(to_u32(floor))..=to_u32(self.end)).map(from_u32)
    }
}

/// The default allocation pools of a subnet: every host address except the
/// gateway and the DHCP addresses, split around the gateway if it sits
/// inside.
pub fn default_pools(net: &Ipv4Net, gateway: Option<Ipv4Addr>) -> Vec<Pool> {
    let lo = to_u32(net.network()) + 1;
    // OTC's pools end four below the broadcast address (.251 on a /24).
    let hi = to_u32(net.broadcast()).saturating_sub(4);
    if hi < lo {
        return Vec::new();
    }
    match gateway.map(to_u32).filter(|g| (lo..=hi).contains(g)) {
        None => vec![Pool { start: from_u32(lo), end: from_u32(hi) }],
        Some(g) => {
            let mut pools = Vec::new();
            if g > lo {
                pools.push(Pool { start: from_u32(lo), end: from_u32(g - 1) });
            }
            if g < hi {
                pools.push(Pool { start: from_u32(g + 1), end: from_u32(hi) });
            }
            pools
        }
    }
}

/// A pseudo-random but valid MAC in the fa:16:3e OpenStack prefix.
pub fn mac_address() -> String {
    let b: [u8; 3] = rand::random();
    format!("fa:16:3e:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_forms() {
        assert!(parse_cidr("192.168.0.0/16").is_some());
        assert!(parse_cidr("192.168.0.1/16").is_none());
        assert!(parse_cidr("192.168.0.0").is_none());
        assert!(parse_cidr("300.1.0.0/16").is_none());
        assert!(valid_vpc_cidr(&parse_cidr("10.0.0.0/8").unwrap()));
        assert!(valid_vpc_cidr(&parse_cidr("172.16.0.0/24").unwrap()));
        assert!(!valid_vpc_cidr(&parse_cidr("172.16.0.0/25").unwrap()));
        assert!(!valid_vpc_cidr(&parse_cidr("8.8.0.0/16").unwrap()));
        assert!(!valid_vpc_cidr(&parse_cidr("172.0.0.0/8").unwrap()));
    }

    #[test]
    fn pools_leave_out_gateway_and_dhcp() {
        let net = parse_cidr("192.168.0.0/24").unwrap();
        let pools = default_pools(&net, Some(first_host(&net)));
        assert_eq!(pools, vec![Pool { start: "192.168.0.2".parse().unwrap(), end: "192.168.0.251".parse().unwrap() }]);
        assert_eq!(pools[0].size(), 250);
        let mid = default_pools(&net, Some("192.168.0.100".parse().unwrap()));
        assert_eq!(mid.len(), 2);
        assert_eq!(mid.iter().map(Pool::size).sum::<u64>(), 250);
        assert_eq!(dhcp_addresses(&net), ["192.168.0.253".parse::<Ipv4Addr>().unwrap(), "192.168.0.254".parse().unwrap()]);
        let tiny = parse_cidr("10.0.0.0/28").unwrap();
        assert_eq!(default_pools(&tiny, Some(first_host(&tiny)))[0].size(), 10);
        assert!(overlaps(&parse_cidr("10.0.0.0/16").unwrap(), &parse_cidr("10.0.1.0/24").unwrap()));
        assert!(!overlaps(&parse_cidr("10.0.0.0/24").unwrap(), &parse_cidr("10.0.1.0/24").unwrap()));
    }
}
