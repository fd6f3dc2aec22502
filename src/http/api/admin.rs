//! Operations: `POST /api/v1/admin/reload` re-reads `corpus/`, verifies it and swaps it in
//! atomically (the same as SIGHUP); a broken edit is refused with the loader's message and the
//! old corpus keeps serving. Disabled without `--admin-token`.

use std::time::Instant;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::api::limited;
use crate::http::{ApiError, AppState, Client, transport::auth};

/// A successful reload.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reloaded {
    /// Always "reloaded".
    pub status: String,
    pub programs: usize,
    pub quotes: usize,
    pub sha256: String,
    pub took_ms: f64,
}

pub(in crate::http) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/admin/reload", post(reload_handler))
}

errors!(
    ReloadErrors = [
        limited(),
        [
            ApiError::Unauthorized {
                realm: "admin",
                wrong: true,
            },
            ApiError::TooManyFailures { retry_after: 1 },
            ApiError::AdminDisabled,
            ApiError::CorpusInvalid {
                detail: "…".into()
            },
            ApiError::Internal,
        ],
    ]
);

fn disabled() -> ApiError {
    ApiError::AdminDisabled
}

/// Reloads the corpus from the directory the server was started with.
pub fn reload(state: &AppState) -> Result<Reloaded, ApiError> {
    let start = Instant::now();
    let result = state.dialogue.reload(&state.corpus_dir);
    state.metrics.reload(result.is_ok());
    match result {
        Ok(engine) => {
            tracing::info!(
                programs = engine.corpus.programs.len(),
                "corpus reloaded from {}",
                state.corpus_dir.display()
            );
            Ok(Reloaded {
                status: "reloaded".to_string(),
                programs: engine.corpus.programs.len(),
                quotes: engine.corpus.term_count(),
                sha256: engine.corpus.primary().info.sha256.clone(),
                took_ms: start.elapsed().as_secs_f64() * 1000.0,
            })
        }
        Err(e) => {
            tracing::warn!("corpus reload refused, the old corpus keeps serving: {e}");
            Err(ApiError::CorpusInvalid {
                detail: e.to_string(),
            })
        }
    }
}

/// Reload the corpus.
///
/// Re-reads and verifies `corpus/` and swaps it in atomically; a broken edit is refused (422)
/// and the old corpus keeps serving. Needs the admin token.
#[utoipa::path(post, path = "/api/v1/admin/reload", tag = "admin", security(("admin_token" = [])),
    responses((status = 200, description = "Reloaded", body = Reloaded),
        ReloadErrors))]
pub(in crate::http) async fn reload_handler(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
) -> Result<Json<Reloaded>, ApiError> {
    auth::check(
        state.admin_token.as_ref(),
        state.per_client.failures(),
        client,
        &headers,
        "admin",
        disabled,
    )?;
    // Loading is CPU and file work of some tens of milliseconds: keep it off the async workers.
    let s = state.clone();
    let result = tokio::task::spawn_blocking(move || reload(&s))
        .await
        .map_err(|e| {
            tracing::error!("reload task failed: {e}");
            ApiError::Internal
        })?;
    result.map(Json)
}
