//! Request bodies read into typed values: axum's JSON rejections become the [`ApiError`] of
//! their situation, and a body that must be an object is read as one.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;

use crate::http::{ApiError, MAX_BODY_BYTES};

/// Maps axum's JSON extraction failures to our error, one situation each.
impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let detail = r.body_text();
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
            JsonRejection::JsonSyntaxError(_) => ApiError::MalformedJson { detail },
            JsonRejection::JsonDataError(_) => ApiError::InvalidBody { detail },
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            _ => ApiError::UnreadableBody { detail },
        }
    }
}

/// The body was over the limit.
pub(in crate::http) fn too_large() -> ApiError {
    ApiError::BodyTooLarge {
        limit_bytes: MAX_BODY_BYTES,
    }
}

/// A JSON body that must be an object, read into `T` (serde would also take an array for a
/// struct: `[null, null]` is not a request).
pub(in crate::http) fn object<T: serde::de::DeserializeOwned>(
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<T, ApiError> {
    let Json(value) = body?;
    if !value.is_object() {
        return Err(ApiError::NotAnObject);
    }
    serde_json::from_value(value).map_err(|e| ApiError::InvalidBody {
        detail: e.to_string(),
    })
}
