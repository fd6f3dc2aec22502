//! English and Chinese into the document's Japanese words, before the one understanding stage:
//! a message in another language is rewritten as a Japanese *pivot* (the document's words its
//! words translate to, its places, amounts and dates in Japanese form) and then understood
//! exactly as a Japanese message is — the same triggers, scope verdict, facts and fit. The
//! tables come from JMdict, CC-CEDICT and OpenCC (`dictionaries/bilingual/`, built by its
//! `build.sh`; embedded, nothing fetched) and translate only into words madoguchi uses.

mod chinese;
mod english;
mod joins;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::Lang;
use english::stem_phrase;
pub(crate) use joins::Joins;

const EN: &str = include_str!("../../../dictionaries/bilingual/en.tsv");
const ZH: &str = include_str!("../../../dictionaries/bilingual/zh.tsv");
const HAN: &str = include_str!("../../../dictionaries/bilingual/han.tsv");
const PLACES: &str = include_str!("../../../dictionaries/bilingual/places.tsv");
const PHRASES: &str = include_str!("../../../dictionaries/bilingual/phrases.tsv");

/// Which parts of the rewriting are used: all of them, except in the ablation
/// (`cargo run --release --example ablation -- --bilingual …`), which compares the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// Rewrite at all (off: the message goes to the Japanese stage as it was written).
    pub rewrite: bool,
    /// Our phrase table (`phrases.tsv`) before the dictionaries'.
    pub phrases: bool,
    /// The trigger phrases nearby words make together.
    pub joins: bool,
}

impl Default for Parts {
    fn default() -> Self {
        Parts::ALL[3].1
    }
}

impl Parts {
    /// The settings the ablation compares, each adding one part to the one before.
    pub const ALL: [(&'static str, Parts); 4] = [
        (
            "none (as written)",
            Parts {
                rewrite: false,
                phrases: false,
                joins: false,
            },
        ),
        (
            "dictionaries (JMdict, CC-CEDICT, OpenCC, JMnedict)",
            Parts {
                rewrite: true,
                phrases: false,
                joins: false,
            },
        ),
        (
            "+ our phrases",
            Parts {
                rewrite: true,
                phrases: true,
                joins: false,
            },
        ),
        (
            "+ joins (all)",
            Parts {
                rewrite: true,
                phrases: true,
                joins: true,
            },
        ),
    ];
}

/// A table from a phrase to the document's words.
type Table<K> = FxHashMap<K, Box<[Box<str>]>>;

/// One gapped phrase: the stems before the gap, after it, and the document's words.
type Gapped = (Vec<String>, Vec<String>, Box<[Box<str>]>);

/// The embedded tables, read once at start-up.
#[derive(Debug)]
pub(crate) struct Bilingual {
    /// Stemmed English phrase (words joined by one space) → the document's words: ours, and the
    /// dictionary's (JMdict).
    en_ours: Table<String>,
    en: Table<String>,
    en_longest: usize,
    /// Our phrases with a gap ("sell … online"): the stemmed words before it, after it, and
    /// the document's words, when both parts stand in one sentence with at most
    /// [`english::GAP`] words between them.
    en_gapped: Vec<Gapped>,
    /// Chinese word, in Japanese character forms → the document's words: ours, and the
    /// dictionary's (CC-CEDICT through JMdict).
    zh_ours: Table<Box<str>>,
    zh: Table<Box<str>>,
    zh_longest: usize,
    /// Chinese character → its Japanese form, and whether Japanese never writes it.
    han: FxHashMap<char, (char, bool)>,
    /// Romanized place name → the name as `places.toml` writes it.
    places: FxHashMap<Box<str>, Box<str>>,
    /// Every name of `places`, with its suffixes (佐賀県 as the English table writes "Saga
    /// Prefecture").
    place_names: FxHashSet<Box<str>>,
}

impl Default for Bilingual {
    fn default() -> Self {
        Self::new()
    }
}

fn words(s: &str) -> Box<[Box<str>]> {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .map(Into::into)
        .collect()
}

impl Bilingual {
    /// The tables, read once per process (they are embedded: a corpus reload keeps them).
    pub(crate) fn shared() -> std::sync::Arc<Self> {
        static TABLES: std::sync::OnceLock<std::sync::Arc<Bilingual>> = std::sync::OnceLock::new();
        TABLES
            .get_or_init(|| std::sync::Arc::new(Self::new()))
            .clone()
    }

