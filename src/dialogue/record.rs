//! What the dialogue reports about its turns to whoever keeps records (the desk's database):
//! each turn (its question, outcome and the programs shown) and each unanswered question. The
//! dialogue itself keeps nothing: without a [`Recorder`] (`ask`, `chat`, MCP on stdio) nothing
//! is recorded.

use crate::corpus::ProgramId;

/// Why a question is in the unanswered log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Nothing fitted.
    NoMatch,
    /// The person left after a clarifying question.
    Abandoned,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoMatch => "no_match",
            Reason::Abandoned => "abandoned",
        }
    }

    /// The reason `as_str` wrote.
    pub fn parse(s: &str) -> Option<Reason> {
        match s {
            "no_match" => Some(Reason::NoMatch),
            "abandoned" => Some(Reason::Abandoned),
            _ => None,
        }
    }
}

/// One turn, as a record keeper sees it.
#[derive(Debug, Clone)]
pub struct TurnRecord {
    /// The session the turn belongs to (a keeper stores a digest of it, never the id).
    pub session_id: String,
    /// The message as typed, trimmed.
    pub question: String,
    /// answer | clarify | no_match
    pub outcome: &'static str,
    /// The programs shown, best first.
    pub programs: Vec<ProgramId>,
    /// The language the turn was answered in.
    pub lang: crate::text::Lang,
}

/// Whoever keeps records of the dialogue. Called on the request path: an implementation queues
/// and returns at once.
pub trait Recorder: Send + Sync + std::fmt::Debug {
    /// One turn was answered.
    fn turn(&self, turn: TurnRecord);
    /// A question went unanswered (the caller's budget allowing).
    fn unanswered(&self, question: &str, reason: Reason);
}
