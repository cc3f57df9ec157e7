//! VPN: the Enterprise Edition API (v5: VPN gateways, customer gateways,
//! VPN connections, connection monitors, quotas, tags) and the classic
//! VPNaaS API (IKE/IPsec policies, VPN services, endpoint groups, IPsec
//! site connections and their tags) served on the VPC endpoint.
//!
//! Both build on the network model ([`otc_vpc::model::Net`]) in the same
//! transaction: a gateway lives in a real VPC and subnet, holds real
//! addresses there and binds real EIPs, so the VPC APIs see what VPN did.

pub mod api;
pub mod classic;
pub mod errors;
pub mod model;
mod ops;
mod wire;

use model::{Refusal, VpnResult, Vpns};
use otc_core::api::Input;
use otc_core::ApiResult;
use otc_vpc::Vpc;
use serde::Deserialize;
use std::sync::Arc;

/// The documented default quotas (`GET /v5/{project_id}/vpn/quotas`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VpnQuotas {
    pub vpn_gateway: usize,
    pub customer_gateway: usize,
    pub vpn_connection: usize,
}

impl Default for VpnQuotas {
    fn default() -> Self {
        VpnQuotas { vpn_gateway: 50, customer_gateway: 100, vpn_connection: 5000 }
    }
}

/// VPN settings: how long gateways and connections stay in their
/// transient statuses on the emulator's clock, and quotas.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VpnConfig {
    /// PENDING_CREATE, PENDING_UPDATE and PENDING_DELETE of a gateway.
    pub gateway_seconds: i64,
    /// PENDING_CREATE / PENDING_UPDATE of a connection (and of classic
    /// VPN services and site connections).
    pub connection_seconds: i64,
    pub quotas: VpnQuotas,
}

/// The Enterprise VPN service (`evpn` in the catalog, `/vpn` prefix).
pub struct Vpn {
    vpc: Arc<Vpc>,
    cfg: VpnConfig,
}

impl Vpn {
    pub fn new(vpc: Arc<Vpc>, cfg: VpnConfig) -> Self {
        Vpn { vpc, cfg }
    }

    /// Runs `f` for the caller in one transaction over the VPN and network
    /// models.
    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Vpns<'_, '_>) -> VpnResult<R>) -> ApiResult<R> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut Vpns { net, cfg: &self.cfg })).map_err(|Refusal(e)| e)
    }
}

/// Classic VPN (native OpenStack VPNaaS), served on the VPC endpoint.
pub struct ClassicVpn {
    vpc: Arc<Vpc>,
    cfg: VpnConfig,
}

impl ClassicVpn {
    pub fn new(vpc: Arc<Vpc>, cfg: VpnConfig) -> Self {
        ClassicVpn { vpc, cfg }
    }
}
