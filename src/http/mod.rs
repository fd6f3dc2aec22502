//! The HTTP API: `app(state)` builds the router that `serve`, the `oneshot` tests and the
//! port-0 tests all use. Chat, programs, health, metrics, the OpenAPI document, the widget and
//! help-desk assets, and the admin reload; every client error is a JSON 4xx (see [`error`]),
//! every refusal under load a JSON 429/503 (see [`guard`]).

mod admin;
mod desk;
mod error;
mod guard;
mod metrics;
mod openapi;
mod sessions;
mod web;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use admin::{Reloaded, reload};
pub use desk::{UnansweredItem, UnansweredList};
pub use error::ApiError;
pub use guard::{Limits, RateLimit};
pub use metrics::Metrics;
pub use sessions::{RedisSessions, Sessions};
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
    /// The operator token for `POST /api/v1/admin/reload`; `None` disables it.
    pub admin_token: Option<Arc<str>>,
    /// Where a reload reads the corpus from.
    pub corpus_dir: PathBuf,
    pub limits: Limits,
    pub rate: RateLimit,
    pub metrics: Arc<Metrics>,
    /// Where conversations live (in this process by default).
    pub sessions: Sessions,
}

impl AppState {
    /// A state with the default limits, the console and admin API disabled, same origin only.
    pub fn new(dialogue: Arc<Dialogue>) -> Self {
        let limits = Limits::default();
        Self {
            dialogue,
            desk_token: None,
            allow_origins: Vec::new(),
            admin_token: None,
            corpus_dir: crate::corpus::default_dir(),
            rate: RateLimit::new(&limits),
            limits,
            metrics: Arc::new(Metrics::default()),
            sessions: Sessions::Memory,
        }
    }
}

/// The router of the whole API, with every layer.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .route("/widget.js", get(web::widget))
        .route("/demo", get(web::demo))
        .route("/desk", get(desk::page))
        .route("/desk.js", get(web::desk_js))
        .route("/desk.css", get(web::desk_css))
        .route("/api/v1/desk/unanswered", get(desk::unanswered))
        .route("/api/v1/admin/reload", post(admin::reload_handler))
        .route("/api/v1/chat", post(chat))
        .route("/api/v1/programs", get(programs))
        .route("/api/v1/programs/{id}", get(program))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics::render))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    with_layers(routes, &state).with_state(state)
}

/// The layers every route gets, outermost first: request id, tracing, metrics, panic catching,
/// load shedding / concurrency limit / timeout, the rate limit, CORS and the body limit. Public
/// so a test can put a route of its own (one that panics) under exactly these layers.
pub fn with_layers(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let limits = state.limits;
    routes
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors(&state.allow_origins))
        .layer(axum::middleware::from_fn_with_state(
            state.rate.clone(),
            guard::rate_limit,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(guard::overload))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    limits.max_concurrency,
                ))
                .timeout(limits.request_timeout),
        )
        .layer(CatchPanicLayer::custom(guard::panic_response))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
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
    let turn = match &state.sessions {
        Sessions::Memory => state.dialogue.respond(req.session_id.as_deref(), message),
        Sessions::Redis(store) => {
            let (id, mut session, status) = store.take(req.session_id.as_deref()).await;
            let turn = state
                .dialogue
                .turn(id.clone(), &mut session, status, message);
            if status != crate::dialogue::SessionStatus::Degraded {
                store.put(&id, &session).await;
            }
            turn
        }
    };
    state.metrics.outcome(match turn.reply {
        crate::dialogue::Reply::Answer { .. } => "answer",
        crate::dialogue::Reply::Clarify { .. } => "clarify",
        crate::dialogue::Reply::NoMatch { .. } => "no_match",
    });
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
    let (status, backend) = match &state.sessions {
        Sessions::Memory => ("ok", "memory"),
        Sessions::Redis(r) if r.is_healthy() => ("ok", "redis"),
        Sessions::Redis(_) => ("degraded", "redis"),
    };
    Json(Health {
        status: status.to_string(),
        session_store: backend.to_string(),
        programs: engine.corpus.programs.len(),
        quotes: engine.corpus.term_count(),
        index_bytes: engine.index.size_bytes(),
        sessions: state.dialogue.sessions().len(),
        as_of: engine.corpus.primary().info.year.clone(),
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

/// Runs the server on `addr` until Ctrl-C or SIGTERM, then drains in-flight requests. SIGHUP
/// reloads the corpus (see [`reload`]).
pub async fn serve(state: AppState, addr: SocketAddr, started: Instant) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(
        "madoguchi listening on http://{local} (start-up {:.1} ms, {} programs)",
        started.elapsed().as_secs_f64() * 1000.0,
        state.dialogue.engine().corpus.programs.len()
    );
    spawn_housekeeping(state.clone());
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// Background work of a running server: SIGHUP reloads, and the rate limiter forgets idle
/// clients once a minute.
fn spawn_housekeeping(state: AppState) {
    if let Sessions::Redis(store) = &state.sessions {
        let store = store.clone();
        tokio::spawn(async move {
            // Health recovers within a second of Redis coming back, even without traffic.
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                store.ping().await;
            }
        });
    }
    let rate = state.rate.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            rate.prune();
        }
    });
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("SIGHUP cannot be watched here; use POST /api/v1/admin/reload");
            return;
        };
        while hup.recv().await.is_some() {
            let s = state.clone();
            // The result is logged inside `reload`; a refused reload leaves the old corpus.
            let _ = tokio::task::spawn_blocking(move || reload(&s)).await;
        }
    });
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
