//! `GET /api/v1/programs` and `GET /api/v1/programs/{id}`: the corpus as data, every quoted term
//! with its citation.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

use super::error::ErrorBody;
use super::{ApiError, AppState, ProgramDetail, ProgramSummary};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs", get(programs))
        .route("/api/v1/programs/{id}", get(program))
}

/// List every program and menu.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, description = "Every program and menu", body = [ProgramSummary]),
        (status = 429, description = "Too many requests from this client", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub(super) async fn programs(State(state): State<AppState>) -> Json<Vec<ProgramSummary>> {
    let engine = state.dialogue.engine();
    Json(
        engine
            .corpus
            .programs
            .iter()
            .map(ProgramSummary::from)
            .collect(),
    )
}

/// One program's whole record.
///
/// Every quoted term with its citation, the contacts, the menus and the source document.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = String, Path, description = "a program or menu id")),
    responses((status = 200, description = "The record", body = ProgramDetail),
        (status = 404, description = "No such id", body = ErrorBody),
        (status = 429, description = "Too many requests from this client", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub(super) async fn program(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProgramDetail>, ApiError> {
    let engine = state.dialogue.engine();
    let corpus = &engine.corpus;
    let p = corpus
        .get(&id)
        .ok_or_else(|| ApiError::not_found(&format!("program {id:?}")))?;
    Ok(Json(ProgramDetail::new(p, corpus)))
}
