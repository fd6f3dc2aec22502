//! The wire types of the HTTP API and their hand-written conversions from domain types, so the
//! JSON contract (`shared/eval/run_eval.py`) cannot drift when a domain type changes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::corpus::{Corpus, Document, Program, Quote, SourceInfo};
use crate::dialogue::{Estimate, Recommendation, Reply, SessionStatus, Turn};

/// `POST /api/v1/chat` request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChatRequest {
    /// What the person typed (1 to 2,000 characters, not only spaces).
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
    /// The `session_id` of an earlier response, to continue that conversation.
    #[serde(default)]
    pub session_id: Option<String>,
}

/// A quoted term: a verbatim slice of the source document with its citation.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteWire {
    pub label: String,
    pub text: String,
    pub page: u32,
    pub line: u32,
    /// The id of the source document (see `source` / `sources`).
    pub source: String,
}

impl QuoteWire {
    pub fn new(q: &Quote, source: &str) -> Self {
        Self {
            label: q.label.as_str().to_string(),
            text: q.text.clone(),
            page: q.page,
            line: q.line,
            source: source.to_string(),
        }
    }
}

/// A rough amount: min(expense × rate, cap), from the quoted rate and cap.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateWire {
    /// Always "目安": an estimate, not a promise.
    pub label: String,
    pub expense_yen: u64,
    /// The rate read from the quote, e.g. "2/3".
    pub rate: String,
    pub cap_yen: u64,
    pub amount_yen: u64,
    /// The quotes the estimate used (rate, then cap).
    pub quotes: Vec<QuoteWire>,
}

impl EstimateWire {
    fn new(e: &Estimate, source: &str) -> Self {
        Self {
            label: "目安".to_string(),
            expense_yen: e.expense,
            rate: format!("{}/{}", e.rate.num, e.rate.den),
            cap_yen: e.cap,
            amount_yen: e.amount,
            quotes: vec![
                QuoteWire::new(&e.rate_quote, source),
                QuoteWire::new(&e.cap_quote, source),
            ],
        }
    }
}

/// A program in a chat answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramWire {
    pub id: String,
    pub name: String,
    pub score: f64,
    /// subsidy | loan | expert | seminar | event | network | promotion
    pub kind: String,
    /// The kind in Japanese, as the widget and the console show it (補助金, 融資 …).
    pub kind_label: String,
    /// 担当課
    pub division: String,
    /// The id of the source document its terms are quoted from.
    pub source: String,
    pub quotes: Vec<QuoteWire>,
    pub estimate: Option<EstimateWire>,
}

impl From<&Recommendation> for ProgramWire {
    fn from(r: &Recommendation) -> Self {
        Self {
            id: r.id.as_str().to_string(),
            name: r.name.clone(),
            score: (f64::from(r.score) * 1000.0).round() / 1000.0,
            kind: r.kind.as_str().to_string(),
            kind_label: r.kind.japanese().to_string(),
            division: r.division.clone(),
            source: r.source.clone(),
            quotes: r
                .quotes
                .iter()
                .map(|q| QuoteWire::new(q, &r.source))
                .collect(),
            estimate: r.estimate.as_ref().map(|e| EstimateWire::new(e, &r.source)),
        }
    }
}

/// A clarifying question; each option is sent back as the next `message`.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpWire {
    pub question: String,
    pub options: Vec<String>,
    /// What the question is about: disaster | stage | theme | industry | kind.
    pub slot: String,
}

/// How the request's `session_id` was resolved.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionWire {
    /// new | continued | unknown | expired | turn_limit | degraded (all but "new" and
    /// "continued" mean the conversation started over; "degraded": the shared session store is
    /// unreachable and this turn was answered on its own).
    pub status: String,
    pub started_over: bool,
}

/// A document the terms come from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceWire {
    /// The id citations carry in their `source` field.
    pub id: String,
    pub title: String,
    pub issuer: String,
    pub year: String,
}

impl From<&SourceInfo> for SourceWire {
    fn from(d: &SourceInfo) -> Self {
        Self {
            id: d.id.clone(),
            title: d.title.clone(),
            issuer: d.issuer.clone(),
            year: d.year.clone(),
        }
    }
}

impl From<&Document> for SourceWire {
    fn from(d: &Document) -> Self {
        (&d.info).into()
    }
}

/// `POST /api/v1/chat` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatResponse {
    pub session_id: String,
    /// The reply in Japanese.
    pub reply: String,
    /// The programs that fit, best first (empty when nothing fits).
    pub programs: Vec<ProgramWire>,
    pub follow_up: Option<FollowUpWire>,
    pub no_match: bool,
    /// The 年度 of the terms (令和7年度): current 受付 status must be confirmed with the 窓口.
    pub as_of: String,
    /// The primary source document.
    pub source: SourceWire,
    /// Every document the programs of this answer cite (the primary one when none).
    pub sources: Vec<SourceWire>,
    pub session: SessionWire,
}

