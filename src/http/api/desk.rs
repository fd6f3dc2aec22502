//! The help-desk console's server side: the staff token check, the inbox of consultation
//! requests (list, change status and note), recent conversations, the unanswered log, the
//! monthly tallies, and a CSV export of each. Without a configured token the console and its
//! APIs are disabled (404); with one, a missing or wrong `Authorization: Bearer` token is 401
//! (see `auth`, which also makes a client that keeps sending wrong tokens wait).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::consult::{database, unavailable};
use super::csv::{datetime, download};
use crate::database::{
    Consultation, ConsultationUpdate, ConversationView, Status, UnansweredRow, now,
};
use crate::http::api::{desk_access, json_body, limited, storage};
use crate::http::{ApiError, AppState, Client, transport::auth};
use crate::text::strip_hidden;
use crate::wire::desk as wire;

/// Longest staff note, in characters.
pub const MAX_NOTE: usize = 2_000;
/// Items listed at most when no `limit` is given, and the largest `limit`.
const DEFAULT_LIMIT: i64 = 200;
const MAX_LIMIT: i64 = 5_000;

/// `GET /api/v1/desk/unanswered`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnansweredList {
    /// Most recently asked first.
    pub items: Vec<wire::UnansweredRow>,
}

/// `GET /api/v1/desk/consultations`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationList {
    /// Newest first.
    pub items: Vec<wire::Consultation>,
}

/// `GET /api/v1/desk/conversations`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationList {
    /// Most recently active first.
    pub items: Vec<wire::ConversationView>,
}

/// `GET /api/v1/desk/tallies`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyList {
    /// Newest month first.
    pub items: Vec<wire::Tally>,
    /// Days personal data is kept.
    pub retention_days: u32,
}

/// `PATCH /api/v1/desk/consultations/{id}`: either or both.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsultationPatch {
    /// The new status (absent: unchanged).
    #[schema(value_type = Option<wire::Status>)]
    pub status: Option<String>,
    /// The staff's note; "" clears it (absent: unchanged). Control characters other than line
    /// breaks and tabs, bidi-control and zero-width characters are removed.
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<String>,
}

/// How many items a list shows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct Paging {
    /// Items at most (default 200).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5000)]
    pub(in crate::http) limit: Option<String>,
}

/// The inbox: how many, and which status.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct InboxParams {
    /// Items at most (default 200).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5000)]
    pub(in crate::http) limit: Option<String>,
    /// Only requests of this status.
    #[param(value_type = Option<wire::Status>)]
    pub(in crate::http) status: Option<String>,
}

pub(in crate::http) fn router() -> Router<AppState> {
    Router::new()
        .route("/desk", get(page))
        .route("/api/v1/desk/unanswered", get(unanswered))
        .route("/api/v1/desk/unanswered.csv", get(unanswered_csv))
        .route("/api/v1/desk/consultations", get(consultations))
        .route("/api/v1/desk/consultations.csv", get(consultations_csv))
        .route(
            "/api/v1/desk/consultations/{id}",
            axum::routing::patch(update),
        )
        .route("/api/v1/desk/conversations", get(conversations))
        .route("/api/v1/desk/conversations.csv", get(conversations_csv))
        .route("/api/v1/desk/tallies", get(tallies))
}

errors!(TallyErrors = [limited(), desk_access(), storage()]);
errors!(
    DeskListErrors = [
        limited(),
        desk_access(),
        storage(),
        [
            ApiError::BadQuery {
                detail: "…".into()
            },
            ApiError::LimitOutOfRange { max: MAX_LIMIT },
        ],
    ]
);
errors!(
    InboxErrors = [
        limited(),
        desk_access(),
        storage(),
        [
            ApiError::BadQuery {
                detail: "…".into()
            },
            ApiError::LimitOutOfRange { max: MAX_LIMIT },
            ApiError::UnknownStatus,
        ],
    ]
);
errors!(
    UpdateErrors = [
        limited(),
        desk_access(),
        storage(),
        json_body(),
        [
            ApiError::UnknownStatus,
            ApiError::TooLong {
                field: "note",
                label: "メモ",
                chars: MAX_NOTE + 1,
                max: MAX_NOTE,
            },
            ApiError::NotFound {
                what: "consultation …".into(),
            },
        ],
    ]
);

fn disabled() -> ApiError {
    ApiError::DeskDisabled
}

/// Checks the staff token.
fn authorize(state: &AppState, client: Client, headers: &HeaderMap) -> Result<(), ApiError> {
    auth::check(
        state.desk_token.as_ref(),
        state.per_client.failures(),
        client,
        headers,
        "desk",
        disabled,
    )
}

/// `GET /desk`: the console page (its data APIs check the token).
pub(in crate::http) async fn page(State(state): State<AppState>) -> Response {
    if state.desk_token.is_none() {
        return disabled().into_response();
    }
    super::web::desk_page()
}

