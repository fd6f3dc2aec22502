//! The reply text, in the conversation's language: plain, polite words that name the programs,
//! say whom to call, ask the question when there is one, and say which document the terms come
//! from. It states no term itself: rates, caps and periods are only ever shown as quotes beside
//! it.
//!
//! One skeleton ([`text`]) writes every reply; each language is one implementation of
//! [`Words`] — every sentence the service writes, the names of the closed sets (kinds, term
//! labels, themes) and the renderer's labels — in its own file: `ja.rs` (the Japanese the
//! golden tests pin byte for byte), `en.rs`, `zh.rs` (Traditional Chinese as written in
//! Taiwan). A sentence a language lacks is a compile error, not a Japanese fallback. In English
//! and Chinese every Japanese word (a program, an office, a quote, a document) stands in 「…」.

mod en;
mod ja;
mod zh;

use std::sync::Arc;

use crate::corpus::{
    Applicant, Date, Disaster, Kind, SourceInfo, Stage, Status, TermLabel, Theme, Translated,
    period,
};
use crate::text::Lang;

use super::compose::Estimate;
use super::reason::Why;
use super::{NoMatchReason, Recommendation, Reply};
use crate::sessions::SessionStatus;

/// Every sentence and label the service writes, in one language. The reply's skeleton is
/// [`text`]; the renderer (`render.rs`), the wire and the channels take their labels from
/// here too.
pub trait Words: Sync {
    /// The language these words are in.
    fn lang(&self) -> Lang;

    // ── the reply ──
    /// The line before the reply when the conversation started over (empty for a new or a
    /// continued one), ending with a line break.
    fn status(&self, status: SessionStatus) -> &'static str;
    /// An answer with nothing to list: asks for more.
    fn ask_more(&self) -> &'static str;
    /// The first line of an answer.
    fn answer_intro(&self) -> &'static str;
    /// The first line of a question that comes with candidates.
    fn clarify_intro(&self) -> &'static str;
    /// The line between the candidates and the question.
    fn clarify_ask(&self) -> &'static str;
    /// A program in the numbered list: its number, name, kind and reason, and a line break.
    fn program_line(&self, n: usize, p: &Recommendation) -> String;
    /// The note that the document's 事業期間 of the programs numbered `which` has ended
    /// (`all`: every one listed, more than one), with a line break.
    fn ended(&self, which: &[String], all: bool) -> String;
    /// The one next step: whom to call about the best program.
    fn next_step(&self, first: &Recommendation, has_phone: bool) -> String;
    /// A 目安 estimate, after a line break.
    fn estimate(&self, p: &Recommendation, e: &Estimate) -> String;
    /// A private person or purpose is not served; `label` names which.
    fn private(&self, label: &str) -> String;
    /// A business in another prefecture is not served.
    fn elsewhere(&self, prefecture: &str) -> String;
    /// Where a business in another prefecture can ask instead.
    fn elsewhere_refer(&self, prefecture: &str) -> String;
    /// Another subject than these programs.
    fn other_topic(&self, topic: &str) -> String;
    /// Nothing in the programs matches.
    fn not_covered(&self) -> &'static str;
    /// The message is in a language the service does not read: please write in one of three.
    fn language(&self) -> &'static str;
    /// Where to ask instead, after a line break.
    fn refer(&self, refer: &[String]) -> String;
    /// The general desks for any business in Kumamoto, after a line break.
    fn general_desk(&self) -> &'static str;
    /// The note that the documents' year is earlier than today's, after a line break.
    fn year_note(&self, document_year: i32, today: Date) -> String;
    /// The note that the document gives no deadlines, after a line break.
    fn deadline_note(&self) -> &'static str;
    /// The closing note: which documents the terms come from, after a line break.
    fn documents_note(&self, sources: &[Arc<SourceInfo>]) -> String;
    /// Why a program is on the list, in one line.
    fn reason(&self, why: &Why) -> String;

    // ── the closed sets ──
    fn kind(&self, kind: Kind) -> &'static str;
    fn label(&self, label: TermLabel) -> &'static str;
    fn theme(&self, theme: Theme) -> &'static str;
    fn disaster(&self, disaster: Disaster) -> &'static str;
    fn stage(&self, stage: Stage) -> &'static str;
    /// How a business owner takes part, in one sentence for a program's card.
    fn applicant_how(&self, applicant: Applicant) -> &'static str;

    // ── the renderer's labels ──
    /// The heading above the programs' terms: what the brackets mean.
    fn terms_heading(&self) -> &'static str;
    /// A program's heading in a rendered turn (with its id for a model or an operator).
    fn program_heading(&self, n: usize, p: &Recommendation, ids: bool) -> String;
    /// The division's line of a program block, without indent or line break.
    fn division_line(&self, p: &Recommendation) -> String;
    /// The label before a program's reason: why it fits, or the condition that decides.
    fn reason_label(&self, fits: bool) -> &'static str;
    /// The label before the follow-up question.
    fn follow_up_heading(&self) -> &'static str;
    /// The options on one line, after the label.
    fn options_inline(&self, options: &[String]) -> String;
    /// The label of the 【該当なし】 block.
    fn no_match_heading(&self) -> &'static str;
    /// The places to ask, in the 【該当なし】 block.
    fn refer_inline(&self, refer: &[String]) -> String;
    /// The separator between a label and what follows (`：` in Japanese and Chinese).
    fn colon(&self) -> &'static str;
}

