//! Protection of the service, per client and overall. Per client (see `client`): a request rate
//! (429), a cap on its requests in flight (429), budgets for starting conversations and adding
//! to the unanswered log (so one client cannot push other people's out), and the back-off after
//! wrong tokens (see `auth`). Overall: the body is read under its own deadline before a request
//! takes one of the global slots (408), the global slots shed load (503), a request timeout
//! (503), and panics become a 500 JSON answer instead of a dead connection. Every refusal
//! carries the same JSON error body, and a 429 or 503 carries `Retry-After`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::BoxError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use http_body_util::BodyExt;

use super::auth::Failures;
use super::client::{Client, ClientKey};
use crate::dialogue::Budget;
use crate::http::{ApiError, MAX_BODY_BYTES};

/// Limits of the service, all configurable from `serve`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests handled at once; more are refused with 503 rather than queued.
    pub max_concurrency: usize,
    /// Requests of one client in flight at once (body read included); more are refused with 429.
    pub max_concurrency_per_client: usize,
    /// A request whose handler takes longer is answered 503.
    pub request_timeout: Duration,
    /// A request whose body has not fully arrived within this time is answered 408.
    pub body_timeout: Duration,
    /// Sustained requests per second per client (`None`: no rate limit).
    pub rate_per_second: Option<NonZeroU32>,
    /// Requests a client may send in a burst above the sustained rate.
    pub rate_burst: NonZeroU32,
    /// Conversations one client may start per hour (`None`: no limit).
    pub new_sessions_per_hour: Option<NonZeroU32>,
    /// New lines one client may add to the unanswered log per hour (`None`: no limit).
    pub unanswered_per_hour: Option<NonZeroU32>,
    /// Consultation requests and feedbacks one client may send per hour, together (`None`: no
    /// limit); counted apart from chat.
    pub writes_per_hour: Option<NonZeroU32>,
    /// Open connections at most (lowered to fit the open-file limit at start-up).
    pub max_connections: usize,
    /// Open connections of one peer address (a trusted proxy is not counted here).
    pub max_connections_per_client: usize,
    /// Time for a request's headers to arrive, from when the connection starts waiting for
    /// them (a new connection, or a kept-alive one after its last answer).
    pub header_timeout: Duration,
    /// A connection with nothing in flight and nothing received for this long is closed.
    pub idle_timeout: Duration,
    /// After SIGTERM, requests in flight get this long; then the process exits regardless.
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Two cores answer a chat turn in well under a millisecond; 256 in flight is far
            // beyond what they can usefully overlap, so more would only queue.
            max_concurrency: 256,
            // A browser opens at most six connections to a host; a 商工会 office behind one
            // address has a few people. Sixteen leaves room for both, and eight clients cannot
            // fill the global slots.
            max_concurrency_per_client: 16,
            request_timeout: Duration::from_secs(10),
            // A chat body is under a kilobyte: even a poor mobile link sends it in a second.
            body_timeout: Duration::from_secs(5),
            // A person types a message every few seconds; 10/s sustained with bursts of 40
            // leaves room for a widget restoring a page and for a 商工会 office behind one NAT.
            rate_per_second: NonZeroU32::new(10),
            rate_burst: NonZeroU32::new(40).unwrap_or(NonZeroU32::MIN),
            // A person starts one conversation at a time; an office, a few an hour. 120 an hour
            // (20 at once) is far above that, and flooding the 10,000-session store from one
            // address takes days instead of minutes.
            new_sessions_per_hour: NonZeroU32::new(120),
            // Thirty questions an hour that nothing answers is more than a person asks; at
            // that pace one client needs 17 hours to push the 500-line log's entries out.
            unanswered_per_hour: NonZeroU32::new(30),
            // A person sends one consultation request and a feedback per answer; thirty an
            // hour (five at once) is more than a conversation needs and keeps one client from
            // filling the desk's inbox.
            writes_per_hour: NonZeroU32::new(30),
            max_connections: 1024,
            // Browsers use six connections per host; 32 leaves room for an office behind NAT.
            max_connections_per_client: 32,
            header_timeout: Duration::from_secs(10),
            // Long enough to reuse a connection for a page's burst of requests; a browser
            // reconnects cheaply for the next message.
            idle_timeout: Duration::from_secs(5),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

