//! What the dialogue reports on every turn (a turn, an unanswered question), as records the
//! writer queues, and how a run of them is written inside the writer's transaction: a multi-row
//! upsert of their conversations (whose returned counts number the turns), a multi-row insert of
//! the turns, one upsert per unanswered question, each month's tallies added up and written once.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{DbError, month_of};
use crate::dialogue::{Reason, TurnRecord};
use crate::text::strip_hidden;

/// Rows in one INSERT (five or six parameters each: far below SQLite's and PostgreSQL's limits).
const ROWS_PER_INSERT: usize = 128;
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
    let digest = Sha256::digest(format!("madoguchi conversation {session_id}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Free text as it may be stored: at most `max` characters, trimmed, without the characters
/// that hide or disguise text (see `text::strip_hidden`).
pub(super) fn stored_text(s: &str, max: usize) -> String {
    strip_hidden(s).trim().chars().take(max).collect()
}

/// Writes `records` on `conn`, inside the caller's transaction.
pub(super) async fn write(conn: &mut AnyConnection, records: &[&Record]) -> Result<(), DbError> {
    if records.is_empty() {
        return Ok(());
    }
    // The run's tallies, added up here and written once each.
    let mut tallies: BTreeMap<(String, &'static str), i64> = BTreeMap::new();
    let mut count = |at: i64, kind: &'static str, n: i64| {
        *tallies.entry((month_of(at), kind)).or_insert(0) += n;
    };
    let turns: Vec<(&TurnRecord, i64)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Turn { turn, at } => Some((turn, *at)),
            Record::Unanswered { .. } => None,
        })
        .collect();
    for (turn, at) in &turns {
        count(*at, turn.outcome, 1);
    }
    for at in write_turns(conn, &turns).await? {
        count(at, "conversations", 1);
    }
    for record in records {
        if let Record::Unanswered {
            question,
            reason,
            at,
        } = record
        {
            sqlx::query(
                "INSERT INTO unanswered (question, reason, count, first_seen, last_seen) \
                 VALUES ($1, $2, 1, $3, $3) ON CONFLICT (question, reason) \
                 DO UPDATE SET count = unanswered.count + 1, last_seen = excluded.last_seen",
            )
            .bind(question.as_str())
            .bind(reason.as_str())
            .bind(*at)
            .execute(&mut *conn)
            .await?;
            count(*at, "unanswered", 1);
        }
    }
    for ((month, kind), n) in tallies {
        add_tally(conn, &month, kind, n).await?;
    }
    Ok(())
}

/// Writes turns, in order: a multi-row upsert of their conversations (each one's turn count
/// raised by its turns here, which numbers them) and a multi-row insert of the turns. Returns
/// when each conversation that these turns start began.
async fn write_turns(
    conn: &mut AnyConnection,
    turns: &[(&TurnRecord, i64)],
) -> Result<Vec<i64>, DbError> {
    // Each session's turns, in order of first appearance.
    let mut sessions: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, (turn, _)) in turns.iter().enumerate() {
        let key = session_key(&turn.session_id);
        match sessions.iter_mut().find(|(k, _)| *k == key) {
            Some((_, idx)) => idx.push(i),
            None => sessions.push((key, vec![i])),
        }
    }
    // One multi-row upsert per chunk of conversations; RETURNING gives each its id and its
    // turn count after these turns, which numbers them (k turns: total - k + 1 ..= total).
    let mut numbered: Vec<(String, i64)> = vec![(String::new(), 0); turns.len()];
    let mut started = Vec::new();
    for chunk in sessions.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO conversations (id, session_key, started_at, last_at, turns) VALUES {} \
             ON CONFLICT (session_key) DO UPDATE SET last_at = excluded.last_at, \
             turns = conversations.turns + excluded.turns RETURNING session_key, id, turns",
            placeholders(chunk.len(), 5)
        );
        let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql).persistent(false);
        for (key, idx) in chunk {
            let (first, last) = (turns[idx[0]].1, turns[idx[idx.len() - 1]].1);
            q = q
                .bind(uuid::Uuid::new_v4().simple().to_string())
                .bind(key.clone())
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
    for chunk in (0..turns.len()).collect::<Vec<_>>().chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO turns (conversation_id, n, at, question, outcome, programs, lang) VALUES {}",
            placeholders(chunk.len(), 7)
        );
        // Not kept as a prepared statement: each number of rows is another statement, and a
        // cache of up to 128 of them per connection would hold megabytes for nothing.
        let mut q = sqlx::query(&sql).persistent(false);
        for &i in chunk {
            let (turn, at) = turns[i];
            let programs: Vec<&str> = turn.programs.iter().map(|p| p.as_str()).collect();
            q = q
                .bind(numbered[i].0.clone())
                .bind(numbered[i].1)
                .bind(at)
                .bind(stored_text(&turn.question, QUESTION_CHARS))
                .bind(turn.outcome)
                .bind(programs.join(" "))
                .bind(turn.lang.code());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(started)
}

/// `($1, $2, …), (…)`: `rows` groups of `columns` numbered placeholders.
fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts one event of `kind` in the month of `at`. Tallies outlive the records they count.
pub(super) async fn tally(conn: &mut AnyConnection, at: i64, kind: &str) -> Result<(), DbError> {
    add_tally(conn, &month_of(at), kind, 1).await
}

/// Adds `n` events of `kind` to `month`'s tally.
async fn add_tally(
    conn: &mut AnyConnection,
    month: &str,
    kind: &str,
    n: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO tallies (month, kind, n) VALUES ($1, $2, $3) \
         ON CONFLICT (month, kind) DO UPDATE SET n = tallies.n + excluded.n",
    )
    .bind(month)
    .bind(kind)
    .bind(n)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
