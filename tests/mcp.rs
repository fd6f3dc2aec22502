//! The MCP tools called directly (no transport): cited programs for a situation, no match with a
//! referral, tool errors for bad arguments; and `/mcp` in-process under the app's layers (the
//! handshake, the Host check, the rate limit). The official Python client over both transports
//! is `.ci/mcp-test.py`.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use madoguchi::corpus::Theme;
use madoguchi::dialogue::SessionLimits;
use madoguchi::http::{AppState, Limits, app};
use madoguchi::mcp::McpServer;
use madoguchi::mcp::input::{FindPrograms, GetProgram, ListPrograms};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use serde_json::Value;
use tower::ServiceExt;

use crate::support::{Report, dialogue, engine};

fn server() -> McpServer {
    McpServer::new(Arc::new(dialogue(SessionLimits::default())))
}

async fn find(situation: &str) -> CallToolResult {
    server()
        .find_programs(Parameters(FindPrograms {
            situation: situation.to_string(),
            lang: None,
        }))
        .await
        .expect("a tool never fails at the protocol level")
}

async fn get(id: &str) -> CallToolResult {
    server()
        .get_program(Parameters(GetProgram { id: id.to_string() }))
        .await
        .expect("a tool never fails at the protocol level")
}

async fn list(theme: Option<&str>) -> CallToolResult {
    server()
        .list_programs(Parameters(ListPrograms {
            theme: theme.map(str::to_string),
        }))
        .await
        .expect("a tool never fails at the protocol level")
}

fn text(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect()
}

/// Japanese (kana or kanji) and English (an ASCII word of three letters or more) both present.
fn bilingual(t: &str) -> bool {
    t.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c))
        && t.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 3)
}

fn structured(r: &CallToolResult) -> &Value {
    r.structured_content
        .as_ref()
        .expect("every result carries structured content")
}

/// Every quote in a structured result is, character for character, a term of the corpus record
/// it names, at the same page and line (the corpus loader has checked those against the source).
fn check_quotes(v: &Value, report: &mut Report) {
    let corpus = &engine().corpus;
    let programs: Vec<&Value> = match v["programs"].as_array() {
        Some(list) => list.iter().collect(),
        None => vec![v],
    };
    for p in programs {
        let id = p["id"].as_str().unwrap_or_default();
        let record = corpus.get(id);
        for q in p["quotes"].as_array().into_iter().flatten() {
            let found = record.is_some_and(|r| {
                r.terms.iter().any(|t| {
                    Some(&*t.text) == q["text"].as_str()
                        && Some(u64::from(t.page)) == q["page"].as_u64()
                        && Some(u64::from(t.line)) == q["line"].as_u64()
                })
            });
            report.check(
                found,
                &format!("quote of {id}"),
                "a term of the record, same text, page and line",
                &q.to_string(),
                "build MCP quotes only from the record's terms (wire::QuoteWire)",
            );
        }
    }
}

#[tokio::test]
async fn find_programs_returns_cited_taiwan_programs() {
    let r = find("台湾のデパートで県産の菓子を売り込みたい").await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let v = structured(&r);
    assert_eq!(v["no_match"], false, "{v}");
    let programs = v["programs"].as_array().expect("programs");
    let taiwan = programs
        .iter()
        .find(|p| p["id"].as_str().is_some_and(|id| id.starts_with("taiwan-")))
        .unwrap_or_else(|| panic!("a taiwan- program in {v}"));
    let quotes = taiwan["quotes"].as_array().expect("quotes");
    assert!(!quotes.is_empty());
    for q in quotes {
        assert!(q["page"].as_u64().is_some_and(|n| n > 0), "{q}");
        assert!(q["line"].as_u64().is_some_and(|n| n > 0), "{q}");
        assert!(q["text"].as_str().is_some_and(|t| !t.is_empty()), "{q}");
    }
    assert!(v["as_of"].as_str().is_some_and(|s| s.contains("年度")));
    assert!(v["sources"][0]["title"].is_string(), "{v}");
    let mut report = Report::default();
    check_quotes(v, &mut report);
    report.finish("find_programs quotes");
    let t = text(&r);
    assert!(t.contains("p.") && t.contains(" l."), "{t}");
    assert!(t.contains("窓口"), "the text sends people to the 窓口: {t}");
}

#[tokio::test]
async fn find_programs_says_plainly_when_nothing_fits() {
    let r = find("明日の天気を教えて").await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let v = structured(&r);
    assert_eq!(v["no_match"], true, "{v}");
    assert_eq!(v["programs"].as_array().map(Vec::len), Some(0));
    assert!(
        v["reply"]
            .as_str()
            .is_some_and(|s| s.contains("お問い合わせ") || s.contains("承っています")),
        "a referral in the reply: {v}"
    );
}

