//! Retention: personal data older than the retention period is deleted — a consultation
//! request's name, organization, contact, preferred time, message, conversation and note
//! (the request stays, marked purged, for the counts); stored conversations with their
//! feedback; unanswered-log lines. The monthly tallies stay.

use super::{Database, DbError};

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub consultations: u64,
    pub conversations: u64,
    pub turns: u64,
    pub unanswered: u64,
}

impl Database {
    /// Deletes the personal data last touched more than `days` days before `now` (Unix
    /// seconds): a conversation counts from its last turn, a request from when it was made, an
    /// unanswered line from when it was last asked.
    pub async fn purge(&self, now: i64, days: u32) -> Result<Purged, DbError> {
        let cutoff = now - i64::from(days) * 86_400;
        self.store()
            .run(|pool| async move {
                let mut tx = pool.begin().await?;
                let consultations = sqlx::query(
                    "UPDATE consultations SET name = NULL, organization = NULL, contact = NULL, \
                     preferred_time = NULL, message = NULL, conversation = NULL, note = NULL, \
                     purged_at = $1 WHERE created_at < $2 AND purged_at IS NULL",
                )
                .bind(now)
                .bind(cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let turns = sqlx::query(
                    "DELETE FROM turns WHERE conversation_id IN \
                     (SELECT id FROM conversations WHERE last_at < $1)",
                )
                .bind(cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let conversations = sqlx::query("DELETE FROM conversations WHERE last_at < $1")
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let unanswered = sqlx::query("DELETE FROM unanswered WHERE last_seen < $1")
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(Purged {
                    consultations,
                    conversations,
                    turns,
                    unanswered,
                })
            })
            .await
    }
}
