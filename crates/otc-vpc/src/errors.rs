//! How each API family words a model [`Fault`]: VPC v1/v2.0 with the
//! `VPC.xxxx` codes of vpc/appendix/error_codes.rst, Neutron with its
//! exception types, VPC v3 with the `VPC.99xx` codes of the same appendix.
//!
//! Where the appendix documents a 500 for a refusal caused by the caller
//! (a subnet or private IP still in use), the code is kept and the status
//! is 409: a client must be able to tell its own mistake from a failure.

use crate::model::{Dependency, Fault, Res};
use otc_core::ApiError;

fn storage(msg: &str) -> ApiError {
    ApiError::internal(msg.to_string())
}

/// The v1 code for "bad parameter" per resource.
fn v1_invalid_code(res: Res) -> &'static str {
    match res {
        Res::Vpc => "VPC.0101",
        Res::Network | Res::Subnet => "VPC.0201",
        Res::Port => "VPC.0705",
        Res::SecurityGroup | Res::SecurityGroupRule => "VPC.0601",
        Res::Eip => "VPC.0501",
        Res::Bandwidth => "VPC.0301",
        Res::Peering => "VPC.0101",
        Res::FlowLog => "VPC.3001",
        Res::FirewallRule | Res::FirewallPolicy | Res::FirewallGroup => "VPC.0101",
        Res::AddressGroup | Res::AddressGroupEntry => "VPC.9901",
        Res::SubnetPool => "VPC.0201",
    }
}

