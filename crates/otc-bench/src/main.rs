//! `otc-bench`: runs the scenarios of docs/BENCHMARKS.md against the
//! emulator binary, the do-nothing limit server and, when asked, the peers
//! (moto's server, Keystone), and prints the report as Markdown.
//!
//! `--smoke` runs every scenario briefly at small sizes so the harness
//! cannot rot; it asserts nothing about time.

mod emulator;
mod issuance;
mod limit;
mod load;
mod peers;
mod soak;

use clap::Parser;
use emulator::Emulator;
use load::{Req, Stats, Target};
use otc_core::api::Authenticator;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Benchmarks the emulator against the limit server and its peers")]
struct Args {
    /// The emulator binary (a release build for real figures).
    #[arg(long, default_value = "target/release/otc-emulator")]
    emulator: PathBuf,
    /// Short runs at small sizes, for CI.
    #[arg(long)]
    smoke: bool,
    /// Seconds per measurement.
    #[arg(long)]
    seconds: Option<f64>,
    /// Resources in the project for the list-scaling measurement.
    #[arg(long)]
    scale: Option<usize>,
    /// The peers script (bench/peers.sh) and its virtualenv; without
    /// them the peers are not measured.
    #[arg(long)]
    peers_script: Option<PathBuf>,
    #[arg(long)]
    peers_venv: Option<PathBuf>,
    /// Measure only the scenarios whose name contains this (for profiling
    /// one path; the others are set up but not loaded).
    #[arg(long)]
    only: Option<String>,
    /// Seconds of the soak (two rounds of half each).
    #[arg(long)]
    soak_seconds: Option<f64>,
    /// Internal: run as the limit server answering this many bytes.
    #[arg(long, hide = true)]
    serve_limit: Option<usize>,
}

/// Slices per measurement (see [`Bench::scenario`]).
const SLICES: u32 = 5;

pub(crate) struct Bench {
    seconds: Duration,
    levels: Vec<usize>,
    only: Option<String>,
    out: String,
}

impl Bench {
    pub(crate) fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
        eprintln!("{}", s.as_ref());
    }

    /// Measures `target` and the limit server answering as large a body,
    /// at every concurrency level; one table row per level.
    async fn scenario(&mut self, name: &str, target: &Target, body_bytes: usize) -> Vec<Stats> {
        if self.only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            return Vec::new();
        }
        let server = limit::LimitServer::spawn(body_bytes);
        let limit = Target { addr: server.addr, next: target.next.clone(), ok: &[200] };
        let mut all = Vec::new();
        for &c in &self.levels.clone() {
            // The two are measured in alternating slices, so that a slow
            // moment of a shared machine falls on both alike.
            let slice = self.seconds / SLICES;
            let (mut s, mut l) = (load::run(target, c, slice).await, load::run(&limit, c, slice).await);
            for _ in 1..SLICES {
                s = s.merge(load::run(target, c, slice).await);
                l = l.merge(load::run(&limit, c, slice).await);
            }
            self.line(format!(
                "| {name} | {c} | {:.0} | {} | {} | {} | {:.0} | {:.2} |",
                s.rps(),
                s.p50_us,
                s.p99_us,
                s.errors,
                l.rps(),
                s.rps() / l.rps().max(1.0)
            ));
            all.push(s);
        }
        all
    }
}

fn target(emu: &Emulator, ok: &'static [u16], next: impl Fn(u64) -> Req + Send + Sync + 'static) -> Target {
    Target { addr: emu.addr, next: Arc::new(next), ok }
}

