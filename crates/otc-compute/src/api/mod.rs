//! API facades: [`nova`] (Nova v2/v2.1) and [`glance`] (the image listing).

pub mod glance;
pub mod nova;
