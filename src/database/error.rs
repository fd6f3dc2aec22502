//! What can go wrong with the database, and which kind of failure it is: a full disk, an I/O
//! error, a read-only file, a lock held elsewhere, a database that cannot be reached, a deadline.
//! The kind is what `/healthz` reports as the reason and what
//! `madoguchi_database_errors_total{kind}` counts.

use std::time::Duration;

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
    /// The writer has stopped (the service is shutting down).
    #[error("the database writer has stopped")]
    Stopped,
}

/// Which kind of failure a [`DbError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No space left on the device (SQLITE_FULL; PostgreSQL class 53).
    Full,
    /// The file or the disk failed (SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_CANTOPEN; class 58).
    Io,
    /// The file or the database accepts no writes (SQLITE_READONLY; SQLSTATE 25006).
    ReadOnly,
    /// Another process holds the lock (SQLITE_BUSY, SQLITE_LOCKED; a serialization failure).
    Busy,
    /// The server cannot be reached or closed the connection.
    Unreachable,
    /// The database did not answer within the deadline.
    Timeout,
    /// Anything else (a constraint, a bug): logged with its message.
    Other,
}

impl ErrorKind {
    /// Every kind, in the order of the metric's labels.
    pub const ALL: [ErrorKind; 7] = [
        ErrorKind::Full,
        ErrorKind::Io,
        ErrorKind::ReadOnly,
        ErrorKind::Busy,
        ErrorKind::Unreachable,
        ErrorKind::Timeout,
        ErrorKind::Other,
    ];

    /// The metric label and the `database_error` of `/healthz`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Full => "disk_full",
            ErrorKind::Io => "io_error",
            ErrorKind::ReadOnly => "read_only",
            ErrorKind::Busy => "busy",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Other => "other",
        }
    }

    /// The reason in a sentence, for logs and the 503's English message.
    pub fn reason_en(self) -> &'static str {
        match self {
            ErrorKind::Full => "the database's disk is full",
            ErrorKind::Io => "the database's file or disk reports an I/O error",
            ErrorKind::ReadOnly => "the database is read-only",
            ErrorKind::Busy => "the database is locked by another process",
            ErrorKind::Unreachable => "the database cannot be reached",
            ErrorKind::Timeout => "the database did not answer in time",
            ErrorKind::Other => "the database refused the statement",
        }
    }

    /// The reason in Japanese, for the 503's Japanese message.
    pub fn reason_ja(self) -> &'static str {
        match self {
            ErrorKind::Full => "保存先のディスクが満杯です",
            ErrorKind::Io => "保存先のディスクで入出力エラーが起きています",
            ErrorKind::ReadOnly => "データベースが読み取り専用になっています",
            ErrorKind::Busy => "データベースが他のプロセスにロックされています",
            ErrorKind::Unreachable => "データベースに接続できません",
            ErrorKind::Timeout => "データベースの応答が時間内にありませんでした",
            ErrorKind::Other => "データベースが処理を受け付けませんでした",
        }
    }
}

impl DbError {
    /// Which kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            DbError::Config(_) => ErrorKind::Other,
            DbError::Timeout(_) => ErrorKind::Timeout,
            DbError::Stopped => ErrorKind::Unreachable,
            DbError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => sql_kind(e),
            DbError::Migrate(_) => ErrorKind::Other,
            DbError::Sql(e) => sql_kind(e),
        }
    }

    /// A serialization failure or deadlock of PostgreSQL: the transaction may simply be run
    /// again.
    pub(super) fn is_retryable(&self) -> bool {
        matches!(self, DbError::Sql(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("40001" | "40P01")))
    }
}

fn sql_kind(e: &sqlx::Error) -> ErrorKind {
    match e {
        sqlx::Error::Database(e) => code_kind(e.code().as_deref().unwrap_or(""), e.message()),
        sqlx::Error::Io(e) if e.raw_os_error() == Some(28) => ErrorKind::Full,
        // EROFS, EACCES, EPERM: the file or its file system takes no writes.
        sqlx::Error::Io(e) if matches!(e.raw_os_error(), Some(30 | 13 | 1)) => ErrorKind::ReadOnly,
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => ErrorKind::Unreachable,
        sqlx::Error::PoolTimedOut => ErrorKind::Timeout,
        _ => ErrorKind::Other,
    }
}

/// The kind of a database's error code: SQLite's (extended) result code as a number (at most
/// four digits: the largest extended code is below 10,000), or PostgreSQL's five-character
/// SQLSTATE (which may be all digits, like 53100).
fn code_kind(code: &str, message: &str) -> ErrorKind {
    if code.len() < 5
        && let Ok(n) = code.parse::<i32>()
    {
        return match n & 0xff {
            13 => ErrorKind::Full,
            8 => ErrorKind::ReadOnly,
            5 | 6 => ErrorKind::Busy,
            10 | 11 | 14 | 26 => ErrorKind::Io,
            _ => ErrorKind::Other,
        };
    }
    match code {
        "25006" => ErrorKind::ReadOnly,
        "40001" | "40P01" | "55P03" => ErrorKind::Busy,
        c if c.starts_with("53") => ErrorKind::Full,
        c if c.starts_with("58") || c.starts_with("XX") => ErrorKind::Io,
        c if c.starts_with("08") || c.starts_with("57P") => ErrorKind::Unreachable,
        _ if message.contains("read-only") => ErrorKind::ReadOnly,
        _ => ErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_both_backends_have_their_kind() {
        for (code, kind) in [
            ("13", ErrorKind::Full),
            ("8", ErrorKind::ReadOnly),
            ("1032", ErrorKind::ReadOnly), // SQLITE_READONLY_DBMOVED
            ("5", ErrorKind::Busy),
            ("517", ErrorKind::Busy), // SQLITE_BUSY_SNAPSHOT
            ("10", ErrorKind::Io),
            ("3850", ErrorKind::Io), // SQLITE_IOERR_LOCK
            ("19", ErrorKind::Other),
            ("53100", ErrorKind::Full),
            ("25006", ErrorKind::ReadOnly),
            ("40001", ErrorKind::Busy),
            ("58030", ErrorKind::Io),
            ("08006", ErrorKind::Unreachable),
            ("57P01", ErrorKind::Unreachable),
            ("23505", ErrorKind::Other),
        ] {
            assert_eq!(code_kind(code, ""), kind, "{code}");
        }
    }
}
