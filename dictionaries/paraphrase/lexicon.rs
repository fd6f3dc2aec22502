//! The Rust half of `dictionaries/paraphrase/build.sh`: the words of the corpus as madoguchi's
//! own analysis sees them, and that analysis applied to candidate words, so the extraction
//! script keeps exactly the words a message can produce and the index can match.
//!
//! `cargo run --release --example lexicon -- words [CORPUS_DIR]` prints `corpus<TAB>word` for
//! every word of the index's word fields and `vocabulary<TAB>word` for every open word of the
//! vocabulary's `when` and `add` strings. `… -- analyse` reads one candidate a line on stdin and
//! prints `candidate<TAB>base form<TAB>open` for each that analyses to exactly one kept word
//! (`open` is 1 for a common noun, verb or adjective: a word a paraphrase may stand in for), and
//! nothing for the others. `… -- added` reads messages on stdin and prints, for each, the words
//! the vocabulary and the lexical resources add with each resource setting (for reviewing);
//! `… -- pivot` prints the Japanese each English or Chinese message on stdin is understood as.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use madoguchi::engine::Engine;
use madoguchi::text::{Japanese, normalize};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match command.as_str() {
        "words" => {
            let dir = args
                .next()
                .map_or_else(|| PathBuf::from("corpus"), PathBuf::from);
            let engine = Engine::load(&dir)?;
            for w in engine.index.words() {
                writeln!(out, "corpus\t{w}")?;
            }
            let japanese = engine.understander.japanese();
            let v = &engine.corpus.vocabulary;
            let mut words: Vec<String> = v
                .expansions
                .iter()
                .flat_map(|e| e.when.iter().chain(&e.add))
                .flat_map(|w| japanese.tokenize(&normalize(w)))
                .filter(|t| t.open)
                .map(|t| t.text)
                .collect();
            words.sort_unstable();
            words.dedup();
            for w in words {
                writeln!(out, "vocabulary\t{w}")?;
            }
        }
        "analyse" => {
            let japanese = Japanese::new()?;
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                let terms = japanese.tokenize(&normalize(line.trim()));
                if let [t] = &terms[..] {
                    writeln!(out, "{}\t{}\t{}", line.trim(), t.text, u8::from(t.open))?;
                }
            }
        }
        "added" => {
            let mut engine = Engine::load(std::path::Path::new("corpus"))?;
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                writeln!(out, "{line}")?;
                for (name, r) in madoguchi::understand::Resources::ALL {
                    engine.understander.set_resources(r);
                    let u = engine.understand(&line);
                    let added: Vec<&str> = u.search.added.iter().collect();
                    writeln!(out, "  {name}: {}", added.join(" "))?;
                }
            }
        }
        "pivot" => {
            // The Japanese an English or Chinese message is understood as (for reviewing).
            let engine = Engine::load(std::path::Path::new("corpus"))?;
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                let lang = engine.detect(&line).unwrap_or_default();
                writeln!(
                    out,
                    "{line}\n  {}: {}",
                    lang.code(),
                    engine.understander.pivot(&line, lang)
                )?;
            }
        }
        _ => anyhow::bail!(
            "usage: lexicon words [CORPUS_DIR] | analyse < candidates | added < messages | pivot < messages"
        ),
    }
    out.flush()?;
    Ok(())
}
