//! The dialogue: one turn of a conversation. Understands the message (once), merges its facts
//! into the session, decides between answering, asking one clarifying question, and saying
//! plainly that nothing fits, and composes the reply. Every caller goes through one of three
//! doors to the same turn: [`Dialogue::respond`] (`chat` at a terminal), `respond_for` (the API,
//! within a client's [`Budget`]) and `respond_once` (a turn that is a whole conversation: MCP's
//! `find_programs`, `ask`), whatever the session store. Understanding a message cannot fail; a
//! new conversation can be refused, when every one the store holds is in progress.
//!
//! Stages: `understand` (what a message says) → [`policy`](self::policy) (answer / clarify /
//! no match, and which question) with [`fit`](self::fit) (a verdict per program, the short list)
//! → [`compose`] (quotes, estimate) and [`reason`](self::reason) (why each fits) → [`reply`]
//! (the text).

mod clock;
pub mod compose;
mod fit;
mod message;
mod policy;
mod reason;
pub mod record;
mod reply;

use std::path::Path;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::corpus::{Kind, ProgramId, Quote, Slot, SourceInfo, Translated};
use crate::engine::{Engine, LoadError};

pub use crate::sessions::{
    ACTIVE_WINDOW, MemoryStore, Session, SessionLimits, SessionStatus, SessionStore, StoreFull,
    StoreFuture, Taken,
};
/// The languages a turn may be answered in (the channels name it through the dialogue).
pub use crate::text::Lang;
pub use clock::{Clock, JST_OFFSET_SECS, japan_date};
pub use compose::{Estimate, PeriodNote};
pub use message::{MAX_MESSAGE_CHARS, Message, MessageError};
pub use reason::{Cond, Why};
pub use record::{Reason, Recorder, TurnRecord};
pub use reply::{Words, pick, words};

/// A program recommended in a turn, with the quotes chosen for this person.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub id: ProgramId,
    pub name: Arc<str>,
    /// What the name means, in English and in Chinese (shown after the name in 「」).
    pub gloss: Translated,
    pub kind: Kind,
    pub division: Arc<str>,
    /// What the division is, in English and in Chinese.
    pub division_gloss: Translated,
    /// The id of the source document its quotes come from.
    pub source: Arc<str>,
    pub score: f32,
    pub quotes: Vec<Quote>,
    pub estimate: Option<Estimate>,
    /// The program's 事業期間 read against today (status unknown without the quote).
    pub period: PeriodNote,
    /// Who applies, with the quote that says so.
    pub applicant: Option<(crate::corpus::Applicant, Quote)>,
    /// Why it is on the list, in one line of the turn's language (no terms: those are the
    /// quotes).
    pub reason: Option<String>,
    /// The quote (index into `quotes`) that shows why it fits.
    pub reason_quote: Option<usize>,
    /// It fits (true), or it may fit and one unknown fact decides (false; the reason says
    /// which).
    pub fits: bool,
}

/// A clarifying question with its options (shown as buttons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub slot: Slot,
    pub question: String,
    pub options: Vec<String>,
}

/// What a turn decided.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The programs that fit, best first.
    Answer { programs: Vec<Recommendation> },
    /// One question whose answer changes the result, with the best candidates so far.
    Clarify {
        follow_up: FollowUp,
        programs: Vec<Recommendation>,
    },
    /// Nothing in these programs fits: why, and where to ask instead.
    NoMatch {
        reason: NoMatchReason,
        refer: Vec<String>,
    },
}

/// Why nothing is recommended, said in one short phrase in the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatchReason {
    /// A private person or purpose; the phrase names which (個人・家計のご相談 …).
    Private { label: String },
    /// A business located in another prefecture.
    Elsewhere { prefecture: String },
    /// Another subject than these programs (税務, 天気 …).
    OtherTopic { topic: String },
    /// Nothing in the programs matches what was said.
    NotCovered,
    /// The message is written in a language the service does not read (Korean, Indonesian,
    /// French …): the person is asked, in Japanese, English and Chinese, to write in one of them.
    Language,
}

