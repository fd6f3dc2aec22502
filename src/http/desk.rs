//! The help-desk console's server side: the staff token check and the unanswered-questions
//! log. Without a configured token the console and its APIs are disabled (404); with one, a
//! missing or wrong `Authorization: Bearer` token is 401 (see `auth`, which also makes a client
//! that keeps sending wrong tokens wait).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, AppState, Client, auth};

/// One line of the unanswered-questions log.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnansweredItem {
    pub question: String,
    /// no_match | abandoned (left after a clarifying question)
    pub reason: String,
    pub count: u64,
    /// Seconds since the Unix epoch.
    pub last_seen: u64,
}

/// `GET /api/v1/desk/unanswered`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnansweredList {
    /// Newest first.
    pub items: Vec<UnansweredItem>,
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/desk", get(page))
        .route("/api/v1/desk/unanswered", get(unanswered))
}

fn disabled() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "desk_disabled",
        "窓口担当者向けコンソールは無効です（--desk-token が設定されていません）。",
        "The help-desk console is disabled: no --desk-token is configured.",
    )
}

/// Checks the staff token.
fn authorize(state: &AppState, client: Client, headers: &HeaderMap) -> Result<(), ApiError> {
    auth::check(
        state.desk_token.as_ref(),
        state.per_client.failures(),
        client,
        headers,
        "desk",
        disabled,
    )
}

/// `GET /desk`: the console page (its data APIs check the token).
pub(super) async fn page(State(state): State<AppState>) -> Response {
    if state.desk_token.is_none() {
        return disabled().into_response();
    }
    super::web::desk_page()
}

/// List the unanswered questions.
///
/// Questions that got no match and conversations abandoned after a clarifying question, newest
/// first, for help-desk staff. Needs the staff token.
#[utoipa::path(get, path = "/api/v1/desk/unanswered", tag = "desk", security(("desk_token" = [])),
    responses((status = 200, description = "The log", body = UnansweredList),
        (status = 401, description = "Missing or wrong token", body = super::error::ErrorBody,
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 404, description = "The console is disabled", body = super::error::ErrorBody),
        (status = 429, description = "Too many requests or wrong tokens from this client", body = super::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub(super) async fn unanswered(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
) -> Result<Json<UnansweredList>, ApiError> {
    authorize(&state, client, &headers)?;
    let items = state
        .dialogue
        .unanswered()
        .entries()
        .into_iter()
        .map(|e| UnansweredItem {
            question: e.question,
            reason: e.reason.as_str().to_string(),
            count: e.count,
            last_seen: e
                .last_seen
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        })
        .collect();
    Ok(Json(UnansweredList { items }))
}
