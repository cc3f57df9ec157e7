//! What can go wrong in the network model, said once in domain terms.
//! Each API facade words a fault with its own documented status and code
//! (VPC v1 `VPC.xxxx`, Neutron exception types, VPC v3 `VPC.99xx`), so the
//! same refusal reads right through every API.

/// The resource a fault is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Res {
    Vpc,
    Network,
    Subnet,
    Port,
    SecurityGroup,
    SecurityGroupRule,
    Eip,
    Bandwidth,
    Peering,
    FlowLog,
    FirewallRule,
    FirewallPolicy,
    FirewallGroup,
    AddressGroup,
    /// An address or range of an IP address group (its capacity).
    AddressGroupEntry,
    SubnetPool,
}

impl Res {
    /// Neutron's resource names, as in "Network x could not be found" and
    /// "Quota exceeded for resources: ['router']".
    pub fn neutron_name(self) -> &'static str {
        match self {
            Res::Vpc => "router",
            Res::Network => "network",
            Res::Subnet => "subnet",
            Res::Port => "port",
            Res::SecurityGroup => "security_group",
            Res::SecurityGroupRule => "security_group_rule",
            Res::Eip => "floatingip",
            Res::Bandwidth => "bandwidth",
            Res::Peering => "peering",
            Res::FlowLog => "flow_log",
            Res::FirewallRule => "firewall_rule",
            Res::FirewallPolicy => "firewall_policy",
            Res::FirewallGroup => "firewall_group",
            Res::AddressGroup => "address_group",
            Res::AddressGroupEntry => "address_group_contain_ipset",
            Res::SubnetPool => "subnetpool",
        }
    }

    /// Neutron's exception class prefix ("NetworkNotFound", "RouterInUse").
    pub fn neutron_class(self) -> &'static str {
        match self {
            Res::Vpc => "Router",
            Res::Network => "Network",
            Res::Subnet => "Subnet",
            Res::Port => "Port",
            Res::SecurityGroup => "SecurityGroup",
            Res::SecurityGroupRule => "SecurityGroupRule",
            Res::Eip => "FloatingIP",
            Res::Bandwidth => "Bandwidth",
            Res::Peering => "Peering",
            Res::FlowLog => "FlowLog",
            Res::FirewallRule => "FirewallRule",
            Res::FirewallPolicy => "FirewallPolicy",
            Res::FirewallGroup => "FirewallGroup",
            Res::AddressGroup | Res::AddressGroupEntry => "AddressGroup",
            Res::SubnetPool => "SubnetPool",
        }
    }
}

/// Why a change was refused because of other resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependency {
    /// A VPC (router) still has subnets or interfaces.
    VpcHasSubnets,
    /// A network or subnet still has ports other than its router interface.
    SubnetHasPorts,
    /// A security group is used by a port.
    SecurityGroupOnPort,
    /// A security group is the remote group of another group's rule.
    SecurityGroupReferenced,
    /// The default security group cannot be deleted.
    DefaultSecurityGroup,
    /// A shared bandwidth still carries EIPs.
    BandwidthHasEips,
    /// An EIP is bound to a port.
    EipBound,
    /// A port already has an EIP.
    PortHasEip,
    /// A port (private IP) is used by a device.
    PortInUse,
    /// A secondary CIDR still holds subnets.
    CidrHasSubnets,
    /// A firewall rule is in a policy, or a policy is used by a group.
    FirewallInUse,
    /// A port is bound to another firewall group.
    PortInFirewallGroup,
    /// Another service's object needs the resource ([`super::holds`]).
    Held,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    NotFound(Res, String),
    /// A parameter value is not acceptable; the message says which.
    Invalid(Res, String),
    Quota(Res),
    /// A name that must be unique in the project is taken.
    NameExists(Res),
    /// A subnet CIDR outside its VPC's CIDR blocks.
    SubnetOutsideVpc(String),
    /// A subnet CIDR overlapping a sibling.
    SubnetOverlaps(String),
    /// A CIDR that is not a valid block for this use.
    BadCidr(Res, String),
    /// A secondary CIDR conflicting with the VPC's blocks.
    CidrConflict(String),
    /// No secondary CIDR like that on the VPC.
    CidrNotFound(String),
    /// Too many secondary CIDRs.
    CidrLimit,
    /// The address asked for is taken.
    IpInUse {
        ip: String,
        network_id: String,
    },
    /// The address asked for is not in the subnet (or is reserved).
    IpNotInSubnet {
        ip: String,
        subnet_id: String,
    },
    /// The subnet has no free address left.
    NoMoreIps(String),
    /// A refusal because of other resources.
    InUse(Res, String, Dependency),
    /// An object with the same content exists; the message says which.
    Duplicate(Res, String),
    /// An identical security group rule exists (its id).
    DuplicateRule(String),
    /// The network is not one ports/subnets can be created on by a tenant.
    ExternalNetwork(String),
    /// The VPC is still being created.
    VpcNotActive(String),
    /// A v1 subnet addressed under a VPC it does not belong to.
    SubnetNotInVpc(String),
    /// A dry run got through every check; raised to roll its
    /// transaction back, never rendered.
    DryRunPassed,
    Storage(String),
}

pub type ModelResult<T> = Result<T, Fault>;

/// Storage failures are the emulator's, not the caller's: every facade
/// renders them as a 500.
impl From<otc_store::StoreError> for Fault {
    fn from(e: otc_store::StoreError) -> Self {
        Fault::Storage(e.to_string())
    }
}

impl From<serde_json::Error> for Fault {
    fn from(e: serde_json::Error) -> Self {
        Fault::Storage(e.to_string())
    }
}
