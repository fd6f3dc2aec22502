//! No 500s and no panics on input: proptest over messages and over JSON bodies through the
//! whole app; a panicking handler becomes a 500 JSON answer and the app goes on; the rate limit
//! answers 429 with Retry-After; the admin reload; the metrics.

use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, Limits, Token, app, with_layers};
use proptest::prelude::*;
use serde_json::Value;
use tower::ServiceExt;

use crate::support::{copy_dir, dialogue, root};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().expect("a runtime"))
}

/// One app for the property tests, with the per-client limits off (they send thousands of
/// requests, each starting a conversation).
fn unlimited() -> &'static Router {
    static APP: OnceLock<Router> = OnceLock::new();
    APP.get_or_init(|| {
        let mut s = AppState::new(Arc::new(dialogue(SessionLimits::default())));
        s.set_limits(Limits {
            rate_per_second: None,
            new_sessions_per_hour: None,
            unanswered_per_hour: None,
            ..Limits::default()
        });
        app(s)
    })
}

fn send(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    runtime().block_on(async {
        let res = router
            .clone()
            .oneshot(req)
            .await
            .expect("the router answers");
        let (status, headers) = (res.status(), res.headers().clone());
        let body = res
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes()
            .to_vec();
        (status, headers, body)
    })
}

fn post(body: Vec<u8>) -> Request<Body> {
    Request::post("/api/v1/chat")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// Messages built to hurt: arbitrary Unicode, emoji sequences, combining marks, NUL and control
/// characters, mixed-width digits and 漢数字 amounts, and very long strings (past the limit).
fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\u{0}-\\u{1f}\\u{7f}\\u{200b}-\\u{200f}\\u{feff}]{0,40}",
        "(\\PC\\p{M}{1,8}){1,30}",
        "[😀-🙏🏻-🏿\\u{200d}\\u{fe0f}👨‍👩‍👧]{1,40}",
        "[0-9０-９一二三四五六七八九十百千万億円,，.．]{1,30}(円|万円|千円)?の設備",
        "[あ-んア-ン一-龥ｦ-ﾟ]{1,300}",
        (1_990usize..2_100).prop_map(|n| "事".repeat(n)),
        Just("x".repeat(100_000)),
    ]
}

/// JSON bodies of the wrong shape: wrong types, nesting, duplicate keys, huge numbers.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("1e999".to_string()),
        Just("123456789012345678901234567890".to_string()),
        "[a-z\\u{3042}-\\u{3093}]{0,8}".prop_map(|s| format!("{s:?}")),
    ];
    let value = leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z_]{1,10}", inner), 0..4).prop_map(|kv| {
                let fields: Vec<String> = kv.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    });
    prop_oneof![
        value
            .clone()
            .prop_map(|v| format!("{{\"message\":{v}}}").into_bytes()),
        value
            .clone()
            .prop_map(|v| format!("{{\"message\":\"台湾\",\"session_id\":{v}}}").into_bytes()),
        value.prop_map(String::into_bytes),
        Just(b"{\"message\":\"a\",\"message\":\"b\"}".to_vec()),
        prop::collection::vec(any::<u8>(), 0..200),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_message_gets_a_500(m in message()) {
        let body = serde_json::json!({ "message": m }).to_string().into_bytes();
        let (status, _, bytes) = send(unlimited(), post(body));
        prop_assert!(status == StatusCode::OK || status.is_client_error(), "{status}");
        let v: Value = serde_json::from_slice(&bytes).expect("a JSON body");
        if status == StatusCode::OK {
            prop_assert!(v["reply"].is_string());
        } else {
            prop_assert!(v["error"]["code"].is_string());
        }
    }

    #[test]
    fn no_body_gets_a_500(b in body()) {
        let (status, _, bytes) = send(unlimited(), post(b));
        prop_assert!(status == StatusCode::OK || status.is_client_error(), "{status}");
        prop_assert!(serde_json::from_slice::<Value>(&bytes).is_ok());
    }
}

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

