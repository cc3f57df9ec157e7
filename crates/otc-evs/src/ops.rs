//! The operation tables.
