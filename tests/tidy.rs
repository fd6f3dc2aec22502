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

/// The documented dependency direction (ARCHITECTURE.md, "Dependency direction"): for each
/// top-level module of `src/`, the modules of the crate it may name. The entry points — `cli`,
/// and `http`, which assembles the service and mounts the other channels — are the only places
/// one channel names another.
const MAY_USE: &[(&str, &[&str])] = &[
    ("corpus", &[]),
    ("text", &[]),
    ("understand", &["corpus", "text"]),
    ("search", &["corpus", "text"]),
    ("engine", &["corpus", "text", "understand", "search"]),
    ("sessions", &["corpus", "text", "understand"]),
    (
        "dialogue",
        &[
            "corpus",
            "text",
            "understand",
            "search",
            "engine",
            "sessions",
        ],
    ),
    ("database", &["corpus", "text", "dialogue"]),
    ("render", &["corpus", "dialogue"]),
    ("wire", &["corpus", "dialogue", "database"]),
    (
        "mcp",
        &["corpus", "text", "engine", "dialogue", "render", "wire"],
    ),
    (
        "line",
        &["corpus", "text", "dialogue", "database", "render", "wire"],
    ),
    (
        "http",
        &[
            "corpus",
            "text",
            "understand",
            "engine",
            "dialogue",
            "sessions",
            "database",
            "render",
            "wire",
            "mcp",
            "line",
        ],
    ),
    (
        "cli",
        &[
            "corpus",
            "text",
            "understand",
            "engine",
            "dialogue",
            "database",
            "render",
            "wire",
            "http",
            "mcp",
        ],
    ),
];

/// Every `crate::NAME` a file names (in `use` lines and paths alike).
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

/// No source file under `src/` over 600 lines: a file that grows past it holds two things.
#[test]
fn no_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    assert!(files.len() > 50, "the source files were not found");
    let mut report = Report::default();
    for f in &files {
        let lines = std::fs::read_to_string(f)
            .unwrap_or_default()
            .lines()
            .count();
        report.check(
            lines <= 600,
            &f.display().to_string(),
            "at most 600 lines",
            &format!("{lines} lines"),
            "split the file where it holds two things",
        );
    }
    report.finish("file length");
}

#[test]
fn modules_use_only_what_the_dependency_direction_allows() {
    let src = root().join("src");
    let mut report = Report::default();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        let path = entry.path();
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let mut files = Vec::new();
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path.clone());
        }
        let allowed = MAY_USE.iter().find(|(m, _)| *m == module).map(|(_, a)| *a);
        // `wire.rs` with its sub-modules in `wire/` is one module, seen once.
        let first = !seen.contains(&module);
        report.check(
            allowed.is_some(),
            &module,
            "a line in MAY_USE (and in ARCHITECTURE.md's dependency direction)",
            "none",
            "document where the new module sits, then add it here",
        );
        if first {
            seen.push(module.clone());
        }
        let allowed = allowed.unwrap_or(&[]);
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            for used in crate_paths(&text) {
                report.check(
                    used == module || allowed.contains(&used.as_str()),
                    &f.display().to_string(),
                    &format!("{module} uses only {allowed:?}"),
                    &format!("crate::{used}"),
                    "move the shared piece down the list, or change the documented direction",
                );
            }
        }
    }
    report.check(
        seen.len() == MAY_USE.len(),
        "src/",
        &format!("{} top-level modules", MAY_USE.len()),
        &format!("{seen:?}"),
        "remove the lines of modules that no longer exist",
    );
    report.finish("dependency direction");
}