/// The `limit` parameter, checked.
fn limit(value: Option<&str>) -> Result<i64, ApiError> {
    match value {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or(ApiError::LimitOutOfRange { max: MAX_LIMIT }),
    }
}

/// The `status` parameter or field, checked.
fn status(value: Option<&str>) -> Result<Option<Status>, ApiError> {
    match value {
        None => Ok(None),
        Some(s) => Status::parse(s.trim())
            .map(Some)
            .ok_or(ApiError::UnknownStatus),
    }
}

/// A query string, or why it could not be read.
type Params<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

/// Query-string errors as JSON 400s.
fn params<T>(p: Params<T>) -> Result<T, ApiError> {
    p.map(|Query(p)| p).map_err(|e| ApiError::BadQuery {
        detail: e.body_text(),
    })
}

/// The unanswered log for a staff request: token, paging, database.
async fn load_unanswered(
    state: &AppState,
    client: Client,
    headers: &HeaderMap,
    query: Params<Paging>,
) -> Result<Vec<UnansweredRow>, ApiError> {
    authorize(state, client, headers)?;
    let n = limit(params(query)?.limit.as_deref())?;
    database(state)?.unanswered(n).await.map_err(unavailable)
}

/// The inbox for a staff request: token, paging and status, database.
async fn load_inbox(
    state: &AppState,
    client: Client,
    headers: &HeaderMap,
    query: Params<InboxParams>,
) -> Result<Vec<Consultation>, ApiError> {
    authorize(state, client, headers)?;
    let p = params(query)?;
    let (n, s) = (limit(p.limit.as_deref())?, status(p.status.as_deref())?);
    database(state)?
        .consultations(s, n)
        .await
        .map_err(unavailable)
}

/// Recent conversations for a staff request: token, paging, database.
async fn load_conversations(
    state: &AppState,
    client: Client,
    headers: &HeaderMap,
    query: Params<Paging>,
) -> Result<Vec<ConversationView>, ApiError> {
    authorize(state, client, headers)?;
    let n = limit(params(query)?.limit.as_deref())?;
    database(state)?.conversations(n).await.map_err(unavailable)
}

/// List the unanswered questions.
///
/// Questions that got no match and conversations abandoned after a clarifying question, most
/// recently asked first. Needs the staff token.
#[utoipa::path(get, path = "/api/v1/desk/unanswered", tag = "desk", security(("desk_token" = [])),
    params(Paging),
    responses((status = 200, description = "The log", body = UnansweredList),
        DeskListErrors))]
pub(in crate::http) async fn unanswered(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Params<Paging>,
) -> Result<Json<UnansweredList>, ApiError> {
    let items = load_unanswered(&state, client, &headers, query).await?;
    Ok(Json(UnansweredList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Export the unanswered log as CSV.
#[utoipa::path(get, path = "/api/v1/desk/unanswered.csv", tag = "desk", security(("desk_token" = [])),
    params(Paging),
    responses((status = 200, description = "UTF-8 CSV with BOM", content_type = "text/csv"),
        DeskListErrors))]
pub(in crate::http) async fn unanswered_csv(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Params<Paging>,
) -> Result<Response, ApiError> {
    let items = load_unanswered(&state, client, &headers, query).await?;
    download(
        "unanswered",
        &["質問", "理由", "回数", "初回", "最終"],
        items.into_iter().map(|u| {
            vec![
                u.question,
                match u.reason.as_str() {
                    "abandoned" => "質問後に離脱".to_string(),
                    _ => "該当なし".to_string(),
                },
                u.count.to_string(),
                datetime(u.first_seen),
                datetime(u.last_seen),
            ]
        }),
    )
}

/// List consultation requests.
///
/// The inbox of requests for a person at the 窓口, newest first, optionally of one status.
#[utoipa::path(get, path = "/api/v1/desk/consultations", tag = "desk", security(("desk_token" = [])),
    params(InboxParams),
    responses((status = 200, description = "The inbox", body = ConsultationList),
        InboxErrors))]
