//! The browser-facing side of the API without a browser: assets and their content types, the
//! help-desk token (disabled, 401, 200), the unanswered-questions log, and the CORS allow-list.
//! The real-browser test is `.ci/browser-test.py`, run by `.ci/run`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, Token, app};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::dialogue;

const TOKEN: &str = "desk-token-for-tests";

fn state(limits: SessionLimits) -> AppState {
    let mut s = AppState::new(Arc::new(dialogue(limits)));
    s.desk_token = Some(Token::new(TOKEN));
    s.allow_origins = vec!["https://shokokai.example.jp".to_string()].into();
    s
}

async fn send(
    router: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn chat(message: &str, session: Option<&str>) -> Request<Body> {
    let body = match session {
        Some(s) => serde_json::json!({ "message": message, "session_id": s }),
        None => serde_json::json!({ "message": message }),
    };
    Request::post("/api/v1/chat")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn assets_are_served_with_their_content_types() {
    let r = app(state(SessionLimits::default()));
    for (path, ty) in [
        ("/widget.js", "application/javascript"),
        ("/demo", "text/html"),
        ("/desk", "text/html"),
        ("/desk.js", "application/javascript"),
        ("/desk.css", "text/css"),
    ] {
        let (status, headers, body) = send(&r, get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(ty),
            "{path}"
        );
        assert!(!body.is_empty(), "{path}");
    }
    let (_, _, demo) = send(&r, get("/demo")).await;
    assert!(demo.contains("/widget.js"), "the demo embeds the widget");
}

#[tokio::test]
async fn the_desk_needs_its_token_and_is_off_without_one() {
    let off = app(AppState::new(Arc::new(dialogue(SessionLimits::default()))));
    assert_eq!(send(&off, get("/desk")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&off, get("/api/v1/desk/unanswered")).await.0,
        StatusCode::NOT_FOUND
    );

    let on = app(state(SessionLimits::default()));
    assert_eq!(
        send(&on, get("/api/v1/desk/unanswered")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let wrong = Request::get("/api/v1/desk/unanswered")
        .header(header::AUTHORIZATION, "Bearer not-the-token")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&on, wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("\"unauthorized\""), "{body}");
}

#[tokio::test]
async fn unanswered_questions_are_logged_without_session_ids() {
    let (db, _dir) = crate::support::sqlite().await;
    let mut s = crate::support::state_with(
        &db,
        SessionLimits {
            idle: Duration::from_millis(50),
            ..SessionLimits::default()
        },
    );
    s.desk_token = Some(Token::new(TOKEN));
    let r = app(s);
    send(&r, chat("犬の散歩コースを教えて", None)).await;
    send(&r, chat("犬の散歩コースを教えて", None)).await;
    // A clarifying question left unanswered until the session expires is "abandoned".
    let (_, _, first) = send(&r, chat("災害で店が壊れました", None)).await;
    let first: Value = serde_json::from_str(&first).unwrap();
    assert!(first["follow_up"].is_object(), "{first}");
    let sid = first["session_id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(120)).await;
    send(&r, chat("台湾に輸出したい", None)).await; // a put sweeps the idle session
    db.journal()
        .flush(Duration::from_secs(5))
        .await
        .expect("the journal is written");

    let req = Request::get("/api/v1/desk/unanswered")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&r, req).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["reason"] == "no_match"
            && i["count"] == 2
            && i["question"] == "犬の散歩コースを教えて"),
        "{v}"
    );
    assert!(
        items
            .iter()
            .any(|i| i["reason"] == "abandoned" && i["question"] == "災害で店が壊れました"),
        "{v}"
    );
    assert!(!body.contains(&sid), "no session ids in the log");
}

#[tokio::test]
async fn cors_allows_only_the_listed_origins() {
    let r = app(state(SessionLimits::default()));
    let preflight = |origin: &str| {
        Request::options("/api/v1/chat")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let (_, h, _) = send(&r, preflight("https://shokokai.example.jp")).await;
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://shokokai.example.jp"
    );
    let (_, h, _) = send(&r, preflight("https://evil.example.com")).await;
    assert!(h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}