/// VPC v1/v2.0 (`{"code","message"}`).
pub fn v1(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(res, id) => match res {
            Res::Vpc => ApiError::new(404, "VPC.0003", "VPC does not exist."),
            Res::Network | Res::Subnet => ApiError::new(404, "VPC.0202", "Query subnet fail."),
            Res::Port => ApiError::new(404, "VPC.0704", "Resource query by ID failed."),
            Res::SecurityGroup => ApiError::new(404, "VPC.0603", "Security group does not exist."),
            Res::SecurityGroupRule => ApiError::new(404, "VPC.0603", "Security group rule does not exist."),
            Res::Eip => ApiError::new(404, "VPC.0504", "Floating IP could not be found."),
            Res::Bandwidth => ApiError::new(404, "VPC.0306", "EIP bandwidth with the ID not found."),
            Res::Peering => ApiError::new(404, "VPC.0003", "VPC peering connection does not exist."),
            Res::FlowLog => ApiError::new(404, "VPC.3002", format!("Flow log {id} could not be found.")),
            Res::FirewallRule | Res::FirewallPolicy | Res::FirewallGroup => {
                ApiError::new(404, "VPC.0003", format!("{} {id} could not be found.", res.neutron_class()))
            }
            Res::AddressGroup | Res::AddressGroupEntry => ApiError::new(404, "VPC.9904", format!("Address_group {id} could not be found.")),
            Res::SubnetPool => ApiError::new(404, "VPC.0202", format!("Subnet pool {id} could not be found.")),
        },
        Fault::Invalid(res, msg) => ApiError::new(400, v1_invalid_code(res), msg),
        Fault::Quota(res) => match res {
            Res::Vpc => ApiError::new(409, "VPC.0114", "Quota exceeded for resources: ['router']."),
            Res::Eip => ApiError::new(409, "VPC.0521", "Quota exceeded for resources: ['floatingip']."),
            Res::SecurityGroup => ApiError::new(409, "VPC.0604", "Quota exceeded for resources: ['security_group']."),
            Res::SecurityGroupRule => ApiError::new(409, "VPC.0604", "Quota exceeded for resources: ['security_group_rule']."),
            Res::Bandwidth => ApiError::new(409, "VPC.0301", "Quota exceeded for resources: ['bandwidth']."),
            // Undocumented: the flow-log family's wording of a quota.
            Res::FlowLog => ApiError::new(409, "VPC.3003", "Quota exceeded for resources: ['flow_log']."),
            Res::FirewallGroup => ApiError::new(409, "VPC.0114", "Quota exceeded for resources: ['firewall']."),
            _ => ApiError::new(409, "VPC.0202", "Quota exceeded for resources: ['subnet']."),
        },
        Fault::NameExists(_) => ApiError::new(400, "VPC.0115", "The router name exists."),
        Fault::SubnetOutsideVpc(_) => ApiError::new(400, "VPC.0203", "Subnet is not in the range of VPC."),
        Fault::SubnetOverlaps(_) => {
            ApiError::new(400, "VPC.0204", "The subnet already exists in the VPC or conflicts with an existing VPC subnet.")
        }
        Fault::BadCidr(Res::Vpc, msg) => ApiError::new(400, "VPC.0101", msg),
        Fault::BadCidr(_, _) => ApiError::new(400, "VPC.0212", "Invalid subnet CIDR block."),
        Fault::CidrConflict(c) => {
            ApiError::new(409, "VPC.9914", format!("The secondary CIDR block {c} conflicts with an existing CIDR block."))
        }
        Fault::CidrNotFound(c) => ApiError::new(404, "VPC.9915", format!("The secondary CIDR block {c} to be removed not found.")),
        Fault::CidrLimit => ApiError::new(400, "VPC.9912", "The number of secondary CIDR blocks to be added exceeds the upper limit."),
        Fault::IpInUse { .. } => ApiError::new(409, "VPC.0701", "The IP address is in use."),
        Fault::IpNotInSubnet { .. } => ApiError::new(400, "VPC.0705", "Invalid IP address for the specified subnet."),
        Fault::NoMoreIps(n) => ApiError::new(409, "VPC.0703", format!("No more IP addresses available on network {n}.")),
        Fault::InUse(res, _, why) => match why {
            Dependency::VpcHasSubnets => ApiError::new(409, "VPC.0104", "Router contains subnets, please delete subnet first."),
            Dependency::SubnetHasPorts => {
                ApiError::new(409, "VPC.0208", "The subnet cannot be deleted because it has private IP addresses that are being used.")
            }
            Dependency::SecurityGroupOnPort | Dependency::SecurityGroupReferenced => {
                ApiError::new(409, "VPC.0602", "Security group is in use and cannot be deleted.")
            }
            Dependency::DefaultSecurityGroup => ApiError::new(409, "VPC.0602", "Removing default security group not allowed."),
            Dependency::BandwidthHasEips => ApiError::new(409, "VPC.0301", "The shared bandwidth still has EIPs; remove them first."),
            Dependency::EipBound => ApiError::new(409, "VPC.0517", "EIP is bound to a port. Unbind it first."),
            Dependency::PortHasEip => ApiError::new(409, "VPC.0511", "The port has already been bound with an EIP."),
            Dependency::PortInUse => ApiError::new(409, "VPC.0707", "Private IP address is in use."),
            Dependency::CidrHasSubnets => ApiError::new(409, "VPC.9914", "The secondary CIDR block still contains subnets."),
            Dependency::FirewallInUse | Dependency::PortInFirewallGroup => {
                ApiError::new(409, "VPC.0107", "The firewall object is in use; remove it from what uses it first.")
            }
            // The codes of the resource's own "in use" refusals.
            Dependency::Held => match res {
                Res::Vpc => {
                    ApiError::new(409, "VPC.0104", "The VPC is used by another service (such as a VPN service); delete that first.")
                }
                _ => ApiError::new(409, "VPC.0208", "The subnet is used by another service (such as a VPN service); delete that first."),
            },
        },
        Fault::Duplicate(Res::FlowLog, msg) => ApiError::new(409, "VPC.3004", msg),
        Fault::Duplicate(res, msg) => ApiError::new(409, v1_invalid_code(res), msg),
        Fault::DuplicateRule(id) => ApiError::new(409, "VPC.0601", format!("Security group rule already exists. Rule id is {id}.")),
        Fault::ExternalNetwork(_) => ApiError::new(400, "VPC.0201", "The external network cannot be used here."),
        Fault::VpcNotActive(_) => ApiError::new(400, "VPC.0004", "VPC is not active. Try again later."),
        Fault::DryRunPassed => storage("a dry run escaped its facade"),
        Fault::SubnetNotInVpc(_) => ApiError::new(400, "VPC.0207", "Subnet does not belong to the VPC."),
        Fault::Storage(m) => storage(&m),
    }
}

