//! `POST /line/webhook`: the signature first — `x-line-signature` must be the base64 HMAC-SHA256
//! of the raw body keyed by the channel secret, compared in constant time; a missing or wrong one
//! is a JSON 4xx and nothing else happens — then the events (the shapes of LINE's webhook: only
//! the fields used here are read, any other is ignored), an event already handled is dropped,
//! and the rest are handled on tasks, one per conversation in order, after the 200 is sent.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::Line;
use crate::wire::ApiError;

/// The header LINE signs each delivery with.
pub(super) const SIGNATURE: &str = "x-line-signature";

/// A delivery: LINE may send several events at once, or none (to check the URL).
#[derive(Debug, Deserialize)]
struct Callback {
    #[serde(default)]
    events: Vec<Event>,
}

/// One webhook event, as far as this channel reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Event {
    /// message, follow, join, unfollow, postback …
    #[serde(rename = "type", default)]
    pub(super) kind: String,
    /// active, or standby when another module holds the chat.
    #[serde(default)]
    pub(super) mode: Option<String>,
    #[serde(default)]
    pub(super) webhook_event_id: Option<String>,
    #[serde(default)]
    pub(super) reply_token: Option<String>,
    #[serde(default)]
    pub(super) source: Option<Source>,
    #[serde(default)]
    pub(super) message: Option<Content>,
}

/// Where an event comes from: a user, or a group or room the bot is in.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Source {
    #[serde(rename = "type", default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) user_id: Option<String>,
    #[serde(default)]
    pub(super) group_id: Option<String>,
    #[serde(default)]
    pub(super) room_id: Option<String>,
}

impl Source {
    /// The conversation: the group or room when the bot is in one (its members share it), else
    /// the user; `None` when LINE names none of them (nothing is answered then).
    pub(super) fn conversation_key(&self) -> Option<String> {
        let id = |prefix: &str, id: &Option<String>| {
            id.as_deref()
                .filter(|i| !i.is_empty())
                .map(|i| format!("{prefix}:{i}"))
        };
        match self.kind.as_str() {
            "group" => id("group", &self.group_id),
            "room" => id("room", &self.room_id),
            _ => id("user", &self.user_id),
        }
    }

    /// Whom the budget counts: the user when LINE names one, else the conversation.
    pub(super) fn budget_key(&self) -> Option<String> {
        match self.user_id.as_deref().filter(|u| !u.is_empty()) {
            Some(u) => Some(format!("user:{u}")),
            None => self.conversation_key(),
        }
    }
}

/// A message event's content.
#[derive(Debug, Deserialize)]
pub(super) struct Content {
    /// text, image, sticker, video, audio, file, location.
    #[serde(rename = "type", default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) text: Option<String>,
}

/// Whether `signature` is the base64 HMAC-SHA256 of `body` under `secret`.
pub(super) fn verify(secret: &[u8], body: &[u8], signature: &[u8]) -> bool {
    let Ok(given) = STANDARD.decode(signature.trim_ascii()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given).is_ok()
}

/// The webhook.
pub(super) async fn webhook(
    State(line): State<Arc<Line>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        return ApiError::BodyUnreadable.into_response();
    };
    let Some(signature) = headers.get(SIGNATURE) else {
        return ApiError::SignatureMissing.into_response();
    };
    if !verify(&line.secret, &body, signature.as_bytes()) {
        return ApiError::SignatureInvalid.into_response();
    }
    let callback: Callback = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => {
            return ApiError::NotALineWebhook {
                detail: e.to_string(),
            }
            .into_response();
        }
    };
    // One task per conversation, its events in the order LINE sent them.
    let mut groups: HashMap<String, Vec<Event>> = HashMap::new();
    for event in callback.events {
        if !line.first_time(&event) {
            line.count("duplicate");
            continue;
        }
        let key = event
            .source
            .as_ref()
            .and_then(Source::conversation_key)
            .unwrap_or_default();
        groups.entry(key).or_default().push(event);
    }
    for (_, events) in groups {
        tokio::spawn(line.clone().handle_all(events));
    }
    (StatusCode::OK, Json(serde_json::json!({}))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(body);
        STANDARD.encode(mac.finalize().into_bytes())
    }

    #[test]
    fn only_the_bodys_own_signature_under_the_secret_verifies() {
        let body = br#"{"destination":"U0","events":[]}"#;
        let good = sign(b"secret", body);
        assert!(verify(b"secret", body, good.as_bytes()));
        assert!(!verify(b"other", body, good.as_bytes()));
        assert!(!verify(b"secret", b"{}", good.as_bytes()));
        assert!(!verify(b"secret", body, b"not base64!"));
        assert!(!verify(b"secret", body, b""));
        assert!(!verify(b"secret", body, sign(b"secret", b"x").as_bytes()));
    }

    #[test]
    fn events_are_read_leniently_and_keyed_by_their_conversation() {
        let body = r#"{"destination":"U0","events":[
            {"type":"message","mode":"active","timestamp":1,"webhookEventId":"01A",
             "deliveryContext":{"isRedelivery":false},"replyToken":"r1",
             "source":{"type":"user","userId":"U1"},
             "message":{"type":"text","id":"1","quoteToken":"q","text":"こんにちは"}},
            {"type":"message","webhookEventId":"01B","replyToken":"r2",
             "source":{"type":"group","groupId":"C9","userId":"U1"},
             "message":{"type":"sticker","id":"2","packageId":"1","stickerId":"1"}},
            {"type":"unsend","source":{"type":"room","roomId":"R5"}},
            {"type":"somethingNew","anything":[1,2,3]}
        ]}"#;
        let c: Callback = serde_json::from_str(body).unwrap();
        assert_eq!(c.events.len(), 4);
        let e = &c.events[0];
        assert_eq!(
            e.message.as_ref().and_then(|m| m.text.as_deref()),
            Some("こんにちは")
        );
        let s = e.source.as_ref().unwrap();
        assert_eq!(s.conversation_key().as_deref(), Some("user:U1"));
        let g = c.events[1].source.as_ref().unwrap();
        assert_eq!(g.conversation_key().as_deref(), Some("group:C9"));
        assert_eq!(g.budget_key().as_deref(), Some("user:U1"));
        let r = c.events[2].source.as_ref().unwrap();
        assert_eq!(r.conversation_key().as_deref(), Some("room:R5"));
        assert_eq!(r.budget_key().as_deref(), Some("room:R5"));
        let nobody: Source = serde_json::from_str(r#"{"type":"user"}"#).unwrap();
        assert_eq!(nobody.conversation_key(), None);
        assert!(c.events[3].source.is_none());
    }
}
