//! Deliberately broken records, in a copy of the corpus in a temporary directory, are
//! rejected with a message that names the file, the field, what was expected and what was found.

use madoguchi::corpus::Corpus;

use crate::support::{Report, copy_dir, root};

/// Copies the real corpus, applies `edit` to one file, loads, and returns the error text.
fn load_with(file: &str, edit: impl Fn(String) -> String) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let edited = edit(text);
    if edited.is_empty() {
        std::fs::remove_file(&path).unwrap();
    } else {
        std::fs::write(&path, edited).unwrap();
    }
    match Corpus::load(dir.path()) {
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

const OEN: &str = "programs/shokei-atotsugi.oen.toml";

#[test]
fn the_unedited_copy_loads() {
    assert_eq!(load_with(OEN, |t| t), Ok(()));
}

#[test]
fn broken_records_are_rejected_with_file_field_expected_and_found() {
    struct Case {
        what: &'static str,
        file: &'static str,
        edit: fn(String) -> String,
        /// Fragments the error message must contain.
        mentions: &'static [&'static str],
    }
    let cases = [
        Case {
            what: "a quote moved to the wrong line",
            file: OEN,
            edit: |t| t.replacen("line = 471", "line = 472", 1),
            mentions: &[
                "shokei-atotsugi.oen.toml",
                "terms[",
                ".text",
                "l.472",
                "starts at line 471",
            ],
        },
        Case {
            what: "a figure changed inside a quote",
            file: OEN,
            edit: |t| t.replacen("１００万円\"", "２００万円\"", 1),
            mentions: &[
                "shokei-atotsugi.oen.toml",
                ".text",
                "does not occur in the source",
            ],
        },
        Case {
            what: "a wrong page",
            file: OEN,
            edit: |t| t.replacen("page = 5\nline = 471", "page = 4\nline = 471", 1),
            mentions: &["shokei-atotsugi.oen.toml", ".page", "[5]"],
        },
        Case {
            what: "an id not in the fixed list",
            file: OEN,
            edit: |t| {
                t.replacen(
                    "id = \"shokei-atotsugi.oen\"",
                    "id = \"shokei-atotsugi.ouen\"",
                    1,
                )
            },
            mentions: &[
                "shokei-atotsugi.oen.toml",
                "`id`",
                "id list of source kumamoto-r7-shoko",
                "shokei-atotsugi.ouen",
            ],
        },
        Case {
            what: "an unknown label",
            file: OEN,
            edit: |t| t.replacen("label = \"上限額\"", "label = \"上限\"", 1),
            mentions: &["shokei-atotsugi.oen.toml", ".label", "one of", "\"上限\""],
        },
        Case {
            what: "a missing required field",
            file: OEN,
            edit: |t| t.replacen("kind = \"subsidy\"\n", "", 1),
            mentions: &["shokei-atotsugi.oen.toml", "kind"],
        },
        Case {
            what: "a menu whose parent record is gone",
            file: "programs/shokei-atotsugi.toml",
            edit: |_| String::new(),
            mentions: &[
                "shokei-atotsugi.toml",
                "no such file",
                "shokei-atotsugi.oen",
                "`parent`",
            ],
        },
        Case {
            what: "a figure in the purpose line",
            file: OEN,
            edit: |t| t.replacen("purpose = \"", "purpose = \"100万円まで", 1),
            mentions: &["shokei-atotsugi.oen.toml", "`purpose`", "no figures"],
        },
        Case {
            what: "an edited source document",
            file: "source/000_e7ee304dbc0e60c0.txt",
            edit: |t| t.replacen("２/３", "3/4", 1),
            mentions: &["corpus.toml", "sha256"],
        },
        Case {
            what: "an unknown theme in the vocabulary",
            file: "vocabulary.toml",
            edit: |t| format!("{t}\n[[expand]]\nwhen = [\"テスト\"]\nthemes = [\"宇宙開発\"]\n"),
            mentions: &["vocabulary.toml", "themes", "宇宙開発"],
        },
    ];
    let mut report = Report::default();
    for c in cases {
        match load_with(c.file, c.edit) {
            Ok(()) => report.check(
                false,
                c.what,
                "an error",
                "the corpus loaded",
                "the loader must reject this",
            ),
            Err(msg) => {
                let missing: Vec<_> = c.mentions.iter().filter(|m| !msg.contains(*m)).collect();
                report.check(
                    missing.is_empty(),
                    c.what,
                    &format!("a message mentioning {:?}", c.mentions),
                    &msg,
                    &format!("the message lacks {missing:?}"),
                );
            }
        }
    }
    report.finish("broken records");
}

#[test]
fn a_syntax_error_names_the_file() {
    let err = load_with(OEN, |t| t.replacen("[[terms]]", "[[terms", 1)).unwrap_err();
    assert!(err.contains("shokei-atotsugi.oen.toml"), "{err}");
    assert!(err.contains("not a valid record"), "{err}");
}
