//! Our own words in the two other languages madoguchi answers in: each phrase of the corpus
//! files that a reply shows (a program's gloss, a division, a question and its options, a
//! no-match label and where to ask instead) is written beside its Japanese as `<field>_en` and
//! `<field>_zh`, and the loader requires both, so that an English or Chinese reply can never
//! fall back to Japanese without a load error naming the file and the field.
//!
//! A translation must read as its language by the eval's rule (`reply_in` in
//! `shared/eval/run_eval.py`): outside 「…」 it has no kana, and English is mostly Latin letters
//! while Chinese is mostly not. A Japanese name it keeps (an office, a program) therefore stands
//! inside 「…」.

use std::path::Path;
use std::sync::Arc;

use super::error::Errors;

/// A phrase in English and in Traditional Chinese (the Japanese stays where it was).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Translated {
    pub en: Arc<str>,
    pub zh: Arc<str>,
}

impl Translated {
    /// Reads `<field>_en` and `<field>_zh` as written: each must be present, not blank, and
    /// read as its language; what is wrong is pushed into `errors` naming `file`, `id` and the
    /// field.
    pub(crate) fn check(
        en: Option<String>,
        zh: Option<String>,
        file: &Path,
        id: &str,
        field: &str,
        errors: &mut Errors,
    ) -> Translated {
        let mut one = |text: Option<String>, english: bool| -> Arc<str> {
            let (suffix, language) = if english {
                ("en", "English")
            } else {
                ("zh", "Traditional Chinese")
            };
            let name = format!("{field}_{suffix}");
            match text {
                None => {
                    errors.push(
                        file,
                        id,
                        name,
                        format!("the {language} translation of `{field}`"),
                        "none",
                    );
                    "".into()
                }
                Some(t) if !reads_as(&t, english) => {
                    errors.push(
                        file,
                        id,
                        name,
                        format!(
                            "{language} (outside 「…」 no kana, and {})",
                            if english {
                                "mostly Latin letters"
                            } else {
                                "mostly Chinese characters"
                            }
                        ),
                        t,
                    );
                    "".into()
                }
                Some(t) => t.into(),
            }
        };
        let en = one(en, true);
        let zh = one(zh, false);
        Translated { en, zh }
    }
}

/// True when `text`, outside 「…」, reads as English (`english`) or Chinese rather than
/// Japanese: the eval's `reply_in`, except that a phrase may have no kana at all outside the
/// brackets (a whole reply is allowed 5 %; one phrase of ours has no reason for any).
pub fn reads_as(text: &str, english: bool) -> bool {
    let (mut letters, mut kana, mut latin) = (0usize, 0usize, 0usize);
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '「' => depth += 1,
            '」' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphabetic() => {
                letters += 1;
                kana += usize::from(('\u{3040}'..='\u{30ff}').contains(&c));
                latin += usize::from(c.is_ascii());
            }
            _ => {}
        }
    }
    letters > 0 && kana == 0 && (2 * latin >= letters) == english
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_reads_as_its_language() {
        assert!(reads_as(
            "「商工会・商工会議所」 (your local chamber of commerce)",
            true
        ));
        assert!(reads_as("「商工會・商工會議所」（當地的商工會）", false));
        assert!(!reads_as("商工会にお問い合わせください", true));
        assert!(!reads_as("商工会にお問い合わせください", false));
        assert!(
            !reads_as("「商工会」", true),
            "nothing outside the brackets"
        );
        assert!(!reads_as("Ask the 商工会", false));
    }

    #[test]
    fn a_missing_or_untranslated_field_names_file_and_field() {
        let mut errors = Errors::default();
        let t = Translated::check(
            None,
            Some("お問い合わせください".into()),
            Path::new("corpus/x.toml"),
            "x",
            "refer",
            &mut errors,
        );
        assert_eq!(t, Translated::default());
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["refer_en", "refer_zh"]);
        assert!(errors.0[0].to_string().contains("corpus/x.toml"));
    }
}
