//! Every error the server shapes is JSON, against the real binary: `/mcp` refuses a foreign
//! `Host` and a foreign `Origin` with 403 and the JSON error body (no `Origin`, as MCP clients
//! that are not browsers send, is fine), the MCP library's own plain-text errors come back as
//! JSON, and so do the answers hyper writes by itself for a head it cannot parse: a head over
//! 16 KiB or with over 100 headers (431), a duplicate or conflicting `Content-Length`, a
//! malformed request line or header (400). Answers on a kept-alive connection before them are
//! untouched.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

use crate::faults::Server;
use crate::support::{Report, root};

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#;

/// Sends `raw` as it is; everything answered, read to the close.
fn raw_text(to: SocketAddr, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(to).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(raw);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends `raw` as it is; (status, head in lower case, body) of the answer.
fn raw(to: SocketAddr, raw: &[u8]) -> (u16, String, String) {
    let text = raw_text(to, raw);
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// The JSON error code of an answer's body, if it is the API's error body.
fn code(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let e = &v["error"];
    (e["message_ja"].is_string() && e["message_en"].is_string() && e["message"].is_string())
        .then(|| e["code"].as_str().map(String::from))
        .flatten()
}

/// An MCP `initialize` with this `Host` and `Origin`; (status, body).
fn mcp(server: &Server, host: &str, origin: Option<&str>, method: &str) -> (u16, String) {
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    let request = format!(
        "{method} /mcp HTTP/1.1\r\nHost: {host}\r\n{origin}Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{INITIALIZE}",
        INITIALIZE.len()
    );
    let (status, _, body) = raw(server.addr, request.as_bytes());
    (status, body)
}

#[test]
fn mcp_refuses_a_foreign_host_or_origin_with_json() {
    let server = Server::start(
        &root().join("corpus"),
        &["--allow-origin", "https://shokokai.example.jp"],
    );
    let here = format!("127.0.0.1:{}", server.addr.port());
    let mut report = Report::default();
    // (Host, Origin, method, status, error code)
    type Case<'a> = (&'a str, Option<&'a str>, &'a str, u16, Option<&'a str>);
    let cases: &[Case<'_>] = &[
        (&here, None, "POST", 200, None),
        (
            "localhost",
            Some("http://localhost:5173"),
            "POST",
            200,
            None,
        ),
        (
            &here,
            Some("https://shokokai.example.jp"),
            "POST",
            200,
            None,
        ),
        (
            &here,
            Some("https://evil.example"),
            "POST",
            403,
            Some("origin_not_allowed"),
        ),
        (&here, Some("null"), "POST", 403, Some("origin_not_allowed")),
        (
            &here,
            Some("http://localhost.evil.example"),
            "POST",
            403,
            Some("origin_not_allowed"),
        ),
        ("evil.example", None, "POST", 403, Some("host_not_allowed")),
        (
            "evil.example",
            Some("https://evil.example"),
            "POST",
            403,
            Some("host_not_allowed"),
        ),
        // The MCP library's own answers, in JSON too.
        (&here, None, "GET", 405, Some("method_not_allowed")),
    ];
    for (host, origin, method, want, want_code) in cases {
        let (status, body) = mcp(&server, host, *origin, method);
        let got = code(&body);
        report.check(
            status == *want && got.as_deref() == *want_code,
            &format!("{method} /mcp Host {host} Origin {origin:?}"),
            &format!("{want} {want_code:?}"),
            &format!("{status} {got:?}: {body}"),
            "see http::transport::mcp_edge",
        );
    }
    report.finish("/mcp Host and Origin");
}

#[test]
fn hypers_own_answers_are_json() {
    let server = Server::start(&root().join("corpus"), &[]);
    let to = server.addr;
    // Heads just over 16 KiB: the server reads them whole before refusing, so that closing
    // the connection does not reset it under the answer (a far larger head can lose its
    // answer that way; see README).
    let big = "x".repeat(17 * 1024);
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "a 17 KiB header",
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n").into_bytes(),
            431,
            "headers_too_large",
        ),
        (
            "a 17 KiB URI",
            format!("GET /{big} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes(),
            431,
            "headers_too_large",
        ),
        (
            "150 headers",
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n").into_bytes(),
            431,
            "headers_too_large",
        ),
        (
            "two different Content-Lengths",
            b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{\"a\":1}".to_vec(),
            400,
            "bad_request",
        ),
        (
            "a Content-Length that is not a number",
            b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (
            "a malformed request line",
            b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (
            "a header without a colon",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
    ];
    let mut report = Report::default();
    for (what, bytes, want, want_code) in &cases {
        let (status, head, body) = raw(to, bytes);
        let got = code(&body);
        report.check(
            status == *want
                && got.as_deref() == Some(*want_code)
                && head.contains("content-type: application/json")
                && head.contains(&format!("content-length: {}", body.len())),
            what,
            &format!("{want} {want_code} as JSON"),
            &format!("{status} {got:?}\n{head}\n\n{body}"),
            "see http::transport::own_answers",
        );
    }
    report.finish("hyper's own answers");

    // On one kept-alive connection: an answer to HEAD (a length, no body), a sized answer,
    // then a head hyper refuses: ours arrive whole, then the JSON 400.
    let all = raw_text(
        to,
        b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/programs HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    );
    let starts: Vec<usize> = all.match_indices("HTTP/1.1 ").map(|(i, _)| i).collect();
    assert_eq!(starts.len(), 3, "{all}");
    let answer = |k: usize| &all[starts[k]..starts.get(k + 1).copied().unwrap_or(all.len())];
    let body = |k: usize| answer(k).split_once("\r\n\r\n").map_or("", |(_, b)| b);
    assert!(
        answer(0).starts_with("HTTP/1.1 200 ") && body(0).is_empty(),
        "{all}"
    );
    assert!(answer(1).starts_with("HTTP/1.1 200 "), "{all}");
    let list: Value = serde_json::from_str(body(1)).expect("the programs' list arrives whole");
    assert!(list.as_array().is_some_and(|a| !a.is_empty()));
    assert!(answer(2).starts_with("HTTP/1.1 400 "), "{all}");
    assert_eq!(code(body(2)).as_deref(), Some("bad_request"), "{all}");
}
