//! The LINE channel: a 商工会's LINE Official Account answered by the same dialogue as the chat
//! API. `POST /line/webhook` ([`webhook`]) checks LINE's signature before anything else, answers
//! 200 at once, and handles the events on a task: a text goes through [`Message`] and
//! [`Dialogue::respond_for`] within the LINE user's [`budget`], the conversation keyed by the
//! LINE user (or the group or room the bot is in); the turn is rendered by [`crate::render`] and
//! sent back with the reply API ([`client`]), in at most five messages with the follow-up
//! options as quick replies. 「窓口に相談する」 starts the handoff ([`handoff`]): consent, name,
//! contact, then a consultation request in the desk's database with the conversation.
//!
//! What is kept, in this process only: the session id of each LINE conversation (at most
//! [`MAX_CONVERSATIONS`], least recently used first out) and the ids of the recent webhook
//! events (at most [`RECENT_EVENTS`]), so a redelivered event is not answered twice.

mod budget;
mod client;
mod handoff;
mod webhook;

use std::collections::{HashSet, VecDeque};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::post;
use lru::LruCache;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use tokio::sync::Semaphore;

use crate::database::Database;
use crate::dialogue::{Dialogue, Message};
use crate::render::{self, Style};

pub use budget::{Limits as UserLimits, Refused, UserBudget, UserBudgets};
use client::{Client, Outgoing};
pub use client::{MAX_CHARS, MAX_LABEL_CHARS, MAX_MESSAGES, MAX_QUICK_REPLIES};
use webhook::Event;

/// LINE conversations whose session id is remembered: as many as the session store holds by
/// default, so a conversation the store still has is not lost here first.
pub const MAX_CONVERSATIONS: usize = 10_000;

/// Webhook event ids remembered against redelivery. LINE redelivers within minutes of a failed
/// delivery; ten thousand ids cover that many events, far more than minutes of a 商工会's traffic.
pub const RECENT_EVENTS: usize = 10_000;

/// Event groups handled at once; more wait for a slot. Each holds a turn (well under a
/// millisecond) and one reply call to LINE (a network round trip): 32 keeps the outgoing
/// connections few while a burst of deliveries is worked off in parallel.
const MAX_TASKS: usize = 32;

/// The flags of `madoguchi serve` that enable the LINE channel.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LineArgs {
    /// A file holding the LINE channel secret (LINE Developers console → the Messaging API
    /// channel → Basic settings). With --line-access-token-file it enables POST /line/webhook.
    #[arg(
        long,
        env = "MADOGUCHI_LINE_CHANNEL_SECRET_FILE",
        requires = "line_access_token_file"
    )]
    pub line_channel_secret_file: Option<PathBuf>,
    /// A file holding the channel's long-lived access token (Messaging API tab → Channel access
    /// token), sent as the Bearer token of every reply.
    #[arg(
        long,
        env = "MADOGUCHI_LINE_ACCESS_TOKEN_FILE",
        requires = "line_channel_secret_file"
    )]
    pub line_access_token_file: Option<PathBuf>,
    /// Where the Messaging API is (a test points this at a fake).
    #[arg(
        long,
        env = "MADOGUCHI_LINE_API_BASE",
        default_value = "https://api.line.me"
    )]
    pub line_api_base: String,
}

/// The channel's secrets and where its API is, read and checked.
#[derive(Clone)]
pub struct LineConfig {
    /// The channel secret: the key of the webhook's HMAC.
    pub channel_secret: Vec<u8>,
    /// The channel access token.
    pub access_token: String,
    /// The API's base URL, without a trailing slash.
    pub api_base: String,
}

