//! API facades: [`nova`] (Nova v2/v2.1), [`ecs`] (ECS v1), [`glance`]
//! (the image listing) and [`ims`] (IMS's own image query).

pub mod ecs;
pub mod glance;
pub mod ims;
pub mod nova;
pub mod nova_images;