/// The words of `lang`.
pub fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::Ja => &ja::Ja,
        Lang::En => &en::En,
        Lang::Zh => &zh::Zh,
    }
}

/// A phrase of the corpus in `lang`: the Japanese as written, or its translation.
pub fn pick<'a>(lang: Lang, ja: &'a str, translated: &'a Translated) -> &'a str {
    match lang {
        Lang::Ja => ja,
        Lang::En => &translated.en,
        Lang::Zh => &translated.zh,
    }
}

/// The reply of a turn in `lang`.
pub(super) fn text(
    lang: Lang,
    reply: &Reply,
    status: SessionStatus,
    sources: &[Arc<SourceInfo>],
    today: Date,
    asks_time: bool,
) -> String {
    let w = words(lang);
    let mut out = String::new();
    out.push_str(w.status(status));
    match reply {
        Reply::Answer { programs } if programs.is_empty() => out.push_str(w.ask_more()),
        Reply::Answer { programs } => {
            out.push_str(w.answer_intro());
            list(w, &mut out, programs);
            let first = &programs[0];
            let has_phone = first.quotes.iter().any(|q| {
                q.label == TermLabel::Contact
                    && q.text.chars().filter(char::is_ascii_digit).count() >= 9
            });
            out.push_str(&w.next_step(first, has_phone));
            estimates(w, &mut out, programs);
        }
        Reply::Clarify {
            follow_up,
            programs,
        } => {
            if !programs.is_empty() {
                out.push_str(w.clarify_intro());
                list(w, &mut out, programs);
                out.push_str(w.clarify_ask());
            }
            out.push_str(&follow_up.question);
            estimates(w, &mut out, programs);
        }
        Reply::NoMatch { reason, refer } => {
            // Why, in one short phrase, before where to ask instead.
            match reason {
                NoMatchReason::Private { label } => out.push_str(&w.private(label)),
                NoMatchReason::Elsewhere { prefecture } => out.push_str(&w.elsewhere(prefecture)),
                NoMatchReason::OtherTopic { topic } => out.push_str(&w.other_topic(topic)),
                NoMatchReason::NotCovered => out.push_str(w.not_covered()),
                // Written in all three: the person's language is none of them.
                NoMatchReason::Language => {
                    let mut first = true;
                    for l in [lang, Lang::Ja, Lang::En, Lang::Zh] {
                        let note = words(l).language();
                        if !out.contains(note) {
                            if !first {
                                out.push('\n');
                            }
                            out.push_str(note);
                            first = false;
                        }
                    }
                    return out;
                }
            }
            if !refer.is_empty() {
                out.push_str(&w.refer(refer));
            }
            // The general desks are Kumamoto's: no use to a business elsewhere.
            if !matches!(reason, NoMatchReason::Elsewhere { .. }) {
                out.push_str(w.general_desk());
            }
        }
    }
    if !matches!(reply, Reply::NoMatch { .. }) {
        // Once per reply: the documents' year against today's, when today is later.
        let document_year = sources
            .iter()
            .filter_map(|d| period::parse(&d.year).map(|(first, ..)| first))
            .max();
        if let Some(year) = document_year.filter(|y| today.fiscal_year() > *y) {
            // Which programs' periods have ended the list says once; that the desks know
            // today's state, the last note says.
            out.push_str(&w.year_note(year, today));
        }
        if asks_time {
            out.push_str(w.deadline_note());
        }
        out.push_str(&w.documents_note(sources));
    }
    out
}

fn list(w: &dyn Words, out: &mut String, programs: &[Recommendation]) {
    for (i, p) in programs.iter().enumerate() {
        out.push_str(&w.program_line(i + 1, p));
    }
    // Once per answer, not after each program: which of them the document says have ended.
    let ended: Vec<String> = programs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.period.status == Status::After)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !ended.is_empty() {
        let all = ended.len() == programs.len() && programs.len() > 1;
        out.push_str(&w.ended(&ended, all));
    }
}

fn estimates(w: &dyn Words, out: &mut String, programs: &[Recommendation]) {
    for p in programs {
        if let Some(e) = &p.estimate {
            out.push_str(&w.estimate(p, e));
        }
    }
}

/// The Gregorian year of a document's 年度 (令和7年度 → 2025), when it can be read.
fn year_of(source: &SourceInfo) -> Option<i32> {
    period::parse(&source.year).map(|(first, ..)| first)
}