/// Neutron v2.0 (`{"NeutronError": {type, message, detail}}`).
pub fn neutron(f: Fault) -> ApiError {
    let e = |status: u16, kind: &str, msg: String| ApiError::new(status, kind, msg).with_kind(kind);
    match f {
        Fault::NotFound(res, id) => match res {
            Res::Vpc => e(404, "RouterNotFound", format!("Router {id} could not be found")),
            Res::SecurityGroup => e(404, "SecurityGroupNotFound", format!("Security group {id} does not exist")),
            Res::SecurityGroupRule => e(404, "SecurityGroupRuleNotFound", format!("Security group rule {id} does not exist")),
            Res::Eip => e(404, "FloatingIPNotFound", format!("Floating IP {id} could not be found")),
            other => e(404, &format!("{}NotFound", other.neutron_class()), format!("{} {id} could not be found.", other.neutron_class())),
        },
        Fault::Invalid(res, msg) => match res {
            Res::SecurityGroupRule | Res::SecurityGroup => e(400, "BadRequest", msg),
            // As the real cloud words it (TFO #3170).
            Res::Peering => e(400, "InvalidInput", format!("Invalid input for operation: {msg}")),
            _ => e(400, "BadRequest", format!("Bad {} request: {msg}", res.neutron_name())),
        },
        Fault::Quota(res) => {
            let name = if res == Res::Network { "network" } else { res.neutron_name() };
            e(409, "OverQuota", format!("Quota exceeded for resources: ['{name}']."))
        }
        Fault::NameExists(res) => e(409, "Conflict", format!("A {} with that name exists.", res.neutron_name())),
        Fault::SubnetOutsideVpc(c) => {
            e(400, "BadRequest", format!("Invalid input for operation: subnet {c} is not within the CIDR of its VPC."))
        }
        Fault::SubnetOverlaps(c) => e(400, "BadRequest", format!("Invalid input for cidr. Reason: {c} overlaps with another subnet.")),
        Fault::BadCidr(_, msg) => e(400, "BadRequest", format!("Invalid input for operation: {msg}")),
        Fault::CidrConflict(c) => e(409, "Conflict", format!("CIDR {c} conflicts with an existing block.")),
        Fault::CidrNotFound(c) => e(404, "NotFound", format!("CIDR {c} not found.")),
        Fault::CidrLimit => e(400, "BadRequest", "Too many CIDR blocks.".into()),
        Fault::IpInUse { ip, network_id } => {
            e(409, "IpAddressInUse", format!("Unable to complete operation for network {network_id}. The IP address {ip} is in use."))
        }
        Fault::IpNotInSubnet { ip, .. } => {
            e(400, "InvalidIpForSubnet", format!("IP address {ip} is not a valid IP for the specified subnet."))
        }
        Fault::NoMoreIps(n) => e(409, "IpAddressGenerationFailure", format!("No more IP addresses available on network {n}.")),
        Fault::InUse(res, id, why) => match why {
            Dependency::VpcHasSubnets => e(409, "RouterInUse", format!("Router {id} still has ports")),
            Dependency::SubnetHasPorts if res == Res::Network => e(
                409,
                "NetworkInUse",
                format!("Unable to complete operation on network {id}. There are one or more ports still in use on the network."),
            ),
            Dependency::SubnetHasPorts => e(
                409,
                "SubnetInUse",
                format!("Unable to complete operation on subnet {id}: One or more ports have an IP allocation from this subnet."),
            ),
            Dependency::SecurityGroupOnPort | Dependency::SecurityGroupReferenced => {
                e(409, "SecurityGroupInUse", format!("Security Group {id} in use."))
            }
            Dependency::DefaultSecurityGroup => {
                e(409, "SecurityGroupCannotRemoveDefault", "Removing default security group not allowed.".into())
            }
            Dependency::BandwidthHasEips => e(409, "Conflict", format!("Bandwidth {id} still has floating IPs.")),
            Dependency::EipBound => {
                e(409, "FloatingIPPortAlreadyAssociated", format!("Floating IP {id} is already associated with a port."))
            }
            Dependency::PortHasEip => e(
                409,
                "FloatingIPPortAlreadyAssociated",
                format!("Cannot associate floating IP with port {id}: the port already has a floating IP."),
            ),
            Dependency::PortInUse => e(
                409,
                "PortInUse",
                format!("Port {id} cannot be deleted directly via the port API: has device owner network:router_interface_distributed."),
            ),
            Dependency::CidrHasSubnets => e(409, "Conflict", format!("A CIDR block of router {id} still has subnets.")),
            Dependency::FirewallInUse => {
                let class = res.neutron_class();
                e(409, &format!("{class}InUse"), format!("{class} {id} is being used."))
            }
            Dependency::PortInFirewallGroup => {
                e(409, "FirewallGroupPortInUse", format!("Port(s) {id} provided already associated with other firewall group."))
            }
            Dependency::Held => {
                let class = res.neutron_class();
                e(409, &format!("{class}InUse"), format!("{class} {id} is in use by another service (such as a VPN service)."))
            }
        },
        Fault::Duplicate(_, msg) => e(409, "Conflict", msg),
        Fault::DuplicateRule(id) => e(409, "SecurityGroupRuleExists", format!("Security group rule already exists. Rule id is {id}.")),
        Fault::ExternalNetwork(id) => e(403, "PolicyNotAuthorized", format!("Tenants are not allowed to change external network {id}.")),
        Fault::VpcNotActive(id) => e(409, "RouterNotActive", format!("Router {id} is not active yet.")),
        Fault::DryRunPassed => storage("a dry run escaped its facade"),
        Fault::SubnetNotInVpc(id) => e(400, "BadRequest", format!("Subnet {id} does not belong to the router.")),
        Fault::Storage(m) => storage(&m),
    }
}

