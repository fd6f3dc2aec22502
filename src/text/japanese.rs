//! Japanese morphological analysis: normalized text through lindera, kept morphemes as base
//! forms with offsets into the original text, and the tantivy `Tokenizer` that wraps it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use lindera::segmenter::Segmenter;
use lindera_dictionary::viterbi::Lattice;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::normalize::Normalized;
use super::{Term, TextError, dictionary, filter};

/// IPADIC's feature columns: part of speech, its first sub-category, and the base form.
const POS: usize = 0;
const POS_SUB: usize = 1;
const POS_SUB2: usize = 2;
const BASE_FORM: usize = 6;

/// Morphological analyzer; cheap to clone (the segmenter is shared).
#[derive(Clone)]
pub struct Japanese {
    segmenter: Arc<Segmenter>,
}

impl std::fmt::Debug for Japanese {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Japanese(IPADIC + user dictionary)")
    }
}

impl Japanese {
    /// Loads the embedded dictionaries. Done once per process.
    pub fn new() -> Result<Self, TextError> {
        Ok(Self {
            segmenter: Arc::new(dictionary::segmenter()?),
        })
    }

    /// The meaningful morphemes of normalized text, as base forms with offsets into the text
    /// before normalization. Never fails: if lindera reports an error on some input, the text
    /// yields no terms.
    pub fn tokenize(&self, normalized: &Normalized) -> Vec<Term> {
        // The Viterbi lattice is scratch space of some kilobytes: each thread keeps one
        // instead of allocating it for every message.
        thread_local! {
            static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
        }
        LATTICE.with(|lattice| {
            let mut lattice = lattice.borrow_mut();
            let Ok(tokens) = self
                .segmenter
                .segment_with_lattice(Cow::Borrowed(normalized.as_str()), &mut lattice)
            else {
                return Vec::new();
            };
            let mut out = Vec::with_capacity(tokens.len());
            for mut token in tokens {
                let (start, end) = normalized.original_range(token.byte_start, token.byte_end);
                // Loads the token's detail fields once (borrowed from the dictionary); the three
                // that matter are then read without copying.
                let _ = token.get_detail(POS);
                let details = token.details.as_deref().unwrap_or_default();
                let field = |i: usize, default: &'static str| {
                    details.get(i).map_or(default, |c| c.as_ref())
                };
                let (pos, sub) = (field(POS, "UNK"), field(POS_SUB, "*"));
                let base = match field(BASE_FORM, "*") {
                    b if b != "*" && !b.is_empty() => b,
                    _ => token.surface.as_ref(),
                };
                if filter::keep(pos, sub, base) {
                    out.push(Term {
                        text: base.to_string(),
                        start,
                        end,
                        place: sub == "固有名詞" && field(POS_SUB2, "") == "地域",
                        open: filter::open(pos, sub),
                    });
                }
            }
            out
        })
    }
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
