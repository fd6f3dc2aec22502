//! The ablation of the lexical resources (issue 13): the paraphrase set
//! (`tests/paraphrases/situations.tsv`) ranked with nothing, synonyms, vectors and both, and
//! any question sets given (`../shared/eval/dev.jsonl`, `scope.jsonl`) answered through
//! `Dialogue::respond` in fresh sessions, scored as `run_eval.py` scores the chat API.
//!
//! `cargo run --release --example ablation -- [SET.jsonl …]`, from the repository root.
//! `--misses` also prints each paraphrase situation a configuration ranks wrong. `--no-rules`
//! scores with every `[[expand]]` rule switched off, to see what the resources do on their own.
//!
//! `--bilingual` instead answers the sets given with each setting of the English and Chinese
//! rewriting (none, the dictionaries, + our phrases, + joins): the ablation of issue 23.
//!
//! `--rules` instead screens the vocabulary's `[[expand]]` rules: over every golden situation
//! and dialogue turn, the paraphrase set and the sets given, it removes one rule (then one `when`
//! string) at a time and compares what each message becomes (top five ids, signals, themes). A
//! rule the resources cover changes nothing with both resources and changes something with
//! none, and the resources map its `when` strings, understood alone, to at least one of its
//! `add` words (so an unchanged ranking that is a coincidence does not count); a rule that
//! changes nothing either way is listed as redundant.

use std::path::Path;
use std::sync::Arc;

use madoguchi::dialogue::{Dialogue, SessionLimits};
use madoguchi::engine::Engine;
use madoguchi::text::normalize;
use madoguchi::understand::{BilingualParts, Resources, Understander};
use unicode_normalization::UnicodeNormalization;

fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

fn rank(ids: &[&str], expect: &[String]) -> Option<usize> {
    ids.iter()
        .position(|x| expect.iter().any(|e| related(x, e)))
        .map(|i| i + 1)
}

/// NFKC without whitespace, as `run_eval.py` compares quotes.
fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// hit@1 and hit@3 over the paraphrase set.
fn paraphrases(engine: &Engine, set: &[(Vec<String>, String)], misses: bool) -> (usize, usize) {
    let (mut hit1, mut hit3) = (0, 0);
    for (expect, situation) in set {
        let hits = engine.ask(situation, 5);
        let ids: Vec<&str> = hits.iter().map(|(h, _)| h.id.as_str()).collect();
        let r = rank(&ids, expect);
        hit1 += usize::from(r == Some(1));
        hit3 += usize::from(r.is_some_and(|r| r <= 3));
        if misses && r != Some(1) {
            println!(
                "  miss {situation} expect {expect:?} got {:?}",
                &ids[..ids.len().min(3)]
            );
        }
    }
    (hit1, hit3)
}

/// One question set through the dialogue: (hit@1, hit@3, positives, all ok, cases).
async fn question_set(dialogue: &Dialogue, path: &str) -> anyhow::Result<[usize; 5]> {
    let mut out = [0usize; 5];
    for line in std::fs::read_to_string(path)?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let case: serde_json::Value = serde_json::from_str(line)?;
        let expect: Vec<String> = case["expect"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let turns: Vec<String> = match (&case["q"], &case["dialogue"]) {
            (serde_json::Value::String(q), _) => vec![q.clone()],
            (_, serde_json::Value::Array(d)) => d
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => continue,
        };
        let mut session: Option<String> = None;
        let mut first_asked = false;
        let mut last = None;
        for (i, t) in turns.iter().enumerate() {
            let turn = dialogue.respond(session.as_deref(), t).await?;
            if i == 0 {
                first_asked = turn.reply.follow_up().is_some();
            }
            session = Some(turn.session_id.clone());
            last = Some(turn);
        }
        let Some(turn) = last else { continue };
        let programs = turn.reply.programs();
        let ids: Vec<&str> = programs.iter().map(|p| p.id.as_str()).collect();
        out[4] += 1;
        let ok = if expect.is_empty() {
            ids.is_empty()
        } else {
            out[2] += 1;
            let r = rank(&ids, &expect);
            out[0] += usize::from(r == Some(1));
            out[1] += usize::from(r.is_some_and(|r| r <= 3));
            let quote_ok = case["quote"].as_str().is_none_or(|want| {
                let want = norm(want);
                programs
                    .iter()
                    .take(3)
                    .filter(|p| expect.iter().any(|e| related(p.id.as_str(), e)))
                    .flat_map(|p| &p.quotes)
                    .any(|q| norm(&q.text).contains(&want))
            });
            let asks_ok = !case["first_turn_asks"].as_bool().unwrap_or(false) || first_asked;
            r.is_some_and(|r| r <= 3) && quote_ok && asks_ok
        };
        out[3] += usize::from(ok);
    }
    Ok(out)
}

