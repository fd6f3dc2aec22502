//! Nothing a person sent is lost, against the real binary and its SQLite file: consultation
//! requests and feedback while other people chat without pause (no 503 from lock contention);
//! a full disk (a small tmpfs filled while the server runs: 503s with the reason, never a 201
//! for something not stored, writing resumes when there is room again, and everything that got
//! a 201 is there after a restart); SIGKILL during a burst; a read-only file system at start-up;
//! the retention purge removes the bytes from the file and its WAL.
//!
//! The tmpfs tests mount file systems and so need root. `.ci/run` sets
//! `MADOGUCHI_REQUIRE_TMPFS=1`, so there a failed mount fails the test; elsewhere it says so and
//! passes.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::faults::Server;
use crate::storage::{call, call_at};
use crate::support::root;

const TOKEN: &str = "durability-desk-token";

/// Flags that take every per-client budget away: the tests speak from one address.
const UNLIMITED: [&str; 6] = [
    "--rate-per-second",
    "0",
    "--new-sessions-per-hour",
    "0",
    "--writes-per-hour",
    "0",
];

fn start(url: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--database", url, "--desk-token", TOKEN];
    args.extend(UNLIMITED);
    args.extend(extra);
    Server::start(&root().join("corpus"), &args)
}

fn chat(server: &Server, message: &str) -> (u16, Value) {
    chat_at(server.addr, message)
}

fn chat_at(addr: SocketAddr, message: &str) -> (u16, Value) {
    call_at(
        addr,
        "POST",
        "/api/v1/chat",
        None,
        &json!({ "message": message }),
    )
}

fn consult(server: &Server, session: Option<&str>, name: &str, message: &str) -> (u16, Value) {
    consult_at(server.addr, session, name, message)
}

fn consult_at(addr: SocketAddr, session: Option<&str>, name: &str, message: &str) -> (u16, Value) {
    let mut body = json!({"name": name, "contact": "desk@example.jp", "message": message,
        "consent": true});
    if let Some(s) = session {
        body["session_id"] = json!(s);
    }
    call_at(addr, "POST", "/api/v1/consultations", None, &body)
}

fn health(server: &Server) -> Value {
    call(server, "GET", "/healthz", None, &Value::Null).1
}

/// The desk lists at most this many requests at once (its `limit`'s largest value).
const LIST_MAX: usize = 5_000;

/// The ids of every stored consultation request, as the desk lists them (all of them: a test
/// that could store more than one page fails here rather than miss some).
fn listed(server: &Server) -> Vec<String> {
    let (status, v) = call(
        server,
        "GET",
        &format!("/api/v1/desk/consultations?limit={LIST_MAX}"),
        Some(TOKEN),
        &Value::Null,
    );
    assert_eq!(status, 200, "{v}");
    let ids: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.len() < LIST_MAX,
        "more requests than one page of the desk's list"
    );
    ids
}

fn stop(mut server: Server) {
    server.signal("-TERM");
    let _ = server.child.wait();
}

#[test]
fn the_handoff_never_fails_while_others_chat() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/m.sqlite3", dir.path().display());
    let server = start(&url, &[]);
    let addr = server.addr;
    let stop_flag = Arc::new(AtomicBool::new(false));
    let questions = [
        "台湾の百貨店で県産品を売りたい",
        "豪雨で店舗が浸水した",
        "製造業でIoTを導入したい",
        "事業を息子に継がせたい",
        "資金繰りが苦しい",
        "展示会に出展したい",
    ];
    let chatters: Vec<_> = questions
        .iter()
        .map(|q| {
            let (stop_flag, q) = (stop_flag.clone(), q.to_string());
            std::thread::spawn(move || {
                let mut turns = 0;
                while !stop_flag.load(Ordering::Relaxed) {
                    let (status, v) = chat_at(addr, &q);
                    assert_eq!(status, 200, "{v}");
                    turns += 1;
                }
                turns
            })
        })
        .collect();
    let mut degraded = 0;
    for round in 0..40 {
        let (status, turn) = chat(&server, "台湾に菓子を輸出したい");
        assert_eq!(status, 200, "{turn}");
        let sid = turn["session_id"].as_str().unwrap();
        let (status, v) = consult(&server, Some(sid), &format!("相談 {round}"), "輸出の相談");
        assert_eq!(status, 201, "round {round}: {v}");
        let (status, v) = call(
            &server,
            "POST",
            "/api/v1/feedback",
            None,
            &json!({"session_id": sid, "helpful": true}),
        );
        assert_eq!(status, 204, "round {round}: {v}");
        if health(&server)["status"] != "ok" {
            degraded += 1;
        }
    }
    stop_flag.store(true, Ordering::Relaxed);
    let turns: usize = chatters.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(turns > 40, "the others chatted only {turns} turns");
    assert_eq!(degraded, 0, "/healthz said degraded during the load");
    // Every request carries its conversation: the turn before it was written first.
    let (_, v) = call(
        &server,
        "GET",
        "/api/v1/desk/consultations?limit=100",
        Some(TOKEN),
        &Value::Null,
    );
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 40);
    assert!(
        items
            .iter()
            .all(|c| c["conversation"][0]["question"] == "台湾に菓子を輸出したい"),
        "{v}"
    );
}

