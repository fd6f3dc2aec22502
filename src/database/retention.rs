//! Retention: personal data older than the retention period is deleted — a consultation
//! request's name, organization, contact, preferred time, message, conversation and note
//! (the request stays, marked purged, for the counts); stored conversations with their
//! feedback; unanswered-log lines. The monthly tallies stay.
//!
//! Deleted means gone from the files, not only from the tables. SQLite: the writer's connection
//! runs with `secure_delete` (freed content is overwritten with zeros), and after a purge that
//! deleted anything the database is rebuilt (`VACUUM`) and the write-ahead log checkpointed and
//! truncated to nothing, so no purged byte is left in the database file or its WAL. PostgreSQL:
//! the purged tables are rewritten (`VACUUM FULL`), which writes them to new files and removes
//! the old ones; what PostgreSQL's own WAL segments, replicas and backups hold is beyond what a
//! client can erase (see the README).

use std::time::Duration;

use sqlx::{AnyConnection, Executor};

use super::{Backend, Database, DbError};

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub consultations: u64,
    pub conversations: u64,
    pub turns: u64,
    pub unanswered: u64,
}

/// How often a checkpoint that found a reader in the way is tried again, and how long apart.
const CHECKPOINT_TRIES: u32 = 20;
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(50);

impl Database {
    /// Deletes the personal data last touched more than `days` days before `now` (Unix
    /// seconds): a conversation counts from its last turn, a request from when it was made, an
    /// unanswered line from when it was last asked. Returns once the bytes are gone from the
    /// files (see the module's documentation).
    pub async fn purge(&self, now: i64, days: u32) -> Result<Purged, DbError> {
        self.journal()
            .call_within(super::PURGE_DEADLINE, |reply| {
                super::writer::Command::Purge { now, days, reply }
            })
            .await
    }
}

/// The purge's deletions, inside the writer's transaction.
pub(super) async fn purge(
    conn: &mut AnyConnection,
    now: i64,
    days: u32,
) -> Result<Purged, DbError> {
    let cutoff = now - i64::from(days) * 86_400;
    let consultations = sqlx::query(
        "UPDATE consultations SET name = NULL, organization = NULL, contact = NULL, \
         preferred_time = NULL, message = NULL, conversation = NULL, note = NULL, \
         purged_at = $1 WHERE created_at < $2 AND purged_at IS NULL",
    )
    .bind(now)
    .bind(cutoff)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let turns = sqlx::query(
        "DELETE FROM turns WHERE conversation_id IN \
         (SELECT id FROM conversations WHERE last_at < $1)",
    )
    .bind(cutoff)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let conversations = sqlx::query("DELETE FROM conversations WHERE last_at < $1")
        .bind(cutoff)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let unanswered = sqlx::query("DELETE FROM unanswered WHERE last_seen < $1")
        .bind(cutoff)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(Purged {
        consultations,
        conversations,
        turns,
        unanswered,
    })
}

/// After a purge that deleted something, outside any transaction: the files are rewritten so
/// the deleted bytes are gone.
pub(super) async fn compact(conn: &mut AnyConnection, backend: Backend) -> Result<(), DbError> {
    match backend {
        Backend::Sqlite => {
            conn.execute("VACUUM").await?;
            // TRUNCATE waits for readers through the busy handler, but a reader that holds a
            // snapshot makes it report busy (1) instead: try again until the log is empty.
            for _ in 0..CHECKPOINT_TRIES {
                let (busy, _, _): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(&mut *conn)
                        .await?;
                if busy == 0 {
                    return Ok(());
                }
                tokio::time::sleep(CHECKPOINT_PAUSE).await;
            }
            Err(DbError::Timeout(CHECKPOINT_PAUSE * CHECKPOINT_TRIES))
        }
        Backend::Postgres => {
            conn.execute("VACUUM FULL consultations, conversations, turns, unanswered")
                .await?;
            Ok(())
        }
    }
}