/// The ablation of the English and Chinese rewriting (issue 23): each question set answered
/// with each setting of `BilingualParts`, scored on the programs alone (the reply's language is
/// the renderer's, not the understanding's).
async fn bilingual(mut engine: Engine, sets: &[&String]) -> anyhow::Result<()> {
    print!("| rewriting |");
    for s in sets {
        let name = Path::new(s)
            .file_stem()
            .map_or_else(String::new, |n| n.to_string_lossy().into());
        print!(" {name} hit@3 | {name} all ok |");
    }
    println!();
    for (name, parts) in BilingualParts::ALL {
        engine.understander.set_bilingual_parts(parts);
        print!("| {name} |");
        let dialogue = Dialogue::in_memory(Arc::new(engine), SessionLimits::default());
        for s in sets {
            let [_, h3, pos, ok, cases] = question_set(&dialogue, s).await?;
            print!(" {h3}/{pos} | {ok}/{cases} |");
        }
        println!();
        engine = reclaim(dialogue)?;
    }
    Ok(())
}

/// The engine back from a dialogue that was its only user, for the next configuration.
fn reclaim(dialogue: Dialogue) -> anyhow::Result<Engine> {
    let shared = dialogue.engine();
    drop(dialogue);
    Arc::try_unwrap(shared)
        .map_err(|_| anyhow::anyhow!("the engine is still shared after the dialogue"))
}

/// What a message becomes, as far as removing a rule could change it.
fn outcome(engine: &Engine, message: &str) -> String {
    let u = engine.understand(message);
    let hits = engine.ask(message, 5);
    let ids: Vec<&str> = hits.iter().map(|(h, _)| h.id.as_str()).collect();
    format!("{ids:?} {:?} {:?}", u.search.signals, u.themes)
}

fn outcomes(engine: &Engine, messages: &[String]) -> Vec<String> {
    messages.iter().map(|m| outcome(engine, m)).collect()
}

/// The engine's understanding stage rebuilt from its corpus as it is now.
fn rebuild(engine: &mut Engine, known: &[&str], resources: Resources) -> anyhow::Result<()> {
    let japanese = engine.understander.japanese().clone();
    engine.understander = Understander::new(&engine.corpus, japanese, known)?;
    engine.understander.set_resources(resources);
    Ok(())
}

/// Every message to screen rules against: golden situations and dialogue turns, the paraphrase
/// set, and the single questions and turns of the sets given.
fn messages(set: &[(Vec<String>, String)], sets: &[&String]) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for f in ["tests/golden/situations.txt", "tests/golden/dialogues.txt"] {
        out.extend(
            std::fs::read_to_string(f)?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
                .map(String::from),
        );
    }
    out.extend(set.iter().map(|(_, s)| s.clone()));
    for s in sets {
        for line in std::fs::read_to_string(s)?
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let case: serde_json::Value = serde_json::from_str(line)?;
            if let Some(q) = case["q"].as_str() {
                out.push(q.to_string());
            }
            if let Some(d) = case["dialogue"].as_array() {
                out.extend(d.iter().filter_map(|v| v.as_str().map(String::from)));
            }
        }
    }
    Ok(out)
}

