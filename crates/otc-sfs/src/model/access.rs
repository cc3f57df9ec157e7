//! Access rules: who may mount a share. OTC's `cert` rules name a VPC of
//! the caller (`<vpc_id>`), or addresses in one
//! (`<vpc_id>#<IPv4 or CIDR>#<priority 0-100>#<all_squash|no_all_squash>,<root_squash|no_root_squash>`,
//! and the multi-protocol `#NFS#IP#<vpc_id>#...`); `user` rules name an
//! access key. Checks follow Manila's `_allow_access` order: the share,
//! its rule status (before 2.28), the rule's form, the level, a duplicate,
//! the share's state.

use super::{rules_status, state, status, AccessRule, FileSystems, Refusal, SfsResult, ACCESS};
use crate::errors::{bad_request, invalid_access, not_found};
use ipnet::Ipv4Net;
use otc_vpc::model::{Router, ROUTER};
use std::net::Ipv4Addr;

/// The user guide's limits per file system.
pub const MAX_RULES: usize = 400;
pub const MAX_VPCS: usize = 20;

#[derive(Debug, Clone)]
pub struct NewRule {
    pub access_type: String,
    pub access_to: String,
    pub access_level: Option<String>,
}

/// What a `cert` rule names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertTarget {
    pub vpc_id: String,
    /// The address or segment of an IP-based rule.
    pub addresses: Option<Ipv4Net>,
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

const CERT_FORMS: &str = "access_to must be a VPC ID, VPC_ID#IP#PRIORITY#USER_PERMISSION or #NFS#IP#VPC_ID#IP#PRIORITY#USER_PERMISSION";

/// Parses a `cert` rule's `access_to`.
pub fn parse_cert(to: &str) -> Result<CertTarget, String> {
    let parts: Vec<&str> = to.split('#').collect();
    let (vpc, ip_rule) = match parts.as_slice() {
        [vpc] => (*vpc, None),
        [vpc, ip, prio, perm] => (*vpc, Some((*ip, *prio, *perm))),
        ["", proto, method, vpc, ip, prio, perm] => {
            if !proto.eq_ignore_ascii_case("NFS") || !method.eq_ignore_ascii_case("IP") {
                return Err(format!("unsupported protocol or access method {proto}#{method}; only NFS#IP is supported"));
            }
            (*vpc, Some((*ip, *prio, *perm)))
        }
        _ => return Err(CERT_FORMS.into()),
    };
    if !is_uuid(vpc) {
        return Err(format!("{vpc} is not a VPC ID; {CERT_FORMS}"));
    }
    let Some((ip, prio, perm)) = ip_rule else {
        return Ok(CertTarget { vpc_id: vpc.to_string(), addresses: None });
    };
    let net = match ip.split_once('/') {
        None => ip.parse::<Ipv4Addr>().map(|a| Ipv4Net::new(a, 32).expect("/32")).map_err(|_| format!("{ip} is not an IPv4 address")),
        Some((a, m)) => {
            let addr = a.parse::<Ipv4Addr>().map_err(|_| format!("{ip} is not an IPv4 address segment"))?;
            let len = m.parse::<u8>().ok().filter(|l| *l <= 32).ok_or_else(|| format!("{ip} has an invalid mask"))?;
            let net = Ipv4Net::new(addr, len).expect("length checked");
            if net.network() != addr {
                return Err(format!("{ip} has host bits set"));
            }
            Ok(net)
        }
    }?;
    let priority_ok = !prio.is_empty() && prio.bytes().all(|b| b.is_ascii_digit()) && prio.parse::<u32>().is_ok_and(|p| p <= 100);
    if !priority_ok {
        return Err(format!("the priority {prio} must be an integer from 0 to 100"));
    }
    let squash_ok = matches!(perm.split_once(','), Some(("all_squash" | "no_all_squash", "root_squash" | "no_root_squash")));
    if !squash_ok {
        return Err(format!("the user permission {perm} must be all_squash or no_all_squash, then root_squash or no_root_squash"));
    }
    Ok(CertTarget { vpc_id: vpc.to_string(), addresses: Some(net) })
}