impl NoMatchReason {
    /// `private`, `elsewhere`, `other_topic`, `not_covered` or `language`.
    pub fn as_str(&self) -> &'static str {
        match self {
            NoMatchReason::Private { .. } => "private",
            NoMatchReason::Elsewhere { .. } => "elsewhere",
            NoMatchReason::OtherTopic { .. } => "other_topic",
            NoMatchReason::NotCovered => "not_covered",
            NoMatchReason::Language => "language",
        }
    }
}

impl Reply {
    pub fn programs(&self) -> &[Recommendation] {
        match self {
            Reply::Answer { programs } | Reply::Clarify { programs, .. } => programs,
            Reply::NoMatch { .. } => &[],
        }
    }

    pub fn follow_up(&self) -> Option<&FollowUp> {
        match self {
            Reply::Clarify { follow_up, .. } => Some(follow_up),
            _ => None,
        }
    }

    /// Why nothing fits, for a no match.
    pub fn no_match_reason(&self) -> Option<&NoMatchReason> {
        match self {
            Reply::NoMatch { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Where to ask instead, for a no match (empty otherwise).
    pub fn refer(&self) -> &[String] {
        match self {
            Reply::NoMatch { refer, .. } => refer,
            _ => &[],
        }
    }

    /// `answer`, `clarify` or `no_match`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Reply::Answer { .. } => "answer",
            Reply::Clarify { .. } => "clarify",
            Reply::NoMatch { .. } => "no_match",
        }
    }
}

/// One turn's result.
#[derive(Debug, Clone)]
pub struct Turn {
    pub session_id: String,
    pub status: SessionStatus,
    /// The reply in plain, polite language: the conversation's ([`Turn::lang`]).
    pub text: String,
    /// The language of this turn's reply: the message's own (detected from its script, or the
    /// channel's explicit choice), else the conversation's, else Japanese.
    pub lang: Lang,
    pub reply: Reply,
    /// The documents the programs of this turn cite, in manifest order (the primary document
    /// when it cites none).
    pub sources: Vec<Arc<SourceInfo>>,
    /// The primary source document.
    pub primary: Arc<SourceInfo>,
    /// The 年度 of the cited documents (令和7年度).
    pub as_of: String,
    /// Today's date, as the dialogue's clock gave it.
    pub today: crate::corpus::Date,
}

/// What a channel lets one of its clients do, and how the channel keys its limits: each channel
/// counts under the identity it can trust — the HTTP API under the client's address (its /64 for
/// IPv6, behind `--trusted-proxy`), LINE under the LINE user id the signed webhook names — so that
/// one client cannot push other people's conversations or unanswered questions out of either.
/// `ask` and `chat` at a terminal use [`Unlimited`]; MCP over HTTP is bounded by the HTTP layers
/// it runs under. A new channel implements this for its own key and passes it to
/// [`Dialogue::respond_for`].
pub trait Budget {
    /// Why a turn was refused: the budget's own reasons, or the session store's
    /// ([`StoreFull`]: every conversation it holds is in progress).
    type Refused: From<StoreFull>;
    /// Spends one new conversation, or refuses the turn (before anything is stored).
    fn start_session(&self) -> Result<(), Self::Refused>;
    /// Spends one line of the unanswered log; `false`: this question is not logged.
    fn log_unanswered(&self) -> bool;
}

/// No limits: one person at a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Unlimited;

impl Budget for Unlimited {
    type Refused = StoreFull;

    fn start_session(&self) -> Result<(), Self::Refused> {
        Ok(())
    }

