//! The LINE channel against a fake Messaging API on loopback, started by each test and recording
//! every reply call: a signed event is answered once with the channel's Bearer token and the
//! event's reply token; the next message continues the conversation; a missing or bad signature
//! is refused and nothing is sent; a redelivered event is not answered twice; replies keep
//! LINE's limits; a failed reply is counted, not retried; each user has a budget; the handoff
//! from LINE creates a consultation request the desk sees; and `serve` enables it all from its
//! flags.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use madoguchi::database::Database;
use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, Metrics, Token};
use madoguchi::line::{
    Line, LineConfig, MAX_CHARS, MAX_LABEL_CHARS, MAX_MESSAGES, MAX_QUICK_REPLIES, UserBudgets,
    UserLimits,
};
use serde_json::{Value, json};
use sha2::Sha256;
use tower::ServiceExt;

use crate::support::{dialogue, root, sqlite};

const SECRET: &str = "line-channel-secret-for-tests";
const ACCESS_TOKEN: &str = "line-access-token-for-tests";
const DESK_TOKEN: &str = "desk-token-for-line-tests";

/// One reply call as the fake API received it.
#[derive(Debug, Clone)]
struct Call {
    authorization: String,
    body: Value,
}

/// The fake Messaging API: records every call, answers `status`.
#[derive(Clone)]
struct Fake {
    base: String,
    calls: Arc<Mutex<Vec<Call>>>,
}

async fn fake_line(status: StatusCode) -> Fake {
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let recorded = calls.clone();
    let app = axum::Router::new()
        .route(
            "/v2/bot/message/reply",
            post(
                move |State(calls): State<Arc<Mutex<Vec<Call>>>>,
                      headers: HeaderMap,
                      body: axum::body::Bytes| async move {
                    calls.lock().unwrap().push(Call {
                        authorization: headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string(),
                        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                    });
                    (status, "{}")
                },
            ),
        )
        .with_state(recorded);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Fake { base, calls }
}

impl Fake {
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits until `n` calls have arrived (at most 10 s), then a little longer to see that no
    /// more come.
    async fn wait_for(&self, n: usize) -> Vec<Call> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.calls().len() < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let calls = self.calls();
        assert_eq!(calls.len(), n, "reply calls: {calls:#?}");
        calls
    }
}

/// The app with the LINE channel pointed at `fake`, a desk database and the desk token.
fn app(fake: &Fake, db: Option<&Database>, budgets: UserBudgets) -> (axum::Router, AppState) {
    let mut d = dialogue(SessionLimits::default());
    if let Some(db) = db {
        d = d.with_recorder(Arc::new(db.clone()));
    }
    let d = Arc::new(d);
    let config = LineConfig {
        channel_secret: SECRET.as_bytes().to_vec(),
        access_token: ACCESS_TOKEN.to_string(),
        api_base: fake.base.clone(),
    };
    let line = Line::new(config, d.clone(), db.cloned(), 90)
        .expect("the channel")
        .with_budgets(budgets);
    let mut state = AppState::new(d);
    state.database = db.cloned();
    state.desk_token = Some(Token::new(DESK_TOKEN));
    let mut metrics = Metrics::default();
    line.register(metrics.registry_mut());
    state.metrics = Arc::new(metrics);
    state.line = Some(Arc::new(line));
    (madoguchi::http::app(state.clone()), state)
}

