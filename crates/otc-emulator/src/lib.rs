//! Wiring: the store, the services and the gateway, bound to a listener.
//! `main.rs` is the command line over this; tests start servers with it.

pub mod config;
pub mod coverage;

use config::{Config, StoreKind};
use otc_as::AutoScaling;
use otc_compute::{Compute, Images};
use otc_core::api::{handler, Service};
use otc_core::{ApiError, Clock};
use otc_evs::{Evs, EvsJobs};
use otc_gateway::{Gateway, Mount, Settings};
use otc_iam::Iam;
use otc_mrs::Mrs;
use otc_sfs::sfs3::Sfs3;
use otc_sfs::{Sfs, SfsTurbo};
use otc_store::Store;
use otc_vpc::Vpc;
use otc_vpn::{ClassicVpn, Vpn};
use std::net::SocketAddr;
use std::sync::Arc;

/// A running emulator.
pub struct Server {
    pub addr: SocketAddr,
    pub base_url: String,
    pub clock: Clock,
    pub gateway: Arc<Gateway>,
    /// The store every service writes to (tests compare its fingerprint).
    pub store: Store,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Stops accepting, finishes requests in flight, and returns when done.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Runs until the process is asked to stop (Ctrl-C or SIGTERM).
    pub async fn run_until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn open_store(cfg: &Config) -> Result<Store, String> {
    match cfg.store {
        StoreKind::Memory => Ok(Store::memory()),
        StoreKind::Sqlite => Store::sqlite(&cfg.data_dir.join("state.db")).map_err(|e| e.to_string()),
    }
}

/// EVS makes volumes from the image service's catalogue.
fn image_lookup(compute: &otc_compute::ComputeConfig) -> otc_evs::ImageLookup {
    let cfg = compute.clone();
    Arc::new(move |id| cfg.image(id).map(otc_compute::model::volumes::image_info))
}

/// Builds everything and starts serving on `cfg.listen` (port 0 picks one).
pub async fn start(cfg: Config) -> Result<Server, String> {
    let listener = tokio::net::TcpListener::bind(cfg.listen).await.map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base_url = cfg.public_url.clone().unwrap_or_else(|| format!("http://{addr}")).trim_end_matches('/').to_string();
    let store = open_store(&cfg)?;
    let clock = Clock::new();

    let iam = Arc::new(Iam::new(store.clone(), clock.clone(), &cfg.identity).map_err(|e| e.to_string())?);
    // Identity first: it owns the shared version-discovery roots.
    let vpc = Arc::new(Vpc::new(store.clone(), clock.clone(), cfg.network.clone()));
    // Servers' disks are EVS volumes made in compute's transactions: they
    // settle and count by EVS's settings.
    let compute_cfg = otc_compute::ComputeConfig { volumes: cfg.evs.clone(), ..cfg.compute.clone() };
    let compute = Arc::new(Compute::new(vpc.clone(), compute_cfg));
    let vpn = Arc::new(Vpn::new(vpc.clone(), cfg.vpn.clone()));
    let classic_vpn = Arc::new(ClassicVpn::new(vpc.clone(), cfg.vpn.clone()));
    let images = Arc::new(Images::new(cfg.compute.clone()));
    let sfs = Arc::new(Sfs::new(vpc.clone(), cfg.sfs));
    let sfs3 = Arc::new(Sfs3::new(vpc.clone()));
    let sfs_turbo = Arc::new(SfsTurbo::new(vpc.clone(), store.clone(), cfg.sfs));
    let autoscaling = Arc::new(AutoScaling::new(compute.clone(), store.clone(), cfg.autoscaling.clone()));
    let mrs = Arc::new(Mrs::new(compute.clone(), store.clone(), cfg.mrs.clone()));
    let evs = Arc::new(Evs::new(store.clone(), clock.clone(), cfg.evs.clone(), image_lookup(&cfg.compute)));
    // One path serves both services' jobs on the bare port: EVS's view is
    // mounted first and hands the ids it does not know to ECS's.
    let evs_jobs = Arc::new(EvsJobs::new(evs.clone(), Some(handler(&compute, Compute::ecs_job))));
    let mounts = vec![
        Mount { service: iam.clone() as Arc<dyn Service>, bad_body: otc_iam::errors::invalid_body as fn(&str) -> ApiError },
        Mount { service: vpc as Arc<dyn Service>, bad_body: otc_vpc::errors::v1_bad_body },
        Mount { service: classic_vpn as Arc<dyn Service>, bad_body: otc_vpn::classic::bad_body },
        Mount { service: vpn as Arc<dyn Service>, bad_body: otc_vpn::errors::bad_body },
        Mount { service: evs_jobs as Arc<dyn Service>, bad_body: otc_evs::errors::bad_body },
        Mount { service: compute as Arc<dyn Service>, bad_body: otc_compute::errors::bad_body },
        Mount { service: autoscaling as Arc<dyn Service>, bad_body: otc_as::errors::bad_body },
        Mount { service: images as Arc<dyn Service>, bad_body: otc_compute::errors::bad_body },
        Mount { service: sfs as Arc<dyn Service>, bad_body: otc_sfs::errors::bad_body },
        Mount { service: sfs3 as Arc<dyn Service>, bad_body: otc_sfs::errors::sfs3::bad_body },
        Mount { service: sfs_turbo as Arc<dyn Service>, bad_body: otc_sfs::turbo::errors::bad_body },
        Mount { service: mrs as Arc<dyn Service>, bad_body: otc_mrs::errors::bad_body },
        Mount { service: evs as Arc<dyn Service>, bad_body: otc_evs::errors::bad_body },
    ];
    iam.set_catalog(mounts.iter().flat_map(|m| m.service.catalog()).collect());

    let settings =
        Settings { base_url: base_url.clone(), max_body_bytes: cfg.max_body_bytes, clock: clock.clone(), store: store.backend_name() };
    let gateway = Arc::new(Gateway::new(mounts, iam, settings));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(otc_gateway::listener::serve(listener, gateway.clone(), async {
        let _ = rx.await;
    }));
    Ok(Server { addr, base_url, clock, gateway, store, shutdown: Some(tx), task })
}
