//! The classic VPN operation table (served under the VPC endpoint).

use crate::ClassicVpn;
use otc_core::api::{Op, Service};
use std::sync::Arc;

impl Service for ClassicVpn {
    fn name(&self) -> &'static str {
        "vpn-classic"
    }

    fn mount(&self) -> &'static str {
        "vpc"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        Vec::new()
    }
}
