//! The HTTP layer below the gateway, driven over raw TCP: requests hyper
//! refuses itself get the gateway's envelope, request bodies are read or
//! drained so that keep-alive connections stay usable, and pipelined
//! requests are answered in order.

use crate::common::{config, Emu};
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One answer as read off the wire.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("a JSON body ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// The API gateway's envelope with `code`, its request id that of the header.
    fn assert_gateway_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "status; body {:?}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type"), Some("application/json"));
        let b = self.json();
        assert_eq!(b["error_code"], code, "{b}");
        assert!(b["error_msg"].as_str().is_some_and(|m| !m.is_empty()), "{b}");
        let id = self.header("x-request-id").expect("an X-Request-Id");
        assert_eq!(id.len(), 32);
        assert_eq!(b["request_id"], id);
        b
    }

    fn closes(&self) -> bool {
        self.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// A client connection written to by hand.
struct Wire {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Wire {
    async fn open(emu: &Emu) -> Wire {
        Wire { stream: TcpStream::connect(emu.server.addr).await.expect("connects"), buf: Vec::new() }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("the server reads");
    }

    async fn fill(&mut self) -> usize {
        let mut chunk = [0u8; 16384];
        let n = tokio::time::timeout(Duration::from_secs(10), self.stream.read(&mut chunk))
            .await
            .expect("the server answers in time")
            .expect("the connection stays up");
        self.buf.extend_from_slice(&chunk[..n]);
        n
    }

    /// The next answer's head: status and headers.
    async fn head(&mut self) -> (u16, Vec<(String, String)>) {
        let end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            assert!(self.fill().await > 0, "the connection closed before an answer: {:?}", String::from_utf8_lossy(&self.buf));
        };
        let head = String::from_utf8(self.buf.drain(..end + 4).collect()).expect("an ASCII head");
        let mut lines = head.trim_end().split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines.map(|l| l.split_once(':').unwrap()).map(|(n, v)| (n.to_string(), v.trim().to_string())).collect();
        (status, headers)
    }

    /// The next final answer; `bodiless` for the answer to a HEAD.
    async fn answer_to(&mut self, bodiless: bool) -> Answer {
        let (status, headers) = self.head().await;
        let mut a = Answer { status, headers, body: Vec::new() };
        let len: usize = if bodiless { 0 } else { a.header("content-length").expect("a Content-Length").parse().unwrap() };
        while self.buf.len() < len {
            assert!(self.fill().await > 0, "the connection closed inside a body");
        }
        a.body = self.buf.drain(..len).collect();
        a
    }

    async fn answer(&mut self) -> Answer {
        self.answer_to(false).await
    }

    /// Whether the server closed the connection (after what was read).
    async fn closed(&mut self) -> bool {
        self.buf.is_empty() && matches!(tokio::time::timeout(Duration::from_secs(5), self.fill()).await, Ok(0))
    }
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").into_bytes()
}

/// What hyper refuses by itself is answered with the gateway's envelope.
async fn refused(emu: &Emu, request: &[u8], status: u16) -> Value {
    let mut w = Wire::open(emu).await;
    w.send(request).await;
    let a = w.answer().await;
    let b = a.assert_gateway_error(status, "APIGW.0201");
    assert!(a.closes(), "a refused request closes the connection");
    assert!(w.closed().await);
    b
}

#[tokio::test]
async fn requests_hyper_refuses_get_the_gateway_envelope() {
    let emu = Emu::start().await;
    let long_path = format!("/v3/{}", "a".repeat(70 * 1024));
    let b = refused(&emu, &get(&long_path), 414).await;
    assert_eq!(b["error_msg"], "Request URI too large");
    let long_query = format!("/v3?q={}", "b".repeat(80 * 1024));
    refused(&emu, &get(&long_query), 414).await;

    let mut many = String::from("GET /v3 HTTP/1.1\r\nHost: localhost\r\n");
    for i in 0..200 {
        many.push_str(&format!("X-Header-{i}: {i}\r\n"));
    }
    many.push_str("\r\n");
    let b = refused(&emu, many.as_bytes(), 431).await;
    assert_eq!(b["error_msg"], "Request headers too large");

    let two_lengths = b"POST /v3/auth/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
    refused(&emu, two_lengths, 400).await;
    refused(&emu, b"GARBAGE\r\n\r\n", 400).await;
    refused(&emu, b"GET /v3 NOT-HTTP\r\n\r\n", 400).await;
    refused(&emu, b"GET /v3 HTTP/1.1\r\nBad Header Name: x\r\n\r\n", 400).await;
    let ids: Vec<Value> = vec![refused(&emu, b"GARBAGE\r\n\r\n", 400).await, refused(&emu, b"GARBAGE\r\n\r\n", 400).await];
    assert_ne!(ids[0]["request_id"], ids[1]["request_id"], "every refusal has a fresh request id");
}

#[tokio::test]
async fn a_refusal_after_pipelined_answers_comes_after_them() {
    let emu = Emu::start().await;
    let mut w = Wire::open(&emu).await;
    // A GET, a HEAD (whose answer declares a length but has no body), an
    // unknown route, then garbage: the first three are the gateway's, in
    // order, and the garbage is refused after them.
    let mut bytes = get("/v3");
    bytes.extend_from_slice(b"HEAD /v3 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    bytes.extend_from_slice(&get("/no/such/api"));
    bytes.extend_from_slice(b"BROKEN REQUEST\r\n\r\n");
    w.send(&bytes).await;
    let first = w.answer().await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["version"]["id"], "v3.6");
    let head = w.answer_to(true).await;
    assert!(head.header("x-request-id").is_some());
    w.answer().await.assert_gateway_error(404, "APIGW.0101");
    w.answer().await.assert_gateway_error(400, "APIGW.0201");
    assert!(w.closed().await);
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let emu = Emu::start().await;
    let mut w = Wire::open(&emu).await;
    let mut bytes = get("/v3");
    bytes.extend_from_slice(&get("/no/such/api"));
    bytes.extend_from_slice(&get("/"));
    w.send(&bytes).await;
    let a = w.answer().await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["version"]["id"], "v3.6");
    w.answer().await.assert_gateway_error(404, "APIGW.0101");
    let c = w.answer().await;
    assert_eq!(c.status, 300, "identity's version list");
    assert!(c.json()["versions"].is_object());
    assert!(!c.closes());
    // And the connection goes on.
    w.send(&get("/v3")).await;
    assert_eq!(w.answer().await.status, 200);
}

