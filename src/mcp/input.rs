//! The tools' arguments as an MCP client sends them (with the JSON Schemas it is shown), and
//! their parsing into typed values: a situation as the dialogue's checked [`Message`] (the same
//! check as every channel's), a [`Theme`], an id the corpus holds. Anything else becomes an
//! [`ApiError`] (the one error of every edge), which the tool returns as an MCP tool error in
//! Japanese and English.

use rmcp::schemars;
use serde::Deserialize;

use crate::corpus::Theme;
use crate::dialogue::{Lang, Message, MessageError};
use crate::wire::ApiError;

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
/// (hidden characters removed, not blank, at most [`crate::dialogue::MAX_MESSAGE_CHARS`] characters).
pub fn situation(raw: &str) -> Result<Message, ApiError> {
    Message::parse(raw).map_err(|e| match e {
        MessageError::Empty => ApiError::EmptySituation,
        MessageError::TooLong { chars } => ApiError::SituationTooLong { chars },
    })
}

/// Parses the language asked for; absent or blank: the situation's own.
pub fn parse_lang(raw: Option<&str>) -> Result<Option<Lang>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(l) => Lang::parse(l)
            .map(Some)
            .ok_or_else(|| ApiError::UnknownLang(l.chars().take(40).collect())),
    }
}

/// Parses a theme label; an absent or blank one means every theme.
pub fn parse_theme(raw: Option<&str>) -> Result<Option<Theme>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Theme::parse(t)
            .map(Some)
            .ok_or_else(|| ApiError::UnknownTheme(t.to_string())),
    }
}
