//! The journal: what the dialogue reports on every turn (the turn, an unanswered question) is
//! queued here and written by one task in batches, one transaction each, so a turn never waits
//! for the database. While the database is unavailable the batch is retried every second and
//! the queue holds what arrives meanwhile, up to [`QUEUE`] records; beyond that new records are
//! dropped and counted (`dropped`), never blocking an answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use super::{DbError, Store, UNANSWERED_CHARS, clip, month_of, now};
use crate::dialogue::{Reason, Recorder, TurnRecord};

/// Records held while the database is unavailable (a few hundred bytes each; 7 KB at most):
/// over an hour of a busy desk's turns, without letting a flood grow the process.
pub const QUEUE: usize = 4_096;
/// Records written in one transaction at most.
const BATCH: usize = 256;
/// Rows in one INSERT (five or six parameters each: far below SQLite's and PostgreSQL's limits).
const ROWS_PER_INSERT: usize = 128;
/// Characters of a question kept in a conversation (the chat API accepts no longer message).
const QUESTION_CHARS: usize = 2_000;

/// One record to write.
#[derive(Debug)]
enum Job {
    Turn {
        turn: TurnRecord,
        at: i64,
    },
    Unanswered {
        question: String,
        reason: Reason,
        at: i64,
    },
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

/// The queue to the writer task.
#[derive(Debug)]
pub struct Journal {
    tx: mpsc::Sender<Job>,
    dropped: Arc<AtomicU64>,
}

impl Journal {
    /// Starts the writer task over `store` (needs a Tokio runtime).
    pub(super) fn start(store: Arc<Store>) -> Journal {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_all(store, rx));
        Journal {
            tx,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    fn send(&self, job: Job) {
        if self.tx.try_send(job).is_err() && self.dropped.fetch_add(1, Ordering::Relaxed) == 0 {
            tracing::warn!("the database queue is full: records are being dropped");
        }
    }

    /// Records dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Records waiting to be written.
    pub fn pending(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// Waits until everything queued so far is written, at most `within`.
    pub async fn flush(&self, within: Duration) -> Result<(), DbError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send_timeout(Job::Flush(done), within)
            .await
            .map_err(|_| DbError::Timeout(within))?;
        match tokio::time::timeout(within, wait).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(DbError::Timeout(within)),
        }
    }
}

impl Recorder for Journal {
    fn turn(&self, turn: TurnRecord) {
        self.send(Job::Turn { turn, at: now() });
    }

    fn unanswered(&self, question: &str, reason: Reason) {
        let question = clip(question, UNANSWERED_CHARS);
        if !question.is_empty() {
            self.send(Job::Unanswered {
                question,
                reason,
                at: now(),
            });
        }
    }
}

/// The digest a conversation is stored under: the session id itself is never stored.
pub(crate) fn session_key(session_id: &str) -> String {
    let digest = Sha256::digest(format!("madoguchi conversation {session_id}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The writer task: batches of up to [`BATCH`] records, each batch retried until written.
async fn write_all(store: Arc<Store>, mut rx: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(BATCH);
    loop {
        if batch.is_empty() {
            match rx.recv().await {
                Some(job) => batch.push(job),
                None => return,
            }
        }
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let result = store.run(|pool| write_batch(pool, &batch)).await;
        match result {
            Ok(()) => {
                for job in batch.drain(..) {
                    if let Job::Flush(done) = job {
                        let _ = done.send(());
                    }
                }
            }
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Writes one batch in one transaction.
async fn write_batch(pool: &sqlx::AnyPool, batch: &[Job]) -> Result<(), DbError> {
    if batch.iter().all(|j| matches!(j, Job::Flush(_))) {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    // The batch's tallies, added up here and written once each.
    let mut tallies: BTreeMap<(String, &'static str), i64> = BTreeMap::new();
    let mut count = |at: i64, kind: &'static str, n: i64| {
        *tallies.entry((month_of(at), kind)).or_insert(0) += n;
    };
    let turns: Vec<(&TurnRecord, i64)> = batch
        .iter()
        .filter_map(|j| match j {
            Job::Turn { turn, at } => Some((turn, *at)),
            _ => None,
        })
        .collect();
    for (turn, at) in &turns {
        count(*at, turn.outcome, 1);
    }
    for at in write_turns(&mut tx, &turns).await? {
        count(at, "conversations", 1);
    }
    for job in batch {
        if let Job::Unanswered {
            question,
            reason,
            at,
        } = job
        {
            sqlx::query(
                "INSERT INTO unanswered (question, reason, count, first_seen, last_seen) \
                 VALUES ($1, $2, 1, $3, $3) ON CONFLICT (question, reason) \
                 DO UPDATE SET count = unanswered.count + 1, last_seen = excluded.last_seen",
            )
            .bind(question.as_str())
            .bind(reason.as_str())
            .bind(*at)
            .execute(&mut *tx)
            .await?;
            count(*at, "unanswered", 1);
        }
    }
    for ((month, kind), n) in tallies {
        add_tally(&mut tx, &month, kind, n).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Writes a batch's turns, in order: a multi-row upsert of their conversations (each one's turn
/// count raised by its turns in the batch, which numbers them) and a multi-row insert of the
/// turns. Returns when each conversation that the batch starts began.
async fn write_turns(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    turns: &[(&TurnRecord, i64)],
) -> Result<Vec<i64>, DbError> {
    // Each session's turns in the batch, in order of first appearance.
    let mut sessions: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, (turn, _)) in turns.iter().enumerate() {
        let key = session_key(&turn.session_id);
        match sessions.iter_mut().find(|(k, _)| *k == key) {
            Some((_, idx)) => idx.push(i),
            None => sessions.push((key, vec![i])),
        }
    }
    // One multi-row upsert per chunk of conversations; RETURNING gives each its id and its
    // turn count after the batch, which numbers its turns (k turns: total - k + 1 ..= total).
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
        let rows = q.fetch_all(&mut **tx).await?;
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
            "INSERT INTO turns (conversation_id, n, at, question, outcome, programs) VALUES {}",
            placeholders(chunk.len(), 6)
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
                .bind(clip(&turn.question, QUESTION_CHARS))
                .bind(turn.outcome)
                .bind(programs.join(" "));
        }
        q.execute(&mut **tx).await?;
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
pub(super) async fn tally(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    at: i64,
    kind: &str,
) -> Result<(), DbError> {
    add_tally(tx, &month_of(at), kind, 1).await
}

/// Adds `n` events of `kind` to `month`'s tally.
async fn add_tally(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}
