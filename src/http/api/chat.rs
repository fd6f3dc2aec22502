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

use crate::dialogue::Lang;
use crate::http::api::{json_body, limited};
use crate::http::{ApiError, AppState, ChatRequest, ChatResponse, Client, json};

/// Longest message accepted (the dialogue's own limit, checked by `Message::parse`).
pub use crate::dialogue::MAX_MESSAGE_CHARS;
/// Largest request body accepted (413 beyond): the contract's own limit (see `crate::wire`).
pub use crate::wire::MAX_BODY_BYTES;

pub(in crate::http) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/chat", post(chat))
}

errors!(
    ChatErrors = [
        limited(),
        json_body(),
        [
            ApiError::Message(crate::dialogue::MessageError::Empty),
            ApiError::Message(crate::dialogue::MessageError::TooLong {
                chars: MAX_MESSAGE_CHARS + 1,
            }),
            ApiError::TooManySessions { retry_after: 1 },
            ApiError::StoreFull { retry_after: 1 },
            ApiError::UnknownLang("fr".into()),
        ],
    ]
);

/// Answer one chat message.
///
/// Understands the message in the context of the session (when `session_id` is given), and
/// answers with the programs that fit, one clarifying question, or a plain "nothing fits" with
/// where to ask instead. Every term in `programs[].quotes` is verbatim from the source document.
/// The reply is in Japanese, English or Traditional Chinese: the request's `lang`, else the
/// message's own language, else the conversation's; the response's `lang` says which.
#[utoipa::path(post, path = "/api/v1/chat", tag = "chat", request_body = ChatRequest,
    responses((status = 200, description = "The turn", body = ChatResponse<'static>),
        ChatErrors))]
pub(in crate::http) async fn chat(
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
        .inspect_err(|e| state.metrics.conversation_refused(e.code()))?;
    state.metrics.outcome(turn.reply.outcome());
    Ok(json(&ChatResponse::new(&turn)))
}

/// A `lang` the service does not answer in: a 422 that lists the accepted tags.
fn unknown_lang(tag: &str) -> ApiError {
    ApiError::UnknownLang(tag.chars().take(40).collect())
}
