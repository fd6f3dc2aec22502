//! The channel seam: one checked `Message` for every edge, one renderer from a `Turn` to text
//! for the CLI, MCP and LINE. Every quote of every program shown is in the text verbatim with its
//! 「p.N l.M」, no figure stands outside a quote in a program's block, and each style shows the
//! follow-up options its own way.

use madoguchi::dialogue::{MAX_MESSAGE_CHARS, Message, MessageError, SessionLimits};
use madoguchi::render::{self, Options, Part, Style};

use crate::support::{Report, dialogue, respond};

/// Situations in our own words (none is an evaluation question), chosen to give answers,
/// clarifying questions and a no match.
const SITUATIONS: &[&str] = &[
    "台湾の百貨店で県内産のお茶を扱ってもらいたい",
    "祖父の代からの旅館を孫の私が継ぐことになった",
    "大雨で倉庫が水につかり在庫が駄目になった",
    "新しく菓子工房を開きたいので資金を借りたい",
    "週末の釣りに向いた天気か知りたい",
];

const STYLES: [Style; 3] = [
    Style {
        limit: usize::MAX,
        options: Options::Numbered,
        ids: true,
        referral: false,
    },
    Style {
        limit: usize::MAX,
        options: Options::Inline,
        ids: true,
        referral: true,
    },
    Style::PERSON,
];

#[test]
fn the_message_limit_is_the_chat_apis() {
    // The chat API keeps its own constant until it parses a `Message` too; they must agree.
    assert_eq!(madoguchi::http::MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS);
    assert_eq!(
        Message::parse(&"字".repeat(MAX_MESSAGE_CHARS + 1)),
        Err(MessageError::TooLong {
            chars: MAX_MESSAGE_CHARS + 1
        })
    );
    assert_eq!(Message::parse("\u{200b}\u{0}"), Err(MessageError::Empty));
}

/// Characters outside every 「…」 of a line.
fn outside_quotes(line: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in line.chars() {
        match c {
            '「' => depth += 1,
            '」' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn every_quote_is_shown_verbatim_with_its_citation_and_no_figure_outside_quotes() {
    let d = dialogue(SessionLimits::default());
    let mut report = Report::default();
    let mut outcomes = std::collections::BTreeSet::new();
    for situation in SITUATIONS {
        let turn = respond(&d, None, situation);
        outcomes.insert(turn.reply.outcome());
        for style in STYLES {
            let rendered = render::turn(&turn, style);
            let text = rendered.text();
            report.check(
                rendered.blocks()[0].part == Part::Reply
                    && rendered.blocks()[0].text.trim_end() == turn.text.trim_end(),
                situation,
                "the dialogue's reply first, as it is",
                &rendered.blocks()[0].text,
                "render::turn starts with turn.text",
            );
            for p in turn.reply.programs() {
                report.check(
                    text.contains(p.name.as_ref()) && text.contains(p.division.as_ref()),
                    situation,
                    &format!("{} and its division", p.name),
                    &text,
                    "render::program names the program and its division",
                );
                report.check(
                    style.ids == text.contains(&format!("id: {}", p.id)),
                    situation,
                    &format!("the id {} shown only when the style asks", p.id),
                    &text,
                    "Style::ids",
                );
                for q in &p.quotes {
                    let words: Vec<&str> = q.text.split_whitespace().collect();
                    let cited = format!("「{}」「p.{} l.{}」", words.join(" "), q.page, q.line);
                    report.check(
                        text.contains(&cited),
                        situation,
                        &cited,
                        &text,
                        "render::quote_line prints the quote verbatim with its citation",
                    );
                }
            }
            // Program blocks: figures only inside quotes, below the heading line (a name is
            // printed as the document prints it, 【３】 and all). A disaster's name in a reason
            // (令和2年7月豪雨) is the dialogue's own closed vocabulary, as in its options, not a
            // term: it is taken out before the check.
            for block in rendered.blocks().iter().filter(|b| b.part == Part::Program) {
                for line in block.text.lines().skip(1) {
                    let mut outside = outside_quotes(line);
                    for d in madoguchi::corpus::Disaster::ALL {
                        outside = outside.replace(d.as_str(), "");
                    }
                    report.check(
                        !outside.chars().any(|c| c.is_numeric()),
                        situation,
                        "no figure outside 「…」",
                        line,
                        "state terms only as quotes",
                    );
                }
            }
            if let Some(f) = turn.reply.follow_up() {
                let numbered = text.contains("  1. ");
                let inline = text.contains("選択肢：");
                report.check(
                    text.contains(&f.question)
                        && numbered == (style.options == Options::Numbered)
                        && inline == (style.options == Options::Inline),
                    situation,
                    &format!("the question, options as {:?}", style.options),
                    &text,
                    "render::turn's follow-up block",
                );
            }
            let referral = text.contains("【該当なし】");
            report.check(
                referral == (style.referral && turn.reply.no_match_reason().is_some()),
                situation,
                "a 【該当なし】 line only for a no match, when the style asks",
                &text,
                "Style::referral",
            );
        }
    }
    report.finish("rendered turns");
    assert_eq!(
        outcomes.len(),
        3,
        "the situations give an answer, a question and a no match: {outcomes:?}"
    );
}

#[test]
fn a_limit_shows_the_best_programs_only() {
    let d = dialogue(SessionLimits::default());
    let turn = respond(&d, None, SITUATIONS[1]);
    let all = turn.reply.programs();
    assert!(all.len() >= 2, "{}", turn.text);
    let style = Style {
        limit: 1,
        ..Style::PERSON
    };
    let text = render::turn(&turn, style).text();
    assert!(text.contains("[1] "), "{text}");
    assert!(!text.contains("[2] "), "{text}");
}
