//! Faults against the real binary on a loopback port: graceful shutdown drains a request in
//! flight, and SIGHUP reloads the corpus (and refuses a broken one, the old corpus serving on).
//! Load shedding and the request timeout are in `limits.rs` (a held or slow handler
//! in-process: over TCP a slow body no longer holds a global slot), stalled connections in
//! `hostile.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{copy_dir, root};

/// A `madoguchi serve` process on 127.0.0.1:0, killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    log: mpsc::Receiver<String>,
    /// What it logged before it listened (start-up warnings).
    pub(crate) startup_log: Vec<String>,
    /// Where its database lives unless the test gave `--database` (removed when dropped).
    _data: tempfile::TempDir,
}

impl Server {
    pub(crate) fn start(corpus: &Path, extra: &[&str]) -> Server {
        Self::start_with_env(corpus, extra, &[])
    }

    /// Like `start`, with extra environment variables.
    /// The database is a SQLite file in a directory of its own unless `extra` names one.
    pub(crate) fn start_with_env(corpus: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let data = tempfile::tempdir().expect("a temporary directory");
        let mut child = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .env(
                "MADOGUCHI_DATABASE",
                format!("sqlite://{}/m.sqlite3", data.path().display()),
            )
            .envs(env.iter().copied())
            .env("MADOGUCHI_CORPUS", corpus)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut startup_log = Vec::new();
        let addr = loop {
            let line = log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the server logs where it listens");
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let addr = rest.split_whitespace().next().unwrap();
                break addr.parse().unwrap();
            }
            startup_log.push(line);
        };
        Server {
            child,
            addr,
            log,
            startup_log,
            _data: data,
        }
    }

    pub(crate) fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill {sig}");
    }

    /// Waits for a log line containing `needle`.
    pub(crate) fn wait_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let line = self
                .log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no log line with {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request; returns (status, headers and body as text).
pub(crate) fn request(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    request_with(addr, method, path, &[], body)
}

/// [`request`] with extra headers.
pub(crate) fn request_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let extra: String = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    read_response(s)
}

fn read_response(mut s: TcpStream) -> (u16, String) {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out)
}

/// Starts a chat request but sends only half its body, so it stays in flight.
fn half_request(addr: SocketAddr) -> (TcpStream, &'static str) {
    let body = r#"{"message":"台湾に日本酒を輸出したい"}"#;
    let mut s = TcpStream::connect(addr).unwrap();
    // Everything up to the first character of the message: a char boundary, mid-body.
    let half = body.find('台').unwrap_or(body.len() / 2);
    write!(
        s,
        "POST /api/v1/chat HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..half]
    )
    .unwrap();
    s.flush().unwrap();
    (s, &body[half..])
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let mut server = Server::start(&root().join("corpus"), &[]);
    let (mut s, rest) = half_request(server.addr);
    std::thread::sleep(Duration::from_millis(200));
    server.signal("-TERM");
    server.wait_log("shutting down");
    std::thread::sleep(Duration::from_millis(200));
    s.write_all(rest.as_bytes()).unwrap();
    let (status, text) = read_response(s);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("taiwan-"), "{text}");
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "a clean exit after draining: {exit:?}");
}

#[test]
fn sighup_reloads_the_corpus_and_refuses_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), dir.path());
    let server = Server::start(dir.path(), &[]);
    let record = dir.path().join("programs/shokei-atotsugi.oen.toml");
    let purpose = |addr| request(addr, "GET", "/api/v1/programs/shokei-atotsugi.oen", "").1;

    let text = std::fs::read_to_string(&record).unwrap();
    let edited = text.replacen("purpose = \"", "purpose = \"（再読み込みテスト）", 1);
    std::fs::write(&record, &edited).unwrap();
    server.signal("-HUP");
    server.wait_log("corpus reloaded");
    assert!(purpose(server.addr).contains("（再読み込みテスト）"));

    std::fs::write(&record, edited.replacen("line = 471", "line = 472", 1)).unwrap();
    server.signal("-HUP");
    server.wait_log("reload refused");
    // The loader's message, naming the file, follows in the same log record.
    server.wait_log("shokei-atotsugi.oen.toml");
    assert!(
        purpose(server.addr).contains("（再読み込みテスト）"),
        "the old corpus serves on"
    );
    let (status, _) = request(
        server.addr,
        "POST",
        "/api/v1/chat",
        r#"{"message":"後継ぎの研修"}"#,
    );
    assert_eq!(status, 200);
}
