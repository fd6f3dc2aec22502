//! The one `match` of [`ApiError`]: each situation's status, stable code, the person's message
//! (Japanese) and the detail (English); the field at fault and `Retry-After` are read from the
//! same variants beside it.

use axum::http::StatusCode;

use super::{ApiError, Described, TOO_MANY_CONVERSATIONS, theme_labels};
use crate::dialogue::MAX_MESSAGE_CHARS;

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
            E::UnknownLang(tag) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_lang",
                format!(
                    "lang「{tag}」には対応していません。次のいずれかを指定してください：{}",
                    crate::dialogue::Lang::ACCEPTED
                ),
                format!(
                    "lang {tag:?} is not a language this service answers in; use one of: {}",
                    crate::dialogue::Lang::ACCEPTED
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
}
