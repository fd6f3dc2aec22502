//! The desk's database on both backends — SQLite in a temporary directory and a real PostgreSQL
//! (Debian's `postgresql`, started here with `initdb`/`pg_ctl` on a free loopback port, stopped
//! by `pg_ctl` when dropped): the handoff and feedback APIs with their 422s, the desk's inbox,
//! conversations, unanswered log, tallies and CSV; a restart of the real binary keeps
//! everything; migrations bring an older database up to date; retention deletes what is due
//! and nothing else; PostgreSQL stopped mid-run makes the service degraded, answers go on, and
//! what was said meanwhile is written once it is back.
//!
//! `.ci/run` installs postgresql and sets `MADOGUCHI_REQUIRE_POSTGRES=1`, so there these tests
//! cannot be skipped. Elsewhere, without PostgreSQL's binaries, they say so and pass.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use madoguchi::database::{Database, NewConsultation, now};
use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, Limits, Token, app};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::faults::{Server, request_with};
use crate::redis::{free_port, wait_health};
use crate::support::{root, sqlite, state_with};

const TOKEN: &str = "desk-token-for-storage-tests";

// ---------------------------------------------------------------- PostgreSQL, for real

/// The directory of PostgreSQL's server binaries, or `None` (and a note) when not installed.
fn postgres_bin() -> Option<PathBuf> {
    let found = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .max();
    if found.is_none() {
        assert!(
            std::env::var_os("MADOGUCHI_REQUIRE_POSTGRES").is_none(),
            "MADOGUCHI_REQUIRE_POSTGRES is set but PostgreSQL is not installed (apt-get install postgresql)"
        );
        eprintln!("PostgreSQL not found: its tests are not run here (CI runs them)");
    }
    found
}