    pub(crate) fn new() -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut han = FxHashMap::default();
        for line in HAN.lines() {
            let mut cols = line.split('\t');
            let (Some(c), Some(j), Some(only)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            if let (Some(c), Some(j)) = (c.chars().next(), j.chars().next()) {
                han.insert(c, (j, only == "1"));
            }
        }
        let mut en_gapped = Vec::new();
        let (mut en_ours, mut en, mut zh_ours, mut zh) = (
            Table::default(),
            Table::default(),
            Table::<Box<str>>::default(),
            Table::<Box<str>>::default(),
        );
        for line in PHRASES.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            let (Some(lang), Some(from), Some(to)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            match lang {
                "en" => match from.split_once('…') {
                    Some((before, after)) => {
                        let stems = |p: &str| {
                            let key = stem_phrase(&stemmer, p);
                            key.split(' ').map(str::to_string).collect::<Vec<_>>()
                        };
                        en_gapped.push((stems(before), stems(after), words(to)));
                    }
                    None => {
                        en_ours.insert(stem_phrase(&stemmer, from), words(to));
                    }
                },
                "zh" => {
                    let key: String = from
                        .chars()
                        .map(|c| han.get(&c).map_or(c, |h| h.0))
                        .collect();
                    zh_ours.insert(key.into(), words(to));
                }
                _ => {}
            }
        }
        for (gloss, to) in EN.lines().filter_map(|l| l.split_once('\t')) {
            let key = stem_phrase(&stemmer, gloss);
            if !key.is_empty() {
                en.entry(key).or_insert_with(|| words(to));
            }
        }
        for (from, to) in ZH.lines().filter_map(|l| l.split_once('\t')) {
            zh.entry(from.into()).or_insert_with(|| words(to));
        }
        let en_longest = en_ours
            .keys()
            .chain(en.keys())
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        let zh_longest = zh_ours
            .keys()
            .chain(zh.keys())
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(1);
        let places: FxHashMap<Box<str>, Box<str>> = PLACES
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(r, n)| (r.into(), n.into()))
            .collect();
        let mut place_names: FxHashSet<Box<str>> = places.values().cloned().collect();
        for n in places.values() {
            for suffix in ['県', '市', '町', '村'] {
                if !n.ends_with(['県', '市', '町', '村']) {
                    place_names.insert(format!("{n}{suffix}").into());
                }
            }
        }
        Bilingual {
            en_ours,
            en,
            en_longest,
            en_gapped,
            zh_ours,
            zh,
            zh_longest,
            han,
            places,
            place_names,
        }
    }

    /// An English phrase (stemmed) in our table, else the dictionary's.
    fn en_get(&self, key: &str, parts: Parts) -> Option<&[Box<str>]> {
        parts
            .phrases
            .then(|| self.en_ours.get(key))
            .flatten()
            .or_else(|| self.en.get(key))
            .map(|b| &**b)
    }

    /// A Chinese word (Japanese forms) in our table, else the dictionary's.
    fn zh_get(&self, key: &str, parts: Parts) -> Option<&[Box<str>]> {
        parts
            .phrases
            .then(|| self.zh_ours.get(key))
            .flatten()
            .or_else(|| self.zh.get(key))
            .map(|b| &**b)
    }

