//! The one writer: a task that owns the only connection that writes, and every write goes
//! through it — consultation requests, feedback, the staff's changes, the retention purge and
//! the journal of turns. Two queues feed it. Commands (a write someone waits for) are answered
//! on a reply channel only after their transaction committed, so a 2xx always means stored;
//! they are taken before any batch of records, so one never waits behind more than one batch.
//! Records (what the dialogue reports on every turn) are queued without waiting and written in
//! batches of up to [`BATCH`] a transaction, gathered for [`GATHER`] after the first one so the
//! task wakes once a batch rather than once a turn. A command about a conversation (a
//! consultation request sent with its session, a feedback) writes that conversation's queued
//! turns in its own transaction first, so it sees everything the person was shown.
//!
//! Transactions begin `IMMEDIATE` on SQLite (the write lock is taken at the start, so the busy
//! timeout applies and no transaction fails half-way on a lock), and are retried once on a
//! PostgreSQL serialization failure. After any failure — a full disk, an I/O error, a read-only
//! file — the transaction is rolled back and the connection closed; the next write opens a new
//! one, so writing resumes by itself once the cause is gone.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::journal::{self, Record};
use super::store::Store;
use super::{
    Backend, Consultation, ConsultationUpdate, DbError, FeedbackOutcome, NewConsultation, Purged,
    REQUEST_DEADLINE, UNANSWERED_CHARS, desk, now, retention,
};
use crate::dialogue::{Reason, Recorder, TurnRecord};

/// Records held while the database is unavailable, in the queue and again in the writer's
/// hands (a few hundred bytes each; 8,192 at most, about 2 MB): over an hour of a busy desk's
/// turns, without letting a flood grow the process. Beyond it records are dropped and counted
/// (`madoguchi_database_dropped_records`): the chosen behaviour when the writer falls behind.
/// Backpressure would make every chat wait on the disk, and a database that is down would stop
/// the answers; the writer keeps up with the fastest chat this service gives (see
/// `benches/limit.sh`, which counts the rows), so drops mean the database is failing.
pub const QUEUE: usize = 4_096;
/// Records written in one transaction at most (200 ms of the fastest chat measured).
const BATCH: usize = 1_024;
/// How long records gather after the first before a batch is written (at most five wake-ups a
/// second). A batch's own cost (transaction, round trips to SQLite's thread, commit and sync,
/// pages its turns share) is spread over 200 ms of turns: at 900 turns a second SQLite's thread
/// took 53 µs a turn, 77–83 µs with 50 ms (benches/RESULTS-issue24.md). Nobody waits for a
/// record: a command writes its conversation's turns first; the desk's lists flush first.
const GATHER: Duration = Duration::from_millis(200);
/// How long a failed batch waits before it is tried again.
const RETRY: Duration = Duration::from_secs(1);
/// Commands waiting for the writer (each has a request waiting for it).
const COMMANDS: usize = 256;
/// The longest one transaction may take before its connection is given up.
const TRANSACTION_DEADLINE: Duration = Duration::from_secs(10);

/// Where a command's outcome goes.
type Reply<T> = oneshot::Sender<Result<T, DbError>>;

/// A write someone waits for.
#[derive(Debug)]
pub(super) enum Command {
    Consultation {
        new: NewConsultation,
        at: i64,
        reply: Reply<String>,
    },
    Feedback {
        session_id: String,
        helpful: bool,
        comment: Option<String>,
        at: i64,
        reply: Reply<FeedbackOutcome>,
    },
    Update {
        id: String,
        update: ConsultationUpdate,
        at: i64,
        reply: Reply<Option<Consultation>>,
    },
    Purge {
        now: i64,
        days: u32,
        reply: Reply<Purged>,
    },
    /// Answered once everything queued before it is written.
    Flush { reply: Reply<()> },
    /// After a failed write with nothing else to write: is the database writable again?
    Probe,
}

/// The handle to the writer: its two queues.
#[derive(Debug)]
pub struct Journal {
    records: mpsc::Sender<Record>,
    commands: mpsc::Sender<Command>,
    dropped: Arc<AtomicU64>,
    pending: Arc<AtomicUsize>,
}

impl Journal {
    /// Starts the writer task over `store` (needs a Tokio runtime).
    pub(super) fn start(store: Arc<Store>) -> Journal {
        let (records, records_rx) = mpsc::channel(QUEUE);
        let (commands, commands_rx) = mpsc::channel(COMMANDS);
        let pending = Arc::new(AtomicUsize::new(0));
        let writer = Writer {
            tx: Tx { store, conn: None },
            pending: VecDeque::new(),
            count: pending.clone(),
            gather_until: None,
            retry_at: None,
        };
        tokio::spawn(writer.run(commands_rx, records_rx));
        Journal {
            records,
            commands,
            dropped: Arc::new(AtomicU64::new(0)),
            pending,
        }
    }

