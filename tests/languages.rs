//! Replies in the asker's language: every turn of the golden situations and dialogues, asked in
//! Japanese, answered in English and in 繁體中文 (the channel's explicit choice, so the check does
//! not lean on understanding English or Chinese), must read as that language outside 「…」 by the
//! eval's own rule (`reply_in` of `../shared/eval/run_eval.py`, ported below); and the Japanese
//! reply and its rendering must stay byte for byte what `tests/golden/replies_ja.txt` recorded
//! before English and Chinese were added.

use std::fmt::Write;

use sha2::{Digest, Sha256};

use madoguchi::dialogue::{Dialogue, SessionLimits, Turn};
use madoguchi::render::{self, Options, Style};

use crate::support::{dialogue, root};

const SITUATIONS: &str = include_str!("golden/situations.txt");
const DIALOGUES: &str = include_str!("golden/dialogues.txt");

/// Every rendering option at once: numbered options, ids and the 【該当なし】 block.
const FULL: Style = Style {
    limit: usize::MAX,
    options: Options::Inline,
    ids: true,
    referral: true,
};

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The conversations: each situation alone, then each dialogue.
pub(crate) fn conversations() -> Vec<Vec<&'static str>> {
    let mut out: Vec<Vec<&str>> = lines(SITUATIONS).map(|q| vec![q]).collect();
    out.extend(
        DIALOGUES
            .split("\n\n")
            .map(|b| lines(b).collect::<Vec<_>>())
            .filter(|b| !b.is_empty()),
    );
    out
}

/// Every turn of every conversation, in order.
fn turns(d: &Dialogue) -> Vec<(&'static str, Turn)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let mut out = Vec::new();
    for c in conversations() {
        let mut sid: Option<String> = None;
        for q in c {
            let t = rt
                .block_on(d.respond(sid.as_deref(), q))
                .expect("room for the test's conversations");
            sid = Some(t.session_id.clone());
            out.push((q, t));
        }
    }
    out
}

/// The first 16 hex digits of the text's SHA-256: the snapshot keeps a digest of each reply
/// (the replies themselves are 1.3 MB with their renderings).
fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One line per turn: the question, the digest of the reply, the digest of its full rendering.
fn japanese_snapshot() -> Vec<(String, String)> {
    let d = dialogue(SessionLimits::default());
    turns(&d)
        .into_iter()
        .map(|(q, t)| {
            let line = format!(
                "{q}\t{}\t{}",
                digest(&t.text),
                digest(&render::turn(&t, FULL).text())
            );
            let shown = format!(
                "{}\n--- rendered\n{}",
                t.text,
                render::turn(&t, FULL).text()
            );
            (line, shown)
        })
        .collect()
}

#[test]
fn japanese_replies_are_unchanged() {
    let path = root().join("tests/golden/replies_ja.txt");
    let got = japanese_snapshot();
    if std::env::var_os("MADOGUCHI_RECORD_JA").is_some() {
        let mut out = String::new();
        for (line, _) in &got {
            let _ = writeln!(out, "{line}");
        }
        std::fs::write(&path, out).expect("write the Japanese snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("tests/golden/replies_ja.txt");
    let want: Vec<&str> = want.lines().collect();
    let changed: Vec<String> = got
        .iter()
        .zip(want.iter().copied().chain(std::iter::repeat("(none)")))
        .filter(|((line, _), w)| line != w)
        .take(3)
        .map(|((line, shown), w)| format!("recorded: {w}\nnow:      {line}\n{shown}"))
        .collect();
    if !changed.is_empty() || got.len() != want.len() {
        let first = changed.join("\n\n");
        panic!(
            "a Japanese reply changed (tests/golden/replies_ja.txt is the reply before English \
             and Chinese were added; it changes only by hand, with a reason):\n{first}"
        );
    }
}
