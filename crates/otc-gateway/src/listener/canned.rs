//! hyper's own answers, replaced by the gateway's.
//!
//! hyper answers some requests itself before any service sees them: a
//! request line or header that does not parse (400), conflicting
//! `Content-Length` headers (400), a URI of 64 KiB or more (414), more than
//! 100 header lines or a head over ~400 KiB (431). Its answer is a bare
//! status line with an empty body and no request id, after which it closes
//! the connection. Clients parse every error body as JSON, so those answers
//! must carry the gateway's envelope; but the URI and request-line limits
//! are hard-wired in hyper and the error never reaches a service, so the
//! answer is rewritten on its way to the socket.
//!
//! [`Io`] wraps a connection's stream and follows the framing of the
//! answers written through it: a head, then as many body bytes as it
//! declares. Every answer but hyper's own is the gateway's, and the gateway
//! always knows its length (a `Content-Length`; none for HEAD, 204 and 304),
//! so following them costs one parse of each head. An answer written while
//! no request handed to the gateway is waiting for one, and without the
//! `X-Request-Id` the gateway puts on every answer, is hyper's: it is
//! swallowed and the gateway's envelope written in its place, with a fresh
//! request id and `Connection: close`.
//!
//! Rewriting on the write side, rather than checking request heads as they
//! are read, needs no second parser of request framing (chunked bodies,
//! pipelined requests) that would have to agree with hyper's byte for byte.
//! Whatever this cannot follow (a head it cannot parse, a body of unknown
//! length) is passed through untouched for the rest of the connection: it
//! may then miss a canned answer, but it never alters anything else.
//!
//! Closing a connection while the client may still be sending (hyper
//! refused its request, or the gateway answered without reading a body it
//! could not drain) lingers: the write side is shut, and what still arrives
//! is read and dropped for a moment. Closing with unread data would make
//! the kernel reset the connection, and a reset can destroy the answer
//! before the client has read it.

use crate::render;
use otc_core::api::Family;
use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, IoSlice, Write as _};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How long a closing connection keeps reading what the client still sends.
const LINGER: Duration = Duration::from_secs(1);
/// hyper writes at most 64 slices at once.
const MAX_SLICES: usize = 64;
/// The gateway's answers have a handful of headers; hyper's fewer.
const MAX_HEADERS: usize = 32;

/// The requests of one connection handed to the gateway whose answers have
/// not reached the socket yet, oldest first. Shared by the connection's
/// service (which notes each request) and its [`Io`] (which matches each
/// answer it writes to one).
#[derive(Default)]
pub(crate) struct InFlight {
    /// Per request: whether it was a HEAD, whose answer has no body whatever
    /// its `Content-Length` says.
    heads: Mutex<VecDeque<bool>>,
    /// The gateway answered `Connection: close` while the client may still
    /// be sending a body.
    linger: AtomicBool,
}

impl InFlight {
    pub(crate) fn handed(&self, is_head: bool) {
        self.heads.lock().unwrap_or_else(|p| p.into_inner()).push_back(is_head);
    }

    pub(crate) fn closes_early(&self) {
        self.linger.store(true, Ordering::Relaxed);
    }

    fn answered(&self) -> Option<bool> {
        self.heads.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
    }
}

/// Where the byte stream written to the socket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// The next byte starts an answer's head.
    Head,
    /// This many bytes of the current answer (head and body) are still to
    /// be passed through.
    Pass(u64),
    /// This many bytes of hyper's own answer are still to be dropped.
    Swallow(u64),
    /// Framing this cannot follow: everything passes from here on.
    Opaque,
}

/// A connection's stream, with hyper's canned answers replaced (module doc).
pub(crate) struct Io<T> {
    inner: T,
    framing: Framing,
    in_flight: std::sync::Arc<InFlight>,
    /// The gateway's answer in hyper's place, and how much of it is written.
    replacement: Option<(Vec<u8>, usize)>,
    linger: Linger,
    shut: bool,
}

enum Linger {
    No,
    Wanted,
    Until(Pin<Box<tokio::time::Sleep>>),
    Done,
}

impl<T> Io<T> {
    pub(crate) fn new(inner: T, in_flight: std::sync::Arc<InFlight>) -> Self {
        Io { inner, framing: Framing::Head, in_flight, replacement: None, linger: Linger::No, shut: false }
    }

    /// Decides what the answer whose head starts `bytes` is. hyper puts a
    /// whole head into its write buffer at once, so a head is never split
    /// across writes at its start.
    fn classify(&mut self, bytes: &[u8]) -> Framing {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut head = httparse::Response::new(&mut headers);
        let Ok(httparse::Status::Complete(head_len)) = head.parse(bytes) else { return Framing::Opaque };
        let head_len = head_len as u64;
        let status = head.code.unwrap_or(0);
        if (100..200).contains(&status) {
            // 100 Continue: interim, the request's answer is still to come.
            return Framing::Pass(head_len);
        }
        let header = |name: &str| head.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value);
        let content_length = header("content-length").and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<u64>().ok());
        match (self.in_flight.answered(), header("x-request-id")) {
            (None, None) => {
                self.replacement = Some((replacement(&head, status), 0));
                self.linger = Linger::Wanted;
                Framing::Swallow(head_len + content_length.unwrap_or(0))
            }
            (Some(is_head), _) => {
                let bodiless = is_head || status == 204 || status == 304;
                match (bodiless, content_length, header("transfer-encoding")) {
                    (true, _, _) => Framing::Pass(head_len),
                    (false, Some(len), None) => Framing::Pass(head_len + len),
                    // Chunked or close-delimited: not the gateway's way.
                    _ => Framing::Opaque,
                }
            }
            // An answer nobody asked for, yet with a request id: lost track.
            (None, Some(_)) => Framing::Opaque,
        }
    }
}