    fn send(&self, record: Record) {
        if self.records.try_send(record).is_ok() {
            self.pending.fetch_add(1, Ordering::Relaxed);
        } else if self.dropped.fetch_add(1, Ordering::Relaxed) == 0 {
            tracing::warn!("the database queue is full: records are being dropped");
        }
    }

    /// Records dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Records waiting to be written.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    /// Waits until everything queued so far is written, at most `within`.
    pub async fn flush(&self, within: Duration) -> Result<(), DbError> {
        self.call_within(within, |reply| Command::Flush { reply })
            .await
    }

    /// Sends a command and waits for its outcome, at most [`REQUEST_DEADLINE`] in all.
    pub(super) async fn call<T>(
        &self,
        command: impl FnOnce(Reply<T>) -> Command,
    ) -> Result<T, DbError> {
        self.call_within(REQUEST_DEADLINE, command).await
    }

    pub(super) async fn call_within<T>(
        &self,
        within: Duration,
        command: impl FnOnce(Reply<T>) -> Command,
    ) -> Result<T, DbError> {
        let deadline = Instant::now() + within;
        let (reply, outcome) = oneshot::channel();
        match tokio::time::timeout_at(deadline, self.commands.send(command(reply))).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err(DbError::Stopped),
            Err(_) => return Err(DbError::Timeout(within)),
        }
        match tokio::time::timeout_at(deadline, outcome).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(DbError::Stopped),
            Err(_) => Err(DbError::Timeout(within)),
        }
    }

    /// Asks the writer to try a write, when the last one failed and nothing else is queued.
    pub(super) fn probe(&self) {
        if self.pending() == 0 {
            let _ = self.commands.try_send(Command::Probe);
        }
    }
}

impl Recorder for Journal {
    fn turn(&self, turn: TurnRecord) {
        self.send(Record::Turn { turn, at: now() });
    }

    fn unanswered(&self, question: &str, reason: Reason) {
        let question = journal::stored_text(question, UNANSWERED_CHARS);
        if !question.is_empty() {
            self.send(Record::Unanswered {
                question,
                reason,
                at: now(),
            });
        }
    }
}

/// The writer's connection and its transactions.
struct Tx {
    store: Arc<Store>,
    conn: Option<AnyConnection>,
}

impl Tx {
    /// Runs `work` in one transaction, committed before this returns `Ok`; retried once on a
    /// serialization failure. The outcome is noted for health.
    async fn run<W: Write>(&mut self, work: &W) -> Result<W::Output, DbError> {
        let mut result = self.attempt(work).await;
        if result.as_ref().is_err_and(DbError::is_retryable) {
            result = self.attempt(work).await;
        }
        self.store.note_write(&result);
        result
    }

    async fn attempt<W: Write>(&mut self, work: &W) -> Result<W::Output, DbError> {
        let begin = match self.store.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        let result = match self.connection().await {
            Err(e) => Err(e),
            Ok(conn) => {
                let transaction = async {
                    conn.execute(begin).await?;
                    let value = work.perform(&mut *conn).await?;
                    conn.execute("COMMIT").await?;
                    Ok(value)
                };
                tokio::time::timeout(TRANSACTION_DEADLINE, transaction)
                    .await
                    .unwrap_or(Err(DbError::Timeout(TRANSACTION_DEADLINE)))
            }
        };
        if result.is_err() {
            self.reset().await;
        }
        result
    }

    /// The writing connection, opened (and the schema brought up to date) when there is none.
    async fn connection(&mut self) -> Result<&mut AnyConnection, DbError> {
        if self.conn.is_none() {
            self.store.migrate_if_needed().await?;
            let mut conn = AnyConnection::connect(&self.store.url).await?;
            if self.store.backend == Backend::Sqlite {
                // FULL: a committed request survives a power cut, not only a crash.
                // secure_delete: what the retention purge deletes is overwritten, not left in
                // free pages.
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON; \
                     PRAGMA cache_size = -1024;",
                )
                .await?;
            }
            self.conn = Some(conn);
        }
        self.conn.as_mut().ok_or(DbError::Stopped)
    }

    /// After a failure: roll back whatever is open and close the connection, so nothing of a
    /// failed transaction stays (a lock held, a half-written transaction left open).
    async fn reset(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                let _ = conn.execute("ROLLBACK").await;
                let _ = conn.close().await;
            })
            .await;
        }
    }

    /// Work that may not run inside a transaction (VACUUM), on the writing connection.
    async fn outside_transaction<W: Write<Output = ()>>(
        &mut self,
        work: &W,
    ) -> Result<(), DbError> {
        let result = match self.connection().await {
            Ok(conn) => work.perform(conn).await,
            Err(e) => Err(e),
        };
        if result.is_err() {
            self.reset().await;
        }
        self.store.note_write(&result);
        result
    }
}

