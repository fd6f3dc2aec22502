//! Accepting and serving connections: HTTP/1.1 through hyper with a timer, so that a connection
//! cannot sit open for nothing. A request's headers must arrive within the header timeout, a
//! connection with nothing in flight and nothing received is closed after the idle timeout,
//! open connections are capped overall (below the open-file limit) and per peer address, and
//! on shutdown connections get a deadline. Connections from a trusted proxy are not counted per
//! address and may idle longer, since the proxy pools them and has read each request's head.
//! What hyper answers by itself (a head it cannot parse) is rewritten as JSON (`own_answers`).
//!
//! HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a reverse proxy terminates, and
//! proxies speak HTTP/1.1 to their upstreams.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

use super::client::ClientKey;
use super::own_answers::{Handed, JsonAnswers};
use crate::http::{AppState, Limits, Metrics};

/// Largest request head accepted (431 beyond). Browsers send a few hundred bytes to this API;
/// 16 KiB leaves room for the cookies of a 商工会 site serving it on its own domain.
const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The most a connection buffers while reading: a whole head, or a part of a body. It bounds
/// what a stalled connection holds (hyper's default is about 400 KiB).
const MAX_READ_BUFFER: usize = 2 * MAX_HEADER_BYTES;
/// How long a connection from a trusted proxy may wait for its next request: longer than the
/// upstream keep-alive of Caddy (2 min) and nginx (60 s), so that the proxy closes an idle
/// pooled connection before we do and never sends a request into one we are closing.
const PROXY_IDLE: Duration = Duration::from_secs(5 * 60);
/// Open files kept back from the connection cap: the listener, Redis, a corpus reload, logs.
#[cfg(unix)]
const RESERVED_FILES: u64 = 64;

/// Open connections, overall and per peer address.
#[derive(Debug, Default)]
struct Connections {
    open: AtomicUsize,
    per_peer: Mutex<HashMap<ClientKey, usize>>,
    closed: Notify,
}

/// One admitted connection; it leaves the count when dropped.
struct Slot {
    conns: Arc<Connections>,
    metrics: Arc<Metrics>,
    peer: Option<ClientKey>,
}

/// Why a connection was refused at accept.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Total,
    PerAddress,
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ClientKey, usize>> {
        // Every update is a single increment or decrement: a poisoned map is still consistent.
        self.per_peer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a connection unless a cap is reached; `peer` is `None` for a trusted proxy.
    /// Only the accept loop admits, so checking the total and then adding to it is not racy.
    fn admit(
        self: &Arc<Self>,
        peer: Option<ClientKey>,
        limits: &Limits,
        max: usize,
        metrics: &Arc<Metrics>,
    ) -> Result<Slot, Refusal> {
        if self.open.load(Ordering::Acquire) >= max {
            return Err(Refusal::Total);
        }
        if let Some(key) = peer {
            let mut map = self.lock();
            let n = map.entry(key).or_insert(0);
            if *n >= limits.max_connections_per_client {
                return Err(Refusal::PerAddress);
            }
            *n += 1;
        }
        self.open.fetch_add(1, Ordering::AcqRel);
        metrics.connections(1);
        Ok(Slot {
            conns: self.clone(),
            metrics: metrics.clone(),
            peer,
        })
    }

    /// Resolves when no connection is open.
    async fn drained(&self) {
        loop {
            let closed = self.closed.notified();
            if self.open.load(Ordering::Acquire) == 0 {
                return;
            }
            closed.await;
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(key) = self.peer {
            let mut map = self.conns.lock();
            if let Some(n) = map.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&key);
                }
            }
        }
        self.conns.open.fetch_sub(1, Ordering::AcqRel);
        self.metrics.connections(-1);
        self.conns.closed.notify_waiters();
    }
}

/// Serves `listener` until `shutdown` resolves, then lets requests in flight finish for at
/// most the shutdown timeout.
pub(in crate::http) async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = state.limits;
    let max = connection_cap(limits.max_connections);
    tracing::info!(
        "at most {max} connections, {} per address; headers within {} ms, idle connections closed after {} ms",
        limits.max_connections_per_client,
        limits.header_timeout.as_millis(),
        limits.idle_timeout.as_millis()
    );
    let trusted = state.trusted_proxies.clone();
    let metrics = state.metrics.clone();
    let app = crate::http::app(state);
    let conns = Arc::new(Connections::default());
    let (close, closing) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        let proxy = trusted.contains(peer.ip());
        let key = (!proxy).then(|| ClientKey::of(peer.ip()));
        match conns.admit(key, &limits, max, &metrics) {
            Ok(slot) => {
                let _ = stream.set_nodelay(true);
                let conn = Conn {
                    peer,
                    proxy,
                    limits,
                    app: app.clone(),
                };
                tokio::spawn(conn.serve(stream, slot, closing.clone()));
            }
            Err(why) => {
                metrics.connection_refused(match why {
                    Refusal::Total => "total",
                    Refusal::PerAddress => "per_address",
                });
                refuse(stream);
            }
        }
    }
    drop(listener);
    let _ = close.send(());
    let open = conns.open.load(Ordering::Acquire);
    if open > 0 {
        tracing::info!(
            "{open} connections open; waiting at most {} ms for them",
            limits.shutdown_timeout.as_millis()
        );
    }
    if tokio::time::timeout(limits.shutdown_timeout, conns.drained())
        .await
        .is_err()
    {
        tracing::warn!(
            "{} connections still open at the shutdown deadline: closing them",
            conns.open.load(Ordering::Acquire)
        );
    }
    Ok(())
}