pub(in crate::http) async fn consultations(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Params<InboxParams>,
) -> Result<Json<ConsultationList>, ApiError> {
    let items = load_inbox(&state, client, &headers, query).await?;
    Ok(Json(ConsultationList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Export consultation requests as CSV.
#[utoipa::path(get, path = "/api/v1/desk/consultations.csv", tag = "desk", security(("desk_token" = [])),
    params(InboxParams),
    responses((status = 200, description = "UTF-8 CSV with BOM", content_type = "text/csv"),
        InboxErrors))]
pub(in crate::http) async fn consultations_csv(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Params<InboxParams>,
) -> Result<Response, ApiError> {
    let items = load_inbox(&state, client, &headers, query).await?;
    download(
        "consultations",
        &[
            "受付日時",
            "状態",
            "お名前",
            "事業所名",
            "連絡先",
            "連絡希望時間",
            "ご相談内容",
            "会話",
            "メモ",
            "更新日時",
        ],
        items.into_iter().map(|c| {
            let conversation = c
                .conversation
                .iter()
                .map(|t| format!("Q: {} → {}", t.question, t.programs.join(", ")))
                .collect::<Vec<_>>()
                .join("\n");
            vec![
                datetime(c.created_at),
                match c.status {
                    Status::New => "新規",
                    Status::InProgress => "対応中",
                    Status::Done => "完了",
                }
                .to_string(),
                c.name.unwrap_or_default(),
                c.organization.unwrap_or_default(),
                c.contact.unwrap_or_default(),
                c.preferred_time.unwrap_or_default(),
                c.message.unwrap_or_else(|| {
                    if c.purged {
                        "（保存期間経過のため削除）".into()
                    } else {
                        String::new()
                    }
                }),
                conversation,
                c.note.unwrap_or_default(),
                datetime(c.updated_at),
            ]
        }),
    )
}

/// Change a consultation request's status or note.
#[utoipa::path(patch, path = "/api/v1/desk/consultations/{id}", tag = "desk", security(("desk_token" = [])),
    params(("id" = String, Path, description = "the request's id")),
    request_body = ConsultationPatch,
    responses((status = 200, description = "The request as changed", body = wire::Consultation),
        UpdateErrors))]
pub(in crate::http) async fn update(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<wire::Consultation>, ApiError> {
    authorize(&state, client, &headers)?;
    let patch: ConsultationPatch = crate::http::api::body::object(body)?;
    let status = status(patch.status.as_deref())?;
    let note = match patch.note {
        None => None,
        Some(n) => {
            // Hidden characters (controls but line breaks and tabs, bidi controls, zero-width)
            // are removed: the note is shown in /desk and the CSV. The limit is on what was
            // sent, white space included, as the API description's `maxLength` counts it.
            let chars = n.chars().count();
            let n = strip_hidden(n.trim()).trim().to_string();
            if chars > MAX_NOTE {
                return Err(ApiError::TooLong {
                    field: "note",
                    label: "メモ",
                    chars,
                    max: MAX_NOTE,
                });
            }
            Some(n)
        }
    };
    let update = ConsultationUpdate { status, note };
    database(&state)?
        .update_consultation(&id, &update, now())
        .await
        .map_err(unavailable)?
        .map(|c| Json(c.into()))
        .ok_or_else(|| ApiError::NotFound {
            what: format!("consultation {id}"),
        })
}

/// List recent conversations.
///
/// Each conversation's questions, outcomes, the programs shown and the feedback given; no
/// session ids, no addresses.
#[utoipa::path(get, path = "/api/v1/desk/conversations", tag = "desk", security(("desk_token" = [])),
    params(Paging),
    responses((status = 200, description = "Recent conversations", body = ConversationList),
        DeskListErrors))]
pub(in crate::http) async fn conversations(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Params<Paging>,
) -> Result<Json<ConversationList>, ApiError> {
    let items = load_conversations(&state, client, &headers, query).await?;
    Ok(Json(ConversationList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Export recent conversations as CSV (one line per turn).
#[utoipa::path(get, path = "/api/v1/desk/conversations.csv", tag = "desk", security(("desk_token" = [])),
    params(Paging),
    responses((status = 200, description = "UTF-8 CSV with BOM", content_type = "text/csv"),
        DeskListErrors))]
pub(in crate::http) async fn conversations_csv(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Params<Paging>,
) -> Result<Response, ApiError> {
    let items = load_conversations(&state, client, &headers, query).await?;
    download(
        "conversations",
        &[
            "会話",
            "順",
            "日時",
            "質問",
            "結果",
            "表示した制度",
            "評価",
            "コメント",
        ],
        items.into_iter().flat_map(|c| {
            let id = c.id;
            c.turns.into_iter().map(move |t| {
                vec![
                    id.clone(),
                    t.n.to_string(),
                    datetime(t.at),
                    t.question,
                    match t.outcome.as_str() {
                        "answer" => "回答",
                        "clarify" => "確認の質問",
                        _ => "該当なし",
                    }
                    .to_string(),
                    t.programs.join(" "),
                    match t.helpful {
                        Some(true) => "👍",
                        Some(false) => "👎",
                        None => "",
                    }
                    .to_string(),
                    t.comment.unwrap_or_default(),
                ]
            })
        }),
    )
}

/// Monthly tallies.
///
/// How many conversations, answers, clarifying questions, no-matches, unanswered questions,
/// consultation requests and 👍/👎 there were each month: kept after the records themselves
/// are deleted at the end of the retention period.
#[utoipa::path(get, path = "/api/v1/desk/tallies", tag = "desk", security(("desk_token" = [])),
    responses((status = 200, description = "The tallies", body = TallyList),
        TallyErrors))]
pub(in crate::http) async fn tallies(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
) -> Result<Json<TallyList>, ApiError> {
    authorize(&state, client, &headers)?;
    let items = database(&state)?.tallies().await.map_err(unavailable)?;
    Ok(Json(TallyList {
        items: items.into_iter().map(Into::into).collect(),
        retention_days: state.retention_days,
    }))
}
