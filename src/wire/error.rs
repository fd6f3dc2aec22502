//! The one error of every channel's edge: [`ApiError`] names the situation a request is refused
//! in, and one `match` ([`ApiError::describe`], in `error/describe.rs`) decides its status, stable `code`, the person's
//! message (Japanese), the detail (English), the field at fault and the headers. The HTTP API,
//! the LINE webhook and the MCP tools all answer with it, as the JSON body
//! `{"error": {"code", "message", "message_ja", "message_en"}}` ([`ErrorBody`]); the OpenAPI
//! responses of a route are generated from the errors it can give ([`responses`]). Internals
//! are logged where they happen, never sent.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::response::{Response as DocResponse, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Type};

use crate::corpus::Theme;
use crate::database::ErrorKind;
use crate::dialogue::{MessageError, StoreFull};

mod describe;

/// Why a request is refused. Each variant is one situation; its status, code and messages are
/// decided in [`ApiError::describe`] and nowhere else.
#[derive(Debug, Clone)]
pub enum ApiError {
    // The request as sent.
    /// The body is not declared as JSON.
    UnsupportedMediaType,
    /// The body is not JSON.
    MalformedJson {
        detail: String,
    },
    /// The body is JSON but not an object.
    NotAnObject,
    /// The body's fields are not of the expected types.
    InvalidBody {
        detail: String,
    },
    /// The body could not be taken apart for another reason.
    UnreadableBody {
        detail: String,
    },
    /// The body is over the limit.
    BodyTooLarge {
        limit_bytes: usize,
    },
    /// The body stopped before its end.
    BodyUnreadable,
    /// The body did not arrive within the body timeout (the connection is closed after).
    BodyTimeout {
        after: Duration,
    },
    /// The query string could not be read.
    BadQuery {
        detail: String,
    },
    /// The request line or headers could not be read (answered before axum sees the request).
    MalformedHead {
        status: StatusCode,
    },
    /// The headers are over the limits.
    HeadersTooLarge,
    /// The URI is over the limit.
    UriTooLong,
    /// No route for this path.
    RouteNotFound {
        path: String,
    },
    /// The route does not take this method.
    MethodNotAllowed {
        method: String,
        path: String,
    },

    // A field of the request.
    /// A chat message that is not a `dialogue::Message` (`empty_message`, `message_too_long`).
    Message(MessageError),
    /// A required field is missing or empty. `label` names it for the person.
    Required {
        field: &'static str,
        label: &'static str,
    },
    /// A field is over its limit.
    TooLong {
        field: &'static str,
        label: &'static str,
        chars: usize,
        max: usize,
    },
    /// A one-line field holds a control, bidi-control or zero-width character.
    HiddenCharacter {
        field: &'static str,
        label: &'static str,
        character: char,
    },
    /// `contact` is neither a phone number nor an e-mail address.
    Contact,
    /// Feedback without `helpful`.
    HelpfulRequired,
    /// A consultation request without the person's consent.
    ConsentRequired,
    /// `limit` is not an integer in `1..=max`.
    LimitOutOfRange {
        max: i64,
    },
    /// `status` is not one a consultation request can have.
    UnknownStatus,

    // An MCP tool's arguments.
    EmptySituation,
    SituationTooLong {
        chars: usize,
    },
    UnknownProgramId(String),
    UnknownTheme(String),
    /// A `lang` (the chat API's or an MCP tool's) that is not a language the service answers in.
    UnknownLang(String),

    // Not here.
    /// A program, a consultation request … that does not exist.
    NotFound {
        what: String,
    },
    DeskDisabled,
    AdminDisabled,
    StorageDisabled,
    /// Feedback for a session with no stored conversation.
    NoConversation,
    /// Feedback for an answer that already has some.
    FeedbackGiven,
    /// A reload refused: the corpus on disk does not check.
    CorpusInvalid {
        detail: String,
    },

    // Who may ask, and how often.
    /// A missing or wrong bearer token; `realm` names the area in the challenge.
    Unauthorized {
        realm: &'static str,
        wrong: bool,
    },
    TooManyFailures {
        retry_after: u64,
    },
    RateLimited {
        retry_after: u64,
    },
    TooManyInFlight,
    TooManyWrites {
        retry_after: u64,
    },
    TooManySessions {
        retry_after: u64,
    },

    // In front of `/mcp`.
    BadHost,
    HostNotAllowed,
    OriginNotAllowed,
    /// An error of the MCP library that is not JSON, with its text.
    McpRefused {
        status: StatusCode,
        detail: String,
    },

    // The LINE webhook.
    SignatureMissing,
    SignatureInvalid,
    NotALineWebhook {
        detail: String,
    },

    // The service.
    /// A new conversation while every one the store holds is in progress.
    StoreFull {
        retry_after: u64,
    },
    /// The database failed; nothing was stored.
    StorageUnavailable(ErrorKind),
    Timeout,
    Overloaded,
    Unavailable,
    /// A bug (a panic, a failed serialization); the detail is logged where it happened.
    Internal,
}

/// Everything an [`ApiError`] decides.
#[derive(Debug, Clone)]
pub struct Described {
    pub status: StatusCode,
    pub code: &'static str,
    pub ja: String,
    pub en: String,
    /// The request field at fault, when one is.
    pub field: Option<&'static str>,
    /// Seconds in `Retry-After`, when the client should retry.
    pub retry_after: Option<u64>,
}

