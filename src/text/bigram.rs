//! The recall analyzer: overlapping character bigrams of the normalized text, so that a query
//! word inside a dictionary compound (再建 in なりわい再建補助金) still meets its document.

use tantivy::tokenizer::{Token, Tokenizer};

use super::Term;
use super::japanese::TermStream;
use super::normalize::Normalized;

/// The byte ranges, in the normalized text, of the character bigrams of every run of letters
/// and digits; a one-character run is kept whole. Ranges, not strings: a message's bigrams are
/// read straight out of its normalized text.
pub fn bigram_ranges(normalized: &Normalized) -> Vec<(usize, usize)> {
    let s = normalized.as_str();
    let mut out = Vec::new();
    let mut run: Vec<(usize, char)> = Vec::new();
    let mut flush = |run: &mut Vec<(usize, char)>| {
        let ends = |i: usize, c: char| i + c.len_utf8();
        match run.len() {
            0 => {}
            1 => {
                let (i, c) = run[0];
                out.push((i, ends(i, c)));
            }
            _ => {
                for w in run.windows(2) {
                    let ((i, _), (j, b)) = (w[0], w[1]);
                    out.push((i, ends(j, b)));
                }
            }
        }
        run.clear();
    };
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            run.push((i, c));
        } else {
            flush(&mut run);
        }
    }
    flush(&mut run);
    out
}

/// The bigrams as terms, with offsets into the text before normalization.
pub fn bigrams(normalized: &Normalized) -> Vec<Term> {
    bigram_ranges(normalized)
        .into_iter()
        .map(|(a, b)| {
            let (start, end) = normalized.original_range(a, b);
            Term {
                text: normalized.as_str()[a..b].to_string(),
                start,
                end,
                place: false,
                open: false,
            }
        })
        .collect()
}

/// The tantivy tokenizer registered as `ja_bigram`.
#[derive(Clone, Debug, Default)]
pub struct BigramTokenizer {
    token: Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = TermStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermStream<'a> {
        TermStream::new(bigrams(&super::normalize(text)), &mut self.token)
    }
}

#[cfg(test)]
mod tests {
    use super::bigrams;
    use crate::text::normalize;

    #[test]
    fn bigrams_split_at_punctuation_and_keep_single_chars() {
        let got: Vec<String> = bigrams(&normalize("再建・Ｉｏｔ 県"))
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(got, ["再建", "io", "ot", "県"]);
        let original: Vec<(usize, usize)> = bigrams(&normalize("再建・Ｉｏｔ"))
            .into_iter()
            .map(|t| (t.start, t.end))
            .collect();
        assert_eq!(original, [(0, 6), (9, 15), (12, 18)]);
    }
}