/// Statements the writer runs on its connection: inside a transaction it begins and commits
/// (or, for compaction, outside any).
trait Write: Sync {
    type Output: Send;
    fn perform<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
    ) -> BoxFuture<'c, Result<Self::Output, DbError>>;
}

type BoxFuture<'c, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'c>>;

/// A run of the dialogue's records.
struct Records<'a>(Vec<&'a Record>);

impl Write for Records<'_> {
    type Output = ();
    fn perform<'c>(&'c self, conn: &'c mut AnyConnection) -> BoxFuture<'c, Result<(), DbError>> {
        Box::pin(journal::write(conn, &self.0))
    }
}

/// A conversation's pending records, then a command about it, in one transaction.
struct AfterRecords<'a, W>(Records<'a>, W);

impl<W: Write> Write for AfterRecords<'_, W> {
    type Output = W::Output;
    fn perform<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
    ) -> BoxFuture<'c, Result<W::Output, DbError>> {
        Box::pin(async move {
            journal::write(&mut *conn, &self.0.0).await?;
            self.1.perform(conn).await
        })
    }
}

struct AddConsultation<'a>(&'a NewConsultation, i64);

impl Write for AddConsultation<'_> {
    type Output = String;
    fn perform<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
    ) -> BoxFuture<'c, Result<String, DbError>> {
        Box::pin(desk::insert_consultation(conn, self.0, self.1))
    }
}

struct AddFeedback<'a> {
    session_id: &'a str,
    helpful: bool,
    comment: Option<&'a str>,
    at: i64,
}

impl Write for AddFeedback<'_> {
    type Output = FeedbackOutcome;
    fn perform<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
    ) -> BoxFuture<'c, Result<FeedbackOutcome, DbError>> {
        Box::pin(desk::insert_feedback(
            conn,
            self.session_id,
            self.helpful,
            self.comment,
            self.at,
        ))
    }
}

struct Update<'a>(&'a str, &'a ConsultationUpdate, i64);

impl Write for Update<'_> {
    type Output = Option<Consultation>;
    fn perform<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
    ) -> BoxFuture<'c, Result<Option<Consultation>, DbError>> {
        Box::pin(desk::update_consultation(conn, self.0, self.1, self.2))
    }
}

struct Purge(i64, u32);

impl Write for Purge {
    type Output = Purged;
    fn perform<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
    ) -> BoxFuture<'c, Result<Purged, DbError>> {
        Box::pin(retention::purge(conn, self.0, self.1))
    }
}

/// After a purge, outside any transaction: the deleted bytes leave the files.
struct Compact(Backend);

impl Write for Compact {
    type Output = ();
    fn perform<'c>(&'c self, conn: &'c mut AnyConnection) -> BoxFuture<'c, Result<(), DbError>> {
        Box::pin(retention::compact(conn, self.0))
    }
}

struct Heartbeat(i64);

impl Write for Heartbeat {
    type Output = ();
    fn perform<'c>(&'c self, conn: &'c mut AnyConnection) -> BoxFuture<'c, Result<(), DbError>> {
        Box::pin(desk::heartbeat(conn, self.0))
    }
}

/// The writer task's state.
struct Writer {
    tx: Tx,
    /// Records taken from the queue, oldest first, not yet written.
    pending: VecDeque<Record>,
    /// Records queued or pending (shared with the handle, for `/healthz` and `/metrics`).
    count: Arc<AtomicUsize>,
    /// When the batch being gathered is written.
    gather_until: Option<Instant>,
    /// When a failed batch is tried again.
    retry_at: Option<Instant>,
}

