//! The desk's JSON: the consultation requests, conversations, unanswered log and tallies as the
//! staff console's API sends them, converted from the database's plain rows (which know nothing
//! of JSON) field by field, so a column added to a row does not reach the API by accident.

use serde::Serialize;
use utoipa::ToSchema;

use crate::database as db;

/// Where a consultation request stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InProgress,
    Done,
}

impl From<db::Status> for Status {
    fn from(s: db::Status) -> Self {
        match s {
            db::Status::New => Status::New,
            db::Status::InProgress => Status::InProgress,
            db::Status::Done => Status::Done,
        }
    }
}

/// One question of the conversation sent with a consultation request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SharedTurn {
    pub question: String,
    /// answer | clarify | no_match
    pub outcome: String,
    /// The ids of the programs shown, best first.
    pub programs: Vec<String>,
}

impl From<db::SharedTurn> for SharedTurn {
    fn from(t: db::SharedTurn) -> Self {
        Self {
            question: t.question,
            outcome: t.outcome,
            programs: t.programs,
        }
    }
}

/// A consultation request as the desk sees it. After the retention period its personal data
/// (name, organization, contact, preferred time, message, conversation, note) is deleted and
/// `purged` is true; the request itself stays, for the counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Consultation {
    pub id: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    pub status: Status,
    pub name: Option<String>,
    pub organization: Option<String>,
    pub contact: Option<String>,
    pub preferred_time: Option<String>,
    pub message: Option<String>,
    /// The person's questions and the programs shown, sent with their consent.
    pub conversation: Vec<SharedTurn>,
    /// The staff's note.
    pub note: Option<String>,
    pub purged: bool,
}

impl From<db::Consultation> for Consultation {
    fn from(c: db::Consultation) -> Self {
        Self {
            id: c.id,
            created_at: c.created_at,
            updated_at: c.updated_at,
            status: c.status.into(),
            name: c.name,
            organization: c.organization,
            contact: c.contact,
            preferred_time: c.preferred_time,
            message: c.message,
            conversation: c.conversation.into_iter().map(Into::into).collect(),
            note: c.note,
            purged: c.purged,
        }
    }
}

/// A recent conversation, for the desk: no session id, no address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationView {
    /// An id of the stored conversation (not the session id).
    pub id: String,
    pub started_at: i64,
    pub last_at: i64,
    /// The language the conversation was held in: its latest turn's (ja | en | zh-Hant).
    pub lang: String,
    pub turns: Vec<TurnView>,
}

impl From<db::ConversationView> for ConversationView {
    fn from(c: db::ConversationView) -> Self {
        Self {
            id: c.id,
            started_at: c.started_at,
            last_at: c.last_at,
            lang: c.lang,
            turns: c.turns.into_iter().map(Into::into).collect(),
        }
    }
}

/// One turn of a stored conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TurnView {
    /// 1 for the first turn.
    pub n: i64,
    pub at: i64,
    pub question: String,
    /// answer | clarify | no_match
    pub outcome: String,
    pub programs: Vec<String>,
    /// The person's 👍 (true) or 👎 (false), if given.
    pub helpful: Option<bool>,
    pub comment: Option<String>,
    /// The language the turn was answered in (ja | en | zh-Hant).
    pub lang: String,
}

impl From<db::TurnView> for TurnView {
    fn from(t: db::TurnView) -> Self {
        Self {
            n: t.n,
            at: t.at,
            question: t.question,
            outcome: t.outcome,
            programs: t.programs,
            helpful: t.helpful,
            comment: t.comment,
            lang: t.lang,
        }
    }
}

/// One line of the unanswered log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnansweredRow {
    pub question: String,
    /// no_match | abandoned (left after a clarifying question)
    pub reason: String,
    pub count: i64,
    pub first_seen: i64,
    pub last_seen: i64,
}

impl From<db::UnansweredRow> for UnansweredRow {
    fn from(u: db::UnansweredRow) -> Self {
        Self {
            question: u.question,
            reason: u.reason,
            count: u.count,
            first_seen: u.first_seen,
            last_seen: u.last_seen,
        }
    }
}

/// How many of something happened in a month (kept after the records are deleted).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tally {
    /// YYYY-MM, Japan time.
    pub month: String,
    /// conversations | answer | clarify | no_match | unanswered | consultations | helpful |
    /// not_helpful
    pub kind: String,
    pub n: i64,
}

impl From<db::Tally> for Tally {
    fn from(t: db::Tally) -> Self {
        Self {
            month: t.month,
            kind: t.kind,
            n: t.n,
        }
    }
}
