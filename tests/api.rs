//! The HTTP API in-process through `http::app(state)` with `oneshot`: the response shapes, every
//! client-error status, session continuity, expiry and start-over.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use madoguchi::dialogue::SessionLimits;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::app_with;

pub(crate) async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.expect("the router answers");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("a body").to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        panic!(
            "a JSON body for {status}: {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, value)
}

fn post_json(body: impl Into<Body>) -> Request<Body> {
    Request::post("/api/v1/chat")
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

pub(crate) fn chat(message: &str, session: Option<&str>) -> Request<Body> {
    let mut body = json!({ "message": message });
    if let Some(s) = session {
        body["session_id"] = json!(s);
    }
    post_json(body.to_string())
}

fn app() -> axum::Router {
    app_with(SessionLimits::default())
}

#[tokio::test]
async fn chat_answer_has_the_contract_shape() {
    let (status, v) = call(
        &app(),
        chat(
            "台湾に県産の焼酎を売り込みたい。見本市や商談会はある？",
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["session_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(v["reply"].as_str().is_some_and(|s| s.contains("令和7年度")));
    assert_eq!(v["no_match"], false);
    assert_eq!(v["as_of"], "令和7年度");
    let programs = v["programs"].as_array().expect("programs");
    assert!(
        programs[0]["id"].as_str().unwrap().starts_with("taiwan-"),
        "{v}"
    );
    for p in programs {
        assert!(p["name"].is_string() && p["score"].is_number());
        for q in p["quotes"].as_array().unwrap() {
            assert!(q["label"].is_string() && q["text"].is_string());
            assert!(q["page"].is_u64() && q["line"].is_u64());
        }
    }
    assert!(v["follow_up"].is_null() || v["follow_up"]["options"].is_array());
}

#[tokio::test]
async fn client_errors_are_json_with_the_right_status() {
    let app = app();
    let long = "あ".repeat(madoguchi::http::MAX_MESSAGE_CHARS + 1);
    let huge = json!({ "message": "x".repeat(madoguchi::http::MAX_BODY_BYTES) }).to_string();
    let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            post_json("{\"message\": "),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "wrong content type",
            Request::post("/api/v1/chat")
                .header("content-type", "text/plain")
                .body(Body::from("{\"message\":\"a\"}"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "missing message",
            post_json("{}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "message of the wrong type",
            post_json("{\"message\": 3}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "empty message",
            chat("   ", None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_message",
        ),
        (
            "message too long",
            chat(&long, None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "message_too_long",
        ),
        (
            "body too large",
            post_json(huge),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            "unknown route",
            Request::get("/api/v1/nothing").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "unknown program",
            Request::get("/api/v1/programs/nope")
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "wrong method",
            Request::builder()
                .method(Method::GET)
                .uri("/api/v1/chat")
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (what, req, want, code) in cases {
        let (status, v) = call(&app, req).await;
        assert_eq!(status, want, "{what}: {v}");
        assert_eq!(v["error"]["code"], code, "{what}: {v}");
        let (ja, en) = (
            v["error"]["message_ja"].as_str().unwrap(),
            v["error"]["message_en"].as_str().unwrap(),
        );
        assert!(
            !ja.is_empty() && !en.is_empty() && ja != en,
            "{what}: both languages: {v}"
        );
    }
}

#[tokio::test]
async fn a_session_carries_facts_across_requests() {
    let app = app();
    let (_, first) = call(&app, chat("台風ではなく災害で店の建物が被害を受けた", None)).await;
    assert_eq!(first["follow_up"]["slot"], "disaster", "{first}");
    let sid = first["session_id"].as_str().unwrap().to_string();
    let (_, second) = call(&app, chat("令和2年7月豪雨", Some(&sid))).await;
    assert_eq!(second["session_id"], sid.as_str());
    assert_eq!(second["session"]["status"], "continued");
    let ids: Vec<&str> = second["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"nariwai-saiken") && !ids.contains(&"fukko-shien-tanken"),
        "{ids:?}"
    );
}

#[tokio::test]
async fn an_expired_or_unknown_session_starts_over_and_says_so() {
    let app = app_with(SessionLimits {
        idle: Duration::from_millis(50),
        ..SessionLimits::default()
    });
    let (_, first) = call(&app, chat("熊本地震で被災した", None)).await;
    let sid = first["session_id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (status, v) = call(&app, chat("補助率は？", Some(&sid))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["session"]["status"], "expired", "{v}");
    assert_eq!(v["session"]["started_over"], true);
    assert_ne!(v["session_id"], sid.as_str());
    let (_, u) = call(&app, chat("事業承継の相談", Some("no-such-session"))).await;
    assert_eq!(u["session"]["status"], "unknown");
}

#[tokio::test]
async fn reset_starts_over_in_the_same_session() {
    let app = app();
    let (_, first) = call(&app, chat("熊本地震で工場が壊れた", None)).await;
    let sid = first["session_id"].as_str().unwrap().to_string();
    let (_, reset) = call(&app, chat("最初から", Some(&sid))).await;
    assert_eq!(reset["follow_up"]["slot"], "theme", "{reset}");
    assert_eq!(reset["programs"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn programs_health_and_openapi() {
    let app = app();
    let (s, list) = call(
        &app,
        Request::get("/api/v1/programs")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 29);
    let (s, one) = call(
        &app,
        Request::get("/api/v1/programs/shokei-atotsugi")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["menus"].as_array().unwrap().len(), 3);
    assert!(
        !one["quotes"].as_array().unwrap().is_empty()
            && !one["contacts"].as_array().unwrap().is_empty()
    );
    let (s, h) = call(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(
        (s, &h["status"], &h["programs"]),
        (StatusCode::OK, &json!("ok"), &json!(29))
    );
    let (s, doc) = call(
        &app,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/chat"]["post"].is_object());
    assert!(doc["components"]["schemas"]["ChatResponse"].is_object());
}
