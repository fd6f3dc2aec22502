//! Conversations in Redis/Valkey, so that several instances behind a load balancer share them:
//! the Redis implementation of `dialogue::SessionStore` (the in-memory one is the dialogue's
//! own). A session is one key with its idle time as TTL (`SET … EX`), stored in a small versioned
//! JSON form of its own that keeps each topic message's search terms (a sorted set of words and
//! bigrams), never its text. The number of keys is bounded by `--max-sessions` as in memory: a
//! sorted set indexes the sessions by their last turn, and the least recently used beyond the
//! cap are deleted. `rediss://` connects over TLS (rustls, the system's root certificates). When
//! Redis cannot be reached the service keeps answering, one turn at a time, reports `degraded`,
//! and recovers by itself when Redis is back.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::corpus::{
    BusinessRole, Disaster, DisasterAnswer, Kind, KindAnswer, Size, Slot, StaffRole, Stage, Theme,
};
use crate::dialogue::{Session, SessionLimits, SessionStatus, SessionStore, StoreFuture, Taken};
use crate::understand::{Facts, OutOfScope, Searchable, Signals, TermList, Who};

/// How long one Redis command may take before the store counts as unreachable. Loopback or a
/// LAN answers in well under a millisecond; waiting longer would stall the conversation.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(300);
/// The largest session stored, in bytes of JSON; a topic message is cut to keep under it.
const MAX_SESSION_BYTES: usize = 16 * 1024;
/// Terms kept of each kind per topic message in Redis (a 2,000-character message has about
/// as many bigrams; the first ones carry the topic well enough).
const MAX_STORED_TERMS: usize = 400;
const KEY_PREFIX: &str = "madoguchi:session:";
/// The sorted set of session ids, scored by the Unix time in milliseconds of their last turn.
const INDEX_KEY: &str = "madoguchi:sessions";

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

/// The stored form of a session: plain strings, so the domain types stay free of serde.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    v: u32,
    disaster: Option<String>,
    stage: Option<String>,
    manufacturer: Option<bool>,
    kind: Option<String>,
    expense: Option<u64>,
    #[serde(default)]
    wants: Option<String>,
    #[serde(default)]
    expense_kinds: u32,
    topic: Vec<StoredMessage>,
    topic_themes: Vec<String>,
    asked: Vec<String>,
    pending: Option<String>,
    // No `waiting` (the last message as typed): the in-memory store keeps it for the
    // unanswered log when a session ends unanswered, but Redis expires keys unseen, so here
    // it would only be citizen text stored for nothing. Sessions stored with one read fine.
    /// Who the person said they are: owner | successor | founder | association | municipality
    /// | private:N, or absent.
    #[serde(default)]
    who: Option<String>,
    /// A judgement that rules the conversation out: elsewhere:N | private-person:N |
    /// private-purpose:N, or absent.
    #[serde(default)]
    ruled_out: Option<String>,
    turns: u32,
}

/// One topic message as stored: its search terms and signals, as labels.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredMessage {
    words: Vec<String>,
    added: Vec<String>,
    bigrams: Vec<String>,
    themes: Vec<String>,
    disasters: Vec<String>,
    stages: Vec<String>,
    kinds: Vec<String>,
    industries: Vec<String>,
    sizes: Vec<String>,
}

/// Version 2 keeps terms instead of text; a version-1 session (text) reads as a new one.
const STORED_VERSION: u32 = 2;

fn labels<T: Copy>(set: &std::collections::BTreeSet<T>, f: fn(T) -> &'static str) -> Vec<String> {
    set.iter().map(|&x| f(x).to_string()).collect()
}

fn parsed<T: Ord>(v: &[String], f: fn(&str) -> Option<T>) -> std::collections::BTreeSet<T> {
    v.iter().filter_map(|x| f(x)).collect()
}

fn terms(list: &TermList) -> Vec<String> {
    list.iter()
        .take(MAX_STORED_TERMS)
        .map(str::to_string)
        .collect()
}

impl StoredMessage {
    fn from_searchable(m: &Searchable) -> Self {
        let s = &m.signals;
        Self {
            words: terms(&m.words),
            added: terms(&m.added),
            bigrams: terms(&m.bigrams),
            themes: labels(&s.themes, Theme::as_str),
            disasters: labels(&s.disasters, Disaster::as_str),
            stages: labels(&s.stages, Stage::as_str),
            kinds: labels(&s.kinds, Kind::as_str),
            industries: s.industries.iter().cloned().collect(),
            sizes: labels(&s.sizes, Size::as_str),
        }
    }

