//! What the dialogue reports on every turn (a turn, an unanswered question), as records the
//! writer queues, and how a run of them is written inside the writer's transaction: an upsert
//! of their conversations (whose returned counts number the turns), an insert of the turns, an
//! upsert of the unanswered questions and of the month's tallies, each added up first.
//!
//! Every statement has a fixed shape: a run of rows is cut into [`SHAPES`] (32, 16, 8, 4, 2, 1
//! rows), so there are six texts a table, each prepared once on the writer's connection and
//! kept in sqlx's statement cache; a multi-row statement whose row count varied with the batch
//! was parsed and planned again every time. On SQLite the parameters are anonymous (`?`): sqlx
//! binds a numbered one (`$7`) by looking its name up, and SQLite's lookup is a scan of the
//! statement's parameter list, so a large numbered statement cost the square of its size.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{Backend, DbError, month_of};
use crate::dialogue::{Reason, TurnRecord, japan_date};
use crate::text::strip_hidden;

/// The row counts a statement is written for, largest first. A run of `n` rows is written as
/// `n / 32` statements of 32 rows and one of each binary digit of the rest: at most 5 more.
/// 32 rows of seven parameters is 224, far below SQLite's and PostgreSQL's limits.
const SHAPES: [usize; 6] = [32, 16, 8, 4, 2, 1];
/// Characters of a question kept in a conversation (the chat API accepts no longer message).
const QUESTION_CHARS: usize = 2_000;

/// One record the dialogue reported, waiting to be written.
#[derive(Debug)]
pub(super) enum Record {
    Turn {
        turn: TurnRecord,
        at: i64,
    },
    Unanswered {
        question: String,
        reason: Reason,
        at: i64,
    },
}

impl Record {
    /// The session whose conversation this record belongs to, if any.
    pub(super) fn session_id(&self) -> Option<&str> {
        match self {
            Record::Turn { turn, .. } => Some(&turn.session_id),
            Record::Unanswered { .. } => None,
        }
    }
}

/// The digest a conversation is stored under: the session id itself is never stored.
pub(crate) fn session_key(session_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"madoguchi conversation ")
        .chain_update(session_id.as_bytes())
        .finalize();
    let mut key = String::with_capacity(32);
    for b in digest.iter().take(16) {
        let _ = write!(key, "{b:02x}");
    }
    key
}

/// Free text as it may be stored: at most `max` characters, trimmed, without the characters
/// that hide or disguise text (see `text::strip_hidden`).
pub(super) fn stored_text(s: &str, max: usize) -> String {
    strip_hidden(s).trim().chars().take(max).collect()
}

/// The statements of one backend, each in every shape.
struct Statements {
    conversations: Vec<String>,
    turns: Vec<String>,
    unanswered: Vec<String>,
    tallies: Vec<String>,
}

impl Statements {
    fn of(backend: Backend) -> &'static Statements {
        static SQLITE: OnceLock<Statements> = OnceLock::new();
        static POSTGRES: OnceLock<Statements> = OnceLock::new();
        let cell = match backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        };
        cell.get_or_init(|| {
            let each = |head: &str, columns: usize, tail: &str| -> Vec<String> {
                SHAPES
                    .iter()
                    .map(|&rows| format!("{head} VALUES {} {tail}", values(backend, rows, columns)))
                    .collect()
            };
            Statements {
                conversations: each(
                    "INSERT INTO conversations (id, session_key, started_at, last_at, turns)",
                    5,
                    "ON CONFLICT (session_key) DO UPDATE SET last_at = excluded.last_at, \
                     turns = conversations.turns + excluded.turns RETURNING session_key, id, turns",
                ),
                turns: each(
                    "INSERT INTO turns (conversation_id, n, at, question, outcome, programs, lang)",
                    7,
                    "",
                ),
                unanswered: each(
                    "INSERT INTO unanswered (question, reason, count, first_seen, last_seen)",
                    5,
                    "ON CONFLICT (question, reason) DO UPDATE SET \
                     count = unanswered.count + excluded.count, last_seen = excluded.last_seen",
                ),
                tallies: each(
                    "INSERT INTO tallies (month, kind, n)",
                    3,
                    "ON CONFLICT (month, kind) DO UPDATE SET n = tallies.n + excluded.n",
                ),
            }
        })
    }
}