/// Refuses a connection over a cap: a 503 if the socket takes it at once, then close.
fn refuse(stream: TcpStream) {
    const BODY: &str = r#"{"error":{"code":"too_many_connections","message":"接続が多すぎます。少し待ってからお試しください。 / Too many connections; retry later.","message_ja":"接続が多すぎます。少し待ってからお試しください。","message_en":"Too many connections; retry later."}}"#;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(response.as_bytes());
}

/// An accept error. One connection's trouble (reset before it was accepted) needs no pause;
/// running out of files or memory does, or the loop would spin on the error.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!("accepting a connection failed: {e}");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// The connection cap, below the open-file limit. The soft limit is raised to the hard one
/// first (as Go's runtime does): the soft default of 1024 dates from select(2).
fn connection_cap(configured: usize) -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current < limit.maximum || (limit.current.is_some() && limit.maximum.is_none()) {
            let raised = rustix::process::Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            let _ = setrlimit(Resource::Nofile, raised);
        }
        if let Some(files) = getrlimit(Resource::Nofile).current {
            let room = usize::try_from(files.saturating_sub(RESERVED_FILES))
                .unwrap_or(usize::MAX)
                .max(1);
            if room < configured {
                tracing::warn!(
                    "--max-connections {configured} lowered to {room}: the process may open {files} files"
                );
                return room;
            }
        }
    }
    configured
}

/// One connection's settings.
struct Conn {
    peer: SocketAddr,
    proxy: bool,
    limits: Limits,
    app: Router,
}

impl Conn {
    /// Serves the connection until it ends, is idle too long, or the server shuts down.
    async fn serve(self, stream: TcpStream, _slot: Slot, mut closing: watch::Receiver<()>) {
        let activity = Arc::new(Activity::new());
        let handed = Arc::new(Handed::default());
        let io = TokioIo::new(JsonAnswers::new(
            Watched {
                inner: stream,
                activity: activity.clone(),
            },
            handed.clone(),
        ));
        let (peer, app, seen) = (self.peer, self.app, activity.clone());
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let busy = Busy::start(&seen);
            let (app, handed) = (app.clone(), handed.clone());
            let head = req.method() == hyper::Method::HEAD;
            async move {
                let res = app.oneshot(req.map(Body::new)).await;
                // Counted before hyper writes it: a head nobody handed is hyper's own answer.
                handed.push(head);
                drop(busy);
                res
            }
        });
        let (header_timeout, idle) = if self.proxy {
            (PROXY_IDLE, None)
        } else {
            (self.limits.header_timeout, Some(self.limits.idle_timeout))
        };
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .max_header_size(MAX_HEADER_BYTES)
            .max_buf_size(MAX_READ_BUFFER);
        let conn = builder.serve_connection(io, service);
        tokio::pin!(conn);
        let mut ending = false;
        loop {
            let idle_check = async {
                match idle {
                    Some(d) if !ending => {
                        tokio::time::sleep_until(activity.idle_at(d).into()).await
                    }
                    _ => std::future::pending().await,
                }
            };
            tokio::select! {
                res = conn.as_mut() => {
                    if let Err(e) = res {
                        tracing::debug!("connection ended: {e}");
                    }
                    return;
                }
                _ = closing.changed(), if !ending => {
                    if activity.requests() == 0 {
                        // Nothing was ever asked on it (at most a head is half-sent): close now.
                        return;
                    }
                    // Closes the connection now if it is between requests, else after the
                    // answer in progress.
                    conn.as_mut().graceful_shutdown();
                    ending = true;
                }
                () = idle_check => {
                    if let Some(d) = idle
                        && activity.is_idle(d)
                    {
                        if activity.requests() == 0 {
                            return;
                        }
                        conn.as_mut().graceful_shutdown();
                        ending = true;
                    }
                }
            }
        }
    }
}

/// When a connection last did something (received bytes or finished a request), and what it
/// is doing. hyper's graceful shutdown closes a connection at once only between two requests,
/// not before its first one, so a connection that never got a request is dropped instead.
#[derive(Debug)]
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last activity.
    last: AtomicU64,
    /// Requests in flight.
    busy: AtomicUsize,
    /// Requests started on this connection.
    requests: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// When the connection will have been idle for `d`, if nothing happens meanwhile (a busy
    /// connection is looked at again after `d`).
    fn idle_at(&self, d: Duration) -> Instant {
        if self.busy.load(Ordering::Relaxed) > 0 {
            return Instant::now() + d;
        }
        self.start + Duration::from_millis(self.last.load(Ordering::Relaxed)) + d
    }

    fn is_idle(&self, d: Duration) -> bool {
        self.busy.load(Ordering::Relaxed) == 0 && Instant::now() >= self.idle_at(d)
    }
}

/// A request being answered on a connection.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(a: &Arc<Activity>) -> Self {
        a.requests.fetch_add(1, Ordering::Relaxed);
        a.busy.fetch_add(1, Ordering::Relaxed);
        Self(a.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP stream that notes when bytes arrive.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let res = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(res, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.touch();
        }
        res
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