/// VPC v3 (`{"request_id","error_code","error_msg"}`).
pub fn v3(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(res, id) => {
            let what = match res {
                Res::Vpc => "Vpc",
                Res::SecurityGroup => "Security_group",
                Res::SecurityGroupRule => "Security_group_rule",
                Res::Eip => "Publicip",
                Res::Bandwidth => "Bandwidth",
                Res::Port => "Port",
                Res::Network | Res::Subnet => "Subnet",
                Res::Peering => "Peering",
                Res::FlowLog => "Flow_log",
                Res::FirewallRule | Res::FirewallPolicy | Res::FirewallGroup => "Firewall",
                Res::AddressGroup | Res::AddressGroupEntry => "Address_group",
                Res::SubnetPool => "Subnetpool",
            };
            ApiError::new(404, "VPC.9904", format!("{what} {id} could not be found."))
        }
        Fault::Invalid(_, msg) => ApiError::new(400, "VPC.9902", msg),
        Fault::Quota(res) => ApiError::new(409, "VPC.9905", format!("Quota exceeded for resources: ['{}'].", res.neutron_name())),
        Fault::BadCidr(_, msg) if msg.contains("blacklisted") => ApiError::new(400, "VPC.9916", msg),
        Fault::BadCidr(_, msg) => ApiError::new(400, "VPC.9911", msg),
        Fault::CidrConflict(c) => {
            ApiError::new(409, "VPC.9914", format!("The secondary CIDR block {c} conflicts with an existing CIDR block."))
        }
        Fault::CidrNotFound(c) => ApiError::new(404, "VPC.9915", format!("The secondary CIDR block {c} to be removed not found.")),
        Fault::CidrLimit => ApiError::new(400, "VPC.9912", "The number of secondary CIDR blocks to be added exceeds the upper limit."),
        Fault::InUse(res, id, why) => match why {
            Dependency::SecurityGroupOnPort | Dependency::SecurityGroupReferenced | Dependency::DefaultSecurityGroup => {
                ApiError::new(409, "VPC.9902", format!("Security group {id} is in use."))
            }
            Dependency::CidrHasSubnets => ApiError::new(409, "VPC.9914", "The secondary CIDR block still contains subnets."),
            _ => ApiError::new(409, "VPC.9902", format!("{} {id} is in use.", res.neutron_class())),
        },
        Fault::DuplicateRule(id) => ApiError::new(409, "VPC.9902", format!("Security group rule already exists. Rule id is {id}.")),
        Fault::Storage(m) => storage(&m),
        // The rest concern operations v3 shares with v1 (EIP binding).
        other => {
            let e = v1(other);
            ApiError::new(e.status, e.code, e.message)
        }
    }
}

/// Malformed bodies, per family.
pub fn v1_bad_body(msg: &str) -> ApiError {
    ApiError::new(400, "VPC.0101", format!("Invalid request body: {msg}"))
}

pub fn neutron_bad_body(msg: &str) -> ApiError {
    ApiError::new(400, "BadRequest", format!("Bad request: the request body could not be parsed: {msg}")).with_kind("BadRequest")
}