/// Addresses the cloud cannot authorise: the reference says a rule with
/// one "may fail to be added or cannot take effect"; it is added and ends
/// in `error`.
pub fn unusable(net: &Ipv4Net) -> bool {
    let first = net.network().octets()[0];
    let any = net.prefix_len() == 0;
    (first == 0 && !any) || first == 127 || first >= 224
}

/// Manila's `validate_username`: 4 to 255 characters, none of
/// `"/\[]:;|=,+*?<>` after the first, not only periods and spaces.
fn check_username(to: &str) -> SfsResult<()> {
    if !to.is_empty() && to.chars().all(|c| c == '.' || c.is_whitespace()) {
        return Err(bad_request("Invalid user or group name,cannot consist solely of periods or spaces.").into());
    }
    let n = to.chars().count();
    let rest_ok = to.chars().skip(1).all(|c| !"\"/\\[]:;|=,+*?<>".contains(c) && c != '\n');
    if !(4..=255).contains(&n) || !rest_ok {
        return Err(bad_request(
            "Invalid user or group name. Must be 4-255 characters and consist of alphanumeric characters and exclude special characters \"/\\[]:;|=,+*?<>",
        )
        .into());
    }
    Ok(())
}

impl FileSystems<'_, '_> {
    pub fn allow(&mut self, share_id: &str, spec: NewRule, before_2_28: bool) -> SfsResult<AccessRule> {
        self.purge()?;
        let share = self.share(share_id)?;
        let rules = self.rules(share_id)?;
        if before_2_28 && rules_status(&rules) == "error" {
            return Err(bad_request(
                "Access rules cannot be added while the share or any of its replicas or migration copies has its access_rules_status set to error. Deny any rules in error state and try again.",
            )
            .into());
        }
        let (vpc_id, fails) = match spec.access_type.as_str() {
            "cert" => {
                let t = parse_cert(spec.access_to.trim()).map_err(invalid_access)?;
                if self.net.find::<Router>(ROUTER, &t.vpc_id)?.is_none() {
                    return Err(invalid_access(format!("VPC {} could not be found.", t.vpc_id)).into());
                }
                (Some(t.vpc_id), t.addresses.as_ref().is_some_and(unusable))
            }
            "user" => {
                check_username(&spec.access_to)?;
                (None, false)
            }
            _ => return Err(bad_request("Only 'user' or 'cert' access types are supported.").into()),
        };
        let level = spec.access_level.unwrap_or_else(|| "rw".to_string());
        if level != "rw" && level != "ro" {
            return Err(invalid_access(format!("Invalid share access level: {level}.")).into());
        }
        // A rule being denied does not count: the Terraform provider's
        // update denies every rule and grants the same accesses at once,
        // and its acceptance test passes against OTC (upstream Manila
        // would still see the denied rule until it is gone).
        let leaving = |r: &AccessRule| r.state == state::QUEUED_TO_DENY || r.state == state::DENYING;
        if rules.iter().any(|r| !leaving(r) && r.access_type == spec.access_type && r.access_to == spec.access_to) {
            return Err(bad_request(format!("Share access {}:{} exists.", spec.access_type, spec.access_to)).into());
        }
        if rules.len() >= MAX_RULES {
            return Err(invalid_access(format!("a file system can have at most {MAX_RULES} access rules.")).into());
        }
        if let Some(v) = &vpc_id {
            let mut vpcs: Vec<&str> = rules.iter().filter_map(|r| r.vpc_id.as_deref()).collect();
            vpcs.sort();
            vpcs.dedup();
            if !vpcs.contains(&v.as_str()) && vpcs.len() >= MAX_VPCS {
                return Err(invalid_access(format!("a file system can be authorised for at most {MAX_VPCS} VPCs.")).into());
            }
        }
        if status::transitional(&share.status) || share.status == status::ERROR {
            return Err(bad_request(
                "New access rules cannot be applied while the share or any of its replicas or migration copies lacks a valid host or is in an invalid state.",
            )
            .into());
        }
        let now = self.now();
        let rule = AccessRule {
            id: otc_core::ids::uuid(),
            project_id: self.net.project.to_string(),
            share_id: share_id.to_string(),
            access_type: spec.access_type,
            access_to: spec.access_to,
            access_level: level,
            vpc_id,
            fails,
            state: state::QUEUED_TO_APPLY.into(),
            state_since: now,
            created_at: now,
            updated_at: now,
        };
        self.net.insert(ACCESS, &rule.id, Some(share_id), &rule)?;
        Ok(rule)
    }

