//! Protection of the service: a per-client rate limit (429), a concurrency limit that sheds
//! load (503), a request timeout (503), and panics turned into a 500 JSON answer instead of a
//! dead connection. Every refusal carries `Retry-After` and the same JSON error body.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::BoxError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::ApiError;

/// Limits of the service, all configurable from `serve`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests handled at once; more are refused with 503 rather than queued.
    pub max_concurrency: usize,
    /// A request taking longer is answered 503.
    pub request_timeout: Duration,
    /// Sustained requests per second per client address (`None`: no rate limit).
    pub rate_per_second: Option<NonZeroU32>,
    /// Requests a client may send in a burst above the sustained rate.
    pub rate_burst: NonZeroU32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Two cores answer a chat turn in well under a millisecond; 256 in flight is far
            // beyond what they can usefully overlap, so more would only queue.
            max_concurrency: 256,
            request_timeout: Duration::from_secs(10),
            // A person types a message every few seconds; 10/s sustained with bursts of 40
            // leaves room for a widget restoring a page and for a 商工会 office behind one NAT.
            rate_per_second: NonZeroU32::new(10),
            rate_burst: NonZeroU32::new(40).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// The per-client limiter, keyed by peer address.
#[derive(Debug, Clone)]
pub struct RateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
}

impl RateLimit {
    pub fn new(limits: &Limits) -> Self {
        let limiter = limits.rate_per_second.map(|rate| {
            Arc::new(DefaultKeyedRateLimiter::keyed(
                Quota::per_second(rate).allow_burst(limits.rate_burst),
            ))
        });
        Self { limiter }
    }

    /// Forgets clients whose bucket is full again, so the table stays as small as the set of
    /// recently active clients.
    pub fn prune(&self) {
        if let Some(l) = &self.limiter {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

fn retry_after(mut res: Response, seconds: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Middleware: 429 when a client exceeds its rate. Without a peer address (in-process tests)
/// every request counts as one local client.
pub(super) async fn rate_limit(State(rl): State<RateLimit>, req: Request, next: Next) -> Response {
    if let Some(limiter) = &rl.limiter {
        let ip = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
        if let Err(not_until) = limiter.check_key(&ip) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let res = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "短い時間に多くのリクエストがありました。少し待ってからお試しください。",
                "Too many requests from this client; retry after the given seconds.",
            )
            .into_response();
            return retry_after(res, wait.as_secs_f64().ceil() as u64);
        }
    }
    next.run(req).await
}

/// Turns the errors of the load-shed, concurrency and timeout layers into JSON 503s.
pub(super) async fn overload(err: BoxError) -> Response {
    let (code, ja, en) = if err.is::<tower::timeout::error::Elapsed>() {
        (
            "timeout",
            "処理に時間がかかりすぎました。しばらくしてからお試しください。",
            "The request took too long; retry later.",
        )
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        (
            "overloaded",
            "ただいま混み合っています。しばらくしてからお試しください。",
            "The service is busy; retry later.",
        )
    } else {
        tracing::error!(error = %err, "middleware error");
        (
            "unavailable",
            "ただいまご利用いただけません。しばらくしてからお試しください。",
            "The service is unavailable; retry later.",
        )
    };
    retry_after(
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, ja, en).into_response(),
        1,
    )
}

/// A panic in a handler becomes a 500 JSON answer; the process and other requests go on.
pub(super) fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "内部エラーが発生しました。お手数ですが、もう一度お試しください。",
        "An internal error occurred; please try again.",
    )
    .into_response()
}
