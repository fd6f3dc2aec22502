//! Stored text is clean, at the edge, against the real binary: NUL, ESC, a right-to-left
//! override (U+202E) and a zero-width space (U+200B) in each field. A one-line field of a
//! consultation request (name, organization, contact, preferred time, session id) is refused
//! with 422 naming it; the message, a feedback comment, a chat message and a staff note keep
//! their text with the characters removed; a chat message of hidden characters only is empty
//! (422), and the length limit counts what was sent. The desk — the inbox and the
//! conversations, as JSON and as CSV — never shows one.

use serde_json::{Value, json};

use crate::faults::{Server, request_with};
use crate::support::{Report, root};

const TOKEN: &str = "staff-token-for-the-hidden-characters";
const HIDDEN: [(&str, char); 4] = [
    ("NUL", '\u{0}'),
    ("ESC", '\u{1b}'),
    ("RLO", '\u{202e}'),
    ("ZWSP", '\u{200b}'),
];

/// A request with the staff token; (status, body).
fn call(server: &Server, method: &str, path: &str, body: &Value) -> (u16, String) {
    let bearer = format!("Bearer {TOKEN}");
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let (status, text) = request_with(
        server.addr,
        method,
        path,
        &[("Authorization", &bearer)],
        &body,
    );
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, body.to_string())
}

fn consultation() -> Value {
    json!({
        "name": "熊本 太郎",
        "organization": "熊本菓子店",
        "contact": "096-333-2323",
        "preferred_time": "平日の午前",
        "message": "補助金の申請について相談したい",
        "consent": true,
    })
}

/// Whether `text` shows `c`, as itself or as a JSON escape.
fn shows(text: &str, c: char) -> bool {
    text.contains(c)
        || text
            .to_ascii_lowercase()
            .contains(&format!("\\u{:04x}", u32::from(c)))
}

