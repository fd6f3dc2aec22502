//! `POST /api/v1/chat`: one message of a conversation in, one turn out. The body is parsed into
//! a `ChatRequest` (bad JSON or a bad `message` is a JSON 4xx), its hidden characters removed
//! (`text::strip_hidden`), the turn goes through `Dialogue::respond_for` within the client's
//! budget (see `guard`; a new conversation may be refused, 429 or 503), and the `Turn` is
//! converted by hand.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};

use super::error::ErrorBody;
use super::{ApiError, AppState, ChatRequest, ChatResponse, Client, json};
use crate::dialogue::Lang;

/// Longest message accepted (the dialogue's own limit, checked by `Message::parse`).
pub use crate::dialogue::MAX_MESSAGE_CHARS;
/// Largest request body accepted (413 beyond): the contract's own limit (see `crate::wire`).
pub use crate::wire::MAX_BODY_BYTES;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/chat", post(chat))
}

/// Answer one chat message.
///
/// Understands the message in the context of the session (when `session_id` is given), and
/// answers with the programs that fit, one clarifying question, or a plain "nothing fits" with
/// where to ask instead. Every term in `programs[].quotes` is verbatim from the source document.
/// The reply is in Japanese, English or Traditional Chinese: the request's `lang`, else the
/// message's own language, else the conversation's; the response's `lang` says which.
#[utoipa::path(post, path = "/api/v1/chat", tag = "chat", request_body = ChatRequest,
    responses((status = 200, description = "The turn", body = ChatResponse<'static>),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 408, description = "The body did not arrive in time", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Missing, empty or over-long message, or a `lang` that is not one of ja, en, zh-Hant (`unknown_lang`)", body = ErrorBody),
        (status = 429, description = "Too many requests, requests in flight or new conversations from this client", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Overloaded or timed out, or a new conversation while every one held is in progress (`too_many_conversations`)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub(super) async fn chat(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<ChatRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(req) = body?;
    // The one check every channel makes: the limit on what was sent (as the API description
    // says), hidden characters removed before the dialogue sees the message, so the recorded
    // question and everything after it hold none; a message of hidden characters only is empty.
    let message = crate::dialogue::Message::parse(&req.message)?;
    let lang = match req.lang.as_deref() {
        None => None,
        Some(tag) => Some(Lang::parse(tag).ok_or_else(|| unknown_lang(tag))?),
    };
    // Understanding is CPU work of some microseconds: it runs on the request task.
    let budget = state.per_client.budget(client);
    let turn = state
        .dialogue
        .respond_in(&budget, req.session_id.as_deref(), message.as_str(), lang)
        .await
        .inspect_err(|e| state.metrics.conversation_refused(e.code))?;
    state.metrics.outcome(turn.reply.outcome());
    Ok(json(&ChatResponse::new(&turn)))
}

/// A `lang` the service does not answer in: a 422 that lists the accepted tags.
fn unknown_lang(tag: &str) -> ApiError {
    let tag: String = tag.chars().take(40).collect();
    ApiError {
        field: Some("lang"),
        ..ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_lang",
            format!(
                "lang「{tag}」には対応していません。次のいずれかを指定してください：{}",
                Lang::ACCEPTED
            ),
            format!(
                "lang {tag:?} is not a language this service answers in; use one of: {}",
                Lang::ACCEPTED
            ),
        )
    }
}
