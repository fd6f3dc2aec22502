//! The languages a person may write in and be answered in — Japanese, English, Chinese (answered
//! in Traditional characters, Simplified read too) — and the detection of a message's language
//! from its script, which is cheap enough to run on every message (one pass over its chars).

use serde::{Deserialize, Serialize};

/// A language of the conversation. Japanese is the default and the document's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "ja")]
    Ja,
    #[serde(rename = "en")]
    En,
    /// Chinese, answered in Traditional characters (繁體中文).
    #[serde(rename = "zh-Hant")]
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ja, Lang::En, Lang::Zh];

    /// The BCP 47 tag (`ja`, `en`, `zh-Hant`): the wire's and the HTML `lang` attribute's.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
            Lang::Zh => "zh-Hant",
        }
    }

    /// Reads a language tag as a person or a client writes it (case-insensitive; `zh`,
    /// `zh-TW`, `zh-Hant`, `zh-HK`, `zh-CN`, `zh-Hans` all mean Chinese; `en-US`, `ja-JP` …).
    pub fn parse(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let primary = tag.split('-').next().unwrap_or_default();
        match primary {
            "ja" | "jpn" => Some(Lang::Ja),
            "en" | "eng" => Some(Lang::En),
            "zh" | "zho" | "chi" | "cmn" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The tags [`Lang::parse`] accepts, for error messages and documentation.
    pub const ACCEPTED: &'static str = "ja, en, zh-Hant (also zh, zh-TW, zh-HK, zh-Hans)";
}

/// Characters Chinese writes and Japanese does not: pronouns, particles and question words that
/// a Japanese sentence would write in kana. One of them in a message with no kana makes it
/// Chinese; the Traditional and Simplified forms that differ from Japanese are read from the
/// variant table by the caller ([`detect_with`]).
const CHINESE_MARKERS: &str =
    "我你您他她它們们嗎吗呢麼么這这那哪誰谁沒没還还個个很嗎吧呀哦啊給给讓让說说跟從从對对裡里";

/// What one pass over a message counts.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    kana: usize,
    han: usize,
    latin: usize,
    chinese: usize,
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309f}' | '\u{30a1}'..='\u{30fa}' | '\u{30fc}' | '\u{ff66}'..='\u{ff9f}')
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | 'À'..='ɏ')
}

/// The language a message is written in, or `None` when its script does not say (digits, a
/// lone acronym such as `DX` or `IoT`, kanji with nothing only Chinese writes): the caller
/// keeps the conversation's language then. `chinese_only` tells whether a Han character is a
/// form Japanese does not write (a Traditional or Simplified form that differs from Japanese).
pub fn detect_with(text: &str, chinese_only: impl Fn(char) -> bool) -> Option<Lang> {
    let mut n = Counts::default();
    let mut quoted = 0usize;
    for c in text.chars() {
        // Words quoted from the Japanese document (「上限額」) do not make a message Japanese.
        match c {
            '「' | '『' => quoted += 1,
            '」' | '』' => quoted = quoted.saturating_sub(1),
            _ if quoted > 0 => {}
            _ if is_kana(c) => n.kana += 1,
            _ if is_han(c) => {
                n.han += 1;
                if CHINESE_MARKERS.contains(c) || chinese_only(c) {
                    n.chinese += 1;
                }
            }
            _ if is_latin(c) => n.latin += 1,
            _ => {}
        }
    }
    let cjk = n.kana + n.han;
    if n.latin >= 4 && n.latin > 2 * cjk {
        return Some(Lang::En);
    }
    if n.kana > 0 && (n.chinese == 0 || n.kana * 10 >= cjk) {
        return Some(Lang::Ja);
    }
    if n.han > 0 && n.chinese > 0 {
        return Some(Lang::Zh);
    }
    if n.kana > 0 {
        return Some(Lang::Ja);
    }
    None
}

/// English words almost every English sentence has: a Latin-letter message of several words
/// with none of them is in another language (Indonesian, French, Vietnamese …).
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "the", "an", "i", "we", "my", "our", "is", "are", "was", "to", "for", "of", "in", "and", "it",
    "have", "has", "there", "can", "do", "does", "what", "how", "with", "on", "any", "you", "me",
    "us", "this", "that", "be", "am", "i'm", "we're", "help", "want", "need", "please",
];

/// Whether a message is written in a language the service does not read: mostly letters of
/// another script (Hangul, Cyrillic, Thai, Arabic, Devanagari …), or several Latin-letter words
/// none of which is an English function word ("Saya ingin subsidi untuk toko saya",
/// "Je voudrais une subvention pour mon café"). Such a person is asked, politely and in the
/// three languages, to write in Japanese, English or Chinese — not told "no program".
pub fn foreign(text: &str) -> bool {
    let (mut ours, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if is_kana(c) || is_han(c) || is_latin(c) {
            ours += 1;
        } else {
            other += 1;
        }
    }
    if other > ours {
        return true;
    }
    if ours == 0 || text.chars().any(|c| is_kana(c) || is_han(c)) {
        return false;
    }
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphabetic() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.len() >= 4
        && !words
            .iter()
            .any(|w| ENGLISH_FUNCTION_WORDS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(text: &str) -> Option<Lang> {
        detect_with(text, |c| matches!(c, '灣' | '數'))
    }

    #[test]
    fn scripts_decide() {
        assert_eq!(detect("事業を継ぎたいです"), Some(Lang::Ja));
        assert_eq!(
            detect("Is there help for my shop after the flood?"),
            Some(Lang::En)
        );
        assert_eq!(detect("我想知道有沒有補助"), Some(Lang::Zh));
        assert_eq!(detect("台灣 補助金"), Some(Lang::Zh));
        assert_eq!(detect("DX"), None);
        assert_eq!(detect("事業承継 補助金"), None);
        assert_eq!(detect("12345"), None);
        // A quoted Japanese term does not make an English question Japanese.
        assert_eq!(
            detect("What is the 「上限額」 of this program?"),
            Some(Lang::En)
        );
        // Japanese with an English word or two stays Japanese.
        assert_eq!(detect("IoTやAIを使った生産ラインのDX"), Some(Lang::Ja));
    }

    #[test]
    fn other_languages_are_told_apart() {
        assert!(foreign("안녕하세요 보조금이 있나요"));
        assert!(foreign("Здравствуйте, есть ли субсидии?"));
        assert!(foreign("Saya ingin subsidi untuk toko saya"));
        assert!(foreign("Je voudrais une subvention pour mon café"));
        assert!(!foreign("Is there a subsidy for my bakery?"));
        assert!(!foreign("flood repair subsidy"));
        assert!(!foreign("事業承継の補助金"));
        assert!(!foreign("我想申請補助金"));
        assert!(!foreign("12345"));
    }

    #[test]
    fn tags_parse() {
        assert_eq!(Lang::parse("zh-TW"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN-us"), Some(Lang::En));
        assert_eq!(Lang::parse("ja"), Some(Lang::Ja));
        assert_eq!(Lang::parse("fr"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }
}