async fn body_len(emu: &Emulator, r: Req) -> usize {
    load::once(emu.addr, &r).await.map(|(_, _, b)| b.len()).unwrap_or(100)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    if let Some(bytes) = args.serve_limit {
        return limit::serve(bytes).await;
    }
    let smoke = args.smoke;
    let seconds = args.seconds.unwrap_or(if smoke { 0.3 } else { 5.0 });
    let mut b = Bench {
        seconds: Duration::from_secs_f64(seconds),
        levels: if smoke { vec![1, 4] } else { vec![1, 8, 32] },
        only: args.only.clone(),
        out: String::new(),
    };
    let scale = args.scale.unwrap_or(if smoke { 1_000 } else { 100_000 });
    let dir = tempfile::tempdir().expect("a temporary directory");

    let mut emu = Emulator::start(&args.emulator, &dir.path().join("data")).await;
    let cold_start = emu.cold_start;
    let idle_rss = emu.rss_kib();
    b.line(format!("machine: {} cores; {} s per measurement; emulator {}", cores(), seconds, args.emulator.display()));
    b.line("");
    b.line("| scenario | concurrency | req/s | p50 µs | p99 µs | errors | limit req/s | ratio to limit |");
    b.line("|---|---|---|---|---|---|---|---|");

    // Tokens.
    let tokens = target(&emu, &[201], |_| Req::post("/v3/auth/tokens", emulator::password_body()));
    let size = body_len(&emu, Req::post("/v3/auth/tokens", emulator::password_body())).await;
    let token_stats = b.scenario("token issuance", &tokens, size).await;

    // Token validation over HTTP, as Keystone serves it.
    let tok = emu.token.clone();
    let validate_req = move || Req::get("/v3/auth/tokens").header("x-auth-token", tok.clone()).header("x-subject-token", tok.clone());
    let size = body_len(&emu, validate_req()).await;
    let validate = target(&emu, &[200], move |_| validate_req());
    let validation_stats = b.scenario("token validation (GET /v3/auth/tokens)", &validate, size).await;

    // Tokens at full speed: nothing may grow.
    let issuance = issuance::run(&emu, if smoke { 1.0 } else { 10.0 }).await;

    // An authenticated list of a handful of VPCs.
    for i in 0..5 {
        emu.call(Req::post(emu.path("/v1/{pid}/vpcs"), json!({"vpc": {"name": format!("bench-{i}"), "cidr": "10.0.0.0/16"}}))).await;
    }
    let path = emu.path("/v1/{pid}/vpcs");
    let tok = emu.token.clone();
    let size = body_len(&emu, emu.auth(Req::get(path.clone()))).await;
    let vpc_list = target(&emu, &[200], move |_| Req::get(path.clone()).header("x-auth-token", tok.clone()));
    let list_stats = b.scenario("VPC v1 list (5 VPCs)", &vpc_list, size).await;

    // 1,000 ports listed 100 at a time.
    let net = emu.call(Req::post("/v2.0/networks", json!({"network": {"name": "bench"}}))).await;
    let net_id = net["network"]["id"].as_str().unwrap_or_default().to_string();
    emu.call(Req::post("/v2.0/subnets", json!({"subnet": {"network_id": net_id, "cidr": "10.128.0.0/9", "ip_version": 4}}))).await;
    let ports = if smoke { 200 } else { 1_000 };
    let nid = net_id.clone();
    seed(emu.addr, &emu.token, ports, move |_| Req::post("/v2.0/ports", json!({"port": {"network_id": nid}}))).await;
    let listed = emu.call(Req::get("/v2.0/ports?limit=10000")).await;
    let ids: Vec<String> =
        listed["ports"].as_array().map(|a| a.iter().filter_map(|p| p["id"].as_str().map(String::from)).collect()).unwrap_or_default();
    let markers: Vec<String> = ids.iter().step_by(100).take(ports / 100 - 1).cloned().collect();
    let tok = emu.token.clone();
    let page = move |i: u64| format!("/v2.0/ports?limit=100&marker={}", markers[i as usize % markers.len()]);
    let size = body_len(&emu, emu.auth(Req::get(page(0)))).await;
    let port_list = target(&emu, &[200], move |i| Req::get(page(i)).header("x-auth-token", tok.clone()));
    b.scenario(&format!("Neutron port list ({ports} ports, pages of 100)"), &port_list, size).await;

    // Durable creates.
    let (path, tok) = (emu.path("/v1/{pid}/vpcs"), emu.token.clone());
    let size = body_len(&emu, emu.auth(Req::post(path.clone(), json!({"vpc": {"name": "size", "cidr": "10.0.0.0/16"}})))).await;
    // VPC names are unique in a project: one counter across every run.
    let serial = std::sync::atomic::AtomicU64::new(0);
    let create_vpc = target(&emu, &[200], move |_| {
        let i = serial.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Req::post(path.clone(), json!({"vpc": {"name": format!("c-{i}"), "cidr": "10.0.0.0/16"}})).header("x-auth-token", tok.clone())
    });
    let create_stats = b.scenario("create VPC (SQLite)", &create_vpc, size).await;
    let tok = emu.token.clone();
    let nid = net_id.clone();
    let create_port =
        target(&emu, &[201], move |_| Req::post("/v2.0/ports", json!({"port": {"network_id": nid}})).header("x-auth-token", tok.clone()));
    b.scenario("create port (SQLite)", &create_port, size).await;
    let loaded_rss = emu.rss_kib();

    // Token validation on the request path, in process over the same store.
    let validation_us = validation_cost(&emu, if smoke { 2_000 } else { 100_000 });

    // List latency against the number of resources in the project.
    let scaling = list_scaling(&emu, scale, &mut b).await;

    // Mixed creates, shows, lists and deletes at 32 connections.
    let soak = soak::run(&emu, 32, args.soak_seconds.unwrap_or(if smoke { 2.0 } else { 30.0 })).await;

    // Nothing acknowledged is lost on kill -9.
    let durability = durability(&mut emu, &args.emulator, if smoke { 0.3 } else { 2.0 }).await;

    b.line("");
    b.line(format!("cold start to the first token: {:.1} ms", cold_start.as_secs_f64() * 1000.0));
    b.line(format!("resident memory: idle {} KiB, after the load {} KiB", opt(idle_rss), opt(loaded_rss)));
    b.line(format!("token validation on the request path: {validation_us:.2} µs"));
    b.line(format!("continuous token issuance: {issuance}"));
    b.line(format!("{scaling}"));
    b.line(format!("kill -9 during creates: {durability}"));
    b.line(format!("soak: {soak}"));
    drop(emu);

    if let (Some(script), Some(venv)) = (&args.peers_script, &args.peers_venv) {
        b.line("");
        peers::run(&mut b, script, venv, &token_stats, &validation_stats, &list_stats, &create_stats).await;
    }
    println!("{}", b.out);
    // The soak checks correctness, not speed: a wrong answer or a lost
    // resource fails the run, in the smoke form too.
    if !soak.passed() {
        eprintln!("the soak failed: {soak}");
        std::process::exit(1);
    }
}

