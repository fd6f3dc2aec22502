//! `GET /api/v1/programs` and `GET /api/v1/programs/{id}`: the corpus as data, every quoted term
//! with its citation.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use crate::http::api::limited;
use crate::http::{ApiError, AppState, ProgramDetail, ProgramSummary, json};

pub(in crate::http) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs", get(programs))
        .route("/api/v1/programs/{id}", get(program))
}

errors!(ProgramsErrors = [limited()]);
errors!(
    ProgramErrors = [
        limited(),
        [ApiError::NotFound {
            what: "program \"…\"".into()
        }],
    ]
);

/// List every program and menu.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, description = "Every program and menu", body = [ProgramSummary<'static>]),
        ProgramsErrors))]
pub(in crate::http) async fn programs(State(state): State<AppState>) -> Response {
    let engine = state.dialogue.engine();
    let list: Vec<ProgramSummary<'_>> = engine
        .corpus
        .programs
        .iter()
        .map(ProgramSummary::from)
        .collect();
    json(&list)
}

/// One program's whole record.
///
/// Every quoted term with its citation, the contacts, the menus and the source document.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = String, Path, description = "a program or menu id")),
    responses((status = 200, description = "The record", body = ProgramDetail<'static>),
        ProgramErrors))]
pub(in crate::http) async fn program(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let engine = state.dialogue.engine();
    let corpus = &engine.corpus;
    let p = corpus.get(&id).ok_or_else(|| ApiError::NotFound {
        what: format!("program {id:?}"),
    })?;
    let period = crate::dialogue::compose::period_note(p, state.dialogue.today());
    Ok(json(&ProgramDetail::new(p, corpus, &period)))
}
