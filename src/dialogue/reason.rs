//! Why a program is on the short list, as a [`Why`] that each language writes in one line
//! (`reply::Words::reason`), and the quote that shows it:
//! the need the person stated (a word of the program's own text, found in one of its quotes),
//! the condition a stated fact met (熊本地震で被災した事業者, 事業を引き継いだ後の後継ぎ), or,
//! for a program that may fit, the one fact that decides. The line states no term: rates, caps
//! and periods are only ever the quotes beside it.

use crate::corpus::{Disaster, DisasterAnswer, Program, Quote, Slot, Stage, TermLabel, Theme};
use crate::understand::{Facts, MANUFACTURING};

use super::fit::{Judged, Verdict};

/// Why a program is on the list, before it is written in a language. It states no term: it
/// names the need, the condition or the theme, and the quote carries the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The person named the program.
    Named,
    /// It may fit: the condition the one unknown fact decides.
    MayFit(Cond),
    /// It serves a need the person stated (`own`) or the vocabulary read into the message: the
    /// program's word, the label of the quote it is found in (if one shown has it), and whom
    /// the program is for when a stated fact met one of its conditions.
    Need {
        who: Option<Cond>,
        word: String,
        at: Option<TermLabel>,
        own: bool,
    },
    /// A stated fact met one of its conditions.
    Who(Cond),
    /// It is about the theme of the question.
    Theme(Theme),
    /// It matches the question, with nothing more particular to say.
    Matches,
}

/// Whom a program is for, as a condition of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// Damaged by one of these disasters.
    Disaster(Vec<Disaster>),
    /// At this stage of a business succession.
    Stage(Stage),
    /// At the stage of a succession the program is for (the record names none).
    AnyStage,
    Manufacturer,
    /// Meets the program's conditions.
    Other,
}

/// Why a program is on the list, and the quote that shows it (one of `quotes`, by index).
pub(super) fn reason(
    p: &Program,
    j: &Judged,
    facts: &Facts,
    quotes: &[Quote],
) -> (Why, Option<usize>) {
    let find = |w: &str| {
        let w = squeeze(w);
        quotes.iter().position(|q| squeeze(&q.text).contains(&w))
    };
    let who_for = condition(p, facts);
    let need = j.need.and_then(|i| p.needs.get(i));
    let need_quote = need.and_then(|w| find(w).map(|i| (w, i)));
    let cond_quote = || {
        quotes
            .iter()
            .position(|q| {
                matches!(
                    q.label,
                    TermLabel::Eligible
                        | TermLabel::Recipient
                        | TermLabel::Operator
                        | TermLabel::Requirement
                )
            })
            .or_else(|| {
                p.disasters
                    .iter()
                    .find_map(|d| find(short_disaster(d.as_str())))
            })
    };
    let purpose_quote = || {
        quotes.iter().position(|q| {
            matches!(
                q.label,
                TermLabel::Overview | TermLabel::Purpose | TermLabel::Expenses
            )
        })
    };
    if j.named {
        return (Why::Named, purpose_quote());
    }
    match (j.verdict, need, need_quote) {
        (Verdict::MayFit(slot), _, q) => {
            let at = q.map(|(_, i)| i).or_else(cond_quote).or_else(purpose_quote);
            (Why::MayFit(open_condition(p, slot)), at)
        }
        (Verdict::Fits, Some(w), Some((_, i))) => (
            Why::Need {
                who: who_for,
                word: w.clone(),
                at: quotes.get(i).map(|q| q.label),
                own: j.own_need,
            },
            Some(i),
        ),
        (Verdict::Fits, Some(w), None) => (
            Why::Need {
                who: who_for,
                word: w.clone(),
                at: None,
                own: j.own_need,
            },
            purpose_quote().or_else(cond_quote),
        ),
        (Verdict::Fits, None, _) => match (who_for, j.theme) {
            (Some(c), _) => (Why::Who(c), cond_quote().or_else(purpose_quote)),
            (None, Some(t)) => (Why::Theme(t), purpose_quote()),
            (None, None) => (Why::Matches, purpose_quote()),
        },
    }
}

/// Whom the program is for, when a stated fact met one of its conditions.
fn condition(p: &Program, facts: &Facts) -> Option<Cond> {
    if let Some(DisasterAnswer::Known(d)) = facts.disaster
        && p.disasters.contains(&d)
    {
        return Some(Cond::Disaster(vec![d]));
    }
    if let Some(stage) = facts.stage
        && p.stages.len() == 1
        && p.stages.contains(&stage)
    {
        return Some(Cond::Stage(stage));
    }
    if facts.manufacturer == Some(true) && p.industries.iter().any(|i| i == MANUFACTURING) {
        return Some(Cond::Manufacturer);
    }
    None
}

/// The condition an unknown fact decides.
fn open_condition(p: &Program, slot: Slot) -> Cond {
    match slot {
        Slot::Disaster => Cond::Disaster(p.disasters.clone()),
        Slot::Stage => p.stages.first().map_or(Cond::AnyStage, |s| Cond::Stage(*s)),
        Slot::Industry => Cond::Manufacturer,
        _ => Cond::Other,
    }
}

/// The words a quote uses for a disaster (熊本地震; 豪雨 for the 2020 flood).
fn short_disaster(d: &str) -> &str {
    if d.contains("豪雨") { "豪雨" } else { d }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
