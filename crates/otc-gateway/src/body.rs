//! Request bodies: read whole within the size limit, or, when the gateway
//! answered without needing one, drained so that the connection can carry
//! the client's next request.
//!
//! The two ways a read fails are answered differently (render.rs): a body
//! over the limit is the gateway's 413, a body that breaks off or whose
//! chunked framing is wrong is a 400. Either way the rest of the body is
//! unread, so the answer closes the connection.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// Longer than the limit (declared or sent).
    TooLarge,
    /// Bad chunked framing, or the connection failed before the end.
    Broken,
}

/// What became of a request's body by the time its answer is sent.
pub(crate) struct RequestBody {
    body: Option<Body>,
    /// The client sent `Expect: 100-continue`: it sends the body only once
    /// asked to, which reading it does.
    expects_continue: bool,
    /// Set once the body was read to its end.
    finished: bool,
}

impl RequestBody {
    pub(crate) fn new(body: Body, expects_continue: bool) -> Self {
        RequestBody { body: Some(body), expects_continue, finished: false }
    }

    /// The whole body, at most `limit` bytes.
    pub(crate) async fn read(&mut self, limit: usize) -> Result<Bytes, Unreadable> {
        let Some(mut body) = self.body.take() else { return Ok(Bytes::new()) };
        let mut first: Option<Bytes> = None;
        let mut more: Option<BytesMut> = None;
        let mut len = 0usize;
        let outcome = consume(&mut body, limit, |chunk| {
            len += chunk.len();
            // Most bodies arrive in one piece: keep it as it is, copy only
            // when a second one follows.
            match (&mut first, &mut more) {
                (None, _) => first = Some(chunk),
                (Some(f), None) => {
                    let mut buf = BytesMut::with_capacity(len.max(2 * f.len()));
                    buf.extend_from_slice(f);
                    buf.extend_from_slice(&chunk);
                    more = Some(buf);
                }
                (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
            }
        })
        .await;
        outcome?;
        self.finished = true;
        Ok(match (first, more) {
            (_, Some(buf)) => buf.freeze(),
            (Some(f), None) => f,
            (None, None) => Bytes::new(),
        })
    }

    /// Whether the connection can carry another request once this one is
    /// answered. A body nobody read is read now and dropped, within `limit`,
    /// so that the client's next request on the connection is not taken
    /// for the rest of this one; otherwise the answer must close it.
    pub(crate) async fn settle(&mut self, limit: usize) -> bool {
        if self.finished {
            return true;
        }
        let Some(mut body) = self.body.take() else {
            // Taken by `read`, which failed: the rest is unread.
            return false;
        };
        if http_body::Body::is_end_stream(&body) {
            return true;
        }
        if self.expects_continue {
            // Reading would ask the client for a body the answer does not
            // need; closing tells it not to send one.
            return false;
        }
        consume(&mut body, limit, drop).await.is_ok()
    }
}

/// Feeds `body`'s data to `sink` until its end, at most `limit` bytes.
async fn consume(body: &mut Body, limit: usize, mut sink: impl FnMut(Bytes)) -> Result<(), Unreadable> {
    // A declared length over the limit is refused before a byte is read.
    if http_body::Body::size_hint(body).lower() > limit as u64 {
        return Err(Unreadable::TooLarge);
    }
    let mut remaining = limit;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| Unreadable::Broken)?;
        if let Ok(data) = frame.into_data() {
            remaining = remaining.checked_sub(data.len()).ok_or(Unreadable::TooLarge)?;
            sink(data);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body that arrives in pieces, and may break off.
    struct Pieces(VecDeque<Result<&'static str, &'static str>>);

    impl http_body::Body for Pieces {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            Poll::Ready(self.0.pop_front().map(|p| p.map(|s| http_body::Frame::data(Bytes::from(s))).map_err(std::io::Error::other)))
        }
    }

    fn body(pieces: Vec<Result<&'static str, &'static str>>, expects_continue: bool) -> RequestBody {
        RequestBody::new(Body::new(Pieces(pieces.into())), expects_continue)
    }

    #[tokio::test]
    async fn reads_whole_bodies_and_tells_a_long_one_from_a_broken_one() {
        let mut b = body(vec![Ok("ab"), Ok("cd")], false);
        assert_eq!(b.read(4).await.unwrap(), Bytes::from("abcd"));
        assert!(b.settle(4).await);
        let mut b = body(vec![Ok("ab"), Ok("cde")], false);
        assert_eq!(b.read(4).await, Err(Unreadable::TooLarge));
        assert!(!b.settle(4).await);
        let mut b = body(vec![Ok("ab"), Err("bad chunk")], false);
        assert_eq!(b.read(4).await, Err(Unreadable::Broken));
        assert!(!b.settle(4).await);
        let mut b = RequestBody::new(Body::from("too long"), false);
        assert_eq!(b.read(4).await, Err(Unreadable::TooLarge));
    }

    #[tokio::test]
    async fn an_unread_body_is_drained_within_the_limit() {
        assert!(body(vec![Ok("ab"), Ok("cd")], false).settle(4).await);
        assert!(!body(vec![Ok("ab"), Ok("cde")], false).settle(4).await);
        assert!(!body(vec![Ok("ab"), Err("reset")], false).settle(4).await);
        // A client waiting for 100 Continue is not asked for its body.
        assert!(!body(vec![Ok("ab")], true).settle(4).await);
        assert!(RequestBody::new(Body::empty(), true).settle(4).await);
    }
}
