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

/// Records held while the database is unavailable (about 1 KB each at most).
pub const QUEUE: usize = 10_000;
/// Records written in one transaction at most.
const BATCH: usize = 256;
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
    // The batch's tallies, added up here and written once each (a turn would otherwise cost
    // two more statements).
    let mut tallies: BTreeMap<(String, &'static str), i64> = BTreeMap::new();
    let mut count = |at: i64, kind: &'static str| {
        *tallies.entry((month_of(at), kind)).or_insert(0) += 1;
    };
    for job in batch {
        match job {
            Job::Turn { turn, at } => {
                if write_turn(&mut tx, turn, *at).await? == 1 {
                    count(*at, "conversations");
                }
                count(*at, turn.outcome);
            }
            Job::Unanswered {
                question,
                reason,
                at,
            } => {
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
                count(*at, "unanswered");
            }
            Job::Flush(_) => {}
        }
    }
    for ((month, kind), n) in tallies {
        add_tally(&mut tx, &month, kind, n).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Writes one turn; returns its number in the conversation (1: the conversation is new).
async fn write_turn(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    turn: &TurnRecord,
    at: i64,
) -> Result<i64, DbError> {
    let fresh = uuid::Uuid::new_v4().simple().to_string();
    let row: (String, i64) = sqlx::query_as(
        "INSERT INTO conversations (id, session_key, started_at, last_at, turns) \
         VALUES ($1, $2, $3, $3, 1) ON CONFLICT (session_key) \
         DO UPDATE SET last_at = excluded.last_at, turns = conversations.turns + 1 \
         RETURNING id, turns",
    )
    .bind(fresh.as_str())
    .bind(session_key(&turn.session_id))
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    let (conversation, n) = row;
    let programs: Vec<&str> = turn.programs.iter().map(|p| p.as_str()).collect();
    sqlx::query(
        "INSERT INTO turns (conversation_id, n, at, question, outcome, programs) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(conversation.as_str())
    .bind(n)
    .bind(at)
    .bind(clip(&turn.question, QUESTION_CHARS))
    .bind(turn.outcome)
    .bind(programs.join(" "))
    .execute(&mut **tx)
    .await?;
    Ok(n)
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
