//! hyper's own answers in the API's JSON. When a request's head cannot be parsed — headers over
//! 16 KiB or over 100 of them (431), a URI too long (414), a malformed request line or header or
//! a conflicting `Content-Length` (400) — hyper answers by itself, with an empty body, and closes
//! the connection; no handler runs. hyper 1.x has no hook for that answer, so the connection's
//! writes are followed here: every response head is held until it is complete, and one that no
//! handler produced (the service counts those it hands back, in order) is replaced by the same
//! status with the JSON error body. Bodies of handler responses pass through unbuffered, their
//! framing (`Content-Length`, chunked) followed to find the next head; anything else (a body
//! that runs to the close) is passed through untouched from there on.

use std::collections::VecDeque;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::http::ApiError;

mod chunked;

use chunked::Chunk;

/// The longest response head held: far above any this service writes (a few hundred bytes).
const MAX_HEAD: usize = 64 * 1024;

/// The responses the service has handed to hyper and hyper has not yet begun to write, in
/// order: each says whether it goes without a body (an answer to `HEAD`).
#[derive(Debug, Default)]
pub(in crate::http) struct Handed(Mutex<VecDeque<bool>>);

impl Handed {
    /// The service hands hyper a response to a request of this method.
    pub(in crate::http) fn push(&self, head_request: bool) {
        self.lock().push_back(head_request);
    }

    fn pop(&self) -> Option<bool> {
        self.lock().pop_front()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<bool>> {
        // One push or pop at a time: a poisoned queue is still consistent.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Where the connection's output is.
#[derive(Debug)]
enum Out {
    /// In a response head, held until it is complete.
    Head(Vec<u8>),
    /// In a body of a known length: the bytes left.
    Body(u64),
    /// In a chunked body.
    Chunked(Chunk),
    /// Past anything followed: every byte passes.
    Through,
}

/// A connection's IO whose writes are followed as above.
pub(in crate::http) struct JsonAnswers<T> {
    inner: T,
    handed: Arc<Handed>,
    out: Out,
    /// Bytes taken from hyper and not yet written (a held head, or its replacement).
    pending: Vec<u8>,
    written: usize,
    /// A buffer for the next head (reused, so that a response costs no allocation here).
    spare: Vec<u8>,
}

impl<T> JsonAnswers<T> {
    pub(in crate::http) fn new(inner: T, handed: Arc<Handed>) -> Self {
        Self {
            inner,
            handed,
            out: Out::Head(Vec::new()),
            pending: Vec::new(),
            written: 0,
            spare: Vec::new(),
        }
    }

    /// A complete head: written as it is, or replaced; the state for what follows it.
    fn finish_head(&mut self, head: Vec<u8>) {
        let text = String::from_utf8_lossy(&head);
        let status = text
            .get(9..12)
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or(0);
        if (100..200).contains(&status) {
            // 100 Continue, written by hyper while a handler reads the body: a final head
            // follows.
            self.hold(head);
            self.out = self.next_head();
            return;
        }
        let Some(head_request) = self.handed.pop() else {
            let json = replacement(status, &text);
            self.hold(json);
            // hyper closes the connection after its own answer.
            self.out = Out::Through;
            return;
        };
        let header = |name: &str| {
            text.split("\r\n").skip(1).find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
            })
        };
        let out = if head_request || status == 204 || status == 304 {
            None
        } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            Some(Out::Chunked(Chunk::start()))
        } else {
            match header("content-length").and_then(|v| v.parse::<u64>().ok()) {
                Some(0) => None,
                Some(n) => Some(Out::Body(n)),
                None => Some(Out::Through),
            }
        };
        self.hold(head);
        self.out = out.unwrap_or_else(|| self.next_head());
    }

    /// Queues `bytes` to go out before anything later. The buffers are reused: what was
    /// written last time becomes the next head's.
    fn hold(&mut self, bytes: Vec<u8>) {
        if self.pending.is_empty() {
            self.spare = std::mem::replace(&mut self.pending, bytes);
            self.spare.clear();
            self.written = 0;
        } else {
            self.pending.extend_from_slice(&bytes);
        }
    }

    /// The state at the start of the next head.
    fn next_head(&mut self) -> Out {
        Out::Head(std::mem::take(&mut self.spare))
    }
}

