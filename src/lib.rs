//! madoguchi (窓口): a help desk for Kumamoto prefecture's support programs for small
//! businesses. It finds the programs that fit a situation described in everyday Japanese and
//! answers with their terms quoted verbatim from the official document, with page and line.
//!
//! Crate map (dependencies point down this list, never up):
//! - [`corpus`]: loads and checks the program records against the source document.
//! - [`text`]: Japanese analysis (normalization, lindera, bigrams).
//! - [`understand`]: one message → one [`understand::Understanding`] (words, facts, cues).
//! - [`search`]: the tantivy index over the corpus, its term table, and scoring of a query.
//! - [`engine`]: corpus + understanding stage + index, loaded once and shared.
//! - [`sessions`]: conversation memory: what a session keeps, the store trait, the in-memory
//!   and the Redis store.
//! - [`dialogue`]: one turn of a conversation: answer / clarify / no match.
//! - [`render`]: one dialogue `Turn` → text (the reply, each program's quotes with 「p.N l.M」,
//!   the question and its options) for every channel that shows text: the CLI, MCP and LINE.
//! - [`wire`]: the JSON contract every channel speaks (the chat API's turn and program objects,
//!   the program records), converted by hand from domain types; neutral ground for `http` and
//!   `mcp`.
//! - [`database`]: the desk's records (consultation requests, feedback, conversations, the
//!   unanswered log) in SQLite or PostgreSQL; the dialogue's `Recorder`.
//! - [`http`]: the HTTP API (`app(state)`, which also mounts `mcp` at `/mcp`): its hardened
//!   `transport`, one file per `api` area, and the `startup` that assembles the service; an
//!   edge that knows JSON.
//! - [`mcp`]: the tools for AI assistants over MCP (stdio and streamable HTTP); an edge that
//!   knows JSON. It uses `dialogue`, `render` and `wire` as `http` does, and no other channel.
//! - [`line`]: the LINE Messaging API channel (`POST /line/webhook`, mounted by `http::app` when
//!   configured); an edge that knows JSON, over the same `Message`, dialogue and renderer.
//! - [`cli`]: the `madoguchi` command line (`check`, `ask`, `chat`, `serve`, `mcp`); an edge
//!   that knows JSON.

pub mod cli;
pub mod corpus;
pub mod database;
pub mod dialogue;
pub mod engine;
pub mod http;
pub mod line;
pub mod mcp;
pub mod render;
pub mod search;
pub mod sessions;
pub mod text;
pub mod understand;
pub mod wire;

pub use engine::{Engine, LoadError};
