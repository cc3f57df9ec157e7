//! IPsec site connections: the relation checks of upstream's validator
//! (`validate_ipsec_conn_optional_args`, endpoint group types, subnets on
//! the router, IP versions, DPD, peer address) in its order, then OTC's
//! own refusals (one connection per remote gateway and service, no peer
//! subnet equal to a local one or used by another connection).

use super::endpoint_groups::parse_cidr;
use super::*;
use crate::classic::errors::{otc_code, state_invalid, typed, Refusal};
use ipnet::IpNet;
use otc_core::ids;

fn refuse(kind: &str, msg: String) -> Refusal {
    typed(400, kind, msg).into()
}

/// The IP version of a set of networks, or `None` if mixed (or empty).
fn version(nets: &[IpNet]) -> Option<u8> {
    let v = |n: &IpNet| if matches!(n, IpNet::V4(_)) { 4 } else { 6 };
    let first = v(nets.first()?);
    nets.iter().all(|n| v(n) == first).then_some(first)
}

impl Classic<'_, '_> {
    pub fn connection(&mut self, id: &str) -> CResult<SiteConnection> {
        let mut c: SiteConnection = self.load(SITE_CONNECTION, Kind::Connection, id)?;
        c.status = self.settled(&c.status, c.status_since, "DOWN");
        Ok(c)
    }

    /// The local and peer networks of `c` on `service`, after the mode,
    /// group and version rules.
    fn endpoints(&mut self, c: &SiteConnection, service: &VpnService) -> CResult<(Vec<IpNet>, Vec<IpNet>)> {
        let (local, peer) = (c.local_ep_group_id.as_deref(), c.peer_ep_group_id.as_deref());
        let (local, peer) = match &service.subnet_id {
            None => {
                if !c.peer_cidrs.is_empty() {
                    return Err(refuse("PeerCidrsInvalid", "Peer CIDRs cannot be specified, when using endpoint groups".into()));
                }
                let (l, p) = match (local, peer) {
                    (Some(l), Some(p)) => (l, p),
                    (l, _) => {
                        let which = if l.is_none() && peer.is_none() {
                            "s local and peer"
                        } else if l.is_none() {
                            " local"
                        } else {
                            " peer"
                        };
                        let msg = format!("Missing endpoint group{which} for IPSec site-to-site connection");
                        return Err(refuse("MissingRequiredEndpointGroup", msg));
                    }
                };
                let lg = self.endpoint_group(l)?;
                let pg = self.endpoint_group(p)?;
                for (g, want) in [(&lg, "subnet"), (&pg, "cidr")] {
                    if g.endpoint_type != want {
                        let msg = format!("Endpoint group {} type is '{}' and should be '{want}'", g.id, g.endpoint_type);
                        return Err(refuse("WrongEndpointGroupType", msg));
                    }
                }
                let mut local = Vec::new();
                for sid in &lg.endpoints {
                    let s = self.subnet_on_router(sid, &service.router_id)?;
                    local.extend(parse_cidr(&s.cidr));
                }
                let peer: Vec<IpNet> = pg.endpoints.iter().filter_map(|e| parse_cidr(e)).collect();
                for (g, nets) in [(&lg, &local), (&pg, &peer)] {
                    if version(nets).is_none() {
                        let msg = format!(
                            "Endpoints in group {} do not have the same IP version, as required for IPSec site-to-site connection",
                            g.id
                        );
                        return Err(refuse("MixedIPVersionsForIPSecEndpoints", msg));
                    }
                }
                (local, peer)
            }
            Some(subnet_id) => {
                if c.peer_cidrs.is_empty() {
                    return Err(refuse("MissingPeerCidrs", "Missing peer CIDRs for IPsec site-to-site connection".into()));
                }
                if local.is_some() || peer.is_some() {
                    let which = match (local, peer) {
                        (Some(_), Some(_)) => "s local and peer",
                        (Some(_), None) => " local",
                        _ => " peer",
                    };
                    let msg = format!("Endpoint group{which} cannot be specified, when VPN Service has subnet specified");
                    return Err(refuse("InvalidEndpointGroup", msg));
                }
                let mut peer = Vec::new();
                for p in &c.peer_cidrs {
                    let net = parse_cidr(p).ok_or_else(|| {
                        refuse("IPsecSiteConnectionPeerCidrError", format!("ipsec_site_connection peer cidr {p} is invalid CIDR"))
                    })?;
                    peer.push(net);
                }
                if version(&peer).is_none() {
                    let msg = "Peer CIDRs do not have the same IP version, as required for IPSec site-to-site connection".to_string();
                    return Err(refuse("MixedIPVersionsForPeerCidrs", msg));
                }
                let s = self.subnet_on_router(subnet_id, &service.router_id)?;
                (parse_cidr(&s.cidr).into_iter().collect(), peer)
            }
        };
        if version(&local) != version(&peer) {
            return Err(refuse(
                "MixedIPVersionsForIPSecConnection",
                "IP versions are not compatible between peer and local endpoints".into(),
            ));
        }
        Ok((local, peer))
    }

