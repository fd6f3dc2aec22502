//! The JSON contract every channel speaks (the chat API's turn and program objects, the program
//! records, health), converted by hand from domain types so it cannot drift when a domain type
//! changes (`shared/eval/run_eval.py` is its test). Neutral ground: the HTTP API and MCP both use
//! these types, and neither imports the other for them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::corpus::{Corpus, Document, Program, Quote, SourceInfo, YearUnit};
use crate::dialogue::{
    Estimate, Lang, NoMatchReason, PeriodNote, Recommendation, Reply, SessionStatus, Turn, pick,
    words,
};

pub mod desk;
pub mod error;

pub use error::{ApiError, ErrorBody};

/// Largest JSON request body a channel accepts (413 beyond), the chat API's and MCP's over HTTP
/// alike. A chat message is at most a few KiB of UTF-8.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `POST /api/v1/chat` request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChatRequest {
    /// What the person typed (1 to 2,000 characters, not only spaces). Control characters
    /// other than line breaks and tabs, bidi-control and zero-width characters are removed
    /// before anything else sees it: the length is checked on what was sent, "not empty" on
    /// what remains.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[\s\S]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff][\s\S]*$"
    )]
    pub message: String,
    /// The `session_id` of an earlier response, to continue that conversation.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The language to answer in: `ja`, `en` or `zh-Hant` (also `zh`, `zh-TW`, `zh-HK`,
    /// `zh-Hans`, `en-US` …; case-insensitive). Absent: the message's own language, by its
    /// script, else the conversation's, else Japanese. It overrides detection for this message
    /// and becomes the conversation's. An unknown tag is a 422 (`unknown_lang`) that lists the
    /// accepted ones.
    #[serde(default)]
    #[schema(
        pattern = r"^([Jj][Aa]|[Ee][Nn]|[Zz][Hh])([-_][A-Za-z0-9]{1,8})*$",
        example = "en"
    )]
    pub lang: Option<String>,
}

/// A quoted term: a verbatim slice of the source document with its citation.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteWire<'a> {
    /// The term's label as records write it (Japanese: 補助率, 上限額 …).
    pub label: &'a str,
    /// The label in the turn's language (Subsidy rate, 補助比例 …; the same as `label` in
    /// Japanese and outside a chat turn). The `text` stays verbatim Japanese.
    pub label_text: &'a str,
    pub text: &'a str,
    pub page: u32,
    pub line: u32,
    /// The id of the source document (see `source` / `sources`).
    pub source: &'a str,
}

impl<'a> QuoteWire<'a> {
    pub fn new(q: &'a Quote, source: &'a str) -> Self {
        Self {
            label: q.label.as_str(),
            label_text: q.label.as_str(),
            text: &q.text,
            page: q.page,
            line: q.line,
            source,
        }
    }
}

impl QuoteWire<'_> {
    /// The same quote with its label in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if let Some(label) = crate::corpus::TermLabel::parse(self.label) {
            self.label_text = words(lang).label(label);
        }
        self
    }
}

/// A rough amount: min(expense × rate, cap), from the quoted rate and cap.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateWire<'a> {
    /// Always "目安": an estimate, not a promise.
    pub label: &'a str,
    pub expense_yen: u64,
    /// The rate read from the quote, e.g. "2/3".
    pub rate: String,
    pub cap_yen: u64,
    pub amount_yen: u64,
    /// The quotes the estimate used (rate, then cap).
    pub quotes: [QuoteWire<'a>; 2],
}

impl<'a> EstimateWire<'a> {
    fn new(e: &'a Estimate, source: &'a str) -> Self {
        Self {
            label: "目安",
            expense_yen: e.expense,
            rate: format!("{}/{}", e.rate.num, e.rate.den),
            cap_yen: e.cap,
            amount_yen: e.amount,
            quotes: [
                QuoteWire::new(&e.rate_quote, source),
                QuoteWire::new(&e.cap_quote, source),
            ],
        }
    }
}

