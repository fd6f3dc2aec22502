//! The two public writes: `POST /api/v1/consultations` (an owner asks for a person at the
//! 窓口: the handoff) and `POST /api/v1/feedback` (👍/👎 on the latest answer). Every field is
//! checked here and a fault is a 422 naming the field; a hidden character (`text::clean`:
//! controls, bidi controls, zero-width) is refused in a one-line field and removed from free
//! text. Both are rate-limited per client apart from chat; neither stores an address.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::database::{Database, DbError, FeedbackOutcome, NewConsultation, now};
use crate::http::api::{json_body, limited, storage};
use crate::http::{ApiError, AppState, Client};
use crate::text::{is_hidden, strip_hidden};

/// Longest accepted value of each field, in characters.
pub const MAX_NAME: usize = 50;
pub const MAX_ORGANIZATION: usize = 100;
pub const MAX_CONTACT: usize = 254;
pub const MAX_PREFERRED_TIME: usize = 100;
pub const MAX_MESSAGE: usize = 2_000;
pub const MAX_COMMENT: usize = 1_000;
const MAX_SESSION_ID: usize = 128;

/// `POST /api/v1/consultations`: a request for a person at the 窓口 to get in touch. The
/// patterns say what `check_consultation` accepts: in the one-line fields no control, bidi
/// control (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069) or zero-width character
/// (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E): 422 naming the field; in the message they are
/// removed (line breaks and tabs kept); a required field not blank; a contact that is a phone
/// number (10–15 digits with spaces, hyphens, parentheses, a leading +) or an e-mail address (no
/// white space, control characters or `@<>,;"()` besides the one @, a dot in the domain).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsultationRequest {
    /// The conversation to send with the request (its questions and the programs shown).
    #[schema(value_type = Option<String>, max_length = 128, pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$")]
    pub session_id: Option<String>,
    /// お名前. Refused (422) if it holds a control, bidi-control or zero-width character.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff][^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$")]
    pub name: Option<String>,
    /// 事業所名. Refused (422) if it holds a control, bidi-control or zero-width character.
    #[schema(value_type = Option<String>, max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$")]
    pub organization: Option<String>,
    /// A phone number (10–15 digits) or an e-mail address; full-width characters are accepted
    /// and normalized. Refused (422) if it holds a control, bidi-control or zero-width character.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 254, pattern = r#"^(\+?[ ()-]*([0-9][ ()-]*){10,15}|[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff@<>,;"()]{1,64}@[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff@<>,;"().]+(\.[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff@<>,;"().]+)+)$"#)]
    pub contact: Option<String>,
    /// ご都合のよい連絡時間. Refused (422) if it holds a control, bidi-control or zero-width character.
    #[schema(value_type = Option<String>, max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$")]
    pub preferred_time: Option<String>,
    /// ご相談内容. Control characters other than line breaks and tabs, bidi-control and
    /// zero-width characters are removed (a CRLF line break is kept as LF); the length is
    /// checked on what was sent, "not blank" on what remains.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000, pattern = r"^[\s\S]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff][\s\S]*$")]
    pub message: Option<String>,
    /// The person agrees to their request (and conversation) being sent to the 窓口: must be
    /// true (false or missing: 422).
    #[schema(schema_with = must_be_true, required = true)]
    pub consent: Option<bool>,
}

/// The schema of a flag that must be set: a boolean whose only accepted value is true.
fn must_be_true() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Boolean))
        .enum_values(Some([true]))
        .description(Some(
            "Must be true: the person consents to sending this to the 窓口.",
        ))
        .build()
}

/// The stored request's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// `POST /api/v1/feedback`: 👍/👎 on the latest answer of a conversation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackRequest {
    /// The conversation whose latest answer this is about. Refused (422) if it holds a control, bidi-control or zero-width character.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 128, pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff][^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$")]
    pub session_id: Option<String>,
    /// 👍 true, 👎 false.
    #[schema(value_type = bool, required = true)]
    pub helpful: Option<bool>,
    /// Control characters other than line breaks and tabs, bidi-control and zero-width
    /// characters are removed (as in a consultation's message).
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub comment: Option<String>,
}

/// `GET /api/v1/handoff`: what the widget's form needs to know before it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct Handoff {
    /// Whether consultation requests and feedback can be taken (a database is configured).
    pub available: bool,
    /// Days personal data is kept before it is deleted.
    pub retention_days: u32,
}

pub(in crate::http) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/handoff", axum::routing::get(handoff))
        .route("/api/v1/consultations", post(consult))
        .route("/api/v1/feedback", post(feedback))
}