fn opt(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "n/a".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Creates `n` resources with 8 connections, as the holder of `token`.
async fn seed(addr: std::net::SocketAddr, token: &str, n: usize, make: impl Fn(usize) -> Req + Send + Sync + 'static) {
    let make = Arc::new(make);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (make, next, tok) = (make.clone(), next.clone(), token.to_string());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let r = make(i).header("x-auth-token", tok.clone());
                let (status, _, body) = load::once(addr, &r).await.expect("the emulator answers");
                assert!(status < 300, "seeding failed: {status} {}", String::from_utf8_lossy(&body));
            }
        }));
    }
    for t in tasks {
        t.await.expect("seeding task");
    }
}

/// Microseconds one token validation takes through identity's
/// authenticator, on the emulator's own SQLite file.
fn validation_cost(emu: &Emulator, rounds: u32) -> f64 {
    // A snapshot of the emulator's database, not the file itself: one
    // process owns a data directory, and identity's start-up may write.
    let copy = tempfile::tempdir().expect("a temporary directory");
    let snapshot = copy.path().join("state.db");
    rusqlite::Connection::open(emu.data_dir.join("state.db"))
        .and_then(|c| c.execute("VACUUM INTO ?1", [snapshot.to_string_lossy()]))
        .expect("a snapshot of the emulator's database");
    let store = otc_store::Store::sqlite(&snapshot).expect("the snapshot opens");
    let cfg: otc_iam::IamConfig = Default::default();
    let iam = otc_iam::Iam::new(store, otc_core::Clock::new(), &cfg).expect("identity over the store");
    let started = Instant::now();
    for _ in 0..rounds {
        iam.authenticate_token(&emu.token, "bench").expect("the token is valid");
    }
    started.elapsed().as_secs_f64() * 1e6 / rounds as f64
}

