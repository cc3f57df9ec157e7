//! API facades: [`nova`] (Nova v2/v2.1), [`ecs`] (ECS v1) and [`glance`]
//! (the image listing).

pub mod ecs;
pub mod glance;
pub mod nova;
pub mod nova_images;
