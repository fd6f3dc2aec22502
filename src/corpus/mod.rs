//! The corpus: the source document, one checked record per program id, and the vocabulary.
//! This is the only code that reads `corpus/`; everything else takes a checked [`Corpus`].
//!
//! Loading verifies every record (see `RawRecord::check`): the id is in the fixed list, every
//! quoted term is a verbatim slice of the source at its page and line, every menu's parent
//! exists, and nothing required is missing. All problems are reported at once.

mod error;
mod model;
pub mod period;
mod questions;
mod record;
mod scope;
mod source;
mod translated;
mod vocabulary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use error::{CorpusError, RecordError};
pub use model::{
    Applicant, Disaster, Kind, Program, ProgramId, Quote, Size, Stage, TermLabel, Theme,
};
pub use period::{Date, Period, Status, YearUnit};
pub use questions::{DisasterAnswer, KindAnswer, Question, QuestionOption, Slot, WhoAnswer};
pub use scope::{
    BusinessRole, KumamotoPlace, Places, Prefecture, PrivateRule, ScopeRules, StaffRole,
};
pub use source::{Mismatch, QUOTE_WINDOW_LINES, Source};
pub use translated::{Translated, reads_as};
pub use vocabulary::{Expansion, ExpenseKind, MAX_EXPENSE_KINDS, OutOfScope, Vocabulary};

use error::Errors;
use record::{Fixed, RawRecord};

/// Facts about one source document, from `corpus/corpus.toml`.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// The document's id, which records name and citations carry (shared by every answer).
    pub id: Arc<str>,
    pub file: String,
    pub sha256: String,
    pub title: String,
    /// What the title means, in English and in Chinese (replies keep the title in 「」).
    pub title_translated: Translated,
    pub issuer: String,
    /// The fiscal year the terms are those of (令和7年度): every answer says so.
    pub year: String,
}

/// One source document: its facts and its lines.
#[derive(Debug, Clone)]
pub struct Document {
    /// Shared: every answer names the documents it cites.
    pub info: Arc<SourceInfo>,
    pub source: Source,
}

/// The loaded, checked corpus.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The source documents, in manifest order; the first is the primary one.
    pub documents: Vec<Document>,
    /// Every program and menu, sorted by id.
    pub programs: Vec<Program>,
    pub vocabulary: Vocabulary,
    /// The clarifying questions, one per slot.
    pub questions: Vec<Question>,
    /// Kumamoto's municipalities and the other prefectures.
    pub places: Places,
    /// Phrases of owners, staff, private persons and purposes, and premises.
    pub scope: ScopeRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    source: Vec<RawSourceInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourceInfo {
    id: String,
    file: String,
    sha256: String,
    title: String,
    title_en: Option<String>,
    title_zh: Option<String>,
    issuer: String,
    year: String,
    /// The fixed list of this document's program ids (a Markdown table, as program-ids.md).
    ids: String,
}

/// A document while loading: with the ids its records may use.
struct Loading {
    doc: Document,
    fixed: BTreeMap<String, Fixed>,
}

impl Corpus {
    /// Loads and checks the corpus in `dir` (normally `corpus/`).
    pub fn load(dir: &Path) -> Result<Corpus, CorpusError> {
        let manifest_path = dir.join("corpus.toml");
        let manifest: Manifest = parse_toml(&manifest_path)?;
        let mut errors = Errors::default();
        if manifest.source.is_empty() {
            errors.push(
                &manifest_path,
                "-",
                "source",
                "at least one [[source]]",
                "none",
            );
        }
        let mut docs: Vec<Loading> = Vec::with_capacity(manifest.source.len());
        for info in manifest.source {
            if docs.iter().any(|d| *d.doc.info.id == *info.id) {
                errors.push(
                    &manifest_path,
                    &info.id,
                    "source.id",
                    "a unique id",
                    "a duplicate",
                );
                continue;
            }
            docs.push(load_document(dir, &manifest_path, info, &mut errors)?);
        }

        let programs_dir = dir.join("programs");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&programs_dir)
            .map_err(|e| io(&programs_dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut programs: BTreeMap<String, Program> = BTreeMap::new();
        for file in &files {
            let raw: RawRecord = parse_toml(file)?;
            if programs.contains_key(&raw.id) {
                errors.push(
                    file,
                    &raw.id,
                    "id",
                    "an id used by one record only",
                    "a duplicate",
                );
                continue;
            }
            let Some(at) = docs.iter().position(|d| *d.doc.info.id == *raw.source) else {
                let known: Vec<&str> = docs.iter().map(|d| &*d.doc.info.id).collect();
                errors.push(
                    file,
                    &raw.id,
                    "source",
                    format!(
                        "the id of a [[source]] in corpus.toml ({})",
                        known.join(", ")
                    ),
                    &raw.source,
                );
                continue;
            };
            let d = &docs[at];
            if let Some(p) = raw.check(file, at, &d.fixed, &d.doc.source, &mut errors) {
                programs.insert(p.id.as_str().to_string(), p);
            }
        }
        for d in &docs {
            for id in d.fixed.keys() {
                if !programs.contains_key(id) && !errors.0.iter().any(|e| &e.id == id) {
                    errors.push(
                        &programs_dir.join(format!("{id}.toml")),
                        id,
                        "-",
                        format!("a record for every id of source {}", d.doc.info.id),
                        "no such file",
                    );
                }
            }
        }
        for p in programs.values() {
            for a in &p.accompanies {
                if !programs.contains_key(a.as_str()) {
                    errors.push(
                        &programs_dir.join(format!("{}.toml", p.id)),
                        p.id.as_str(),
                        "accompanies",
                        "the id of an existing program record",
                        a.as_str(),
                    );
                }
            }
            if let Some(parent) = &p.parent
                && !programs.contains_key(parent.as_str())
            {
                errors.push(
                    &programs_dir.join(format!("{}.toml", p.id)),
                    p.id.as_str(),
                    "parent",
                    "an existing program record",
                    parent.as_str(),
                );
            }
        }

        let vocab_path = dir.join("vocabulary.toml");
        let raw_vocab: vocabulary::RawVocabulary = parse_toml(&vocab_path)?;
        let vocabulary = raw_vocab.check(&vocab_path, &mut errors);

        let questions_path = dir.join("questions.toml");
        let raw_questions: questions::RawQuestions = parse_toml(&questions_path)?;
        let questions = raw_questions.check(&questions_path, &mut errors);

        let places_path = dir.join("places.toml");
        let raw_places: scope::RawPlaces = parse_toml(&places_path)?;
        let places = raw_places.check(&places_path, &mut errors);
        let scope_path = dir.join("scope.toml");
        let raw_scope: scope::RawScope = parse_toml(&scope_path)?;
        let scope = raw_scope.check(&scope_path, &mut errors);

        if !errors.0.is_empty() {
            return Err(CorpusError::Invalid(errors.0));
        }
        Ok(Corpus {
            documents: docs.into_iter().map(|d| d.doc).collect(),
            programs: programs.into_values().collect(),
            vocabulary,
            questions,
            places,
            scope,
        })
    }

    /// The primary (first) document: the one answers are dated by when they cite none.
    pub fn primary(&self) -> &Document {
        // The loader refuses a manifest without a source, so there is always a first one.
        &self.documents[0]
    }

    /// The document a program's terms are quoted from.
    pub fn document_of(&self, p: &Program) -> &Document {
        self.documents
            .get(p.source)
            .unwrap_or_else(|| self.primary())
    }

    /// The clarifying question for a slot, if the corpus has one.
    pub fn question(&self, slot: Slot) -> Option<&Question> {
        self.questions.iter().find(|q| q.slot == slot)
    }

    /// The program or menu with this id, if any. Accepts raw text, so it is also the parse
    /// from a request path.
    pub fn get(&self, id: &str) -> Option<&Program> {
        self.programs
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.programs[i])
    }

