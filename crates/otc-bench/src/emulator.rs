//! The emulator under test: its binary started as users start it (SQLite
//! in a fresh data directory), its cold start, its memory, and the
//! fixtures the scenarios read.

use crate::load::{once, Req};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Emulator {
    pub child: Child,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub token: String,
    pub project_id: String,
    /// From spawn to the first token served.
    pub cold_start: Duration,
}

/// Quotas out of the way: the scenarios create many resources.
const CONFIG: &str = r#"
[network.quotas]
vpc = 1000000
subnet = 1000000
security_group = 1000000
"#;

pub fn password_body() -> Value {
    json!({"auth": {"identity": {"methods": ["password"], "password": {"user":
        {"name": "admin", "password": "emulator", "domain": {"name": "emulator"}}}},
        "scope": {"project": {"name": "eu-de", "domain": {"name": "emulator"}}}}})
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Emulator {
    /// Starts `bin` on `data_dir` and waits for its first token.
    pub async fn start(bin: &Path, data_dir: &Path) -> Emulator {
        std::fs::create_dir_all(data_dir).expect("data dir");
        let config = data_dir.join("bench.toml");
        std::fs::write(&config, CONFIG).expect("config");
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("address");
        let started = Instant::now();
        let child = Command::new(bin)
            .args(["serve", "--listen", &addr.to_string(), "--store", "sqlite"])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--config")
            .arg(&config)
            // The access log is a line per request; benchmarks measure
            // the service, not the terminal.
            .env("OTC_EMULATOR_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data_dir.join("stderr.log")).map(Stdio::from).unwrap_or(Stdio::null()))
            .spawn()
            .expect("the emulator binary starts");
        let mut child = child;
        let (token, project_id) = loop {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(data_dir.join("stderr.log")).unwrap_or_default();
                panic!("the emulator exited ({status}): {log}");
            }
            if let Ok((201, headers, body)) = once(addr, &Req::post("/v3/auth/tokens", password_body())).await {
                let token = headers.get("x-subject-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                let body: Value = serde_json::from_slice(&body).unwrap_or_default();
                break (token, body["token"]["project"]["id"].as_str().unwrap_or_default().to_string());
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the emulator did not come up");
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        let cold_start = started.elapsed();
        Emulator { child, addr, data_dir: data_dir.to_path_buf(), token, project_id, cold_start }
    }

    pub fn auth(&self, r: Req) -> Req {
        r.header("x-auth-token", self.token.clone())
    }

    /// `path` with `{pid}` replaced.
    pub fn path(&self, path: &str) -> String {
        path.replace("{pid}", &self.project_id)
    }

    /// An authenticated call that must succeed; returns the body.
    pub async fn call(&self, r: Req) -> Value {
        let (status, _, body) = once(self.addr, &self.auth(r)).await.expect("the emulator answers");
        assert!(status < 300, "fixture call failed: {status} {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap_or_default()
    }

    /// Resident memory in KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok())
    }

    /// kill -9.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.kill();
    }
}