impl std::fmt::Debug for LineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secrets never reach a log.
        f.debug_struct("LineConfig")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// Why the LINE flags cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum LineConfigError {
    #[error("{flag} {path}: {source}")]
    Read {
        flag: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("{flag} {path}: the file is empty")]
    Empty { flag: &'static str, path: String },
    #[error("--line-api-base {0:?} is not an http:// or https:// URL")]
    Base(String),
    #[error("the LINE API client could not be built: {0}")]
    Client(#[from] reqwest::Error),
}

impl LineArgs {
    /// The channel's configuration, or `None` when the flags leave LINE off.
    pub fn config(&self) -> Result<Option<LineConfig>, LineConfigError> {
        let (Some(secret), Some(token)) =
            (&self.line_channel_secret_file, &self.line_access_token_file)
        else {
            return Ok(None);
        };
        let read = |flag: &'static str, path: &PathBuf| {
            let text = std::fs::read_to_string(path).map_err(|source| LineConfigError::Read {
                flag,
                path: path.display().to_string(),
                source,
            })?;
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(LineConfigError::Empty {
                    flag,
                    path: path.display().to_string(),
                });
            }
            Ok(text)
        };
        let base = self.line_api_base.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(LineConfigError::Base(self.line_api_base.clone()));
        }
        Ok(Some(LineConfig {
            channel_secret: read("--line-channel-secret-file", secret)?.into_bytes(),
            access_token: read("--line-access-token-file", token)?,
            api_base: base,
        }))
    }
}

/// One LINE conversation as this process remembers it.
#[derive(Debug, Default)]
struct Conversation {
    /// The dialogue's session id (a new one when the store forgot the old).
    session: Option<String>,
    /// The person's first question of the session: the message of a consultation request.
    first_question: Option<String>,
    handoff: handoff::Step,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    result: &'static str,
}

/// The LINE channel: its client, the shared dialogue and database, and what it remembers.
pub struct Line {
    secret: Vec<u8>,
    client: Client,
    dialogue: Arc<Dialogue>,
    database: Option<Database>,
    retention_days: u32,
    budgets: UserBudgets,
    conversations: Mutex<LruCache<String, Arc<tokio::sync::Mutex<Conversation>>>>,
    recent: Mutex<Recent>,
    tasks: Arc<Semaphore>,
    events: Family<Kind, Counter>,
    replies: Family<Outcome, Counter>,
}