#[test]
fn a_panicking_handler_becomes_a_500_json_and_the_app_goes_on() {
    let state = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    let boom: Router<AppState> = Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "fine" }));
    let router = with_layers(boom, &state).with_state(state);
    let (status, _, body) = send(&router, Request::get("/boom").body(Body::empty()).unwrap());
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "internal_error");
    assert!(
        !String::from_utf8_lossy(&body).contains("a bug in a handler"),
        "internals are not sent"
    );
    let (status, _, _) = send(&router, Request::get("/fine").body(Body::empty()).unwrap());
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn the_rate_limit_answers_429_with_retry_after() {
    let mut s = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    s.set_limits(Limits {
        rate_per_second: NonZeroU32::new(1),
        rate_burst: NonZeroU32::new(3).unwrap(),
        ..Limits::default()
    });
    let router = app(s);
    let programs = || {
        Request::get("/api/v1/programs")
            .body(Body::empty())
            .unwrap()
    };
    let statuses: Vec<StatusCode> = (0..5).map(|_| send(&router, programs()).0).collect();
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    let (status, headers, body) = send(&router, programs());
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert!(String::from_utf8_lossy(&body).contains("\"rate_limited\""));
    // Health and metrics stay outside the limits: a monitor sees a busy server, not a dead one.
    for path in ["/healthz", "/metrics"] {
        let (status, _, _) = send(&router, Request::get(path).body(Body::empty()).unwrap());
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[test]
fn the_admin_reload_needs_its_token_and_refuses_a_broken_corpus() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), dir.path());
    let mut s = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    s.corpus_dir = dir.path().into();
    let disabled = app(s.clone());
    let reload = |token: Option<&str>| {
        let mut r = Request::post("/api/v1/admin/reload");
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        r.body(Body::empty()).unwrap()
    };
    assert_eq!(
        send(&disabled, reload(Some("whatever-token"))).0,
        StatusCode::NOT_FOUND
    );

    s.admin_token = Some(Token::new("admin-token-for-tests"));
    let router = app(s);
    assert_eq!(send(&router, reload(None)).0, StatusCode::UNAUTHORIZED);
    let (status, _, body) = send(&router, reload(Some("admin-token-for-tests")));
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["programs"], 29);

    let f = dir.path().join("programs/taiwan-koryu.toml");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replacen("kind = \"", "kind = \"x", 1)).unwrap();
    let (status, _, body) = send(&router, reload(Some("admin-token-for-tests")));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("corpus_invalid") && body.contains("taiwan-koryu.toml"),
        "{body}"
    );
    let (status, _, _) = send(
        &router,
        Request::get("/api/v1/programs/taiwan-koryu")
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "the old corpus serves on");
}

#[test]
fn metrics_count_requests_outcomes_and_sessions() {
    let s = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    let router = app(s);
    for m in ["台湾の見本市に出たい", "今日の天気は？", "災害で店が壊れた"]
    {
        let body = serde_json::json!({ "message": m }).to_string().into_bytes();
        assert_eq!(send(&router, post(body)).0, StatusCode::OK);
    }
    let (status, headers, body) = send(
        &router,
        Request::get("/metrics").body(Body::empty()).unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("openmetrics")
    );
    let text = String::from_utf8_lossy(&body);
    for needle in [
        "madoguchi_http_requests_total{route=\"/api/v1/chat\",status=\"200\"} 3",
        "madoguchi_http_request_duration_seconds_bucket",
        "madoguchi_chat_outcomes_total{outcome=\"no_match\"} 1",
        "madoguchi_chat_outcomes_total{outcome=\"clarify\"} 1",
        "madoguchi_active_sessions 3",
        "madoguchi_corpus_info{source=\"kumamoto-r7-shoko\",sha256=\"d146b9d3",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let (_, headers, _) = send(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    );
    assert!(
        headers.contains_key("x-request-id"),
        "every response carries a request id"
    );
}