/// A program's 事業期間, quoted, read as years and against today.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodWire<'a> {
    /// The 事業期間 quote, with its page and line (all three absent when the record has none,
    /// so that no quote-shaped object is without a real quote).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// First and last year, Gregorian (null when unknown; last null when open-ended).
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    /// fiscal_year (年度, April to March) | calendar_year (年); null when unknown.
    pub unit: Option<&'a str>,
    /// within (today's year is inside the period) | after (the period has passed) | before |
    /// unknown.
    pub status: &'a str,
}

impl<'a> PeriodWire<'a> {
    pub fn new(p: &'a PeriodNote) -> Self {
        Self {
            text: p.quote.as_ref().map(|q| &*q.text),
            page: p.quote.as_ref().map(|q| q.page),
            line: p.quote.as_ref().map(|q| q.line),
            first_year: p.first_year,
            last_year: p.last_year,
            unit: p.unit.map(|u| match u {
                YearUnit::Fiscal => "fiscal_year",
                YearUnit::Calendar => "calendar_year",
            }),
            status: p.status.as_str(),
        }
    }
}

/// A program in a chat answer (and in `madoguchi ask --json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramWire<'a> {
    pub id: &'a str,
    /// The name as the document prints it (Japanese).
    pub name: &'a str,
    /// What the name means, in the turn's language (null in Japanese).
    pub gloss: Option<&'a str>,
    pub score: f64,
    /// subsidy | loan | expert | seminar | event | network | promotion
    pub kind: &'a str,
    /// The kind in the turn's language, as the widget and the console show it (補助金, 融資 …;
    /// subsidy, loan …).
    pub kind_label: &'a str,
    /// 担当課
    pub division: &'a str,
    /// What the division is, in the turn's language (null in Japanese).
    pub division_gloss: Option<&'a str>,
    /// The id of the source document its terms are quoted from.
    pub source: &'a str,
    pub quotes: Vec<QuoteWire<'a>>,
    pub estimate: Option<EstimateWire<'a>>,
    /// The 事業期間 and whether today falls inside it.
    pub period: PeriodWire<'a>,
    /// Who applies (事業者 | 商工会経由 | 商工団体 | 市町村 | 県 | 県・商工会経由) and how an owner
    /// takes part.
    pub applicant: Option<ApplicantWire<'a>>,
    /// Why the program is on the list, in one line of the turn's language: the need it serves, the
    /// condition a stated fact met, or the one unknown fact that decides (null outside a chat
    /// answer). It states no term itself; `reason_quote` points at the quote that shows it.
    pub reason: Option<&'a str>,
    /// The index in `quotes` of the quote that shows the reason, or null.
    pub reason_quote: Option<usize>,
    /// fits | may_fit: whether the program fits, or one unknown fact (the reason names it)
    /// decides.
    pub fit: &'a str,
}

/// Who applies for a program, from a quoted term, and how a business owner takes part.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantWire<'a> {
    /// 事業者 | 商工会経由 | 商工団体 | 市町村
    pub kind: &'a str,
    /// One sentence for the card.
    pub how: &'a str,
    /// The quoted term that says who applies.
    pub quote: QuoteWire<'a>,
}

impl<'a> From<&'a Recommendation> for ProgramWire<'a> {
    fn from(r: &'a Recommendation) -> Self {
        Self::in_lang(r, Lang::Ja)
    }
}

impl<'a> ProgramWire<'a> {
    /// A recommended program with its labels in `lang` (the turn's).
    pub fn in_lang(r: &'a Recommendation, lang: Lang) -> Self {
        let w = words(lang);
        let gloss = |t: &'a crate::corpus::Translated| match lang {
            Lang::Ja => None,
            _ => Some(pick(lang, "", t)),
        };
        let quote = |q: &'a Quote| QuoteWire::new(q, &r.source).in_lang(lang);
        Self {
            id: r.id.as_str(),
            name: &r.name,
            gloss: gloss(&r.gloss),
            score: (f64::from(r.score) * 1000.0).round() / 1000.0,
            kind: r.kind.as_str(),
            kind_label: w.kind(r.kind),
            division: &r.division,
            division_gloss: gloss(&r.division_gloss),
            source: &r.source,
            quotes: r.quotes.iter().map(quote).collect(),
            estimate: r.estimate.as_ref().map(|e| EstimateWire::new(e, &r.source)),
            period: PeriodWire::new(&r.period),
            applicant: r.applicant.as_ref().map(|(a, q)| ApplicantWire {
                kind: a.as_str(),
                how: w.applicant_how(*a),
                quote: quote(q),
            }),
            reason: r.reason.as_deref(),
            reason_quote: r.reason_quote,
            fit: if r.fits { "fits" } else { "may_fit" },
        }
    }
}