/// A tmpfs of `size` mounted at a new temporary directory, unmounted when dropped; `None` (and
/// a note) when it cannot be mounted and the environment does not require it.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var("MADOGUCHI_REQUIRE_TMPFS").as_deref() != Ok("1"),
                "MADOGUCHI_REQUIRE_TMPFS=1 but a tmpfs could not be mounted (root is needed)"
            );
            eprintln!("note: cannot mount a tmpfs (not root?): the full-disk test is skipped");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, option: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{option}")])
            .arg(self.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount {option}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the file system of `dir` with a file until no byte more fits; returns its path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_gets_503s_loses_no_201_and_writing_resumes_when_there_is_room() {
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    let url = format!("sqlite://{}/m.sqlite3", disk.path().display());
    let server = start(&url, &[]);
    let long = "補助金について詳しく相談したいことがあります。".repeat(60);
    let mut stored = Vec::new();
    for i in 0..3 {
        let (status, v) = consult(&server, None, &format!("満杯前 {i}"), &long);
        assert_eq!(status, 201, "{v}");
        stored.push(v["id"].as_str().unwrap().to_string());
    }

    let filler = fill(disk.path());
    let mut refused = 0;
    for i in 0..8 {
        let (status, v) = consult(&server, None, &format!("満杯中 {i}"), &long);
        match status {
            201 => stored.push(v["id"].as_str().unwrap().to_string()),
            503 => {
                assert_eq!(v["error"]["code"], "storage_unavailable", "{v}");
                assert!(
                    v["error"]["message_en"]
                        .as_str()
                        .unwrap()
                        .contains("disk is full"),
                    "{v}"
                );
                refused += 1;
            }
            _ => panic!("{status}: {v}"),
        }
        // Chat goes on through every database failure.
        assert_eq!(chat(&server, "豪雨で店舗が浸水した").0, 200);
    }
    assert!(refused >= 6, "only {refused} of 8 refused on a full disk");
    let h = health(&server);
    assert_eq!(
        (h["status"].as_str(), h["database_error"].as_str()),
        (Some("degraded"), Some("disk_full")),
        "{h}"
    );
    let (_, metrics) = crate::faults::request(server.addr, "GET", "/metrics", "");
    assert!(
        metrics.lines().any(|l| l
            .starts_with("madoguchi_database_errors_total{kind=\"disk_full\"}")
            && !l.ends_with(" 0")),
        "{metrics}"
    );

    std::fs::remove_file(filler).unwrap();
    // Room again: the next request is stored, without a restart, and health recovers.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, v) = consult(&server, None, "空きができた後", &long);
        if status == 201 {
            stored.push(v["id"].as_str().unwrap().to_string());
            break;
        }
        assert_eq!(status, 503, "{v}");
        assert!(Instant::now() < deadline, "writing never resumed: {v}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while health(&server)["status"] != "ok" {
        assert!(Instant::now() < deadline, "{}", health(&server));
        std::thread::sleep(Duration::from_millis(100));
    }
    // Another process sees what was acknowledged, and can take the write lock: no transaction
    // was left open.
    let seen = another_process_reads(&disk.path().join("m.sqlite3"));
    for id in &stored {
        assert!(
            seen.contains(id),
            "{id} acknowledged but not visible to another process"
        );
    }

    stop(server);
    let server = start(&url, &[]);
    let after = listed(&server);
    for id in &stored {
        assert!(
            after.contains(id),
            "{id} got a 201 and is gone after a restart"
        );
    }
    assert_eq!(after.len(), stored.len(), "only what got a 201 is stored");
}

/// The consultation ids in the SQLite file, read by a connection of this process (not the
/// server's), after taking and releasing the write lock.
fn another_process_reads(file: &Path) -> Vec<String> {
    use sqlx::{Connection, Executor};
    let url = format!("sqlite://{}", file.display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        c.execute("PRAGMA busy_timeout = 2000; BEGIN IMMEDIATE; ROLLBACK;")
            .await
            .expect("the write lock is free");
        let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM consultations")
            .fetch_all(&mut c)
            .await
            .unwrap();
        ids.into_iter().map(|(id,)| id).collect()
    })
}

