//! VPC networking: one network model per project ([`model`]) served
//! through three API families ([`api`]): VPC v1/v2.0 (`{"code","message"}`
//! errors), Neutron v2.0 (`NeutronError`) and VPC v3. A resource created
//! through one API is seen, changed and deleted through the others.

pub mod api;
pub mod errors;
pub mod model;
pub mod net;
mod ops;

use model::quotas::Quotas;
use model::{ModelResult, Net};
use otc_core::{Clock, Ctx};
use otc_store::Store;
use parking_lot::Mutex;
use serde::Deserialize;
use std::collections::HashSet;

/// Network settings: the public pool EIPs come from, how long creations
/// stay transient, and quotas.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VpcConfig {
    /// Seconds a VPC stays CREATING and a v1 subnet UNKNOWN before they
    /// read OK/ACTIVE (0: settled at the first read after creation).
    pub settle_seconds: i64,
    /// The public addresses EIPs are assigned from.
    pub eip_pool: ipnet::Ipv4Net,
    pub quotas: Quotas,
}

impl Default for VpcConfig {
    fn default() -> Self {
        VpcConfig { settle_seconds: 0, eip_pool: "80.158.0.0/16".parse().expect("constant pool"), quotas: Quotas::default() }
    }
}

pub struct Vpc {
    store: Store,
    clock: Clock,
    cfg: VpcConfig,
    /// Projects whose defaults are known to exist, so the request path
    /// checks the store for them once per project and process, not on
    /// every request. Only committed bootstraps are remembered.
    bootstrapped: Mutex<HashSet<String>>,
}

impl Vpc {
    pub fn new(store: Store, clock: Clock, cfg: VpcConfig) -> Self {
        Vpc { store, clock, cfg, bootstrapped: Mutex::new(HashSet::new()) }
    }

    /// Runs `f` on the caller's project network in one transaction (the
    /// project's defaults are created on its first use).
    pub fn run<R>(&self, ctx: &Ctx, f: impl FnOnce(&mut Net<'_>) -> ModelResult<R>) -> ModelResult<R> {
        self.run_as(ctx, f)
    }

    /// [`Vpc::run`] for services that build on the network model (compute)
    /// and speak their own faults: one transaction for both.
    pub fn run_as<R, E>(&self, ctx: &Ctx, f: impl FnOnce(&mut Net<'_>) -> Result<R, E>) -> Result<R, E>
    where
        E: From<otc_store::StoreError> + From<model::Fault>,
    {
        let now = self.clock.now();
        let project = ctx.project().unwrap_or_default();
        let known = self.bootstrapped.lock().contains(project);
        let out = self.store.txn(|tx| {
            let region = ctx.region.as_deref().unwrap_or("eu-de");
            let mut net = Net { tx, project, region, now, cfg: &self.cfg };
            if !known {
                net.bootstrap()?;
            }
            f(&mut net)
        });
        if out.is_ok() && !known {
            self.bootstrapped.lock().insert(project.to_string());
        }
        out
    }
}
