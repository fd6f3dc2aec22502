//! Conversation memory: what a session keeps, the [`SessionStore`] trait every store implements
//! (this process's [`MemoryStore`] here; the Redis store in `http`), and the in-memory store,
//! bounded in the number of sessions (least recently used go first), in turns and in idle time.

use std::collections::BTreeSet;
use std::future::Future;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::corpus::{Slot, Theme};
use crate::understand::{Facts, OutOfScope, Searchable, Who};

/// How many recent messages make up the current topic. Older ones stop steering the search;
/// the facts they stated stay in [`Facts`].
pub const TOPIC_MESSAGES: usize = 4;

/// Limits of the session store.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Sessions kept at most; the least recently used is dropped beyond this.
    pub max_sessions: usize,
    /// Turns one session may take before it starts over.
    pub max_turns: u32,
    /// A session idle this long is forgotten.
    pub idle: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            // About 2 KB a session: 10,000 sessions stay near 20 MB.
            max_sessions: 10_000,
            max_turns: 50,
            idle: Duration::from_secs(60 * 60),
        }
    }
}

/// Characters kept of the last message, for the unanswered log when a conversation is
/// abandoned after a question (the log keeps no more than this either).
pub const LAST_MESSAGE_CHARS: usize = 200;

/// What a session remembers: facts, and what each recent message of the topic searches with,
/// never the messages' analysis to redo.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub facts: Facts,
    /// The recent messages of the current topic, understood, oldest first.
    pub topic: Vec<Searchable>,
    pub topic_themes: BTreeSet<Theme>,
    /// Questions already asked: never asked twice.
    pub asked: BTreeSet<Slot>,
    /// The question asked last turn, if any.
    pub pending: Option<Slot>,
    /// Who the person said they are (the latest statement).
    pub who: Who,
    /// A judgement that ruled the conversation out (a private person or purpose, a business
    /// in another prefecture): it stands for later messages until one corrects it.
    pub ruled_out: Option<OutOfScope>,
    /// The last message as typed (at most [`LAST_MESSAGE_CHARS`]), kept only while a question
    /// waits for its answer: it is what the unanswered log shows if the person leaves.
    pub waiting: Option<String>,
    pub turns: u32,
}

/// A boxed future, so that a store can be used behind `dyn SessionStore`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The session a request continues (or a new one), how its id was resolved, and the sessions
/// the store let go meanwhile (expired or pushed out), so the caller can see how they ended.
#[derive(Debug)]
pub struct Taken {
    pub id: String,
    pub session: Session,
    pub status: SessionStatus,
    pub ended: Vec<Session>,
}

/// Where conversations live. Every turn, whatever the store, is `take` → one turn → `put`.
pub trait SessionStore: Send + Sync + std::fmt::Debug {
    /// Takes the session for `id` (or starts one) and says how.
    fn take<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, Taken>;
    /// Puts a session back after a turn; returns the sessions the store let go meanwhile.
    fn put<'a>(&'a self, id: &'a str, session: Session) -> StoreFuture<'a, Vec<Session>>;
    /// Sessions held now, when the store can tell cheaply.
    fn count(&self) -> Option<usize>;
    /// Whether the store can be reached (always, for memory).
    fn is_healthy(&self) -> bool;
    /// `memory`, `redis` …, for health reports.
    fn backend(&self) -> &'static str;
    /// Periodic upkeep, run by a server about once a second (a shared store checks it can be
    /// reached, so health recovers without traffic).
    fn maintain(&self) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// How a request's session id was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// No id was sent: a new session.
    New,
    /// The id was known and still fresh.
    Continued,
    /// The id was not known (never issued here, or dropped to make room): a new session.
    Unknown,
    /// The id had been idle too long: a new session.
    Expired,
    /// The session had reached its turn limit and started over.
    TurnLimit,
    /// The shared session store could not be reached: this turn is answered on its own.
    Degraded,
}

struct Entry {
    session: Session,
    last_seen: Instant,
}

/// The in-memory session store.
pub struct MemoryStore {
    limits: SessionLimits,
    inner: Mutex<LruCache<String, Entry>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("limits", &self.limits)
            .field("len", &self.count())
            .finish()
    }
}

impl SessionStore for MemoryStore {
    fn take<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, Taken> {
        let mut ended = Vec::new();
        let (id, session, status) = self.take_now(id, Instant::now(), &mut ended);
        Box::pin(std::future::ready(Taken {
            id,
            session,
            status,
            ended,
        }))
    }

    fn put<'a>(&'a self, id: &'a str, session: Session) -> StoreFuture<'a, Vec<Session>> {
        let mut ended = Vec::new();
        self.put_now(id.to_string(), session, Instant::now(), &mut ended);
        Box::pin(std::future::ready(ended))
    }

    fn count(&self) -> Option<usize> {
        Some(self.lock().len())
    }

