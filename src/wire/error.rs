//! The one error of every channel's edge: [`ApiError`] names the situation a request is refused
//! in, and one `match` ([`ApiError::describe`]) decides its status, stable `code`, the person's
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
use crate::dialogue::{MAX_MESSAGE_CHARS, MessageError, StoreFull};

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
    /// The one `match`: status, code, both messages, field and `Retry-After` of each situation.
    pub fn describe(&self) -> Described {
        use ApiError as E;
        let (status, code, ja, en): (StatusCode, &'static str, String, String) = match self {
            E::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Content-Type は application/json にしてください。".into(),
                "Send the body as JSON with Content-Type: application/json.".into(),
            ),
            E::MalformedJson { detail } => (
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "リクエストの JSON を読み取れませんでした。".into(),
                format!("The body is not valid JSON: {detail}"),
            ),
            E::NotAnObject => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "リクエストは JSON オブジェクトにしてください。".into(),
                "The body must be a JSON object.".into(),
            ),
            E::InvalidBody { detail } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "リクエストの形式が正しくありません（項目の型が違います）。".into(),
                format!("The JSON does not have the expected fields: {detail}"),
            ),
            E::UnreadableBody { detail } => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "リクエストを読み取れませんでした。".into(),
                format!("The request body could not be read: {detail}"),
            ),
            E::BodyTooLarge { limit_bytes } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("リクエストが大きすぎます（上限 {} KiB）。", limit_bytes / 1024),
                format!("The request body is larger than {} KiB.", limit_bytes / 1024),
            ),
            E::BodyUnreadable => (
                StatusCode::BAD_REQUEST,
                "body_unreadable",
                "リクエストの本文を最後まで受け取れませんでした。".into(),
                "The request body could not be read to its end.".into(),
            ),
            E::BodyTimeout { after } => (
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "リクエストの本文が時間内に届きませんでした。もう一度お試しください。".into(),
                format!(
                    "The request body did not arrive within {} ms.",
                    after.as_millis()
                ),
            ),
            E::BadQuery { detail } => (
                StatusCode::BAD_REQUEST,
                "bad_query",
                "クエリ文字列を読み取れませんでした。".into(),
                format!("The query string could not be read: {detail}"),
            ),
            E::MalformedHead { status } => (
                *status,
                "bad_request",
                "リクエストの形式を読み取れませんでした（要求行かヘッダー、または Content-Length が不正です）。".into(),
                "The request's head could not be read: a malformed request line or header, or a missing, duplicate or conflicting Content-Length.".into(),
            ),
            E::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
                "リクエストのヘッダーが大きすぎます（16 KiB まで、100 行まで）。".into(),
                "The request's headers are too large (16 KiB and 100 headers at most).".into(),
            ),
            E::UriTooLong => (
                StatusCode::URI_TOO_LONG,
                "uri_too_long",
                "リクエストの URL が長すぎます。".into(),
                "The request's URI is too long.".into(),
            ),
            E::RouteNotFound { path } => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("route {path} は見つかりません。"),
                format!("route {path} was not found."),
            ),
            E::MethodNotAllowed { method, path } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("{method} {path} には対応していません。"),
                format!("{method} is not allowed on {path}."),
            ),
            E::Message(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                e.code(),
                e.japanese(),
                e.english(),
            ),
            E::Required { field, label } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!("{label}を入力してください。"),
                format!("\"{field}\" is required."),
            ),
            E::TooLong {
                field,
                label,
                chars,
                max,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!("{label}が長すぎます（{chars} 文字、上限 {max} 文字）。"),
                format!("\"{field}\" has {chars} characters; the limit is {max}."),
            ),
            E::HiddenCharacter {
                field,
                label,
                character,
            } => {
                let code = format!("U+{:04X}", u32::from(*character));
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    format!(
                        "{label}に使えない文字（制御文字・書字方向の制御文字・ゼロ幅文字: {code}）が含まれています。"
                    ),
                    format!(
                        "\"{field}\" contains {code}: control, bidi-control and zero-width characters are not accepted."
                    ),
                )
            }
            E::Contact => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "電話番号（例 096-333-2323）かメールアドレスを入力してください。".into(),
                "\"contact\" must be a phone number (10 to 15 digits) or an e-mail address.".into(),
            ),
            E::HelpfulRequired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "\"helpful\"（true または false）を指定してください。".into(),
                "\"helpful\" (true or false) is required.".into(),
            ),
            E::ConsentRequired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "窓口へ内容を送ることへの同意（\"consent\": true）が必要です。".into(),
                "\"consent\" must be true: the person agrees to send this to the help desk.".into(),
            ),
            E::LimitOutOfRange { max } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!("\"limit\" は 1〜{max} の整数にしてください。"),
                format!("\"limit\" must be an integer from 1 to {max}."),
            ),
            E::UnknownStatus => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "\"status\" は new, in_progress, done のいずれかにしてください。".into(),
                "\"status\" must be new, in_progress or done.".into(),
            ),
            E::EmptySituation => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_situation",
                "situation が空です。相談者の状況を日本語で入れてください（例：「台湾のデパートで県産の菓子を売り込みたい」）。".into(),
                "`situation` is empty: send the person's situation in Japanese.".into(),
            ),
            E::SituationTooLong { chars } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "situation_too_long",
                format!(
                    "situation が長すぎます（{chars} 文字、上限 {MAX_MESSAGE_CHARS} 文字）。要点を短くまとめてください。"
                ),
                format!("`situation` has {chars} characters; the limit is {MAX_MESSAGE_CHARS}."),
            ),
            E::UnknownProgramId(id) => (
                StatusCode::NOT_FOUND,
                "unknown_id",
                format!(
                    "ID「{id}」の制度はありません。list_programs または find_programs が返す id を使ってください。"
                ),
                format!(
                    "There is no program with id {id:?}; use an id returned by list_programs or find_programs."
                ),
            ),
            E::UnknownTheme(t) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_theme",
                format!(
                    "テーマ「{t}」はありません。次のいずれかを指定するか、省略してください：{}。",
                    theme_labels().join("、")
                ),
                format!(
                    "There is no theme {t:?}; use one of: {}, or leave it out.",
                    theme_labels().join(", ")
                ),
            ),
            E::NotFound { what } => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} は見つかりません。"),
                format!("{what} was not found."),
            ),
            E::DeskDisabled => (
                StatusCode::NOT_FOUND,
                "desk_disabled",
                "窓口担当者向けコンソールは無効です（--desk-token が設定されていません）。".into(),
                "The help-desk console is disabled: no --desk-token is configured.".into(),
            ),
            E::AdminDisabled => (
                StatusCode::NOT_FOUND,
                "admin_disabled",
                "管理用 API は無効です（--admin-token が設定されていません）。".into(),
                "The admin API is disabled: no --admin-token is configured.".into(),
            ),
            E::StorageDisabled => (
                StatusCode::NOT_FOUND,
                "storage_disabled",
                "この窓口では受付を保存できません（データベースが設定されていません）。".into(),
                "This service runs without a database (--database).".into(),
            ),
            E::NoConversation => (
                StatusCode::NOT_FOUND,
                "no_conversation",
                "この会話は見つかりません（期限切れか、まだ回答がありません）。".into(),
                "No stored conversation for this session_id (expired, or no answer yet).".into(),
            ),
            E::FeedbackGiven => (
                StatusCode::CONFLICT,
                "feedback_given",
                "この回答には評価をいただいています。".into(),
                "The latest answer of this conversation already has feedback.".into(),
            ),
            E::CorpusInvalid { detail } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "corpus_invalid",
                format!(
                    "コーパスに誤りがあるため再読み込みしませんでした（現在の内容で稼働を続けます）：{detail}"
                ),
                format!("The corpus was not reloaded (the old one keeps serving): {detail}"),
            ),
            E::Unauthorized { .. } => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "トークンが正しくありません。".into(),
                "A valid token is required (Authorization: Bearer …).".into(),
            ),
            E::TooManyFailures { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_failures",
                "誤ったトークンが続いたため、しばらく受け付けません。時間をおいてお試しください。".into(),
                "Too many wrong tokens from this client; retry after the given seconds.".into(),
            ),
            E::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "短い時間に多くのリクエストがありました。少し待ってからお試しください。".into(),
                "Too many requests from this client; retry after the given seconds.".into(),
            ),
            E::TooManyInFlight => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_in_flight",
                "この接続元からの処理中のリクエストが多すぎます。少し待ってからお試しください。".into(),
                "Too many requests from this client are in flight; retry after the given seconds.".into(),
            ),
            E::TooManyWrites { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_writes",
                "この接続元からの送信が多すぎます。少し待ってからお試しください。".into(),
                "Too many consultation requests or feedbacks from this client; retry after the given seconds.".into(),
            ),
            E::TooManySessions { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_sessions",
                "この接続元から新しいご相談が多く始まっています。少し待ってからお試しください。".into(),
                "Too many new conversations from this client; retry after the given seconds.".into(),
            ),
            E::BadHost => (
                StatusCode::BAD_REQUEST,
                "bad_host",
                "Host ヘッダーがないか、読み取れません。".into(),
                "The Host header is missing or unreadable.".into(),
            ),
            E::HostNotAllowed => (
                StatusCode::FORBIDDEN,
                "host_not_allowed",
                "このホスト名では MCP に接続できません。".into(),
                "/mcp does not answer to this Host (see --mcp-allowed-host).".into(),
            ),
            E::OriginNotAllowed => (
                StatusCode::FORBIDDEN,
                "origin_not_allowed",
                "このサイトのページからは MCP に接続できません。".into(),
                "/mcp does not take requests from this Origin (see --mcp-allowed-host and --allow-origin).".into(),
            ),
            E::McpRefused { status, detail } => {
                let (code, ja) = match *status {
                    StatusCode::BAD_REQUEST => {
                        ("bad_request", "MCP のリクエストを読み取れませんでした。")
                    }
                    StatusCode::FORBIDDEN => ("forbidden", "この接続は MCP に受け付けられません。"),
                    StatusCode::NOT_FOUND => ("not_found", "MCP のセッションが見つかりません。"),
                    StatusCode::METHOD_NOT_ALLOWED => (
                        "method_not_allowed",
                        "MCP はこのメソッドに対応していません（POST を使ってください）。",
                    ),
                    StatusCode::NOT_ACCEPTABLE => (
                        "not_acceptable",
                        "Accept に application/json と text/event-stream を含めてください。",
                    ),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                        "unsupported_media_type",
                        "Content-Type は application/json にしてください。",
                    ),
                    StatusCode::PAYLOAD_TOO_LARGE => {
                        ("body_too_large", "リクエストが大きすぎます。")
                    }
                    _ => ("mcp_error", "MCP のリクエストを処理できませんでした。"),
                };
                let en = if detail.is_empty() {
                    status.canonical_reason().unwrap_or("error").to_string()
                } else {
                    detail.clone()
                };
                (*status, code, ja.into(), en)
            }
            E::SignatureMissing => (
                StatusCode::UNAUTHORIZED,
                "signature_missing",
                "LINEの署名（x-line-signature）がありません。".into(),
                "The x-line-signature header is missing: only LINE may call this webhook.".into(),
            ),
            E::SignatureInvalid => (
                StatusCode::UNAUTHORIZED,
                "signature_invalid",
                "LINEの署名（x-line-signature）が正しくありません。".into(),
                "The x-line-signature does not match the body under this channel's secret.".into(),
            ),
            E::NotALineWebhook { detail } => (
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "イベントの JSON を読み取れませんでした。".into(),
                format!("The body is not a LINE webhook: {detail}"),
            ),
            E::StoreFull { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                TOO_MANY_CONVERSATIONS,
                "ただいま多くのご相談が進行中のため、新しいご相談を始められません。少し待ってからお試しください。".into(),
                "Every conversation the service holds is in progress, so a new one cannot start now; retry after the given seconds.".into(),
            ),
            E::StorageUnavailable(kind) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                format!(
                    "ただいま受付を保存できません（{}）。時間をおいてお試しいただくか、窓口へ直接お電話ください。",
                    kind.reason_ja()
                ),
                format!(
                    "Nothing was stored: {}. Retry later, or call the desk directly.",
                    kind.reason_en()
                ),
            ),
            E::Timeout => (
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "処理に時間がかかりすぎました。しばらくしてからお試しください。".into(),
                "The request took too long; retry later.".into(),
            ),
            E::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "ただいま混み合っています。しばらくしてからお試しください。".into(),
                "The service is busy; retry later.".into(),
            ),
            E::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "ただいまご利用いただけません。しばらくしてからお試しください。".into(),
                "The service is unavailable; retry later.".into(),
            ),
            E::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "内部エラーが発生しました。お手数ですが、もう一度お試しください。".into(),
                "An internal error occurred; please try again.".into(),
            ),
        };
        Described {
            status,
            code,
            ja,
            en,
            field: self.field(),
            retry_after: self.retry_after(),
        }
    }

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
