//! `GET /metrics` in Prometheus text format: requests by route and status, a latency histogram
//! by route, chat outcomes (answers, clarifications, no matches), the desk database's health and
//! queue, active sessions and new conversations refused, open connections and those refused at
//! accept, corpus reloads and the corpus version.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::http::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CorpusLabels {
    source: String,
    sha256: String,
    year: String,
}

/// The service's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Family<Route, Histogram>,
    outcomes: Family<Outcome, Counter>,
    sessions: Gauge,
    connections: Gauge,
    refused: Family<Reason, Counter>,
    conversations_refused: Family<Reason, Counter>,
    reloads: Family<Outcome, Counter>,
    corpus: Family<CorpusLabels, Gauge>,
    database_up: Gauge,
    database_pending: Gauge,
    database_dropped: Gauge,
    database_errors: Family<Kind, Counter>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("madoguchi");
        let requests = Family::<RouteStatus, Counter>::default();
        // 50 µs to about 1.6 s: a chat turn takes well under a millisecond here.
        let latency = Family::<Route, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
        });
        let outcomes = Family::<Outcome, Counter>::default();
        let sessions = Gauge::default();
        let connections = Gauge::default();
        let refused = Family::<Reason, Counter>::default();
        let conversations_refused = Family::<Reason, Counter>::default();
        let reloads = Family::<Outcome, Counter>::default();
        let corpus = Family::<CorpusLabels, Gauge>::default();
        let database_up = Gauge::default();
        let database_pending = Gauge::default();
        let database_dropped = Gauge::default();
        let database_errors = Family::<Kind, Counter>::default();
        registry.register(
            "database_errors",
            "Failed database statements since start, by kind (disk_full, io_error, read_only, \
             busy, unreachable, timeout, other)",
            database_errors.clone(),
        );
        registry.register(
            "database_up",
            "1 when the desk's database answers and its schema is current, 0 when not (or none)",
            database_up.clone(),
        );
        registry.register(
            "database_pending_records",
            "Turns and unanswered questions waiting to be written to the database",
            database_pending.clone(),
        );
        registry.register(
            "database_dropped_records",
            "Records dropped since start because the database queue was full",
            database_dropped.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "chat_outcomes",
            "Chat turns by outcome: answer, clarify, no_match",
            outcomes.clone(),
        );
        registry.register(
            "active_sessions",
            "Conversations held in memory",
            sessions.clone(),
        );
        registry.register(
            "open_connections",
            "Client connections open now",
            connections.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections closed at accept because a cap was reached: total or per_address",
            refused.clone(),
        );
        registry.register(
            "conversations_refused",
            "New conversations refused: too_many_sessions (the client's hourly budget) or too_many_conversations (every one the store holds is in progress)",
            conversations_refused.clone(),
        );
        registry.register(
            "corpus_reloads",
            "Corpus reloads by result",
            reloads.clone(),
        );
        registry.register(
            "corpus_info",
            "The source documents serving now (value 1), by id, hash and year",
            corpus.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            outcomes,
            sessions,
            connections,
            refused,
            conversations_refused,
            reloads,
            corpus,
            database_up,
            database_pending,
            database_dropped,
            database_errors,
        }
    }
}

impl Metrics {
    /// The registry, for a channel to add its own metrics at start-up (LINE's).
    pub fn registry_mut(&mut self) -> &mut Registry {
        &mut self.registry
    }

    /// Counts one chat outcome.
    pub fn outcome(&self, outcome: &str) {
        self.outcomes
            .get_or_create(&Outcome {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// A connection opened (`1`) or closed (`-1`).
    pub fn connections(&self, delta: i64) {
        self.connections.inc_by(delta);
    }

    /// Counts a connection refused at accept.
    pub fn connection_refused(&self, reason: &'static str) {
        self.refused.get_or_create(&Reason { reason }).inc();
    }

    /// Counts a chat turn refused with the error `code`, when it refused a new conversation.
    pub fn conversation_refused(&self, code: &'static str) {
        if matches!(
            code,
            "too_many_sessions" | crate::wire::error::TOO_MANY_CONVERSATIONS
        ) {
            self.conversations_refused
                .get_or_create(&Reason { reason: code })
                .inc();
        }
    }

    /// Counts one reload attempt.
    pub fn reload(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "rejected" };
        self.reloads
            .get_or_create(&Outcome {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    fn render(&self, state: &AppState) -> String {
        self.sessions
            .set(i64::try_from(state.dialogue.sessions().count().unwrap_or(0)).unwrap_or(i64::MAX));
        if let Some(db) = &state.database {
            let journal = db.journal();
            self.database_up.set(i64::from(db.is_healthy()));
            self.database_pending
                .set(i64::try_from(journal.pending()).unwrap_or(i64::MAX));
            self.database_dropped
                .set(i64::try_from(journal.dropped()).unwrap_or(i64::MAX));
            for (kind, total) in db.errors() {
                let counter = self.database_errors.get_or_create(&Kind {
                    kind: kind.as_str(),
                });
                counter.inc_by(total.saturating_sub(counter.get()));
            }
        }
        let engine = state.dialogue.engine();
        self.corpus.clear();
        for d in &engine.corpus.documents {
            self.corpus
                .get_or_create(&CorpusLabels {
                    source: d.info.id.to_string(),
                    sha256: d.info.sha256.clone(),
                    year: d.info.year.clone(),
                })
                .set(1);
        }
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Middleware: counts every request by its route pattern (not its raw path, which would make
/// every program id a new series) and status, and times it.
pub(in crate::http) async fn track(
    State(metrics): State<Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let start = Instant::now();
    let res = next.run(req).await;
    metrics
        .latency
        .get_or_create(&Route {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RouteStatus {
            route,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

/// `GET /metrics`.
pub(in crate::http) async fn render(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(&state),
    )
        .into_response()
}