impl std::fmt::Debug for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Line")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Line {
    /// The channel over `dialogue`, with `database` for the handoff (none: the handoff says it
    /// cannot take requests here).
    pub fn new(
        config: LineConfig,
        dialogue: Arc<Dialogue>,
        database: Option<Database>,
        retention_days: u32,
    ) -> Result<Line, LineConfigError> {
        let cap = NonZeroUsize::new(MAX_CONVERSATIONS).unwrap_or(NonZeroUsize::MIN);
        Ok(Line {
            client: Client::new(&config.api_base, &config.access_token)?,
            secret: config.channel_secret,
            dialogue,
            database,
            retention_days,
            budgets: UserBudgets::default(),
            conversations: Mutex::new(LruCache::new(cap)),
            recent: Mutex::new(Recent::default()),
            tasks: Arc::new(Semaphore::new(MAX_TASKS)),
            events: Family::default(),
            replies: Family::default(),
        })
    }

    /// The same channel with other per-user budgets (tests use small ones).
    pub fn with_budgets(mut self, budgets: UserBudgets) -> Line {
        self.budgets = budgets;
        self
    }

    /// Adds the channel's counters to the service's metrics.
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "line_events",
            "LINE webhook events by kind: text, follow, other_message (a sticker, image …), \
             duplicate (a redelivery already handled), ignored",
            self.events.clone(),
        );
        registry.register(
            "line_replies",
            "Reply API calls by result: sent, failed (logged, never retried)",
            self.replies.clone(),
        );
    }

    fn count(&self, kind: &'static str) {
        self.events.get_or_create(&Kind { kind }).inc();
    }

    /// Whether an event is seen for the first time (an event without an id always is).
    fn first_time(&self, event: &Event) -> bool {
        let Some(id) = event.webhook_event_id.as_deref() else {
            return true;
        };
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.insert(id)
    }

    /// The conversation of `key`, made when new.
    fn conversation(&self, key: &str) -> Arc<tokio::sync::Mutex<Conversation>> {
        let mut map = self.conversations.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(key) {
            return c.clone();
        }
        let c = Arc::new(tokio::sync::Mutex::new(Conversation::default()));
        map.put(key.to_string(), c.clone());
        c
    }

    /// Handles the events of one conversation in order, then frees its slot.
    async fn handle_all(self: Arc<Self>, events: Vec<Event>) {
        let Ok(_slot) = self.tasks.clone().acquire_owned().await else {
            return;
        };
        for event in events {
            self.handle(event).await;
        }
        self.budgets.prune_now_and_then();
    }

    /// One event: what to answer, then the reply.
    async fn handle(&self, event: Event) {
        // In standby another module of the account holds the chat: nothing is answered.
        if event.mode.as_deref() == Some("standby") {
            self.count("ignored");
            return;
        }
        let (Some(token), Some(source)) = (event.reply_token.as_deref(), event.source.as_ref())
        else {
            self.count("ignored");
            return;
        };
        let outgoing = match (event.kind.as_str(), event.message.as_ref()) {
            ("follow" | "join", _) => {
                self.count("follow");
                handoff::greeting(event.kind == "follow")
            }
            ("message", Some(m)) if m.kind == "text" => {
                let (Some(conversation), Some(user)) =
                    (source.conversation_key(), source.budget_key())
                else {
                    self.count("ignored");
                    return;
                };
                self.count("text");
                self.text(&conversation, &user, m.text.as_deref().unwrap_or_default())
                    .await
            }
            ("message", Some(_)) => {
                self.count("other_message");
                Outgoing::text(
                    "文字のメッセージでご相談内容をお送りください（スタンプや画像、音声には\
                     お答えできません）。例：「店の改装に使える補助金はありますか」\n\
                     Please send your question as text (we cannot answer stickers, images or \
                     voice).\n請以文字訊息傳送您的諮詢內容（無法回覆貼圖、圖片或語音）。",
                )
            }
            _ => {
                self.count("ignored");
                return;
            }
        };
        let result = match self.client.reply(token, &outgoing).await {
            Ok(()) => "sent",
            Err(e) => {
                tracing::warn!(error = %e, "a LINE reply failed (not retried)");
                "failed"
            }
        };
        self.replies.get_or_create(&Outcome { result }).inc();
    }

    /// A text message: a step of the handoff, the start of one, or a turn of the dialogue.
    async fn text(&self, key: &str, user: &str, raw: &str) -> Outgoing {
        let conversation = self.conversation(key);
        let mut conversation = conversation.lock().await;
        if let Some(out) = handoff::step(self, &mut conversation, user, raw).await {
            return out;
        }
        let message = match Message::parse(raw) {
            Ok(m) => m,
            Err(e) => return Outgoing::text(e.japanese()),
        };
        if let Err(refused) = self.budgets.turn(user) {
            return Outgoing::text(refused.japanese());
        }
        let budget = self.budgets.of(user);
        let turn = match self
            .dialogue
            .respond_for(&budget, conversation.session.as_deref(), message.as_str())
            .await
        {
            Ok(turn) => turn,
            Err(refused) => return Outgoing::text(refused.japanese()),
        };
        if conversation.session.as_deref() != Some(turn.session_id.as_str()) {
            conversation.first_question = None;
        }
        conversation.session = Some(turn.session_id.clone());
        conversation
            .first_question
            .get_or_insert_with(|| message.as_str().to_string());
        let mut options: Vec<String> = turn
            .reply
            .follow_up()
            .map(|f| f.options.clone())
            .unwrap_or_default();
        if self.database.is_some() {
            options.push(handoff::START.to_string());
        }
        Outgoing {
            blocks: render::turn(&turn, Style::PERSON).into_blocks(),
            options,
        }
    }
}

/// The routes of the channel: `POST /line/webhook`. Mounted by `http::app` under the API's own
/// layers (body limit and deadline, concurrency, timeout) when the channel is configured.
pub fn router<S: Clone + Send + Sync + 'static>(line: Arc<Line>) -> Router<S> {
    Router::new().route("/line/webhook", post(webhook::webhook).with_state(line))
}

/// The ids of recent webhook events, oldest first out.
#[derive(Debug, Default)]
struct Recent {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl Recent {
    /// Remembers `id`; `false` when it was already remembered.
    fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() >= RECENT_EVENTS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_are_bounded_and_remembered() {
        let mut r = Recent::default();
        assert!(r.insert("a"));
        assert!(!r.insert("a"));
        for i in 0..RECENT_EVENTS {
            assert!(r.insert(&i.to_string()));
        }
        assert_eq!(r.order.len(), RECENT_EVENTS);
        assert_eq!(r.set.len(), RECENT_EVENTS);
        // The oldest went first: "a" is new again.
        assert!(r.insert("a"));
    }
}
