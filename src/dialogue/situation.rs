//! Reading one message: the facts it states (disaster, succession stage, manufacturer or not,
//! subsidy or loan, an expense), the themes it raises, whether it answers a button, whether it
//! asks to start over, and which out-of-scope topics it touches.

use std::collections::BTreeSet;

use crate::corpus::{Corpus, DisasterAnswer, Kind, KindAnswer, QuestionOption, Slot, Stage, Theme};
use crate::search::QueryPlan;
use crate::text::{Expander, Normalized};

use super::amount::yen_amounts;

/// The industry the one industry-restricted program family is for.
pub const MANUFACTURING: &str = "製造業";

/// Facts about the person's business. A later statement overrides an earlier one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub disaster: Option<DisasterAnswer>,
    pub stage: Option<Stage>,
    pub manufacturer: Option<bool>,
    pub kind: Option<KindAnswer>,
    /// An expense the person stated, in yen (for the 目安 estimate).
    pub expense: Option<u64>,
}

impl Facts {
    /// Overrides every fact `newer` states.
    pub fn merge(&mut self, newer: Facts) {
        self.disaster = newer.disaster.or(self.disaster);
        self.stage = newer.stage.or(self.stage);
        self.manufacturer = newer.manufacturer.or(self.manufacturer);
        self.kind = newer.kind.or(self.kind);
        self.expense = newer.expense.or(self.expense);
    }

    /// Whether the fact a slot asks for is known.
    pub fn knows(&self, slot: Slot) -> bool {
        match slot {
            Slot::Disaster => self.disaster.is_some(),
            Slot::Stage => self.stage.is_some(),
            Slot::Industry => self.manufacturer.is_some(),
            Slot::Kind => self.kind.is_some(),
            Slot::Theme => false,
        }
    }
}

/// What one message says.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub facts: Facts,
    pub themes: BTreeSet<Theme>,
    /// The slot whose option the message chose, when it is exactly a button's label.
    pub chose: Option<Slot>,
    /// The indices of the vocabulary's out-of-scope topics the message touches.
    pub out_of_scope: Vec<usize>,
    /// The message asks to start over.
    pub reset: bool,
    /// What is left of the message after a start-over command.
    pub rest: String,
}

/// Words that ask to start the conversation over. A command set, not vocabulary.
const RESET_WORDS: &[&str] = &[
    "最初から",
    "はじめから",
    "始めから",
    "リセット",
    "reset",
    "やり直し",
    "やりなおし",
    "最初に戻",
];

/// Phrases that deny being in an industry, appended to its name (製造業ではありません).
const DENIALS: &[&str] = &[
    "ではな",
    "じゃな",
    "でな",
    "以外",
    "ではありません",
    "ちがう",
    "違う",
    "違い",
];

/// Phrases naming a disaster other than the two the programs know.
const OTHER_DISASTER: &[&str] = &[
    "以外の災害",
    "その他の災害",
    "ほかの災害",
    "他の災害",
    "別の災害",
];

/// Reads a message with the expansion it fired (`plan`, built from this message alone).
pub fn read(message: &str, plan: &QueryPlan, corpus: &Corpus, out_of_scope: &Expander) -> Reading {
    let normalized = Normalized::new(message);
    let text = normalized.as_str();
    let mut r = Reading {
        themes: plan.themes.clone(),
        out_of_scope: out_of_scope.fired(message),
        ..Reading::default()
    };
    if let Some(option) = chosen_option(message.trim(), corpus) {
        r.chose = Some(option.0);
        apply_option(&mut r, option.1);
        return r;
    }
    let reset_at = RESET_WORDS
        .iter()
        .filter_map(|w| text.find(w).map(|i| (i, w.len())))
        .min();
    if let Some((at, len)) = reset_at {
        r.reset = true;
        let rest = format!("{}{}", &text[..at], &text[at + len..]);
        r.rest = rest
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
    }
    r.facts.disaster = if OTHER_DISASTER.iter().any(|w| text.contains(w)) {
        Some(DisasterAnswer::Other)
    } else if plan.disasters.len() == 1 {
        plan.disasters.first().copied().map(DisasterAnswer::Known)
    } else {
        None
    };
    if plan.stages.len() == 1 {
        r.facts.stage = plan.stages.first().copied();
    }
    let denied = DENIALS
        .iter()
        .any(|d| text.contains(&format!("{MANUFACTURING}{d}")));
    r.facts.manufacturer = if denied {
        Some(false)
    } else if plan.industries.contains(MANUFACTURING) {
        Some(true)
    } else {
        None
    };
    let money: Vec<Kind> = plan
        .kinds
        .iter()
        .copied()
        .filter(|k| matches!(k, Kind::Subsidy | Kind::Loan))
        .collect();
    if let [k] = money[..] {
        r.facts.kind = Some(KindAnswer::Only(k));
    }
    r.facts.expense = yen_amounts(message).into_iter().max();
    r
}

fn chosen_option<'a>(message: &str, corpus: &'a Corpus) -> Option<(Slot, &'a QuestionOption)> {
    corpus.questions.iter().find_map(|q| {
        q.options
            .iter()
            .find(|o| o.label == message)
            .map(|o| (q.slot, o))
    })
}

fn apply_option(r: &mut Reading, o: &QuestionOption) {
    r.facts.disaster = o.disaster;
    r.facts.stage = o.stage;
    r.facts.manufacturer = o.manufacturer;
    r.facts.kind = o.kind;
    r.themes.extend(o.theme);
    if let Some(DisasterAnswer::Known(_)) = o.disaster {
        r.themes.insert(Theme::Disaster);
    }
    if o.stage.is_some() {
        r.themes.insert(Theme::Succession);
    }
}