/// The gateway's envelope for the status hyper answered with.
fn replacement(head: &httparse::Response<'_, '_>, status: u16) -> Vec<u8> {
    let request_id = otc_core::ids::hex32();
    let error = render::refused_request(status);
    let body = serde_json::to_vec(&render::error_body(Family::Gateway, &error, &request_id)).unwrap_or_default();
    tracing::info!(target: "access", request_id = %request_id, status, error_code = %error.code, "refused by the HTTP layer");
    let mut out = Vec::with_capacity(200 + body.len());
    let _ = write!(
        out,
        "HTTP/1.{} {status} {}\r\ncontent-type: application/json\r\nx-request-id: {request_id}\r\ncontent-length: {}\r\nconnection: close\r\n",
        head.version.unwrap_or(1),
        head.reason.unwrap_or(""),
        body.len()
    );
    if let Some(date) = head.headers.iter().find(|h| h.name.eq_ignore_ascii_case("date")) {
        out.extend_from_slice(b"date: ");
        out.extend_from_slice(date.value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    out
}

impl<T: AsyncRead + AsyncWrite + Unpin> Io<T> {
    /// Writes out what replaced hyper's answer; everything hyper writes
    /// later goes after it.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacement {
            if *written == bytes.len() {
                self.replacement = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Reads and drops what the client still sends, until it closes or
    /// [`LINGER`] has passed.
    fn poll_linger(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            match &mut self.linger {
                Linger::No | Linger::Done => return Poll::Ready(()),
                Linger::Wanted => self.linger = Linger::Until(Box::pin(tokio::time::sleep(LINGER))),
                Linger::Until(deadline) => {
                    if deadline.as_mut().poll(cx).is_ready() {
                        self.linger = Linger::Done;
                        continue;
                    }
                    let mut scratch = [0u8; 8192];
                    let mut buf = ReadBuf::new(&mut scratch);
                    match ready!(Pin::new(&mut self.inner).poll_read(cx, &mut buf)) {
                        Ok(()) if !buf.filled().is_empty() => {}
                        _ => self.linger = Linger::Done,
                    }
                }
            }
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for Io<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Io<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    /// Passes hyper's bytes through, but never past the end of the current
    /// answer in one write: the next answer's head is classified when it is
    /// reached, so that a partial write never leaves a decision about bytes
    /// not yet written.
    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.poll_replacement(cx))?;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        if total == 0 {
            return Poll::Ready(Ok(0));
        }
        loop {
            match this.framing {
                Framing::Opaque => return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs),
                Framing::Head => {
                    let first = bufs.iter().find(|b| !b.is_empty()).expect("some bytes");
                    this.framing = this.classify(first);
                }
                Framing::Swallow(left) => {
                    let n = left.min(total as u64);
                    this.framing = if n == left { Framing::Head } else { Framing::Swallow(left - n) };
                    // Start on the replacement now; what is left of it goes
                    // out on the next write, flush or shutdown.
                    let _ = this.poll_replacement(cx)?;
                    return Poll::Ready(Ok(n as usize));
                }
                Framing::Pass(left) => {
                    let n = if left >= total as u64 {
                        ready!(Pin::new(&mut this.inner).poll_write_vectored(cx, bufs))?
                    } else {
                        let mut slices = [IoSlice::new(&[]); MAX_SLICES];
                        let count = truncate(bufs, left as usize, &mut slices);
                        ready!(Pin::new(&mut this.inner).poll_write_vectored(cx, &slices[..count]))?
                    };
                    let n64 = n as u64;
                    this.framing = if n64 >= left { Framing::Head } else { Framing::Pass(left - n64) };
                    return Poll::Ready(Ok(n));
                }
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.poll_replacement(cx))?;
        if !this.shut {
            ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
            this.shut = true;
            if this.in_flight.linger.load(Ordering::Relaxed) && matches!(this.linger, Linger::No) {
                this.linger = Linger::Wanted;
            }
        }
        ready!(this.poll_linger(cx));
        Poll::Ready(Ok(()))
    }
}

/// The first `max` bytes of `bufs`, as slices in `out`; returns how many.
fn truncate<'a>(bufs: &'a [IoSlice<'a>], max: usize, out: &mut [IoSlice<'a>; MAX_SLICES]) -> usize {
    let mut left = max;
    let mut count = 0;
    for b in bufs {
        if left == 0 || count == MAX_SLICES {
            break;
        }
        let take = b.len().min(left);
        out[count] = IoSlice::new(&b[..take]);
        count += 1;
        left -= take;
    }
    count
}