/// p99 of a 100-item page of VPCs with 100 and with `scale` VPCs in a
/// fresh project.
async fn list_scaling(emu: &Emulator, scale: usize, b: &mut Bench) -> String {
    let project = emu.call(Req::post("/v3/projects", json!({"project": {"name": "eu-de_scaling"}}))).await;
    let pid = project["project"]["id"].as_str().unwrap_or_default().to_string();
    let scoped = json!({"auth": {"identity": emulator::password_body()["auth"]["identity"].clone(), "scope": {"project": {"id": pid}}}});
    let (_, headers, _) = load::once(emu.addr, &Req::post("/v3/auth/tokens", scoped)).await.expect("a token");
    let tok = headers.get("x-subject-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let path = format!("/v1/{pid}/vpcs");
    let mut p99 = Vec::new();
    let mut have = 0;
    for n in [100, scale] {
        let (p, t) = (path.clone(), tok.clone());
        seed(emu.addr, &t, n - have, move |i| Req::post(p.clone(), json!({"vpc": {"name": format!("s-{n}-{i}"), "cidr": "10.0.0.0/16"}})))
            .await;
        have = n;
        // Pages from markers spread over the whole collection, not just
        // the first page.
        let markers = spread_markers(emu, &path, &tok, 100).await;
        let (p, t) = (path.clone(), tok.clone());
        let list = Target {
            addr: emu.addr,
            next: Arc::new(move |i| {
                let page = match markers.get(i as usize % markers.len().max(1)) {
                    Some(m) => format!("{p}?limit=100&marker={m}"),
                    None => format!("{p}?limit=100"),
                };
                Req::get(page).header("x-auth-token", t.clone())
            }),
            ok: &[200],
        };
        let s = load::run(&list, 1, b.seconds).await;
        p99.push((n, s.p99_us));
    }
    let ratio = p99[1].1 as f64 / p99[0].1.max(1) as f64;
    format!("VPC list p99, pages of 100: {} µs at {} VPCs, {} µs at {} VPCs ({ratio:.1}×)", p99[0].1, p99[0].0, p99[1].1, p99[1].0)
}

/// Up to `count` VPC ids evenly spread over the collection at `path`
/// (walked in pages of 2,000, the largest VPC v1 allows).
async fn spread_markers(emu: &Emulator, path: &str, token: &str, count: usize) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    loop {
        let page = match ids.last() {
            Some(m) => format!("{path}?limit=2000&marker={m}"),
            None => format!("{path}?limit=2000"),
        };
        let Ok((200, _, body)) = load::once(emu.addr, &Req::get(page).header("x-auth-token", token.to_string())).await else { break };
        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
        let got: Vec<String> = v["vpcs"].as_array().into_iter().flatten().filter_map(|x| x["id"].as_str().map(String::from)).collect();
        let done = got.len() < 2000;
        ids.extend(got);
        if done {
            break;
        }
    }
    // Only markers a full page of 100 follows, so every page is as large
    // (a collection of 100 has none: its one page is read from the start).
    ids.truncate(ids.len().saturating_sub(100));
    let step = (ids.len() / count.max(1)).max(1);
    ids.into_iter().step_by(step).take(count).collect()
}

/// Creates VPCs with 8 connections, kills the emulator with SIGKILL while
/// they run, restarts it on the same data and checks every acknowledged
/// VPC is there.
async fn durability(emu: &mut Emulator, bin: &std::path::Path, seconds: f64) -> String {
    let acked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (acked, addr, tok, path) = (acked.clone(), emu.addr, emu.token.clone(), emu.path("/v1/{pid}/vpcs"));
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while Instant::now() < stop {
                let r = Req::post(path.clone(), json!({"vpc": {"name": format!("k-{w}-{i}"), "cidr": "10.0.0.0/16"}}))
                    .header("x-auth-token", tok.clone());
                i += 1;
                match load::once(addr, &r).await {
                    Ok((200, _, body)) => {
                        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
                        if let Some(id) = v["vpc"]["id"].as_str() {
                            acked.lock().expect("lock").push(id.to_string());
                        }
                    }
                    _ => break,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds / 2.0)).await;
    emu.kill();
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().expect("lock").clone();
    let data = emu.data_dir.clone();
    let again = Emulator::start(bin, &data).await;
    let mut present = std::collections::HashSet::new();
    let mut marker = String::new();
    loop {
        let page = again.call(Req::get(again.path(&format!("/v1/{{pid}}/vpcs?limit=2000{marker}")))).await;
        let ids: Vec<String> =
            page["vpcs"].as_array().map(|a| a.iter().filter_map(|v| v["id"].as_str().map(String::from)).collect()).unwrap_or_default();
        let Some(last) = ids.last().cloned() else { break };
        present.extend(ids);
        marker = format!("&marker={last}");
    }
    let lost = acked.iter().filter(|id| !present.contains(*id)).count();
    *emu = again;
    format!("{} creates acknowledged before the kill, {lost} missing after the restart", acked.len())
}
