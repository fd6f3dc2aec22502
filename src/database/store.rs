//! The read side of the database and what is known of its health: the pool the desk's reads
//! (and the migrations) use, whether reads and writes last succeeded, why not, and how many
//! failures of each kind there were. Writes never go through this pool: the writer owns its
//! own connection (see `writer.rs`).

use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sqlx::AnyPool;
use tokio::sync::Mutex;

use super::{Backend, DbError, ErrorKind, REQUEST_DEADLINE, schema};

/// The read pool and the database's health; shared by the handle and the writer task.
#[derive(Debug)]
pub(crate) struct Store {
    pub(super) pool: AnyPool,
    pub(super) backend: Backend,
    /// The URL the writer opens its own connection with.
    pub(super) url: String,
    /// The SQLite file, checked for writing before anything else tries (a read-only file or
    /// file system otherwise shows up only as a pool that never connects).
    file: Option<std::path::PathBuf>,
    /// The last read succeeded (or nothing has failed yet).
    read_ok: AtomicBool,
    /// Why the last write transaction failed, until one succeeds.
    write_error: StdMutex<Option<ErrorKind>>,
    /// The schema is up to date (migrations are retried until they succeed).
    migrated: AtomicBool,
    /// Why the migrations last failed.
    migrate_error: StdMutex<Option<ErrorKind>>,
    /// One migration at a time.
    migrating: Mutex<()>,
    /// How many of the migrations this instance applies.
    migrations: usize,
    /// Failures since start, by kind (indexed by `ErrorKind as usize`).
    errors: [AtomicU64; ErrorKind::ALL.len()],
}

impl Store {
    pub(super) fn new(
        pool: AnyPool,
        backend: Backend,
        url: String,
        file: Option<std::path::PathBuf>,
        migrations: usize,
    ) -> Store {
        Store {
            pool,
            backend,
            url,
            file,
            read_ok: AtomicBool::new(true),
            write_error: StdMutex::new(None),
            migrated: AtomicBool::new(false),
            migrate_error: StdMutex::new(None),
            migrating: Mutex::new(()),
            migrations,
            errors: Default::default(),
        }
    }

    /// Whether reads and the last write succeeded and the schema is up to date.
    pub(super) fn is_healthy(&self) -> bool {
        self.problem().is_none()
    }

    /// What is wrong, if anything: the schema, the last write, the last read, in that order.
    pub(super) fn problem(&self) -> Option<ErrorKind> {
        if !self.migrated.load(Ordering::Relaxed) {
            return Some(lock(&self.migrate_error).unwrap_or(ErrorKind::Unreachable));
        }
        if let Some(kind) = *lock(&self.write_error) {
            return Some(kind);
        }
        (!self.read_ok.load(Ordering::Relaxed)).then_some(ErrorKind::Unreachable)
    }

    /// Failures since start, by kind.
    pub(super) fn errors(&self) -> Vec<(ErrorKind, u64)> {
        ErrorKind::ALL
            .iter()
            .map(|&k| (k, self.errors[k as usize].load(Ordering::Relaxed)))
            .collect()
    }

    fn count(&self, e: &DbError) -> ErrorKind {
        let kind = e.kind();
        self.errors[kind as usize].fetch_add(1, Ordering::Relaxed);
        kind
    }

    /// Records how a read went (logging the change, not every failure).
    fn note_read<T>(&self, result: &Result<T, DbError>) {
        let ok = result.is_ok();
        if let Err(e) = result {
            self.count(e);
        }
        let was = self.read_ok.swap(ok, Ordering::Relaxed);
        match (was, result) {
            (true, Err(e)) => tracing::warn!("the database cannot be read ({e}): degraded"),
            (false, Ok(_)) => tracing::info!("the database can be read again"),
            _ => {}
        }
    }

    /// Records how a write transaction went (logging the change, not every failure).
    pub(super) fn note_write<T>(&self, result: &Result<T, DbError>) {
        let now = result.as_ref().err().map(|e| self.count(e));
        let was = std::mem::replace(&mut *lock(&self.write_error), now);
        match (was, result) {
            (None, Err(e)) => tracing::warn!(
                "the database cannot be written ({}: {e}): degraded",
                e.kind().reason_en()
            ),
            (Some(_), Ok(_)) => tracing::info!("the database can be written again"),
            _ => {}
        }
    }

    /// Runs the migrations not yet applied (idempotent), then notes the database readable.
    pub(super) async fn migrate(&self) -> Result<(), DbError> {
        let _one = self.migrating.lock().await;
        let result = async {
            if let Some(file) = &self.file {
                writable(file)?;
            }
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
        if let Err(e) = &result
            && !self.migrated.load(Ordering::Relaxed)
        {
            *lock(&self.migrate_error) = Some(self.count(e));
        }
        self.note_read(&result);
        result
    }

    /// Brings the schema up to date unless it is.
    pub(super) async fn migrate_if_needed(&self) -> Result<(), DbError> {
        if self.migrated.load(Ordering::Relaxed) {
            Ok(())
        } else {
            self.migrate().await
        }
    }

    /// Runs a read on the pool within the request deadline, noting the outcome for health.
    pub(crate) async fn run<'a, T, F>(
        &'a self,
        work: impl FnOnce(&'a AnyPool) -> F,
    ) -> Result<T, DbError>
    where
        F: std::future::Future<Output = Result<T, DbError>> + 'a,
    {
        self.migrate_if_needed().await?;
        let result = match tokio::time::timeout(REQUEST_DEADLINE, work(&self.pool)).await {
            Ok(r) => r,
            Err(_) => Err(DbError::Timeout(REQUEST_DEADLINE)),
        };
        self.note_read(&result);
        result
    }
}

/// Whether the SQLite file (or, before it exists, its directory) can be written: a read-only
/// file system or file is reported at once as read-only (`EROFS`, `EACCES`), instead of after
/// the pool's acquire timeout.
fn writable(file: &std::path::Path) -> Result<(), DbError> {
    let io = |e: std::io::Error| DbError::Sql(sqlx::Error::Io(e));
    if file.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(file)
            .map_err(io)?;
    } else if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        let probe = dir.join(format!(".madoguchi-write-check-{}", std::process::id()));
        std::fs::File::create(&probe).map_err(io)?;
        let _ = std::fs::remove_file(&probe);
    }
    Ok(())
}

/// A std mutex's guard, whether or not a holder panicked (the values are plain flags).
fn lock<T>(m: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
