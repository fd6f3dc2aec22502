//! Paraphrases from lexical resources: a word of the message that the corpus does not contain
//! stands in for the corpus words it means, found through the Sudachi synonym groups or, failing
//! that, as its nearest corpus words in the chiVe word vectors. Both tables are extracted offline
//! by `dictionaries/paraphrase/build.sh` and embedded; at start-up they are cut down to the words
//! the index holds, so a message word costs one hash lookup.

use rustc_hash::FxHashMap;

/// Sudachi synonym groups: `id<TAB>triggers and results<TAB>results only`, comma-separated
/// base forms (see `dictionaries/README.md`).
const SYNONYMS: &str = include_str!("../../dictionaries/paraphrase/synonyms.tsv");

/// chiVe neighbours: `word<TAB>corpus word:cosine,…`, best first, cosine ≥ 0.50.
const NEIGHBOURS: &str = include_str!("../../dictionaries/paraphrase/neighbours.tsv");

/// Cosine at or above which a vector neighbour stands in for a word. Chosen on the paraphrase
/// set (`tests/paraphrases/situations.tsv`, `cargo run --release --example ablation`): lower
/// thresholds let antonyms and loose associations in (赤字 → 黒字 is 0.91, so the threshold
/// alone cannot keep those out; see the README of `dictionaries/`).
pub const MIN_COSINE: f32 = 0.50;

/// Which lexical resources the understanding stage uses. Switchable at run time so the
/// ablation can compare them on one loaded engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resources {
    pub synonyms: bool,
    pub vectors: bool,
}

impl Resources {
    pub const NONE: Resources = Resources {
        synonyms: false,
        vectors: false,
    };
    pub const SYNONYMS: Resources = Resources {
        synonyms: true,
        vectors: false,
    };
    pub const VECTORS: Resources = Resources {
        synonyms: false,
        vectors: true,
    };
    pub const BOTH: Resources = Resources {
        synonyms: true,
        vectors: true,
    };

    /// The four configurations with their names, in the order the ablation reports them.
    pub const ALL: [(&'static str, Resources); 4] = [
        ("nothing", Resources::NONE),
        ("synonyms", Resources::SYNONYMS),
        ("vectors", Resources::VECTORS),
        ("both", Resources::BOTH),
    ];
}

impl Default for Resources {
    /// What serving uses: the configuration the ablation kept.
    fn default() -> Self {
        Resources::BOTH
    }
}

/// Word → the corpus words it stands in for, as positions in `Paraphrases::words` (a corpus
/// word is stored once however many words lead to it: ~10k entries cost well under a MB).
type Table = FxHashMap<Box<str>, Box<[u16]>>;

/// The two tables, restricted to the index's words.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paraphrases {
    /// The index's words that some entry leads to, each once.
    words: Vec<Box<str>>,
    synonyms: Table,
    neighbours: Table,
    pub(crate) resources: Resources,
}

impl Paraphrases {
    /// Both embedded tables, keeping only what leads from a word the index does not hold to
    /// words it does. `known` is sorted (the index's words).
    pub(crate) fn new(known: &[&str]) -> Self {
        let mut words: Vec<Box<str>> = Vec::new();
        let mut ids: FxHashMap<&str, u16> = FxHashMap::default();
        // The position of an index word in `words`; None for a word the index lacks (or past
        // u16, which a corpus of a few thousand words never reaches).
        let mut id = |w: &str| -> Option<u16> {
            let pos = known.binary_search(&w).ok()?;
            let w: &str = known[pos];
            if let Some(&i) = ids.get(w) {
                return Some(i);
            }
            let i = u16::try_from(words.len()).ok()?;
            words.push(w.into());
            ids.insert(w, i);
            Some(i)
        };
        let is_known = |w: &str| known.binary_search(&w).is_ok();
        let mut synonyms: FxHashMap<Box<str>, Vec<u16>> = FxHashMap::default();
        for line in SYNONYMS.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t').skip(1);
            let both: Vec<&str> = split_words(cols.next());
            let results = both.iter().copied().chain(split_words(cols.next()));
            let targets: Vec<u16> = results.filter_map(&mut id).collect();
            if targets.is_empty() {
                continue;
            }
            for t in both.iter().filter(|w| !is_known(w)) {
                synonyms.entry((*t).into()).or_default().extend(&targets);
            }
        }
        let mut neighbours = Table::default();
        for line in NEIGHBOURS.lines().filter(|l| !l.starts_with('#')) {
            let Some((word, near)) = line.split_once('\t') else {
                continue;
            };
            if is_known(word) {
                continue;
            }
            let targets: Box<[u16]> = near
                .split(',')
                .filter_map(|n| n.rsplit_once(':'))
                .filter(|(_, cos)| cos.parse::<f32>().is_ok_and(|c| c >= MIN_COSINE))
                .filter_map(|(w, _)| id(w))
                .collect();
            if !targets.is_empty() {
                neighbours.insert(word.into(), targets);
            }
        }
        Paraphrases {
            words,
            synonyms: synonyms
                .into_iter()
                .map(|(k, mut v)| {
                    v.sort_unstable();
                    v.dedup();
                    (k, v.into_boxed_slice())
                })
                .collect(),
            neighbours,
            resources: Resources::default(),
        }
    }

    /// The corpus words an open word of a message stands in for: its synonyms the index holds,
    /// else its nearest corpus words. Nothing for a word the index holds (it is in neither
    /// table) or for resources switched off.
    pub(crate) fn of(&self, word: &str) -> impl Iterator<Item = &str> + '_ {
        let r = self.resources;
        let synonyms = r.synonyms.then(|| self.synonyms.get(word)).flatten();
        let vectors = || r.vectors.then(|| self.neighbours.get(word)).flatten();
        let found: &[u16] = synonyms.or_else(vectors).map_or(&[], |v| v);
        found
            .iter()
            .filter_map(|&i| self.words.get(usize::from(i)).map(|w| &**w))
    }

    /// How many words each table can paraphrase (for `madoguchi check`).
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.synonyms.len(), self.neighbours.len())
    }
}

fn split_words(col: Option<&str>) -> Vec<&str> {
    col.unwrap_or_default()
        .split(',')
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_the_corpus_holds_is_never_paraphrased() {
        let p = Paraphrases::new(&["後継ぎ", "後継者", "資金"]);
        assert_eq!(p.of("後継ぎ").count(), 0);
        assert_eq!(p.of("資金").count(), 0);
    }

    #[test]
    fn synonyms_come_first_and_resources_switch_off() {
        let mut p = Paraphrases::new(&["後継ぎ", "後継者"]);
        assert_eq!(p.of("跡取り").collect::<Vec<_>>(), ["後継ぎ"]);
        p.resources = Resources::VECTORS;
        assert!(p.of("跡取り").all(|w| w != "後継ぎ"));
        p.resources = Resources::NONE;
        assert_eq!(p.of("跡取り").count(), 0);
    }
}