    pub fn deny(&mut self, share_id: &str, access_id: &str) -> SfsResult<()> {
        self.purge()?;
        let share = self.share(share_id)?;
        let Some(mut rule) = self.rules(share_id)?.into_iter().find(|r| r.id == access_id) else {
            return Err(Refusal(not_found("Resource could not be found.")));
        };
        if status::transitional(&share.status) || share.status == status::ERROR {
            return Err(bad_request(
                "Access rules cannot be denied while the share, any of its replicas or migration copies lacks a valid host or is in an invalid state.",
            )
            .into());
        }
        if rule.state == state::QUEUED_TO_DENY || rule.state == state::DENYING {
            return Ok(());
        }
        rule.state = state::QUEUED_TO_DENY.into();
        rule.state_since = self.now();
        rule.updated_at = self.now();
        self.net.update(ACCESS, &rule.id, Some(share_id), &rule)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VPC: &str = "0157b53f-4974-4e80-91c9-098532bcaf00";

    #[test]
    fn cert_forms() {
        assert_eq!(parse_cert(VPC), Ok(CertTarget { vpc_id: VPC.into(), addresses: None }));
        let t = parse_cert(&format!("{VPC}#192.168.0.0/16#100#all_squash,root_squash")).unwrap();
        assert_eq!(t.addresses.unwrap().to_string(), "192.168.0.0/16");
        let t = parse_cert(&format!("#NFS#IP#{VPC}#1.1.1.1#1#no_all_squash,no_root_squash")).unwrap();
        assert_eq!((t.vpc_id.as_str(), t.addresses.unwrap().prefix_len()), (VPC, 32));
        for bad in [
            "not-a-vpc".to_string(),
            format!("{VPC}#2.2.2.2/16#100#all_squash,root_squash"),
            format!("{VPC}#300.1.1.1#1#all_squash,root_squash"),
            format!("{VPC}#1.1.1.1#101#all_squash,root_squash"),
            format!("{VPC}#1.1.1.1#-1#all_squash,root_squash"),
            format!("{VPC}#1.1.1.1#1#root_squash"),
            format!("{VPC}#1.1.1.1#1"),
            format!("#CIFS#IP#{VPC}#1.1.1.1#1#all_squash,root_squash"),
        ] {
            assert!(parse_cert(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unusable_addresses() {
        let net = |s: &str| s.parse::<Ipv4Net>().unwrap();
        assert!(!unusable(&net("0.0.0.0/0")));
        assert!(!unusable(&net("10.0.0.0/8")));
        for bad in ["0.1.0.0/16", "127.0.0.1/32", "224.0.0.1/32", "255.255.255.255/32"] {
            assert!(unusable(&net(bad)), "{bad}");
        }
    }

    #[test]
    fn usernames() {
        assert!(check_username("AKIAEXAMPLE").is_ok());
        assert!(check_username("abc").is_err());
        assert!(check_username("....").is_err());
        assert!(check_username("ab:cd").is_err());
    }
}
