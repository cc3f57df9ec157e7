//! Endpoint groups: the local subnets (type `subnet`, held while the
//! group exists) or the peer CIDRs (type `cidr`) of connections. Their
//! endpoints never change after creation.

use super::*;
use crate::classic::errors::{in_use, typed};
use otc_core::ids;
use otc_vpc::model::{Subnet, SUBNET};

impl Classic<'_, '_> {
    pub fn endpoint_group(&mut self, id: &str) -> CResult<EndpointGroup> {
        self.load(ENDPOINT_GROUP, Kind::EndpointGroup, id)
    }

    pub fn endpoint_groups(&mut self) -> CResult<Vec<EndpointGroup>> {
        Ok(self.net.all(ENDPOINT_GROUP)?)
    }

    /// Checks the endpoints (upstream `vpn_validator`) and stores the
    /// group; `g.id`/`g.project_id` are assigned here.
    pub fn create_endpoint_group(&mut self, mut g: EndpointGroup) -> CResult<EndpointGroup> {
        let group_name = if g.name.is_empty() { format!("{{'type': '{}'}}", g.endpoint_type) } else { g.name.clone() };
        if g.endpoints.is_empty() {
            let msg = format!("No endpoints specified for endpoint group '{group_name}'");
            return Err(typed(400, "MissingEndpointForEndpointGroup", msg).into());
        }
        let t = g.endpoint_type.clone();
        let invalid = |e: &str, why: &str| {
            typed(400, "InvalidEndpointInEndpointGroup", format!("Endpoint '{e}' is invalid for group type '{t}': {why}"))
        };
        for (i, e) in g.endpoints.iter().enumerate() {
            if g.endpoints[..i].contains(e) {
                return Err(invalid(e, "Endpoints have to be unique").into());
            }
            if t == "cidr" {
                if parse_cidr(e).is_none() {
                    return Err(invalid(e, "Invalid CIDR").into());
                }
            } else if !crate::classic::attrs::is_uuid(e) {
                return Err(invalid(e, "Invalid UUID").into());
            } else if self.net.find::<Subnet>(SUBNET, e)?.is_none() {
                let msg = format!("Subnet {e} in endpoint group does not exist");
                return Err(typed(400, "NonExistingSubnetInEndpointGroup", msg).into());
            }
        }
        g.id = ids::uuid();
        g.project_id = self.net.project.to_string();
        if t == "subnet" {
            for e in &g.endpoints {
                self.net.hold(e, HOLDER_ENDPOINT_GROUP, &g.id)?;
            }
        }
        self.net.insert(ENDPOINT_GROUP, &g.id, None, &g)?;
        Ok(g)
    }

    pub fn update_endpoint_group(&mut self, id: &str, name: Option<String>, description: Option<String>) -> CResult<EndpointGroup> {
        let mut g = self.endpoint_group(id)?;
        if let Some(n) = name {
            g.name = n;
        }
        if let Some(d) = description {
            g.description = d;
        }
        self.net.update(ENDPOINT_GROUP, id, None, &g)?;
        Ok(g)
    }

    /// Deletes a group no connection names (as local or peer group).
    pub fn delete_endpoint_group(&mut self, id: &str) -> CResult<()> {
        let g = self.endpoint_group(id)?;
        let used =
            self.connections()?.iter().any(|c| c.local_ep_group_id.as_deref() == Some(id) || c.peer_ep_group_id.as_deref() == Some(id));
        if used {
            return Err(in_use(Kind::EndpointGroup, id));
        }
        if g.endpoint_type == "subnet" {
            for e in &g.endpoints {
                self.net.release_hold(e, id)?;
            }
        }
        Ok(self.net.remove(ENDPOINT_GROUP, id)?)
    }
}

/// A CIDR without host bits (`10.2.0.0/24`, `2001:db8::/64`).
pub fn parse_cidr(s: &str) -> Option<ipnet::IpNet> {
    let net: ipnet::IpNet = s.parse().ok()?;
    (net.trunc() == net).then_some(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_need_a_prefix_and_no_host_bits() {
        assert!(parse_cidr("10.2.0.0/24").is_some());
        assert!(parse_cidr("2001:db8::/64").is_some());
        assert!(parse_cidr("10.2.0.1/24").is_none());
        assert!(parse_cidr("10.2.0.0").is_none());
        assert!(parse_cidr("nope").is_none());
    }
}