/// The code of [`ApiError::StoreFull`] (the metrics count it).
pub const TOO_MANY_CONVERSATIONS: &str = "too_many_conversations";

impl ApiError {
    /// The request field at fault.
    fn field(&self) -> Option<&'static str> {
        match self {
            ApiError::Required { field, .. }
            | ApiError::TooLong { field, .. }
            | ApiError::HiddenCharacter { field, .. } => Some(field),
            ApiError::Contact => Some("contact"),
            ApiError::HelpfulRequired => Some("helpful"),
            ApiError::ConsentRequired => Some("consent"),
            ApiError::LimitOutOfRange { .. } => Some("limit"),
            ApiError::UnknownStatus => Some("status"),
            ApiError::UnknownLang(_) => Some("lang"),
            _ => None,
        }
    }

    /// Seconds the client should wait before retrying (at least one), when it should.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyFailures { retry_after }
            | ApiError::RateLimited { retry_after }
            | ApiError::TooManyWrites { retry_after }
            | ApiError::TooManySessions { retry_after }
            | ApiError::StoreFull { retry_after } => Some((*retry_after).max(1)),
            ApiError::TooManyInFlight
            | ApiError::Timeout
            | ApiError::Overloaded
            | ApiError::Unavailable => Some(1),
            ApiError::StorageUnavailable(_) => Some(5),
            _ => None,
        }
    }

    /// The stable code (`rate_limited`, `invalid_field` …).
    pub fn code(&self) -> &'static str {
        self.describe().code
    }

    /// The headers the answer carries besides the body.
    fn headers(&self, described: &Described) -> Vec<(HeaderName, HeaderValue)> {
        let mut out = Vec::new();
        if let Some(secs) = described.retry_after {
            out.push((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        match self {
            ApiError::Unauthorized { realm, wrong } => {
                let challenge = if *wrong {
                    format!("Bearer realm=\"madoguchi {realm}\", error=\"invalid_token\"")
                } else {
                    format!("Bearer realm=\"madoguchi {realm}\"")
                };
                if let Ok(v) = HeaderValue::from_str(&challenge) {
                    out.push((header::WWW_AUTHENTICATE, v));
                }
            }
            // The rest of the body may still come: the connection cannot be reused.
            ApiError::BodyTimeout { .. } => {
                out.push((header::CONNECTION, HeaderValue::from_static("close")));
            }
            _ => {}
        }
        out
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody::from(self.describe())
    }

    /// The JSON body as text, for an answer written without axum (see `http`'s `own_answers`).
    pub fn json_body(&self) -> String {
        serde_json::to_string(&self.body()).unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let described = self.describe();
        let headers = self.headers(&described);
        let mut res = (described.status, Json(ErrorBody::from(described))).into_response();
        for (name, value) in headers {
            res.headers_mut().insert(name, value);
        }
        res
    }
}

/// A chat message that is not a [`crate::dialogue::Message`].
impl From<MessageError> for ApiError {
    fn from(e: MessageError) -> Self {
        ApiError::Message(e)
    }
}

/// A new conversation refused because every conversation the store holds is in progress, with
/// when the least recently used one stops counting as such.
impl From<StoreFull> for ApiError {
    fn from(full: StoreFull) -> Self {
        let secs = full.retry_after.as_secs() + u64::from(full.retry_after.subsec_nanos() > 0);
        ApiError::StoreFull { retry_after: secs }
    }
}

/// The error body every channel sends.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `message_too_long`.
    code: &'static str,
    /// Japanese and English, for people.
    message: String,
    message_ja: String,
    message_en: String,
    /// The request field at fault (e.g. `contact`), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
}

impl From<Described> for ErrorBody {
    fn from(d: Described) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: d.code,
                message: format!("{} / {}", d.ja, d.en),
                message_ja: d.ja,
                message_en: d.en,
                field: d.field,
            },
        }
    }
}

/// The OpenAPI responses of a route that may refuse with `errors`: one response per status,
/// its description listing each code with its English message, the `ErrorBody` schema, and
/// `Retry-After` / `WWW-Authenticate` where a variant sends them. What a route documents is
/// therefore what the enum sends, never a list typed by hand.
pub fn responses(errors: &[ApiError]) -> BTreeMap<String, RefOr<DocResponse>> {
    let mut by_status: BTreeMap<u16, Vec<(Described, &ApiError)>> = BTreeMap::new();
    for e in errors {
        let d = e.describe();
        by_status.entry(d.status.as_u16()).or_default().push((d, e));
    }
    by_status
        .into_iter()
        .map(|(status, list)| {
            let mut lines: Vec<String> = Vec::new();
            for (d, _) in &list {
                let line = format!("`{}`: {}", d.code, d.en);
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
            let mut response = ResponseBuilder::new()
                .description(lines.join("\n\n"))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                );
            if list.iter().any(|(d, _)| d.retry_after.is_some()) {
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer))
                        .description(Some("Seconds to wait"))
                        .build(),
                );
            }
            if list
                .iter()
                .any(|(_, e)| matches!(e, ApiError::Unauthorized { .. }))
            {
                response = response.header(
                    "WWW-Authenticate",
                    HeaderBuilder::new()
                        .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::String))
                        .description(Some("Bearer"))
                        .build(),
                );
            }
            (status.to_string(), RefOr::T(response.build()))
        })
        .collect()
}

/// Every theme label, in declaration order.
pub fn theme_labels() -> Vec<&'static str> {
    Theme::ALL.iter().map(|t| t.as_str()).collect()
}
