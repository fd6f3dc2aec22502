//! Japanese morphological analysis: normalized text through lindera, kept morphemes as base
//! forms with offsets into the original text, and the tantivy `Tokenizer` that wraps it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use lindera::segmenter::Segmenter;
use lindera_dictionary::viterbi::Lattice;
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::normalize::Normalized;
use super::{Term, TextError, dictionary, filter};

/// IPADIC's feature columns: part of speech, its first sub-category, and the base form.
const POS: usize = 0;
const POS_SUB: usize = 1;
const POS_SUB2: usize = 2;
const BASE_FORM: usize = 6;
/// Dictionary words whose reading is remembered per thread (see [`Word`]); past this the
/// memory is cleared and filled again. A message has some tens of words; a thread serving
/// chat sees a few thousand distinct ones.
const WORDS_REMEMBERED: usize = 16_384;

/// Morphological analyzer; cheap to clone (the segmenter is shared).
#[derive(Clone)]
pub struct Japanese {
    segmenter: Arc<Segmenter>,
    /// Which analyzer this is, so that a thread's remembered words are never read with
    /// another analyzer's dictionary.
    generation: u64,
}

/// A thread's remembered words, by (system dictionary?, word id).
type Words = FxHashMap<(bool, u32), Option<Word>>;

/// What the analysis keeps of a dictionary word (system or user dictionary, never an unknown
/// word, whose entry is shared by every unknown word of its character class): reading a word's
/// feature columns from the dictionary was a tenth of a chat turn's analysis, and a word's
/// columns never change. `None` in the memory: a word the filter drops.
struct Word {
    /// The base form; `None` when the dictionary gives none and the surface stands for it.
    base: Option<Box<str>>,
    place: bool,
    open: bool,
}

impl std::fmt::Debug for Japanese {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Japanese(IPADIC + user dictionary)")
    }
}

impl Japanese {
    /// Loads the embedded dictionaries. Done once per process.
    pub fn new() -> Result<Self, TextError> {
        static GENERATION: AtomicU64 = AtomicU64::new(0);
        Ok(Self {
            segmenter: Arc::new(dictionary::segmenter()?),
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The meaningful morphemes of normalized text, as base forms with offsets into the text
    /// before normalization. Never fails: if lindera reports an error on some input, the text
    /// yields no terms.
    pub fn tokenize(&self, normalized: &Normalized) -> Vec<Term> {
        self.analyse(normalized, true)
    }

    /// [`Japanese::tokenize`], reading every word's columns from the dictionary when
    /// `remember` is false (what the test of the memory compares with).
    fn analyse(&self, normalized: &Normalized, remember: bool) -> Vec<Term> {
        // The Viterbi lattice is scratch space of some kilobytes: each thread keeps one
        // instead of allocating it for every message.
        thread_local! {
            static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
            static WORDS: RefCell<(u64, Words)> = RefCell::new((u64::MAX, Words::default()));
        }
        LATTICE.with(|lattice| {
            let mut lattice = lattice.borrow_mut();
            let Ok(tokens) = self
                .segmenter
                .segment_with_lattice(Cow::Borrowed(normalized.as_str()), &mut lattice)
            else {
                return Vec::new();
            };
            WORDS.with(|words| {
                let mut words = words.borrow_mut();
                let (generation, words) = &mut *words;
                if *generation != self.generation || words.len() >= WORDS_REMEMBERED {
                    *generation = self.generation;
                    words.clear();
                }
                let mut out = Vec::with_capacity(tokens.len());
                for mut token in tokens {
                    let (start, end) = normalized.original_range(token.byte_start, token.byte_end);
                    let id = token.word_id;
                    let unknown;
                    let word = if id.is_unknown() || !remember {
                        unknown = read(&mut token);
                        unknown.as_ref()
                    } else {
                        words
                            .entry((id.is_system(), id.id()))
                            .or_insert_with(|| read(&mut token))
                            .as_ref()
                    };
                    if let Some(word) = word {
                        out.push(Term {
                            text: word.base.as_deref().unwrap_or(&token.surface).to_string(),
                            start,
                            end,
                            place: word.place,
                            open: word.open,
                        });
                    }
                }
                out
            })
        })
    }
}

/// A token's feature columns, read from its dictionary: what the filter keeps of it, or
/// `None` for a word it drops.
fn read(token: &mut lindera::token::Token<'_>) -> Option<Word> {
    // Loads the token's detail fields once (borrowed from the dictionary); the ones that
    // matter are then read without copying.
    let _ = token.get_detail(POS);
    let details = token.details.as_deref().unwrap_or_default();
    let field = |i: usize, default: &'static str| details.get(i).map_or(default, |c| c.as_ref());
    let (pos, sub) = (field(POS, "UNK"), field(POS_SUB, "*"));
    let base = match field(BASE_FORM, "*") {
        b if b != "*" && !b.is_empty() => Some(b),
        _ => None,
    };
    filter::keep(pos, sub, base.unwrap_or(&token.surface)).then(|| Word {
        base: base.map(Box::from),
        place: sub == "固有名詞" && field(POS_SUB2, "") == "地域",
        open: filter::open(pos, sub),
    })
}

/// The tantivy tokenizer registered as `ja`: the same analysis for documents and queries.
#[derive(Clone, Debug)]
pub struct JapaneseTokenizer {
    japanese: Japanese,
    token: Token,
}

impl JapaneseTokenizer {
    pub fn new(japanese: Japanese) -> Self {
        Self {
            japanese,
            token: Token::default(),
        }
    }
}

impl Tokenizer for JapaneseTokenizer {
    type TokenStream<'a> = TermStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermStream<'a> {
        // A document (or a test's text) is analysed exactly as a message is.
        TermStream::new(
            self.japanese.tokenize(&super::normalize(text)),
            &mut self.token,
        )
    }
}

/// A token stream over terms computed up front (both analyzers produce whole lists).
pub struct TermStream<'a> {
    terms: std::vec::IntoIter<Term>,
    position: usize,
    token: &'a mut Token,
}

impl<'a> TermStream<'a> {
    pub(crate) fn new(terms: Vec<Term>, token: &'a mut Token) -> Self {
        token.reset();
        Self {
            terms: terms.into_iter(),
            position: 0,
            token,
        }
    }
}

impl TokenStream for TermStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(term) = self.terms.next() else {
            return false;
        };
        self.token.text = term.text;
        self.token.offset_from = term.start;
        self.token.offset_to = term.end;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words remembered per thread give exactly what reading the dictionary gives: every
    /// line of the source document, analysed with the memory filling, then from it, then
    /// without it.
    #[test]
    fn remembered_words_read_as_the_dictionary_does() {
        let japanese = Japanese::new().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/source");
        let mut lines = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                let normalized = super::super::normalize(line);
                let fresh = japanese.analyse(&normalized, false);
                let key = |t: &Term| (t.text.clone(), t.start, t.end, t.place, t.open);
                let fresh: Vec<_> = fresh.iter().map(key).collect();
                for _ in 0..2 {
                    let got: Vec<_> = japanese.tokenize(&normalized).iter().map(key).collect();
                    assert_eq!(got, fresh, "{line}");
                }
                lines += 1;
            }
        }
        assert!(lines > 1_000, "the source document has {lines} lines");
    }
}