fn sign(body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn text_event(id: &str, user: &str, reply_token: &str, text: &str) -> Value {
    json!({
        "type": "message", "mode": "active", "timestamp": 1_700_000_000_000u64,
        "webhookEventId": id, "deliveryContext": {"isRedelivery": false},
        "replyToken": reply_token, "source": {"type": "user", "userId": user},
        "message": {"type": "text", "id": "m", "quoteToken": "q", "text": text}
    })
}

fn delivery(events: &[Value]) -> String {
    json!({"destination": "Ubot", "events": events}).to_string()
}

/// Posts `body` to the webhook with `signature`; returns the status and the JSON answer.
async fn post_webhook(app: &axum::Router, body: &str, signature: Option<&str>) -> (u16, Value) {
    let mut req = Request::post("/line/webhook").header("content-type", "application/json");
    if let Some(s) = signature {
        req = req.header("x-line-signature", s);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Sends one signed text and waits for its reply (the `n`th call overall).
async fn say(app: &axum::Router, fake: &Fake, n: usize, user: &str, text: &str) -> Value {
    let body = delivery(&[text_event(
        &format!("ev-{user}-{n}"),
        user,
        &format!("rt-{n}"),
        text,
    )]);
    let (status, _) = post_webhook(app, &body, Some(&sign(&body))).await;
    assert_eq!(status, 200);
    let calls = fake.wait_for(n).await;
    let call = calls[n - 1].body.clone();
    assert_eq!(call["replyToken"], format!("rt-{n}"), "{call}");
    call
}

/// Every text of a reply, joined.
fn texts(call: &Value) -> String {
    call["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The quick replies' texts of a reply's last message.
fn quick_replies(call: &Value) -> Vec<String> {
    let messages = call["messages"].as_array().unwrap();
    messages.last().unwrap()["quickReply"]["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["action"]["text"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// LINE's limits on one reply call.
fn assert_within_limits(call: &Value) {
    let messages = call["messages"].as_array().expect("messages");
    assert!((1..=MAX_MESSAGES).contains(&messages.len()), "{call}");
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(m["type"], "text");
        let text = m["text"].as_str().unwrap();
        assert!(!text.is_empty() && text.encode_utf16().count() <= MAX_CHARS);
        if i + 1 < messages.len() {
            assert!(
                m.get("quickReply").is_none(),
                "quick replies on the last only"
            );
        }
        if let Some(items) = m["quickReply"]["items"].as_array() {
            assert!(!items.is_empty() && items.len() <= MAX_QUICK_REPLIES, "{m}");
            for item in items {
                assert_eq!(item["type"], "action");
                assert_eq!(item["action"]["type"], "message");
                let label = item["action"]["label"].as_str().unwrap();
                assert!(!label.is_empty() && label.chars().count() <= MAX_LABEL_CHARS);
            }
        }
    }
}

#[tokio::test]
async fn a_signed_text_is_answered_once_with_the_token_and_the_reply_token() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(&fake, None, UserBudgets::default());
    let body = delivery(&[text_event(
        "01HZA",
        "U1",
        "reply-token-1",
        "台湾の百貨店で県内産のお茶を扱ってもらいたい",
    )]);
    let (status, answer) = post_webhook(&app, &body, Some(&sign(&body))).await;
    assert_eq!((status, answer), (200, json!({})));
    let calls = fake.wait_for(1).await;
    assert_eq!(calls[0].authorization, format!("Bearer {ACCESS_TOKEN}"));
    let call = &calls[0].body;
    assert_eq!(call["replyToken"], "reply-token-1");
    assert_within_limits(call);
    let text = texts(call);
    assert!(text.contains("台湾"), "{text}");
    // Terms as quotes with their citations, as on every channel.
    assert!(text.contains("」「p."), "{text}");
}

#[tokio::test]
async fn the_next_message_continues_the_conversation() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, state) = app(&fake, None, UserBudgets::default());
    let first = say(
        &app,
        &fake,
        1,
        "U1",
        "祖父の代からの旅館を孫の私が継ぐことになった",
    )
    .await;
    assert_within_limits(&first);
    // A clarifying question, its options as quick replies; tapping one sends its text.
    let options = quick_replies(&first);
    assert!(options.len() >= 2, "{first}");
    let asked = texts(&first);
    let question = asked
        .lines()
        .find_map(|l| l.strip_prefix("【絞り込むための質問】"))
        .expect("the question beside its buttons")
        .to_string();
    let second = say(&app, &fake, 2, "U1", &options[0]).await;
    assert_within_limits(&second);
    let answered = texts(&second);
    assert!(!answered.contains("新しくお伺いします"), "{answered}");
    assert!(
        !answered.contains(&question),
        "the question is not asked again: {answered}"
    );
    assert_eq!(
        state.dialogue.sessions().count(),
        Some(1),
        "one conversation"
    );
    // Another user is another conversation.
    say(&app, &fake, 3, "U2", "店を改装したい").await;
    assert_eq!(state.dialogue.sessions().count(), Some(2));
}

#[tokio::test]
async fn a_missing_or_bad_signature_is_refused_and_nothing_is_sent() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(&fake, None, UserBudgets::default());
    let body = delivery(&[text_event("01HZB", "U1", "rt", "店を改装したい")]);
    let tampered = body.replace("改装", "新築");
    let mut other = Hmac::<Sha256>::new_from_slice(b"another-channel").unwrap();
    other.update(body.as_bytes());
    let foreign = base64::engine::general_purpose::STANDARD.encode(other.finalize().into_bytes());
    for (what, body, signature, code) in [
        ("missing", body.as_str(), None, "signature_missing"),
        (
            "garbage",
            body.as_str(),
            Some("not-a-signature"),
            "signature_invalid",
        ),
        (
            "another secret",
            body.as_str(),
            Some(foreign.as_str()),
            "signature_invalid",
        ),
        (
            "tampered body",
            tampered.as_str(),
            Some(&*sign(&body)),
            "signature_invalid",
        ),
    ] {
        let (status, v) = post_webhook(&app, body, signature).await;
        assert_eq!(status, 401, "{what}: {v}");
        assert_eq!(v["error"]["code"], code, "{what}");
        for key in ["message", "message_ja", "message_en"] {
            assert!(v["error"][key].is_string(), "{what}: {v}");
        }
    }
    fake.wait_for(0).await;
}

#[tokio::test]
async fn a_redelivered_event_is_not_answered_twice() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(&fake, None, UserBudgets::default());
    let first = delivery(&[text_event("01HZC", "U1", "rt-a", "店を改装したい")]);
    let mut again = text_event("01HZC", "U1", "rt-a", "店を改装したい");
    again["deliveryContext"]["isRedelivery"] = json!(true);
    let again = delivery(&[again]);
    assert_eq!(post_webhook(&app, &first, Some(&sign(&first))).await.0, 200);
    assert_eq!(post_webhook(&app, &again, Some(&sign(&again))).await.0, 200);
    fake.wait_for(1).await;
}

#[tokio::test]
async fn replies_keep_lines_limits_whatever_the_message() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(
        &fake,
        None,
        UserBudgets::new(UserLimits {
            turns_per_minute: None,
            sessions_per_hour: None,
            unanswered_per_hour: None,
            requests_per_hour: None,
        }),
    );
    let long = "補助金 融資 創業 事業承継 台湾 輸出 被災 復旧 DX 人材 脱炭素 商店街 ".repeat(30);
    let messages = [
        "台湾の百貨店で県内産のお茶を扱ってもらいたい",
        "祖父の代からの旅館を孫の私が継ぐことになった",
        "大雨で倉庫が水につかり在庫が駄目になった",
        "週末の釣りに向いた天気か知りたい",
        long.as_str(),
        "\u{200b}\u{202e}",
    ];
    for (i, m) in messages.iter().enumerate() {
        let call = say(&app, &fake, i + 1, &format!("U{i}"), m).await;
        assert_within_limits(&call);
    }
}