/// The JSON answer that stands in for hyper's own answer with `status`; its `Date` is kept.
fn replacement(status: u16, head: &str) -> Vec<u8> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let error = match status {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ApiError::HeadersTooLarge,
        StatusCode::URI_TOO_LONG => ApiError::UriTooLong,
        _ => ApiError::MalformedHead { status },
    };
    let body = error.json_body();
    let date = head
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("date:"))
        .map(|l| format!("{l}\r\n"))
        .unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-content-type-options: nosniff\r\ncache-control: no-store\r\nconnection: close\r\n{date}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Slices written at most in one vectored write of a body (hyper queues a few).
const MAX_SLICES: usize = 8;

impl<T: AsyncWrite + Unpin> JsonAnswers<T> {
    /// Writes what is pending; ready when nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    /// Writes what is pending, then `body` (bytes the state lets through), in one vectored
    /// write when both are there, so that a held head goes out with its body as hyper would
    /// have sent it; returns how many bytes of `body` were written.
    fn poll_send(
        &mut self,
        cx: &mut Context<'_>,
        body: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        loop {
            let rest = &self.pending[self.written..];
            if rest.is_empty() {
                return Pin::new(&mut self.inner).poll_write_vectored(cx, body);
            }
            let both = [IoSlice::new(rest), body[0]];
            let n = ready!(Pin::new(&mut self.inner).poll_write_vectored(cx, &both))?;
            if n == 0 {
                return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
            }
            let held = rest.len();
            if n < held {
                self.written += n;
                continue;
            }
            self.pending.clear();
            self.written = 0;
            if n > held {
                return Poll::Ready(Ok(n - held));
            }
        }
    }

