//! Conversation memory: what a session keeps, the [`SessionStore`] trait every store implements,
//! and both stores: this process's [`MemoryStore`] here, bounded in the number of sessions
//! (least recently used go first), in turns and in idle time; and [`RedisSessions`] (in
//! [`redis`]), shared by every instance. The dialogue takes a `dyn SessionStore`; `startup`
//! chooses which.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::corpus::{Slot, Theme};
use crate::text::Lang;
use crate::understand::{Facts, OutOfScope, Searchable, Who};

pub mod redis;

pub use redis::RedisSessions;

/// How many recent messages make up the current topic. Older ones stop steering the search;
/// the facts they stated stay in [`Facts`].
pub const TOPIC_MESSAGES: usize = 4;

/// How long after its last turn a conversation counts as in progress: a new conversation never
/// pushes out one used this recently, and is refused instead when every conversation held is
/// this recent. A person between two messages reads the answer and its quoted terms, looks up a
/// figure or asks a colleague: a few minutes; ten covers that with room. A longer window would
/// let a flood hold the store shut longer after it stops (its conversations count as in
/// progress for the whole window); a shorter one would let a flood push out people who are
/// still typing. At the defaults a flood must start 10,000 conversations every ten minutes,
/// from more than 500 addresses under `--new-sessions-per-hour`, to keep anyone out.
pub const ACTIVE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Limits of the session store.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Sessions kept at most. Beyond, a new one takes the place of the least recently used
    /// only when that one is no longer in progress (see `active`); otherwise it is refused.
    pub max_sessions: usize,
    /// Turns one session may take before it starts over.
    pub max_turns: u32,
    /// A session idle this long is forgotten.
    pub idle: Duration,
    /// A session used within this time is in progress: never pushed out ([`ACTIVE_WINDOW`]).
    pub active: Duration,
}

impl SessionLimits {
    /// How long a session must have been idle before a new one may push it out: the active
    /// window, or the idle time when that is shorter (an expired session is gone anyway).
    pub fn evictable_after(&self) -> Duration {
        self.active.min(self.idle)
    }
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            // About 2 KB a session: 10,000 sessions stay near 20 MB.
            max_sessions: 10_000,
            max_turns: 50,
            idle: Duration::from_secs(60 * 60),
            active: ACTIVE_WINDOW,
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
    /// The language the conversation is held in: the last message's that said one (by its
    /// script, or by the channel's explicit choice); a message whose script does not say (a
    /// number, an acronym) is answered in it.
    pub lang: Option<Lang>,
}

/// A boxed future, so that a store can be used behind `dyn SessionStore`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The session a request continues (or a new one), how its id was resolved, and the sessions
/// the store let go meanwhile (expired or pushed out), so the caller can see how they ended. A
/// new session (status `New`, `Unknown` or `Expired`) holds no place in the store until
/// [`SessionStore::admit`] gives it one.
#[derive(Debug)]
pub struct Taken {
    pub id: String,
    pub session: Session,
    pub status: SessionStatus,
    pub ended: Vec<Session>,
}

/// A new conversation refused because every conversation the store holds is in progress (used
/// within the active window): none is pushed out for it. `retry_after` is when the least
/// recently used one stops counting as in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "every conversation held is in progress: no room for a new one for {} s",
    retry_after.as_secs()
)]
pub struct StoreFull {
    pub retry_after: Duration,
}

/// Where conversations live. Every turn, whatever the store, is `take` → (`admit`, for a new
/// conversation) → one turn → `put`.
pub trait SessionStore: Send + Sync + std::fmt::Debug {
    /// Takes the session for `id` (or starts one) and says how.
    fn take<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, Taken>;
    /// Gives the new session `id` (from `take`) its place: while the store has room, or by
    /// pushing out the least recently used session when that one is no longer in progress
    /// (returned, to see how it ended); refused when every session held is in progress. A store
    /// that cannot be reached admits (the turn is answered on its own).
    fn admit<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Vec<Session>, StoreFull>>;
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

/// A session held in memory. `session` is `None` while a turn has it (taken, not yet put back)
/// and for a new session admitted but not yet put: the entry keeps its place either way, so a
/// turn in progress is counted against the cap.
struct Entry {
    session: Option<Session>,
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

