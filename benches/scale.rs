//! The scale benchmark: synthetic corpora of 1k, 10k and 100k programs generated from the real
//! corpus (its programs' quoted terms, body lines and themes, shuffled over Kumamoto's
//! municipalities), each written as a real corpus directory and loaded through the same
//! `Engine::load` (read, verify every quote, build the index). Reports build time, RSS and
//! `respond` p50/p99 for a fixed set of questions.
//!
//! Run: `cargo bench --bench scale` (sizes: `cargo bench --bench scale -- 1000 10000`). CI runs
//! it at 1,000 programs, so a change to the corpus format cannot break it unnoticed.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use madoguchi::Engine;
use madoguchi::corpus::{Program, TermLabel};
use madoguchi::dialogue::{Dialogue, SessionLimits};

/// Kumamoto's 45 municipalities: the synthetic programs are "theirs".
const MUNICIPALITIES: &[&str] = &[
    "熊本市",
    "八代市",
    "人吉市",
    "荒尾市",
    "水俣市",
    "玉名市",
    "山鹿市",
    "菊池市",
    "宇土市",
    "上天草市",
    "宇城市",
    "阿蘇市",
    "天草市",
    "合志市",
    "美里町",
    "玉東町",
    "南関町",
    "長洲町",
    "和水町",
    "大津町",
    "菊陽町",
    "南小国町",
    "小国町",
    "産山村",
    "高森町",
    "西原村",
    "南阿蘇村",
    "御船町",
    "嘉島町",
    "益城町",
    "甲佐町",
    "山都町",
    "氷川町",
    "芦北町",
    "津奈木町",
    "錦町",
    "多良木町",
    "湯前町",
    "水上村",
    "相良村",
    "五木村",
    "山江村",
    "球磨村",
    "あさぎり町",
    "苓北町",
];

/// The fixed questions each size is asked (everyday situations across the themes).
const QUESTIONS: &[&str] = &[
    "豪雨で店が浸水したので建物を直したい",
    "地震で壊れた工場を再建したい",
    "後継ぎとして店を継いだので改装したい",
    "息子に会社を譲る準備で株価を評価してもらいたい",
    "台湾に焼酎を売り込みたい",
    "工場にIoTの機器を入れて生産性を上げたい",
    "運転資金が足りないので融資を受けたい",
    "商店街でイベントを開いて売上を戻したい",
    "副業の専門人材に手伝ってもらいたい",
    "今日の天気は？",
];

