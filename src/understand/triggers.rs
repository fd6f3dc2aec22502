//! Every trigger phrase — the vocabulary's rules and out-of-scope topics, and the dialogue's own
//! cue words — compiled into one Aho-Corasick automaton and run once over a normalized message.
//! An occurrence directly followed by a denial (地震ではなく, 製造業以外) is reported as denied.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::corpus::{BusinessRole, Kind, StaffRole};
use crate::text::{TextError, normalize};

/// What follows a word to deny it: 「地震ではなく豪雨」「製造業じゃない」「補助金以外」. One list for
/// every trigger. It deliberately holds no bare 「でな」: 「地震でなにもかも」 is not a denial.
pub(crate) const DENIALS: &[&str] = &[
    "ではな",
    "じゃな",
    "ではありません",
    "でもな",
    "でない",
    "でなく",
    "以外",
    "ちがう",
    "違う",
    "違い",
];

/// What a trigger phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// A phrasing rule of `corpus/vocabulary.toml` (`[[expand]]`), by index.
    Rule(usize),
    /// An out-of-scope topic of the vocabulary, by index.
    OutOfScope(usize),
    /// A request to start over (最初から, リセット).
    Reset,
    /// A disaster other than the two the programs know (それ以外の災害).
    OtherDisaster,
    /// The name of the one industry some programs are restricted to (製造業).
    Manufacturing,
    /// A way of asking about a kind of term (補助率, いつまで), by index into the cue table.
    Label(usize),
    /// A place in Kumamoto prefecture (corpus/places.toml).
    Kumamoto,
    /// A place in another prefecture, by index; `true` for a short form, which counts only
    /// where the dictionary tags it as a place or a suffix (市, 県 …) follows.
    Elsewhere(usize, bool),
    /// The person speaks for a business of their own (corpus/scope.toml `[[business]]`).
    Business(BusinessRole),
    /// 商工団体 or 市町村 staff.
    Staff(StaffRole),
    /// A private person (`[[private]]`, by index).
    Private(usize),
    /// A private purpose (`[[purpose]]`, by index).
    Purpose(usize),
    /// Business premises or a business vehicle (自宅兼店舗, 作業場, 社用車).
    Premises,
    /// The person asks for money of this kind in so many words (補助してほしい, 借りたい).
    Asks(Kind),
    /// A kind of cost (the vocabulary's `[[expense]]`, by index).
    Expense(usize),
    /// A question about time: a deadline, whether it is still open, this year.
    Time,
    /// A program's printed name (or a run of it between brackets and dots), by position.
    Named(usize),
}

/// One occurrence of a trigger in the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) cue: Cue,
    pub(crate) denied: bool,
}

/// The compiled triggers.
#[derive(Debug, Clone)]
pub(crate) struct Triggers {
    automaton: AhoCorasick,
    /// For each distinct pattern, every cue it stands for (one phrase may serve several).
    cues: Vec<Vec<Cue>>,
}

impl Triggers {
    /// Compiles `(phrase, cue)` pairs. Phrases are normalized like messages; empty ones are
    /// ignored (they would fire on everything).
    pub(crate) fn new(phrases: impl IntoIterator<Item = (String, Cue)>) -> Result<Self, TextError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut cues: Vec<Vec<Cue>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (phrase, cue) in phrases {
            let p = normalize(&phrase).as_str().to_string();
            if p.trim().is_empty() {
                continue;
            }
            let i = *index.entry(p.clone()).or_insert_with(|| {
                patterns.push(p);
                cues.push(Vec::new());
                cues.len() - 1
            });
            if !cues[i].contains(&cue) {
                cues[i].push(cue);
            }
        }
        // A contiguous NFA: compact (a DFA over these phrases is 13 MB) and nearly as fast.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|e| TextError::Expansion(e.to_string()))?;
        Ok(Self { automaton, cues })
    }

    /// Every occurrence of every trigger in `text` (already normalized), overlapping ones too.
    /// A phrase that starts with katakana or a latin letter does not match inside a longer
    /// word of the same script (ローン is not in ドローン, dx is not in adx).
    pub(crate) fn scan(&self, text: &str) -> Vec<Found> {
        let mut out = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let first = text[m.start()..].chars().next();
            let before = text[..m.start()].chars().next_back();
            if let (Some(a), Some(b)) = (first, before)
                && (katakana(a) && katakana(b)
                    || a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
            {
                continue;
            }
            let after = &text[m.end()..];
            let denied = DENIALS.iter().any(|d| after.starts_with(d));
            for &cue in &self.cues[m.pattern().as_usize()] {
                out.push(Found {
                    start: m.start(),
                    end: m.end(),
                    cue,
                    denied,
                });
            }
        }
        out
    }
}

fn katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fired(t: &Triggers, text: &str) -> Vec<Cue> {
        let mut v: Vec<Cue> = t
            .scan(normalize(text).as_str())
            .into_iter()
            .filter(|f| !f.denied)
            .map(|f| f.cue)
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn fires_on_normalized_substrings_and_respects_denials() {
        let t = Triggers::new([
            ("跡継ぎ".to_string(), Cue::Rule(0)),
            ("後継者".to_string(), Cue::Rule(0)),
            ("ＤＸ".to_string(), Cue::Rule(1)),
            (String::new(), Cue::Rule(2)),
            ("dx".to_string(), Cue::Label(0)),
        ])
        .unwrap();
        assert_eq!(
            fired(&t, "後継者の跡継ぎとdx"),
            [Cue::Rule(0), Cue::Rule(1), Cue::Label(0)]
        );
        assert!(fired(&t, "天気").is_empty());
        assert_eq!(
            fired(&t, "跡継ぎではなくＤＸの話"),
            [Cue::Rule(1), Cue::Label(0)]
        );
        assert_eq!(fired(&t, "跡継ぎではなく後継者"), [Cue::Rule(0)]);
        let loan = Triggers::new([("ローン".to_string(), Cue::Rule(3))]).unwrap();
        assert!(
            fired(&loan, "ドローンで測量").is_empty(),
            "katakana inside a word"
        );
        assert_eq!(fired(&loan, "車のローン"), [Cue::Rule(3)]);
        assert!(fired(&t, "adxの話").is_empty(), "latin inside a word");
    }
}
