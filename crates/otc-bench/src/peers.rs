//! The peers a user would otherwise run, started through bench/peers.sh
//! (it installs them from PyPI): moto's server for the nearest EC2
//! operations and Keystone (SQLite, fernet tokens, gunicorn) for tokens.
//! Each is driven by the same load generator as the emulator.

use crate::load::{self, Req, Stats, Target};
use crate::Bench;
use serde_json::json;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// Starts a peer through the script; returns its PID.
fn start(script: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("bash").arg(script).args(args).output().ok()?;
    if !out.status.success() {
        eprintln!("peer did not start: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    String::from_utf8_lossy(&out.stdout).lines().last().map(|s| s.trim().to_string())
}

fn stop(script: &Path, pid: &str) {
    let _ = Command::new("bash").arg(script).args(["stop", pid]).status();
}

fn port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// An EC2 Query API request shaped as the AWS SDKs sign it (moto does
/// not check the signature).
fn ec2(action_body: &str) -> Req {
    let mut r = Req::get("/");
    r.method = http::Method::POST;
    r.body = bytes::Bytes::from(format!("{action_body}&Version=2016-11-15"));
    r.header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .header("x-amz-date", "20261122T000000Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
        )
}

fn keystone_auth() -> serde_json::Value {
    json!({"auth": {"identity": {"methods": ["password"], "password": {"user":
        {"name": "admin", "password": "bench-admin-pw", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
}

/// The ratio row: the emulator's throughput over the peer's, per level.
fn row(b: &mut Bench, name: &str, peer: &[Stats], ours: &[Stats]) {
    for (p, o) in peer.iter().zip(ours) {
        b.line(format!(
            "| {name} | {} | {:.0} | {} | {} | {} | {:.0} | {:.1}× |",
            p.concurrency,
            p.rps(),
            p.p50_us,
            p.p99_us,
            p.errors,
            o.rps(),
            o.rps() / p.rps().max(0.001)
        ));
    }
}

async fn measure(b: &Bench, target: &Target) -> Vec<Stats> {
    let mut out = Vec::new();
    for &c in &b.levels {
        out.push(load::run(target, c, b.seconds).await);
    }
    out
}

pub async fn run(b: &mut Bench, script: &Path, venv: &Path, tokens: &[Stats], validations: &[Stats], list: &[Stats], creates: &[Stats]) {
    let venv = venv.to_string_lossy().to_string();
    if Command::new("bash").arg(script).args(["setup", &venv]).status().map(|s| !s.success()).unwrap_or(true) {
        b.line("peers: setup failed, not measured");
        return;
    }
    b.line("| peer operation | concurrency | peer req/s | p50 µs | p99 µs | errors | emulator req/s | emulator / peer |");
    b.line("|---|---|---|---|---|---|---|---|");

    let moto_port = port();
    if let Some(pid) = start(script, &["start-moto", &venv, &moto_port.to_string()]) {
        let addr: SocketAddr = format!("127.0.0.1:{moto_port}").parse().expect("address");
        // A fresh moto: its VPCs pile up and make DescribeVpcs slower.
        let mut reset = Req::get("/moto-api/reset");
        reset.method = http::Method::POST;
        let _ = load::once(addr, &reset).await;
        let describe = Target { addr, next: Arc::new(|_| ec2("Action=DescribeVpcs")), ok: &[200] };
        let s = measure(b, &describe).await;
        row(b, "moto EC2 DescribeVpcs vs VPC v1 list", &s, list);
        let create = Target { addr, next: Arc::new(|_| ec2("Action=CreateVpc&CidrBlock=10.0.0.0%2F16")), ok: &[200] };
        let s = measure(b, &create).await;
        row(b, "moto EC2 CreateVpc vs VPC v1 create", &s, creates);
        stop(script, &pid);
    }

    let ks_port = port();
    let work = tempfile::tempdir().expect("a temporary directory");
    let work_dir = work.path().to_string_lossy().to_string();
    if let Some(pid) = start(script, &["start-keystone", &venv, &ks_port.to_string(), &work_dir]) {
        let addr: SocketAddr = format!("127.0.0.1:{ks_port}").parse().expect("address");
        let issue = Target { addr, next: Arc::new(|_| Req::post("/v3/auth/tokens", keystone_auth())), ok: &[201] };
        let s = measure(b, &issue).await;
        row(b, "Keystone token issuance", &s, tokens);
        if let Ok((201, headers, _)) = load::once(addr, &Req::post("/v3/auth/tokens", keystone_auth())).await {
            let token = headers.get("x-subject-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let t = token.clone();
            let validate = Target {
                addr,
                next: Arc::new(move |_| Req::get("/v3/auth/tokens").header("x-auth-token", t.clone()).header("x-subject-token", t.clone())),
                ok: &[200],
            };
            let s = measure(b, &validate).await;
            row(b, "Keystone token validation", &s, validations);
        }
        stop(script, &pid);
    }
}
