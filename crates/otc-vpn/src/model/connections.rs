//! (connections: being written on branch `conn`)

use super::Gateway;

/// How many connections a gateway takes: 200 for every flavor.
pub fn connection_capacity(_g: &Gateway) -> usize {
    200
}