type KeyedLimiter = DefaultKeyedRateLimiter<ClientKey>;

/// A limiter of `per_hour` events per client, a sixth of which may come at once.
fn hourly(per_hour: Option<NonZeroU32>) -> Option<KeyedLimiter> {
    let n = per_hour?;
    let period = Duration::from_secs(3600) / n.get();
    let burst = NonZeroU32::new(n.get().div_ceil(6)).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(period)?.allow_burst(burst);
    Some(KeyedLimiter::keyed(quota))
}

/// Seconds until a limiter lets `key` through again (at least one).
fn wait(limiter: &KeyedLimiter, key: ClientKey) -> Option<u64> {
    limiter.check_key(&key).err().map(|not_until| {
        // The limiter's own clock: building a clock (a CPU probe) per refusal cost more than
        // the refusal itself.
        let wait = not_until.wait_time_from(limiter.clock().now());
        (wait.as_secs_f64().ceil() as u64).max(1)
    })
}

/// Requests in flight per client.
#[derive(Debug)]
struct InFlight {
    max: usize,
    map: Mutex<HashMap<ClientKey, usize>>,
}

/// One request in flight; leaving its slot when dropped.
struct Held {
    table: Arc<InFlight>,
    key: ClientKey,
}

impl InFlight {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ClientKey, usize>> {
        // Every update is a single increment or decrement: a poisoned map is still consistent.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enter(self: &Arc<Self>, key: ClientKey) -> Option<Held> {
        let mut map = self.lock();
        let n = map.entry(key).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Held {
            table: self.clone(),
            key,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut map = self.table.lock();
        if let Some(n) = map.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

/// Everything counted per client; one reference count to clone (it is, for every request).
#[derive(Debug, Clone)]
pub struct PerClient(Arc<Counts>);

#[derive(Debug)]
struct Counts {
    rate: Option<KeyedLimiter>,
    in_flight: Arc<InFlight>,
    sessions: Option<KeyedLimiter>,
    unanswered: Option<KeyedLimiter>,
    writes: Option<KeyedLimiter>,
    failures: Failures,
}

impl PerClient {
    pub fn new(limits: &Limits) -> Self {
        let rate = limits.rate_per_second.map(|rate| {
            KeyedLimiter::keyed(Quota::per_second(rate).allow_burst(limits.rate_burst))
        });
        Self(Arc::new(Counts {
            rate,
            in_flight: Arc::new(InFlight {
                max: limits.max_concurrency_per_client.max(1),
                map: Mutex::default(),
            }),
            sessions: hourly(limits.new_sessions_per_hour),
            unanswered: hourly(limits.unanswered_per_hour),
            writes: hourly(limits.writes_per_hour),
            failures: Failures::default(),
        }))
    }

    /// Failed token attempts per client (see `auth`).
    pub(in crate::http) fn failures(&self) -> &Failures {
        &self.0.failures
    }

    /// Forgets clients whose buckets are full again and old token failures, so the tables stay
    /// as small as the set of recently active clients.
    pub fn prune(&self) {
        for l in [
            &self.0.rate,
            &self.0.sessions,
            &self.0.unanswered,
            &self.0.writes,
        ]
        .into_iter()
        .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
        self.0.failures.prune();
    }

    /// Spends one of the client's writes (a consultation request or a feedback), or refuses
    /// with 429.
    pub(in crate::http) fn write(&self, client: Client) -> Result<(), ApiError> {
        let Some(l) = &self.0.writes else {
            return Ok(());
        };
        match wait(l, client.key) {
            None => Ok(()),
            Some(secs) => Err(ApiError::TooManyWrites { retry_after: secs }),
        }
    }

    /// The budget of one client for a chat turn.
    pub(in crate::http) fn budget(&self, client: Client) -> ClientBudget<'_> {
        ClientBudget {
            limits: self,
            key: client.key,
        }
    }
}

/// One client's budget for a turn of the dialogue.
pub(in crate::http) struct ClientBudget<'a> {
    limits: &'a PerClient,
    key: ClientKey,
}

impl Budget for ClientBudget<'_> {
    type Refused = ApiError;