    fn into_searchable(self) -> Searchable {
        Searchable {
            words: TermList::new(self.words),
            added: TermList::new(self.added),
            bigrams: TermList::new(self.bigrams),
            signals: Signals {
                themes: parsed(&self.themes, Theme::parse),
                disasters: parsed(&self.disasters, Disaster::parse),
                stages: parsed(&self.stages, Stage::parse),
                kinds: parsed(&self.kinds, Kind::parse),
                industries: self.industries.into_iter().collect(),
                sizes: parsed(&self.sizes, Size::parse),
            },
        }
    }
}

impl Stored {
    fn from_session(s: &Session) -> Self {
        let f = &s.facts;
        Self {
            v: STORED_VERSION,
            disaster: f.disaster.map(|d| match d {
                DisasterAnswer::Known(d) => d.as_str().to_string(),
                DisasterAnswer::Other => "other".to_string(),
            }),
            stage: f.stage.map(|x| x.as_str().to_string()),
            manufacturer: f.manufacturer,
            kind: f.kind.map(|k| match k {
                KindAnswer::Only(k) => k.as_str().to_string(),
                KindAnswer::Any => "any".to_string(),
            }),
            expense: f.expense,
            wants: f.wants.map(|k| k.as_str().to_string()),
            expense_kinds: f.expense_kinds,
            topic: s.topic.iter().map(StoredMessage::from_searchable).collect(),
            topic_themes: s
                .topic_themes
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            asked: s.asked.iter().map(|x| x.as_str().to_string()).collect(),
            pending: s.pending.map(|x| x.as_str().to_string()),
            who: match s.who {
                Who::Unknown => None,
                Who::Business(BusinessRole::Owner) => Some("owner".into()),
                Who::Business(BusinessRole::Successor) => Some("successor".into()),
                Who::Business(BusinessRole::Founder) => Some("founder".into()),
                Who::Staff(StaffRole::Association) => Some("association".into()),
                Who::Staff(StaffRole::Municipality) => Some("municipality".into()),
                Who::Private(i) => Some(format!("private:{i}")),
            },
            ruled_out: s.ruled_out.map(|r| match r {
                OutOfScope::Elsewhere(i) => format!("elsewhere:{i}"),
                OutOfScope::PrivatePerson(i) => format!("private-person:{i}"),
                OutOfScope::PrivatePurpose(i) => format!("private-purpose:{i}"),
            }),
            turns: s.turns,
        }
    }