/// A clarifying question; each option is sent back as the next `message`.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpWire<'a> {
    pub question: &'a str,
    pub options: &'a [String],
    /// What the question is about: disaster | stage | theme | industry | kind.
    pub slot: &'a str,
}

/// How the request's `session_id` was resolved.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionWire {
    /// new | continued | unknown | expired | turn_limit | degraded (all but "new" and
    /// "continued" mean the conversation started over; "degraded": the shared session store is
    /// unreachable and this turn was answered on its own).
    pub status: &'static str,
    pub started_over: bool,
}

/// A document the terms come from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceWire<'a> {
    /// The id citations carry in their `source` field.
    pub id: &'a str,
    pub title: &'a str,
    pub issuer: &'a str,
    pub year: &'a str,
}

impl<'a> From<&'a SourceInfo> for SourceWire<'a> {
    fn from(d: &'a SourceInfo) -> Self {
        Self {
            id: &d.id,
            title: &d.title,
            issuer: &d.issuer,
            year: &d.year,
        }
    }
}

impl<'a> From<&'a Document> for SourceWire<'a> {
    fn from(d: &'a Document) -> Self {
        d.info.as_ref().into()
    }
}

/// `POST /api/v1/chat` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatResponse<'a> {
    pub session_id: &'a str,
    /// The language of this turn (`ja`, `en` or `zh-Hant`): `reply`, `reason`s, the
    /// `follow_up` and its options, `refer` and `kind_label` are in it. Quotes stay verbatim
    /// Japanese (they are the evidence); program names stay Japanese with a `gloss`.
    pub lang: &'static str,
    /// The reply in the turn's language (`lang`). In English and Chinese every Japanese word (a
    /// program, an office, a quote) stands in 「…」.
    pub reply: &'a str,
    /// The programs that fit, best first (empty when nothing fits).
    pub programs: Vec<ProgramWire<'a>>,
    pub follow_up: Option<FollowUpWire<'a>>,
    pub no_match: bool,
    /// Why nothing fits: private (a private person or purpose) | elsewhere (a business in
    /// another prefecture) | other_topic | not_covered; null when programs are offered.
    pub no_match_reason: Option<&'a str>,
    /// Where to ask instead when nothing fits (generic places, no phone numbers), in the turn's
    /// language.
    pub refer: &'a [String],
    /// The 年度 of the terms (令和7年度): current 受付 status must be confirmed with the 窓口.
    pub as_of: &'a str,
    /// The primary source document.
    pub source: SourceWire<'a>,
    /// Every document the programs of this answer cite (the primary one when none).
    pub sources: Vec<SourceWire<'a>>,
    pub session: SessionWire,
}