#[tokio::test]
async fn a_connection_stays_usable_after_an_answer_that_needed_no_body() {
    let emu = Emu::start().await;
    let mut w = Wire::open(&emu).await;
    // The body follows its head a moment later, as from a client streaming
    // it: the 404 is decided before the body is there.
    w.send(b"POST /no/such/api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    w.send(b"{\"some\": \"body\"").await;
    let a = w.answer().await;
    a.assert_gateway_error(404, "APIGW.0101");
    assert!(!a.closes());
    w.send(&get("/v3")).await;
    assert_eq!(w.answer().await.status, 200, "the second request on the connection is answered");

    // A chunked body, and a control call, which takes none.
    w.send(b"POST /_emulator/clock/advance/1 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    w.send(b"4\r\n{}{}\r\n0\r\n\r\n").await;
    let a = w.answer().await;
    assert_eq!(a.status, 200);
    assert!(!a.closes());
    w.send(&get("/v3")).await;
    assert_eq!(w.answer().await.status, 200);
}

#[tokio::test]
async fn an_unread_body_over_the_limit_closes_the_connection() {
    let emu = Emu::with(otc_emulator::config::Config { max_body_bytes: 1024, ..config() }).await;
    let mut w = Wire::open(&emu).await;
    let mut bytes = b"POST /no/such/api HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4096\r\n\r\n".to_vec();
    bytes.extend_from_slice(&[b' '; 4096]);
    w.send(&bytes).await;
    let a = w.answer().await;
    a.assert_gateway_error(404, "APIGW.0101");
    assert!(a.closes(), "the body could not be drained");
    assert!(w.closed().await);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_broken_ones_400() {
    let emu = Emu::with(otc_emulator::config::Config { max_body_bytes: 1024, ..config() }).await;
    let token = "POST /v3/auth/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

    // Declared over the limit.
    let mut w = Wire::open(&emu).await;
    let mut bytes = format!("{token}Content-Length: 4096\r\n\r\n").into_bytes();
    bytes.extend_from_slice(&[b' '; 4096]);
    w.send(&bytes).await;
    let a = w.answer().await;
    assert_eq!(a.assert_gateway_error(413, "APIGW.0201")["error_msg"], "Request entity too large");
    assert!(a.closes());
    assert!(w.closed().await);

    // Chunked, going over the limit only as it arrives.
    let mut w = Wire::open(&emu).await;
    let mut bytes = format!("{token}Transfer-Encoding: chunked\r\n\r\n").into_bytes();
    for _ in 0..4 {
        bytes.extend_from_slice(b"200\r\n");
        bytes.extend_from_slice(&[b' '; 0x200]);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    w.send(&bytes).await;
    let a = w.answer().await;
    a.assert_gateway_error(413, "APIGW.0201");
    assert!(a.closes());

    // Bad chunk framing.
    for broken in [&b"zz\r\n{}\r\n0\r\n\r\n"[..], b"2\r\n{}XX0\r\n\r\n", b"5\r\n{}\r\n0\r\n\r\n"] {
        let mut w = Wire::open(&emu).await;
        w.send(format!("{token}Transfer-Encoding: chunked\r\n\r\n").as_bytes()).await;
        w.send(broken).await;
        let a = w.answer().await;
        a.assert_gateway_error(400, "APIGW.0201");
        assert!(a.closes());
        assert!(w.closed().await);
    }

    // A body cut short by the client's half-close.
    let mut w = Wire::open(&emu).await;
    w.send(format!("{token}Content-Length: 100\r\n\r\n{{\"auth\":").as_bytes()).await;
    w.stream.shutdown().await.unwrap();
    let a = w.answer().await;
    a.assert_gateway_error(400, "APIGW.0201");

    // Within the limit, the same connection carries on.
    let mut w = Wire::open(&emu).await;
    w.send(format!("{token}Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n").as_bytes()).await;
    let a = w.answer().await;
    assert_eq!(a.status, 400, "an empty auth body is IAM's own refusal");
    assert!(!a.closes());
    w.send(&get("/v3")).await;
    assert_eq!(w.answer().await.status, 200);
}

#[tokio::test]
async fn an_interim_100_continue_is_not_taken_for_an_answer() {
    let emu = Emu::start().await;
    let mut w = Wire::open(&emu).await;
    w.send(b"POST /v3/auth/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n").await;
    let (status, _) = w.head().await;
    assert_eq!(status, 100);
    w.send(b"{}").await;
    assert_eq!(w.answer().await.status, 400);
    // hyper's refusal after it is still recognised as hyper's.
    w.send(b"GARBAGE\r\n\r\n").await;
    w.answer().await.assert_gateway_error(400, "APIGW.0201");

    // An early answer to a client still waiting to be asked for its body
    // closes the connection instead of asking for it.
    let mut w = Wire::open(&emu).await;
    w.send(b"POST /no/such/api HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n").await;
    let a = w.answer().await;
    a.assert_gateway_error(404, "APIGW.0101");
    assert!(a.closes());
}

#[tokio::test]
async fn stopping_closes_idle_keep_alive_connections() {
    let emu = Emu::start().await;
    let mut w = Wire::open(&emu).await;
    w.send(&get("/v3")).await;
    assert_eq!(w.answer().await.status, 200);
    let Emu { server, .. } = emu;
    tokio::time::timeout(Duration::from_secs(5), server.stop()).await.expect("stops at once with an idle connection open");
    assert!(w.closed().await);
}
