//! The limits in-process, each client told apart by the peer address a server would give it:
//! the global slots shed load (503) and a slow handler times out (503), wrong tokens earn a
//! wait that other clients do not share, request ids are kept only in a safe shape, and the
//! budgets per client for starting conversations and for the unanswered log. The same limits
//! against the real binary over TCP are in `hostile.rs`.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, Limits, Token, app, with_layers};
use serde_json::Value;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::support::{Report, dialogue};

const TOKEN: &str = "desk-token-for-limit-tests";

fn state(limits: Limits) -> AppState {
    let mut s = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    s.desk_token = Some(Token::new(TOKEN));
    s.set_limits(limits);
    s
}

/// A request as if from `ip`, the way the server's accept loop marks it.
fn from(ip: [u8; 4], mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    req
}

fn get_req(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn chat(message: &str, session: Option<&str>) -> Request<Body> {
    let mut body = serde_json::json!({ "message": message });
    if let Some(s) = session {
        body["session_id"] = serde_json::json!(s);
    }
    Request::post("/api/v1/chat")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn desk(token: &str) -> Request<Body> {
    Request::get("/api/v1/desk/unanswered")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, v)
}

#[tokio::test]
async fn over_the_global_slots_requests_are_shed_with_503() {
    let s = state(Limits {
        max_concurrency: 1,
        ..Limits::default()
    });
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (e, r) = (entered.clone(), release.clone());
    let hold = Router::new().route(
        "/hold",
        get(move || {
            let (e, r) = (e.clone(), r.clone());
            async move {
                e.notify_one();
                r.notified().await;
                "done"
            }
        }),
    );
    let router = with_layers(hold, &s).with_state(s);
    let first = tokio::spawn(
        router
            .clone()
            .oneshot(from([192, 0, 2, 1], get_req("/hold"))),
    );
    entered.notified().await;
    let (status, headers, v) = send(&router, from([192, 0, 2, 2], get_req("/hold"))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["error"]["code"], "overloaded");
    assert_eq!(headers[header::RETRY_AFTER], "1");
    let (status, _, _) = send(&router, from([192, 0, 2, 2], get_req("/healthz"))).await;
    assert_eq!(status, StatusCode::OK, "health is outside the slots");
    release.notify_one();
    let held = first.await.unwrap().unwrap();
    assert_eq!(held.status(), StatusCode::OK, "the held request completes");
}

#[tokio::test(start_paused = true)]
async fn a_handler_slower_than_the_request_timeout_gets_503() {
    let s = state(Limits {
        request_timeout: Duration::from_secs(2),
        ..Limits::default()
    });
    let slow = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "late"
        }),
    );
    let router = with_layers(slow, &s).with_state(s);
    let (status, headers, v) = send(&router, get_req("/slow")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["error"]["code"], "timeout");
    assert!(headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn wrong_tokens_earn_a_wait_that_other_clients_do_not_share() {
    let (db, _dir) = crate::support::sqlite().await;
    let mut s = crate::support::state_with(&db, SessionLimits::default());
    s.desk_token = Some(Token::new(TOKEN));
    let router = app(s);
    let (guesser, staff) = ([198, 51, 100, 7], [198, 51, 100, 8]);
    for i in 0..5 {
        let (status, headers, v) = send(&router, from(guesser, desk(&format!("guess-{i}")))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {i}: {v}");
        let challenge = headers[header::WWW_AUTHENTICATE].to_str().unwrap();
        assert!(
            challenge.starts_with("Bearer ") && challenge.contains("invalid_token"),
            "{challenge}"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
    // Even the right token is not checked while the guesser waits.
    let (status, headers, v) = send(&router, from(guesser, desk(TOKEN))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "too_many_failures");
    assert!(headers.contains_key(header::RETRY_AFTER));
    let (status, _, v) = send(&router, from(staff, desk(TOKEN))).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another client is not affected: {v}"
    );
    // No token at all is not a guess: 401 with a plain challenge.
    let (status, headers, _) = send(&router, from(staff, get_req("/api/v1/desk/unanswered"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers[header::WWW_AUTHENTICATE],
        "Bearer realm=\"madoguchi desk\""
    );
}

#[tokio::test]
async fn request_ids_are_kept_only_in_a_safe_shape() {
    let router = app(state(Limits::default()));
    let mut report = Report::default();
    for (sent, kept) in [
        ("3f2b8c1e-9d4a-4e2b-8f1a-2c3d4e5f6a7b", true),
        ("0af7651916cd43dd8448eb211c80319c", true),
        ("a b", false),
        ("\"><script>alert(1)</script>", false),
        ("x=1; level=error msg=forged", false),
        (&"7".repeat(65), false),
    ] {
        let req = Request::get("/healthz")
            .header("x-request-id", sent)
            .body(Body::empty())
            .unwrap();
        let (_, headers, _) = send(&router, req).await;
        let got = headers["x-request-id"].to_str().unwrap_or("").to_string();
        let ok = if kept {
            got == sent
        } else {
            got != sent && got.len() == 36
        };
        report.check(
            ok,
            sent,
            if kept {
                "kept as sent"
            } else {
                "replaced by a UUID"
            },
            &got,
            "see headers::acceptable",
        );
    }
    report.finish("request ids");
}

#[tokio::test]
async fn one_client_cannot_start_conversations_without_end() {
    // 18 an hour: three at once, then one every 200 s.
    let router = app(state(Limits {
        new_sessions_per_hour: NonZeroU32::new(18),
        ..Limits::default()
    }));
    let (a, b) = ([203, 0, 113, 1], [203, 0, 113, 2]);
    let mut first = None;
    for i in 0..3 {
        let (status, _, v) = send(&router, from(a, chat("台湾に焼酎を輸出したい", None))).await;
        assert_eq!(status, StatusCode::OK, "conversation {i}: {v}");
        first.get_or_insert(v["session_id"].as_str().unwrap().to_string());
    }
    let (status, headers, v) = send(&router, from(a, chat("台湾に焼酎を輸出したい", None))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "too_many_sessions");
    assert!(headers.contains_key(header::RETRY_AFTER));
    // A made-up session id would start one too.
    let (status, _, _) = send(&router, from(a, chat("補助率は？", Some("made-up-id")))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A conversation already going goes on, and other clients start theirs.
    let (status, _, v) = send(&router, from(a, chat("補助率は？", first.as_deref()))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["session"]["status"], "continued");
    let (status, _, _) = send(&router, from(b, chat("台湾に焼酎を輸出したい", None))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn one_client_cannot_fill_the_unanswered_log() {
    // 30 an hour: five at once.
    let (db, _dir) = crate::support::sqlite().await;
    let mut s = crate::support::state_with(&db, SessionLimits::default());
    s.desk_token = Some(Token::new(TOKEN));
    s.set_limits(Limits {
        unanswered_per_hour: NonZeroU32::new(30),
        new_sessions_per_hour: None,
        ..Limits::default()
    });
    let router = app(s);
    let (flooder, person) = ([203, 0, 113, 50], [203, 0, 113, 51]);
    for i in 0..12 {
        let (status, _, v) = send(
            &router,
            from(flooder, chat(&format!("今日の天気は？その{i}"), None)),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "answered though not logged: {v}");
        assert_eq!(v["no_match"], true, "{v}");
    }
    send(&router, from(person, chat("犬の散歩コースを教えて", None))).await;
    db.journal()
        .flush(std::time::Duration::from_secs(5))
        .await
        .expect("the journal is written");
    let (status, _, v) = send(&router, from(person, desk(TOKEN))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let questions: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions
            .iter()
            .filter(|q| q.starts_with("今日の天気"))
            .count(),
        5,
        "{questions:?}"
    );
    assert!(
        questions.contains(&"犬の散歩コースを教えて"),
        "{questions:?}"
    );
}
