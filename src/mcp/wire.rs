//! The tools' structured content: one JSON object per tool, built from the chat API's own wire
//! types (`ProgramWire`, `ProgramSummary`, `SourceWire`, `FollowUpWire`), so an MCP client sees
//! the same keys, and the same verbatim quotes with page and line, as an HTTP client.

use serde::Serialize;

use crate::corpus::{Corpus, Theme};
use crate::dialogue::{NoMatchReason, Reply, Turn};
use crate::wire::{FollowUpWire, ProgramSummary, ProgramWire, SourceWire};

/// `find_programs`: one turn of the dialogue, without its session.
#[derive(Debug, Serialize)]
pub struct Found<'a> {
    /// The language of the turn (ja | en | zh-Hant): the reply, reasons, question, options and
    /// referrals are in it; quotes and program names stay verbatim Japanese.
    pub lang: &'static str,
    /// The programs that fit, best first, as the chat API's `programs` (empty when nothing fits
    /// or when the dialogue first needs an answer to `follow_up`).
    pub programs: Vec<ProgramWire<'a>>,
    pub no_match: bool,
    /// Why nothing fits: private | elsewhere | other_topic | not_covered (null otherwise).
    pub no_match_reason: Option<&'a str>,
    /// Where to ask instead when nothing fits (empty otherwise).
    pub refer: &'a [String],
    /// The one question whose answer would narrow the programs down, when the dialogue has one.
    pub follow_up: Option<FollowUpWire<'a>>,
    /// The dialogue's reply in the turn's language, as the chat shows it.
    pub reply: &'a str,
    /// The 年度 of the quoted terms (令和7年度).
    pub as_of: &'a str,
    /// The documents the quotes come from (the primary one when none).
    pub sources: Vec<SourceWire<'a>>,
}

impl<'a> Found<'a> {
    pub fn new(turn: &'a Turn) -> Self {
        Self {
            lang: turn.lang.code(),
            programs: turn
                .reply
                .programs()
                .iter()
                .map(|p| ProgramWire::in_lang(p, turn.lang))
                .collect(),
            no_match: matches!(turn.reply, Reply::NoMatch { .. }),
            no_match_reason: turn.reply.no_match_reason().map(NoMatchReason::as_str),
            refer: turn.reply.refer(),
            follow_up: turn.reply.follow_up().map(|f| FollowUpWire {
                question: &f.question,
                options: &f.options,
                slot: f.slot.as_str(),
            }),
            reply: &turn.text,
            as_of: &turn.as_of,
            sources: turn.sources.iter().map(|s| s.as_ref().into()).collect(),
        }
    }
}

/// `list_programs`: the programs and menus of a theme (or all), as `GET /api/v1/programs` lists
/// them.
#[derive(Debug, Serialize)]
pub struct Listed<'a> {
    pub programs: Vec<ProgramSummary<'a>>,
    /// The theme asked for, if any.
    pub theme: Option<&'static str>,
    /// Every theme a client may ask for.
    pub themes: Vec<&'static str>,
    /// The primary source document.
    pub source: SourceWire<'a>,
}

impl<'a> Listed<'a> {
    pub fn new(corpus: &'a Corpus, theme: Option<Theme>) -> Self {
        Self {
            programs: corpus
                .programs
                .iter()
                .filter(|p| theme.is_none_or(|t| p.themes.contains(&t)))
                .map(ProgramSummary::from)
                .collect(),
            theme: theme.map(Theme::as_str),
            themes: crate::wire::error::theme_labels(),
            source: corpus.primary().into(),
        }
    }
}