    fn is_healthy(&self) -> bool {
        true
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}

impl MemoryStore {
    pub fn new(limits: SessionLimits) -> Self {
        let cap = NonZeroUsize::new(limits.max_sessions).unwrap_or(NonZeroUsize::MIN);
        Self {
            limits,
            inner: Mutex::new(LruCache::new(cap)),
        }
    }

    pub fn limits(&self) -> SessionLimits {
        self.limits
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Entry>> {
        // A panic while holding the lock cannot leave the map half-updated (every update is a
        // single insert or pop), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the session for `id` out of the store (or starts one) and says how. An expired
    /// session is returned in `dropped` so the caller can see how it ended.
    pub fn take_now(
        &self,
        id: Option<&str>,
        now: Instant,
        dropped: &mut Vec<Session>,
    ) -> (String, Session, SessionStatus) {
        let Some(id) = id.filter(|i| !i.trim().is_empty()) else {
            return (new_id(), Session::default(), SessionStatus::New);
        };
        let entry = self.lock().pop(id);
        match entry {
            None => (new_id(), Session::default(), SessionStatus::Unknown),
            Some(e) if now.duration_since(e.last_seen) > self.limits.idle => {
                dropped.push(e.session);
                (new_id(), Session::default(), SessionStatus::Expired)
            }
            Some(e) if e.session.turns >= self.limits.max_turns => {
                (id.to_string(), Session::default(), SessionStatus::TurnLimit)
            }
            Some(e) => (id.to_string(), e.session, SessionStatus::Continued),
        }
    }

    /// Puts a session back after a turn. Sessions pushed out by the cap, and up to a few idle
    /// ones at the old end, are forgotten now and returned in `dropped`.
    pub fn put_now(&self, id: String, session: Session, now: Instant, dropped: &mut Vec<Session>) {
        let mut map = self.lock();
        if let Some((old_id, old)) = map.push(
            id.clone(),
            Entry {
                session,
                last_seen: now,
            },
        ) && old_id != id
        {
            dropped.push(old.session);
        }
        // Sweeping a bounded number per turn keeps a put O(1) while idle sessions still go.
        for _ in 0..SWEEP_PER_PUT {
            let expired = map
                .peek_lru()
                .is_some_and(|(_, e)| now.duration_since(e.last_seen) > self.limits.idle);
            if !expired {
                break;
            }
            if let Some((_, e)) = map.pop_lru() {
                dropped.push(e.session);
            }
        }
    }
}

/// Idle sessions swept from the old end of the store per put.
const SWEEP_PER_PUT: usize = 4;

/// A fresh, unguessable session id.
fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(max_sessions: usize) -> MemoryStore {
        MemoryStore::new(SessionLimits {
            max_sessions,
            max_turns: 2,
            idle: Duration::from_secs(10),
        })
    }

    #[test]
    fn continued_unknown_expired_and_turn_limit() {
        let s = store(10);
        let t0 = Instant::now();
        let d = &mut Vec::new();
        let (id, mut sess, st) = s.take_now(None, t0, d);
        assert_eq!(st, SessionStatus::New);
        sess.turns = 1;
        s.put_now(id.clone(), sess, t0, d);
        let (id2, sess, st) = s.take_now(Some(&id), t0 + Duration::from_secs(5), d);
        assert_eq!((st, &id2), (SessionStatus::Continued, &id));
        assert_eq!(sess.turns, 1);
        s.put_now(id.clone(), sess, t0, d);
        let (id3, _, st) = s.take_now(Some(&id), t0 + Duration::from_secs(11), d);
        assert_eq!(st, SessionStatus::Expired);
        assert_ne!(id3, id);
        assert_eq!(d.len(), 1, "the expired session is handed back");
        assert_eq!(s.take_now(Some("nope"), t0, d).2, SessionStatus::Unknown);
        let full = Session {
            turns: 2,
            ..Session::default()
        };
        s.put_now("x".into(), full, t0, d);
        assert_eq!(s.take_now(Some("x"), t0, d).2, SessionStatus::TurnLimit);
    }

    #[test]
    fn the_store_never_holds_more_than_its_cap() {
        let s = store(3);
        let t = Instant::now();
        let d = &mut Vec::new();
        for i in 0..10 {
            s.put_now(format!("s{i}"), Session::default(), t, d);
        }
        assert_eq!(s.count(), Some(3));
        assert_eq!(d.len(), 7, "evicted sessions are handed back");
        assert_eq!(s.take_now(Some("s0"), t, d).2, SessionStatus::Unknown);
        assert_eq!(s.take_now(Some("s9"), t, d).2, SessionStatus::Continued);
        // Idle sessions at the old end are swept on the next put.
        s.put_now(
            "late".into(),
            Session::default(),
            t + Duration::from_secs(60),
            d,
        );
        assert_eq!(s.count(), Some(1));
    }
}
