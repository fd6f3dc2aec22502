//! The trigger phrases two translated words of one sentence make together (自宅 + 修理 →
//! 自宅の修理): English and Chinese say with word order what Japanese says with a particle.

use rustc_hash::FxHashMap;

/// First word → (what the second word starts or ends with, the phrase).
type ByFirst = FxHashMap<Box<str>, Vec<(Box<str>, Box<str>)>>;

/// The trigger phrases of the vocabulary and the scope tables that join two words with a
/// particle (自宅の修理, 父の店, 自宅が壊): English and Chinese say the same with word order, so
/// when one translated sentence holds both words, the phrase is added — the scope verdict and
/// the rules then read it as they read Japanese.
#[derive(Debug, Clone, Default)]
pub(crate) struct Joins {
    /// First word → (what the second word starts or ends with, the phrase).
    by_first: ByFirst,
}

impl Joins {
    pub(crate) fn new<'a>(phrases: impl Iterator<Item = &'a str>) -> Self {
        let mut by_first = ByFirst::default();
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
    pub(super) fn apply(&self, words: &[(usize, String)], window: usize, out: &mut String) {
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
