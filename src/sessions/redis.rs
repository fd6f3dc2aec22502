//! Conversations in Redis/Valkey, so that several instances behind a load balancer share them:
//! the Redis implementation of [`SessionStore`] (the in-memory one is [`super::MemoryStore`]).
//! A session is one key with its idle time as TTL (`SET … EX`), stored in a small versioned
//! JSON form of its own ([`stored`]) that keeps each topic message's search terms (a sorted set
//! of words and bigrams), never its text. The number of keys is bounded by `--max-sessions` as
//! in memory: a sorted set indexes the sessions by their last turn; a new session gets its place
//! in it (a Lua script, so that instances sharing the Redis cannot race) while there is room or
//! by deleting the least recently used one when that is no longer in progress, and is refused
//! otherwise. `rediss://` connects over TLS (rustls, the system's root certificates). When
//! Redis cannot be reached the service keeps answering, one turn at a time, reports `degraded`,
//! and recovers by itself when Redis is back.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use tokio::sync::Mutex;

use super::{Session, SessionLimits, SessionStatus, SessionStore, StoreFull, StoreFuture, Taken};

mod stored;

/// How long one Redis command may take before the store counts as unreachable. Loopback or a
/// LAN answers in well under a millisecond; waiting longer would stall the conversation.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(300);
const KEY_PREFIX: &str = "madoguchi:session:";
/// The sorted set of session ids, scored by the Unix time in milliseconds of their last turn
/// (or of their admission, until their first turn is stored).
const INDEX_KEY: &str = "madoguchi:sessions";

/// Admits the new session ARGV[1] into the index KEYS[1] at ARGV[2] (ms): forgets index entries
/// older than ARGV[5] (their keys have expired), then while the index holds ARGV[3] or more,
/// deletes the least recently used session if its score is before ARGV[4] (no longer in
/// progress) and refuses otherwise. ARGV[6] is the key prefix. Answers {1, count, ""} when
/// admitted, {0, count, score of the least recently used} when refused.
const ADMIT: &str = r"
local index, id, now, cap = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. ARGV[5])
local n = redis.call('ZCARD', index)
while n >= cap do
  local oldest = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
  if tonumber(oldest[2]) >= tonumber(ARGV[4]) then
    return {0, n, oldest[2]}
  end
  redis.call('ZREM', index, oldest[1])
  redis.call('UNLINK', ARGV[6] .. oldest[1])
  n = n - 1
end
redis.call('ZADD', index, now, id)
return {1, n + 1, ''}
";

/// Stores the session ARGV[1] (JSON ARGV[3], TTL ARGV[5] s) under KEYS[2] and scores it ARGV[2]
/// in the index KEYS[1] — if it holds its place there, or there is room (ARGV[4] at most): a
/// put never takes the place of another session. Answers the number indexed.
const PUT: &str = r"
local index, key, id = KEYS[1], KEYS[2], ARGV[1]
if redis.call('ZSCORE', index, id) or redis.call('ZCARD', index) < tonumber(ARGV[4]) then
  redis.call('SET', key, ARGV[3], 'EX', ARGV[5])
  redis.call('ZADD', index, ARGV[2], id)
end
return redis.call('ZCARD', index)
";

/// The Redis session store.
#[derive(Debug)]
pub struct RedisSessions {
    client: redis::Client,
    connection: Mutex<Option<MultiplexedConnection>>,
    healthy: AtomicBool,
    limits: SessionLimits,
    /// Sessions in the index at the last look (upkeep refreshes it every second).
    count: AtomicUsize,
}

