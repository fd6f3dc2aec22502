//! The schema: the migrations in `migrations/`, embedded, applied in order by sqlx's migrator
//! (which records them in `_sqlx_migrations`, so running them again is a no-op and a database
//! of an older release is brought up to date). One SQL text serves both backends.

use std::borrow::Cow;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// Every migration, oldest first: (version, description, SQL).
pub(super) const MIGRATIONS: [(i64, &str, &str); 4] = [
    (
        1,
        "desk records",
        include_str!("migrations/0001_desk_records.sql"),
    ),
    (
        2,
        "conversations",
        include_str!("migrations/0002_conversations.sql"),
    ),
    (
        3,
        "heartbeat",
        include_str!("migrations/0003_heartbeat.sql"),
    ),
    (
        4,
        "turn lang",
        include_str!("migrations/0004_turn_lang.sql"),
    ),
];

/// The first `n` migrations as a source for sqlx's migrator.
#[derive(Debug, Clone, Copy)]
pub(super) struct Embedded(pub(super) usize);

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Vec<Migration>, BoxDynError>> + Send>,
    > {
        Box::pin(async move {
            Ok(MIGRATIONS[..self.0.min(MIGRATIONS.len())]
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrator of the first `n` migrations (all of them in the service; fewer in a test that
/// plays an older release).
pub(super) async fn migrator(n: usize) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded(n)).await
}
