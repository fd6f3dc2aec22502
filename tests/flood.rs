//! Conversations in progress survive a flood of new ones, in memory and in Redis: with a small
//! `--max-sessions`, a few real conversations under way and several loopback addresses starting
//! new ones, the flood gets 503 `too_many_conversations` with `Retry-After` once the store is
//! full, nobody in progress is pushed out (each continues with `session.status` "continued"),
//! and `/metrics` counts the refusals. The per-address budget still answers 429 first.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

use crate::faults::{Server, request};
use crate::hostile::{connect, metric, read_all};
use crate::redis::{Redis, free_port, redis_available, wait_health};
use crate::support::root;

/// One chat message sent from the loopback address `from`: (status, head, body as JSON).
fn chat_from(
    from: [u8; 4],
    to: SocketAddr,
    message: &str,
    session: Option<&str>,
) -> (u16, String, Value) {
    let body = match session {
        Some(s) => serde_json::json!({ "message": message, "session_id": s }),
        None => serde_json::json!({ "message": message }),
    }
    .to_string();
    let mut s = connect(from, to);
    write!(
        s,
        "POST /api/v1/chat HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (status, text) = read_all(s, Duration::from_secs(10));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        status,
        head.to_ascii_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Three conversations in progress, then four addresses start five new ones each, against a
/// store of eight: five are admitted, fifteen refused, and the three continue.
fn flood_leaves_conversations_in_progress(server: &Server) {
    let to = server.addr;
    let real: Vec<String> = (0..3u8)
        .map(|i| {
            let (status, _, v) =
                chat_from([127, 0, 0, 31 + i], to, "災害で店の建物が壊れました", None);
            assert_eq!(status, 200, "{v}");
            v["session_id"].as_str().unwrap().to_string()
        })
        .collect();
    let (mut admitted, mut refused) = (0, 0);
    for a in 0..4u8 {
        for _ in 0..5 {
            let (status, head, v) =
                chat_from([127, 0, 0, 41 + a], to, "台湾に焼酎を輸出したい", None);
            match status {
                200 => admitted += 1,
                503 => {
                    refused += 1;
                    assert_eq!(v["error"]["code"], "too_many_conversations", "{v}");
                    assert!(
                        v["error"]["message_ja"].is_string()
                            && v["error"]["message_en"].is_string(),
                        "{v}"
                    );
                    let wait: u64 = head
                        .lines()
                        .find_map(|l| l.strip_prefix("retry-after:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or_else(|| panic!("a 503 without Retry-After:\n{head}"));
                    assert!(
                        (1..=600).contains(&wait),
                        "Retry-After is within the active window: {wait}"
                    );
                }
                other => panic!("a new conversation answered {other}: {v}"),
            }
        }
    }
    assert_eq!(
        (admitted, refused),
        (5, 15),
        "a store of 8 with 3 in progress"
    );
    for (i, sid) in real.iter().enumerate() {
        let (status, _, v) = chat_from([127, 0, 0, 31 + i as u8], to, "令和2年7月豪雨", Some(sid));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["session"]["status"], "continued", "conversation {i}: {v}");
        assert_eq!(v["session_id"], sid.as_str());
    }
    let (_, metrics) = request(to, "GET", "/metrics", "");
    assert_eq!(
        metric(
            &metrics,
            "madoguchi_conversations_refused_total{reason=\"too_many_conversations\"}"
        ),
        15.0,
        "{metrics}"
    );
}

#[test]
fn a_flood_of_new_conversations_pushes_out_none_in_progress() {
    let server = Server::start(
        &root().join("corpus"),
        &["--max-sessions", "8", "--rate-per-second", "0"],
    );
    flood_leaves_conversations_in_progress(&server);
    // The per-address budget stays: one address is refused 429 after its burst (20), before
    // the store is asked.
    let statuses: Vec<u16> = (0..21)
        .map(|_| chat_from([127, 0, 0, 60], server.addr, "事業承継の相談", None).0)
        .collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses[..20].iter().all(|&s| s == 503), "{statuses:?}");
}

#[test]
fn a_flood_pushes_out_none_in_progress_in_redis_either() {
    if !redis_available() {
        return;
    }
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let _redis = Redis::start(port);
    let server = Server::start(
        &root().join("corpus"),
        &[
            "--sessions",
            &url,
            "--max-sessions",
            "8",
            "--rate-per-second",
            "0",
        ],
    );
    wait_health(&server, "ok");
    flood_leaves_conversations_in_progress(&server);
}
