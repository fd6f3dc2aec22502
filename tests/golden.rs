//! The drift snapshot: for a few hundred situations and a few dozen dialogues written for it
//! (`tests/golden/situations.txt`, `dialogues.txt`), the outcome of every turn (answer,
//! clarify, no match), the slot asked and the ids listed, kept in `tests/golden/expected.txt`.
//! It says only that something moved, not that it is right: a change that moves any of them
//! updates the file in the same commit and says why (`MADOGUCHI_UPDATE_GOLDEN=1 cargo test
//! golden` rewrites it). What is right is reviewed by hand in `golden/shortlist.jsonl`
//! (`tests/shortlist.rs`), which nothing regenerates.

use std::fmt::Write;

use madoguchi::dialogue::{Reply, SessionLimits, Turn};

use crate::support::{dialogue, respond, root};

const SITUATIONS: &str = include_str!("golden/situations.txt");
const DIALOGUES: &str = include_str!("golden/dialogues.txt");

/// One line per turn: outcome, slot asked, the ids listed (at most five).
fn render(t: &Turn) -> String {
    let outcome = match &t.reply {
        Reply::Answer { .. } => "answer",
        Reply::Clarify { .. } => "clarify",
        Reply::NoMatch { .. } => "no_match",
    };
    let slot = t.reply.follow_up().map_or("-", |f| f.slot.as_str());
    let ids: Vec<&str> = t
        .reply
        .programs()
        .iter()
        .take(5)
        .map(|p| p.id.as_str())
        .collect();
    format!("{outcome} {slot} [{}]", ids.join(" "))
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The dialogues: blocks of turns separated by empty lines; `#` lines name a block.
fn dialogues() -> Vec<Vec<&'static str>> {
    DIALOGUES
        .split("\n\n")
        .map(|b| lines(b).collect::<Vec<_>>())
        .filter(|b| !b.is_empty())
        .collect()
}

fn current() -> String {
    let d = dialogue(SessionLimits::default());
    let mut out = String::new();
    for q in lines(SITUATIONS) {
        let t = respond(&d, None, q);
        let _ = writeln!(out, "{q}\n  {}", render(&t));
    }
    for turns in dialogues() {
        let mut sid: Option<String> = None;
        out.push_str("---\n");
        for q in turns {
            let t = respond(&d, sid.as_deref(), q);
            sid = Some(t.session_id.clone());
            let _ = writeln!(out, "{q}\n  {}", render(&t));
        }
    }
    out
}

#[test]
fn rankings_match_the_golden_file() {
    let path = root().join("tests/golden/expected.txt");
    let got = current();
    if std::env::var_os("MADOGUCHI_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).expect("write the golden file");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    let situations = lines(SITUATIONS).count();
    assert!(
        situations >= 200 && dialogues().len() >= 20,
        "the golden set needs 200+ situations and 20+ dialogues"
    );
    if got != want {
        let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        let mut diff = String::new();
        let mut shown = 0;
        for i in 0..g.len().max(w.len()) {
            let (a, b) = (w.get(i).copied(), g.get(i).copied());
            if a != b && shown < 40 {
                shown += 1;
                let q = (0..=i)
                    .rev()
                    .find_map(|j| g.get(j).filter(|l| !l.starts_with("  ")));
                let _ = writeln!(
                    diff,
                    "at {}\n  golden: {}\n  now:    {}",
                    q.copied().unwrap_or("?"),
                    a.unwrap_or("(none)").trim(),
                    b.unwrap_or("(none)").trim()
                );
            }
        }
        panic!(
            "the rankings moved from tests/golden/expected.txt:\n{diff}\nIf the move is intended, \
             rerun with MADOGUCHI_UPDATE_GOLDEN=1 and say why in the commit."
        );
    }
}
