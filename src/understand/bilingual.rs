//! English and Chinese into the document's Japanese words, before the one understanding stage:
//! a message in another language is rewritten as a Japanese *pivot* (the document's words its
//! words translate to, its places, amounts and dates in Japanese form) and then understood
//! exactly as a Japanese message is — the same triggers, scope verdict, facts and fit. The
//! tables come from JMdict, CC-CEDICT and OpenCC (`dictionaries/bilingual/`, built by its
//! `build.sh`; embedded, nothing fetched) and translate only into words madoguchi uses.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use crate::text::Lang;

const EN: &str = include_str!("../../dictionaries/bilingual/en.tsv");
const ZH: &str = include_str!("../../dictionaries/bilingual/zh.tsv");
const HAN: &str = include_str!("../../dictionaries/bilingual/han.tsv");
const PLACES: &str = include_str!("../../dictionaries/bilingual/places.tsv");
const PHRASES: &str = include_str!("../../dictionaries/bilingual/phrases.tsv");

/// English words that carry no meaning for the document (articles, pronouns, auxiliaries,
/// prepositions, question words): never looked up, so "can" is not 缶 and "May" not 五月.
const STOP: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anything",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "i'd",
    "i'm",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "i've",
    "just",
    "let",
    "like",
    "may",
    "me",
    "might",
    "more",
    "much",
    "must",
    "my",
    "no",
    "not",
    "now",
    "of",
    "on",
    "or",
    "our",
    "ours",
    "please",
    "she",
    "should",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "us",
    "very",
    "was",
    "we",
    "we're",
    "we've",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yet",
    "is",
    "any",
    "there's",
    "it's",
    "don't",
    "didn't",
    "haven't",
    "isn't",
    "aren't",
    "won't",
    "can't",
    "want",
    "wants",
    "wanted",
    "need",
    "needs",
    "needed",
    "hope",
    "wish",
    "plan",
    "planning",
    "try",
    "trying",
    "think",
    "know",
    "tell",
    "ask",
    "asking",
    "wonder",
    "thinking",
    "going",
    "make",
    "made",
    "put",
    "keep",
    "kept",
    "also",
    "really",
    "already",
    "every",
    "each",
    "other",
    "another",
    "able",
    "possible",
    "maybe",
    "anyone",
    "someone",
    "something",
    "thing",
    "things",
    "way",
    "ways",
    "lot",
    "lots",
    "many",
    "few",
    "one",
    "ones",
    "own",
];

/// The irregular past forms of the verbs people use about their business, read as the verb
/// ("took over" is "take over"); regular forms are left to the stemmer.
const IRREGULAR: &[(&str, &str)] = &[
    ("took", "take"),
    ("taken", "take"),
    ("broke", "break"),
    ("broken", "break"),
    ("built", "build"),
    ("bought", "buy"),
    ("sold", "sell"),
    ("paid", "pay"),
    ("lost", "lose"),
    ("went", "go"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("began", "begin"),
    ("begun", "begin"),
    ("fell", "fall"),
    ("fallen", "fall"),
    ("left", "leave"),
    ("spent", "spend"),
    ("lent", "lend"),
    ("borrowed", "borrow"),
    ("ran", "run"),
    ("held", "hold"),
    ("brought", "bring"),
    ("gave", "give"),
    ("given", "give"),
    ("found", "find"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("rose", "rise"),
    ("risen", "rise"),
    ("shook", "shake"),
    ("shaken", "shake"),
    ("struck", "strike"),
    ("froze", "freeze"),
    ("frozen", "freeze"),
    ("sank", "sink"),
    ("sunk", "sink"),
    ("swept", "sweep"),
    ("taught", "teach"),
    ("thought", "think"),
    ("wrote", "write"),
    ("written", "write"),
    ("inherited", "inherit"),
    ("hired", "hire"),
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The trigger phrases of the vocabulary and the scope tables that join two words with a
/// particle (自宅の修理, 父の店, 自宅が壊): English and Chinese say the same with word order, so
/// when one translated sentence holds both words, the phrase is added — the scope verdict and
/// the rules then read it as they read Japanese.
#[derive(Debug, Clone, Default)]
pub(crate) struct Joins {
    /// First word → (what the second word starts or ends with, the phrase).
    by_first: FxHashMap<Box<str>, Vec<(Box<str>, Box<str>)>>,
}

impl Joins {
    pub(crate) fn new<'a>(phrases: impl Iterator<Item = &'a str>) -> Self {
        let mut by_first: FxHashMap<Box<str>, Vec<(Box<str>, Box<str>)>> = FxHashMap::default();
        for p in phrases {
            let Some((at, particle)) = p
                .char_indices()
                .find(|(_, c)| matches!(c, 'の' | 'が' | 'を'))
            else {
                continue;
            };
            let (first, second) = (&p[..at], &p[at + particle.len_utf8()..]);
            if first.chars().count() < 2 || second.is_empty() {
                continue;
            }
            // The second part up to its next particle: 屋根 of 自宅の屋根を直す.
            let second = second
                .split(['の', 'が', 'を', 'に', 'で', 'は'])
                .next()
                .unwrap_or_default();
            if second.is_empty() {
                continue;
            }
            let list = by_first.entry(first.into()).or_default();
            if !list.iter().any(|(s, _)| &**s == second) {
                list.push((second.into(), p.into()));
            }
        }
        Joins { by_first }
    }

    /// The phrases the words of one sentence join into, appended to `out`. Each word comes
    /// with where it stood in the sentence (a token or character index): two words join only
    /// when they stood within `window` of each other ("repair my house", "my house was
    /// damaged"), not anywhere in a long sentence ("a food company … want to sell").
    fn apply(&self, words: &[(usize, String)], window: usize, out: &mut String) {
        for (at, a) in words {
            let Some(list) = self.by_first.get(a.as_str()) else {
                continue;
            };
            for (second, phrase) in list {
                let s = &**second;
                if words
                    .iter()
                    .any(|(bt, w)| w != a && at.abs_diff(*bt) <= window && joins_as(w, s))
                {
                    out.push_str(phrase);
                    out.push('、');
                }
            }
        }
    }
}

/// Whether a translated word is the second part of a phrase: the same word, a word ending in it
/// (商店 for 店), or its stem with kana after it (壊れる for 壊) — not another word that merely
/// starts with the same kanji (売れ行き is not 売).
fn joins_as(word: &str, second: &str) -> bool {
    if word == second || (second.chars().count() >= 2 && word.ends_with(second)) {
        return true;
    }
    word.strip_prefix(second).is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| ('\u{3041}'..='\u{309f}').contains(&c))
    })
}

