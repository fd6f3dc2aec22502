//! The real server on 127.0.0.1:0, spoken to over TCP: what `serve` runs is what answers.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, app};

use crate::support::dialogue;

#[test]
fn the_server_answers_over_tcp() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    rt.spawn(async move { axum::serve(listener, app(state)).await });

    let body = r#"{"message":"後継ぎとして研修を受けたいので受講料の補助を知りたい"}"#;
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/v1/chat HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json = response.split("\r\n\r\n").nth(1).expect("a body");
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(v["programs"][0]["id"], "shokei-atotsugi.seicho", "{v}");
}