    fn log_unanswered(&self) -> bool {
        true
    }
}

/// The dialogue service: the engine (swappable by a reload), the sessions, and whoever keeps
/// records of the turns.
#[derive(Debug)]
pub struct Dialogue {
    engine: ArcSwap<Engine>,
    sessions: Arc<dyn SessionStore>,
    recorder: Option<Arc<dyn Recorder>>,
    clock: Clock,
}

impl Dialogue {
    /// A dialogue whose sessions live in `sessions`.
    pub fn new(engine: Arc<Engine>, sessions: Arc<dyn SessionStore>) -> Self {
        Self {
            engine: ArcSwap::new(engine),
            sessions,
            recorder: None,
            clock: Clock::System,
        }
    }

    /// Today's date as the dialogue reads it.
    pub fn today(&self) -> crate::corpus::Date {
        self.clock.today()
    }

    /// The same dialogue reporting its turns and unanswered questions to `recorder`.
    pub fn with_recorder(mut self, recorder: Arc<dyn Recorder>) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// The same dialogue reading today's date from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// A dialogue with sessions in this process.
    pub fn in_memory(engine: Arc<Engine>, limits: SessionLimits) -> Self {
        Self::new(engine, Arc::new(MemoryStore::new(limits)))
    }

    /// The engine serving now (a reload may replace it for later calls).
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// Re-reads and verifies the corpus in `dir` and, only if it is entirely valid, swaps it in
    /// atomically: requests in flight finish on the old engine, later ones use the new one. On
    /// error the old corpus keeps serving and the loader's message is returned.
    pub fn reload(&self, dir: &Path) -> Result<Arc<Engine>, LoadError> {
        let engine = Arc::new(Engine::load(dir)?);
        self.engine.store(engine.clone());
        Ok(engine)
    }

    pub fn sessions(&self) -> &dyn SessionStore {
        self.sessions.as_ref()
    }

    /// Logs the sessions that ended waiting for an answer to a clarifying question.
    fn note_ended(&self, ended: Vec<Session>) {
        let Some(recorder) = &self.recorder else {
            return;
        };
        for s in ended {
            if s.pending.is_some()
                && let Some(last) = &s.waiting
            {
                recorder.unanswered(last, Reason::Abandoned);
            }
        }
    }

    /// Answers one message in the session `session_id` (a new one if absent, unknown or
    /// expired). Never fails and never panics on any text; when the store cannot be reached
    /// the message is answered on its own. A new conversation is refused only when every
    /// conversation the store holds is in progress (see [`ACTIVE_WINDOW`]).
    pub async fn respond(
        &self,
        session_id: Option<&str>,
        message: &str,
    ) -> Result<Turn, StoreFull> {
        self.respond_for(&Unlimited, session_id, message).await
    }

    /// One turn that is a whole conversation: answered as the first message of a new one, and
    /// nothing is kept in the session store (MCP's `find_programs`, `ask`), so such calls
    /// cannot fill it. Recorded like any turn.
    pub async fn respond_once(&self, message: &str) -> Turn {
        self.respond_once_in(message, None).await
    }

    /// [`respond_once`](Self::respond_once) in the language a channel chose (`None`: the
    /// message's own).
    pub async fn respond_once_in(&self, message: &str, lang: Option<Lang>) -> Turn {
        let mut session = Session::default();
        self.finish_turn(
            &Unlimited,
            crate::sessions::new_id(),
            SessionStatus::New,
            &mut session,
            message,
            lang,
        )
    }

    /// [`respond`](Self::respond) within one client's `budget`: a turn that would start a
    /// conversation (none given, or the one given is unknown or expired) is refused when the
    /// budget says so, or when the store has no room that is not in progress; a question
    /// nothing answers is logged only while the budget allows.
    pub async fn respond_for<B: Budget + Sync>(
        &self,
        budget: &B,
        session_id: Option<&str>,
        message: &str,
    ) -> Result<Turn, B::Refused> {
        self.respond_in(budget, session_id, message, None).await
    }

