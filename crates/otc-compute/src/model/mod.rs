//! The compute model: key pairs and servers of a project, in the same
//! store transaction as the project's network ([`otc_vpc::model::Net`]),
//! so a server's ports are claimed, shown and released with it.

pub mod actions;
pub mod jobs;
pub mod keypairs;
pub mod nics;
pub mod resize;
pub mod server_groups;
pub mod server_settings;
pub mod servers;
pub mod volumes;

use crate::ComputeConfig;
pub use otc_core::time::Timestamp;
pub use otc_store::{ListQuery, TxExt};
use otc_vpc::model::Net;
pub use serde::{Deserialize, Serialize};

pub const KEYPAIR: &str = "compute.keypair";
pub const SERVER: &str = "compute.server";

/// What can go wrong, in compute terms. The message is Nova's wording;
/// `Why` says what it is about, so ECS can pick its own code without
/// reading the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    NotFound(String),
    Invalid(Why, String),
    Conflict(Why, String),
    Quota(String),
    /// EVS's volume count or gigabytes quota, met creating a server's disks.
    VolumeQuota(String),
    Storage(String),
}

/// What a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Flavor,
    Image,
    KeyPair,
    Zone,
    Network,
    Port,
    SecurityGroup,
    /// The subnet has no free address.
    NoMoreIps,
    /// A fixed address outside the subnet.
    AddressOutside,
    /// A fixed address someone else holds.
    AddressInUse,
    /// The server is locked.
    Locked,
    /// The server's state does not allow the action.
    State,
    /// A volume (or a block device mapping) that cannot be used.
    Volume,
    /// A volume whose status does not allow the attachment.
    VolumeState,
    /// A volume in another zone than the server.
    VolumeZone,
    VolumeType,
    /// A volume already attached to the server.
    VolumeAttached,
    /// No host left for the server under its group's policy.
    Placement,
    Other,
}

pub type ModelResult<T> = Result<T, Fault>;

impl From<otc_store::StoreError> for Fault {
    fn from(e: otc_store::StoreError) -> Self {
        Fault::Storage(e.to_string())
    }
}

/// Network refusals met while wiring a server, said the way Nova says them.
impl From<otc_vpc::model::Fault> for Fault {
    fn from(f: otc_vpc::model::Fault) -> Self {
        use otc_vpc::model::{Fault as N, Res};
        match f {
            N::NotFound(Res::Network, id) => Fault::Invalid(Why::Network, format!("Network {id} could not be found.")),
            N::NotFound(Res::Port, id) => Fault::Invalid(Why::Port, format!("Port {id} could not be found.")),
            N::NotFound(Res::SecurityGroup, id) => Fault::Invalid(Why::SecurityGroup, format!("Security group {id} not found.")),
            N::NotFound(_, id) => Fault::Invalid(Why::Other, format!("Resource {id} could not be found.")),
            N::NoMoreIps(n) => Fault::Invalid(Why::NoMoreIps, format!("No more IP addresses available on network {n}.")),
            N::IpInUse { ip, .. } => Fault::Conflict(Why::AddressInUse, format!("Fixed IP address {ip} is already in use on instance.")),
            N::IpNotInSubnet { ip, .. } => {
                Fault::Invalid(Why::AddressOutside, format!("Fixed IP address {ip} is not valid on the requested network."))
            }
            N::ExternalNetwork(id) => Fault::Invalid(Why::Other, format!("Network {id} is an external network and cannot hold servers.")),
            N::Storage(m) => Fault::Storage(m),
            other => Fault::Invalid(Why::Other, format!("{other:?}")),
        }
    }
}

/// One caller's compute state inside one transaction.
pub struct Compute<'n, 'a> {
    pub net: &'n mut Net<'a>,
    pub user_id: &'n str,
    pub cfg: &'n ComputeConfig,
    /// The HTTP request's id (instance actions record it).
    pub request_id: &'n str,
}
