//! The load generator: `concurrency` keep-alive HTTP/1.1 connections on
//! loopback, each sending its next request as soon as the previous answer
//! is read, for a fixed time. Latencies go into one histogram (µs).

use bytes::Bytes;
use hdrhistogram::Histogram;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One request to send; `next` builds the i-th request of a worker, so a
/// scenario can vary markers or names.
pub struct Target {
    pub addr: SocketAddr,
    pub next: Arc<dyn Fn(u64) -> Req + Send + Sync>,
    /// Statuses that count as success.
    pub ok: &'static [u16],
}

#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Req {
        Req { method: Method::GET, path: path.into(), headers: Vec::new(), body: Bytes::new() }
    }

    pub fn post(path: impl Into<String>, body: serde_json::Value) -> Req {
        Req {
            method: Method::POST,
            path: path.into(),
            headers: vec![("content-type", "application/json".into())],
            body: Bytes::from(body.to_string()),
        }
    }

    pub fn delete(path: impl Into<String>) -> Req {
        Req { method: Method::DELETE, path: path.into(), headers: Vec::new(), body: Bytes::new() }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Req {
        self.headers.push((name, value.into()));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub concurrency: usize,
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub p50_us: u64,
    pub p99_us: u64,
    hist: Histogram<u64>,
}

impl Stats {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    /// One measurement made of several slices of the same load.
    pub fn merge(mut self, other: Stats) -> Stats {
        let _ = self.hist.add(&other.hist);
        self.requests += other.requests;
        self.errors += other.errors;
        self.seconds += other.seconds;
        self.p50_us = self.hist.value_at_quantile(0.5);
        self.p99_us = self.hist.value_at_quantile(0.99);
        self
    }
}

async fn connect(addr: SocketAddr) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let io = hyper_util::rt::TokioIo::new(stream);
    let (send, conn) = hyper::client::conn::http1::handshake(io).await.map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

/// One keep-alive connection, for a client that sends a sequence of
/// requests of its own (the soak) rather than one request over and over.
pub struct Conn {
    addr: SocketAddr,
    send: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn, String> {
        Ok(Conn { addr, send: connect(addr).await? })
    }

    /// Sends `r`; a broken connection is replaced for the next call, and
    /// this call's failure is returned.
    pub async fn call(&mut self, r: &Req) -> Result<(u16, Bytes), String> {
        match exchange(&mut self.send, self.addr, r).await {
            Ok((status, _, body)) => Ok((status, body)),
            Err(e) => {
                self.send = connect(self.addr).await?;
                Err(e)
            }
        }
    }
}

/// Sends one request and reads the whole answer.
pub async fn once(addr: SocketAddr, r: &Req) -> Result<(u16, http::HeaderMap, Bytes), String> {
    let mut send = connect(addr).await?;
    exchange(&mut send, addr, r).await
}

async fn exchange(
    send: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    r: &Req,
) -> Result<(u16, http::HeaderMap, Bytes), String> {
    let mut b = Request::builder().method(r.method.clone()).uri(&r.path).header("host", addr.to_string());
    for (k, v) in &r.headers {
        b = b.header(*k, v);
    }
    let req = b.body(Full::new(r.body.clone())).map_err(|e| e.to_string())?;
    // A keep-alive connection takes its next request only once its task
    // has finished the last answer; sending sooner is refused ("connection
    // was not ready"), which a loaded machine shows.
    send.ready().await.map_err(|e| e.to_string())?;
    let resp = send.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((status, headers, body))
}

/// Runs `target` with `concurrency` connections for `duration`.
pub async fn run(target: &Target, concurrency: usize, duration: Duration) -> Stats {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let next = target.next.clone();
        let (addr, ok) = (target.addr, target.ok);
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
            let (mut n, mut errors) = (0u64, 0u64);
            let mut send = match connect(addr).await {
                Ok(s) => s,
                Err(_) => return (hist, 0, 1),
            };
            let mut i = w as u64;
            while Instant::now() < deadline {
                let r = next(i);
                i += concurrency as u64;
                let t = Instant::now();
                let outcome = exchange(&mut send, addr, &r).await;
                // Servers that close after each answer (moto, gunicorn's
                // sync workers) get a new connection for the next request.
                let closing = outcome
                    .as_ref()
                    .is_ok_and(|(_, h, _)| h.get("connection").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close")));
                match outcome {
                    Ok((status, _, _)) if ok.contains(&status) => n += 1,
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        match connect(addr).await {
                            Ok(s) => send = s,
                            Err(_) => break,
                        }
                    }
                }
                let _ = hist.record(t.elapsed().as_micros().max(1) as u64);
                if closing {
                    match connect(addr).await {
                        Ok(s) => send = s,
                        Err(_) => break,
                    }
                }
            }
            (hist, n, errors)
        }));
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
    let (mut requests, mut errors) = (0, 0);
    for t in tasks {
        if let Ok((h, n, e)) = t.await {
            let _ = hist.add(&h);
            requests += n;
            errors += e;
        }
    }
    Stats {
        concurrency,
        requests,
        errors,
        seconds: started.elapsed().as_secs_f64(),
        p50_us: hist.value_at_quantile(0.5),
        p99_us: hist.value_at_quantile(0.99),
        hist,
    }
}