    fn admit<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Vec<Session>, StoreFull>> {
        let mut ended = Vec::new();
        let admitted = self
            .admit_now(id, Instant::now(), &mut ended)
            .map(|()| ended);
        Box::pin(std::future::ready(admitted))
    }

    fn put<'a>(&'a self, id: &'a str, session: Session) -> StoreFuture<'a, Vec<Session>> {
        let mut ended = Vec::new();
        self.put_now(id, session, Instant::now(), &mut ended);
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
        // The cache itself is unbounded: the cap is kept here, by admitting or refusing, never
        // by the cache pushing out whichever entry is oldest.
        Self {
            limits,
            inner: Mutex::new(LruCache::unbounded()),
        }
    }

    pub fn limits(&self) -> SessionLimits {
        self.limits
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Entry>> {
        // A panic while holding the lock cannot leave the map half-updated (every update is a
        // single insert, pop or field change), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the session for `id` (or starts one) and says how. A continued session keeps its
    /// place, marked as used now, while the turn has it. An expired session is returned in
    /// `dropped` so the caller can see how it ended.
    pub fn take_now(
        &self,
        id: Option<&str>,
        now: Instant,
        dropped: &mut Vec<Session>,
    ) -> (String, Session, SessionStatus) {
        let Some(id) = id.filter(|i| !i.trim().is_empty()) else {
            return (new_id(), Session::default(), SessionStatus::New);
        };
        let mut map = self.lock();
        let Some(entry) = map.get_mut(id) else {
            return (new_id(), Session::default(), SessionStatus::Unknown);
        };
        if now.duration_since(entry.last_seen) > self.limits.idle {
            if let Some((_, e)) = map.pop_entry(id) {
                dropped.extend(e.session);
            }
            return (new_id(), Session::default(), SessionStatus::Expired);
        }
        // Another turn of the same conversation has it (two messages sent at once): this one
        // starts afresh, as it did when a taken session left the store.
        let Some(session) = entry.session.take() else {
            return (new_id(), Session::default(), SessionStatus::Unknown);
        };
        entry.last_seen = now;
        if session.turns >= self.limits.max_turns {
            (id.to_string(), Session::default(), SessionStatus::TurnLimit)
        } else {
            (id.to_string(), session, SessionStatus::Continued)
        }
    }

    /// Gives the new session `id` its place (see [`SessionStore::admit`]); a session pushed out
    /// for it is returned in `dropped`.
    pub fn admit_now(
        &self,
        id: &str,
        now: Instant,
        dropped: &mut Vec<Session>,
    ) -> Result<(), StoreFull> {
        let mut map = self.lock();
        self.make_room(&mut map, now, dropped)?;
        map.push(
            id.to_string(),
            Entry {
                session: None,
                last_seen: now,
            },
        );
        Ok(())
    }

    /// Pushes out least recently used sessions until one more fits, as long as they are no
    /// longer in progress.
    fn make_room(
        &self,
        map: &mut LruCache<String, Entry>,
        now: Instant,
        dropped: &mut Vec<Session>,
    ) -> Result<(), StoreFull> {
        let cap = self.limits.max_sessions.max(1);
        let after = self.limits.evictable_after();
        while map.len() >= cap {
            let idle = map
                .peek_lru()
                .map_or(after, |(_, e)| now.duration_since(e.last_seen));
            if idle < after {
                return Err(StoreFull {
                    retry_after: after - idle,
                });
            }
            if let Some((_, e)) = map.pop_lru() {
                dropped.extend(e.session);
            }
        }
        Ok(())
    }

    /// Puts a session back after a turn. A session that lost its place meanwhile (it cannot,
    /// while in progress) gets one only if there is room; otherwise it ends here and is
    /// returned in `dropped`, as are up to a few idle ones swept from the old end.
    pub fn put_now(&self, id: &str, session: Session, now: Instant, dropped: &mut Vec<Session>) {
        let mut map = self.lock();
        if let Some(entry) = map.get_mut(id) {
            entry.session = Some(session);
            entry.last_seen = now;
        } else if self.make_room(&mut map, now, dropped).is_ok() {
            map.push(
                id.to_string(),
                Entry {
                    session: Some(session),
                    last_seen: now,
                },
            );
        } else {
            dropped.push(session);
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
                dropped.extend(e.session);
            }
        }
    }
}

/// Idle sessions swept from the old end of the store per put.
const SWEEP_PER_PUT: usize = 4;

/// A fresh, unguessable session id.
pub(crate) fn new_id() -> String {
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
            active: Duration::from_secs(4),
        })
    }

    /// A new conversation at `t`, as a turn goes: take, admit, put.
    fn start(s: &MemoryStore, t: Instant, d: &mut Vec<Session>) -> Result<String, StoreFull> {
        let (id, session, status) = s.take_now(None, t, d);
        assert_eq!(status, SessionStatus::New);
        s.admit_now(&id, t, d)?;
        s.put_now(&id, session, t, d);
        Ok(id)
    }

    #[test]
    fn continued_unknown_expired_and_turn_limit() {
        let s = store(10);
        let t0 = Instant::now();
        let d = &mut Vec::new();
        let (id, mut sess, st) = s.take_now(None, t0, d);
        assert_eq!(st, SessionStatus::New);
        s.admit_now(&id, t0, d).unwrap();
        sess.turns = 1;
        s.put_now(&id, sess, t0, d);
        let (id2, sess, st) = s.take_now(Some(&id), t0 + Duration::from_secs(5), d);
        assert_eq!((st, &id2), (SessionStatus::Continued, &id));
        assert_eq!(sess.turns, 1);
        // While a turn has it, the same id sent again starts afresh.
        assert_eq!(s.take_now(Some(&id), t0, d).2, SessionStatus::Unknown);
        s.put_now(&id, sess, t0, d);
        let (id3, _, st) = s.take_now(Some(&id), t0 + Duration::from_secs(11), d);
        assert_eq!(st, SessionStatus::Expired);
        assert_ne!(id3, id);
        assert_eq!(d.len(), 1, "the expired session is handed back");
        assert_eq!(s.take_now(Some("nope"), t0, d).2, SessionStatus::Unknown);
        let full = Session {
            turns: 2,
            ..Session::default()
        };
        s.put_now("x", full, t0, d);
        assert_eq!(s.take_now(Some("x"), t0, d).2, SessionStatus::TurnLimit);
    }

    #[test]
    fn a_new_conversation_never_pushes_out_one_in_progress() {
        let s = store(3);
        let t = Instant::now();
        let d = &mut Vec::new();
        let first = start(&s, t, d).unwrap();
        let kept: Vec<String> = (0..2).map(|_| start(&s, t, d).unwrap()).collect();
        // Full of conversations used within the active window: refused, with how long to wait.
        let refused = start(&s, t + Duration::from_secs(1), d).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(3));
        assert_eq!(s.count(), Some(3));
        assert!(d.is_empty(), "nobody was pushed out");
        // A turn in progress holds its place too: its session is out of the store meanwhile.
        let (_, session, st) = s.take_now(Some(&first), t + Duration::from_secs(3), d);
        assert_eq!(st, SessionStatus::Continued);
        assert!(start(&s, t + Duration::from_secs(5), d).is_ok());
        assert_eq!(d.len(), 1, "the idlest conversation made room");
        s.put_now(&first, session, t + Duration::from_secs(5), d);
        assert_eq!(s.count(), Some(3));
        assert_eq!(
            s.take_now(Some(&first), t + Duration::from_secs(6), d).2,
            SessionStatus::Continued
        );
        assert_eq!(
            s.take_now(Some(&kept[0]), t + Duration::from_secs(6), d).2,
            SessionStatus::Unknown,
            "the one pushed out was the least recently used"
        );
    }

    #[test]
    fn the_store_never_holds_more_than_its_cap() {
        let s = store(3);
        let t = Instant::now();
        let d = &mut Vec::new();
        for i in 0..10u64 {
            // One new conversation every 2 s: each finds the oldest one past the window after
            // the store fills.
            let _ = start(&s, t + Duration::from_secs(2 * i), d);
            assert!(s.count() <= Some(3));
        }
        assert_eq!(s.count(), Some(3));
        assert_eq!(d.len(), 7, "pushed-out sessions are handed back");
        // A put of a session that lost its place does not go over the cap either.
        s.put_now("late", Session::default(), t + Duration::from_secs(18), d);
        assert_eq!(s.count(), Some(3));
        // Idle sessions at the old end are swept on the next put.
        s.put_now("later", Session::default(), t + Duration::from_secs(60), d);
        assert_eq!(s.count(), Some(1));
    }
}
