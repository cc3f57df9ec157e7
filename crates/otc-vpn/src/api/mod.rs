//! The v5 facades: request reading and answer shaping over [`crate::model`].

mod connections;
mod customer_gateways;
mod monitors;
mod pending;