    fn start_session(&self) -> Result<(), ApiError> {
        let Some(l) = &self.limits.0.sessions else {
            return Ok(());
        };
        match wait(l, self.key) {
            None => Ok(()),
            Some(secs) => Err(ApiError::TooManySessions { retry_after: secs }),
        }
    }

    fn log_unanswered(&self) -> bool {
        self.limits
            .0
            .unanswered
            .as_ref()
            .is_none_or(|l| wait(l, self.key).is_none())
    }
}

/// Middleware: 429 when a client exceeds its rate or has too many requests in flight. The
/// in-flight slot is held until the answer is ready, the body read included.
pub(in crate::http) async fn per_client(
    State(limits): State<PerClient>,
    client: Client,
    req: Request,
    next: Next,
) -> Response {
    if let Some(secs) = limits.0.rate.as_ref().and_then(|l| wait(l, client.key)) {
        return ApiError::RateLimited { retry_after: secs }.into_response();
    }
    let Some(_held) = limits.0.in_flight.enter(client.key) else {
        return ApiError::TooManyInFlight.into_response();
    };
    next.run(req).await
}

/// Middleware: reads the whole body (at most [`MAX_BODY_BYTES`]) within the body timeout,
/// before the request takes a global slot, so that clients sending their bodies slowly hold
/// their own in-flight slots and nobody else's.
pub(in crate::http) async fn read_body(
    State(timeout): State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    // Nothing to wait for (a GET): no timer, no copy.
    if axum::body::HttpBody::is_end_stream(req.body()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return crate::http::api::body::too_large().into_response();
    }
    let read = http_body_util::Limited::new(body, MAX_BODY_BYTES).collect();
    let bytes = match tokio::time::timeout(timeout, read).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return crate::http::api::body::too_large().into_response();
        }
        Ok(Err(_)) => {
            return ApiError::BodyUnreadable.into_response();
        }
        Err(_) => {
            // The rest of the body may still come: the connection cannot be reused.
            return ApiError::BodyTimeout { after: timeout }.into_response();
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Turns the errors of the load-shed, concurrency and timeout layers into JSON 503s.
pub(in crate::http) async fn overload(err: BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::Timeout
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::Overloaded
    } else {
        tracing::error!(error = %err, "middleware error");
        ApiError::Unavailable
    }
    .into_response()
}

/// A panic in a handler becomes a 500 JSON answer; the process and other requests go on.
pub(in crate::http) fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a handler panicked");
    ApiError::Internal.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_slots_are_per_client_and_given_back() {
        let t = Arc::new(InFlight {
            max: 2,
            map: Mutex::default(),
        });
        let a = ClientKey::of([192, 0, 2, 1].into());
        let b = ClientKey::of([192, 0, 2, 2].into());
        let first = t.enter(a);
        let second = t.enter(a);
        assert!(first.is_some() && second.is_some());
        assert!(t.enter(a).is_none(), "a third of the same client waits");
        assert!(t.enter(b).is_some(), "another client is not affected");
        drop(first);
        assert!(
            t.enter(a).is_some(),
            "a slot comes back when a request ends"
        );
        drop(second);
        assert!(t.lock().is_empty(), "idle clients leave the table");
    }

    #[test]
    fn hourly_budgets_allow_a_sixth_at_once() {
        let key = ClientKey::of([192, 0, 2, 1].into());
        for (per_hour, burst) in [(120, 20), (18, 3), (1, 1)] {
            let l = hourly(NonZeroU32::new(per_hour)).unwrap();
            let allowed = (0..100).take_while(|_| wait(&l, key).is_none()).count();
            assert_eq!(allowed, burst, "{per_hour}/h");
        }
        assert!(hourly(None).is_none());
    }
}