/// Body lines copied per synthetic program (enough text to index like a real page).
const BODY_LINES: usize = 12;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    let real = Engine::load(&madoguchi::corpus::default_dir()).expect("the real corpus loads");
    println!(
        "| programs | build s (load+verify+index) | index s | RSS MB | peak RSS MB | respond p50 ms | respond p99 ms |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let dir = tempfile::tempdir().expect("a temp dir");
        generate(&real, n, dir.path());
        let start = Instant::now();
        let engine = Engine::load(dir.path()).expect("the synthetic corpus loads and verifies");
        let build = start.elapsed();
        let index = engine.load_times.index;
        assert_eq!(engine.corpus.programs.len(), n);
        let dialogue = Dialogue::in_memory(Arc::new(engine), SessionLimits::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let mut times = Vec::new();
        for round in 0..20 {
            for q in QUESTIONS {
                let t = Instant::now();
                let turn = runtime.block_on(dialogue.respond_once(q));
                times.push(t.elapsed());
                // The answer must be real: a program for everything but the weather.
                if round == 0 && !q.contains("天気") {
                    assert!(!turn.reply.programs().is_empty(), "{n}: no program for {q}");
                }
            }
        }
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "| {n} | {:.1} | {:.1} | {} | {} | {:.2} | {:.2} |",
            build.as_secs_f64(),
            index.as_secs_f64(),
            rss_mb("VmRSS"),
            rss_mb("VmHWM"),
            ms(pct(0.50)),
            ms(pct(0.99)),
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Writes a corpus directory of `n` synthetic programs: one source document with a page per
/// program, its id list, one record per program, and the real vocabulary and questions.
fn generate(real: &Engine, n: usize, dir: &Path) {
    let templates: Vec<&Program> = real
        .corpus
        .programs
        .iter()
        .filter(|p| !p.is_menu())
        .collect();
    // Every data file of the real corpus but its manifest (vocabulary, questions, places,
    // scope …): listed from the directory, so a file added to the corpus format is copied too.
    let real_dir = madoguchi::corpus::default_dir();
    for entry in std::fs::read_dir(&real_dir).expect("the real corpus directory") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.ends_with(".toml") && name != "corpus.toml" {
            std::fs::copy(&path, dir.join(name)).expect("copy");
        }
    }
    std::fs::create_dir_all(dir.join("programs")).expect("mkdir");
    std::fs::create_dir_all(dir.join("source")).expect("mkdir");
    let mut source = String::from("\n合成コーパス（ベンチマーク用・実在しません）\n");
    // The next line number to be written (counted as we go: recounting is quadratic).
    let mut line: u32 = 3;
    let mut ids = String::from("| id | 事業名 | division | pages |\n|---|---|---|---|\n");
    let themes = madoguchi::corpus::Theme::ALL;
    // Each template's record as written, so that every field of the corpus format is carried
    // over (who applies, disasters, sizes … and whatever a later format adds); only what points
    // into the source (lines, pages) and what names the program is rewritten.
    let raw: Vec<toml::Table> = templates
        .iter()
        .map(|t| {
            let text = std::fs::read_to_string(real_dir.join(format!("programs/{}.toml", t.id)))
                .expect("the template's record");
            text.parse().expect("the template's record parses")
        })
        .collect();
    for i in 0..n {
        let t = templates[i % templates.len()];
        let town = MUNICIPALITIES[(i * 7 + i / templates.len()) % MUNICIPALITIES.len()];
        let page = i as u32 + 2;
        let id = format!("syn-{i:06}");
        let name = format!("{town}{}（合成{i}）", t.name);
        let _ = writeln!(source, " {name}");
        let name_line = line;
        line += 1;
        let mut record = raw[i % templates.len()].clone();
        let mut ts: Vec<&str> = t.themes.iter().map(|x| x.as_str()).collect();
        let extra = themes[(i * 13) % themes.len()].as_str();
        if !ts.contains(&extra) {
            ts.push(extra);
        }
        let body_start = line;
        // The synthetic program's own text, for the fields that must name words of it (`needs`).
        let mut own = format!("{name}\n{}\n", t.purpose);
        for b in t
            .body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(BODY_LINES)
        {
            let _ = writeln!(source, "{}", b.trim_start());
            let _ = writeln!(own, "{}", b.trim_start());
            line += 1;
        }
        let body_end = line.max(body_start) - 1;
        // The quoted terms, one a line, and where each template line went.
        let mut moved: Vec<(i64, i64)> = Vec::new();
        let mut terms = toml::value::Array::new();
        // Terms that quote the same text from the same line (a 目的 that is also the 概要) share
        // one line here too.
        let mut written: Vec<(u32, String, u32)> = Vec::new();
        for q in t.terms.iter().filter(|q| q.label != TermLabel::Budget) {
            let text: String = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let at = match written.iter().find(|(l, t, _)| *l == q.line && *t == text) {
                Some(&(_, _, at)) => at,
                None => {
                    let _ = writeln!(source, "{text}");
                    written.push((q.line, text.clone(), line));
                    line += 1;
                    line - 1
                }
            };
            own.push_str(&text);
            own.push('\n');
            let mut term = toml::Table::new();
            term.insert("label".into(), q.label.as_str().into());
            term.insert("text".into(), text.into());
            term.insert("page".into(), i64::from(page).into());
            term.insert("line".into(), i64::from(at).into());
            terms.push(term.into());
            moved.push((i64::from(q.line), i64::from(at)));
        }
        // A field that names a line of a quoted term (`applicant_from` …) follows its term.
        for (key, value) in record.iter_mut() {
            if (key.ends_with("_from") || key.ends_with("_line"))
                && let Some(old) = value.as_integer()
                && let Some(&(_, new)) = moved.iter().rev().find(|(o, _)| *o == old)
            {
                *value = new.into();
            }
        }
        // Words the program must name in its own text keep only those its shorter synthetic text
        // still holds (the body is cut to BODY_LINES lines).
        if let Some(toml::Value::Array(needs)) = record.get_mut("needs") {
            needs.retain(|w| w.as_str().is_some_and(|w| own.contains(w)));
        }
        let set = |record: &mut toml::Table, key: &str, value: toml::Value| {
            record.insert(key.into(), value);
        };
        set(&mut record, "id", id.clone().into());
        set(&mut record, "source", "synthetic".into());
        set(&mut record, "name", name.clone().into());
        set(&mut record, "name_line", i64::from(name_line).into());
        set(&mut record, "division", format!("{town}商工観光課").into());
        set(&mut record, "pages", vec![i64::from(page)].into());
        set(&mut record, "themes", ts.into());
        set(
            &mut record,
            "lines",
            vec![vec![i64::from(name_line), i64::from(body_end)]].into(),
        );
        set(&mut record, "terms", terms.into());
        record.remove("parent");
        let _ = writeln!(ids, "| {id} | {name} | {town}商工観光課 | {page} |");
        std::fs::write(dir.join(format!("programs/{id}.toml")), record.to_string())
            .expect("write record");
    }
    let sha: String = sha2_hex(source.as_bytes());
    std::fs::write(dir.join("source/synthetic.txt"), &source).expect("write source");
    std::fs::write(dir.join("program-ids.md"), ids).expect("write ids");
    let manifest = format!(
        "[[source]]\nid = \"synthetic\"\nfile = \"source/synthetic.txt\"\nsha256 = \"{sha}\"\n\
         title = \"合成コーパス（ベンチマーク用）\"\ntitle_en = \"A synthetic corpus (benchmark)\"\ntitle_zh = \"合成語料（效能測試用）\"\nissuer = \"benchmark\"\nyear = \"令和7年度\"\nids = \"program-ids.md\"\n"
    );
    std::fs::write(dir.join("corpus.toml"), manifest).expect("write manifest");
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