impl RedisSessions {
    /// A store for `url` (`redis://HOST:PORT/DB`, or `rediss://` for TLS). Connects lazily: an
    /// unreachable Redis at start-up only means degraded answers until it is reachable.
    pub fn new(url: &str, limits: SessionLimits) -> Result<Self, redis::RedisError> {
        if url.starts_with("rediss://") {
            // rustls needs one crypto provider per process; an error means one is installed.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: Mutex::new(None),
            healthy: AtomicBool::new(false),
            limits,
            count: AtomicUsize::new(0),
        })
    }

    async fn connection(&self) -> Option<MultiplexedConnection> {
        let mut slot = self.connection.lock().await;
        if slot.is_none() {
            let connect = self.client.get_multiplexed_async_connection();
            *slot = tokio::time::timeout(COMMAND_TIMEOUT, connect)
                .await
                .ok()?
                .ok();
        }
        slot.clone()
    }

    async fn failed(&self, what: &str, e: impl std::fmt::Display) {
        if self.healthy.swap(false, Ordering::Relaxed) {
            tracing::warn!("redis {what} failed, answering without shared sessions: {e}");
        }
        *self.connection.lock().await = None;
    }

    /// Checks Redis (PING); run periodically so that health recovers without traffic.
    pub async fn ping(&self) -> bool {
        let Some(mut c) = self.connection().await else {
            self.failed("connect", "no connection").await;
            return false;
        };
        let pong: Result<Result<String, _>, _> =
            tokio::time::timeout(COMMAND_TIMEOUT, redis::cmd("PING").query_async(&mut c)).await;
        match pong {
            Ok(Ok(_)) => {
                if !self.healthy.swap(true, Ordering::Relaxed) {
                    tracing::info!("redis reachable: conversations are shared again");
                }
                self.prune_index(&mut c).await;
                true
            }
            Ok(Err(e)) => {
                self.failed("ping", e).await;
                false
            }
            Err(_) => {
                self.failed("ping", "timed out").await;
                false
            }
        }
    }

    /// Drops from the index the sessions Redis has expired, and notes how many remain.
    async fn prune_index(&self, c: &mut MultiplexedConnection) {
        let idle_ms = u64::try_from(self.limits.idle.as_millis()).unwrap_or(u64::MAX);
        let before = unix_ms().saturating_sub(idle_ms);
        let pruned: Result<Result<(usize,), _>, _> = tokio::time::timeout(
            COMMAND_TIMEOUT,
            redis::pipe()
                .cmd("ZREMRANGEBYSCORE")
                .arg(INDEX_KEY)
                .arg("-inf")
                .arg(format!("({before}"))
                .ignore()
                .cmd("ZCARD")
                .arg(INDEX_KEY)
                .query_async(c),
        )
        .await;
        if let Ok(Ok((n,))) = pruned {
            self.count.store(n, Ordering::Relaxed);
        }
    }

    /// The session for `id` (or a new one), and how it was resolved.
    async fn take_session(&self, id: Option<&str>) -> (String, Session, SessionStatus) {
        let Some(id) = id.filter(|i| !i.trim().is_empty() && i.len() <= 128) else {
            return (new_id(), Session::default(), SessionStatus::New);
        };
        let Some(mut c) = self.connection().await else {
            self.failed("connect", "no connection").await;
            return (id.to_string(), Session::default(), SessionStatus::Degraded);
        };
        let key = format!("{KEY_PREFIX}{id}");
        // Marked as used now as it is read, so that no new session pushes it out while this
        // turn has it (`XX`: only a session the index holds).
        let got: Result<Result<(Option<String>,), _>, _> = tokio::time::timeout(
            COMMAND_TIMEOUT,
            redis::pipe()
                .cmd("GET")
                .arg(&key)
                .cmd("ZADD")
                .arg(INDEX_KEY)
                .arg("XX")
                .arg(unix_ms())
                .arg(id)
                .ignore()
                .query_async(&mut c),
        )
        .await;
        match got {
            Ok(Ok((Some(json),))) => {
                self.healthy.store(true, Ordering::Relaxed);
                match stored::decode(&json) {
                    None => (new_id(), Session::default(), SessionStatus::Unknown),
                    Some(s) if s.turns < self.limits.max_turns => {
                        (id.to_string(), s, SessionStatus::Continued)
                    }
                    Some(_) => (id.to_string(), Session::default(), SessionStatus::TurnLimit),
                }
            }
            // Redis has expired it (or never had it): the two cannot be told apart there.
            Ok(Ok((None,))) => {
                self.healthy.store(true, Ordering::Relaxed);
                (new_id(), Session::default(), SessionStatus::Unknown)
            }
            Ok(Err(e)) => {
                self.failed("GET", e).await;
                (id.to_string(), Session::default(), SessionStatus::Degraded)
            }
            Err(_) => {
                self.failed("GET", "timed out").await;
                (id.to_string(), Session::default(), SessionStatus::Degraded)
            }
        }
    }

    /// Gives the new session `id` its place in the index, or refuses (see [`ADMIT`]). When
    /// Redis cannot be reached the turn goes on, answered on its own.
    async fn admit_session(&self, id: &str) -> Result<(), StoreFull> {
        let Some(mut c) = self.connection().await else {
            self.failed("connect", "no connection").await;
            return Ok(());
        };
        let now = unix_ms();
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let after = ms(self.limits.evictable_after());
        let admitted: Result<Result<(u8, usize, String), _>, _> = tokio::time::timeout(
            COMMAND_TIMEOUT,
            redis::cmd("EVAL")
                .arg(ADMIT)
                .arg(1)
                .arg(INDEX_KEY)
                .arg(id)
                .arg(now)
                .arg(self.limits.max_sessions.max(1))
                .arg(now.saturating_sub(after))
                .arg(now.saturating_sub(ms(self.limits.idle)))
                .arg(KEY_PREFIX)
                .query_async(&mut c),
        )
        .await;
        match admitted {
            Ok(Ok((admitted, count, oldest))) => {
                self.healthy.store(true, Ordering::Relaxed);
                self.count.store(count, Ordering::Relaxed);
                if admitted == 1 {
                    return Ok(());
                }
                // Scores are whole milliseconds, written back as a number.
                let oldest = oldest.parse::<f64>().map_or(now, |s| s as u64);
                let free_at = oldest.saturating_add(after);
                Err(StoreFull {
                    retry_after: Duration::from_millis(free_at.saturating_sub(now).max(1)),
                })
            }
            Ok(Err(e)) => {
                self.failed("EVAL", e).await;
                Ok(())
            }
            Err(_) => {
                self.failed("EVAL", "timed out").await;
                Ok(())
            }
        }
    }

    /// Stores a session with the idle time as its TTL, when it holds its place in the index
    /// (see [`PUT`]).
    async fn put_session(&self, id: &str, session: &Session) {
        let json = stored::encode(session);
        let Some(mut c) = self.connection().await else {
            self.failed("connect", "no connection").await;
            return;
        };
        let ttl = self.limits.idle.as_secs().max(1);
        let put: Result<Result<usize, _>, _> = tokio::time::timeout(
            COMMAND_TIMEOUT,
            redis::cmd("EVAL")
                .arg(PUT)
                .arg(2)
                .arg(INDEX_KEY)
                .arg(format!("{KEY_PREFIX}{id}"))
                .arg(id)
                .arg(unix_ms())
                .arg(json)
                .arg(self.limits.max_sessions.max(1))
                .arg(ttl)
                .query_async(&mut c),
        )
        .await;
        match put {
            Ok(Ok(count)) => {
                self.healthy.store(true, Ordering::Relaxed);
                self.count.store(count, Ordering::Relaxed);
            }
            Ok(Err(e)) => self.failed("SET", e).await,
            Err(_) => self.failed("SET", "timed out").await,
        }
    }
}

/// Now, in milliseconds since the Unix epoch (the scores of the session index).
fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl SessionStore for RedisSessions {
    fn take<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, Taken> {
        Box::pin(async move {
            let (id, session, status) = self.take_session(id).await;
            Taken {
                id,
                session,
                status,
                // Redis forgets expired keys by itself: how they ended cannot be seen here.
                ended: Vec::new(),
            }
        })
    }

    fn admit<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Vec<Session>, StoreFull>> {
        // Sessions pushed out are deleted in Redis, like expired ones, unseen.
        Box::pin(async move { self.admit_session(id).await.map(|()| Vec::new()) })
    }

    fn put<'a>(&'a self, id: &'a str, session: Session) -> StoreFuture<'a, Vec<Session>> {
        Box::pin(async move {
            self.put_session(id, &session).await;
            Vec::new()
        })
    }

    fn count(&self) -> Option<usize> {
        Some(self.count.load(Ordering::Relaxed))
    }

    fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    fn backend(&self) -> &'static str {
        "redis"
    }

    fn maintain(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.ping().await;
        })
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