    /// [`respond_for`](Self::respond_for) in the language a channel chose for this message
    /// (the chat API's `lang`, the widget's language switch); `None`: the message's own, by its
    /// script, else the conversation's.
    pub async fn respond_in<B: Budget + Sync>(
        &self,
        budget: &B,
        session_id: Option<&str>,
        message: &str,
        lang: Option<Lang>,
    ) -> Result<Turn, B::Refused> {
        let Taken {
            id,
            mut session,
            status,
            ended,
        } = self.sessions.take(session_id).await;
        self.note_ended(ended);
        if matches!(
            status,
            SessionStatus::New | SessionStatus::Unknown | SessionStatus::Expired
        ) {
            // The client's own budget first: a client over it does not reach the store.
            budget.start_session()?;
            let ended = self.sessions.admit(&id).await?;
            self.note_ended(ended);
        }
        let turn = self.finish_turn(budget, id, status, &mut session, message, lang);
        if status != SessionStatus::Degraded {
            let ended = self.sessions.put(&turn.session_id, session).await;
            self.note_ended(ended);
        }
        Ok(turn)
    }

    /// The turn itself, once the session is settled: understanding the message, the
    /// decision, the record, the reply.
    fn finish_turn<B: Budget>(
        &self,
        budget: &B,
        id: String,
        status: SessionStatus,
        session: &mut Session,
        message: &str,
        lang: Option<Lang>,
    ) -> Turn {
        let engine = self.engine();
        let today = self.clock.today();
        // A message in a language the service does not read is not guessed at: the person is
        // asked to write in Japanese, English or Chinese (a channel's explicit choice is kept).
        let foreign = lang.is_none() && crate::text::foreign(message);
        // The message is read in its own language (its script); the reply is in the channel's
        // choice when it made one, else in the message's, else in the conversation's.
        let written = engine.detect(message);
        let lang = lang.or(written).or(session.lang).unwrap_or_default();
        let read_as = written.unwrap_or(lang);
        let (reply, asks_time) = if foreign {
            let reply = Reply::NoMatch {
                reason: NoMatchReason::Language,
                refer: Vec::new(),
            };
            (reply, false)
        } else {
            session.lang = Some(lang);
            let understanding = engine.understand_in(message, read_as);
            let asks_time = understanding.asks_time;
            (
                policy::turn(&engine, session, understanding, today, lang),
                asks_time,
            )
        };
        session.turns = session.turns.saturating_add(1);
        session.waiting = matches!(reply, Reply::Clarify { .. }).then(|| {
            message
                .trim()
                .chars()
                .take(crate::sessions::LAST_MESSAGE_CHARS)
                .collect()
        });
        if let Some(recorder) = &self.recorder {
            if matches!(reply, Reply::NoMatch { .. }) && budget.log_unanswered() {
                recorder.unanswered(message, Reason::NoMatch);
            }
            recorder.turn(TurnRecord {
                session_id: id.clone(),
                question: message.trim().to_string(),
                outcome: reply.outcome(),
                programs: reply.programs().iter().map(|p| p.id.clone()).collect(),
                lang,
            });
        }
        let corpus = &engine.corpus;
        let mut sources: Vec<Arc<SourceInfo>> = corpus
            .documents
            .iter()
            .filter(|d| reply.programs().iter().any(|p| p.source == d.info.id))
            .map(|d| d.info.clone())
            .collect();
        if sources.is_empty() {
            sources.push(corpus.primary().info.clone());
        }
        let mut years: Vec<&str> = Vec::new();
        for s in &sources {
            if !years.contains(&s.year.as_str()) {
                years.push(&s.year);
            }
        }
        Turn {
            session_id: id,
            lang,
            status,
            text: reply::text(lang, &reply, status, &sources, today, asks_time),
            today,
            as_of: years.join("・"),
            primary: corpus.primary().info.clone(),
            sources,
            reply,
        }
    }
}
