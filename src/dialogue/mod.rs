//! The dialogue: one turn of a conversation. Reads the message, merges its facts into the
//! session, decides between answering, asking one clarifying question, and saying plainly that
//! nothing fits, and composes the reply. Understanding a message cannot fail.
//!
//! Stages: [`situation`] (what a message says) → [`policy`](self::policy) (answer / clarify /
//! no match, and which question) → [`compose`] (quotes, estimate) → [`reply`] (the text).

pub mod amount;
pub mod compose;
mod policy;
mod reply;
pub mod session;
pub mod situation;
pub mod unanswered;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwap;

use crate::corpus::{Kind, ProgramId, Quote, Slot};
use crate::engine::{Engine, LoadError};
use crate::text::{Expander, TextError};

pub use compose::Estimate;
pub use session::{Session, SessionLimits, SessionStatus, SessionStore};
pub use unanswered::{Reason, Unanswered};

/// A program recommended in a turn, with the quotes chosen for this person.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub id: ProgramId,
    pub name: String,
    pub kind: Kind,
    pub division: String,
    /// The id of the source document its quotes come from.
    pub source: String,
    pub score: f32,
    pub quotes: Vec<Quote>,
    pub estimate: Option<Estimate>,
}

/// A clarifying question with its options (shown as buttons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub slot: Slot,
    pub question: String,
    pub options: Vec<String>,
}

/// What a turn decided.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The programs that fit, best first.
    Answer { programs: Vec<Recommendation> },
    /// One question whose answer changes the result, with the best candidates so far.
    Clarify {
        follow_up: FollowUp,
        programs: Vec<Recommendation>,
    },
    /// Nothing in these programs fits; where to ask instead.
    NoMatch { refer: Vec<String> },
}

impl Reply {
    pub fn programs(&self) -> &[Recommendation] {
        match self {
            Reply::Answer { programs } | Reply::Clarify { programs, .. } => programs,
            Reply::NoMatch { .. } => &[],
        }
    }

    pub fn follow_up(&self) -> Option<&FollowUp> {
        match self {
            Reply::Clarify { follow_up, .. } => Some(follow_up),
            _ => None,
        }
    }
}

/// One turn's result.
#[derive(Debug, Clone)]
pub struct Turn {
    pub session_id: String,
    pub status: SessionStatus,
    /// The reply in plain, polite Japanese.
    pub text: String,
    pub reply: Reply,
    /// The 年度 of the document the terms come from.
    pub as_of: String,
}

/// What a reload replaces at once: the engine and the detector built from its vocabulary.
#[derive(Debug)]
struct Loaded {
    engine: Arc<Engine>,
    out_of_scope: Expander,
}

impl Loaded {
    fn new(engine: Arc<Engine>) -> Result<Self, TextError> {
        let triggers: Vec<Vec<String>> = engine
            .corpus
            .vocabulary
            .out_of_scope
            .iter()
            .map(|o| o.when.clone())
            .collect();
        Ok(Self {
            out_of_scope: Expander::new(&triggers)?,
            engine,
        })
    }
}

/// The 年度 of the documents a reply cites (the primary document's when it cites none).
fn as_of(corpus: &crate::corpus::Corpus, reply: &Reply) -> String {
    let mut years: Vec<&str> = Vec::new();
    for d in &corpus.documents {
        let cited = reply.programs().iter().any(|p| p.source == d.info.id);
        if cited && !years.contains(&d.info.year.as_str()) {
            years.push(&d.info.year);
        }
    }
    if years.is_empty() {
        years.push(&corpus.primary().info.year);
    }
    years.join("・")
}

/// The dialogue service: the engine (swappable by a reload), the sessions, the unanswered log.
#[derive(Debug)]
pub struct Dialogue {
    loaded: ArcSwap<Loaded>,
    sessions: SessionStore,
    unanswered: Unanswered,
}

impl Dialogue {
    pub fn new(engine: Arc<Engine>, limits: SessionLimits) -> Result<Self, TextError> {
        Ok(Self {
            loaded: ArcSwap::from_pointee(Loaded::new(engine)?),
            sessions: SessionStore::new(limits),
            unanswered: Unanswered::default(),
        })
    }

    /// The engine serving now (a reload may replace it for later calls).
    pub fn engine(&self) -> Arc<Engine> {
        self.loaded.load().engine.clone()
    }

    /// Re-reads and verifies the corpus in `dir` and, only if it is entirely valid, swaps it in
    /// atomically: requests in flight finish on the old engine, later ones use the new one. On
    /// error the old corpus keeps serving and the loader's message is returned.
    pub fn reload(&self, dir: &Path) -> Result<Arc<Engine>, LoadError> {
        let engine = Arc::new(Engine::load(dir)?);
        let loaded = Loaded::new(engine.clone())?;
        self.loaded.store(Arc::new(loaded));
        Ok(engine)
    }

    pub fn sessions(&self) -> &SessionStore {
        &self.sessions
    }

    /// The unanswered-questions log.
    pub fn unanswered(&self) -> &Unanswered {
        &self.unanswered
    }

    /// Logs the sessions that ended waiting for an answer to a clarifying question.
    fn note_dropped(&self, dropped: Vec<session::Session>) {
        for s in dropped {
            if s.pending.is_some()
                && let Some(last) = s.topic.last()
            {
                self.unanswered.record(last, Reason::Abandoned);
            }
        }
    }

    /// Answers one message in the session `session_id` of the in-memory store (a new one if
    /// absent, unknown or expired). Never fails and never panics on any text.
    pub fn respond(&self, session_id: Option<&str>, message: &str) -> Turn {
        let now = Instant::now();
        let mut dropped = Vec::new();
        let (id, mut session, status) = self.sessions.take(session_id, now, &mut dropped);
        let turn = self.turn(id.clone(), &mut session, status, message);
        self.sessions.put(id, session, now, &mut dropped);
        self.note_dropped(dropped);
        turn
    }

    /// Answers one message in a session the caller keeps (a shared store such as Redis):
    /// updates `session` and returns the turn.
    pub fn turn(
        &self,
        id: String,
        session: &mut Session,
        status: SessionStatus,
        message: &str,
    ) -> Turn {
        let loaded = self.loaded.load();
        let reply = policy::turn(&loaded.engine, &loaded.out_of_scope, session, message);
        session.turns = session.turns.saturating_add(1);
        if matches!(reply, Reply::NoMatch { .. }) {
            self.unanswered.record(message, Reason::NoMatch);
        }
        let text = reply::text(&loaded.engine.corpus, &reply, status, message);
        Turn {
            session_id: id,
            status,
            text,
            as_of: as_of(&loaded.engine.corpus, &reply),
            reply,
        }
    }
}
