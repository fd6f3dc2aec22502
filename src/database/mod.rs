//! The help desk's memory: consultation requests, feedback, conversations and the unanswered
//! log, in SQLite (a file, the default) or PostgreSQL (several instances), through sqlx's `Any`
//! driver with one set of portable SQL and sqlx's migrator. Reads and the two public writes
//! (a consultation request, a feedback) go to the database directly; what the dialogue reports
//! on every turn goes through a queue ([`writer`]) so that a slow or unreachable database never
//! holds up an answer. The database being unreachable makes the service `degraded`, never down.

mod desk;
mod retention;
mod schema;
mod writer;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::AnyPool;
use sqlx::pool::PoolOptions;
use tokio::sync::Mutex;

pub use desk::{
    Consultation, ConsultationUpdate, ConversationView, FeedbackOutcome, NewConsultation,
    SharedTurn, Status, Tally, TurnView, UnansweredRow,
};
pub use retention::Purged;
pub use writer::{Journal, QUEUE};

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

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL cannot name a database madoguchi uses.
    #[error("{0}")]
    Config(String),
    /// The database could not be reached or refused the statement.
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database did not answer in time.
    #[error("the database did not answer within {0:?}")]
    Timeout(Duration),
}

/// The desk's database: cheap to clone (one reference count).
#[derive(Debug, Clone)]
pub struct Database(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: Arc<Store>,
    journal: Journal,
}

/// The pool and what is known of its health; shared with the writer task.
#[derive(Debug)]
pub(crate) struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The last statement succeeded (or nothing has failed yet).
    healthy: AtomicBool,
    /// The schema is up to date (migrations are retried until they succeed).
    migrated: AtomicBool,
    /// One migration at a time.
    migrating: Mutex<()>,
    /// How many of the migrations this instance applies.
    migrations: usize,
}

/// How long a request waits for the database before it is told the database is unavailable.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(3);

impl Database {
    /// Opens the database `url` names (`sqlite://PATH`, `postgres://…`), creating a SQLite
    /// file and its directory when missing, and brings the schema up to date. A URL that
    /// cannot work is an error; a database that cannot be reached is not: the service starts
    /// `degraded` and the migrations are retried by [`Database::maintain`].
    pub async fn open(url: &str) -> Result<Database, DbError> {
        Self::open_at(url, schema::MIGRATIONS.len()).await
    }

    /// [`open`](Self::open) applying only the first `migrations` migrations: a test plays an
    /// older release with it, then opens the database again with every migration.
    pub async fn open_at(url: &str, migrations: usize) -> Result<Database, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = parse(url)?;
        let options: PoolOptions<sqlx::Any> = PoolOptions::new()
            .max_connections(match backend {
                // One writer at a time anyway (the journal's task), and one for the desk's reads
                // and the public writes: in WAL mode readers do not block the writer.
                Backend::Sqlite => 2,
                Backend::Postgres => 8,
            })
            .acquire_timeout(REQUEST_DEADLINE)
            .after_connect(move |conn: &mut sqlx::AnyConnection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        use sqlx::Executor;
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 5000; PRAGMA cache_size = -1024;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect_lazy(&url)?;
        let store = Arc::new(Store {
            pool,
            backend,
            healthy: AtomicBool::new(true),
            migrated: AtomicBool::new(false),
            migrating: Mutex::new(()),
            migrations,
        });
        let journal = Journal::start(store.clone());
        let db = Database(Arc::new(Inner { store, journal }));
        if let Err(e) = db.0.store.migrate().await {
            tracing::warn!("{e}: serving degraded, retrying every second");
        }
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.0.store.backend
    }

    /// Whether the database answered its last statement and the schema is up to date.
    pub fn is_healthy(&self) -> bool {
        self.0.store.is_healthy()
    }

    /// The queue of what the dialogue reports (see [`Journal`]).
    pub fn journal(&self) -> &Journal {
        &self.0.journal
    }

    /// Periodic upkeep, about once a second: after a failure, checks whether the database is
    /// back (and finishes the migrations), so health recovers without traffic.
    pub async fn maintain(&self) {
        let store = &self.0.store;
        if store.is_healthy() {
            return;
        }
        if let Err(e) = store.migrate().await {
            tracing::debug!("database still unavailable: {e}");
        }
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

impl Store {
    fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed) && self.migrated.load(Ordering::Relaxed)
    }

    /// Records how the last statement went (logging the change, not every failure).
    pub(crate) fn note<T>(&self, result: &Result<T, DbError>) {
        let ok = result.is_ok();
        let was = self.healthy.swap(ok, Ordering::Relaxed);
        match (was, result) {
            (true, Err(e)) => tracing::warn!("the database is unavailable ({e}): degraded"),
            (false, Ok(_)) => tracing::info!("the database is reachable again"),
            _ => {}
        }
    }

    /// Runs the migrations not yet applied (idempotent), then notes the database healthy.
    async fn migrate(&self) -> Result<(), DbError> {
        let _one = self.migrating.lock().await;
        let result = async {
            if !self.migrated.load(Ordering::Relaxed) {
                schema::migrator(self.migrations)
                    .await?
                    .run(&self.pool)
                    .await?;
                self.migrated.store(true, Ordering::Relaxed);
            } else {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
            }
            Ok(())
        }
        .await;
        self.note(&result);
        result
    }

    /// Runs `work` on the pool within the request deadline, noting the outcome for health.
    pub(crate) async fn run<'a, T, F>(
        &'a self,
        work: impl FnOnce(&'a AnyPool) -> F,
    ) -> Result<T, DbError>
    where
        F: std::future::Future<Output = Result<T, DbError>> + 'a,
    {
        if !self.migrated.load(Ordering::Relaxed) {
            self.migrate().await?;
        }
        let result = match tokio::time::timeout(REQUEST_DEADLINE, work(&self.pool)).await {
            Ok(r) => r,
            Err(_) => Err(DbError::Timeout(REQUEST_DEADLINE)),
        };
        self.note(&result);
        result
    }
}

/// The backend and the URL sqlx is given (a SQLite file is created, with its directory).
fn parse(url: &str) -> Result<(Backend, String), DbError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
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

/// At most `max` characters of `s`, trimmed.
fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_sqlite_files_are_created_read_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/m.sqlite3");
        let (b, url) = parse(&format!("sqlite://{}", path.display())).unwrap();
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
