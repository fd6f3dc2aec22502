//! Normalization that keeps offsets: NFKC plus ASCII lower-casing, with a map from every byte of
//! the normalized text back to the original text.
//!
//! Lindera and the index see the normalized text; every offset we hand out is translated back
//! through [`Normalized::original_range`], so a token always points into what the person typed.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Text after NFKC and ASCII lower-casing, with its offset map.
#[derive(Debug, Clone)]
pub struct Normalized {
    text: String,
    /// For each byte of `text`, the byte range of the original text that produced it.
    /// Stored per normalized byte so a lookup is one index, never a search.
    origin: Vec<(u32, u32)>,
}

impl Normalized {
    /// Normalizes `original`. Never fails: any `&str` has an NFKC form.
    pub fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        for (start, end) in clusters(original) {
            let before = text.len();
            for c in original[start..end].nfkc() {
                text.push(if c.is_ascii() {
                    c.to_ascii_lowercase()
                } else {
                    c
                });
            }
            origin.resize(text.len(), (start as u32, end as u32));
            debug_assert_eq!(origin.len(), text.len(), "cluster at {before}");
        }
        Self { text, origin }
    }

    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the normalized text to the byte range of the original text that
    /// produced it. Out-of-range input is clamped, so this never panics.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() {
            return (0, 0);
        }
        let last = self.origin.len() - 1;
        let from = self.origin[start.min(last)].0 as usize;
        let to = self.origin[end.saturating_sub(1).min(last)].1 as usize;
        (from, to.max(from))
    }
}

/// Splits text into clusters that NFKC treats as a unit: a character followed by every
/// character whose decomposition starts with a combining mark (so が written as か + U+3099, or
/// half-width ｶﾞ, normalizes as one piece and both parts map to the same original range).
fn clusters(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = s.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = chars.next()?;
        let mut end = start + first.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if !starts_with_combining(c) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        Some((start, end))
    })
}

fn starts_with_combining(c: char) -> bool {
    c.nfkd()
        .next()
        .is_some_and(|d| canonical_combining_class(d) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold() {
        let n = Normalized::new("ＤＸ化");
        assert_eq!(n.as_str(), "dx化");
        assert_eq!(n.original_range(0, 2), (0, 6));
        assert_eq!(n.original_range(2, 5), (6, 9));
    }

    #[test]
    fn half_width_voiced_kana_is_one_cluster() {
        let n = Normalized::new("ｶﾞｽ");
        assert_eq!(n.as_str(), "ガス");
        assert_eq!(n.original_range(0, 3), (0, 6));
    }

    #[test]
    fn empty_text_maps_to_empty_range() {
        assert_eq!(Normalized::new("").original_range(0, 5), (0, 0));
    }
}