impl<'a> ChatResponse<'a> {
    pub fn new(turn: &'a Turn) -> Self {
        let status = match turn.status {
            SessionStatus::New => "new",
            SessionStatus::Continued => "continued",
            SessionStatus::Unknown => "unknown",
            SessionStatus::Expired => "expired",
            SessionStatus::TurnLimit => "turn_limit",
            SessionStatus::Degraded => "degraded",
        };
        Self {
            session_id: &turn.session_id,
            lang: turn.lang.code(),
            reply: &turn.text,
            programs: turn
                .reply
                .programs()
                .iter()
                .map(|p| ProgramWire::in_lang(p, turn.lang))
                .collect(),
            follow_up: turn.reply.follow_up().map(|f| FollowUpWire {
                question: &f.question,
                options: &f.options,
                slot: f.slot.as_str(),
            }),
            no_match: matches!(turn.reply, Reply::NoMatch { .. }),
            no_match_reason: turn.reply.no_match_reason().map(NoMatchReason::as_str),
            refer: turn.reply.refer(),
            as_of: &turn.as_of,
            source: turn.primary.as_ref().into(),
            sources: turn.sources.iter().map(|s| s.as_ref().into()).collect(),
            session: SessionWire {
                status,
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
pub struct ProgramSummary<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub themes: Vec<&'a str>,
    pub kind: &'a str,
    /// The kind in Japanese (補助金, 融資 …).
    pub kind_label: &'a str,
    pub division: &'a str,
    pub parent: Option<&'a str>,
}

impl<'a> From<&'a Program> for ProgramSummary<'a> {
    fn from(p: &'a Program) -> Self {
        Self {
            id: p.id.as_str(),
            name: &p.name,
            themes: p.themes.iter().map(|t| t.as_str()).collect(),
            kind: p.kind.as_str(),
            kind_label: p.kind.japanese(),
            division: &p.division,
            parent: p.parent.as_ref().map(|x| x.as_str()),
        }
    }
}

/// `GET /api/v1/programs/{id}`: the whole record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramDetail<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The line of the source where the name is printed.
    pub name_line: u32,
    pub division: &'a str,
    pub pages: &'a [u32],
    pub kind: &'a str,
    /// The kind in Japanese (補助金, 融資 …).
    pub kind_label: &'a str,
    /// One line in our words (no figures: those are in `quotes`).
    pub purpose: &'a str,
    pub themes: Vec<&'a str>,
    pub disasters: Vec<&'a str>,
    pub sizes: Vec<&'a str>,
    pub industries: &'a [String],
    pub succession_stages: Vec<&'a str>,
    pub parent: Option<&'a str>,
    pub menus: Vec<ProgramSummary<'a>>,
    /// Every quoted term, with its citation.
    pub quotes: Vec<QuoteWire<'a>>,
    /// The 窓口 quotes.
    pub contacts: Vec<QuoteWire<'a>>,
    pub source: SourceWire<'a>,
    /// The 事業期間 and whether today falls inside it.
    pub period: PeriodWire<'a>,
    /// Who applies and how an owner takes part.
    pub applicant: Option<ApplicantWire<'a>>,
}

impl<'a> ProgramDetail<'a> {
    pub fn new(p: &'a Program, corpus: &'a Corpus, period: &'a PeriodNote) -> Self {
        let doc = corpus.document_of(p);
        let sid: &str = &doc.info.id;
        Self {
            id: p.id.as_str(),
            name: &p.name,
            name_line: p.name_line,
            division: &p.division,
            pages: &p.pages,
            kind: p.kind.as_str(),
            kind_label: p.kind.japanese(),
            purpose: &p.purpose,
            themes: p.themes.iter().map(|t| t.as_str()).collect(),
            disasters: p.disasters.iter().map(|t| t.as_str()).collect(),
            sizes: p.sizes.iter().map(|t| t.as_str()).collect(),
            industries: &p.industries,
            succession_stages: p.stages.iter().map(|t| t.as_str()).collect(),
            parent: p.parent.as_ref().map(|x| x.as_str()),
            menus: corpus.menus_of(&p.id).map(ProgramSummary::from).collect(),
            quotes: p.terms.iter().map(|q| QuoteWire::new(q, sid)).collect(),
            contacts: p
                .terms_labelled(crate::corpus::TermLabel::Contact)
                .map(|q| QuoteWire::new(q, sid))
                .collect(),
            source: doc.into(),
            period: PeriodWire::new(period),
            applicant: p.applicant.and_then(|(a, i)| {
                Some(ApplicantWire {
                    kind: a.as_str(),
                    how: a.how(),
                    quote: QuoteWire::new(p.terms.get(i)?, sid),
                })
            }),
        }
    }
}

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// "ok" when the corpus and index are loaded and the session store and database answer;
    /// "degraded" when a shared session store is unreachable (answers go on, one turn at a
    /// time) or the database is (answers go on; records wait in a queue, requests get 503).
    pub status: String,
    /// memory | redis
    pub session_store: String,
    /// sqlite | postgres | none
    pub database: String,
    /// Records waiting to be written to the database.
    pub database_pending: usize,
    /// Why the database is degraded, when it is: disk_full | io_error | read_only | busy |
    /// unreachable | timeout | other.
    pub database_error: Option<String>,
    pub programs: usize,
    pub quotes: usize,
    pub index_bytes: usize,
    pub sessions: usize,
    pub as_of: String,
}
