//! What the desk reads and writes: consultation requests (the handoff to a person) with their
//! status and staff note, feedback on answers, recent conversations, the unanswered log and
//! the monthly tallies. Input arrives validated (see `http::consult`); here it is stored as
//! given and read back as stored.

use serde::{Deserialize, Serialize};

use sqlx::AnyConnection;

use super::journal::{session_key, stored_text, tally};
use super::writer::Command;
use super::{Database, DbError};

/// The longest free text stored (a message, a note, a comment): the API refuses longer ones
/// before this, so it only guards against a caller that did not check.
const MAX_STORED: usize = 4_000;

/// Where a consultation request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    InProgress,
    Done,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "new" => Some(Status::New),
            "in_progress" => Some(Status::InProgress),
            "done" => Some(Status::Done),
            _ => None,
        }
    }
}

/// A consultation request as sent (validated), with the session whose conversation goes with
/// it when the person consented.
#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub name: String,
    pub organization: Option<String>,
    pub contact: String,
    pub preferred_time: Option<String>,
    pub message: String,
    pub session_id: Option<String>,
}

/// One question of the conversation sent with a consultation request. Stored as a JSON array in
/// the request's row (serde here is the column's format; the API's is `wire::desk`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedTurn {
    pub question: String,
    /// answer | clarify | no_match
    pub outcome: String,
    /// The ids of the programs shown, best first.
    pub programs: Vec<String>,
}

/// A consultation request as the desk sees it. After the retention period its personal data
/// (name, organization, contact, preferred time, message, conversation, note) is deleted and
/// `purged` is true; the request itself stays, for the counts.
#[derive(Debug, Clone)]
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

/// A change the desk makes to a request.
#[derive(Debug, Clone, Default)]
pub struct ConsultationUpdate {
    pub status: Option<Status>,
    /// `Some("")` clears the note.
    pub note: Option<String>,
}

/// A recent conversation, for the desk: no session id, no address.
#[derive(Debug, Clone)]
pub struct ConversationView {
    /// An id of the stored conversation (not the session id).
    pub id: String,
    pub started_at: i64,
    pub last_at: i64,
    /// The language the conversation was held in: its latest turn's (ja | en | zh-Hant).
    pub lang: String,
    pub turns: Vec<TurnView>,
}

/// One turn of a stored conversation.
#[derive(Debug, Clone)]
pub struct TurnView {
    /// 1 for the first turn.
    pub n: i64,
    pub at: i64,
    pub question: String,
    /// answer | clarify | no_match
    pub outcome: String,
    pub programs: Vec<String>,
    /// The language the turn was answered in (ja | en | zh-Hant).
    pub lang: String,
    /// The person's 👍 (true) or 👎 (false), if given.
    pub helpful: Option<bool>,
    pub comment: Option<String>,
}

/// One line of the unanswered log.
#[derive(Debug, Clone)]
pub struct UnansweredRow {
    pub question: String,
    /// no_match | abandoned (left after a clarifying question)
    pub reason: String,
    pub count: i64,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// How many of something happened in a month (kept after the records are deleted).
#[derive(Debug, Clone)]
pub struct Tally {
    /// YYYY-MM, Japan time.
    pub month: String,
    /// conversations | answer | clarify | no_match | unanswered | consultations | helpful |
    /// not_helpful
    pub kind: String,
    pub n: i64,
}

/// What became of a feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    Recorded,
    /// No stored turn of that session (unknown, expired, or its conversation deleted).
    NoConversation,
    /// The latest answer already has feedback.
    AlreadyGiven,
}

