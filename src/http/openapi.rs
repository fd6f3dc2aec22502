//! The OpenAPI 3.1 document, generated from the wire types and handler annotations.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "madoguchi",
        description = "Kumamoto support programs for small businesses, answered with cited terms."
    ),
    paths(
        super::chat,
        super::programs,
        super::program,
        super::health,
        super::desk::unanswered,
        super::admin::reload_handler
    ),
    components(schemas(
        super::wire::ChatRequest,
        super::wire::ChatResponse,
        super::wire::ProgramWire,
        super::wire::QuoteWire,
        super::wire::EstimateWire,
        super::wire::FollowUpWire,
        super::wire::SessionWire,
        super::wire::SourceWire,
        super::wire::ProgramSummary,
        super::wire::ProgramDetail,
        super::wire::Health,
        super::error::ErrorBody,
        super::desk::UnansweredList,
        super::desk::UnansweredItem,
        super::admin::Reloaded
    ))
)]
struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
