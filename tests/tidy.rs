//! Tidiness: every Rust source file opens with a `//!` line saying what it owns.

use std::path::Path;

use crate::support::{Report, root};

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "dictionaries"] {
        rust_files(&root().join(dir), &mut files);
    }
    files.push(root().join("build.rs"));
    let mut report = Report::default();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let first = text.lines().next().unwrap_or("");
        report.check(
            first.starts_with("//! ") && first.len() > 8,
            &f.display().to_string(),
            "a first line `//! <what this file owns>`",
            first,
            "add a module doc line saying what the file owns",
        );
    }
    report.finish("module docs");
}
