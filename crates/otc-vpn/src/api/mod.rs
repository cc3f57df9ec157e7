//! The v5 facades: request reading and answer shaping over [`crate::model`].

mod pending;
