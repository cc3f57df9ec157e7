//! The limit: a do-nothing server on the emulator's own stack (tokio,
//! hyper through axum) that answers every request with a fixed JSON body
//! of a given size. What the emulator reaches of its throughput is the
//! share of the work that is not HTTP.

use axum::http::{header, HeaderValue};
use axum::response::Response;
use std::net::SocketAddr;

/// Serves `body_bytes`-long JSON bodies on a free loopback port until the
/// process ends; returns the address.
pub async fn start(body_bytes: usize) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let addr = listener.local_addr().expect("bound");
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
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}
