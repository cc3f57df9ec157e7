//! The connection layer, below the gateway: accepts TCP connections and
//! serves HTTP/1.1 on each with hyper, every request going to
//! [`Gateway::handle`].
//!
//! The emulator owns this (rather than handing a router to `axum::serve`)
//! for the requests hyper answers itself before any service sees them: each
//! connection's stream is wrapped in [`canned::Io`], which replaces those
//! bare answers with the gateway's envelope. hyper's limits stay as they
//! are: 100 header lines, a head of about 400 KiB, a URI under 64 KiB;
//! whatever is refused for them is answered 400, 414 or 431 `APIGW.0201`.
//!
//! Shutdown is graceful: once `shutdown` completes, nothing more is
//! accepted, idle connections are closed, and [`serve`] returns when every
//! request in flight is answered.

mod canned;

use crate::Gateway;
use axum::body::Body;
use canned::InFlight;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Serves `gateway` on `listener` until `shutdown` completes (module doc).
pub async fn serve(listener: TcpListener, gateway: Arc<Gateway>, shutdown: impl Future<Output = ()>) {
    let mut http = http1::Builder::new();
    // No timer is given to hyper, so no timeout of its own (as before).
    http.header_read_timeout(None);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    if !accept_error_is_transient(&e) {
                        // Out of file descriptors, say: wait for some to be freed.
                        tracing::error!(error = %e, "cannot accept connections");
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                            _ = &mut shutdown => break,
                        }
                    }
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let in_flight = Arc::new(InFlight::default());
        let io = TokioIo::new(canned::Io::new(stream, in_flight.clone()));
        let gateway = gateway.clone();
        let service = service_fn(move |req: Request<Incoming>| {
            // Noted before the gateway runs: the answer's framing (a HEAD's
            // has no body) and that an answer is owed.
            in_flight.handed(req.method() == Method::HEAD);
            let (gateway, in_flight) = (gateway.clone(), in_flight.clone());
            async move {
                let resp = gateway.handle(req.map(Body::new)).await;
                // The gateway closes only when a body was left unread.
                if resp.headers().contains_key(hyper::header::CONNECTION) {
                    in_flight.closes_early();
                }
                Ok::<_, Infallible>(resp)
            }
        });
        let conn = graceful.watch(http.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Errors of one connection attempt (the client gave up), after which the
/// next accept can succeed at once.
fn accept_error_is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset | Interrupted | WouldBlock)
}