errors!(HandoffErrors = [limited()]);
errors!(
    ConsultErrors = [
        limited(),
        json_body(),
        storage(),
        [
            ApiError::Required {
                field: "name",
                label: label("name"),
            },
            ApiError::TooLong {
                field: "name",
                label: label("name"),
                chars: MAX_NAME + 1,
                max: MAX_NAME,
            },
            ApiError::HiddenCharacter {
                field: "name",
                label: label("name"),
                character: '\u{200b}',
            },
            ApiError::Contact,
            ApiError::ConsentRequired,
            ApiError::TooManyWrites { retry_after: 1 },
        ],
    ]
);
errors!(
    FeedbackErrors = [
        limited(),
        json_body(),
        storage(),
        [
            ApiError::Required {
                field: "session_id",
                label: label("session_id"),
            },
            ApiError::HelpfulRequired,
            ApiError::TooLong {
                field: "comment",
                label: label("comment"),
                chars: MAX_COMMENT + 1,
                max: MAX_COMMENT,
            },
            ApiError::NoConversation,
            ApiError::FeedbackGiven,
            ApiError::TooManyWrites { retry_after: 1 },
        ],
    ]
);

/// Whether the handoff is available.
///
/// Whether consultation requests and feedback are taken here, and how long personal data is
/// kept: the widget shows its 「窓口に相談する」 form and its retention notice from this.
#[utoipa::path(get, path = "/api/v1/handoff", tag = "handoff",
    responses((status = 200, description = "The handoff's availability", body = Handoff),
        HandoffErrors))]
pub(in crate::http) async fn handoff(State(state): State<AppState>) -> Json<Handoff> {
    Json(Handoff {
        available: state.database.is_some(),
        retention_days: state.retention_days,
    })
}

/// Ask for a person at the 窓口.
///
/// Stores the request for the help desk's inbox, with the conversation's questions and the
/// programs shown when `session_id` is given. `consent` must be true. No address is stored.
/// Personal data is deleted after the retention period.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "handoff", request_body = ConsultationRequest,
    responses((status = 201, description = "Stored", body = Created),
        ConsultErrors))]
pub(in crate::http) async fn consult(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req: ConsultationRequest = crate::http::api::body::object(body)?;
    let new = check_consultation(req)?;
    let db = database(&state)?;
    state.per_client.write(client)?;
    let id = db
        .add_consultation(&new, now())
        .await
        .map_err(unavailable)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Say whether an answer helped.
///
/// Records 👍/👎 and an optional comment on the latest answer of the conversation.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "handoff", request_body = FeedbackRequest,
    responses((status = 204, description = "Recorded"),
        FeedbackErrors))]
pub(in crate::http) async fn feedback(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req: FeedbackRequest = crate::http::api::body::object(body)?;
    let session = required("session_id", req.session_id.as_deref(), MAX_SESSION_ID)?;
    let Some(helpful) = req.helpful else {
        return Err(ApiError::HelpfulRequired);
    };
    let comment = optional("comment", req.comment.as_deref(), MAX_COMMENT, true)?;
    let db = database(&state)?;
    state.per_client.write(client)?;
    match db
        .feedback(&session, helpful, comment.as_deref(), now())
        .await
        .map_err(unavailable)?
    {
        FeedbackOutcome::Recorded => Ok(StatusCode::NO_CONTENT.into_response()),
        FeedbackOutcome::NoConversation => Err(ApiError::NoConversation),
        FeedbackOutcome::AlreadyGiven => Err(ApiError::FeedbackGiven),
    }
}

/// The database, or 404 when the service runs without one.
pub(in crate::http) fn database(state: &AppState) -> Result<&Database, ApiError> {
    state.database.as_ref().ok_or(ApiError::StorageDisabled)
}

/// The database failed: 503 with the reason, logged, with when to try again. Nothing was
/// stored (the writer answers only after a commit).
pub(in crate::http) fn unavailable(e: DbError) -> ApiError {
    tracing::warn!("{e}");
    ApiError::StorageUnavailable(e.kind())
}

/// Checks a consultation request field by field.
fn check_consultation(req: ConsultationRequest) -> Result<NewConsultation, ApiError> {
    let session_id = optional(
        "session_id",
        req.session_id.as_deref(),
        MAX_SESSION_ID,
        false,
    )?;
    let name = required("name", req.name.as_deref(), MAX_NAME)?;
    let organization = optional(
        "organization",
        req.organization.as_deref(),
        MAX_ORGANIZATION,
        false,
    )?;
    let contact = contact(req.contact.as_deref())?;
    let preferred_time = optional(
        "preferred_time",
        req.preferred_time.as_deref(),
        MAX_PREFERRED_TIME,
        false,
    )?;
    let message =
        optional("message", req.message.as_deref(), MAX_MESSAGE, true)?.ok_or_else(|| {
            ApiError::Required {
                field: "message",
                label: label("message"),
            }
        })?;
    if req.consent != Some(true) {
        return Err(ApiError::ConsentRequired);
    }
    Ok(NewConsultation {
        name,
        organization,
        contact,
        preferred_time,
        message,
        session_id,
    })
}

