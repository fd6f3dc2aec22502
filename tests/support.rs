//! Shared test support: one engine per test binary, and the `check` helper that prints what
//! was expected, what came back and how to fix it.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use madoguchi::Engine;
use madoguchi::dialogue::{Clock, Dialogue, SessionLimits};

/// The date the tests read periods against.
pub(crate) const TODAY: &str = "2026-11-29";
use madoguchi::http::AppState;

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a directory tree (the corpus, into a temporary directory).
pub(crate) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The engine over the real corpus, loaded once.
pub(crate) fn engine() -> &'static Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| match Engine::load(&root().join("corpus")) {
        Ok(e) => Arc::new(e),
        Err(e) => panic!("the real corpus must load: {e}"),
    })
}

/// A dialogue over the shared engine with its own sessions.
pub(crate) fn dialogue(limits: SessionLimits) -> Dialogue {
    // A fixed date, so that rankings and replies do not change with the calendar: the day the
    // golden file was recorded (令和8年度, after the document's 令和7年度).
    Dialogue::in_memory(engine().clone(), limits).with_clock(Clock::Fixed(
        madoguchi::corpus::Date::parse(TODAY).expect("a date"),
    ))
}

/// A SQLite database in a temporary directory (removed when the directory is dropped).
pub(crate) async fn sqlite() -> (madoguchi::database::Database, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}/m.sqlite3", dir.path().display());
    let db = madoguchi::database::Database::open(&url)
        .await
        .expect("a SQLite database opens");
    (db, dir)
}

/// A state whose dialogue reports to `db`, with `db` as the desk's database.
pub(crate) fn state_with(db: &madoguchi::database::Database, limits: SessionLimits) -> AppState {
    let d = dialogue(limits).with_recorder(Arc::new(db.clone()));
    let mut s = AppState::new(Arc::new(d));
    s.database = Some(db.clone());
    s
}

/// One turn of a conversation (a test's stand-in for a chat request).
pub(crate) fn respond(
    d: &Dialogue,
    session: Option<&str>,
    message: &str,
) -> madoguchi::dialogue::Turn {
    // The in-memory store never waits, so a runtime of this thread is enough.
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
        .block_on(d.respond(session, message))
        .expect("a test's store has room for its conversations")
}

/// The HTTP app over a fresh dialogue.
pub(crate) fn app_with(limits: SessionLimits) -> axum::Router {
    madoguchi::http::app(AppState::new(Arc::new(dialogue(limits))))
}

/// Collects failures of a table-driven test and reports them all at once.
#[derive(Default)]
pub(crate) struct Report {
    failures: Vec<String>,
    cases: usize,
}

impl Report {
    /// Records one case: `ok` or a failure with expected, got and how to fix.
    pub(crate) fn check(&mut self, ok: bool, case: &str, expected: &str, got: &str, fix: &str) {
        self.cases += 1;
        if !ok {
            self.failures.push(format!(
                "case: {case}\n  expected: {expected}\n  got:      {got}\n  fix:      {fix}"
            ));
        }
    }

    /// Panics with every failure if any case failed; requires that cases were run.
    pub(crate) fn finish(self, what: &str) {
        assert!(self.cases > 0, "{what}: no cases were run");
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} cases failed:\n{}",
            self.failures.len(),
            self.cases,
            self.failures.join("\n")
        );
    }
}

/// Equal, or one a menu of the other (as `run_eval.py` counts them).
pub(crate) fn related(a: &str, b: &str) -> bool {
    a == b
        || a.strip_prefix(b).is_some_and(|r| r.starts_with('.'))
        || b.strip_prefix(a).is_some_and(|r| r.starts_with('.'))
}

/// The strings of a JSON array field (none when the field is missing or not an array).
pub(crate) fn strings(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
