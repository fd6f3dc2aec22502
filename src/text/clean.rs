//! Characters that must never be stored or shown: C0 controls other than line feed and tab, DEL
//! and the C1 controls, the bidirectional overrides, embeddings, isolates and marks that can make
//! a name or message display as something else (a right-to-left override turns `gpj.exe` into
//! `exe.jpg`), and the zero-width characters that hide text inside text. A short field (a name,
//! a contact) that holds one is refused; free text has them removed. Carriage returns go too: a
//! CRLF line break is kept as its line feed.

use std::borrow::Cow;

/// Whether `c` is never kept in stored text.
pub fn is_hidden(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        // C0 (CR included: CRLF becomes LF), DEL, C1.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Arabic letter mark; LRM, RLM; the embeddings and overrides LRE … RLO; the isolates
        // LRI … PDI.
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        // Zero width space, non-joiner, joiner; word joiner and the invisible operators; the
        // byte order mark used as a zero-width no-break space; Mongolian vowel separator.
        '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{180e}' => true,
        _ => false,
    }
}

/// The first hidden character of `s`, if any (for a 422 that names it).
pub fn first_hidden(s: &str) -> Option<char> {
    s.chars().find(|&c| is_hidden(c))
}

/// `s` without its hidden characters; borrowed when there are none (the common case).
pub fn strip_hidden(s: &str) -> Cow<'_, str> {
    if first_hidden(s).is_none() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| !is_hidden(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_zero_width_go_and_line_breaks_stay() {
        let typed = "山田\u{0}太郎\u{1b}[31m\r\n\u{202e}gpj.exe\u{2066}x\u{2069}\u{200b}y\u{feff}\u{7f}\u{85}\tz";
        assert_eq!(strip_hidden(typed), "山田太郎[31m\ngpj.exexy\tz");
        assert_eq!(first_hidden("ok\u{202e}"), Some('\u{202e}'));
        assert!(matches!(
            strip_hidden("熊本の菓子店です。\n改行も"),
            Cow::Borrowed(_)
        ));
        for c in [
            '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{061c}', '\u{2060}',
        ] {
            assert!(is_hidden(c), "{c:?}");
        }
        for c in ['あ', ' ', '\u{3000}', 'é', '😀', '\n', '\t'] {
            assert!(!is_hidden(c), "{c:?}");
        }
    }
}
