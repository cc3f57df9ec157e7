//! The limit: a do-nothing server on the emulator's own stack (tokio,
//! hyper through axum) that answers every request with a fixed JSON body
//! of a given size. What the emulator reaches of its throughput is the
//! share of the work that is not HTTP.
//!
//! It runs as a process of its own (this binary with `--serve-limit`), as
//! the emulator does, so both pay the same for crossing between the load
//! generator's process and theirs.

use axum::http::{header, HeaderValue};
use axum::response::Response;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

/// Serves `body_bytes`-long JSON bodies on a free loopback port until the
/// process is killed; the address goes to stdout first.
pub async fn serve(body_bytes: usize) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    println!("{}", listener.local_addr().expect("bound"));
    let filler = "x".repeat(body_bytes.saturating_sub(10));
    let body = bytes::Bytes::from(format!("{{\"x\": \"{filler}\"}}"));
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move {
            let mut r = Response::new(axum::body::Body::from(body));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
    });
    let _ = axum::serve(listener, app).await;
}

/// A running limit server process; killed when dropped.
pub struct LimitServer {
    child: Child,
    pub addr: SocketAddr,
}

impl LimitServer {
    pub fn spawn(body_bytes: usize) -> LimitServer {
        let exe = std::env::current_exe().expect("the benchmark binary's path");
        let mut child = Command::new(exe)
            .args(["--serve-limit", &body_bytes.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the limit server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("the limit server's address");
        let addr = line.trim().parse().expect("the limit server prints its address");
        LimitServer { child, addr }
    }
}

impl Drop for LimitServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