#[tokio::test]
async fn bad_arguments_are_tool_errors() {
    let long = "あ".repeat(madoguchi::http::MAX_MESSAGE_CHARS + 1);
    for (what, r, code) in [
        ("empty situation", find("").await, "empty_situation"),
        (
            "blank situation",
            find(" \u{3000}\n").await,
            "empty_situation",
        ),
        ("long situation", find(&long).await, "situation_too_long"),
        ("unknown id", get("no-such-program").await, "unknown_id"),
        (
            "unknown theme",
            list(Some("宇宙開発")).await,
            "unknown_theme",
        ),
    ] {
        assert_eq!(r.is_error, Some(true), "{what}: {}", text(&r));
        assert_eq!(structured(&r)["error"]["code"], code, "{what}");
        let t = text(&r);
        assert!(
            bilingual(&t),
            "{what}: a Japanese and an English message: {t}"
        );
    }
    let r = list(Some("宇宙開発")).await;
    for theme in Theme::ALL {
        assert!(text(&r).contains(theme.as_str()), "the valid themes listed");
    }
}

#[tokio::test]
async fn get_program_is_the_whole_record_as_the_api_gives_it() {
    let corpus = &engine().corpus;
    let mut report = Report::default();
    for p in &corpus.programs {
        let r = get(p.id.as_str()).await;
        let v = structured(&r);
        report.check(
            r.is_error == Some(false) && v["id"] == p.id.as_str(),
            p.id.as_str(),
            "the record",
            &text(&r),
            "get_program looks ids up with Corpus::get",
        );
        report.check(
            v["quotes"].as_array().map(Vec::len) == Some(p.terms.len()),
            p.id.as_str(),
            &format!("{} quotes", p.terms.len()),
            &v["quotes"].to_string(),
            "get_program returns ProgramDetail, every term",
        );
        check_quotes(v, &mut report);
        let t = text(&r);
        for q in &p.terms {
            let cite = format!("「p.{} l.{}」", q.page, q.line);
            report.check(
                t.contains(&cite),
                p.id.as_str(),
                &cite,
                &t,
                "every term in the text carries its citation",
            );
        }
    }
    report.finish("get_program over the whole corpus");
}

#[tokio::test]
async fn list_programs_filters_by_theme() {
    let corpus = &engine().corpus;
    let all = list(None).await;
    assert_eq!(
        structured(&all)["programs"].as_array().map(Vec::len),
        Some(corpus.programs.len())
    );
    let mut report = Report::default();
    for theme in Theme::ALL {
        let r = list(Some(theme.as_str())).await;
        let got: Vec<&str> = structured(&r)["programs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_str())
            .collect();
        let want: Vec<&str> = corpus
            .programs
            .iter()
            .filter(|p| p.themes.contains(theme))
            .map(|p| p.id.as_str())
            .collect();
        report.check(
            got == want,
            theme.as_str(),
            &format!("{want:?}"),
            &format!("{got:?}"),
            "list_programs keeps the programs whose themes include the theme",
        );
    }
    report.finish("list_programs by theme");
}

#[test]
fn the_theme_argument_documents_every_theme() {
    let tools = server().tools();
    let list = tools
        .iter()
        .find(|t| t.name == "list_programs")
        .expect("list_programs");
    let schema = Value::Object((*list.input_schema).clone()).to_string();
    for theme in Theme::ALL {
        assert!(
            schema.contains(theme.as_str()),
            "the list_programs schema names {theme}: add it to ListPrograms::theme's doc"
        );
    }
    let names: Vec<&str> = tools.iter().map(|t| &*t.name).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for t in &tools {
        let d = t.description.as_deref().unwrap_or_default();
        assert!(
            d.contains("窓口") && bilingual(d),
            "{}: a Japanese and English description naming the 窓口",
            t.name
        );
    }
}

fn mcp_post(host: &str, body: &str) -> Request<Body> {
    Request::post("/mcp")
        .header("host", host)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(Body::from(body.to_string()))
        .unwrap()
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#;

#[tokio::test]
async fn mcp_over_http_is_under_the_apps_layers() {
    let router = app(AppState::new(Arc::new(dialogue(SessionLimits::default()))));
    let res = router
        .clone()
        .oneshot(mcp_post("127.0.0.1:8080", INITIALIZE))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers().contains_key("x-request-id"),
        "the app's layers"
    );
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&body).expect("a JSON answer");
    assert_eq!(v["result"]["serverInfo"]["name"], "madoguchi", "{v}");

    let res = router
        .clone()
        .oneshot(mcp_post("evil.example", INITIALIZE))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a foreign Host");

    let mut s = AppState::new(Arc::new(dialogue(SessionLimits::default())));
    s.set_limits(Limits {
        rate_per_second: NonZeroU32::new(1),
        rate_burst: NonZeroU32::MIN,
        ..Limits::default()
    });
    let limited = app(s);
    let first = limited
        .clone()
        .oneshot(mcp_post("localhost", INITIALIZE))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = limited
        .oneshot(mcp_post("localhost", INITIALIZE))
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
}
