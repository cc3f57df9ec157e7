//! The v5 facades: request reading and answer shaping over [`crate::model`].

mod connections;
mod customer_gateways;
mod gateways;
mod monitors;
mod tags;

pub use gateways::body_tags;