/// Stems of the words for what a person pays: with "help" or "support" in the same sentence,
/// the help asked for is money.
const MONEY: &[&str] = &[
    "cost", "fee", "expens", "bill", "price", "pay", "payment", "tuition", "spend", "interest",
];

/// Words that put a succession in the future ("will take over", "before I take over").
const FUTURE: &[&str] = &[
    "will",
    "going",
    "plan",
    "plans",
    "planning",
    "next",
    "before",
    "soon",
    "someday",
    "future",
    "intend",
    "'ll",
    "i'll",
    "we'll",
    "eventually",
    "later",
];

/// The document's words for succession: a past or future verb about one says its stage.
const SUCCESSION: &[&str] = &["事業承継", "継ぐ", "引き継ぐ", "継承", "承継", "後継者"];

/// The embedded tables, read once at start-up.
#[derive(Debug)]
pub(crate) struct Bilingual {
    /// Stemmed English phrase (words joined by one space) → the document's words.
    en: FxHashMap<String, Box<[Box<str>]>>,
    en_longest: usize,
    /// Chinese word, in Japanese character forms → the document's words.
    zh: FxHashMap<Box<str>, Box<[Box<str>]>>,
    zh_longest: usize,
    /// Chinese character → its Japanese form, and whether Japanese never writes it.
    han: FxHashMap<char, (char, bool)>,
    /// Romanized place name → the name as `places.toml` writes it.
    places: FxHashMap<Box<str>, Box<str>>,
    /// Every name of `places` (佐賀県 as the English table writes "Saga Prefecture").
    place_names: rustc_hash::FxHashSet<Box<str>>,
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
        let mut en: FxHashMap<String, Box<[Box<str>]>> = FxHashMap::default();
        let mut en_longest = 1;
        // Our own phrase translations first: they win over a dictionary gloss of the same form.
        for line in PHRASES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cols = line.split('\t');
            let (Some(lang), Some(from), Some(to)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            if lang == "en" {
                let key = stem_phrase(&stemmer, from);
                en_longest = en_longest.max(key.split(' ').count());
                en.insert(key, words(to));
            }
        }
        for line in EN.lines() {
            let Some((gloss, to)) = line.split_once('\t') else {
                continue;
            };
            let key = stem_phrase(&stemmer, gloss);
            if key.is_empty() {
                continue;
            }
            en_longest = en_longest.max(key.split(' ').count());
            en.entry(key).or_insert_with(|| words(to));
        }
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
        let mut zh: FxHashMap<Box<str>, Box<[Box<str>]>> = FxHashMap::default();
        let mut zh_longest = 1;
        for line in PHRASES.lines().filter(|l| l.starts_with("zh\t")) {
            let mut cols = line.split('\t').skip(1);
            if let (Some(from), Some(to)) = (cols.next(), cols.next()) {
                let key: String = from
                    .chars()
                    .map(|c| han.get(&c).map_or(c, |h| h.0))
                    .collect();
                zh_longest = zh_longest.max(key.chars().count());
                zh.insert(key.into(), words(to));
            }
        }
        for line in ZH.lines() {
            if let Some((from, to)) = line.split_once('\t') {
                zh_longest = zh_longest.max(from.chars().count());
                zh.entry(from.into()).or_insert_with(|| words(to));
            }
        }
        let places: FxHashMap<Box<str>, Box<str>> = PLACES
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(r, n)| (r.into(), n.into()))
            .collect();
        let mut place_names: rustc_hash::FxHashSet<Box<str>> = places.values().cloned().collect();
        // With their suffixes: the English table writes 佐賀県 and 熊本市 whole.
        for n in places.values() {
            for suffix in ['県', '市', '町', '村'] {
                if !n.ends_with(['県', '市', '町', '村']) {
                    place_names.insert(format!("{n}{suffix}").into());
                }
            }
        }
        Bilingual {
            en,
            en_longest,
            zh,
            zh_longest,
            han,
            places,
            place_names,
        }
    }

    /// Whether Japanese never writes this character (a Traditional or Simplified form).
    pub(crate) fn chinese_only(&self, c: char) -> bool {
        self.han.get(&c).is_some_and(|h| h.1)
    }

    /// Sizes of the English, Chinese and place tables (for `madoguchi check` and the ablation).
    pub(crate) fn sizes(&self) -> (usize, usize, usize) {
        (self.en.len(), self.zh.len(), self.places.len())
    }

    /// The Japanese pivot of a message in `lang` (Japanese is returned as it is).
    pub(crate) fn pivot(&self, text: &str, lang: Lang, joins: &Joins) -> String {
        match lang {
            Lang::Ja => text.to_string(),
            Lang::En => self.english(text, joins),
            Lang::Zh => self.chinese(text, joins),
        }
    }

    fn english(&self, text: &str, joins: &Joins) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        for sentence in text.split_inclusive(['.', '?', '!', '\n', ';']) {
            let tokens = tokenize(sentence);
            // English names a place after what is there ("a cafe in Fukuoka"), Japanese before
            // (福岡のカフェ): a sentence's places go first, so the scope stage reads what
            // follows each as it does in Japanese.
            let mut places: Vec<String> = Vec::new();
            let mut words: Vec<(usize, String)> = Vec::new();
            let mut i = 0;
            while i < tokens.len() {
                let mut figure = String::new();
                if let Some(used) = self.amount_or_date(&tokens[i..], &mut figure) {
                    words.push((i, figure));
                    i += used;
                    continue;
                }
                let t = &tokens[i];
                let pair = tokens.get(i + 1).map(|n| format!("{} {}", t.stem, n.stem));
                if t.stop && !pair.is_some_and(|p| self.en.contains_key(&p)) {
                    i += 1;
                    continue;
                }
                // The longest phrase of the tables starting here (stop words may sit inside
                // one: "take over", "cash flow", "side job"); a place name is read as a place
                // unless a longer phrase holds it ("Kumamoto earthquake").
                let place = self.places.get(t.lower.as_str());
                let shortest = if place.is_some() { 2 } else { 1 };
                let mut matched = 0;
                for n in (shortest..=self.en_longest.min(tokens.len() - i)).rev() {
                    let key = tokens[i..i + n]
                        .iter()
                        .map(|t| t.stem.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if let Some(to) = self.en.get(&key) {
                        // "Saga Prefecture", "Kumamoto City": a place, however it was found.
                        if to.iter().all(|w| self.place_names.contains(&**w)) {
                            places.extend(to.iter().map(|w| w.to_string()));
                            matched = n;
                            break;
                        }
                        words.extend(to.iter().map(|w| (i, w.to_string())));
                        if to.iter().any(|w| SUCCESSION.contains(&&**w)) {
                            if tokens[i..i + n].iter().any(|t| t.past) {
                                words.push((i, "承継した".into()));
                            } else if tokens.iter().any(|t| FUTURE.contains(&t.lower.as_str()))
                                || tokens[i].lower.ends_with("ing")
                            {
                                words.push((i, "継ぐ予定".into()));
                            }
                        }
                        matched = n;
                        break;
                    }
                }
                if matched > 0 {
                    i += matched;
                    continue;
                }
                if let Some(place) = place {
                    let mut name = place.to_string();
                    let suffix = tokens.get(i + 1).and_then(|n| match n.lower.as_str() {
                        "city" => Some('市'),
                        "town" => Some('町'),
                        "village" => Some('村'),
                        "prefecture" => Some('県'),
                        "ward" => Some('区'),
                        _ => None,
                    });
                    if let Some(c) = suffix {
                        if !name.ends_with(['市', '町', '村', '県', '区']) {
                            name.push(c);
                        }
                        i += 1;
                    }
                    // Where the person lives is not where the business is (cues.rs reads
                    // 「…に住」): "I live in Fukuoka", "living in Kumamoto".
                    let at = i - usize::from(suffix.is_some());
                    let lives = at >= 2
                        && tokens[at - 1].lower == "in"
                        && matches!(
                            tokens[at - 2].stem.as_str(),
                            "live" | "resid" | "stay" | "reloc" | "move"
                        );
                    if lives {
                        name.push_str("に住んでいます");
                    }
                    places.push(name);
                } else if t.acronym {
                    // IoT, DX, AI, EC: the document writes them in Latin letters too.
                    words.push((i, t.lower.clone()));
                }
                i += 1;
            }
            // "Help with the fee", "support for the costs": help with money is a subsidy
            // asked for (補助), as 「受講料の補助」 says in Japanese.
            let helps = tokens
                .iter()
                .any(|t| matches!(t.stem.as_str(), "help" | "support" | "assist" | "cover"));
            let money = tokens.iter().any(|t| MONEY.contains(&t.stem.as_str()));
            if helps && money {
                words.push((0, "補助".into()));
            }
            for w in places.iter().chain(words.iter().map(|(_, w)| w)) {
                out.push_str(w);
                out.push('、');
            }
            joins.apply(&words, 3, &mut out);
            out.push('。');
        }
        out
    }

    /// An amount ("3 million yen", "¥500,000", "2.5m yen") or a date ("July 2020", "2016")
    /// at the start of `tokens`, written into `out` in Japanese form; how many tokens it took.
    fn amount_or_date(&self, tokens: &[Token], out: &mut String) -> Option<usize> {
        let first = tokens.first()?;
        if let Some(m) = MONTHS.iter().position(|m| *m == first.lower) {
            // "May" alone is too often the verb: a month needs a year or a day beside it.
            let year = tokens.get(1).and_then(|t| year_of(&t.lower));
            if let Some(y) = year {
                out.push_str(&format!("{y}年{}月", m + 1));
                return Some(2);
            }
            if first.lower != "may" {
                out.push_str(&format!("{}月", m + 1));
                return Some(1);
            }
            return None;
        }
        let yen_sign = first.lower == "¥" || first.lower == "￥";
        let number_at = usize::from(yen_sign);
        let value: f64 = tokens.get(number_at)?.lower.replace(',', "").parse().ok()?;
        let mut used = number_at + 1;
        let mut amount = value;
        match tokens.get(used).map(|t| t.lower.as_str()) {
            Some("million" | "m" | "mil") => {
                amount *= 1e6;
                used += 1;
            }
            Some("thousand" | "k") => {
                amount *= 1e3;
                used += 1;
            }
            Some("billion" | "bn") => {
                amount *= 1e9;
                used += 1;
            }
            Some("man") => {
                amount *= 1e4;
                used += 1;
            }
            _ => {}
        }
        let yen_after = matches!(
            tokens.get(used).map(|t| t.lower.as_str()),
            Some("yen" | "jpy" | "円")
        );
        if yen_sign || yen_after {
            if amount.is_finite() && amount >= 1.0 && amount < 1e13 {
                out.push_str(&format!("{}円", amount.round() as u64));
            }
            return Some(used + usize::from(yen_after));
        }
        if used == number_at + 1 && (1900.0..2100.0).contains(&value) && value.fract() == 0.0 {
            out.push_str(&format!("{}年", value as u32));
            return Some(1);
        }
        None
    }

    fn chinese(&self, text: &str, joins: &Joins) -> String {
        // Japanese forms first (灣 → 湾, 补 → 補), and the currency words the amount reader
        // knows as 円.
        let converted: String = text
            .chars()
            .map(|c| self.han.get(&c).map_or(c, |h| h.0))
            .collect();
        let converted = converted
            .replace("日圓", "円")
            .replace("日元", "円")
            .replace("日幣", "円");
        let chars: Vec<char> = converted.chars().collect();
        let mut out = String::with_capacity(text.len() * 2);
        let mut words: Vec<(usize, String)> = Vec::new();
        let mut i = 0;
        let mut key = String::new();
        while i < chars.len() {
            let mut matched = 0;
            for n in (2..=self.zh_longest.min(chars.len() - i)).rev() {
                key.clear();
                key.extend(&chars[i..i + n]);
                if let Some(to) = self.zh.get(key.as_str()) {
                    out.push('、');
                    for w in to.iter() {
                        out.push_str(w);
                        out.push('、');
                        words.push((i, w.to_string()));
                    }
                    matched = n;
                    break;
                }
            }
            if matched == 0 {
                let c = chars[i];
                if matches!(c, '。' | '！' | '？' | '!' | '?' | '\n') {
                    joins.apply(&words, 6, &mut out);
                    words.clear();
                }
                out.push(c);
                i += 1;
            } else {
                i += matched;
            }
        }
        joins.apply(&words, 6, &mut out);
        out
    }
}

