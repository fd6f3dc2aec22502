//! Whole-corpus invariants: the source is the pinned document, every fixed id has a record,
//! and every quoted term is verbatim at its page and line (checked here by a second,
//! independent implementation, not by the loader's own code).

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use crate::support::{Report, engine, root};

/// SHA-256 of `corpus/source/000_e7ee304dbc0e60c0.txt`, the seed document as received.
const SOURCE_SHA256: &str = "d146b9d358434438f8405de785157ed6452f7bc8baf1567920633b139799c26e";

fn source_lines() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("corpus/source/000_e7ee304dbc0e60c0.txt"))
        .expect("the source document is in corpus/source/");
    text.split('\n').map(str::to_string).collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn source_is_the_pinned_document() {
    let bytes = std::fs::read(root().join("corpus/source/000_e7ee304dbc0e60c0.txt")).unwrap();
    let got: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        got, SOURCE_SHA256,
        "corpus/source must hold the seed verbatim"
    );
    let shared = root().join("../shared/seed/000_e7ee304dbc0e60c0.txt");
    if let Ok(seed) = std::fs::read(shared) {
        assert_eq!(seed, bytes, "corpus/source differs from ../shared/seed");
    }
}

#[test]
fn every_fixed_id_has_a_record() {
    let md = std::fs::read_to_string(root().join("corpus/program-ids.md")).unwrap();
    if let Ok(shared) = std::fs::read_to_string(root().join("../shared/program-ids.md")) {
        assert_eq!(
            shared, md,
            "corpus/program-ids.md must equal ../shared/program-ids.md"
        );
    }
    let fixed: BTreeSet<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|id| {
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c == '.')
        })
        .filter(|id| !id.is_empty() && *id != "id")
        .collect();
    assert_eq!(fixed.len(), 29, "program-ids.md lists 29 ids");
    let have: BTreeSet<&str> = engine()
        .corpus
        .programs
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(have, fixed);
    for p in &engine().corpus.programs {
        assert!(
            root()
                .join(format!("corpus/programs/{}.toml", p.id))
                .is_file()
        );
    }
}

#[test]
fn every_quote_is_verbatim_at_its_page_and_line() {
    let lines = source_lines();
    let mut page = 0;
    let pages: Vec<u32> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.starts_with(' ') {
                page += 1;
            }
            page
        })
        .collect();
    let mut report = Report::default();
    let mut quotes = 0;
    for p in &engine().corpus.programs {
        let named = std::iter::once((squeeze(&p.name), p.name_line, None));
        let terms = p
            .terms
            .iter()
            .map(|q| (squeeze(&q.text), q.line, Some(q.page)));
        for (text, line, page) in named.chain(terms) {
            quotes += 1;
            let i = line as usize - 1;
            let first = squeeze(&lines[i]);
            let window = squeeze(&lines[i..(i + 41).min(lines.len())].join(""));
            // The text must begin inside the first line: some suffix of that line, followed by
            // the rest of the window, starts with the text.
            let starts_here = (0..first.len())
                .filter(|&b| first.is_char_boundary(b))
                .any(|b| window[b..].starts_with(&text));
            let case = format!("{} l.{line}: {text}", p.id);
            report.check(
                starts_here,
                &case,
                "text starting on that line",
                &first,
                "fix the line or copy the text verbatim",
            );
            if let Some(page) = page {
                report.check(
                    pages[i] == page,
                    &case,
                    &format!("page {page}"),
                    &pages[i].to_string(),
                    "fix the page",
                );
            }
        }
    }
    assert!(
        quotes > 100,
        "the corpus quotes more than a hundred terms, got {quotes}"
    );
    report.finish("verbatim quotes");
}

#[test]
fn every_menu_has_its_parent_and_every_record_has_terms_and_themes() {
    let c = &engine().corpus;
    for p in &c.programs {
        if let Some(parent) = &p.parent {
            assert!(
                c.get(parent.as_str()).is_some(),
                "{}: parent {parent} missing",
                p.id
            );
        }
        assert!(!p.terms.is_empty(), "{}: no terms", p.id);
        assert!(!p.themes.is_empty(), "{}: no themes", p.id);
        assert!(!p.body.trim().is_empty(), "{}: no body lines", p.id);
    }
}

/// The links resolved at load (`engine::Links`) are the corpus's own ids, followed: each menu's
/// parent, each program's menus and the programs that accompany it, checked against a search of
/// the whole corpus by id for every program.
#[test]
fn the_links_between_programs_are_the_records_ids() {
    let engine = engine();
    let programs = &engine.corpus.programs;
    let at = |id: &madoguchi::corpus::ProgramId| programs.iter().position(|q| &q.id == id);
    let (mut parents, mut accompanying) = (0, 0);
    for (i, p) in programs.iter().enumerate() {
        let parent = p.parent.as_ref().and_then(at);
        assert_eq!(engine.links.parent(i), parent, "{}: parent", p.id.as_str());
        parents += usize::from(parent.is_some());
        let menus: Vec<usize> = (0..programs.len())
            .filter(|&j| programs[j].parent.as_ref() == Some(&p.id))
            .collect();
        assert_eq!(
            engine.links.menus(i),
            menus.as_slice(),
            "{}: menus",
            p.id.as_str()
        );
        let with: Vec<usize> = (0..programs.len())
            .filter(|&j| programs[j].accompanies.contains(&p.id))
            .collect();
        assert_eq!(
            engine.links.accompanied_by(i),
            with.as_slice(),
            "{}: accompanied by",
            p.id.as_str()
        );
        accompanying += with.len();
    }
    // The corpus has both kinds of link, so the comparison above compared something.
    assert!(
        parents > 0 && accompanying > 0,
        "{parents} menus, {accompanying} accompanying"
    );
}
