//! The soak: many clients at once creating, showing, listing and deleting
//! resources of several kinds, as a busy CI day does. It checks what a
//! user relies on rather than how fast it goes: every answer is the one
//! documented, every resource whose creation was acknowledged and not
//! deleted is there at the end, and memory comes back down once the
//! resources are gone again.

use crate::emulator::Emulator;
use crate::load::{Conn, Req};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A kind of resource the soak churns: how to create one, where it lives.
#[derive(Clone, Copy)]
enum Kind {
    Vpc,
    SecurityGroup,
    Port,
}

const KINDS: [Kind; 3] = [Kind::Vpc, Kind::SecurityGroup, Kind::Port];

/// Resources one client keeps alive before it deletes its oldest.
const LIVE_PER_CLIENT: usize = 6;

struct Fixture {
    token: String,
    project_id: String,
    network_id: String,
}

impl Fixture {
    fn auth(&self, r: Req) -> Req {
        r.header("x-auth-token", self.token.clone())
    }

    fn create(&self, kind: Kind, name: &str) -> (Req, u16, &'static str) {
        let pid = &self.project_id;
        match kind {
            Kind::Vpc => (Req::post(format!("/v1/{pid}/vpcs"), json!({"vpc": {"name": name, "cidr": "10.0.0.0/16"}})), 200, "vpc"),
            Kind::SecurityGroup => (Req::post("/v2.0/security-groups", json!({"security_group": {"name": name}})), 201, "security_group"),
            Kind::Port => (Req::post("/v2.0/ports", json!({"port": {"name": name, "network_id": self.network_id}})), 201, "port"),
        }
    }

    fn path(&self, kind: Kind, id: &str) -> String {
        match kind {
            Kind::Vpc => format!("/v1/{}/vpcs/{id}", self.project_id),
            Kind::SecurityGroup => format!("/v2.0/security-groups/{id}"),
            Kind::Port => format!("/v2.0/ports/{id}"),
        }
    }

    fn list(&self, kind: Kind) -> String {
        match kind {
            Kind::Vpc => format!("/v1/{}/vpcs?limit=100", self.project_id),
            Kind::SecurityGroup => "/v2.0/security-groups?limit=100".into(),
            Kind::Port => "/v2.0/ports?limit=100".into(),
        }
    }
}

/// What one round found.
#[derive(Default)]
struct Round {
    requests: u64,
    /// Answers other than the documented one, and broken connections.
    errors: u64,
    first_error: Option<String>,
    acknowledged: u64,
    /// Acknowledged, not deleted, and not found at the end.
    missing: u64,
}

pub struct Report {
    pub connections: usize,
    pub seconds: f64,
    pub requests: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub acknowledged: u64,
    pub missing: u64,
    /// Resident memory before the first round, and after each round's
    /// resources were deleted again (KiB).
    pub rss_kib: Vec<Option<u64>>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.errors == 0 && self.missing == 0
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rss: Vec<String> = self.rss_kib.iter().map(|r| r.map(|k| format!("{k} KiB")).unwrap_or("n/a".into())).collect();
        write!(
            f,
            "{} connections, {:.0} s: {} requests, {} errors, {} creates acknowledged, {} missing at the end; \
             resident memory before, then after each round's deletes: {}",
            self.connections,
            self.seconds,
            self.requests,
            self.errors,
            self.acknowledged,
            self.missing,
            rss.join(", ")
        )?;
        if let Some(e) = &self.first_error {
            write!(f, " (first error: {e})")?;
        }
        Ok(())
    }
}

/// Two rounds of `seconds / 2` at `connections` clients, in a project of
/// its own; between and after them, every resource is deleted and the
/// emulator's memory read.
pub async fn run(emu: &Emulator, connections: usize, seconds: f64) -> Report {
    let fx = Arc::new(fixture(emu).await);
    let mut rss = vec![emu.rss_kib()];
    let (mut total, serial) = (Round::default(), Arc::new(AtomicU64::new(0)));
    for _ in 0..2 {
        let r = round(emu, &fx, connections, Duration::from_secs_f64(seconds / 2.0), &serial).await;
        total.requests += r.requests;
        total.errors += r.errors;
        total.acknowledged += r.acknowledged;
        total.missing += r.missing;
        total.first_error = total.first_error.or(r.first_error);
        // Give the allocator a moment to hand freed pages back.
        tokio::time::sleep(Duration::from_millis(300)).await;
        rss.push(emu.rss_kib());
    }
    Report {
        connections,
        seconds,
        requests: total.requests,
        errors: total.errors,
        first_error: total.first_error,
        acknowledged: total.acknowledged,
        missing: total.missing,
        rss_kib: rss,
    }
}