/// A throwaway PostgreSQL server: its own data directory, trust authentication, loopback only.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Postgres {
    fn start(bin: &Path) -> Postgres {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let ok = Command::new("chown")
            .args(["postgres"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "chown postgres {} (the package creates the user)",
            dir.path().display()
        );
        let pg = Postgres {
            bin: bin.to_path_buf(),
            port: free_port(),
            dir,
        };
        pg.as_postgres(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-A",
                "trust",
                "-U",
                "madoguchi",
                "--no-sync",
            ],
        );
        pg.resume();
        pg
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs one of PostgreSQL's programs as the `postgres` user (the server refuses root).
    fn as_postgres(&self, program: &str, args: &[&str]) {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .stdout(Stdio::null())
            .output()
            .expect("runuser runs");
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts (or starts again) the server on its port.
    fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    fn stop(&self) {
        self.as_postgres("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    /// A fresh database on this server, as a URL.
    fn database(&self) -> String {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let ok = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "madoguchi", "-d", "postgres", "-q", "-c"])
            .arg(format!("CREATE DATABASE {name}"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "CREATE DATABASE {name}");
        format!("postgres://madoguchi@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

// ---------------------------------------------------------------- in-process, through HTTP

async fn send(router: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn staff(method: &str, path: &str, body: Option<&Value>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap()
}

/// One chat turn; its answer.
async fn chat(r: &axum::Router, message: &str, session: Option<&str>) -> Value {
    let mut body = json!({ "message": message });
    if let Some(s) = session {
        body["session_id"] = json!(s);
    }
    let (status, text) = send(r, post("/api/v1/chat", &body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    json(&text)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The `field` of a 422.
async fn refused_field(r: &axum::Router, path: &str, body: Value) -> String {
    let (status, text) = send(r, post(path, &body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {text}");
    json(&text)["error"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Everything the handoff, feedback and desk APIs do, against one database.
async fn exercise(db: &Database) {
    let mut state = state_with(db, SessionLimits::default());
    state.desk_token = Some(Token::new(TOKEN));
    state.set_limits(Limits {
        writes_per_hour: None,
        ..Limits::default()
    });
    let r = app(state);
    let (_, text) = send(
        &r,
        Request::get("/api/v1/handoff").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        json(&text),
        json!({"available": true, "retention_days": 90})
    );

    // A conversation of two turns, and a question nothing answers.
    let first = chat(&r, "事業承継の準備を始めたい", None).await;
    let sid = first["session_id"].as_str().unwrap().to_string();
    chat(&r, "専門家に相談する費用の補助はありますか", Some(&sid)).await;
    chat(&r, "犬の散歩コースを教えて", None).await;

    // Feedback: once per answer; the session must have one; `helpful` is required.
    let fb = json!({"session_id": sid, "helpful": true, "comment": "わかりやすかった"});
    assert_eq!(
        send(&r, post("/api/v1/feedback", &fb)).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&r, post("/api/v1/feedback", &fb)).await.0,
        StatusCode::CONFLICT
    );
    let unknown = json!({"session_id": "0123456789abcdef", "helpful": false});
    assert_eq!(
        send(&r, post("/api/v1/feedback", &unknown)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        refused_field(&r, "/api/v1/feedback", json!({"session_id": sid})).await,
        "helpful"
    );

    // A consultation request: every fault names its field; consent is required.
    let request = json!({
        "session_id": sid, "name": "熊本 花子", "organization": "花子商店",
        "contact": "096-333-2323", "preferred_time": "平日の午前",
        "message": "専門家派遣について電話で相談したい", "consent": true,
    });
    let with = |k: &str, v: Value| {
        let mut b = request.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("consent", json!(false)), "consent"),
        (with("consent", Value::Null), "consent"),
        (with("contact", json!("でんわください")), "contact"),
        (with("contact", json!("096-333")), "contact"),
        (with("contact", json!("hanako@")), "contact"),
        (with("name", json!("")), "name"),
        (with("name", json!("名".repeat(51))), "name"),
        (
            with("organization", json!("社".repeat(101))),
            "organization",
        ),
        (with("message", json!("")), "message"),
        (with("message", json!("あ".repeat(2001))), "message"),
        (
            with("preferred_time", json!("時".repeat(101))),
            "preferred_time",
        ),
    ] {
        assert_eq!(
            refused_field(&r, "/api/v1/consultations", body.clone()).await,
            field,
            "{body}"
        );
    }
    let (status, text) = send(&r, post("/api/v1/consultations", &request)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let id = json(&text)["id"].as_str().unwrap().to_string();

    // The desk: token required; the request with its conversation; status and note change.
    let bare = Request::get("/api/v1/desk/consultations")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&r, bare).await.0, StatusCode::UNAUTHORIZED);
    let (status, text) = send(&r, staff("GET", "/api/v1/desk/consultations", None)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let inbox = json(&text);
    let item = &inbox["items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["name"], "熊本 花子");
    assert_eq!(item["status"], "new");
    let questions: Vec<&str> = item["conversation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [
            "事業承継の準備を始めたい",
            "専門家に相談する費用の補助はありますか"
        ]
    );
    assert!(
        !item["conversation"][0]["programs"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(!text.contains(&sid), "no session id in the inbox");
    let path = format!("/api/v1/desk/consultations/{id}");
    let patch = json!({"status": "in_progress", "note": "12/1 折り返し予定"});
    let (status, text) = send(&r, staff("PATCH", &path, Some(&patch))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["status"], "in_progress");
    assert_eq!(json(&text)["note"], "12/1 折り返し予定");
    let (status, text) = send(
        &r,
        staff("PATCH", &path, Some(&json!({"status": "closed"}))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["error"]["field"], "status");
    let (status, _) = send(
        &r,
        staff(
            "PATCH",
            "/api/v1/desk/consultations/nope",
            Some(&json!({"status": "done"})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, text) = send(
        &r,
        staff("GET", "/api/v1/desk/consultations?status=new", None),
    )
    .await;
    assert_eq!(json(&text)["items"].as_array().unwrap().len(), 0, "{text}");
    let (status, _) = send(&r, staff("GET", "/api/v1/desk/consultations?limit=0", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Conversations: questions, outcomes, programs and feedback; no session id.
    let (status, text) = send(&r, staff("GET", "/api/v1/desk/conversations", None)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(!text.contains(&sid), "no session id in conversations");
    let conversations = json(&text);
    let ours = conversations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["turns"].as_array().unwrap().len() == 2)
        .unwrap_or_else(|| panic!("the two-turn conversation: {text}"));
    assert_eq!(ours["turns"][1]["helpful"], true);
    assert_eq!(ours["turns"][1]["comment"], "わかりやすかった");
    assert_eq!(ours["turns"][0]["helpful"], Value::Null);

    // The unanswered log, and the tallies.
    let (_, text) = send(&r, staff("GET", "/api/v1/desk/unanswered", None)).await;
    assert!(text.contains("犬の散歩コースを教えて"), "{text}");
    let (_, text) = send(&r, staff("GET", "/api/v1/desk/tallies", None)).await;
    let tallies = json(&text);
    let count = |kind: &str| -> i64 {
        tallies["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == kind)
            .map(|t| t["n"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(count("conversations"), 2, "{tallies}");
    assert_eq!(count("consultations"), 1, "{tallies}");
    assert_eq!(count("helpful"), 1, "{tallies}");
    assert_eq!(count("no_match"), 1, "{tallies}");
    assert_eq!(tallies["retention_days"], 90);

    // CSV: a byte-order mark, CRLF lines, the data as stored.
    for (path, needle) in [
        ("/api/v1/desk/consultations.csv", "熊本 花子"),
        (
            "/api/v1/desk/conversations.csv",
            "専門家に相談する費用の補助はありますか",
        ),
        ("/api/v1/desk/unanswered.csv", "犬の散歩コースを教えて"),
    ] {
        let res = r.clone().oneshot(staff("GET", path, None)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/csv"),
            "{path}"
        );
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{path}: no BOM");
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(
            text.contains("\r\n") && text.contains(needle),
            "{path}: {text}"
        );
    }

    // A conversation held in English: the desk shows it in its language, and says which.
    let (status, text) = send(
        &r,
        post(
            "/api/v1/chat",
            &json!({ "message": "熊本地震で工場が壊れました", "lang": "en" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let english = json(&text)["reply"].as_str().unwrap().to_string();
    let (_, text) = send(&r, staff("GET", "/api/v1/desk/conversations", None)).await;
    let items = json(&text)["items"].as_array().unwrap().clone();
    let held = items
        .iter()
        .find(|c| c["lang"] == "en")
        .unwrap_or_else(|| panic!("no conversation held in English: {text}"));
    assert_eq!(held["turns"][0]["lang"], "en", "{held}");
    assert!(
        english.starts_with("These") || english.contains("programs"),
        "{english}"
    );
    assert!(items.iter().any(|c| c["lang"] == "ja"), "{text}");
}

#[tokio::test]
async fn the_desk_apis_work_on_sqlite() {
    let (db, _dir) = sqlite().await;
    exercise(&db).await;
    assert!(db.is_healthy());
}

/// A PostgreSQL server of the test's own and a fresh database on it, or `None` where PostgreSQL
/// is not installed (and not required).
async fn postgres() -> Option<(Postgres, String)> {
    let bin = postgres_bin()?;
    let pg = tokio::task::spawn_blocking(move || Postgres::start(&bin))
        .await
        .unwrap();
    let url = pg.database();
    Some((pg, url))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_apis_work_on_postgres() {
    let Some((_pg, url)) = postgres().await else {
        return;
    };
    let db = Database::open(&url).await.expect("PostgreSQL opens");
    assert!(db.is_healthy(), "migrated on a fresh database");
    exercise(&db).await;
    // Opening again runs no migration twice.
    let again = Database::open(&url).await.expect("opens again");
    assert!(again.is_healthy());
    assert_eq!(again.consultations(None, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn writes_are_limited_per_client_apart_from_chat() {
    let (db, _dir) = sqlite().await;
    let mut state = state_with(&db, SessionLimits::default());
    state.set_limits(Limits {
        writes_per_hour: std::num::NonZeroU32::new(6),
        ..Limits::default()
    });
    let r = app(state);
    let request = json!({"name": "熊本 一郎", "contact": "ichiro@example.jp",
        "message": "相談したい", "consent": true});
    // Six an hour: one at once.
    assert_eq!(
        send(&r, post("/api/v1/consultations", &request)).await.0,
        StatusCode::CREATED
    );
    let res = r
        .clone()
        .oneshot(post("/api/v1/consultations", &request))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    // Chat goes on (`chat` checks the 200).
    chat(&r, "台湾に輸出したい", None).await;
}

#[tokio::test]
async fn without_a_database_the_handoff_says_so() {
    let r = app(AppState::new(Arc::new(crate::support::dialogue(
        SessionLimits::default(),
    ))));
    let request = json!({"name": "熊本 一郎", "contact": "ichiro@example.jp",
        "message": "相談したい", "consent": true});
    let (status, text) = send(&r, post("/api/v1/consultations", &request)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&text)["error"]["code"], "storage_disabled");
    let (status, text) = send(
        &r,
        Request::get("/api/v1/handoff").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&text)["available"], false, "the widget hides its form");
}

// ---------------------------------------------------------------- migrations and retention

fn consultation(name: &str) -> NewConsultation {
    NewConsultation {
        name: name.to_string(),
        organization: None,
        contact: "096-000-0000".into(),
        preferred_time: None,
        message: format!("{name} の相談"),
        session_id: None,
    }
}

#[tokio::test]
async fn migrations_bring_an_older_database_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/m.sqlite3", dir.path().display());
    // An older release: only the first migration.
    let old = Database::open_at(&url, 1).await.unwrap();
    old.add_consultation(&consultation("旧版"), now())
        .await
        .unwrap();
    assert!(
        old.conversations(10).await.is_err(),
        "the older schema has no conversations"
    );
    drop(old);
    // This release: the second migration runs, the data stays.
    let db = Database::open(&url).await.unwrap();
    assert!(db.is_healthy());
    assert_eq!(
        db.consultations(None, 10).await.unwrap()[0].name.as_deref(),
        Some("旧版")
    );
    assert!(db.conversations(10).await.unwrap().is_empty());
    // And once more: nothing to do.
    let again = Database::open(&url).await.unwrap();
    assert!(again.is_healthy());
    assert_eq!(again.consultations(None, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn retention_deletes_what_is_due_and_nothing_else() {
    let (db, _dir) = sqlite().await;
    let day = 86_400;
    let t = now();
    db.add_consultation(&consultation("古い"), t - 100 * day)
        .await
        .unwrap();
    db.add_consultation(&consultation("新しい"), t - 10 * day)
        .await
        .unwrap();
    let mut state = state_with(&db, SessionLimits::default());
    state.desk_token = Some(Token::new(TOKEN));
    let r = app(state);
    let first = chat(&r, "事業承継の準備を始めたい", None).await;
    let sid = first["session_id"].as_str().unwrap().to_string();
    chat(&r, "犬の散歩コースを教えて", None).await;
    let fb = json!({"session_id": sid, "helpful": false, "comment": "電話番号を知りたい"});
    assert_eq!(
        send(&r, post("/api/v1/feedback", &fb)).await.0,
        StatusCode::NO_CONTENT
    );
    let tallies_before = db.tallies().await.unwrap();

    // 90 days: only the 100-day-old request is due.
    let purged = db.purge(t, 90).await.unwrap();
    assert_eq!(purged.consultations, 1, "{purged:?}");
    assert_eq!(
        (purged.conversations, purged.unanswered),
        (0, 0),
        "{purged:?}"
    );
    let list = db.consultations(None, 10).await.unwrap();
    let old = list
        .iter()
        .find(|c| c.purged)
        .expect("the old request stays, purged");
    assert!(old.name.is_none() && old.contact.is_none() && old.message.is_none());
    assert!(old.conversation.is_empty() && old.note.is_none());
    let new = list.iter().find(|c| !c.purged).expect("the new request");
    assert_eq!(new.name.as_deref(), Some("新しい"));
    assert_eq!(new.contact.as_deref(), Some("096-000-0000"));
    assert_eq!(db.conversations(10).await.unwrap().len(), 2);
    assert_eq!(db.unanswered(10).await.unwrap().len(), 1);
    // Purging again deletes nothing more.
    assert_eq!(db.purge(t, 90).await.unwrap(), Default::default());

    // 91 days on, everything personal is gone; the tallies are not.
    let later = db.purge(t + 91 * day, 90).await.unwrap();
    assert_eq!(later.consultations, 1);
    assert_eq!(
        (later.conversations, later.turns, later.unanswered),
        (2, 2, 1)
    );
    assert!(db.conversations(10).await.unwrap().is_empty());
    assert!(db.unanswered(10).await.unwrap().is_empty());
    assert!(
        db.consultations(None, 10)
            .await
            .unwrap()
            .iter()
            .all(|c| c.purged && c.name.is_none())
    );
    assert_eq!(
        format!("{:?}", db.tallies().await.unwrap()),
        format!("{tallies_before:?}")
    );
    // Feedback on a deleted conversation finds nothing.
    assert_eq!(
        send(&r, post("/api/v1/feedback", &fb)).await.0,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------- the real binary

fn body(text: &str) -> Value {
    json(text.split("\r\n\r\n").nth(1).unwrap_or_default())
}

pub(crate) fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    b: &Value,
) -> (u16, Value) {
    call_at(server.addr, method, path, token, b)
}

/// [`call`] by address, for threads (a `Server` stays with its test).
pub(crate) fn call_at(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    b: &Value,
) -> (u16, Value) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let text = if b.is_null() {
        String::new()
    } else {
        b.to_string()
    };
    let (status, raw) = request_with(addr, method, path, &headers, &text);
    (
        status,
        if status == 204 {
            Value::Null
        } else {
            body(&raw)
        },
    )
}

#[test]
fn a_restart_keeps_requests_feedback_and_unanswered_questions() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/m.sqlite3", dir.path().display());
    let token = "restart-desk-token";
    let args = ["--database", &url, "--desk-token", token];
    let corpus = root().join("corpus");

    let mut server = Server::start(&corpus, &args);
    let (_, turn) = call(
        &server,
        "POST",
        "/api/v1/chat",
        None,
        &json!({"message": "台湾の百貨店で県産品を売りたい"}),
    );
    let sid = turn["session_id"].as_str().unwrap().to_string();
    call(
        &server,
        "POST",
        "/api/v1/chat",
        None,
        &json!({"message": "犬の散歩コースを教えて"}),
    );
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/feedback",
        None,
        &json!({"session_id": sid, "helpful": false, "comment": "補助率を知りたい"}),
    );
    assert_eq!(status, 204);
    let request = json!({"session_id": sid, "name": "再起動 太郎", "contact": "taro@example.jp",
        "message": "台湾への販路開拓を相談したい", "consent": true});
    let (status, v) = call(&server, "POST", "/api/v1/consultations", None, &request);
    assert_eq!(status, 201, "{v}");
    let mut refused = request.clone();
    refused["consent"] = json!(false);
    let (status, v) = call(&server, "POST", "/api/v1/consultations", None, &refused);
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("consent"))
    );
    let (status, _) = call(
        &server,
        "GET",
        "/api/v1/desk/consultations",
        None,
        &Value::Null,
    );
    assert_eq!(status, 401);
    server.signal("-TERM");
    let _ = server.child.wait();
    drop(server);

    let server = Server::start(&corpus, &args);
    let (status, v) = call(
        &server,
        "GET",
        "/api/v1/desk/consultations",
        Some(token),
        &Value::Null,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["items"][0]["name"], "再起動 太郎");
    assert_eq!(
        v["items"][0]["conversation"][0]["question"],
        "台湾の百貨店で県産品を売りたい"
    );
    let (_, v) = call(
        &server,
        "GET",
        "/api/v1/desk/conversations",
        Some(token),
        &Value::Null,
    );
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["turns"][0]["helpful"] == false
                && c["turns"][0]["comment"] == "補助率を知りたい"),
        "{v}"
    );
    let (_, v) = call(
        &server,
        "GET",
        "/api/v1/desk/unanswered",
        Some(token),
        &Value::Null,
    );
    assert_eq!(v["items"][0]["question"], "犬の散歩コースを教えて", "{v}");
    let (status, _) = call(
        &server,
        "GET",
        "/api/v1/desk/unanswered",
        None,
        &Value::Null,
    );
    assert_eq!(status, 401);
}

#[test]
fn postgres_stopped_mid_run_degrades_and_recovers() {
    let Some(bin) = postgres_bin() else {
        return;
    };
    let pg = Postgres::start(&bin);
    let url = pg.database();
    let token = "outage-desk-token";
    let server = Server::start(
        &root().join("corpus"),
        &["--database", &url, "--desk-token", token],
    );
    wait_health(&server, "ok");
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/chat",
        None,
        &json!({"message": "事業承継の準備を始めたい"}),
    );
    assert_eq!(status, 200);

    pg.stop();
    // Answers go on; what is said meanwhile waits in the queue.
    let (status, v) = call(
        &server,
        "POST",
        "/api/v1/chat",
        None,
        &json!({"message": "台湾に県産の菓子を輸出したい"}),
    );
    assert_eq!(status, 200, "{v}");
    assert!(!v["programs"].as_array().unwrap().is_empty());
    wait_health(&server, "degraded");
    let (_, metrics) = request_with(server.addr, "GET", "/metrics", &[], "");
    assert!(metrics.contains("madoguchi_database_up 0"), "{metrics}");
    let request = json!({"name": "停止中 次郎", "contact": "096-111-2222",
        "message": "相談したい", "consent": true});
    let (status, v) = call(&server, "POST", "/api/v1/consultations", None, &request);
    assert_eq!(status, 503, "{v}");
    assert_eq!(v["error"]["code"], "storage_unavailable");
    let (status, _) = call(
        &server,
        "GET",
        "/api/v1/desk/consultations",
        Some(token),
        &Value::Null,
    );
    assert_eq!(status, 503);

    pg.resume();
    wait_health(&server, "ok");
    let (_, metrics) = request_with(server.addr, "GET", "/metrics", &[], "");
    assert!(metrics.contains("madoguchi_database_up 1"), "{metrics}");
    let (status, v) = call(&server, "POST", "/api/v1/consultations", None, &request);
    assert_eq!(status, 201, "{v}");
    // The turn answered during the outage was written once the database was back.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, v) = call(
            &server,
            "GET",
            "/api/v1/desk/conversations",
            Some(token),
            &Value::Null,
        );
        let text = v.to_string();
        if text.contains("台湾に県産の菓子を輸出したい")
            && text.contains("事業承継の準備を始めたい")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the queued turn was never written: {v}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test]
async fn turns_queued_together_are_numbered_in_order_per_conversation() {
    let (db, _dir) = sqlite().await;
    numbering(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turns_queued_together_are_numbered_in_order_on_postgres() {
    let Some((_pg, url)) = postgres().await else {
        return;
    };
    let db = Database::open(&url).await.unwrap();
    numbering(&db).await;
}

/// Interleaved sessions queued back to back, then one more turn: each conversation's turns
/// numbered 1, 2, … in the order they were said, and counted once.
async fn numbering(db: &Database) {
    use madoguchi::corpus::ProgramId;
    use madoguchi::dialogue::{Recorder, TurnRecord};
    let turn = |session: &str, question: &str| TurnRecord {
        session_id: session.to_string(),
        question: question.to_string(),
        outcome: "answer",
        programs: vec![ProgramId::from_fixed("shokei-atotsugi")],
        lang: madoguchi::dialogue::Lang::Ja,
    };
    // Interleaved sessions, queued back to back: written in one or more batches.
    let journal = db.journal();
    for (s, q) in [
        ("a", "一"),
        ("b", "壱"),
        ("a", "二"),
        ("a", "三"),
        ("b", "弐"),
    ] {
        journal.turn(turn(s, q));
    }
    journal.flush(Duration::from_secs(5)).await.unwrap();
    journal.turn(turn("a", "四"));
    journal.flush(Duration::from_secs(5)).await.unwrap();
    let conversations = db.conversations(10).await.unwrap();
    let questions = |c: &madoguchi::database::ConversationView| -> Vec<(i64, String)> {
        c.turns.iter().map(|t| (t.n, t.question.clone())).collect()
    };
    let mut seen: Vec<Vec<(i64, String)>> = conversations.iter().map(questions).collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            vec![
                (1, "一".into()),
                (2, "二".into()),
                (3, "三".into()),
                (4, "四".into())
            ],
            vec![(1, "壱".into()), (2, "弐".into())],
        ]
    );
    let tallies = db.tallies().await.unwrap();
    let n = |kind: &str| -> i64 { tallies.iter().filter(|t| t.kind == kind).map(|t| t.n).sum() };
    assert_eq!((n("conversations"), n("answer")), (2, 6));
}
