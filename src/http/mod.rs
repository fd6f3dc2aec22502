//! The HTTP API: `app(state)` builds the router that `serve`, the `oneshot` tests and the
//! port-0 tests all use, from one router per area — chat, programs, desk, admin, web assets,
//! operations (health, metrics, OpenAPI), the MCP service of [`crate::mcp`] at `/mcp`, and the
//! LINE webhook of [`crate::line`] when configured —
//! under the layers every route gets. Every client error is a JSON 4xx (see [`error`]), every
//! refusal under load a JSON 429/503 (see [`transport::guard`]). `/healthz` and `/metrics` stay outside
//! the request limits, so a monitor sees a busy server as busy rather than down.

mod api;
mod startup;
mod transport;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

pub use crate::wire::{
    ApiError, ChatRequest, ChatResponse, EstimateWire, FollowUpWire, Health, ProgramDetail,
    ProgramSummary, ProgramWire, QuoteWire, SessionWire, SourceWire,
};
pub use api::admin::{Reloaded, reload};
pub use api::chat::{MAX_BODY_BYTES, MAX_MESSAGE_CHARS};
pub use api::consult::{
    ConsultationRequest, Created, FeedbackRequest, Handoff, MAX_COMMENT, MAX_CONTACT, MAX_MESSAGE,
    MAX_NAME, MAX_ORGANIZATION, MAX_PREFERRED_TIME,
};
pub use api::desk::{
    ConsultationList, ConsultationPatch, ConversationList, MAX_NOTE, TallyList, UnansweredList,
};
pub use api::web::widget_bytes;
pub use startup::config::ServeConfig;
pub use startup::serve;
pub use transport::auth::Token;
pub use transport::client::{Cidr, Client, ClientKey, TrustedProxies};
pub use transport::guard::{Limits, PerClient};
pub use transport::metrics::Metrics;

use crate::dialogue::Dialogue;

/// What every handler shares. Cloned for every request (axum hands each handler its own), so
/// every field is a reference count or a small copy, never an allocation.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The dialogue, with its engine and its session store.
    pub dialogue: Arc<Dialogue>,
    /// The help-desk staff token; `None` disables the console and its APIs.
    pub desk_token: Option<Token>,
    /// Origins allowed to call the API from another site (the widget embedded elsewhere).
    /// Empty: same origin only.
    pub allow_origins: Arc<[String]>,
    /// The operator token for `POST /api/v1/admin/reload`; `None` disables it.
    pub admin_token: Option<Token>,
    /// Where a reload reads the corpus from.
    pub corpus_dir: Arc<Path>,
    /// The reverse proxies whose `X-Forwarded-For` / `Forwarded` is believed.
    pub trusted_proxies: TrustedProxies,
    /// Read-only here: set with [`AppState::set_limits`], which rebuilds `per_client` to match.
    pub limits: Limits,
    /// What is counted per client under `limits`.
    pub per_client: PerClient,
    pub metrics: Arc<Metrics>,
    /// The `Host` names `/mcp` answers to, against DNS rebinding (empty: any), and whose pages
    /// it takes requests from (`Origin`; besides `allow_origins`).
    /// Shared, not owned: axum clones the state for every request.
    pub mcp_allowed_hosts: Arc<[String]>,
    /// The desk's database (consultation requests, feedback, conversations, the unanswered
    /// log); `None`: nothing is kept and those APIs answer 404.
    pub database: Option<crate::database::Database>,
    /// Days personal data is kept in the database.
    pub retention_days: u32,
    /// The LINE channel, mounted at `/line/webhook` when configured.
    pub line: Option<Arc<crate::line::Line>>,
}

impl AppState {
    /// A state with the default limits, the console and admin API disabled, same origin only.
    pub fn new(dialogue: Arc<Dialogue>) -> Self {
        let limits = Limits::default();
        Self {
            dialogue,
            desk_token: None,
            allow_origins: Arc::from([]),
            admin_token: None,
            corpus_dir: crate::corpus::default_dir().into(),
            trusted_proxies: TrustedProxies::default(),
            per_client: PerClient::new(&limits),
            limits,
            metrics: Arc::new(Metrics::default()),
            mcp_allowed_hosts: LOOPBACK_HOSTS.iter().map(|h| h.to_string()).collect(),
            database: None,
            retention_days: DEFAULT_RETENTION_DAYS,
            line: None,
        }
    }

    /// Sets the limits, and starts the per-client counts afresh under them.
    pub fn set_limits(&mut self, limits: Limits) {
        self.per_client = PerClient::new(&limits);
        self.limits = limits;
    }
}

/// Days personal data is kept unless `--retention-days` says otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// The `Host` names `/mcp` answers to by default: a server reached on loopback only.
pub const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The router of the whole API, with every layer. `/mcp` is the MCP service (streamable HTTP)
/// over the same dialogue, under the same layers as the API, behind its Host and Origin checks
/// (see [`transport::mcp_edge`]).
pub fn app(state: AppState) -> Router {
    let mcp = Router::new()
        .nest_service(
            "/mcp",
            crate::mcp::http_service(state.dialogue.clone(), &state.mcp_allowed_hosts),
        )
        .layer(axum::middleware::from_fn_with_state(
            transport::mcp_edge::Allowed::new(&state),
            transport::mcp_edge::guard,
        ));
    let line = state
        .line
        .clone()
        .map(crate::line::router)
        .unwrap_or_default();
    let routes = mcp
        .merge(line)
        .merge(api::chat::router())
        .merge(api::consult::router())
        .merge(api::programs::router())
        .merge(api::desk::router())
        .merge(api::admin::router())
        .merge(api::web::router())
        .merge(api::ops::documents());
    with_layers(routes, &state).with_state(state)
}

/// `routes` under the request limits, next to the health and metrics routes outside them, and
/// everything under the layers every answer gets. Public so a test can put a route of its own
/// (one that panics, one that waits) under exactly these layers.
///
/// Inside the limits, outermost first: the client's rate and its requests in flight (429), the
/// body read under its deadline (408, 413), then one of the global slots (503 when none is
/// free) and the request timeout (503). Around everything, outermost first: CORS (so that every
/// answer to an allowed origin, a 429 or 503 included, carries its header and a preflight is
/// answered before any limit), the security headers, the request id, tracing, working out the
/// client, metrics, and panics → 500 JSON.
pub fn with_layers(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let limits = state.limits;
    let limited = routes
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(transport::guard::overload))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    limits.max_concurrency,
                ))
                .timeout(limits.request_timeout),
        )
        .layer(axum::middleware::from_fn_with_state(
            limits.body_timeout,
            transport::guard::read_body,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.per_client.clone(),
            transport::guard::per_client,
        ));
    Router::new()
        .merge(api::ops::router())
        .merge(limited)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(transport::guard::panic_response))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            transport::metrics::track,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            transport::client::identify,
        ))
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
        .layer(axum::middleware::from_fn(transport::headers::request_id))
        .layer(axum::middleware::from_fn(transport::headers::security))
        .layer(cors(&state.allow_origins))
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
        // So the widget can tell a person how long to wait after a 429 or 503.
        .expose_headers([header::RETRY_AFTER])
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
            ApiError::Internal.into_response()
        }
    }
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::RouteNotFound {
        path: uri.path().to_string(),
    }
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
    .into_response()
}