async fn fixture(emu: &Emulator) -> Fixture {
    let project = emu.call(Req::post("/v3/projects", json!({"project": {"name": format!("eu-de_soak{}", std::process::id())}}))).await;
    let project_id = project["project"]["id"].as_str().unwrap_or_default().to_string();
    let scoped = json!({"auth": {"identity": crate::emulator::password_body()["auth"]["identity"].clone(),
        "scope": {"project": {"id": project_id}}}});
    let (_, headers, _) = crate::load::once(emu.addr, &Req::post("/v3/auth/tokens", scoped)).await.expect("a token");
    let token = headers.get("x-subject-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let mut conn = Conn::open(emu.addr).await.expect("a connection");
    let mut call = async |r: Req| -> Value {
        let (status, body) = conn.call(&r.header("x-auth-token", token.clone())).await.expect("the emulator answers");
        assert!(status < 300, "soak fixture: {status} {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap_or_default()
    };
    let net = call(Req::post("/v2.0/networks", json!({"network": {"name": "soak"}}))).await;
    let network_id = net["network"]["id"].as_str().unwrap_or_default().to_string();
    call(Req::post("/v2.0/subnets", json!({"subnet": {"network_id": network_id, "cidr": "10.64.0.0/16", "ip_version": 4}}))).await;
    Fixture { token, project_id, network_id }
}

async fn round(emu: &Emulator, fx: &Arc<Fixture>, connections: usize, duration: Duration, serial: &Arc<AtomicU64>) -> Round {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for w in 0..connections {
        let (fx, serial, addr) = (fx.clone(), serial.clone(), emu.addr);
        tasks.push(tokio::spawn(async move { client(addr, &fx, w, deadline, &serial).await }));
    }
    let mut total = Round::default();
    for t in tasks {
        match t.await {
            Ok(r) => {
                total.requests += r.requests;
                total.errors += r.errors;
                total.acknowledged += r.acknowledged;
                total.missing += r.missing;
                total.first_error = total.first_error.or(r.first_error);
            }
            Err(e) => {
                total.errors += 1;
                total.first_error.get_or_insert(format!("a client failed: {e}"));
            }
        }
    }
    total
}

/// One client: create, show, sometimes list, and delete its oldest once
/// it holds enough; at the deadline it checks that what it holds is
/// there, then deletes it.
async fn client(addr: std::net::SocketAddr, fx: &Fixture, w: usize, deadline: Instant, serial: &AtomicU64) -> Round {
    let mut r = Round::default();
    let Ok(mut conn) = Conn::open(addr).await else {
        r.errors += 1;
        r.first_error = Some("cannot connect".into());
        return r;
    };
    let mut live: std::collections::VecDeque<(Kind, String)> = Default::default();
    let expect = async |conn: &mut Conn, r: &mut Round, req: Req, want: u16| -> Option<Value> {
        r.requests += 1;
        let what = format!("{} {}", req.method, req.path);
        match conn.call(&fx.auth(req)).await {
            Ok((status, body)) if status == want => Some(serde_json::from_slice(&body).unwrap_or_default()),
            Ok((status, body)) => {
                r.errors += 1;
                r.first_error.get_or_insert(format!("{what}: {status} {}", String::from_utf8_lossy(&body)));
                None
            }
            Err(e) => {
                r.errors += 1;
                r.first_error.get_or_insert(format!("{what}: {e}"));
                None
            }
        }
    };
    let mut i = w;
    while Instant::now() < deadline {
        let kind = KINDS[i % KINDS.len()];
        i += 1;
        let name = format!("soak-{}", serial.fetch_add(1, Ordering::Relaxed));
        let (req, status, key) = fx.create(kind, &name);
        if let Some(v) = expect(&mut conn, &mut r, req, status).await {
            match v[key]["id"].as_str() {
                Some(id) => {
                    r.acknowledged += 1;
                    live.push_back((kind, id.to_string()));
                    expect(&mut conn, &mut r, Req::get(fx.path(kind, id)), 200).await;
                }
                None => {
                    r.errors += 1;
                    r.first_error.get_or_insert(format!("a {key} without an id: {v}"));
                }
            }
        }
        if i % 4 == 0 {
            expect(&mut conn, &mut r, Req::get(fx.list(kind)), 200).await;
        }
        if live.len() > LIVE_PER_CLIENT {
            let (kind, id) = live.pop_front().expect("not empty");
            expect(&mut conn, &mut r, Req::delete(fx.path(kind, &id)), 204).await;
            expect(&mut conn, &mut r, Req::get(fx.path(kind, &id)), 404).await;
        }
    }
    for (kind, id) in live {
        r.requests += 1;
        match conn.call(&fx.auth(Req::get(fx.path(kind, &id)))).await {
            Ok((200, _)) => {}
            other => {
                r.missing += 1;
                r.first_error.get_or_insert(format!("acknowledged {id} is gone: {other:?}"));
            }
        }
        expect(&mut conn, &mut r, Req::delete(fx.path(kind, &id)), 204).await;
    }
    r
}