#[test]
fn hidden_characters_are_refused_in_short_fields_and_removed_from_free_text() {
    let server = Server::start(
        &root().join("corpus"),
        &[
            "--desk-token",
            TOKEN,
            "--rate-per-second",
            "0",
            "--writes-per-hour",
            "0",
            "--new-sessions-per-hour",
            "0",
        ],
    );
    let mut report = Report::default();
    for (label, c) in HIDDEN {
        // One-line fields: 422 naming the field.
        for (field, value) in [
            ("name", format!("熊本{c}太郎")),
            ("organization", format!("熊本{c}菓子店")),
            ("contact", format!("096-333{c}-2323")),
            ("preferred_time", format!("平日{c}の午前")),
            ("session_id", format!("abc{c}def")),
        ] {
            let mut body = consultation();
            body[field] = json!(value);
            let (status, text) = call(&server, "POST", "/api/v1/consultations", &body);
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            report.check(
                status == 422 && v["error"]["field"] == field,
                &format!("{label} in {field}"),
                &format!("422 naming {field}"),
                &format!("{status} {text}"),
                "http::api::consult::optional refuses hidden characters in one-line fields",
            );
        }
        // The message: stored without it.
        let mut body = consultation();
        body["message"] = json!(format!("補助金の{c}申請について{label}"));
        let (status, text) = call(&server, "POST", "/api/v1/consultations", &body);
        report.check(
            status == 201,
            &format!("{label} in message"),
            "201",
            &format!("{status} {text}"),
            "free text has hidden characters removed, not refused",
        );
        // A staff note on that request: stored without it.
        if let Some(id) = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["id"].as_str().map(String::from))
        {
            let (status, text) = call(
                &server,
                "PATCH",
                &format!("/api/v1/desk/consultations/{id}"),
                &json!({ "note": format!("折り返し{c}済み{label}") }),
            );
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            report.check(
                status == 200 && v["note"] == format!("折り返し済み{label}"),
                &format!("{label} in a staff note"),
                &format!("200 with the note 折り返し済み{label}"),
                &format!("{status} {text}"),
                "http::api::desk::update strips the note",
            );
        }
    }

    // A conversation whose every message and feedback comment holds one.
    let mut session: Option<String> = None;
    for (label, c) in HIDDEN {
        let mut body = json!({ "message": format!("事業承継の{c}相談{label}") });
        if let Some(s) = &session {
            body["session_id"] = json!(s);
        }
        let (status, text) = call(&server, "POST", "/api/v1/chat", &body);
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        report.check(
            status == 200,
            &format!("{label} in a chat message"),
            "200",
            &format!("{status} {text}"),
            "http::api::chat strips the message before the dialogue",
        );
        session = v["session_id"].as_str().map(String::from).or(session);
        let (status, text) = call(
            &server,
            "POST",
            "/api/v1/feedback",
            &json!({ "session_id": session, "helpful": true, "comment": format!("役に{c}立った{label}") }),
        );
        report.check(
            status == 204,
            &format!("{label} in a feedback comment"),
            "204",
            &format!("{status} {text}"),
            "free text has hidden characters removed, not refused",
        );
        let (status, text) = call(
            &server,
            "POST",
            "/api/v1/chat",
            &json!({ "message": format!(" {c}{c}\n") }),
        );
        report.check(
            status == 422 && text.contains("empty_message"),
            &format!("a chat message of {label} only"),
            "422 empty_message",
            &format!("{status} {text}"),
            "the emptiness check runs on the stripped message",
        );
    }
    // The length limit is on what was sent (the API description's maxLength), not on what
    // remains: found by schemathesis, first with hidden characters, then with white space at
    // the edges (a tab before 2,000 characters).
    let over_limit = [
        (
            format!("{}\u{200b}\u{200b}", "あ".repeat(1_999)),
            "of 2,001 characters, two of them hidden",
            "count the characters sent, then strip",
        ),
        (
            format!("\t{}", "あ".repeat(2_000)),
            "of a tab and 2,000 characters",
            "count the characters sent, then trim",
        ),
    ];
    for (sent, what, fix) in &over_limit {
        let (status, text) = call(&server, "POST", "/api/v1/chat", &json!({ "message": sent }));
        report.check(
            status == 422 && text.contains("message_too_long"),
            &format!("a chat message {what}"),
            "422 message_too_long",
            &format!("{status} {text}"),
            fix,
        );
        let mut body = consultation();
        body["message"] = json!(sent);
        let (status, text) = call(&server, "POST", "/api/v1/consultations", &body);
        report.check(
            status == 422 && text.contains("\"field\":\"message\""),
            &format!("a consultation message {what}"),
            "422 naming message",
            &format!("{status} {text}"),
            fix,
        );
    }
    let mut body = consultation();
    body["name"] = json!(format!(" {} ", "山".repeat(49)));
    let (status, text) = call(&server, "POST", "/api/v1/consultations", &body);
    report.check(
        status == 422 && text.contains("\"field\":\"name\""),
        "a name of 49 characters between two spaces (51 sent, 50 allowed)",
        "422 naming name",
        &format!("{status} {text}"),
        "count the characters sent, then trim",
    );
    report.finish("hidden characters at the edge");

    // The desk never shows them, and shows the text around them.
    let mut report = Report::default();
    for path in [
        "/api/v1/desk/consultations",
        "/api/v1/desk/consultations.csv",
        "/api/v1/desk/conversations",
        "/api/v1/desk/conversations.csv",
    ] {
        let (status, text) = call(&server, "GET", path, &Value::Null);
        assert_eq!(status, 200, "{path}: {text}");
        for (label, c) in HIDDEN {
            report.check(
                !shows(&text, c),
                &format!("{label} in {path}"),
                "not shown",
                "shown",
                "strip at the edge (consult, chat, desk) and in the CSV",
            );
            let kept = if path.contains("consultations") {
                format!("補助金の申請について{label}")
            } else {
                format!("事業承継の相談{label}")
            };
            report.check(
                text.contains(&kept),
                &format!("{path} keeps the text around {label}"),
                &kept,
                &text.chars().take(300).collect::<String>(),
                "strip only the hidden characters",
            );
        }
    }
    report.finish("the desk shows no hidden character");
}
