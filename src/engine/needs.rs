//! The programs' needs, ready to be matched against a conversation's words in one pass: every
//! distinct word of every need goes into one Aho-Corasick automaton built at load, so the fit
//! stage scans each word of the situation once instead of testing every need of every program
//! against every word by substring.

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;

/// Every program's needs (by position in `Corpus::programs`), each as the ids of the words it
/// analyses into, and the automaton over those words.
#[derive(Debug)]
pub struct Needs {
    automaton: AhoCorasick,
    /// For each word id: the word is stated inside a longer word too (it has two characters or
    /// more: 生産性 in 生産性向上, 研修 in 研修費, where the dictionary keeps a compound whole).
    inside: Vec<bool>,
    by_program: Vec<Vec<Box<[u32]>>>,
}

/// The need words that a set of the person's words states: a bit per word id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stated(Vec<u64>);

impl Stated {
    fn insert(&mut self, id: u32) {
        let (i, bit) = (id as usize / 64, id % 64);
        if self.0.len() <= i {
            self.0.resize(i + 1, 0);
        }
        self.0[i] |= 1 << bit;
    }

    fn contains(&self, id: u32) -> bool {
        self.0
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

impl Needs {
    /// The automaton over the words of `needs` (for each program, its needs, each as words).
    pub fn new(needs: &[Vec<Vec<String>>]) -> Result<Needs, aho_corasick::BuildError> {
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        let mut words: Vec<&str> = Vec::new();
        let by_program = needs
            .iter()
            .map(|program| {
                program
                    .iter()
                    .map(|need| {
                        need.iter()
                            .map(|w| {
                                *ids.entry(w.as_str()).or_insert_with(|| {
                                    words.push(w.as_str());
                                    (words.len() - 1) as u32
                                })
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        // Overlapping matches (a word of the person's may hold several need words) need the
        // standard match semantics.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&words)?;
        Ok(Needs {
            automaton,
            inside: words.iter().map(|w| w.chars().nth(1).is_some()).collect(),
            by_program,
        })
    }

    /// The need words that `words` state: a need word is stated by a word equal to it or, when
    /// it has two characters or more, by a word that contains it.
    pub fn stated<'w>(&self, words: impl IntoIterator<Item = &'w str>) -> Stated {
        let mut stated = Stated::default();
        for w in words {
            for m in self.automaton.find_overlapping_iter(w) {
                let id = m.pattern().as_u32();
                if self.inside[id as usize] || (m.start() == 0 && m.end() == w.len()) {
                    stated.insert(id);
                }
            }
        }
        stated
    }

    /// The first of the program's needs (its index in `Program::needs`) all of whose words
    /// are stated. A need that analyses into no word is never stated.
    pub fn first_stated(&self, ord: usize, stated: &Stated) -> Option<usize> {
        self.by_program
            .get(ord)?
            .iter()
            .position(|need| !need.is_empty() && need.iter().all(|&id| stated.contains(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule the automaton replaces, as the fit stage wrote it: every word of the need is
    /// one of `words` or, with two characters or more, inside one.
    fn by_substring(need: &[String], words: &[&str]) -> bool {
        let stated = |t: &str| {
            words.contains(&t) || (t.chars().count() >= 2 && words.iter().any(|w| w.contains(t)))
        };
        !need.is_empty() && need.iter().all(|t| stated(t))
    }

    #[test]
    fn the_automaton_states_exactly_what_substrings_state() {
        let needs: Vec<Vec<Vec<String>>> = [
            vec![vec!["生産性"], vec!["研修", "費"], vec![]],
            vec![vec!["費"], vec!["資金", "繰り"], vec!["it"]],
            vec![vec!["事業", "承継"], vec!["生産性", "向上"]],
        ]
        .iter()
        .map(|p| {
            p.iter()
                .map(|n| n.iter().map(|w| w.to_string()).collect())
                .collect()
        })
        .collect();
        let matcher = Needs::new(&needs).unwrap();
        let sets: [&[&str]; 8] = [
            &["生産性向上"],
            &["研修費"],
            &["研修", "費用"],
            &["研修", "費"],
            &["資金繰り", "繰り"],
            &["事業承継", "edit"],
            &["it", "生産", "性"],
            &[],
        ];
        for words in sets {
            let stated = matcher.stated(words.iter().copied());
            for (ord, program) in needs.iter().enumerate() {
                let expected = program.iter().position(|n| by_substring(n, words));
                assert_eq!(
                    matcher.first_stated(ord, &stated),
                    expected,
                    "program {ord} for {words:?}: the automaton and the substring rule differ"
                );
            }
        }
    }
}
