//! Japanese text analysis: normalize → japanese (lindera, base forms) → filter, and the bigram
//! recall analyzer. The same analysis serves documents (through the tantivy tokenizers here) and
//! messages (through `understand`, which calls each stage once per message).
//!
//! Stages, in order (each in its own file):
//! 1. [`normalize`](fn@normalize): NFKC + ASCII lower-case, offsets mapped back to the original.
//! 2. [`japanese`]: lindera over IPADIC + `dictionaries/user.csv` ([`dictionary`]).
//! 3. [`filter`]: drops particles, auxiliaries, symbols, numbers and stop words.
//! 4. [`bigram`]: character bigrams for the recall field.
//!
//! Beside them, [`strip_hidden`] and [`first_hidden`] (`clean.rs`): the control, bidi and
//! zero-width characters that never reach storage or a screen; and [`contact`] (`contact.rs`):
//! a phone number or e-mail address left for a call back, checked and normalized.

mod bigram;
mod clean;
mod contact;
mod dictionary;
mod filter;
mod japanese;
mod lang;
mod normalize;

pub use bigram::{BigramTokenizer, bigram_ranges, bigrams};
pub use clean::{first_hidden, is_hidden, strip_hidden};
pub use contact::{contact, is_email, is_phone};
pub use japanese::{Japanese, JapaneseTokenizer};
pub use lang::{Lang, detect_with, foreign};
pub use normalize::Normalized;

/// Normalizes text once: every later stage takes the [`Normalized`] value.
pub fn normalize(text: &str) -> Normalized {
    Normalized::new(text)
}

/// One analyzed term: its indexed text and the byte range of the original text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// The dictionary tags the word as a place name (名詞,固有名詞,地域): 福岡, 人吉, 台湾.
    pub place: bool,
    /// An open-class word a paraphrase may stand in for: a common noun (not a proper noun, not
    /// an adverbial noun like 最近), a verb or an adjective. Particles, auxiliaries and stop
    /// words never reach a `Term` at all.
    pub open: bool,
}

/// Why analysis could not be set up. Analysing a message, once set up, cannot fail.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("the embedded IPADIC dictionary could not be loaded: {0}")]
    Dictionary(String),
    #[error("dictionaries/user.csv could not be built: {0}")]
    UserDictionary(String),
    #[error("the vocabulary patterns could not be compiled: {0}")]
    Expansion(String),
}

/// Number of entries in the embedded user dictionary.
pub fn user_dictionary_entries() -> usize {
    dictionary::user_entries()
}
