//! The conversation's language at every edge: the chat API's `lang` (accepted in the request,
//! an unknown tag a 422 that lists the accepted ones, carried in every response, documented in
//! the OpenAPI document), MCP's `lang` argument and tool descriptions, and `ask --lang`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use madoguchi::dialogue::SessionLimits;
use serde_json::{Value, json};

use crate::api::call;
use crate::support::app_with;

fn chat(body: Value) -> Request<Body> {
    Request::post("/api/v1/chat")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_chat_api_answers_in_the_language_asked_for_and_says_which() {
    let app = app_with(SessionLimits::default());
    let q = "熊本地震で工場が壊れました。補助金はありますか";
    let (status, ja) = call(&app, chat(json!({ "message": q }))).await;
    assert_eq!(status, StatusCode::OK, "{ja}");
    assert_eq!(ja["lang"], "ja");
    for (tag, code) in [
        ("en", "en"),
        ("EN-us", "en"),
        ("zh-TW", "zh-Hant"),
        ("zh", "zh-Hant"),
    ] {
        let (status, v) = call(&app, chat(json!({ "message": q, "lang": tag }))).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["lang"], code, "{tag}: {v}");
        let reply = v["reply"].as_str().unwrap();
        assert_ne!(reply, ja["reply"].as_str().unwrap());
        let p = &v["programs"][0];
        assert!(p["gloss"].is_string(), "{p}");
        assert_eq!(
            p["name"], ja["programs"][0]["name"],
            "the name stays Japanese"
        );
        let q0 = &p["quotes"][0];
        assert_eq!(
            q0["text"], ja["programs"][0]["quotes"][0]["text"],
            "quotes stay verbatim"
        );
        assert_ne!(q0["label_text"], q0["label"], "{q0}");
    }
    // The language stays with the conversation: a later message in Japanese without `lang`
    // and with no kana … is answered by its own script; a bare number keeps the conversation's.
    let (_, first) = call(&app, chat(json!({ "message": q, "lang": "en" }))).await;
    let sid = first["session_id"].as_str().unwrap();
    let (_, next) = call(&app, chat(json!({ "message": "DX", "session_id": sid }))).await;
    assert_eq!(next["lang"], "en", "{next}");
}

#[tokio::test]
async fn an_unknown_lang_is_a_422_that_lists_the_accepted_tags() {
    let app = app_with(SessionLimits::default());
    let (status, v) = call(&app, chat(json!({ "message": "補助金", "lang": "fr" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "unknown_lang");
    assert_eq!(v["error"]["field"], "lang");
    let en = v["error"]["message_en"].as_str().unwrap();
    assert!(
        en.contains("zh-Hant") && en.contains("en") && en.contains("ja"),
        "{en}"
    );
    let (status, _) = call(&app, chat(json!({ "message": "補助金", "lang": 7 }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_openapi_document_describes_lang_in_request_and_response() {
    let app = app_with(SessionLimits::default());
    let req = Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let (status, doc) = call(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    let request = &schemas["ChatRequest"]["properties"]["lang"];
    assert!(
        request["description"].as_str().unwrap().contains("zh-Hant"),
        "{request}"
    );
    assert!(request["pattern"].is_string(), "{request}");
    let response = &schemas["ChatResponse"]["properties"]["lang"];
    assert!(
        response["description"].as_str().unwrap().contains("en"),
        "{response}"
    );
    let required = schemas["ChatResponse"]["required"].as_array().unwrap();
    assert!(required.iter().any(|r| r == "lang"));
}

#[tokio::test]
async fn mcp_says_english_and_chinese_are_accepted_and_answers_in_them() {
    use madoguchi::mcp::McpServer;
    use madoguchi::mcp::input::FindPrograms;
    use rmcp::handler::server::wrapper::Parameters;
    let server = McpServer::new(std::sync::Arc::new(crate::support::dialogue(
        SessionLimits::default(),
    )));
    let find = server
        .tools()
        .into_iter()
        .find(|t| t.name == "find_programs")
        .expect("find_programs");
    let description = find.description.as_deref().unwrap_or_default();
    assert!(
        description.contains("English") && description.contains("Chinese"),
        "{description}"
    );
    let schema = serde_json::to_value(&*find.input_schema).unwrap();
    assert!(schema["properties"]["lang"].is_object(), "{schema}");
    for (lang, code) in [("en", "en"), ("zh-Hant", "zh-Hant"), ("fr", "")] {
        let r = server
            .find_programs(Parameters(FindPrograms {
                situation: "熊本地震で工場が壊れました。補助金はありますか".into(),
                lang: Some(lang.into()),
            }))
            .await
            .expect("a tool result");
        let v = r.structured_content.expect("structured content");
        if code.is_empty() {
            assert_eq!(r.is_error, Some(true));
            assert_eq!(v["error"]["code"], "unknown_lang", "{v}");
        } else {
            assert_eq!(v["lang"], code, "{v}");
            assert!(v["programs"][0]["gloss"].is_string(), "{v}");
        }
    }
}

#[test]
fn ask_answers_in_the_language_of_lang() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .args([
            "--today",
            "2026-11-29",
            "ask",
            "--lang",
            "en",
            "熊本地震で工場が壊れました",
        ])
        .output()
        .expect("madoguchi runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("These support programs") || text.contains("candidates"),
        "{text}"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .args(["ask", "--lang", "fr", "補助金"])
        .output()
        .expect("madoguchi runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("zh-Hant"));
}