    /// Every rule after attribute validation, on the connection as it
    /// would be stored; `address_given`: the request names `peer_address`.
    fn check_connection(&mut self, c: &SiteConnection, service: &VpnService, address_given: bool) -> CResult<()> {
        let (local, peer) = self.endpoints(c, service)?;
        if c.dpd.timeout <= c.dpd.interval {
            let msg = "ipsec_site_connection dpd_timeout is equal to or less than dpd_interval".to_string();
            return Err(refuse("IPsecSiteConnectionDpdIntervalValueError", msg));
        }
        if address_given {
            match c.peer_address.parse::<std::net::IpAddr>() {
                Err(_) => return Err(refuse("VPNPeerAddressNotResolved", format!("Peer address {} cannot be resolved", c.peer_address))),
                Ok(std::net::IpAddr::V6(_)) => {
                    let msg = format!("Router's {} external network has no IPv6 subnet", service.router_id);
                    return Err(refuse("ExternalNetworkHasNoSubnet", msg));
                }
                Ok(_) => {}
            }
        }
        let siblings: Vec<SiteConnection> =
            self.net.keyed::<SiteConnection>(SITE_CONNECTION, &service.id)?.into_iter().filter(|o| o.id != c.id).collect();
        if siblings.iter().any(|o| o.peer_address == c.peer_address) {
            return Err(otc_code("VPC.1004", "The remote gateway is being used by another VPN connection.").into());
        }
        if peer.iter().any(|p| local.iter().any(|l| overlaps(p, l))) {
            return Err(otc_code("VPC.1016", "The VPN remote subnet is the same as the local subnet.").into());
        }
        for o in &siblings {
            // An active/standby pair shares both groups, and so its peers.
            if o.local_ep_group_id.is_some() && o.local_ep_group_id == c.local_ep_group_id && o.peer_ep_group_id == c.peer_ep_group_id {
                continue;
            }
            let theirs: Vec<IpNet> = match &o.peer_ep_group_id {
                Some(g) => self.net.find::<EndpointGroup>(ENDPOINT_GROUP, g)?.map(|g| g.endpoints).unwrap_or_default(),
                None => o.peer_cidrs.clone(),
            }
            .iter()
            .filter_map(|e| parse_cidr(e))
            .collect();
            if peer.iter().any(|p| theirs.iter().any(|t| overlaps(p, t))) {
                return Err(otc_code("VPC.1021", "The remote subnet of the VPN is in use.").into());
            }
        }
        Ok(())
    }

    /// Creates a connection in PENDING_CREATE once the service and both
    /// policies exist and every rule holds; `c.id`, `c.project_id`,
    /// status and times are assigned here.
    pub fn create_connection(&mut self, mut c: SiteConnection) -> CResult<SiteConnection> {
        let service = self.service(&c.vpnservice_id)?;
        self.ike_policy(&c.ikepolicy_id)?;
        self.ipsec_policy(&c.ipsecpolicy_id)?;
        c.id = ids::uuid();
        c.project_id = self.net.project.to_string();
        c.status = "PENDING_CREATE".into();
        c.status_since = self.net.now;
        c.created_at = self.net.now;
        c.tags = Vec::new();
        self.check_connection(&c, &service, true)?;
        self.net.insert(SITE_CONNECTION, &c.id, Some(&c.vpnservice_id), &c)?;
        Ok(c)
    }

    /// Applies `f` to a settled connection, re-checks the result and
    /// moves it through PENDING_UPDATE.
    pub fn update_connection(
        &mut self,
        id: &str,
        address_given: bool,
        f: impl FnOnce(&mut SiteConnection) -> CResult<()>,
    ) -> CResult<SiteConnection> {
        let mut c = self.connection(id)?;
        if c.status.starts_with("PENDING_") {
            return Err(state_invalid(&c.status, id).into());
        }
        f(&mut c)?;
        let service = self.service(&c.vpnservice_id)?;
        self.check_connection(&c, &service, address_given)?;
        c.status = "PENDING_UPDATE".into();
        c.status_since = self.net.now;
        self.save_connection(&c)?;
        self.connection(id)
    }

    pub fn save_connection(&mut self, c: &SiteConnection) -> CResult<()> {
        Ok(self.net.update(SITE_CONNECTION, &c.id, Some(&c.vpnservice_id), c)?)
    }

    pub fn delete_connection(&mut self, id: &str) -> CResult<()> {
        self.connection(id)?;
        Ok(self.net.remove(SITE_CONNECTION, id)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let n = |s: &str| s.parse::<IpNet>().unwrap();
        assert_eq!(version(&[n("10.0.0.0/24"), n("10.1.0.0/24")]), Some(4));
        assert_eq!(version(&[n("10.0.0.0/24"), n("2001:db8::/64")]), None);
        assert_eq!(version(&[]), None);
        assert!(overlaps(&n("10.0.0.0/16"), &n("10.0.3.0/24")));
        assert!(!overlaps(&n("10.0.0.0/24"), &n("10.0.1.0/24")));
    }
}
