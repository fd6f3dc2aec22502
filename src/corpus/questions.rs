//! `corpus/questions.toml`: the clarifying questions and their options, each option carrying
//! the facts it states, so that a button's answer is understood without the vocabulary.

use std::path::Path;

use serde::Deserialize;

use super::error::Errors;
use super::model::{Disaster, Kind, Stage, Theme};
use super::scope::StaffRole;
use super::translated::Translated;

/// What a clarifying question asks about. Each is asked at most once per conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Disaster,
    Stage,
    Theme,
    Industry,
    Kind,
    /// Whether the person is a business owner or 商工団体 / 市町村 staff.
    Who,
}

impl Slot {
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Disaster => "disaster",
            Slot::Stage => "stage",
            Slot::Theme => "theme",
            Slot::Industry => "industry",
            Slot::Kind => "kind",
            Slot::Who => "who",
        }
    }

    /// Parses `as_str`'s form.
    pub fn parse(s: &str) -> Option<Slot> {
        [
            Slot::Disaster,
            Slot::Stage,
            Slot::Theme,
            Slot::Industry,
            Slot::Kind,
            Slot::Who,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// The disaster an option states: one of the two the programs know, or another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisasterAnswer {
    Known(Disaster),
    Other,
}

/// The kind of help an option states; `Any` means no preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindAnswer {
    Only(Kind),
    Any,
}

/// Who an option says the person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhoAnswer {
    /// A business owner (or successor, or founder) asking for their own business.
    Owner,
    /// Staff of a 商工団体 or a 市町村.
    Staff(StaffRole),
}

/// One button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionOption {
    pub label: String,
    /// The label in English and in Chinese: sent back like the Japanese one.
    pub label_translated: Translated,
    pub disaster: Option<DisasterAnswer>,
    pub stage: Option<Stage>,
    pub theme: Option<Theme>,
    pub manufacturer: Option<bool>,
    pub kind: Option<KindAnswer>,
    pub who: Option<WhoAnswer>,
}

/// One clarifying question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub slot: Slot,
    pub text: String,
    /// The question in English and in Chinese.
    pub text_translated: Translated,
    pub options: Vec<QuestionOption>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestions {
    question: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    slot: String,
    text: String,
    text_en: Option<String>,
    text_zh: Option<String>,
    options: Vec<RawOption>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    label: String,
    label_en: Option<String>,
    label_zh: Option<String>,
    disaster: Option<String>,
    stage: Option<String>,
    theme: Option<String>,
    manufacturer: Option<bool>,
    kind: Option<String>,
    who: Option<String>,
}

impl RawQuestions {
    pub(crate) fn check(self, file: &Path, errors: &mut Errors) -> Vec<Question> {
        let mut out = Vec::new();
        for (i, q) in self.question.into_iter().enumerate() {
            let Some(slot) = Slot::parse(&q.slot) else {
                errors.push(
                    file,
                    "questions",
                    format!("question[{i}].slot"),
                    "disaster, stage, theme, industry, kind or who",
                    q.slot,
                );
                continue;
            };
            if out.iter().any(|x: &Question| x.slot == slot) {
                errors.push(
                    file,
                    "questions",
                    format!("question[{i}].slot"),
                    "one question per slot",
                    q.slot,
                );
                continue;
            }
            let text_translated = Translated::check(
                q.text_en,
                q.text_zh,
                file,
                "questions",
                &format!("question[{i}].text"),
                errors,
            );
            let mut options = Vec::new();
            for (j, o) in q.options.into_iter().enumerate() {
                let field = format!("question[{i}].options[{j}]");
                let label_translated = Translated::check(
                    o.label_en,
                    o.label_zh,
                    file,
                    "questions",
                    &format!("{field}.label"),
                    errors,
                );
                let mut bad = |what: &str, found: &str| {
                    errors.push(
                        file,
                        "questions",
                        format!("{field}.{what}"),
                        "a known value",
                        found,
                    );
                };
                let disaster = match o.disaster.as_deref() {
                    None => None,
                    Some("other") => Some(DisasterAnswer::Other),
                    Some(d) => Disaster::parse(d).map(DisasterAnswer::Known).or_else(|| {
                        bad("disaster", d);
                        None
                    }),
                };
                let stage = o.stage.as_deref().and_then(|s| {
                    Stage::parse(s).or_else(|| {
                        bad("stage", s);
                        None
                    })
                });
                let theme = o.theme.as_deref().and_then(|s| {
                    Theme::parse(s).or_else(|| {
                        bad("theme", s);
                        None
                    })
                });
                let kind = match o.kind.as_deref() {
                    None => None,
                    Some("any") => Some(KindAnswer::Any),
                    Some(k) => Kind::parse(k).map(KindAnswer::Only).or_else(|| {
                        bad("kind", k);
                        None
                    }),
                };
                let who = match o.who.as_deref() {
                    None => None,
                    Some("owner") => Some(WhoAnswer::Owner),
                    Some("association") => Some(WhoAnswer::Staff(StaffRole::Association)),
                    Some("municipality") => Some(WhoAnswer::Staff(StaffRole::Municipality)),
                    Some(w) => {
                        bad("who", w);
                        None
                    }
                };
                let states_a_fact = who.is_some()
                    || disaster.is_some()
                    || stage.is_some()
                    || theme.is_some()
                    || o.manufacturer.is_some()
                    || kind.is_some();
                if o.label.trim().is_empty() || !states_a_fact {
                    bad("label", "an option without a label or without a fact");
                    continue;
                }
                options.push(QuestionOption {
                    label: o.label,
                    label_translated,
                    disaster,
                    stage,
                    theme,
                    manufacturer: o.manufacturer,
                    kind,
                    who,
                });
            }
            if options.len() < 2 {
                errors.push(
                    file,
                    "questions",
                    format!("question[{i}].options"),
                    "at least two options",
                    options.len().to_string(),
                );
                continue;
            }
            out.push(Question {
                slot,
                text: q.text,
                text_translated,
                options,
            });
        }
        out
    }
}
