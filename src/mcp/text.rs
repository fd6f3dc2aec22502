//! The tools' text content: plain Japanese a model can read and pass on, with every term quoted
//! as the document prints it and cited 「p.N l.M」, the document and its 年度, and a closing line
//! telling the model to quote as given and to send people to the 窓口. The text states no term
//! of its own: figures appear only inside quotes.

use std::fmt::Write;

use crate::corpus::{Corpus, Program, Quote, SourceInfo, Theme};
use crate::dialogue::{Reply, Turn};

/// What every answer ends with: how to pass the terms on, and where to confirm them.
const GUIDANCE: &str = "※ 条件（補助率・上限額・対象経費・期間・窓口など）は資料の原文の引用です。言い換えたり計算し直したりせず、「p.N l.M」（資料のページと行）とともにそのまま伝えてください。申請の前に、最新の受付状況と条件を各制度の窓口で必ず確認するよう案内してください。";

/// `find_programs`: the dialogue's reply, then each program with its quotes.
pub fn found(turn: &Turn) -> String {
    let mut out = format!("{}\n", turn.text);
    let programs = turn.reply.programs();
    if !programs.is_empty() {
        out.push_str("\n【制度と条件】（「」内は資料からの引用、「p.N l.M」は資料のページと行）\n");
    }
    for (i, p) in programs.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n[{}] {}（id: {}・{}）\n    担当：{}",
            i + 1,
            p.name,
            p.id,
            p.kind.japanese(),
            p.division
        );
        if let Some(reason) = &p.reason {
            let _ = writeln!(
                out,
                "    {}：{reason}",
                if p.fits { "合う理由" } else { "条件" }
            );
        }
        for q in &p.quotes {
            quote_line(&mut out, q);
        }
    }
    if let Some(f) = turn.reply.follow_up() {
        let _ = writeln!(
            out,
            "\n【絞り込むための質問】{}\n    選択肢：{}\n    （相談者の答えを situation に書き足して find_programs をもう一度呼ぶと、より合う制度に絞り込めます。）",
            f.question,
            f.options.join("／")
        );
    }
    if let Reply::NoMatch { refer, .. } = &turn.reply {
        // The reply states why (a private matter, a business in another prefecture, another
        // subject) in its first line.
        let _ = write!(
            out,
            "\n【該当なし】{}",
            turn.text.lines().next().unwrap_or_default()
        );
        if !refer.is_empty() {
            let _ = write!(out, "問い合わせ先：{}。", refer.join("、"));
        }
        out.push_str("制度を作り上げたり、別の制度の条件を当てはめたりせず、上の問い合わせ先を案内してください。\n");
        return out;
    }
    out.push('\n');
    sources(&mut out, turn.sources.iter().map(AsRef::as_ref));
    out.push_str(GUIDANCE);
    out.push('\n');
    out
}

/// `get_program`: the whole record, every term quoted.
pub fn program(p: &Program, corpus: &Corpus) -> String {
    let mut out = format!(
        "{}（id: {}・{}）\n担当：{}\n",
        p.name,
        p.id,
        p.kind.japanese(),
        p.division
    );
    let _ = writeln!(
        out,
        "概要（当方の要約で、引用ではありません）：{}",
        p.purpose
    );
    if !p.themes.is_empty() {
        let themes: Vec<&str> = p.themes.iter().map(|t| t.as_str()).collect();
        let _ = writeln!(out, "テーマ：{}", themes.join("、"));
    }
    let pages: Vec<String> = p.pages.iter().map(|n| format!("p.{n}")).collect();
    let _ = writeln!(out, "掲載ページ：{}", pages.join("、"));
    if let Some(parent) = &p.parent {
        let name = corpus.get(parent.as_str()).map_or("", |q| &q.name);
        let _ = writeln!(out, "上位の制度：{name}（id: {parent}）");
    }
    out.push_str("\n【条件】（「」内は資料からの引用、「p.N l.M」は資料のページと行）\n");
    for q in &p.terms {
        quote_line(&mut out, q);
    }
    let menus: Vec<&Program> = corpus.menus_of(&p.id).collect();
    if !menus.is_empty() {
        out.push_str("\n【メニュー】（それぞれ get_program で条件を取得できます）\n");
        for m in menus {
            let _ = writeln!(out, "    {}（id: {}・{}）", m.name, m.id, m.kind.japanese());
        }
    }
    out.push('\n');
    sources(
        &mut out,
        std::iter::once(corpus.document_of(p).info.as_ref()),
    );
    out.push_str(GUIDANCE);
    out.push('\n');
    out
}

/// `list_programs`: one line a program, then the themes one may filter by.
pub fn listed(programs: &[&Program], theme: Option<Theme>, corpus: &Corpus) -> String {
    let mut out = match theme {
        Some(t) => format!("テーマ「{t}」の制度・メニュー：{}件\n", programs.len()),
        None => format!("すべての制度・メニュー：{}件\n", programs.len()),
    };
    for p in programs {
        let themes: Vec<&str> = p.themes.iter().map(|t| t.as_str()).collect();
        let _ = writeln!(
            out,
            "- {}：{}（{}）［{}］",
            p.id,
            p.name,
            p.kind.japanese(),
            themes.join("、")
        );
    }
    let all: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
    let _ = writeln!(out, "\nテーマの一覧：{}", all.join("、"));
    out.push_str(
        "条件（引用とページ・行）は get_program で、相談者の状況に合う制度は find_programs で取得できます。\n",
    );
    sources(&mut out, std::iter::once(corpus.primary().info.as_ref()));
    out
}

/// One quoted term: its label, its text with the source's line breaks as spaces, its citation.
fn quote_line(out: &mut String, q: &Quote) {
    let text: Vec<&str> = q.text.split_whitespace().collect();
    let _ = writeln!(
        out,
        "    {}：「{}」「p.{} l.{}」",
        q.label,
        text.join(" "),
        q.page,
        q.line
    );
}

fn sources<'a>(out: &mut String, docs: impl Iterator<Item = &'a SourceInfo>) {
    for d in docs {
        let _ = writeln!(out, "出典：{}「{}」（{}）", d.year, d.title, d.issuer);
    }
}