#[tokio::test]
async fn follow_is_greeted_and_a_sticker_is_asked_for_words() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(&fake, None, UserBudgets::default());
    let follow = json!({"type": "follow", "mode": "active", "timestamp": 1, "webhookEventId": "f1",
        "deliveryContext": {"isRedelivery": false}, "replyToken": "rt-follow",
        "source": {"type": "user", "userId": "U1"}, "follow": {"isUnblocked": false}});
    let sticker = json!({"type": "message", "mode": "active", "timestamp": 2, "webhookEventId": "s1",
        "deliveryContext": {"isRedelivery": false}, "replyToken": "rt-sticker",
        "source": {"type": "user", "userId": "U1"},
        "message": {"type": "sticker", "id": "1", "packageId": "1", "stickerId": "1"}});
    let unfollow = json!({"type": "unfollow", "mode": "active", "timestamp": 3,
        "webhookEventId": "u1", "deliveryContext": {"isRedelivery": false},
        "source": {"type": "user", "userId": "U9"}});
    let body = delivery(&[follow, sticker, unfollow]);
    assert_eq!(post_webhook(&app, &body, Some(&sign(&body))).await.0, 200);
    let calls = fake.wait_for(2).await;
    assert_eq!(calls[0].body["replyToken"], "rt-follow", "in order");
    assert!(texts(&calls[0].body).contains("友だち追加"));
    assert_eq!(calls[1].body["replyToken"], "rt-sticker");
    assert!(texts(&calls[1].body).contains("文字"));
    // LINE's check of the webhook URL: no events, still 200.
    let empty = delivery(&[]);
    assert_eq!(post_webhook(&app, &empty, Some(&sign(&empty))).await.0, 200);
}