impl ChatResponse {
    pub fn new(turn: &Turn) -> Self {
        let status = match turn.status {
            SessionStatus::New => "new",
            SessionStatus::Continued => "continued",
            SessionStatus::Unknown => "unknown",
            SessionStatus::Expired => "expired",
            SessionStatus::TurnLimit => "turn_limit",
            SessionStatus::Degraded => "degraded",
        };
        Self {
            session_id: turn.session_id.clone(),
            reply: turn.text.clone(),
            programs: turn
                .reply
                .programs()
                .iter()
                .map(ProgramWire::from)
                .collect(),
            follow_up: turn.reply.follow_up().map(|f| FollowUpWire {
                question: f.question.clone(),
                options: f.options.clone(),
                slot: f.slot.as_str().to_string(),
            }),
            no_match: matches!(turn.reply, Reply::NoMatch { .. }),
            as_of: turn.as_of.clone(),
            source: (&turn.primary).into(),
            sources: turn.sources.iter().map(SourceWire::from).collect(),
            session: SessionWire {
                status: status.to_string(),
                started_over: matches!(
                    turn.status,
                    SessionStatus::Unknown
                        | SessionStatus::Expired
                        | SessionStatus::TurnLimit
                        | SessionStatus::Degraded
                ),
            },
        }
    }
}

/// One line of `GET /api/v1/programs`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramSummary {
    pub id: String,
    pub name: String,
    pub themes: Vec<String>,
    pub kind: String,
    /// The kind in Japanese (補助金, 融資 …).
    pub kind_label: String,
    pub division: String,
    pub parent: Option<String>,
}

impl From<&Program> for ProgramSummary {
    fn from(p: &Program) -> Self {
        Self {
            id: p.id.as_str().to_string(),
            name: p.name.clone(),
            themes: p.themes.iter().map(|t| t.as_str().to_string()).collect(),
            kind: p.kind.as_str().to_string(),
            kind_label: p.kind.japanese().to_string(),
            division: p.division.clone(),
            parent: p.parent.as_ref().map(|x| x.as_str().to_string()),
        }
    }
}

/// `GET /api/v1/programs/{id}`: the whole record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramDetail {
    pub id: String,
    pub name: String,
    /// The line of the source where the name is printed.
    pub name_line: u32,
    pub division: String,
    pub pages: Vec<u32>,
    pub kind: String,
    /// The kind in Japanese (補助金, 融資 …).
    pub kind_label: String,
    /// One line in our words (no figures: those are in `quotes`).
    pub purpose: String,
    pub themes: Vec<String>,
    pub disasters: Vec<String>,
    pub sizes: Vec<String>,
    pub industries: Vec<String>,
    pub succession_stages: Vec<String>,
    pub parent: Option<String>,
    pub menus: Vec<ProgramSummary>,
    /// Every quoted term, with its citation.
    pub quotes: Vec<QuoteWire>,
    /// The 窓口 quotes.
    pub contacts: Vec<QuoteWire>,
    pub source: SourceWire,
}

impl ProgramDetail {
    pub fn new(p: &Program, corpus: &Corpus) -> Self {
        let doc = corpus.document_of(p);
        let sid = doc.info.id.as_str();
        let strings = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
        Self {
            id: p.id.as_str().to_string(),
            name: p.name.clone(),
            name_line: p.name_line,
            division: p.division.clone(),
            pages: p.pages.clone(),
            kind: p.kind.as_str().to_string(),
            kind_label: p.kind.japanese().to_string(),
            purpose: p.purpose.clone(),
            themes: strings(p.themes.iter().map(|t| t.as_str()).collect()),
            disasters: strings(p.disasters.iter().map(|t| t.as_str()).collect()),
            sizes: strings(p.sizes.iter().map(|t| t.as_str()).collect()),
            industries: p.industries.clone(),
            succession_stages: strings(p.stages.iter().map(|t| t.as_str()).collect()),
            parent: p.parent.as_ref().map(|x| x.as_str().to_string()),
            menus: corpus.menus_of(&p.id).map(ProgramSummary::from).collect(),
            quotes: p.terms.iter().map(|q| QuoteWire::new(q, sid)).collect(),
            contacts: p
                .terms_labelled(crate::corpus::TermLabel::Contact)
                .map(|q| QuoteWire::new(q, sid))
                .collect(),
            source: doc.into(),
        }
    }
}

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// "ok" when the corpus and index are loaded and the session store answers; "degraded"
    /// when a shared session store is unreachable (answers go on, one turn at a time).
    pub status: String,
    /// memory | redis
    pub session_store: String,
    pub programs: usize,
    pub quotes: usize,
    pub index_bytes: usize,
    pub sessions: usize,
    pub as_of: String,
}
