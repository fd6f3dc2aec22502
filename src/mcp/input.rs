//! The tools' arguments as an MCP client sends them (with the JSON Schemas it is shown), and
//! their parsing into typed values: a situation as the dialogue's checked [`Message`] (the same
//! check as every channel's), a [`Theme`], an id the corpus holds. Anything else becomes an
//! [`InputError`], which the tool returns as an MCP tool error in Japanese and English.

use rmcp::schemars;
use serde::Deserialize;

use crate::corpus::Theme;
use crate::dialogue::{Lang, MAX_MESSAGE_CHARS, Message, MessageError};

/// `find_programs` arguments.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct FindPrograms {
    /// 相談者の状況を、相談者の言葉のまま（日本語・英語・中国語）で（例：「台湾のデパートで県産の菓子を
    /// 売り込みたい」）。1〜2,000文字。 / The person's situation in their own words, in Japanese,
    /// English or Chinese (1 to 2,000 characters).
    pub situation: String,
    /// 回答の言語：ja、en、zh-Hant（zh、zh-TW なども可）。省略時は situation の言語。 / The
    /// language to answer in: ja, en or zh-Hant (also zh, zh-TW …); by default the
    /// situation's own.
    #[serde(default)]
    pub lang: Option<String>,
}

/// `get_program` arguments.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GetProgram {
    /// 制度のID（find_programs・list_programs が返す id、例：taiwan-yushutsu）。 / A program
    /// id as returned by find_programs or list_programs, e.g. taiwan-yushutsu.
    pub id: String,
}

/// `list_programs` arguments.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct ListPrograms {
    /// 絞り込むテーマ（省略時はすべて）：被災・復旧、事業承継、台湾・輸出、DX、資金繰り・融資、
    /// 販路開拓、商店街、事業再生、生産性・賃上げ、人材、脱炭素、創業、経営改善、子育て。 / An
    /// optional theme to filter by, one of the Japanese labels above.
    #[serde(default)]
    pub theme: Option<String>,
}

/// The situation as a [`Message`] the dialogue may answer: the same check as a chat message
/// (hidden characters removed, not blank, at most [`MAX_MESSAGE_CHARS`] characters).
pub fn situation(raw: &str) -> Result<Message, InputError> {
    Message::parse(raw).map_err(|e| match e {
        MessageError::Empty => InputError::EmptySituation,
        MessageError::TooLong { chars } => InputError::SituationTooLong { chars },
    })
}

/// Parses the language asked for; absent or blank: the situation's own.
pub fn parse_lang(raw: Option<&str>) -> Result<Option<Lang>, InputError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(l) => Lang::parse(l)
            .map(Some)
            .ok_or_else(|| InputError::UnknownLang(l.chars().take(40).collect())),
    }
}

/// Parses a theme label; an absent or blank one means every theme.
pub fn parse_theme(raw: Option<&str>) -> Result<Option<Theme>, InputError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Theme::parse(t)
            .map(Some)
            .ok_or_else(|| InputError::UnknownTheme(t.to_string())),
    }
}

/// Why a tool could not run with the arguments it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    EmptySituation,
    SituationTooLong { chars: usize },
    UnknownId(String),
    UnknownTheme(String),
    UnknownLang(String),
}

impl InputError {
    /// A stable machine-readable code, like the chat API's error codes.
    pub fn code(&self) -> &'static str {
        match self {
            InputError::EmptySituation => "empty_situation",
            InputError::SituationTooLong { .. } => "situation_too_long",
            InputError::UnknownId(_) => "unknown_id",
            InputError::UnknownTheme(_) => "unknown_theme",
            InputError::UnknownLang(_) => "unknown_lang",
        }
    }

    pub fn japanese(&self) -> String {
        match self {
            InputError::EmptySituation => {
                "situation が空です。相談者の状況を日本語で入れてください（例：「台湾のデパートで県産の菓子を売り込みたい」）。".to_string()
            }
            InputError::SituationTooLong { chars } => format!(
                "situation が長すぎます（{chars} 文字、上限 {MAX_MESSAGE_CHARS} 文字）。要点を短くまとめてください。"
            ),
            InputError::UnknownId(id) => format!(
                "ID「{id}」の制度はありません。list_programs または find_programs が返す id を使ってください。"
            ),
            InputError::UnknownTheme(t) => format!(
                "テーマ「{t}」はありません。次のいずれかを指定するか、省略してください：{}。",
                theme_labels().join("、")
            ),
            InputError::UnknownLang(l) => format!(
                "lang「{l}」には対応していません。次のいずれかを指定するか、省略してください：{}。",
                Lang::ACCEPTED
            ),
        }
    }

    pub fn english(&self) -> String {
        match self {
            InputError::EmptySituation => {
                "`situation` is empty: send the person's situation in Japanese, English or Chinese."
                    .to_string()
            }
            InputError::SituationTooLong { chars } => {
                format!("`situation` has {chars} characters; the limit is {MAX_MESSAGE_CHARS}.")
            }
            InputError::UnknownId(id) => format!(
                "There is no program with id {id:?}; use an id returned by list_programs or find_programs."
            ),
            InputError::UnknownTheme(t) => format!(
                "There is no theme {t:?}; use one of: {}, or leave it out.",
                theme_labels().join(", ")
            ),
            InputError::UnknownLang(l) => format!(
                "lang {l:?} is not a language this service answers in; use one of: {}, or leave it out.",
                Lang::ACCEPTED
            ),
        }
    }
}

/// Every theme label, in declaration order.
pub fn theme_labels() -> Vec<&'static str> {
    Theme::ALL.iter().map(|t| t.as_str()).collect()
}