    /// Whether Japanese never writes this character (a Traditional or Simplified form).
    pub(crate) fn chinese_only(&self, c: char) -> bool {
        self.han.get(&c).is_some_and(|h| h.1)
    }

    /// Sizes of the English, Chinese and place tables (for `madoguchi check` and the ablation).
    pub(crate) fn sizes(&self) -> (usize, usize, usize) {
        (
            self.en.len() + self.en_ours.len(),
            self.zh.len() + self.zh_ours.len(),
            self.places.len(),
        )
    }

    /// The Japanese pivot of a message in `lang` (Japanese is returned as it is).
    pub(crate) fn pivot(&self, text: &str, lang: Lang, joins: &Joins, parts: Parts) -> String {
        let none = Joins::default();
        let joins = if parts.joins { joins } else { &none };
        match lang {
            _ if !parts.rewrite => text.to_string(),
            Lang::Ja => text.to_string(),
            Lang::En => self.english(text, joins, parts),
            Lang::Zh => self.chinese(text, joins, parts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Bilingual {
        fn pivot_all(&self, text: &str, lang: Lang, joins: &Joins) -> String {
            self.pivot(text, lang, joins, Parts::default())
        }
    }

    #[test]
    fn english_reaches_the_documents_words() {
        let b = Bilingual::new();
        let j = Joins::new(["自宅の修理"].into_iter());
        let p = b.pivot_all(
            "Our shop was flooded. We need a loan for repairs.",
            Lang::En,
            &j,
        );
        assert!(p.contains("融資") || p.contains("借入金"), "{p}");
        assert!(p.contains("修理") || p.contains("修繕"), "{p}");
        let p = b.pivot_all("We spent 3 million yen in July 2020.", Lang::En, &j);
        assert!(p.contains("3000000円"), "{p}");
        assert!(p.contains("2020年7月"), "{p}");
        assert!(
            b.pivot_all("I'm in Hitoyoshi", Lang::En, &j)
                .contains("人吉")
        );
        let p = b.pivot_all("I want to repair my house.", Lang::En, &j);
        assert!(p.contains("自宅の修理"), "{p}");
    }

    #[test]
    fn english_phrases_across_words_hyphens_and_capitals() {
        let b = Bilingual::new();
        let j = Joins::default();
        let en = |s: &str| b.pivot_all(s, Lang::En, &j);
        // A gapped phrase of our table: the object between the verb and where it is sold.
        assert!(en("I want to sell our homemade pickles online.").contains("オンラインで売"));
        assert!(en("I want to sell online.").contains("オンラインで売"));
        // Both parts in one sentence, at most GAP words apart.
        assert!(!en("We sell pickles. Our shop is online.").contains("オンラインで売"));
        let far = "We sell pickles and rice and tea and miso online.";
        assert!(!en(far).contains("オンラインで売"), "{}", en(far));
        // A hyphenated word is read as the words it joins.
        assert!(en("an energy-efficient air conditioner").contains("省エネ"));
        assert!(en("We are short-staffed.").contains("人手不足"));
        // "IT" in capitals is the abbreviation; "it" is a pronoun.
        assert!(en("We want IT tools.").contains("itツール"));
        assert!(!en("Is it possible to get it?").contains("it"));
        // "succeed" is not a past tense: before the succession, not after it.
        let p = en("Before I succeed my father, I want training.");
        assert!(p.contains("継ぐ予定") && !p.contains("承継した"), "{p}");
        assert!(en("I succeeded my father last year.").contains("承継した"));
    }

    #[test]
    fn chinese_is_read_in_japanese_forms() {
        let b = Bilingual::new();
        let j = Joins::default();
        let p = b.pivot_all("台灣", Lang::Zh, &j);
        assert!(p.contains("台湾"), "{p}");
        assert!(b.chinese_only('灣'));
        assert!(!b.chinese_only('湾'));
        assert!(b.pivot_all("外銷", Lang::Zh, &j).contains("輸出"));
    }
}