    /// The menus of a program, in id order.
    pub fn menus_of<'a>(&'a self, id: &'a ProgramId) -> impl Iterator<Item = &'a Program> + 'a {
        self.programs
            .iter()
            .filter(move |p| p.parent.as_ref() == Some(id))
    }

    /// Number of quoted terms over all records.
    pub fn term_count(&self) -> usize {
        self.programs.iter().map(|p| p.terms.len()).sum()
    }
}

/// The corpus directory: `MADOGUCHI_CORPUS`, else `./corpus` when it exists, else the one
/// this crate was built from (so tests and `cargo run` work from any directory).
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MADOGUCHI_CORPUS") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from("corpus");
    if here.join("corpus.toml").is_file() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Reads one source document and its id list, checking the document's hash.
fn load_document(
    dir: &Path,
    manifest_path: &Path,
    info: RawSourceInfo,
    errors: &mut Errors,
) -> Result<Loading, CorpusError> {
    let source_path = dir.join(&info.file);
    let bytes = std::fs::read(&source_path).map_err(|e| io(&source_path, e))?;
    let digest = hex(&Sha256::digest(&bytes));
    if digest != info.sha256 {
        errors.push(
            manifest_path,
            &info.id,
            "sha256",
            format!("{} (the text the records quote)", info.sha256),
            digest,
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| CorpusError::Syntax {
        path: source_path.clone(),
        message: format!("not UTF-8: {e}"),
    })?;
    let title_translated = Translated::check(
        info.title_en,
        info.title_zh,
        manifest_path,
        &info.id,
        "source.title",
        errors,
    );
    let ids_path = dir.join(&info.ids);
    let fixed = fixed_ids(&read(&ids_path)?);
    if fixed.is_empty() {
        errors.push(
            &ids_path,
            &info.id,
            "table",
            "rows `| id | 事業名 | division | pages |`",
            "none",
        );
    }
    Ok(Loading {
        doc: Document {
            source: Source::new(&text),
            info: Arc::new(SourceInfo {
                id: info.id.into(),
                file: info.file,
                sha256: info.sha256,
                title: info.title,
                title_translated,
                issuer: info.issuer,
                year: info.year,
            }),
        },
        fixed,
    })
}

/// Parses the table of `program-ids.md`: `| id | 事業名 | division | pages |`.
fn fixed_ids(md: &str) -> BTreeMap<String, Fixed> {
    let mut out = BTreeMap::new();
    for line in md.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // A row is `| id | name | division | pages |`: six cells with the empty ends.
        if cells.len() != 6 {
            continue;
        }
        let (id, division, pages) = (cells[1], cells[3], cells[4]);
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        let pages: Option<Vec<u32>> = pages.split(',').map(|p| p.trim().parse().ok()).collect();
        if let (true, Some(pages)) = (valid, pages) {
            out.insert(
                id.to_string(),
                Fixed {
                    division: division.to_string(),
                    pages,
                },
            );
        }
    }
    out
}

fn read(path: &Path) -> Result<String, CorpusError> {
    std::fs::read_to_string(path).map_err(|e| io(path, e))
}

fn io(path: &Path, source: std::io::Error) -> CorpusError {
    CorpusError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CorpusError> {
    toml::from_str(&read(path)?).map_err(|e| CorpusError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
