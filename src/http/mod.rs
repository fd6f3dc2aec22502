//! The HTTP API: `app(state)` builds the router that `serve`, the `oneshot` tests and the
//! port-0 tests all use, from one router per area — chat, programs, desk, admin, web assets,
//! operations (health, metrics, OpenAPI), and the MCP service of [`crate::mcp`] at `/mcp` —
//! under the layers every route gets. Every client error is a JSON 4xx (see [`error`]), every
//! refusal under load a JSON 429/503 (see [`guard`]).

mod admin;
mod chat;
mod config;
mod desk;
mod error;
mod guard;
mod metrics;
mod openapi;
mod ops;
mod programs;
mod serve;
mod sessions;
mod web;
mod wire;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use admin::{Reloaded, reload};
pub use chat::{MAX_BODY_BYTES, MAX_MESSAGE_CHARS};
pub use config::ServeConfig;
pub use desk::{UnansweredItem, UnansweredList};
pub use error::ApiError;
pub use guard::{Limits, RateLimit};
pub use metrics::Metrics;
pub use serve::serve;
pub use sessions::RedisSessions;
pub use web::widget_bytes;
pub use wire::{
    ChatRequest, ChatResponse, EstimateWire, FollowUpWire, Health, ProgramDetail, ProgramSummary,
    ProgramWire, QuoteWire, SessionWire, SourceWire,
};

use crate::dialogue::Dialogue;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The dialogue, with its engine and its session store.
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
    /// The `Host` names `/mcp` answers to, against DNS rebinding (empty: any).
    pub mcp_allowed_hosts: Vec<String>,
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
            mcp_allowed_hosts: LOOPBACK_HOSTS.iter().map(|h| h.to_string()).collect(),
        }
    }
}

/// The `Host` names `/mcp` answers to by default: a server reached on loopback only.
pub const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The router of the whole API, with every layer. `/mcp` is the MCP service (streamable HTTP)
/// over the same dialogue, under the same layers as the API.
pub fn app(state: AppState) -> Router {
    let mcp = crate::mcp::http_service(state.dialogue.clone(), &state.mcp_allowed_hosts);
    let routes = Router::new()
        .nest_service("/mcp", mcp)
        .merge(chat::router())
        .merge(programs::router())
        .merge(desk::router())
        .merge(admin::router())
        .merge(web::router())
        .merge(ops::router())
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
/// string is skipped, and `serve` refuses to start with one: see [`ServeConfig`]).
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

/// A JSON response serialized from borrowed wire types. The buffer starts at the size of a
/// typical answer (a few KiB) so serializing does not grow it step by step.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Response {
    let mut body = Vec::with_capacity(8 * 1024);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("serializing a response failed: {e}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "内部エラーが発生しました。",
                "An internal error occurred.",
            )
            .into_response()
        }
    }
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