    /// The session; fields that no longer parse (a value renamed since) are dropped, not fatal.
    fn into_session(self) -> Session {
        let disaster = self.disaster.as_deref().and_then(|d| match d {
            "other" => Some(DisasterAnswer::Other),
            d => Disaster::parse(d).map(DisasterAnswer::Known),
        });
        let kind = self.kind.as_deref().and_then(|k| match k {
            "any" => Some(KindAnswer::Any),
            k => Kind::parse(k).map(KindAnswer::Only),
        });
        Session {
            facts: Facts {
                disaster,
                stage: self.stage.as_deref().and_then(Stage::parse),
                manufacturer: self.manufacturer,
                kind,
                expense: self.expense,
                wants: self.wants.as_deref().and_then(Kind::parse),
                expense_kinds: self.expense_kinds,
            },
            topic: self
                .topic
                .into_iter()
                .map(StoredMessage::into_searchable)
                .collect(),
            topic_themes: self
                .topic_themes
                .iter()
                .filter_map(|t| Theme::parse(t))
                .collect(),
            asked: self
                .asked
                .iter()
                .filter_map(|x| Slot::parse(x))
                .collect::<BTreeSet<_>>(),
            pending: self.pending.as_deref().and_then(Slot::parse),
            waiting: None,
            who: match self.who.as_deref() {
                Some("owner") => Who::Business(BusinessRole::Owner),
                Some("successor") => Who::Business(BusinessRole::Successor),
                Some("founder") => Who::Business(BusinessRole::Founder),
                Some("association") => Who::Staff(StaffRole::Association),
                Some("municipality") => Who::Staff(StaffRole::Municipality),
                Some(p) => p
                    .strip_prefix("private:")
                    .and_then(|i| i.parse().ok())
                    .map_or(Who::Unknown, Who::Private),
                None => Who::Unknown,
            },
            ruled_out: self.ruled_out.as_deref().and_then(|r| {
                let (what, i) = r.split_once(':')?;
                let i = i.parse().ok()?;
                match what {
                    "elsewhere" => Some(OutOfScope::Elsewhere(i)),
                    "private-person" => Some(OutOfScope::PrivatePerson(i)),
                    "private-purpose" => Some(OutOfScope::PrivatePurpose(i)),
                    _ => None,
                }
            }),
            turns: self.turns,
        }
    }
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
        let got: Result<Result<Option<String>, _>, _> =
            tokio::time::timeout(COMMAND_TIMEOUT, c.get(&key)).await;
        match got {
            Ok(Ok(Some(json))) => {
                self.healthy.store(true, Ordering::Relaxed);
                match serde_json::from_str::<Stored>(&json) {
                    Ok(stored) if stored.v != STORED_VERSION => {
                        (new_id(), Session::default(), SessionStatus::Unknown)
                    }
                    Ok(stored) if stored.turns < self.limits.max_turns => (
                        id.to_string(),
                        stored.into_session(),
                        SessionStatus::Continued,
                    ),
                    Ok(_) => (id.to_string(), Session::default(), SessionStatus::TurnLimit),
                    Err(_) => (new_id(), Session::default(), SessionStatus::Unknown),
                }
            }
            // Redis has expired it (or never had it): the two cannot be told apart there.
            Ok(Ok(None)) => {
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

    /// Stores a session with the idle time as its TTL, and deletes the least recently used
    /// sessions beyond the cap.
    async fn put_session(&self, id: &str, session: &Session) {
        let mut stored = Stored::from_session(session);
        let mut json = serde_json::to_string(&stored).unwrap_or_default();
        while json.len() > MAX_SESSION_BYTES && !stored.topic.is_empty() {
            stored.topic.remove(0);
            json = serde_json::to_string(&stored).unwrap_or_default();
        }
        let Some(mut c) = self.connection().await else {
            self.failed("connect", "no connection").await;
            return;
        };
        let ttl = self.limits.idle.as_secs().max(1);
        let key = format!("{KEY_PREFIX}{id}");
        let stored = tokio::time::timeout(COMMAND_TIMEOUT, async {
            let (count,): (usize,) = redis::pipe()
                .atomic()
                .cmd("SET")
                .arg(&key)
                .arg(json)
                .arg("EX")
                .arg(ttl)
                .ignore()
                .cmd("ZADD")
                .arg(INDEX_KEY)
                .arg(unix_ms())
                .arg(id)
                .ignore()
                .cmd("ZCARD")
                .arg(INDEX_KEY)
                .query_async(&mut c)
                .await?;
            let over = count.saturating_sub(self.limits.max_sessions.max(1));
            if over > 0 {
                // Member, score, member, score …: the oldest first.
                let popped: Vec<String> = redis::cmd("ZPOPMIN")
                    .arg(INDEX_KEY)
                    .arg(over)
                    .query_async(&mut c)
                    .await?;
                let keys: Vec<String> = popped
                    .iter()
                    .step_by(2)
                    .map(|id| format!("{KEY_PREFIX}{id}"))
                    .collect();
                if !keys.is_empty() {
                    redis::cmd("UNLINK")
                        .arg(&keys)
                        .query_async::<()>(&mut c)
                        .await?;
                }
            }
            Ok::<usize, redis::RedisError>(count - over)
        })
        .await;
        match stored {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_survives_its_stored_form() {
        let mut s = Session::default();
        s.facts.disaster = Some(DisasterAnswer::Known(Disaster::Flood2020));
        s.facts.kind = Some(KindAnswer::Any);
        s.facts.expense = Some(3_000_000);
        let mut m = Searchable {
            words: TermList::new(vec!["浸水".into(), "店".into()]),
            bigrams: TermList::new((0..1000).map(|i| format!("{i:04}")).collect()),
            ..Searchable::default()
        };
        m.signals.themes.insert(Theme::Disaster);
        m.signals.industries.insert("製造業".into());
        s.topic = vec![m.clone()];
        s.topic_themes.insert(Theme::Disaster);
        s.asked.insert(Slot::Disaster);
        s.pending = Some(Slot::Kind);
        s.waiting = Some("店が浸水した".into());
        s.ruled_out = Some(OutOfScope::Elsewhere(3));
        s.turns = 3;
        let json = serde_json::to_string(&Stored::from_session(&s)).unwrap();
        assert!(
            !json.contains("店が浸水した"),
            "no text as typed is stored: {json}"
        );
        let back = serde_json::from_str::<Stored>(&json)
            .unwrap()
            .into_session();
        assert_eq!(back.facts, s.facts);
        assert_eq!(back.ruled_out, s.ruled_out, "a judgement stays: {json}");
        assert_eq!(back.topic[0].words, m.words);
        assert_eq!(back.topic[0].signals, m.signals);
        assert_eq!(back.topic[0].bigrams.len(), MAX_STORED_TERMS);
        assert_eq!(
            (
                back.topic_themes,
                back.asked,
                back.pending,
                back.waiting,
                back.turns
            ),
            (s.topic_themes, s.asked, s.pending, None, s.turns)
        );
    }
}
