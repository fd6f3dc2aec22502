//! The staff and operator tokens (`Authorization: Bearer …`, from the header only). A configured
//! token is kept only as its SHA-256 digest, and a presented one is hashed and compared as a
//! digest in constant time, so neither its length nor the position of the first wrong byte
//! shows in the timing. Wrong tokens are logged at warn (never the token, never the address)
//! and counted per client: after a few, that client must wait, longer after each further
//! failure, before any token of it is checked again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

use super::client::{Client, ClientKey};
use crate::http::ApiError;

/// Wrong tokens a client may send before it has to wait: enough for a person mistyping.
const FREE_FAILURES: u32 = 5;
/// The first wait, doubled with each further failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait: at most about a hundred guesses a day per client, instead of the rate
/// limit's 860,000.
const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// A client with no failure for this long starts with a clean slate.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Clients tracked at most, so that failures from very many addresses cannot grow the table
/// without bound; beyond it, failures of new clients are answered but not counted.
const MAX_TRACKED: usize = 65_536;

/// A configured token, kept as its digest; `Debug` shows nothing of it.
#[derive(Clone)]
pub struct Token([u8; 32]);

impl Token {
    pub fn new(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// Compares digests, so the time taken depends on neither the length of `given` nor
    /// where it first differs.
    fn matches(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        let diff = self
            .0
            .iter()
            .zip(given.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(diff) == 0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

/// Failed token attempts per client.
#[derive(Debug, Default)]
pub(in crate::http) struct Failures {
    inner: Mutex<HashMap<ClientKey, Record>>,
}

impl Failures {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ClientKey, Record>> {
        // Every update is a single insert or remove: a poisoned map is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long `key` must still wait, if it must.
    fn wait(&self, key: ClientKey, now: Instant) -> Option<Duration> {
        let until = self.lock().get(&key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Counts a failure; returns the client's failures so far.
    fn failed(&self, key: ClientKey, now: Instant) -> u32 {
        let mut map = self.lock();
        if map.len() >= MAX_TRACKED && !map.contains_key(&key) {
            map.retain(|_, r| now.duration_since(r.last) < FORGET_AFTER);
            if map.len() >= MAX_TRACKED {
                return 0;
            }
        }
        let r = map.entry(key).or_insert(Record {
            failures: 0,
            last: now,
            locked_until: None,
        });
        if now.duration_since(r.last) >= FORGET_AFTER {
            r.failures = 0;
        }
        r.failures = r.failures.saturating_add(1);
        r.last = now;
        if r.failures >= FREE_FAILURES {
            let doublings = (r.failures - FREE_FAILURES).min(20);
            let wait = FIRST_BACKOFF
                .saturating_mul(1u32 << doublings)
                .min(MAX_BACKOFF);
            r.locked_until = Some(now + wait);
        }
        r.failures
    }

    fn succeeded(&self, key: ClientKey) {
        self.lock().remove(&key);
    }

    /// Forgets clients whose last failure is long past (run by the server once a minute).
    pub(in crate::http) fn prune(&self) {
        let now = Instant::now();
        self.lock()
            .retain(|_, r| now.duration_since(r.last) < FORGET_AFTER);
    }
}

/// The token a request presents: `Authorization: Bearer <token>` (the scheme in any case).
fn presented(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Checks the token a request presents against `expected` (`None`: the feature is off, answered
/// with `disabled()`). `area` names the feature in the log and in `WWW-Authenticate`.
pub(in crate::http) fn check(
    expected: Option<&Token>,
    failures: &Failures,
    client: Client,
    headers: &HeaderMap,
    area: &'static str,
    disabled: fn() -> ApiError,
) -> Result<(), ApiError> {
    let Some(expected) = expected else {
        return Err(disabled());
    };
    let now = Instant::now();
    if let Some(wait) = failures.wait(client.key, now) {
        // Not at warn: the wrong tokens that earned the wait were, and a client hammering
        // during it would otherwise fill the log.
        tracing::debug!(
            area,
            "a token was refused unchecked: too many wrong tokens from this client"
        );
        return Err(ApiError::TooManyFailures {
            retry_after: wait.as_secs_f64().ceil() as u64,
        });
    }
    match presented(headers) {
        Some(given) if expected.matches(given) => {
            failures.succeeded(client.key);
            Ok(())
        }
        Some(_) => {
            let n = failures.failed(client.key, now);
            tracing::warn!(area, failures = n, "a wrong token was sent");
            Err(unauthorized(area, true))
        }
        None => {
            tracing::debug!(area, "a request came without a token");
            Err(unauthorized(area, false))
        }
    }
}

fn unauthorized(realm: &'static str, wrong: bool) -> ApiError {
    ApiError::Unauthorized { realm, wrong }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_themselves_and_hide_in_debug() {
        let t = Token::new("a-staff-token-1234");
        assert!(t.matches("a-staff-token-1234"));
        for wrong in [
            "",
            "a",
            "a-staff-token-123",
            "a-staff-token-12345",
            "A-staff-token-1234",
        ] {
            assert!(!t.matches(wrong), "{wrong:?}");
        }
        assert!(!format!("{t:?}").contains("staff"));
    }

    #[test]
    fn waits_start_after_the_free_failures_and_double() {
        let f = Failures::default();
        let key = ClientKey::of([192, 0, 2, 1].into());
        let other = ClientKey::of([192, 0, 2, 2].into());
        let t0 = Instant::now();
        for _ in 0..FREE_FAILURES - 1 {
            f.failed(key, t0);
            assert_eq!(f.wait(key, t0), None);
        }
        f.failed(key, t0);
        assert_eq!(f.wait(key, t0), Some(FIRST_BACKOFF));
        f.failed(key, t0);
        assert_eq!(f.wait(key, t0), Some(FIRST_BACKOFF * 2));
        for _ in 0..30 {
            f.failed(key, t0);
        }
        assert_eq!(f.wait(key, t0), Some(MAX_BACKOFF));
        assert_eq!(f.wait(other, t0), None, "other clients are not affected");
        assert_eq!(f.wait(key, t0 + MAX_BACKOFF), None, "the wait ends");
        f.succeeded(key);
        assert_eq!(f.wait(key, t0), None);
    }
}
