//! One [`Turn`] → text, for every channel that shows text: the CLI (`ask`, `chat`), the MCP
//! tools and LINE. The text is made of blocks — the dialogue's reply, the heading of the terms,
//! one block per program (name, kind, division, and each quote 「…」 with its 「p.N l.M」), the
//! follow-up question with its options, and (for a model) the no-match referral — so a channel
//! with a size limit per message can split between blocks and never inside a quote. Like the
//! reply, the text states no term of its own: rates, caps, periods and contacts appear only
//! inside quotes.

use std::fmt::Write;

use crate::corpus::Quote;
use crate::dialogue::{Lang, Recommendation, Reply, Turn, Words, words};

/// The heading above the programs' terms in Japanese: what the brackets mean (each language's
/// is `Words::terms_heading`).
pub const TERMS_HEADING: &str =
    "【制度と条件】（「」内は資料からの引用、「p.N l.M」は資料のページと行）";

/// How a channel shows the follow-up question's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Options {
    /// One numbered line each, for a terminal where a number picks one (`chat`).
    Numbered,
    /// On one line after 選択肢：, for a reader that retypes one (a model over MCP).
    Inline,
    /// Not in the text: the channel shows them as buttons (LINE's quick replies).
    Buttons,
}

/// What a channel wants in its text.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Programs shown at most (the best first).
    pub limit: usize,
    pub options: Options,
    /// Each program's id beside its name (for a model or an operator, not for a person).
    pub ids: bool,
    /// A 【該当なし】 line when nothing fits: why, and where to ask. The reply already says
    /// both to a person; a model gets them apart so it can pass them on.
    pub referral: bool,
}

impl Style {
    /// For a person reading a chat: every program, options as buttons, no ids.
    pub const PERSON: Style = Style {
        limit: usize::MAX,
        options: Options::Buttons,
        ids: false,
        referral: false,
    };
}

/// What a block of a rendered turn holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The dialogue's reply.
    Reply,
    /// [`TERMS_HEADING`].
    Heading,
    /// One program with its quotes.
    Program,
    /// The follow-up question (and its options, unless they are buttons).
    FollowUp,
    /// The 【該当なし】 line.
    Referral,
}

/// One block of a rendered turn; its text ends with a line break.
#[derive(Debug, Clone)]
pub struct Block {
    pub part: Part,
    pub text: String,
}

/// A turn as text blocks, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    blocks: Vec<Block>,
}

impl Rendered {
    /// The blocks in order: a channel that splits its text splits between them.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    pub fn into_blocks(self) -> Vec<Block> {
        self.blocks
    }

    /// Every block, a blank line between two.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self.blocks.iter().map(|b| b.text.as_str()).collect();
        texts.join("\n")
    }
}

/// Renders `turn` for a channel of `style`, in the turn's language.
pub fn turn(turn: &Turn, style: Style) -> Rendered {
    let w = words(turn.lang);
    let block = |part, text| Block { part, text };
    let mut blocks = vec![block(Part::Reply, format!("{}\n", turn.text))];
    let programs = turn.reply.programs();
    if !programs.is_empty() && style.limit > 0 {
        blocks.push(block(Part::Heading, format!("{}\n", w.terms_heading())));
    }
    for (i, p) in programs.iter().take(style.limit).enumerate() {
        blocks.push(block(Part::Program, program(w, i + 1, p, style)));
    }
    if let Some(f) = turn.reply.follow_up() {
        let mut out = format!("{}{}\n", w.follow_up_heading(), f.question);
        match style.options {
            Options::Numbered => {
                for (i, o) in f.options.iter().enumerate() {
                    let _ = writeln!(out, "  {}. {}", i + 1, o);
                }
            }
            Options::Inline => {
                let _ = writeln!(out, "    {}", w.options_inline(&f.options));
            }
            Options::Buttons => {}
        }
        blocks.push(block(Part::FollowUp, out));
    }
    if let Reply::NoMatch { refer, .. } = &turn.reply
        && style.referral
    {
        // The reply states why (a private matter, a business in another prefecture, another
        // subject) in its first line.
        let mut out = format!(
            "{}{}",
            w.no_match_heading(),
            turn.text.lines().next().unwrap_or_default()
        );
        if !refer.is_empty() {
            out.push_str(&w.refer_inline(refer));
        }
        out.push('\n');
        blocks.push(block(Part::Referral, out));
    }
    Rendered { blocks }
}

/// One program: its number, name and kind (and id), its division, why it fits, its quotes.
fn program(w: &dyn Words, n: usize, p: &Recommendation, style: Style) -> String {
    let mut out = w.program_heading(n, p, style.ids);
    out.push('\n');
    let _ = writeln!(out, "    {}", w.division_line(p));
    // Why it fits (or, for one that may fit, the condition that decides), one line.
    if let Some(reason) = &p.reason {
        let _ = writeln!(out, "    {}{}{reason}", w.reason_label(p.fits), w.colon());
    }
    for q in &p.quotes {
        quote_line_in(w.lang(), &mut out, q);
    }
    out
}

/// One quoted term: its label, its text with the source's line breaks as spaces (the quote is
/// verbatim otherwise), its citation.
pub fn quote_line(out: &mut String, q: &Quote) {
    quote_line_in(Lang::Ja, out, q);
}

/// [`quote_line`] with the label in `lang` (the quote stays as the document has it).
pub fn quote_line_in(lang: Lang, out: &mut String, q: &Quote) {
    let w = words(lang);
    let text: Vec<&str> = q.text.split_whitespace().collect();
    let _ = writeln!(
        out,
        "    {}{}「{}」「p.{} l.{}」",
        w.label(q.label),
        w.colon(),
        text.join(" "),
        q.page,
        q.line
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_keeps_its_words_and_cites_page_and_line() {
        let q = Quote {
            label: crate::corpus::TermLabel::Rate,
            text: "補助率\n２／３以内".into(),
            page: 12,
            line: 34,
        };
        let mut out = String::new();
        quote_line(&mut out, &q);
        assert!(out.contains("「補助率 ２／３以内」「p.12 l.34」"), "{out}");
        assert!(out.ends_with('\n'));
    }
}