#[tokio::test]
async fn a_failed_reply_is_counted_and_not_retried() {
    let fake = fake_line(StatusCode::INTERNAL_SERVER_ERROR).await;
    let (app, _) = app(&fake, None, UserBudgets::default());
    say(&app, &fake, 1, "U1", "店を改装したい").await;
    let res = app
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let metrics = String::from_utf8_lossy(&bytes);
    assert!(
        metrics.contains("madoguchi_line_replies_total{result=\"failed\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("madoguchi_line_events_total{kind=\"text\"} 1"));
}

#[tokio::test]
async fn each_line_user_has_a_budget_of_their_own() {
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(
        &fake,
        None,
        UserBudgets::new(UserLimits {
            turns_per_minute: std::num::NonZeroU32::new(1),
            ..UserLimits::default()
        }),
    );
    // A burst of ten, then the eleventh is asked to wait; another user is answered.
    for n in 1..=10 {
        let call = say(&app, &fake, n, "U1", "店を改装したい").await;
        assert!(!texts(&call).contains("短い時間に"), "{n}");
    }
    let refused = say(&app, &fake, 11, "U1", "店を改装したい").await;
    assert!(
        texts(&refused).contains("短い時間に"),
        "{}",
        texts(&refused)
    );
    let other = say(&app, &fake, 12, "U2", "店を改装したい").await;
    assert!(!texts(&other).contains("短い時間に"));
}

#[tokio::test]
async fn the_handoff_from_line_creates_a_consultation_the_desk_sees() {
    let (db, _dir) = sqlite().await;
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(&fake, Some(&db), UserBudgets::default());
    let answer = say(
        &app,
        &fake,
        1,
        "U7",
        "祖父の代からの旅館を孫の私が継ぐことになった",
    )
    .await;
    assert!(quick_replies(&answer).contains(&"窓口に相談する".to_string()));
    let consent = say(&app, &fake, 2, "U7", "窓口に相談する").await;
    assert!(
        texts(&consent).contains("90日後に削除"),
        "{}",
        texts(&consent)
    );
    assert_eq!(quick_replies(&consent), ["同意する", "やめる"]);
    let name = say(&app, &fake, 3, "U7", "同意する").await;
    assert!(texts(&name).contains("お名前"));
    let contact = say(&app, &fake, 4, "U7", "阿蘇 一郎（阿蘇温泉旅館）").await;
    assert!(texts(&contact).contains("電話番号"));
    let again = say(&app, &fake, 5, "U7", "あとで").await;
    assert!(
        texts(&again).contains("電話番号"),
        "a contact is asked again"
    );
    let done = say(&app, &fake, 6, "U7", "０９６７－１２－３４５６").await;
    assert!(texts(&done).contains("受け付けました"), "{}", texts(&done));

    let req = Request::get("/api/v1/desk/consultations")
        .header("authorization", format!("Bearer {DESK_TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let inbox: Value = serde_json::from_slice(&bytes).unwrap();
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{inbox}");
    let item = &items[0];
    assert_eq!(item["name"], "阿蘇 一郎（阿蘇温泉旅館）");
    assert_eq!(item["contact"], "0967-12-3456");
    assert!(item["message"].as_str().unwrap().contains("旅館"), "{item}");
    let questions: Vec<&str> = item["conversation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["question"].as_str().unwrap())
        .collect();
    // The conversation, and only the person's questions: not the handoff's answers.
    assert_eq!(
        questions,
        ["祖父の代からの旅館を孫の私が継ぐことになった"],
        "{item}"
    );
}

#[tokio::test]
async fn the_handoff_can_be_declined() {
    let (db, _dir) = sqlite().await;
    let fake = fake_line(StatusCode::OK).await;
    let (app, _) = app(&fake, Some(&db), UserBudgets::default());
    say(&app, &fake, 1, "U8", "窓口に相談する").await;
    let declined = say(&app, &fake, 2, "U8", "やめる").await;
    assert!(texts(&declined).contains("やめました"));
    // What follows is a question again.
    let answer = say(
        &app,
        &fake,
        3,
        "U8",
        "台湾の百貨店で県内産のお茶を扱ってもらいたい",
    )
    .await;
    assert!(texts(&answer).contains("「p."), "{}", texts(&answer));
}

/// `serve --line-channel-secret-file F --line-access-token-file F --line-api-base URL`: the
/// real binary answers a signed event through the fake API, and refuses an unsigned one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_enables_the_channel_from_its_flags() {
    let fake = fake_line(StatusCode::OK).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    let token = dir.path().join("token");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    std::fs::write(&token, ACCESS_TOKEN).unwrap();
    let (secret, token) = (secret.display().to_string(), token.display().to_string());
    let base = fake.base.clone();
    let body = delivery(&[text_event("01HZS", "U1", "rt-serve", "店を改装したい")]);
    let signature = sign(&body);
    let (signed, unsigned) = tokio::task::spawn_blocking(move || {
        let server = crate::faults::Server::start(
            &root().join("corpus"),
            &[
                "--line-channel-secret-file",
                &secret,
                "--line-access-token-file",
                &token,
                "--line-api-base",
                &base,
            ],
        );
        let signed = crate::faults::request_with(
            server.addr,
            "POST",
            "/line/webhook",
            &[("x-line-signature", &signature)],
            &body,
        );
        let unsigned = crate::faults::request(server.addr, "POST", "/line/webhook", &body);
        // Let the reply go out before the server stops.
        std::thread::sleep(Duration::from_millis(1500));
        (signed, unsigned)
    })
    .await
    .unwrap();
    assert_eq!(signed.0, 200, "{}", signed.1);
    assert_eq!(unsigned.0, 401, "{}", unsigned.1);
    let calls = fake.wait_for(1).await;
    assert_eq!(calls[0].authorization, format!("Bearer {ACCESS_TOKEN}"));
    assert_eq!(calls[0].body["replyToken"], "rt-serve");
}
