//! English into the document's words: tokens with their Snowball stems (irregular past forms
//! read as their verbs), the longest phrase of our table or the dictionary's at each token,
//! places first in each sentence (Japanese names a place before what is there), amounts and
//! dates in Japanese form, and a succession's stage from its verb's tense.

use rust_stemmers::{Algorithm, Stemmer};

use super::{Bilingual, Joins, Parts};

/// English words that carry no meaning for the document (articles, pronouns, auxiliaries,
/// prepositions, question words): never looked up, so "can" is not 缶 and "May" not 五月.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "anything", "are",
    "as", "at", "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does",
    "doing", "for", "from", "get", "got", "had", "has", "have", "he", "her", "here", "him", "his",
    "how", "i", "i'd", "i'm", "if", "in", "into", "is", "it", "its", "i've", "just", "let",
    "like", "may", "me", "might", "more", "much", "must", "my", "no", "not", "now", "of", "on",
    "or", "our", "ours", "please", "she", "should", "so", "some", "still", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "us",
    "very", "was", "we", "we're", "we've", "were", "what", "when", "where", "which", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yet", "is", "any", "there's", "it's",
    "don't", "didn't", "haven't", "isn't", "aren't", "won't", "can't", "want", "wants", "wanted",
    "need", "needs", "needed", "hope", "wish", "plan", "planning", "try", "trying", "think",
    "know", "tell", "ask", "asking", "wonder", "thinking", "going", "make", "made", "put", "keep",
    "kept", "also", "really", "already", "every", "each", "other", "another", "able", "possible",
    "maybe", "anyone", "someone", "something", "thing", "things", "way", "ways", "lot", "lots",
    "many", "few", "one", "ones", "own",
];

/// The irregular past forms of the verbs people use about their business, read as the verb
/// ("took over" is "take over"); regular forms are left to the stemmer.
#[rustfmt::skip]
const IRREGULAR: &[(&str, &str)] = &[
    ("took", "take"), ("taken", "take"), ("broke", "break"), ("broken", "break"),
    ("built", "build"), ("bought", "buy"), ("sold", "sell"), ("paid", "pay"), ("lost", "lose"),
    ("went", "go"), ("gone", "go"), ("got", "get"), ("gotten", "get"), ("began", "begin"),
    ("begun", "begin"), ("fell", "fall"), ("fallen", "fall"), ("left", "leave"),
    ("spent", "spend"), ("lent", "lend"), ("borrowed", "borrow"), ("ran", "run"),
    ("held", "hold"), ("brought", "bring"), ("gave", "give"), ("given", "give"),
    ("found", "find"), ("grew", "grow"), ("grown", "grow"), ("rose", "rise"), ("risen", "rise"),
    ("shook", "shake"), ("shaken", "shake"), ("struck", "strike"), ("froze", "freeze"),
    ("frozen", "freeze"), ("sank", "sink"), ("sunk", "sink"), ("swept", "sweep"),
    ("taught", "teach"), ("thought", "think"), ("wrote", "write"), ("written", "write"),
    ("inherited", "inherit"), ("hired", "hire"),
];

/// The most words a gapped phrase of our table lets stand between its two parts.
pub(super) const GAP: usize = 5;

/// Verbs whose plain form ends in "ed" ("before I succeed" is not a succession done).
#[rustfmt::skip]
const NOT_PAST: &[&str] = &[
    "succeed", "proceed", "exceed", "need", "feed", "breed", "speed", "bleed", "heed", "seed",
    "embed", "shred",
];

#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
];

/// Stems of the words for what a person pays: with "help" or "support" in the same sentence,
/// the help asked for is money.
#[rustfmt::skip]
const MONEY: &[&str] = &[
    "cost", "fee", "expens", "bill", "price", "pay", "payment", "tuition", "spend", "interest",
];

/// Words that put a succession in the future ("will take over", "before I take over").
#[rustfmt::skip]
const FUTURE: &[&str] = &[
    "will", "going", "plan", "plans", "planning", "next", "before", "soon", "someday", "future",
    "intend", "'ll", "i'll", "we'll", "eventually", "later",
];

/// The document's words for succession: a past or future verb about one says its stage.
#[rustfmt::skip]
const SUCCESSION: &[&str] = &[
    "事業承継", "継ぐ", "引き継ぐ", "継承", "承継", "後継者",
];

impl Bilingual {
    pub(super) fn english(&self, text: &str, joins: &Joins, parts: Parts) -> String {
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
                if t.stop && pair.is_none_or(|p| self.en_get(&p, parts).is_none()) {
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
                    if let Some(to) = self.en_get(&key, parts) {
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
            if parts.phrases {
                self.gapped(&tokens, &mut words);
            }
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
    /// Our phrases with a gap: "sell our homemade pickles online" is "sell … online".
    fn gapped(&self, tokens: &[Token], words: &mut Vec<(usize, String)>) {
        let at = |from: usize, part: &[String]| {
            (from..tokens.len()).find(|&i| {
                tokens.len() - i >= part.len()
                    && tokens[i..i + part.len()]
                        .iter()
                        .zip(part)
                        .all(|(t, p)| t.stem == *p)
            })
        };
        for (before, after, to) in &self.en_gapped {
            let Some(i) = at(0, before) else { continue };
            let start = i + before.len();
            let Some(j) = at(start, after) else { continue };
            if j - start <= GAP && j > start {
                words.extend(to.iter().map(|w| (i, w.to_string())));
            }
        }
    }

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
            if (1.0..1e13).contains(&amount) {
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
}

fn year_of(s: &str) -> Option<u32> {
    s.parse::<u32>().ok().filter(|y| (1900..2100).contains(y))
}

pub(super) fn stem_phrase(stemmer: &Stemmer, phrase: &str) -> String {
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
        // "IT" written in capitals is the abbreviation, not the pronoun.
        let stop = !acronym && STOP.contains(&lower.as_str());
        let irregular = IRREGULAR.iter().find(|(past, _)| *past == lower);
        let past = irregular.is_some()
            || (lower.len() > 4 && lower.ends_with("ed") && !NOT_PAST.contains(&lower.as_str()));
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
        // A hyphen joins words the tables write apart ("energy-efficient": stem_phrase splits
        // the tables' phrases at hyphens too).
        if c.is_alphanumeric() || c == '\'' || c == '’' || c == '.' || c == ',' {
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
