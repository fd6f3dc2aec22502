//! The reviewed short lists: `golden/shortlist.jsonl` holds situations written from the source
//! document (not from any eval file), each with the complete set of programs a careful advisor
//! would put in front of that person (`acceptable`, with `expect` the ones that must come within
//! the first three, and `through_association` programs an owner joins through a 商工団体), or an
//! empty `expect` for people and purposes these programs are not for. The sets are written and
//! changed by hand only, with the reason in the commit; nothing regenerates them.
//!
//! An answer that lists a program outside its case's set fails the test, unless the pair is in
//! `golden/shortlist.open` — the known wrong listings, a ratchet: a listing fixed must leave the
//! file too (the test fails on an entry that no longer happens), and none may be added to make
//! the test pass without saying why in the commit. The file is in `run_eval.py`'s format, so the
//! same set is scored against a running server (`precision`, `recall`, `listed`).

use std::collections::BTreeSet;

use madoguchi::dialogue::{SessionLimits, Turn};
use unicode_normalization::UnicodeNormalization;

use crate::support::{Report, dialogue, related, respond, strings};

const SET: &str = include_str!("golden/shortlist.jsonl");
const OPEN: &str = include_str!("golden/shortlist.open");

/// Recall over the set may not fall below this (the share of each case's acceptable programs
/// that its answer lists, averaged): a list that only gets shorter is not the goal. Set a little
/// under the measured value when the set was written (see the commit that sets it).
const RECALL_FLOOR: f64 = 0.88;

/// One case of the set.
struct Case {
    label: String,
    turns: Vec<String>,
    expect: Vec<String>,
    fine: Vec<String>,
    wanted: Vec<String>,
    quote: Option<String>,
    first_turn_asks: bool,
}

fn cases() -> Vec<Case> {
    SET.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("shortlist.jsonl: {e}: {l}"));
            let turns = match v["q"].as_str() {
                Some(q) => vec![q.to_string()],
                None => strings(&v, "dialogue"),
            };
            let expect = strings(&v, "expect");
            let acceptable = strings(&v, "acceptable");
            let mut fine = expect.clone();
            fine.extend(acceptable.iter().cloned());
            fine.extend(strings(&v, "through_association"));
            let mut wanted = expect.clone();
            wanted.extend(acceptable);
            Case {
                label: turns.join(" / "),
                turns,
                expect,
                fine,
                wanted,
                quote: v["quote"].as_str().map(str::to_string),
                first_turn_asks: v["first_turn_asks"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

fn squeeze(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The known wrong listings: `case<TAB>id` per line.
fn open() -> BTreeSet<(String, String)> {
    OPEN.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (case, id) = l
                .rsplit_once('\t')
                .unwrap_or_else(|| panic!("shortlist.open: a line without a tab: {l:?}"));
            (case.to_string(), id.trim().to_string())
        })
        .collect()
}

/// Runs a case's turns in one conversation: the first turn and the last.
fn run(case: &Case) -> (Turn, Turn) {
    let d = dialogue(SessionLimits::default());
    let mut sid: Option<String> = None;
    let mut turns = Vec::new();
    for t in &case.turns {
        let turn = respond(&d, sid.as_deref(), t);
        sid = Some(turn.session_id.clone());
        turns.push(turn);
    }
    let last = turns.pop().expect("a case has a turn");
    let first = turns.into_iter().next().unwrap_or_else(|| last.clone());
    (first, last)
}

#[test]
fn answers_stay_within_the_reviewed_sets() {
    let known = open();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut report = Report::default();
    let (mut recall_sum, mut judged) = (0.0, 0usize);
    for case in cases() {
        let (first, last) = run(&case);
        let ids: Vec<&str> = last
            .reply
            .programs()
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        let fix = "the fit stage (src/dialogue/fit.rs), the records' needs/requires \
                   (corpus/programs), or corpus/vocabulary.toml — never the reviewed set";
        if case.expect.is_empty() {
            report.check(
                ids.is_empty(),
                &case.label,
                "no programs",
                &format!("{ids:?}"),
                fix,
            );
            continue;
        }
        // Nothing outside the set, except the known wrong listings.
        for id in &ids {
            if !case.fine.iter().any(|f| related(id, f)) {
                let pair = (case.label.clone(), id.to_string());
                report.check(
                    known.contains(&pair),
                    &case.label,
                    &format!("only programs of {:?}", case.fine),
                    &format!("{id} listed ({ids:?})"),
                    fix,
                );
                seen.insert(pair);
            }
        }
        let rank = ids
            .iter()
            .position(|id| case.expect.iter().any(|e| related(id, e)));
        report.check(
            rank.is_some_and(|r| r < 3),
            &case.label,
            &format!("one of {:?} within the first three", case.expect),
            &format!("{ids:?}"),
            fix,
        );
        if let Some(want) = &case.quote {
            let want = squeeze(want);
            let quoted = last.reply.programs().iter().take(3).any(|p| {
                case.expect.iter().any(|e| related(p.id.as_str(), e))
                    && p.quotes.iter().any(|q| squeeze(&q.text).contains(&want))
            });
            report.check(
                quoted,
                &case.label,
                &format!("the quote {want}"),
                "not shown",
                fix,
            );
        }
        if case.first_turn_asks {
            report.check(
                first.reply.follow_up().is_some(),
                &case.label,
                "a question on the first turn",
                "none",
                fix,
            );
        }
        if !ids.is_empty() {
            let got = case
                .wanted
                .iter()
                .filter(|w| ids.iter().any(|id| related(id, w)))
                .count();
            recall_sum += got as f64 / case.wanted.len().max(1) as f64;
            judged += 1;
        }
    }
    for pair in known.difference(&seen) {
        report.check(
            false,
            &pair.0,
            &format!("{} listed outside the set (shortlist.open says so)", pair.1),
            "no longer listed",
            "remove the line from tests/golden/shortlist.open: the listing is fixed",
        );
    }
    let recall = recall_sum / judged.max(1) as f64;
    report.check(
        recall >= RECALL_FLOOR,
        "the whole set",
        &format!("recall >= {RECALL_FLOOR}"),
        &format!("{recall:.3}"),
        "list what fits: a shorter list is not the goal",
    );
    report.finish("reviewed short lists (tests/golden/shortlist.jsonl)");
}

#[test]
fn the_reviewed_set_is_large_and_covers_people_the_programs_are_not_for() {
    let cases = cases();
    let none = cases.iter().filter(|c| c.expect.is_empty()).count();
    let dialogues = cases.iter().filter(|c| c.turns.len() > 1).count();
    assert!(cases.len() >= 100, "{} situations", cases.len());
    assert!(none >= 15, "{none} situations the programs are not for");
    assert!(dialogues >= 8, "{dialogues} conversations");
    let corpus = &crate::support::engine().corpus;
    for c in &cases {
        for id in c.fine.iter() {
            assert!(corpus.get(id).is_some(), "{}: unknown id {id}", c.label);
        }
    }
}
