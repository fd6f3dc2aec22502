//! The HTTP API: `app(state)` builds the router that `serve`, the `oneshot` tests and the
//! port-0 tests all use. Chat, programs, health and the OpenAPI document; every client error
//! is a JSON 4xx (see [`error`]).

mod desk;
mod error;
mod openapi;
mod web;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

pub use desk::{UnansweredItem, UnansweredList};
pub use error::ApiError;
pub use web::widget_bytes;
pub use wire::{
    ChatRequest, ChatResponse, EstimateWire, FollowUpWire, Health, ProgramDetail, ProgramSummary,
    ProgramWire, QuoteWire, SessionWire, SourceWire,
};

use crate::dialogue::Dialogue;

/// Largest request body accepted (413 beyond). A chat message is at most a few KiB of UTF-8.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest message accepted, in characters (422 beyond): far more than anyone types into a
/// chat box, short enough that analysis stays fast.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub dialogue: Arc<Dialogue>,
    /// The help-desk staff token; `None` disables the console and its APIs.
    pub desk_token: Option<Arc<str>>,
    /// Origins allowed to call the API from another site (the widget embedded elsewhere).
    /// Empty: same origin only.
    pub allow_origins: Vec<String>,
}

impl AppState {
    /// A state with the console disabled and same-origin only.
    pub fn new(dialogue: Arc<Dialogue>) -> Self {
        Self {
            dialogue,
            desk_token: None,
            allow_origins: Vec::new(),
        }
    }
}

/// The router of the whole API.
pub fn app(state: AppState) -> Router {
    let cors = cors(&state.allow_origins);
    Router::new()
        .route("/widget.js", get(web::widget))
        .route("/demo", get(web::demo))
        .route("/desk", get(desk::page))
        .route("/desk.js", get(web::desk_js))
        .route("/desk.css", get(web::desk_css))
        .route("/api/v1/desk/unanswered", get(desk::unanswered))
        .route("/api/v1/chat", post(chat))
        .route("/api/v1/programs", get(programs))
        .route("/api/v1/programs/{id}", get(program))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/healthz", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The CORS policy: only the configured origins may call the API cross-site (an invalid origin
/// string is skipped, and `serve` refuses to start with one: see `cli`).
fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}

/// Answers one chat message.
#[utoipa::path(post, path = "/api/v1/chat", request_body = ChatRequest,
    responses((status = 200, body = ChatResponse), (status = 400, body = error::ErrorBody),
        (status = 413, body = error::ErrorBody), (status = 415, body = error::ErrorBody),
        (status = 422, body = error::ErrorBody)))]
async fn chat(
    State(state): State<AppState>,
    body: Result<Json<ChatRequest>, JsonRejection>,
) -> Result<Json<ChatResponse>, ApiError> {
    let Json(req) = body?;
    let message = req.message.trim();
    if message.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_message",
            "\"message\" が空です。ご相談の内容を入力してください。",
            "\"message\" is empty: send what the person typed.",
        ));
    }
    let chars = message.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "message_too_long",
            format!("\"message\" が長すぎます（{chars} 文字、上限 {MAX_MESSAGE_CHARS} 文字）。"),
            format!("\"message\" has {chars} characters; the limit is {MAX_MESSAGE_CHARS}."),
        ));
    }
    // Analysis is CPU work of well under a millisecond; it runs on the request task.
    let turn = state.dialogue.respond(req.session_id.as_deref(), message);
    Ok(Json(ChatResponse::new(
        &turn,
        &state.dialogue.engine().corpus,
    )))
}

/// Every program and menu.
#[utoipa::path(get, path = "/api/v1/programs", responses((status = 200, body = [ProgramSummary])))]
async fn programs(State(state): State<AppState>) -> Json<Vec<ProgramSummary>> {
    let corpus = &state.dialogue.engine().corpus;
    Json(corpus.programs.iter().map(ProgramSummary::from).collect())
}

/// One program's whole record: every quoted term with its citation, contacts and menus.
#[utoipa::path(get, path = "/api/v1/programs/{id}", params(("id" = String, Path, description = "a program or menu id")),
    responses((status = 200, body = ProgramDetail), (status = 404, body = error::ErrorBody)))]
async fn program(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProgramDetail>, ApiError> {
    let corpus = &state.dialogue.engine().corpus;
    let p = corpus
        .get(&id)
        .ok_or_else(|| ApiError::not_found(&format!("program {id:?}")))?;
    Ok(Json(ProgramDetail::new(p, corpus)))
}

/// Whether the corpus and index are loaded.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
async fn health(State(state): State<AppState>) -> Json<Health> {
    let engine = state.dialogue.engine();
    Json(Health {
        status: "ok".to_string(),
        programs: engine.corpus.programs.len(),
        quotes: engine.corpus.term_count(),
        index_bytes: engine.index.size_bytes(),
        sessions: state.dialogue.sessions().len(),
        as_of: engine.corpus.info.year.clone(),
    })
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(&format!("route {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} {} には対応していません。", method, uri.path()),
        format!("{} is not allowed on {}.", method, uri.path()),
    )
    .into_response()
}

/// Runs the server on `addr` until Ctrl-C or SIGTERM, then drains in-flight requests.
pub async fn serve(state: AppState, addr: SocketAddr, started: Instant) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(
        "madoguchi listening on http://{local} (start-up {:.1} ms, {} programs)",
        started.elapsed().as_secs_f64() * 1000.0,
        state.dialogue.engine().corpus.programs.len()
    );
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
