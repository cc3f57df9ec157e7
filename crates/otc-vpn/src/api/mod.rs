//! The v5 facades: request reading and answer shaping over [`crate::model`].

mod gateways;
mod pending;
mod tags;

pub use gateways::body_tags;