/// What the person sees a field called (the widget's labels).
fn label(field: &str) -> &'static str {
    match field {
        "name" => "お名前",
        "organization" => "事業所名",
        "contact" => "電話番号またはメールアドレス",
        "preferred_time" => "ご都合のよい連絡時間",
        "message" => "ご相談内容",
        "comment" => "コメント",
        _ => "会話の番号（session_id）",
    }
}

/// A required single-line field.
fn required(field: &'static str, value: Option<&str>, max: usize) -> Result<String, ApiError> {
    optional(field, value, max, false)?.ok_or_else(|| ApiError::Required {
        field,
        label: label(field),
    })
}

/// An optional field: trimmed, `None` when empty; at most `max` characters as sent. Free text
/// (`multiline`) then has its hidden characters removed (`None` if nothing else is left), and
/// keeps line breaks and tabs; a one-line field with a line break, a tab or a hidden character
/// is refused.
fn optional(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, ApiError> {
    // The limit is on what was sent, white space included, as the API description's
    // `maxLength` counts it.
    let chars = value.map_or(0, |v| v.chars().count());
    if chars > max {
        return Err(ApiError::TooLong {
            field,
            label: label(field),
            chars,
            max,
        });
    }
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if multiline {
        let kept = strip_hidden(v);
        let kept = kept.trim();
        return Ok((!kept.is_empty()).then(|| kept.to_string()));
    }
    if let Some(character) = v.chars().find(|&c| c.is_control() || is_hidden(c)) {
        return Err(ApiError::HiddenCharacter {
            field,
            label: label(field),
            character,
        });
    }
    Ok(Some(v.to_string()))
}

/// A phone number or an e-mail address, normalized (full-width digits and signs to ASCII): the
/// one check every channel that takes a request makes (`text::contact`).
fn contact(value: Option<&str>) -> Result<String, ApiError> {
    let raw = required("contact", value, MAX_CONTACT)?;
    crate::text::contact(&raw).ok_or(ApiError::Contact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_normalized_or_named_as_wrong() {
        // Full-width input is normalized before the check (the cases of the check itself are
        // in `text::contact`).
        assert_eq!(
            contact(Some("０９６－３３３－２３２３")).unwrap(),
            "096-333-2323"
        );
        assert_eq!(
            contact(Some("電話ください")).unwrap_err().describe().field,
            Some("contact")
        );
    }

    #[test]
    fn fields_are_named_when_wrong() {
        let base = || ConsultationRequest {
            session_id: None,
            name: Some("熊本 太郎".into()),
            organization: None,
            contact: Some("taro@example.jp".into()),
            preferred_time: None,
            message: Some("補助金の申請について相談したい".into()),
            consent: Some(true),
        };
        assert!(check_consultation(base()).is_ok());
        let field = |r| check_consultation(r).unwrap_err().describe().field;
        assert_eq!(
            field(ConsultationRequest {
                consent: Some(false),
                ..base()
            }),
            Some("consent")
        );
        assert_eq!(
            field(ConsultationRequest {
                consent: None,
                ..base()
            }),
            Some("consent")
        );
        assert_eq!(
            field(ConsultationRequest {
                name: Some("  ".into()),
                ..base()
            }),
            Some("name")
        );
        assert_eq!(
            field(ConsultationRequest {
                name: Some("あ".repeat(MAX_NAME + 1)),
                ..base()
            }),
            Some("name")
        );
        assert_eq!(
            field(ConsultationRequest {
                contact: Some("x".into()),
                ..base()
            }),
            Some("contact")
        );
        assert_eq!(
            field(ConsultationRequest {
                organization: Some("a\u{0}b".into()),
                ..base()
            }),
            Some("organization")
        );
        assert_eq!(
            field(ConsultationRequest {
                message: None,
                ..base()
            }),
            Some("message")
        );
        // Line breaks are fine in the message, not in the name.
        assert!(
            check_consultation(ConsultationRequest {
                message: Some("一行目\n二行目".into()),
                ..base()
            })
            .is_ok()
        );
        assert_eq!(
            field(ConsultationRequest {
                name: Some("a\nb".into()),
                ..base()
            }),
            Some("name")
        );
    }
}
