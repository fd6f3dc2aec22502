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
        super::chat::chat,
        super::programs::programs,
        super::programs::program,
        super::ops::health,
        super::consult::handoff,
        super::consult::consult,
        super::consult::feedback,
        super::desk::consultations,
        super::desk::consultations_csv,
        super::desk::update,
        super::desk::conversations,
        super::desk::conversations_csv,
        super::desk::unanswered,
        super::desk::unanswered_csv,
        super::desk::tallies,
        super::admin::reload_handler
    ),
    modifiers(&Security),
    tags(
        (name = "chat", description = "A conversation with the help desk"),
        (name = "programs", description = "The support programs, with every quoted term"),
        (name = "handoff", description = "Asking for a person at the 窓口, and feedback on answers"),
        (name = "desk", description = "The help-desk console's data (staff token)"),
        (name = "admin", description = "Operations on the running service (admin token)"),
        (name = "operations", description = "Health")
    ),
    components(schemas(
        crate::wire::ChatRequest,
        crate::wire::ChatResponse<'static>,
        crate::wire::ProgramWire<'static>,
        crate::wire::QuoteWire<'static>,
        crate::wire::EstimateWire<'static>,
        crate::wire::PeriodWire<'static>,
        crate::wire::ApplicantWire<'static>,
        crate::wire::FollowUpWire<'static>,
        crate::wire::SessionWire,
        crate::wire::SourceWire<'static>,
        crate::wire::ProgramSummary<'static>,
        crate::wire::ProgramDetail<'static>,
        crate::wire::Health,
        crate::wire::ErrorBody,
        super::consult::ConsultationRequest,
        super::consult::Created,
        super::consult::Handoff,
        super::consult::FeedbackRequest,
        super::desk::UnansweredList,
        super::desk::ConsultationList,
        super::desk::ConversationList,
        super::desk::TallyList,
        super::desk::ConsultationPatch,
        crate::wire::desk::UnansweredRow,
        crate::wire::desk::Consultation,
        crate::wire::desk::SharedTurn,
        crate::wire::desk::Status,
        crate::wire::desk::ConversationView,
        crate::wire::desk::TurnView,
        crate::wire::desk::Tally,
        super::admin::Reloaded
    ))
)]
struct ApiDoc;

/// The two bearer tokens the operations reference: the desk's and the admin's.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let bearer = |what: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(what.to_string()))
                    .build(),
            )
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "desk_token",
            bearer("The help-desk staff token (--desk-token)"),
        );
        components.add_security_scheme("admin_token", bearer("The operator token (--admin-token)"));
    }
}

/// `GET /api/v1/openapi.json`.
pub(in crate::http) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