impl Writer {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut records: mpsc::Receiver<Record>,
    ) {
        loop {
            // Nothing pending: sleep until a command or a record comes. Records pending: wait
            // for the end of the gathering (or of the back-off), taking commands meanwhile.
            let wake = match (self.pending.is_empty(), self.gather_until, self.retry_at) {
                (true, ..) => None,
                (false, g, r) => Some(g.max(r).unwrap_or_else(Instant::now)),
            };
            tokio::select! {
                biased;
                command = commands.recv() => match command {
                    Some(command) => self.handle(command, &mut records).await,
                    None => break,
                },
                record = records.recv(), if wake.is_none() => match record {
                    Some(record) => {
                        self.pending.push_back(record);
                        self.gather_until = Some(Instant::now() + GATHER);
                    }
                    None => break,
                },
                () = tokio::time::sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => {
                    self.write_pending(&mut commands, &mut records).await;
                }
            }
        }
        // Stopping: write what is left, once.
        self.take_queued(&mut records);
        while !self.pending.is_empty() && self.write_batch().await.is_ok() {}
    }

    /// Moves queued records into the writer's hands, up to [`QUEUE`] of them.
    fn take_queued(&mut self, records: &mut mpsc::Receiver<Record>) {
        while self.pending.len() < QUEUE {
            match records.try_recv() {
                Ok(record) => self.pending.push_back(record),
                Err(_) => break,
            }
        }
    }

    /// Writes the pending records batch by batch, taking waiting commands before each batch.
    /// A failed batch stays pending and is tried again after [`RETRY`].
    async fn write_pending(
        &mut self,
        commands: &mut mpsc::Receiver<Command>,
        records: &mut mpsc::Receiver<Record>,
    ) {
        self.gather_until = None;
        self.retry_at = None;
        loop {
            while let Ok(command) = commands.try_recv() {
                self.handle(command, records).await;
            }
            self.take_queued(records);
            if self.pending.is_empty() {
                return;
            }
            if self.write_batch().await.is_err() {
                self.retry_at = Some(Instant::now() + RETRY);
                return;
            }
        }
    }

    /// Writes the oldest pending records, up to [`BATCH`], in one transaction.
    async fn write_batch(&mut self) -> Result<(), DbError> {
        let n = self.pending.len().min(BATCH);
        let batch = Records(self.pending.iter().take(n).collect());
        self.tx.run(&batch).await?;
        self.pending.drain(..n);
        self.count.fetch_sub(n, Ordering::Relaxed);
        Ok(())
    }

    /// Writes `session_id`'s pending turns and then `work`, in one transaction; the turns leave
    /// the queue only when it committed.
    async fn with_conversation<W: Write>(
        &mut self,
        session_id: Option<&str>,
        work: W,
    ) -> Result<W::Output, DbError> {
        let of_session = |r: &Record| session_id.is_some() && r.session_id() == session_id;
        let mine = Records(self.pending.iter().filter(|r| of_session(r)).collect());
        let n = mine.0.len();
        let result = self.tx.run(&AfterRecords(mine, work)).await;
        if result.is_ok() && n > 0 {
            self.pending.retain(|r| !of_session(r));
            self.count.fetch_sub(n, Ordering::Relaxed);
        }
        result
    }

    /// Writes every pending record now, batch by batch (a flush, or before a purge).
    async fn write_all(&mut self, records: &mut mpsc::Receiver<Record>) -> Result<(), DbError> {
        while !self.pending.is_empty() {
            self.write_batch().await?;
            self.take_queued(records);
        }
        Ok(())
    }

    async fn handle(&mut self, command: Command, records: &mut mpsc::Receiver<Record>) {
        self.take_queued(records);
        match command {
            Command::Consultation { new, at, reply } => {
                if reply.is_closed() {
                    return; // The request gave up: store nothing it was not told of.
                }
                let result = self
                    .with_conversation(new.session_id.as_deref(), AddConsultation(&new, at))
                    .await;
                let _ = reply.send(result);
            }
            Command::Feedback {
                session_id,
                helpful,
                comment,
                at,
                reply,
            } => {
                if reply.is_closed() {
                    return;
                }
                let work = AddFeedback {
                    session_id: &session_id,
                    helpful,
                    comment: comment.as_deref(),
                    at,
                };
                let result = self.with_conversation(Some(&session_id), work).await;
                let _ = reply.send(result);
            }
            Command::Update {
                id,
                update,
                at,
                reply,
            } => {
                if reply.is_closed() {
                    return;
                }
                let result = self.tx.run(&Update(&id, &update, at)).await;
                let _ = reply.send(result);
            }
            Command::Purge { now, days, reply } => {
                // What was reported before the purge is written first, so the purge sees it.
                if let Err(e) = self.write_all(records).await {
                    let _ = reply.send(Err(e));
                    return;
                }
                let result = match self.tx.run(&Purge(now, days)).await {
                    Ok(purged) if purged != Purged::default() => {
                        let backend = self.tx.store.backend;
                        self.tx
                            .outside_transaction(&Compact(backend))
                            .await
                            .map(|()| purged)
                    }
                    other => other,
                };
                let _ = reply.send(result);
            }
            Command::Flush { reply } => {
                let _ = reply.send(self.write_all(records).await);
            }
            Command::Probe => {
                if self.pending.is_empty() {
                    let _ = self.tx.run(&Heartbeat(now())).await;
                }
            }
        }
    }
}