fn year_of(s: &str) -> Option<u32> {
    s.parse::<u32>().ok().filter(|y| (1900..2100).contains(y))
}

fn stem_phrase(stemmer: &Stemmer, phrase: &str) -> String {
    phrase
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One English token: as written (lower case), its stem, and what kind it is.
#[derive(Debug)]
struct Token {
    lower: String,
    stem: String,
    stop: bool,
    acronym: bool,
    /// A past form (took, inherited): a succession it names has happened.
    past: bool,
}

thread_local! {
    static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
}

fn tokenize(sentence: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        let w = w.trim_matches(|c| c == '\'' || c == '-').to_string();
        if w.is_empty() {
            return;
        }
        let w = w.strip_suffix("'s").unwrap_or(&w).to_string();
        let caps = w.chars().filter(|c| c.is_ascii_uppercase()).count();
        let acronym = (2..=5).contains(&w.len()) && caps >= 2;
        let lower = w.to_lowercase();
        let stop = STOP.contains(&lower.as_str());
        let irregular = IRREGULAR.iter().find(|(past, _)| *past == lower);
        let past = irregular.is_some() || (lower.len() > 4 && lower.ends_with("ed"));
        let base = irregular.map_or(lower.as_str(), |(_, base)| base);
        let stem = STEMMER.with(|s| s.stem(base).into_owned());
        out.push(Token {
            lower,
            stem,
            stop,
            acronym,
            past,
        });
    };
    for c in sentence.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' || c == '.' || c == ',' {
            // A comma or point belongs to a number (1,500,000 / 2.5), not to a word.
            if (c == '.' || c == ',') && !word.chars().last().is_some_and(|l| l.is_ascii_digit()) {
                flush(&mut word, &mut out);
                continue;
            }
            word.push(if c == '’' { '\'' } else { c });
        } else {
            flush(&mut word, &mut out);
            if c == '¥' || c == '￥' {
                out.push(Token {
                    lower: c.to_string(),
                    stem: c.to_string(),
                    stop: false,
                    acronym: false,
                    past: false,
                });
            }
        }
    }
    flush(&mut word, &mut out);
    // A trailing comma or point of a number ("2020," / "5.") is punctuation.
    for t in &mut out {
        let trimmed = t.lower.trim_end_matches(['.', ',']).to_string();
        if trimmed.len() != t.lower.len() {
            t.lower = trimmed.clone();
            t.stem = trimmed;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_reaches_the_documents_words() {
        let b = Bilingual::new();
        let j = Joins::new(["自宅の修理"].into_iter());
        let p = b.pivot(
            "Our shop was flooded. We need a loan for repairs.",
            Lang::En,
            &j,
        );
        assert!(p.contains("融資") || p.contains("借入金"), "{p}");
        assert!(p.contains("修理") || p.contains("修繕"), "{p}");
        let p = b.pivot("We spent 3 million yen in July 2020.", Lang::En, &j);
        assert!(p.contains("3000000円"), "{p}");
        assert!(p.contains("2020年7月"), "{p}");
        assert!(b.pivot("I'm in Hitoyoshi", Lang::En, &j).contains("人吉"));
        let p = b.pivot("I want to repair my house.", Lang::En, &j);
        assert!(p.contains("自宅の修理"), "{p}");
    }

    #[test]
    fn chinese_is_read_in_japanese_forms() {
        let b = Bilingual::new();
        let j = Joins::default();
        let p = b.pivot("台灣", Lang::Zh, &j);
        assert!(p.contains("台湾"), "{p}");
        assert!(b.chinese_only('灣'));
        assert!(!b.chinese_only('湾'));
        assert!(b.pivot("外銷", Lang::Zh, &j).contains("輸出"));
    }
}
