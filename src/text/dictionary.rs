//! The morphological dictionary: IPADIC built offline by `build.rs` and embedded in the binary,
//! plus the domain user dictionary `dictionaries/user.csv`.
//!
//! Nothing here is lazy or global: [`segmenter`] builds a ready segmenter or returns an error,
//! and the caller keeps it behind an `Arc` for the life of the process.

use lindera::dictionary::UserDictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::builder::DictionaryBuilder;

use super::TextError;

/// The user dictionary travels inside the binary so that analysis never depends on the
/// working directory; editing it means rebuilding, which `build.rs` does not need to know about
/// because `include_str!` already tracks the file.
const USER_CSV: &str = include_str!("../../dictionaries/user.csv");

mod embedded {
    #![allow(unreachable_pub)]
    lindera_dictionary::embedded_dictionary!("/lindera-ipadic", EmbeddedIpadic);
}

/// Builds the segmenter over IPADIC and the user dictionary.
pub(crate) fn segmenter() -> Result<Segmenter, TextError> {
    let dictionary = embedded::load().map_err(|e| TextError::Dictionary(e.to_string()))?;
    let user = user_dictionary(&dictionary.metadata, USER_CSV)?;
    Ok(Segmenter::new(Mode::Normal, dictionary, Some(user)))
}

/// Number of entries in the embedded user dictionary (for `madoguchi check`).
pub(crate) fn user_entries() -> usize {
    USER_CSV
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count()
}

fn user_dictionary(
    metadata: &lindera_dictionary::dictionary::metadata::Metadata,
    csv: &str,
) -> Result<UserDictionary, TextError> {
    // Comment lines are a convenience for reviewers; the CSV reader does not know them.
    let rows: String = csv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .flat_map(|l| [l, "\n"])
        .collect();
    DictionaryBuilder::new(metadata.clone())
        .build_user_dict_from_reader(rows.as_bytes())
        .map_err(|e| TextError::UserDictionary(e.to_string()))
}