/// `(?, ?, …), (…)` on SQLite, `($1, $2, …), (…)` on PostgreSQL: `rows` groups of `columns`.
fn values(backend: Backend, rows: usize, columns: usize) -> String {
    let mut s = String::new();
    for r in 0..rows {
        s.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                s.push_str(", ");
            }
            match backend {
                Backend::Sqlite => s.push('?'),
                Backend::Postgres => {
                    let _ = write!(s, "${}", r * columns + c + 1);
                }
            }
        }
        s.push(')');
    }
    s
}

/// `n` rows cut into shapes: (the shape's index in [`SHAPES`], the first row, the row count).
fn cut(n: usize) -> impl Iterator<Item = (usize, usize, usize)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let left = n - start;
        let (shape, &rows) = SHAPES.iter().enumerate().find(|(_, r)| **r <= left)?;
        let chunk = (shape, start, rows);
        start += rows;
        Some(chunk)
    })
}

/// The backend of a connection.
fn backend_of(conn: &AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Writes `records` on `conn`, inside the caller's transaction.
pub(super) async fn write(conn: &mut AnyConnection, records: &[&Record]) -> Result<(), DbError> {
    if records.is_empty() {
        return Ok(());
    }
    let sql = Statements::of(backend_of(conn));
    let mut tallies = Tallies::default();
    let turns: Vec<(&TurnRecord, i64)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Turn { turn, at } => Some((turn, *at)),
            Record::Unanswered { .. } => None,
        })
        .collect();
    for (turn, at) in &turns {
        tallies.count(*at, turn.outcome, 1);
    }
    for at in write_turns(conn, sql, &turns).await? {
        tallies.count(at, "conversations", 1);
    }
    // The run's unanswered questions, each (question, reason) once: how often, first and last.
    type Seen = (i64, i64, i64);
    let mut unanswered: Vec<((&str, Reason), Seen)> = Vec::new();
    let mut seen: FxHashMap<(&str, Reason), usize> = FxHashMap::default();
    for record in records {
        if let Record::Unanswered {
            question,
            reason,
            at,
        } = record
        {
            tallies.count(*at, "unanswered", 1);
            let key = (question.as_str(), *reason);
            match seen.get(&key) {
                Some(&i) => {
                    let (n, first, last) = &mut unanswered[i].1;
                    *n += 1;
                    *first = (*first).min(*at);
                    *last = (*last).max(*at);
                }
                None => {
                    seen.insert(key, unanswered.len());
                    unanswered.push((key, (1, *at, *at)));
                }
            }
        }
    }
    for (shape, start, rows) in cut(unanswered.len()) {
        let mut q = sqlx::query(&sql.unanswered[shape]);
        for ((question, reason), (n, first, last)) in &unanswered[start..start + rows] {
            q = q
                .bind(*question)
                .bind(reason.as_str())
                .bind(*n)
                .bind(*first)
                .bind(*last);
        }
        q.execute(&mut *conn).await?;
    }
    let tallies: Vec<(String, &str, i64)> = (tallies.0.into_iter())
        .map(|((year, month, kind), n)| (format!("{year:04}-{month:02}"), kind, n))
        .collect();
    for (shape, start, rows) in cut(tallies.len()) {
        let mut q = sqlx::query(&sql.tallies[shape]);
        for (month, kind, n) in &tallies[start..start + rows] {
            q = q.bind(month.as_str()).bind(*kind).bind(*n);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A run's tallies, added up here and written once each: (year, month, kind) → count.
#[derive(Default)]
struct Tallies(BTreeMap<(i32, u32, &'static str), i64>);

impl Tallies {
    fn count(&mut self, at: i64, kind: &'static str, n: i64) {
        let d = japan_date(at);
        *self.0.entry((d.year, d.month, kind)).or_insert(0) += n;
    }
}

/// Writes turns, in order: an upsert of their conversations (each one's turn count raised by
/// its turns here, which numbers them) and an insert of the turns. Returns when each
/// conversation that these turns start began.
async fn write_turns(
    conn: &mut AnyConnection,
    sql: &Statements,
    turns: &[(&TurnRecord, i64)],
) -> Result<Vec<i64>, DbError> {
    // Each session's turns, in order of first appearance.
    let mut sessions: Vec<(String, Vec<usize>)> = Vec::new();
    let mut by_id: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, (turn, _)) in turns.iter().enumerate() {
        match by_id.get(turn.session_id.as_str()) {
            Some(&s) => sessions[s].1.push(i),
            None => {
                by_id.insert(&turn.session_id, sessions.len());
                sessions.push((session_key(&turn.session_id), vec![i]));
            }
        }
    }
    // RETURNING gives each conversation its id and its turn count after these turns, which
    // numbers them (k turns: total - k + 1 ..= total).
    let mut numbered: Vec<(String, i64)> = vec![(String::new(), 0); turns.len()];
    let mut started = Vec::new();
    // Time-ordered ids (UUID v7: milliseconds, then 74 random bits): the turns' key begins
    // with the conversation's id, so the turns of the conversations in progress go to the last
    // pages of its index instead of one random page each, all over it.
    let ids: Vec<String> = (0..sessions.len())
        .map(|_| uuid::Uuid::now_v7().simple().to_string())
        .collect();
    for (shape, start, rows) in cut(sessions.len()) {
        let chunk = &sessions[start..start + rows];
        let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql.conversations[shape]);
        for ((key, idx), id) in chunk.iter().zip(&ids[start..]) {
            let (first, last) = (turns[idx[0]].1, turns[idx[idx.len() - 1]].1);
            q = q
                .bind(id.as_str())
                .bind(key.as_str())
                .bind(first)
                .bind(last)
                .bind(idx.len() as i64);
        }
        let rows = q.fetch_all(&mut *conn).await?;
        for (key, idx) in chunk {
            let Some((_, conversation, total)) = rows.iter().find(|(k, _, _)| k == key) else {
                return Err(DbError::Sql(sqlx::Error::RowNotFound));
            };
            let k = idx.len() as i64;
            if *total == k {
                started.push(turns[idx[0]].1);
            }
            for (j, &i) in idx.iter().enumerate() {
                numbered[i] = (conversation.clone(), total - k + 1 + j as i64);
            }
        }
    }
    let rows: Vec<(String, String)> = turns
        .iter()
        .map(|(turn, _)| {
            let programs: Vec<&str> = turn.programs.iter().map(|p| p.as_str()).collect();
            (
                stored_text(&turn.question, QUESTION_CHARS),
                programs.join(" "),
            )
        })
        .collect();
    for (shape, start, n) in cut(turns.len()) {
        let mut q = sqlx::query(&sql.turns[shape]);
        for i in start..start + n {
            let (turn, at) = turns[i];
            let (question, programs) = &rows[i];
            q = q
                .bind(numbered[i].0.as_str())
                .bind(numbered[i].1)
                .bind(at)
                .bind(question.as_str())
                .bind(turn.outcome)
                .bind(programs.as_str())
                .bind(turn.lang.code());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(started)
}

/// Counts one event of `kind` in the month of `at`. Tallies outlive the records they count.
pub(super) async fn tally(conn: &mut AnyConnection, at: i64, kind: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO tallies (month, kind, n) VALUES ($1, $2, 1) \
         ON CONFLICT (month, kind) DO UPDATE SET n = tallies.n + excluded.n",
    )
    .bind(month_of(at))
    .bind(kind)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
