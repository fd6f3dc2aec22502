//! Why a program is on the short list, in one line of Japanese, and the quote that shows it:
//! the need the person stated (a word of the program's own text, found in one of its quotes),
//! the condition a stated fact met (熊本地震で被災した事業者, 事業を引き継いだ後の後継ぎ), or,
//! for a program that may fit, the one fact that decides. The line states no term: rates, caps
//! and periods are only ever the quotes beside it.

use crate::corpus::{DisasterAnswer, Program, Quote, Slot, Stage, TermLabel};
use crate::understand::{Facts, MANUFACTURING};

use super::fit::{Judged, Verdict};

/// The one line that says why a program is on the list, and the quote that shows it (one of
/// `quotes`, by index). The line states no term: it names the need, the condition or the theme,
/// and the quote carries the figures.
pub(super) fn reason(
    p: &Program,
    j: &Judged,
    facts: &Facts,
    quotes: &[Quote],
) -> (String, Option<usize>) {
    let find = |w: &str| {
        let w = squeeze(w);
        quotes.iter().position(|q| squeeze(&q.text).contains(&w))
    };
    let who_for = condition(p, facts);
    let need = j.need.and_then(|i| p.needs.get(i));
    let need_quote = need.and_then(|w| find(w).map(|i| (w, i)));
    let label = |i: usize| quotes.get(i).map_or("", |q| q.label.as_str());
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
        return ("お尋ねの制度です。".to_string(), purpose_quote());
    }
    match (j.verdict, need, need_quote) {
        (Verdict::MayFit(slot), _, q) => {
            let cond = open_condition(p, slot);
            let at = q.map(|(_, i)| i).or_else(cond_quote).or_else(purpose_quote);
            (format!("{cond}であれば対象になります。"), at)
        }
        (Verdict::Fits, Some(w), Some((_, i))) => {
            // 「ご相談の」 only for words the person used; a word the vocabulary read into the
            // message is said to be the program's.
            let need = if j.own_need {
                format!("ご相談の「{w}」が、この制度の{}にあります。", label(i))
            } else {
                format!("この制度の{}に「{w}」とあります。", label(i))
            };
            match who_for {
                Some(c) => (format!("{c}向けです。{need}"), Some(i)),
                None => (need, Some(i)),
            }
        }
        (Verdict::Fits, Some(w), None) => {
            let need = if j.own_need {
                format!("ご相談の「{w}」に当たる制度です。")
            } else {
                format!("「{w}」の制度です。")
            };
            (
                match who_for {
                    Some(c) => format!("{c}向けで、{need}"),
                    None => need,
                },
                purpose_quote().or_else(cond_quote),
            )
        }
        (Verdict::Fits, None, _) => match (who_for, j.theme) {
            (Some(c), _) => (
                format!("{c}向けの制度です。"),
                cond_quote().or_else(purpose_quote),
            ),
            (None, Some(t)) => (
                format!("「{}」のご相談に当たる制度です。", t.as_str()),
                purpose_quote(),
            ),
            (None, None) => (
                "ご相談の内容に当たる制度です。".to_string(),
                purpose_quote(),
            ),
        },
    }
}

/// Whom the program is for, when a stated fact met one of its conditions.
fn condition(p: &Program, facts: &Facts) -> Option<String> {
    if let Some(DisasterAnswer::Known(d)) = facts.disaster
        && p.disasters.contains(&d)
    {
        return Some(format!("{}で被災した事業者", d.as_str()));
    }
    if let Some(stage) = facts.stage
        && p.stages.len() == 1
        && p.stages.contains(&stage)
    {
        return Some(stage_words(stage).to_string());
    }
    if facts.manufacturer == Some(true) && p.industries.iter().any(|i| i == MANUFACTURING) {
        return Some("製造業の事業者".to_string());
    }
    None
}

/// The condition an unknown fact decides, in words.
fn open_condition(p: &Program, slot: Slot) -> String {
    match slot {
        Slot::Disaster => {
            let names: Vec<&str> = p.disasters.iter().map(|d| d.as_str()).collect();
            format!("{}で被災した事業者", names.join("・"))
        }
        Slot::Stage => p
            .stages
            .first()
            .map_or("事業承継の段階が合う場合", |s| stage_words(*s))
            .to_string(),
        Slot::Industry => "製造業の事業者".to_string(),
        _ => "条件に当てはまる事業者".to_string(),
    }
}

fn stage_words(stage: Stage) -> &'static str {
    match stage {
        Stage::Preparing => "事業を引き継ぐ前（準備段階）の事業者・後継ぎ",
        Stage::Succeeded => "事業を引き継いだ後の後継ぎ",
        Stage::Consulting => "事業承継の相談先を探している事業者",
    }
}

/// The words a quote uses for a disaster (熊本地震; 豪雨 for the 2020 flood).
fn short_disaster(d: &str) -> &str {
    if d.contains("豪雨") { "豪雨" } else { d }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
