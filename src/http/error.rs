//! The one API error type: every failure a client can cause becomes a 4xx with a JSON body
//! `{"error": {"code", "message", "message_ja", "message_en"}}`; internals are logged, never sent.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::dialogue::StoreFull;

/// An error returned to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub ja: String,
    pub en: String,
    /// Headers the answer carries besides the body (`Retry-After`, `WWW-Authenticate` …).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The request field at fault, when one is.
    pub field: Option<&'static str>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorDetail {
    /// A stable machine-readable code, e.g. `message_too_long`.
    code: String,
    /// Japanese and English, for people.
    message: String,
    message_ja: String,
    message_en: String,
    /// The request field at fault (e.g. `contact`), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            ja: ja.into(),
            en: en.into(),
            headers: Vec::new(),
            field: None,
        }
    }

    /// A 422 about one field of the request.
    pub fn invalid(field: &'static str, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", ja, en)
        }
    }

    /// Adds a header to the answer.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Adds `Retry-After` (at least one second).
    pub fn retry_after(self, seconds: u64) -> Self {
        let value = HeaderValue::from(seconds.max(1));
        self.with_header(header::RETRY_AFTER, value)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} は見つかりません。"),
            format!("{what} was not found."),
        )
    }
}

impl ApiError {
    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: format!("{} / {}", self.ja, self.en),
                message_ja: self.ja.clone(),
                message_en: self.en.clone(),
                field: self.field,
            },
        }
    }

    /// The JSON body as text, for an answer written without axum (see `own_answers`).
    pub(crate) fn json_body(&self) -> String {
        serde_json::to_string(&self.body()).unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body())).into_response();
        for (name, value) in self.headers {
            res.headers_mut().insert(name, value);
        }
        res
    }
}

/// A chat message that is not a [`crate::dialogue::Message`]: a 422 with the message's own code
/// (`empty_message`, `message_too_long`).
impl From<crate::dialogue::MessageError> for ApiError {
    fn from(e: crate::dialogue::MessageError) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.code(),
            e.japanese(),
            e.english(),
        )
    }
}

/// Maps axum's JSON extraction failures to our error, one status each.
impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let detail = r.body_text();
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Content-Type は application/json にしてください。",
                "Send the body as JSON with Content-Type: application/json.",
            ),
            JsonRejection::JsonSyntaxError(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "リクエストの JSON を読み取れませんでした。",
                format!("The body is not valid JSON: {detail}"),
            ),
            JsonRejection::JsonDataError(_) => invalid_body(&detail),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            other => ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "リクエストを読み取れませんでした。",
                format!("The request body could not be read: {}", other.body_text()),
            ),
        }
    }
}

/// A new conversation refused because every conversation the store holds is in progress:
/// 503, with when the least recently used one stops counting as such.
impl From<StoreFull> for ApiError {
    fn from(full: StoreFull) -> Self {
        let secs = full.retry_after.as_secs() + u64::from(full.retry_after.subsec_nanos() > 0);
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            TOO_MANY_CONVERSATIONS,
            "ただいま多くのご相談が進行中のため、新しいご相談を始められません。少し待ってからお試しください。",
            "Every conversation the service holds is in progress, so a new one cannot start now; retry after the given seconds.",
        )
        .retry_after(secs)
    }
}

/// The code of [`StoreFull`]'s answer.
pub(crate) const TOO_MANY_CONVERSATIONS: &str = "too_many_conversations";

/// The body was over the limit.
pub(crate) fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!(
            "リクエストが大きすぎます（上限 {} KiB）。",
            super::MAX_BODY_BYTES / 1024
        ),
        format!(
            "The request body is larger than {} KiB.",
            super::MAX_BODY_BYTES / 1024
        ),
    )
}

/// A JSON body that must be an object, read into `T` (serde would also take an array for a
/// struct: `[null, null]` is not a request).
pub(crate) fn object<T: serde::de::DeserializeOwned>(
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<T, ApiError> {
    let Json(value) = body?;
    if !value.is_object() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "リクエストは JSON オブジェクトにしてください。",
            "The body must be a JSON object.",
        ));
    }
    serde_json::from_value(value).map_err(|e| invalid_body(&e.to_string()))
}

/// JSON whose fields are not of the expected types.
fn invalid_body(detail: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        "リクエストの形式が正しくありません（項目の型が違います）。",
        format!("The JSON does not have the expected fields: {detail}"),
    )
}
