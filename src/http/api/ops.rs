//! Operations: `GET /healthz` (is the corpus loaded, is the session store reachable) and
//! `GET /metrics` (OpenMetrics), both outside the request limits so a monitor can tell busy
//! from down; and `GET /api/v1/openapi.json`, under the limits like any other document.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use super::openapi;
use crate::http::{AppState, Health, transport::metrics};

/// The routes outside the request limits: both are cheap and read only in-memory state.
pub(in crate::http) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(metrics::render))
}

/// The API description, under the limits.
pub(in crate::http) fn documents() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi::document))
}

/// Report whether the service is ready.
///
/// `status` is "ok", or "degraded" when a shared session store or the database cannot be
/// reached (answers go on).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Health", body = Health)))]
pub(in crate::http) async fn health(State(state): State<AppState>) -> Json<Health> {
    let engine = state.dialogue.engine();
    let store = state.dialogue.sessions();
    let db = state.database.as_ref();
    let healthy = store.is_healthy() && db.is_none_or(|d| d.is_healthy());
    Json(Health {
        status: if healthy { "ok" } else { "degraded" }.to_string(),
        session_store: store.backend().to_string(),
        database: db.map_or("none", |d| d.backend().as_str()).to_string(),
        database_pending: db.map_or(0, |d| d.journal().pending()),
        database_error: db.and_then(|d| d.problem()).map(|k| k.as_str().to_string()),
        programs: engine.corpus.programs.len(),
        quotes: engine.corpus.term_count(),
        index_bytes: engine.index.size_bytes(),
        sessions: store.count().unwrap_or(0),
        as_of: engine.corpus.primary().info.year.clone(),
    })
}
