//! The API areas, one file each, every one a `router()` that `http::app` merges: the chat
//! ([`chat`]), the hand-off to the help desk and feedback ([`consult`]), the program records
//! ([`programs`]), the staff console's APIs ([`desk`], with its CSV exports in [`csv`]), the
//! operator's reload ([`admin`]), the browser assets ([`web`]), and the operations routes
//! ([`ops`]: health, metrics, the OpenAPI document of [`openapi`]); request bodies are read in
//! [`body`].
//!
//! A route documents its errors with [`errors!`]: a type whose OpenAPI responses are generated
//! from the [`ApiError`] values listed, so the document says what the enum sends.

use std::time::Duration;

use crate::database::ErrorKind;
use crate::http::{ApiError, MAX_BODY_BYTES};

/// Declares a type, for a route's `responses(...)`, whose OpenAPI responses are those of the
/// errors listed (each an iterator of [`ApiError`]; see `wire::error::responses`).
macro_rules! errors {
    ($(#[$doc:meta])* $name:ident = [$($errors:expr),+ $(,)?]) => {
        $(#[$doc])*
        pub(in crate::http) struct $name;
        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                let mut all: Vec<crate::http::ApiError> = Vec::new();
                $(all.extend($errors);)+
                crate::wire::error::responses(&all)
            }
        }
    };
}

pub(super) mod admin;
pub(super) mod body;
pub(super) mod chat;
pub(super) mod consult;
pub(super) mod csv;
pub(super) mod desk;
pub(super) mod openapi;
pub(super) mod ops;
pub(super) mod programs;
pub(super) mod web;

/// What every route under the request limits may answer: this client's rate and requests in
/// flight (429), the service's slots and timeout (503).
pub(in crate::http) fn limited() -> Vec<ApiError> {
    vec![
        ApiError::RateLimited { retry_after: 1 },
        ApiError::TooManyInFlight,
        ApiError::Overloaded,
        ApiError::Timeout,
    ]
}

/// What reading a JSON body may answer.
pub(in crate::http) fn json_body() -> Vec<ApiError> {
    vec![
        ApiError::MalformedJson {
            detail: "…".into()
        },
        ApiError::UnreadableBody {
            detail: "…".into()
        },
        ApiError::BodyUnreadable,
        ApiError::BodyTimeout {
            after: Duration::from_secs(10),
        },
        ApiError::BodyTooLarge {
            limit_bytes: MAX_BODY_BYTES,
        },
        ApiError::UnsupportedMediaType,
        ApiError::NotAnObject,
        ApiError::InvalidBody {
            detail: "…".into()
        },
    ]
}

/// What a route that needs the database may answer.
pub(in crate::http) fn storage() -> Vec<ApiError> {
    vec![
        ApiError::StorageDisabled,
        ApiError::StorageUnavailable(ErrorKind::Unreachable),
    ]
}

/// What a route behind the staff token may answer, besides the database's.
pub(in crate::http) fn desk_access() -> Vec<ApiError> {
    vec![
        ApiError::Unauthorized {
            realm: "desk",
            wrong: true,
        },
        ApiError::TooManyFailures { retry_after: 1 },
        ApiError::DeskDisabled,
    ]
}
