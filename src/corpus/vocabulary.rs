//! `corpus/vocabulary.toml`: everyday phrasing mapped to the document's words and to the
//! structured facts of a situation, and the topics these programs do not cover.

use std::path::Path;

use serde::Deserialize;

use super::error::Errors;
use super::model::{Disaster, Kind, Size, Stage, Theme};
use super::translated::Translated;

/// One phrasing rule: when any trigger occurs in a message, the rule fires.
#[derive(Debug, Clone)]
pub struct Expansion {
    pub when: Vec<String>,
    /// Words of the document added to the search.
    pub add: Vec<String>,
    pub themes: Vec<Theme>,
    pub disaster: Option<Disaster>,
    pub kind: Option<Kind>,
    pub industry: Option<String>,
    pub stage: Option<Stage>,
    /// Who the person is (小規模事業者, 商工団体 …), when the phrasing says so.
    pub size: Option<Size>,
}

/// A topic outside these programs, and where to ask about it instead.
#[derive(Debug, Clone)]
pub struct OutOfScope {
    pub topic: String,
    pub when: Vec<String>,
    pub refer: String,
    /// `topic` and `refer` in English and in Chinese.
    pub topic_translated: Translated,
    pub refer_translated: Translated,
    /// The topic rules the message out even when it also names a theme these programs serve
    /// (another prefecture's 創業 grant is still another prefecture's).
    pub always: bool,
}

/// A kind of cost a person states, and the 対象経費 words that show a program pays for it.
#[derive(Debug, Clone)]
pub struct ExpenseKind {
    pub kind: String,
    pub when: Vec<String>,
    pub pays: Vec<String>,
}

/// At most this many expense kinds: the kinds a message states are a bit set.
pub const MAX_EXPENSE_KINDS: usize = 32;

/// The whole vocabulary, checked.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub expansions: Vec<Expansion>,
    pub out_of_scope: Vec<OutOfScope>,
    pub expenses: Vec<ExpenseKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVocabulary {
    #[serde(default)]
    expand: Vec<RawExpansion>,
    #[serde(default)]
    out_of_scope: Vec<RawOutOfScope>,
    #[serde(default)]
    expense: Vec<RawExpense>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpense {
    kind: String,
    when: Vec<String>,
    pays: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpansion {
    when: Vec<String>,
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    themes: Vec<String>,
    disaster: Option<String>,
    kind: Option<String>,
    industry: Option<String>,
    stage: Option<String>,
    size: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutOfScope {
    topic: String,
    #[serde(default)]
    when: Vec<String>,
    /// With `followed_by`: every place name directly followed by one of the words triggers.
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    followed_by: Vec<String>,
    refer: String,
    topic_en: Option<String>,
    topic_zh: Option<String>,
    refer_en: Option<String>,
    refer_zh: Option<String>,
    #[serde(default)]
    always: bool,
}

impl RawVocabulary {
    pub(crate) fn check(self, file: &Path, errors: &mut Errors) -> Vocabulary {
        let mut expansions = Vec::with_capacity(self.expand.len());
        for (i, e) in self.expand.into_iter().enumerate() {
            let at = |field: &str| format!("expand[{i}].{field}");
            let mut ok = true;
            if e.when.iter().all(|w| w.trim().is_empty()) {
                errors.push(file, "vocabulary", at("when"), "at least one word", "none");
                ok = false;
            }
            let mut themes = Vec::new();
            for t in &e.themes {
                match Theme::parse(t) {
                    Some(t) => themes.push(t),
                    None => {
                        errors.push(file, "vocabulary", at("themes"), Theme::expected(), t);
                        ok = false;
                    }
                }
            }
            let disaster = optional(
                &e.disaster,
                Disaster::parse,
                Disaster::expected,
                &mut ok,
                || at("disaster"),
                file,
                errors,
            );
            let kind = optional(
                &e.kind,
                Kind::parse,
                Kind::expected,
                &mut ok,
                || at("kind"),
                file,
                errors,
            );
            let stage = optional(
                &e.stage,
                Stage::parse,
                Stage::expected,
                &mut ok,
                || at("stage"),
                file,
                errors,
            );
            let size = optional(
                &e.size,
                Size::parse,
                Size::expected,
                &mut ok,
                || at("size"),
                file,
                errors,
            );
            if ok {
                expansions.push(Expansion {
                    when: e.when,
                    add: e.add,
                    themes,
                    disaster,
                    kind,
                    industry: e.industry,
                    stage,
                    size,
                });
            }
        }
        let mut out_of_scope = Vec::with_capacity(self.out_of_scope.len());
        for (i, mut o) in self.out_of_scope.into_iter().enumerate() {
            for place in &o.places {
                for word in &o.followed_by {
                    o.when.push(format!("{place}{word}"));
                }
            }
            if o.when.iter().all(|w| w.trim().is_empty()) || o.refer.trim().is_empty() {
                errors.push(
                    file,
                    "vocabulary",
                    format!("out_of_scope[{i}]"),
                    "trigger words and a place to refer to",
                    o.topic.clone(),
                );
                continue;
            }
            let id = format!("out_of_scope {}", o.topic);
            let field = format!("out_of_scope[{i}]");
            let topic_translated = Translated::check(
                o.topic_en,
                o.topic_zh,
                file,
                &id,
                &format!("{field}.topic"),
                errors,
            );
            let refer_translated = Translated::check(
                o.refer_en,
                o.refer_zh,
                file,
                &id,
                &format!("{field}.refer"),
                errors,
            );
            out_of_scope.push(OutOfScope {
                topic: o.topic,
                when: o.when,
                refer: o.refer,
                topic_translated,
                refer_translated,
                always: o.always,
            });
        }
        let mut expenses = Vec::with_capacity(self.expense.len());
        for (i, e) in self.expense.into_iter().enumerate() {
            if e.when.iter().all(|w| w.trim().is_empty())
                || e.pays.iter().all(|w| w.trim().is_empty())
            {
                errors.push(
                    file,
                    "vocabulary",
                    format!("expense[{i}]"),
                    "phrases of the message (when) and words of 対象経費 (pays)",
                    e.kind.clone(),
                );
                continue;
            }
            if i >= MAX_EXPENSE_KINDS {
                errors.push(
                    file,
                    "vocabulary",
                    format!("expense[{i}]"),
                    format!("at most {MAX_EXPENSE_KINDS} expense kinds"),
                    e.kind.clone(),
                );
                continue;
            }
            expenses.push(ExpenseKind {
                kind: e.kind,
                when: e.when,
                pays: e.pays,
            });
        }
        Vocabulary {
            expansions,
            out_of_scope,
            expenses,
        }
    }
}

fn optional<T>(
    value: &Option<String>,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
    ok: &mut bool,
    field: impl Fn() -> String,
    file: &Path,
    errors: &mut Errors,
) -> Option<T> {
    let v = value.as_deref()?;
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(file, "vocabulary", field(), expected(), v);
        *ok = false;
    }
    parsed
}