    /// `n` bytes of a body of known length went out.
    fn sent_body(&mut self, n: usize) {
        if let Out::Body(left) = &mut self.out {
            *left = left.saturating_sub(n as u64);
            if *left == 0 {
                self.out = self.next_head();
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonAnswers<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        match &mut this.out {
            Out::Through => this.poll_send(cx, &[IoSlice::new(buf)]),
            Out::Body(left) => {
                let k = usize::try_from(*left).unwrap_or(usize::MAX).min(buf.len());
                let n = ready!(this.poll_send(cx, &[IoSlice::new(&buf[..k])]))?;
                this.sent_body(n);
                Poll::Ready(Ok(n))
            }
            Out::Chunked(state) => {
                // Only up to the body's end, so that the next head is held.
                let mut probe = *state;
                let k = probe.advance(buf);
                let n = ready!(this.poll_send(cx, &[IoSlice::new(&buf[..k])]))?;
                if let Out::Chunked(state) = &mut this.out {
                    state.advance(&buf[..n]);
                    if state.is_done() {
                        this.out = this.next_head();
                    }
                }
                Poll::Ready(Ok(n))
            }
            Out::Head(_) if this.pending.len() > MAX_HEAD => {
                // Heads held back to back (answers to HEAD): out with them first.
                ready!(this.poll_pending(cx))?;
                Pin::new(this).poll_write(cx, buf)
            }
            Out::Head(held) => {
                let before = held.len();
                held.extend_from_slice(buf);
                let end = held
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map(|p| p + 4);
                match end {
                    Some(end) => {
                        held.truncate(end);
                        let head = std::mem::take(held);
                        this.finish_head(head);
                        Poll::Ready(Ok(end - before))
                    }
                    None if held.len() > MAX_HEAD => {
                        let head = std::mem::take(held);
                        this.pending.extend_from_slice(&head);
                        this.out = Out::Through;
                        Poll::Ready(Ok(buf.len()))
                    }
                    None => Poll::Ready(Ok(buf.len())),
                }
            }
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match this.out {
            Out::Through if this.pending.is_empty() => {
                Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
            }
            Out::Body(left) if this.pending.is_empty() => {
                // The body's slices, up to its end.
                let mut room = usize::try_from(left).unwrap_or(usize::MAX);
                let mut slices = [IoSlice::new(&[]); MAX_SLICES];
                let mut used = 0;
                for b in bufs.iter().filter(|b| !b.is_empty()) {
                    if used == MAX_SLICES || room == 0 {
                        break;
                    }
                    let take = b.len().min(room);
                    slices[used] = IoSlice::new(&b[..take]);
                    used += 1;
                    room -= take;
                }
                if used == 0 {
                    return Poll::Ready(Ok(0));
                }
                let n = ready!(Pin::new(&mut this.inner).poll_write_vectored(cx, &slices[..used]))?;
                this.sent_body(n);
                Poll::Ready(Ok(n))
            }
            // A head, a chunked body, or a held head to send first: one slice at a time.
            _ => {
                let first = bufs
                    .iter()
                    .find(|b| !b.is_empty())
                    .map_or(&[][..], |b| &b[..]);
                Pin::new(this).poll_write(cx, first)
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonAnswers<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// Writes `parts` one write each through the follower; what reached the socket.
    async fn through(handed: &[bool], parts: &[&[u8]]) -> String {
        let h = Arc::new(Handed::default());
        for &b in handed {
            h.push(b);
        }
        let mut w = JsonAnswers::new(Vec::new(), h);
        for p in parts {
            w.write_all(p).await.unwrap();
        }
        w.flush().await.unwrap();
        String::from_utf8(w.inner).unwrap()
    }

    /// Writes `parts` as the slices of vectored writes (as hyper's queue does), to the end.
    async fn through_vectored(handed: usize, parts: &[&[u8]]) -> String {
        let h = Arc::new(Handed::default());
        (0..handed).for_each(|_| h.push(false));
        let mut w = JsonAnswers::new(Vec::new(), h);
        let whole: Vec<u8> = parts.concat();
        let mut done = 0;
        while done < whole.len() {
            // The slices as they stand after `done` bytes.
            let mut at = 0;
            let mut slices = Vec::new();
            for p in parts {
                let (start, end) = (at, at + p.len());
                at = end;
                if end > done {
                    slices.push(IoSlice::new(&p[done.max(start) - start..]));
                }
            }
            let n = w.write_vectored(&slices).await.unwrap();
            assert!(n > 0);
            done += n;
        }
        w.flush().await.unwrap();
        String::from_utf8(w.inner).unwrap()
    }

    #[tokio::test]
    async fn handler_answers_pass_and_hypers_own_become_json() {
        let ours = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
        let chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nHTTP/\r\n3;x=y\r\nabc\r\n0\r\n\r\n";
        let own = "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Thu, 03 Dec 2026 07:00:00 GMT\r\n\r\n";
        // Split at every byte boundary of the head and the body: the same bytes come out.
        let whole = format!("{ours}{chunked}");
        for cut in 1..whole.len() {
            let (a, b) = whole.as_bytes().split_at(cut);
            assert_eq!(through(&[false, false], &[a, b]).await, whole, "cut {cut}");
        }
        // As hyper's queue writes them: a head, then its body, in slices.
        let (head, body) = ours.split_at(ours.find("hello").unwrap());
        let parts: [&[u8]; 4] = [
            head.as_bytes(),
            &body.as_bytes()[..2],
            &body.as_bytes()[2..],
            head.as_bytes(),
        ];
        assert_eq!(through_vectored(2, &parts).await, format!("{ours}{head}"));
        // Two handler answers, then hyper's own: the third is replaced.
        let out = through(
            &[false, false],
            &[ours.as_bytes(), chunked.as_bytes(), own.as_bytes()],
        )
        .await;
        assert!(out.starts_with(&whole), "{out}");
        let own_out = &out[whole.len()..];
        assert!(
            own_out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{own_out}"
        );
        assert!(own_out.contains("content-type: application/json\r\n"));
        assert!(own_out.contains("date: Thu, 03 Dec 2026 07:00:00 GMT\r\n"));
        let body = own_out.split("\r\n\r\n").nth(1).unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "headers_too_large", "{v}");
        assert!(own_out.contains(&format!("content-length: {}\r\n", body.len())));
        // A 100 Continue and an answer to HEAD (a length, no body) are followed too.
        let cont = "HTTP/1.1 100 Continue\r\n\r\n";
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n";
        let bad = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        let out = through(&[true], &[cont.as_bytes(), head.as_bytes(), bad.as_bytes()]).await;
        assert!(out.starts_with(&format!("{cont}{head}HTTP/1.1 400 Bad Request\r\n")));
        assert!(out.contains("\"code\":\"bad_request\""), "{out}");
    }
}
