//! The help desk's memory: consultation requests, feedback, conversations and the unanswered
//! log, in SQLite (a file, the default) or PostgreSQL (several instances), through sqlx's `Any`
//! driver with one set of portable SQL and sqlx's migrator. Every write goes through one
//! writer task that owns the writing connection and acknowledges a write only after its
//! transaction committed ([`writer`]); reads use a small pool ([`store`]). What the dialogue
//! reports on every turn is queued for the writer, so a slow or unreachable database never
//! holds up an answer. The database being unavailable makes the service `degraded`, with the
//! reason, never down.

mod desk;
mod error;
mod journal;
mod retention;
mod schema;
mod store;
mod writer;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::pool::PoolOptions;

pub use desk::{
    Consultation, ConsultationUpdate, ConversationView, FeedbackOutcome, NewConsultation,
    SharedTurn, Status, Tally, TurnView, UnansweredRow,
};
pub use error::{DbError, ErrorKind};
pub use retention::Purged;
pub use writer::{Journal, QUEUE};

use store::Store;

/// The default `--database`: a SQLite file under `./data`, created on first start.
pub const DEFAULT_URL: &str = "sqlite://./data/madoguchi.sqlite3";

/// Characters of a question kept in the unanswered log.
pub const UNANSWERED_CHARS: usize = 200;

/// Which database the URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The desk's database: cheap to clone (one reference count).
#[derive(Debug, Clone)]
pub struct Database(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: Arc<Store>,
    journal: Journal,
}

/// How long a request waits for the database before it is told the database is unavailable.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(3);
/// How long the retention purge may take, its compaction included.
const PURGE_DEADLINE: Duration = Duration::from_secs(120);

impl Database {
    /// Opens the database `url` names (`sqlite://PATH`, `postgres://…`), creating a SQLite
    /// file and its directory when missing, and brings the schema up to date. A URL that
    /// cannot work is an error; a database that cannot be reached or written is not: the
    /// service starts `degraded`, says why, and the migrations are retried by
    /// [`Database::maintain`].
    pub async fn open(url: &str) -> Result<Database, DbError> {
        Self::open_at(url, schema::MIGRATIONS.len()).await
    }

    /// [`open`](Self::open) applying only the first `migrations` migrations: a test plays an
    /// older release with it, then opens the database again with every migration.
    pub async fn open_at(url: &str, migrations: usize) -> Result<Database, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url, file) = parse(url)?;
        let options: PoolOptions<sqlx::Any> = PoolOptions::new()
            .max_connections(match backend {
                // The desk's reads (and the migrations); the writer has its own connection. In
                // WAL mode readers neither block the writer nor wait for it.
                Backend::Sqlite => 2,
                Backend::Postgres => 8,
            })
            .acquire_timeout(REQUEST_DEADLINE)
            .after_connect(move |conn: &mut sqlx::AnyConnection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        use sqlx::Executor;
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON; \
                             PRAGMA cache_size = -1024;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect_lazy(&url)?;
        let store = Arc::new(Store::new(pool, backend, url, file, migrations));
        let journal = Journal::start(store.clone());
        let db = Database(Arc::new(Inner { store, journal }));
        if let Err(e) = db.0.store.migrate().await {
            tracing::warn!(
                "{}: {e}; serving degraded (consultation requests are refused with 503), \
                 retrying every second",
                e.kind().reason_en()
            );
        }
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.0.store.backend
    }

    /// Whether the database answered its last read, took its last write and the schema is up
    /// to date.
    pub fn is_healthy(&self) -> bool {
        self.0.store.is_healthy()
    }

    /// Why the database is not healthy, if it is not.
    pub fn problem(&self) -> Option<ErrorKind> {
        self.0.store.problem()
    }

    /// Failures since start, by kind (`madoguchi_database_errors_total{kind}`).
    pub fn errors(&self) -> Vec<(ErrorKind, u64)> {
        self.0.store.errors()
    }

    /// The queue of what the dialogue reports (see [`Journal`]).
    pub fn journal(&self) -> &Journal {
        &self.0.journal
    }

    /// Periodic upkeep, about once a second: after a failure, checks whether the database is
    /// back (finishing the migrations, or trying a write when the last one failed and nothing
    /// else is queued to try it), so health recovers without traffic.
    pub async fn maintain(&self) {
        let store = &self.0.store;
        if store.is_healthy() {
            return;
        }
        if let Err(e) = store.migrate().await {
            tracing::debug!("database still unavailable: {e}");
            return;
        }
        self.0.journal.probe();
    }

    pub(crate) fn store(&self) -> &Store {
        &self.0.store
    }
}

/// The dialogue reports to the database's journal.
impl crate::dialogue::Recorder for Database {
    fn turn(&self, turn: crate::dialogue::TurnRecord) {
        self.0.journal.turn(turn);
    }

    fn unanswered(&self, question: &str, reason: crate::dialogue::Reason) {
        self.0.journal.unanswered(question, reason);
    }
}

/// The backend, the URL sqlx is given and, for SQLite, the file (its directory is created).
fn parse(url: &str) -> Result<(Backend, String, Option<std::path::PathBuf>), DbError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string(), None));
    }
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(DbError::Config(format!(
            "--database must be sqlite://PATH or postgres://USER@HOST:PORT/DB, not {url:?}"
        )));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(DbError::Config(
            "--database sqlite:// needs a file path (an in-memory database would lose \
             everything at restart), e.g. sqlite://./data/madoguchi.sqlite3"
                .into(),
        ));
    }
    if let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            DbError::Config(format!(
                "--database: cannot create the directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    let mode = if query.contains("mode=") {
        ""
    } else {
        "mode=rwc"
    };
    let sep = if query.is_empty() || mode.is_empty() {
        ""
    } else {
        "&"
    };
    Ok((
        Backend::Sqlite,
        format!("sqlite://{path}?{query}{sep}{mode}"),
        Some(std::path::PathBuf::from(path)),
    ))
}

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `YYYY-MM` of a time, in Japan time (the month a tally counts in).
fn month_of(at: i64) -> String {
    let d = crate::dialogue::japan_date(at);
    format!("{:04}-{:02}", d.year, d.month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_sqlite_files_are_created_read_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/m.sqlite3");
        let (b, url, file) = parse(&format!("sqlite://{}", path.display())).unwrap();
        assert_eq!(file.as_deref(), Some(path.as_path()));
        assert_eq!(b, Backend::Sqlite);
        assert!(url.ends_with("?mode=rwc"), "{url}");
        assert!(path.parent().unwrap().is_dir());
        assert_eq!(
            parse("postgres://u@127.0.0.1:5432/db").unwrap().0,
            Backend::Postgres
        );
        for bad in ["mysql://x", "sqlite::memory:", "sqlite://", "memory", ""] {
            assert!(
                matches!(parse(bad), Err(DbError::Config(_))),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn months_are_counted_in_japan_time() {
        // 2026-03-31 20:00 UTC is 2026-04-01 05:00 in Japan.
        assert_eq!(month_of(1_774_987_200), "2026-04");
    }
}
