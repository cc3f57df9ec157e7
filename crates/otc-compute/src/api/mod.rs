//! API facades: [`nova`] (Nova v2/v2.1, with [`nova_images`],
//! [`nova_interfaces`] and [`nova_metadata`]), [`ecs`] (ECS v1), [`glance`]
//! (the image listing) and [`cloudimages`] (IMS's own image query); [`volume_attachments`]: a server's EVS volumes
//! through Nova and ECS.

pub mod cloudimages;
pub mod ecs;
pub mod glance;
pub mod nics;
pub mod nova;
pub mod nova_extras;
pub mod nova_floating_ips;
pub mod nova_images;
pub mod nova_interfaces;
pub mod nova_metadata;
pub mod nova_security_groups;
pub mod nova_tags;
pub mod quotas;
pub mod server_extras;
pub mod server_groups;
pub mod server_status;
pub mod volume_attachments;
