//! Where conversations live: in this process (the default), or in Redis/Valkey so that several
//! instances behind a load balancer share them. In Redis a session is one key with its idle
//! time as TTL (`SET … EX`), stored in a small versioned JSON form of its own. When Redis cannot
//! be reached the service keeps answering, one turn at a time, reports `degraded`, and recovers
//! by itself when Redis is back.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::corpus::{Disaster, DisasterAnswer, Kind, KindAnswer, Slot, Stage, Theme};
use crate::dialogue::{Session, SessionLimits, SessionStatus, situation::Facts};

/// How long one Redis command may take before the store counts as unreachable. Loopback or a
/// LAN answers in well under a millisecond; waiting longer would stall the conversation.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(300);
/// The largest session stored, in bytes of JSON; a topic message is cut to keep under it.
const MAX_SESSION_BYTES: usize = 16 * 1024;
/// Characters kept of each topic message in Redis.
const MAX_STORED_MESSAGE_CHARS: usize = 1_000;
const KEY_PREFIX: &str = "madoguchi:session:";

/// Where sessions are kept.
#[derive(Debug, Clone)]
pub enum Sessions {
    /// In this process (`Dialogue`'s own bounded store).
    Memory,
    /// In Redis, shared by every instance.
    Redis(Arc<RedisSessions>),
}

/// The Redis session store.
#[derive(Debug)]
pub struct RedisSessions {
    client: redis::Client,
    connection: Mutex<Option<MultiplexedConnection>>,
    healthy: AtomicBool,
    limits: SessionLimits,
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
    topic: Vec<String>,
    topic_themes: Vec<String>,
    asked: Vec<String>,
    pending: Option<String>,
    turns: u32,
}

const STORED_VERSION: u32 = 1;

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
            topic: s
                .topic
                .iter()
                .map(|m| m.chars().take(MAX_STORED_MESSAGE_CHARS).collect())
                .collect(),
            topic_themes: s
                .topic_themes
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            asked: s.asked.iter().map(|x| x.as_str().to_string()).collect(),
            pending: s.pending.map(|x| x.as_str().to_string()),
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
            },
            topic: self.topic,
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
            turns: self.turns,
        }
    }
}

impl RedisSessions {
    /// A store for `url` (`redis://HOST:PORT/DB`). Connects lazily: an unreachable Redis at
    /// start-up only means degraded answers until it is reachable.
    pub fn new(url: &str, limits: SessionLimits) -> Result<Self, redis::RedisError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: Mutex::new(None),
            healthy: AtomicBool::new(false),
            limits,
        })
    }

    /// Whether the last contact with Redis worked.
    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
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

    /// The session for `id` (or a new one), and how it was resolved.
    pub async fn take(&self, id: Option<&str>) -> (String, Session, SessionStatus) {
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

    /// Stores a session with the idle time as its TTL.
    pub async fn put(&self, id: &str, session: &Session) {
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
        let set: Result<Result<(), _>, _> =
            tokio::time::timeout(COMMAND_TIMEOUT, c.set_ex(&key, json, ttl)).await;
        match set {
            Ok(Ok(())) => self.healthy.store(true, Ordering::Relaxed),
            Ok(Err(e)) => self.failed("SET", e).await,
            Err(_) => self.failed("SET", "timed out").await,
        }
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
        s.topic = vec!["店が浸水した".into(), "x".repeat(5_000)];
        s.topic_themes.insert(Theme::Disaster);
        s.asked.insert(Slot::Disaster);
        s.pending = Some(Slot::Kind);
        s.turns = 3;
        let json = serde_json::to_string(&Stored::from_session(&s)).unwrap();
        let back = serde_json::from_str::<Stored>(&json)
            .unwrap()
            .into_session();
        assert_eq!(back.facts, s.facts);
        assert_eq!(back.topic[0], s.topic[0]);
        assert_eq!(back.topic[1].chars().count(), MAX_STORED_MESSAGE_CHARS);
        assert_eq!(
            (back.topic_themes, back.asked, back.pending, back.turns),
            (s.topic_themes, s.asked, s.pending, s.turns)
        );
    }
}