/// The `--rules` screening.
fn screen_rules(engine: &mut Engine, messages: &[String]) -> anyhow::Result<()> {
    let known: Vec<String> = engine.index.words().into_iter().map(String::from).collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let base: Vec<(Resources, Vec<String>)> = [Resources::BOTH, Resources::NONE]
        .into_iter()
        .map(|r| {
            engine.understander.set_resources(r);
            (r, outcomes(engine, messages))
        })
        .collect();
    // Whether the corpus as edited leaves every message as it was, with both and with none.
    let same = |engine: &mut Engine| -> anyhow::Result<[bool; 2]> {
        let mut out = [false; 2];
        for (i, (r, expected)) in base.iter().enumerate() {
            rebuild(engine, &known, *r)?;
            out[i] = outcomes(engine, messages) == *expected;
        }
        Ok(out)
    };
    // Whether the resources, with rule `i` gone, turn every one of `when` (understood alone)
    // into at least one of the rule's `add` words.
    let mapped = |engine: &mut Engine, i: usize, when: &[String]| -> anyhow::Result<bool> {
        rebuild(engine, &known, Resources::BOTH)?;
        let japanese = engine.understander.japanese().clone();
        let add: Vec<String> = engine.corpus.vocabulary.expansions[i]
            .add
            .iter()
            .flat_map(|w| japanese.tokenize(&normalize(w)))
            .map(|t| t.text)
            .collect();
        Ok(when.iter().all(|w| {
            let u = engine.understand(w);
            u.search.added.iter().any(|a| add.iter().any(|x| x == a))
        }))
    };
    let n = engine.corpus.vocabulary.expansions.len();
    for i in 0..n {
        let rule = engine.corpus.vocabulary.expansions[i].clone();
        let when = rule.when.clone();
        engine.corpus.vocabulary.expansions[i].when.clear();
        let verdict = match same(engine)? {
            [true, false] if mapped(engine, i, &when)? => "covered",
            [true, false] => "unchanged by chance",
            [true, true] => "redundant",
            _ => "needed",
        };
        println!(
            "rule {i} {verdict}: {:?} -> {:?}",
            &when[..when.len().min(4)],
            rule.add
        );
        if verdict == "needed" {
            for (j, w) in when.iter().enumerate() {
                let mut fewer = when.clone();
                fewer.remove(j);
                engine.corpus.vocabulary.expansions[i].when = fewer;
                if let [true, false] = same(engine)? {
                    let how = if mapped(engine, i, std::slice::from_ref(w))? {
                        "covered"
                    } else {
                        "unchanged by chance"
                    };
                    println!("  when {w:?} {how}");
                }
            }
        }
        engine.corpus.vocabulary.expansions[i].when = when;
    }
    rebuild(engine, &known, Resources::default())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let sets: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let text = std::fs::read_to_string("tests/paraphrases/situations.tsv")?;
    let set: Vec<(Vec<String>, String)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(ids, s)| (ids.split(',').map(String::from).collect(), s.to_string()))
        .collect();
    let mut engine = Engine::load(Path::new("corpus"))?;
    if args.iter().any(|a| a == "--no-rules") {
        let known: Vec<String> = engine.index.words().into_iter().map(String::from).collect();
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        for e in &mut engine.corpus.vocabulary.expansions {
            e.when.clear();
        }
        rebuild(&mut engine, &known, Resources::default())?;
    }
    if args.iter().any(|a| a == "--bilingual") {
        return bilingual(engine, &sets).await;
    }
    if args.iter().any(|a| a == "--rules") {
        let messages = messages(&set, &sets)?;
        return screen_rules(&mut engine, &messages);
    }
    print!("| resources | paraphrases hit@1 | hit@3 |");
    for s in &sets {
        let name = Path::new(s)
            .file_stem()
            .map_or_else(String::new, |n| n.to_string_lossy().into());
        print!(" {name} hit@1 | {name} hit@3 | {name} all ok |");
    }
    println!();
    for (name, resources) in Resources::ALL {
        engine.understander.set_resources(resources);
        if misses {
            println!("{name}:");
        }
        let (h1, h3) = paraphrases(&engine, &set, misses);
        let n = set.len();
        print!("| {name} | {h1}/{n} | {h3}/{n} |");
        let dialogue = Dialogue::in_memory(Arc::new(engine), SessionLimits::default());
        for s in &sets {
            let [h1, h3, pos, ok, cases] = question_set(&dialogue, s).await?;
            print!(" {h1}/{pos} | {h3}/{pos} | {ok}/{cases} |");
        }
        println!();
        // The same engine (with the same rules) for the next configuration.
        engine = reclaim(dialogue)?;
    }
    Ok(())
}