type ConsultationRow = (
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

const CONSULTATION_COLUMNS: &str = "id, created_at, updated_at, status, name, organization, \
     contact, preferred_time, message, conversation, note, purged_at";

fn consultation(row: ConsultationRow) -> Consultation {
    let (id, created_at, updated_at, status, name, organization, contact, preferred, message) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    Consultation {
        id,
        created_at,
        updated_at,
        status: Status::parse(&status).unwrap_or(Status::New),
        name,
        organization,
        contact,
        preferred_time: preferred,
        message,
        conversation: row
            .9
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default(),
        note: row.10,
        purged: row.11.is_some(),
    }
}

impl Database {
    /// Stores a consultation request, with the conversation of its session when given
    /// (everything the dialogue reported of it is written first, in the same transaction).
    /// Returns its id once it is committed.
    pub async fn add_consultation(&self, c: &NewConsultation, at: i64) -> Result<String, DbError> {
        let new = c.clone();
        self.journal()
            .call(|reply| Command::Consultation { new, at, reply })
            .await
    }

    /// Consultation requests, newest first, optionally of one status.
    pub async fn consultations(
        &self,
        status: Option<Status>,
        limit: i64,
    ) -> Result<Vec<Consultation>, DbError> {
        let status = status.map_or("", Status::as_str);
        let rows: Vec<ConsultationRow> = self
            .store()
            .run(|pool| async move {
                Ok(sqlx::query_as(&format!(
                    "SELECT {CONSULTATION_COLUMNS} FROM consultations \
                     WHERE ($1 = '' OR status = $1) ORDER BY created_at DESC, id LIMIT $2"
                ))
                .bind(status)
                .bind(limit)
                .fetch_all(pool)
                .await?)
            })
            .await?;
        Ok(rows.into_iter().map(consultation).collect())
    }

    /// Changes a request's status or note; `None` if there is no such request.
    pub async fn update_consultation(
        &self,
        id: &str,
        update: &ConsultationUpdate,
        at: i64,
    ) -> Result<Option<Consultation>, DbError> {
        let (id, update) = (id.to_string(), update.clone());
        self.journal()
            .call(|reply| Command::Update {
                id,
                update,
                at,
                reply,
            })
            .await
    }

    /// Lets the writer write what the dialogue reported so far, so that a list read next shows
    /// every turn said before it (records otherwise gather for a few milliseconds). Best effort:
    /// when the database cannot be written, the read still shows what is stored.
    async fn written_so_far(&self) {
        let _ = self.journal().flush(super::REQUEST_DEADLINE).await;
    }

    /// Records 👍/👎 (and a comment) on the latest turn of a session's conversation.
    pub async fn feedback(
        &self,
        session_id: &str,
        helpful: bool,
        comment: Option<&str>,
        at: i64,
    ) -> Result<FeedbackOutcome, DbError> {
        let (session_id, comment) = (session_id.to_string(), comment.map(str::to_string));
        self.journal()
            .call(|reply| Command::Feedback {
                session_id,
                helpful,
                comment,
                at,
                reply,
            })
            .await
    }

    /// The `limit` most recent conversations, each with its turns.
    pub async fn conversations(&self, limit: i64) -> Result<Vec<ConversationView>, DbError> {
        self.written_so_far().await;
        type Row = (
            String,
            i64,
            i64,
            i64,
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = self
            .store()
            .run(|pool| async move {
                Ok(sqlx::query_as(
                    "SELECT c.id, c.started_at, c.last_at, t.n, t.at, t.question, t.outcome, \
                     t.programs, t.helpful, t.comment, t.lang FROM \
                     (SELECT id, started_at, last_at FROM conversations \
                      ORDER BY last_at DESC, id LIMIT $1) c \
                     JOIN turns t ON t.conversation_id = c.id \
                     ORDER BY c.last_at DESC, c.id, t.n",
                )
                .bind(limit)
                .fetch_all(pool)
                .await?)
            })
            .await?;
        let mut out: Vec<ConversationView> = Vec::new();
        for (id, started_at, last_at, n, at, question, outcome, programs, helpful, comment, lang) in
            rows
        {
            if out.last().is_none_or(|c| c.id != id) {
                out.push(ConversationView {
                    id,
                    started_at,
                    last_at,
                    lang: lang.clone(),
                    turns: Vec::new(),
                });
            }
            if let Some(c) = out.last_mut() {
                c.lang.clone_from(&lang);
                c.turns.push(TurnView {
                    lang,
                    n,
                    at,
                    question,
                    outcome,
                    programs: split_ids(&programs),
                    helpful: helpful.map(|h| h != 0),
                    comment,
                });
            }
        }
        Ok(out)
    }

    /// The unanswered log, most recently seen first.
    pub async fn unanswered(&self, limit: i64) -> Result<Vec<UnansweredRow>, DbError> {
        self.written_so_far().await;
        let rows: Vec<(String, String, i64, i64, i64)> = self
            .store()
            .run(|pool| async move {
                Ok(sqlx::query_as(
                    "SELECT question, reason, count, first_seen, last_seen FROM unanswered \
                     ORDER BY last_seen DESC, count DESC, question LIMIT $1",
                )
                .bind(limit)
                .fetch_all(pool)
                .await?)
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(question, reason, count, first_seen, last_seen)| UnansweredRow {
                    question,
                    reason,
                    count,
                    first_seen,
                    last_seen,
                },
            )
            .collect())
    }

    /// Every monthly tally, newest month first.
    pub async fn tallies(&self) -> Result<Vec<Tally>, DbError> {
        self.written_so_far().await;
        let rows: Vec<(String, String, i64)> = self
            .store()
            .run(|pool| async move {
                Ok(
                    sqlx::query_as("SELECT month, kind, n FROM tallies ORDER BY month DESC, kind")
                        .fetch_all(pool)
                        .await?,
                )
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(month, kind, n)| Tally { month, kind, n })
            .collect())
    }
}

/// The program ids of a `programs` column (space-separated).
fn split_ids(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// Inserts a consultation request (inside the writer's transaction, after the conversation's
/// queued turns), with its conversation read back from the stored turns. Returns its id.
pub(super) async fn insert_consultation(
    conn: &mut AnyConnection,
    c: &NewConsultation,
    at: i64,
) -> Result<String, DbError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let conversation = match c.session_id.as_deref().map(session_key) {
        Some(key) => {
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT t.question, t.outcome, t.programs FROM turns t \
                 JOIN conversations c ON c.id = t.conversation_id \
                 WHERE c.session_key = $1 ORDER BY t.n",
            )
            .bind(key.as_str())
            .fetch_all(&mut *conn)
            .await?;
            let turns: Vec<SharedTurn> = rows
                .into_iter()
                .map(|(question, outcome, programs)| SharedTurn {
                    question,
                    outcome,
                    programs: split_ids(&programs),
                })
                .collect();
            (!turns.is_empty()).then(|| serde_json::to_string(&turns).unwrap_or_default())
        }
        None => None,
    };
    let text = |s: &str| stored_text(s, MAX_STORED);
    sqlx::query(
        "INSERT INTO consultations (id, created_at, updated_at, status, name, \
         organization, contact, preferred_time, message, conversation) \
         VALUES ($1, $2, $2, 'new', $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.as_str())
    .bind(at)
    .bind(text(&c.name))
    .bind(c.organization.as_deref().map(text))
    .bind(text(&c.contact))
    .bind(c.preferred_time.as_deref().map(text))
    .bind(text(&c.message))
    .bind(conversation)
    .execute(&mut *conn)
    .await?;
    tally(conn, at, "consultations").await?;
    Ok(id)
}

/// Changes a request's status or note (inside the writer's transaction).
pub(super) async fn update_consultation(
    conn: &mut AnyConnection,
    id: &str,
    update: &ConsultationUpdate,
    at: i64,
) -> Result<Option<Consultation>, DbError> {
    let status = update.status.map(Status::as_str);
    let note = update.note.as_deref().map(|n| stored_text(n, MAX_STORED));
    let changed = sqlx::query(
        "UPDATE consultations SET status = COALESCE($1, status), \
         note = CASE WHEN $2 IS NULL THEN note WHEN $2 = '' THEN NULL ELSE $2 END, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(note)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(None);
    }
    let row: Option<ConsultationRow> = sqlx::query_as(&format!(
        "SELECT {CONSULTATION_COLUMNS} FROM consultations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(consultation))
}

/// Records 👍/👎 on the latest turn of a session's conversation (inside the writer's
/// transaction, after the conversation's queued turns).
pub(super) async fn insert_feedback(
    conn: &mut AnyConnection,
    session_id: &str,
    helpful: bool,
    comment: Option<&str>,
    at: i64,
) -> Result<FeedbackOutcome, DbError> {
    let key = session_key(session_id);
    let latest: Option<(String, i64)> =
        sqlx::query_as("SELECT id, turns FROM conversations WHERE session_key = $1")
            .bind(key.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some((conversation, n)) = latest else {
        return Ok(FeedbackOutcome::NoConversation);
    };
    let changed = sqlx::query(
        "UPDATE turns SET helpful = $1, comment = $2 \
         WHERE conversation_id = $3 AND n = $4 AND helpful IS NULL",
    )
    .bind(i64::from(helpful))
    .bind(comment.map(|c| stored_text(c, MAX_STORED)))
    .bind(conversation.as_str())
    .bind(n)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(FeedbackOutcome::AlreadyGiven);
    }
    tally(conn, at, if helpful { "helpful" } else { "not_helpful" }).await?;
    Ok(FeedbackOutcome::Recorded)
}

/// The writer's proof that the database takes writes again (one row, the time of the latest).
pub(super) async fn heartbeat(conn: &mut AnyConnection, at: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO heartbeat (id, at) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET at = excluded.at",
    )
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
