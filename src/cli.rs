//! The command line: `check` verifies the corpus and dictionary, `ask` answers one question and
//! `chat` holds a conversation (through the same `Dialogue` as the API: `respond_once`,
//! `respond`), `serve` runs the HTTP service (with MCP at `/mcp`), `mcp` serves the MCP tools on
//! stdio. Only the edges — this module, `http` and `mcp` — know JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::dialogue::{Clock, Dialogue, Lang, Message, Turn, Unlimited};
use crate::engine::Engine;
use crate::render::{self, Options, Style};
use crate::wire::ProgramWire;

#[derive(Debug, Parser)]
#[command(
    name = "madoguchi",
    version,
    about = "窓口: Kumamoto support programs for small businesses, answered with cited terms"
)]
struct Cli {
    /// The corpus directory (default: ./corpus, else the one the binary was built from).
    #[arg(long, global = true, env = "MADOGUCHI_CORPUS")]
    corpus: Option<PathBuf>,
    /// Today's date (YYYY-MM-DD) against which programs' 事業期間 are read; default: the
    /// system's date in Japan time. For tests and demos.
    #[arg(long, global = true, env = "MADOGUCHI_TODAY")]
    today: Option<String>,
    /// Log format on stderr: text for people, json for a log collector.
    #[arg(long, global = true, env = "MADOGUCHI_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and verify the corpus and dictionary, build the index, print a summary.
    Check,
    /// Answer one question as the chat API would (the same dialogue, one turn), with the quoted
    /// terms and their citations.
    Ask {
        /// The question, in everyday Japanese.
        question: String,
        /// Print the chat API's `programs` array (the same objects, the same keys).
        #[arg(long)]
        json: bool,
        /// How many programs to show.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Also print how the question was understood (words, added words, facts, spans).
        #[arg(long)]
        explain: bool,
        /// The language of the answer: ja, en or zh-Hant (also zh, zh-TW …); by default the
        /// question's own.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
    },
    /// A conversation in the terminal with the same dialogue engine as the chat API. Type a
    /// number to choose an option, "最初から" to start over, an empty line or Ctrl-D to end.
    Chat {
        /// The language of the answers: ja, en or zh-Hant (also zh, zh-TW …); by default each
        /// message's own, else the conversation's.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
    },
    /// Run the HTTP service (the MCP service too, at /mcp).
    Serve(Box<crate::http::ServeConfig>),
    /// Serve the MCP tools (find_programs, get_program, list_programs) on stdin/stdout, for an
    /// AI assistant's MCP client to start. Logs go to stderr.
    Mcp,
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests calling in) is harmless, so its error is ignored.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let dir = cli.corpus.unwrap_or_else(crate::corpus::default_dir);
    let clock = match cli.today.as_deref() {
        None => Clock::System,
        Some(s) => Clock::Fixed(
            crate::corpus::Date::parse(s)
                .ok_or_else(|| anyhow::anyhow!("--today {s:?} is not a date like 2026-11-29"))?,
        ),
    };
    match cli.command {
        Command::Check => {
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            print!("{}", check_summary(&engine));
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask {
            question,
            json,
            limit,
            explain,
            lang,
        } => {
            let question = Message::parse(&question).context("the question")?;
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            if explain {
                eprintln!("{:#?}", engine.understand(question.as_str()));
            }
            let dialogue =
                Dialogue::in_memory(Arc::new(engine), Default::default()).with_clock(clock);
            let turn = block_on(dialogue.respond_once_in(question.as_str(), lang))?;
            if json {
                let programs: Vec<ProgramWire<'_>> = turn
                    .reply
                    .programs()
                    .iter()
                    .take(limit)
                    .map(ProgramWire::from)
                    .collect();
                println!("{}", serde_json::to_string_pretty(&programs)?);
            } else {
                print!("{}", render::turn(&turn, terminal(limit)).text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Chat { lang } => {
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            chat(engine, clock, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Mcp => {
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            let dialogue = Dialogue::in_memory(Arc::new(engine), Default::default());
            let runtime = tokio::runtime::Runtime::new()?;
            runtime
                .block_on(crate::mcp::serve_stdio(Arc::new(dialogue)))
                .context("serving MCP on stdio")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(config) => {
            config.check()?;
            let started = std::time::Instant::now();
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let state = config.state(engine, dir.clone(), clock).await?;
                crate::http::serve(state, config.bind, started)
                    .await
                    .with_context(|| format!("serving on {}", config.bind))
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs one future to completion on a runtime of this thread (`ask` and `chat` are one person
/// at a terminal; the in-memory store never waits).
/// Reads `--lang` (any tag [`Lang::parse`] reads).
fn parse_lang(tag: &str) -> Result<Lang, String> {
    Lang::parse(tag).ok_or_else(|| {
        format!(
            "not a language this service answers in; use one of {}",
            Lang::ACCEPTED
        )
    })
}

fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    Ok(runtime.block_on(f))
}

/// The summary `madoguchi check` prints.
pub fn check_summary(engine: &Engine) -> String {
    let c = &engine.corpus;
    let menus = c.programs.iter().filter(|p| p.is_menu()).count();
    let t = engine.load_times;
    let sources: String = c
        .documents
        .iter()
        .map(|d| {
            format!(
                "source {}: {} ({}, {}), {} lines, {} pages, sha256 {}\n",
                d.info.id,
                d.info.title,
                d.info.issuer,
                d.info.year,
                d.source.line_count(),
                d.source.page_count(),
                &d.info.sha256[..12.min(d.info.sha256.len())]
            )
        })
        .collect();
    format!(
        "corpus ok: {} ids ({} programs, {} menus), {} quoted terms, all verbatim at their page and line\n\
         {}\
         vocabulary: {} expansion rules, {} out-of-scope topics; user dictionary: {} entries\n\
         paraphrases: {} words through synonym groups, {} through word vectors (cosine >= {:.2})\n\
         periods: {} read from their 事業期間 quote, {} without one, unreadable: {}\n\
         index: {} documents, {:.1} KiB\n\
         load time: {:.1} ms (corpus {:.1} ms, dictionary {:.1} ms, index {:.1} ms)\n",
        c.programs.len(),
        c.programs.len() - menus,
        menus,
        c.term_count(),
        sources,
        c.vocabulary.expansions.len(),
        c.vocabulary.out_of_scope.len(),
        crate::text::user_dictionary_entries(),
        engine.understander.paraphrase_sizes().0,
        engine.understander.paraphrase_sizes().1,
        crate::understand::MIN_COSINE,
        c.programs.iter().filter(|p| p.period.is_some()).count(),
        c.programs
            .iter()
            .filter(|p| p.period.is_none() && !p.period_unreadable)
            .count(),
        {
            let bad: Vec<&str> = c
                .programs
                .iter()
                .filter(|p| p.period_unreadable)
                .map(|p| p.id.as_str())
                .collect();
            if bad.is_empty() {
                "none".to_string()
            } else {
                bad.join(", ")
            }
        },
        c.programs.len(),
        engine.index.size_bytes() as f64 / 1024.0,
        ms(t.total()),
        ms(t.corpus),
        ms(t.dictionary),
        ms(t.index),
    )
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The terminal's style: numbered options (a number picks one), ids beside names.
fn terminal(limit: usize) -> Style {
    Style {
        limit,
        options: Options::Numbered,
        ids: true,
        referral: false,
    }
}

fn chat(engine: Engine, clock: Clock, lang: Option<Lang>) -> anyhow::Result<()> {
    use std::io::{BufRead, Write};
    let dialogue = Dialogue::in_memory(Arc::new(engine), Default::default()).with_clock(clock);
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let mut session: Option<String> = None;
    let mut options: Vec<String> = Vec::new();
    // The conversation's language as the last turn said it (the chosen one until then).
    let mut held = lang.unwrap_or_default();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    let greeting = match held {
        Lang::Ja => "madoguchi: ご相談内容を入力してください（空行で終了）。",
        Lang::En => "madoguchi: please type your question (an empty line ends).",
        Lang::Zh => "madoguchi: 請輸入您想諮詢的內容（輸入空行即結束）。",
    };
    writeln!(out, "{greeting}")?;
    loop {
        write!(out, "> ")?;
        out.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        let line = line.trim();
        // A number picks one of the options offered last turn.
        let message = line
            .parse::<usize>()
            .ok()
            .and_then(|n| options.get(n.wrapping_sub(1)).cloned())
            .unwrap_or_else(|| line.to_string());
        let message = match Message::parse(&message) {
            Ok(m) => m,
            Err(e) => {
                writeln!(out, "{}", e.in_lang(held))?;
                continue;
            }
        };
        let turn = runtime.block_on(dialogue.respond_in(
            &Unlimited,
            session.as_deref(),
            message.as_str(),
            lang,
        ))?;
        session = Some(turn.session_id.clone());
        held = turn.lang;
        write!(out, "{}", chat_text(&turn))?;
        options = turn
            .reply
            .follow_up()
            .map(|f| f.options.clone())
            .unwrap_or_default();
    }
    Ok(())
}

/// One turn as the terminal shows it (see [`crate::render`]): the reply, each program's quotes
/// with 「p.N l.M」, the question with its numbered options.
pub fn chat_text(turn: &Turn) -> String {
    format!("\n{}\n", render::turn(turn, terminal(usize::MAX)).text())
}
