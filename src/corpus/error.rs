//! Errors of loading the corpus. Every record error names the file, the id, the field, what
//! was expected and what was found, so a 商工会 editor can fix it without reading code.

use std::path::PathBuf;

/// One thing wrong with one record (or with the vocabulary or the manifest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub file: PathBuf,
    pub id: String,
    pub field: String,
    pub expected: String,
    pub found: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} [{}] `{}`: expected {}, found {}",
            self.file.display(),
            self.id,
            self.field,
            self.expected,
            self.found
        )
    }
}

/// Why the corpus could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a valid record: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("{} record error(s):\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<RecordError>),
}

/// Collects record errors so that one run reports all of them.
#[derive(Debug, Default)]
pub(crate) struct Errors(pub(crate) Vec<RecordError>);

impl Errors {
    pub(crate) fn push(
        &mut self,
        file: &std::path::Path,
        id: &str,
        field: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        self.0.push(RecordError {
            file: file.to_path_buf(),
            id: id.to_string(),
            field: field.into(),
            expected: expected.into(),
            found: found.into(),
        });
    }
}
