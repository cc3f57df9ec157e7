//! The API facades.
