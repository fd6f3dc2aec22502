//! Chinese into the document's words: characters in their Japanese forms (OpenCC), the currency
//! words the amount reader knows as 円, and the longest word of our table or the dictionary's at
//! each character.

use super::{Bilingual, Joins, Parts};

impl Bilingual {
    pub(super) fn chinese(&self, text: &str, joins: &Joins, parts: Parts) -> String {
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
                if let Some(to) = self.zh_get(&key, parts) {
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