/// A consultation request that tolerates the server vanishing: its id when it got a 201.
fn created(addr: SocketAddr, name: &str) -> Option<String> {
    use std::io::Read;
    let body = json!({"name": name, "contact": "desk@example.jp", "message": "相談",
        "consent": true})
    .to_string();
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "POST /api/v1/consultations HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    if !out.starts_with("HTTP/1.1 201") {
        return None;
    }
    let v: Value = serde_json::from_str(out.split("\r\n\r\n").nth(1)?).ok()?;
    Some(v["id"].as_str()?.to_string())
}

#[test]
fn sigkill_during_a_burst_loses_nothing_that_got_a_201() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/m.sqlite3", dir.path().display());
    let mut acknowledged = Vec::new();
    for round in 0..3 {
        let server = start(&url, &[]);
        let addr = server.addr;
        let senders: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut ids = Vec::new();
                    for i in 0.. {
                        match created(addr, &format!("突然 {round}-{t}-{i}")) {
                            Some(id) => ids.push(id),
                            None => return ids, // the server is gone
                        }
                    }
                    ids
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(400));
        server.signal("-KILL");
        for s in senders {
            acknowledged.extend(s.join().unwrap());
        }
    }
    assert!(
        acknowledged.len() > 20,
        "only {} acknowledged",
        acknowledged.len()
    );
    let server = start(&url, &[]);
    let after = listed(&server);
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|id| !after.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
}

#[test]
fn a_read_only_file_system_is_said_at_once_and_chat_goes_on() {
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    let url = format!("sqlite://{}/m.sqlite3", disk.path().display());
    let server = start(&url, &[]);
    assert_eq!(consult(&server, None, "読み取り専用前", "相談").0, 201);
    stop(server);
    disk.remount("ro");

    let started = Instant::now();
    let server = start(&url, &[]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "start-up took {took:?}");
    assert!(
        server.startup_log.iter().any(|l| l.contains("read-only")),
        "{:?}",
        server.startup_log
    );
    let h = health(&server);
    assert_eq!(h["database_error"], "read_only", "{h}");
    let (status, v) = consult(&server, None, "読み取り専用中", "相談");
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (503, Some("storage_unavailable")),
        "{v}"
    );
    assert!(
        v["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("read-only"),
        "{v}"
    );
    assert_eq!(chat(&server, "台湾に輸出したい").0, 200);
    stop(server);
    disk.remount("rw");
}

/// Every file of the database (the file, its WAL and shared memory) as bytes.
fn database_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().contains("m.sqlite3") {
            all.extend(std::fs::read(&path).unwrap());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn retention_removes_the_bytes_from_the_file_and_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.sqlite3");
    let url = format!("sqlite://{}", file.display());
    let secrets = [
        "Zq7PurgeName",
        "zq7-purge@example.jp",
        "Zq7PurgeMessage",
        "Zq7PurgeQuestion",
        "Zq7PurgeComment",
        "Zq7PurgeNote",
    ];
    let server = start(&url, &["--retention-days", "1"]);
    let (_, turn) = chat(&server, "Zq7PurgeQuestion 台湾に菓子を輸出したい");
    let sid = turn["session_id"].as_str().unwrap();
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/feedback",
        None,
        &json!({"session_id": sid, "helpful": false, "comment": "Zq7PurgeComment"}),
    );
    assert_eq!(status, 204);
    let body = json!({"session_id": sid, "name": "Zq7PurgeName", "contact": "zq7-purge@example.jp",
        "message": "Zq7PurgeMessage", "consent": true});
    let (status, v) = call(&server, "POST", "/api/v1/consultations", None, &body);
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (status, _) = call(
        &server,
        "PATCH",
        &format!("/api/v1/desk/consultations/{id}"),
        Some(TOKEN),
        &json!({"note": "Zq7PurgeNote"}),
    );
    assert_eq!(status, 200);
    stop(server);

    // Two days pass (the records are dated back), and the bytes are there before the purge:
    // the check below can fail.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::{Connection, Executor};
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        c.execute(
            "UPDATE consultations SET created_at = created_at - 172800; \
             UPDATE conversations SET last_at = last_at - 172800, started_at = started_at - 172800; \
             UPDATE unanswered SET last_seen = last_seen - 172800; \
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .await
        .unwrap();
        c.close().await.unwrap();
    });
    let before = database_bytes(dir.path());
    for s in secrets {
        assert!(contains(&before, s), "{s} not in the file before the purge");
    }

    // The purge runs at start-up.
    let server = start(&url, &["--retention-days", "1"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, v) = call(
            &server,
            "GET",
            "/api/v1/desk/consultations",
            Some(TOKEN),
            &Value::Null,
        );
        if v["items"][0]["purged"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "never purged: {v}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = database_bytes(dir.path());
        let left: Vec<_> = secrets.iter().filter(|s| contains(&now, s)).collect();
        if left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still in the files after the purge: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    stop(server);
    let after = database_bytes(dir.path());
    for s in secrets {
        assert!(
            !contains(&after, s),
            "{s} in the files after the purge and a stop"
        );
    }
}
