//! The command line: `check` verifies the corpus and dictionary, `ask` answers one question,
//! `serve` runs the HTTP service. Only this module and `http` know JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde_json::json;

use crate::corpus::{Program, Quote};
use crate::engine::Engine;
use crate::search::Hit;

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
    /// Print the programs that fit a question, with their quoted terms and citations.
    Ask {
        /// The question, in everyday Japanese.
        question: String,
        /// Print JSON in the shape of the chat API's `programs` array.
        #[arg(long)]
        json: bool,
        /// How many programs to show.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Also print how the question was understood (words, added words, facts).
        #[arg(long)]
        explain: bool,
    },
    /// A conversation in the terminal with the same dialogue engine as the chat API. Type a
    /// number to choose an option, "最初から" to start over, an empty line or Ctrl-D to end.
    Chat,
    /// Run the HTTP service.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 in a container.
        #[arg(long, env = "MADOGUCHI_BIND", default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Minutes a conversation may sit idle before it is forgotten.
        #[arg(long, env = "MADOGUCHI_SESSION_IDLE_MINUTES", default_value_t = 60)]
        session_idle_minutes: u64,
        /// Where conversations live: `memory` (this process) or `redis://HOST:PORT/DB` (shared
        /// by every instance; Redis or Valkey).
        #[arg(long, env = "MADOGUCHI_SESSIONS", default_value = "memory")]
        sessions: String,
        /// Conversations kept at most (the least recently used go first).
        #[arg(long, env = "MADOGUCHI_MAX_SESSIONS", default_value_t = 10_000)]
        max_sessions: usize,
        /// The help-desk staff token; without it /desk and its APIs are disabled.
        #[arg(long, env = "MADOGUCHI_DESK_TOKEN", hide_env_values = true)]
        desk_token: Option<String>,
        /// Origins allowed to embed the widget from another site (comma-separated, e.g.
        /// https://www.example-shokokai.jp). Default: same origin only.
        #[arg(long, env = "MADOGUCHI_ALLOW_ORIGIN", value_delimiter = ',')]
        allow_origin: Vec<String>,
        /// The operator token for POST /api/v1/admin/reload; without it that API is disabled
        /// (SIGHUP reloads regardless).
        #[arg(long, env = "MADOGUCHI_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        /// Requests handled at once; more are refused with 503 and Retry-After.
        #[arg(long, env = "MADOGUCHI_MAX_CONCURRENCY", default_value_t = 256)]
        max_concurrency: usize,
        /// A request taking longer than this is answered 503.
        #[arg(long, env = "MADOGUCHI_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
        request_timeout_ms: u64,
        /// Sustained requests per second per client address (0 turns the rate limit off).
        #[arg(long, env = "MADOGUCHI_RATE_PER_SECOND", default_value_t = 10)]
        rate_per_second: u32,
        /// Requests a client may send in a burst above that rate.
        #[arg(long, env = "MADOGUCHI_RATE_BURST", default_value_t = 40)]
        rate_burst: u32,
    },
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
        } => {
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            if explain {
                eprintln!("{:#?}", engine.index.plan(&question));
            }
            let hits = engine.ask(&question, limit);
            if json {
                println!("{}", serde_json::to_string_pretty(&programs_json(&hits))?);
            } else {
                print!("{}", ask_text(&engine, &hits));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Chat => {
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            chat(engine)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            bind,
            session_idle_minutes,
            sessions,
            max_sessions,
            desk_token,
            allow_origin,
            admin_token,
            max_concurrency,
            request_timeout_ms,
            rate_per_second,
            rate_burst,
        } => {
            for o in &allow_origin {
                if axum::http::HeaderValue::from_str(o.trim()).is_err() || !o.contains("://") {
                    anyhow::bail!("--allow-origin {o:?} is not an origin like https://example.jp");
                }
            }
            for (flag, token) in [
                ("--desk-token", &desk_token),
                ("--admin-token", &admin_token),
            ] {
                if token.as_deref().is_some_and(|t| t.len() < 12) {
                    anyhow::bail!("{flag} must be at least 12 characters");
                }
            }
            if max_concurrency == 0 || request_timeout_ms == 0 {
                anyhow::bail!("--max-concurrency and --request-timeout-ms must be above 0");
            }
            let started = std::time::Instant::now();
            let engine = Engine::load(&dir)
                .with_context(|| format!("loading the corpus in {}", dir.display()))?;
            let limits = crate::dialogue::SessionLimits {
                max_sessions,
                idle: std::time::Duration::from_secs(session_idle_minutes.saturating_mul(60)),
                ..Default::default()
            };
            let session_limits = limits;
            let dialogue = crate::dialogue::Dialogue::new(std::sync::Arc::new(engine), limits)?;
            let limits = crate::http::Limits {
                max_concurrency,
                request_timeout: std::time::Duration::from_millis(request_timeout_ms),
                rate_per_second: std::num::NonZeroU32::new(rate_per_second),
                rate_burst: std::num::NonZeroU32::new(rate_burst)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            };
            let mut state = crate::http::AppState::new(std::sync::Arc::new(dialogue));
            state.desk_token = desk_token.map(std::sync::Arc::from);
            state.admin_token = admin_token.map(std::sync::Arc::from);
            state.allow_origins = allow_origin;
            state.corpus_dir = dir.clone();
            state.rate = crate::http::RateLimit::new(&limits);
            state.limits = limits;
            state.sessions = match sessions.as_str() {
                "memory" => crate::http::Sessions::Memory,
                url if url.starts_with("redis://") || url.starts_with("rediss://") => {
                    let store = crate::http::RedisSessions::new(url, session_limits)
                        .with_context(|| format!("--sessions {url}"))?;
                    crate::http::Sessions::Redis(std::sync::Arc::new(store))
                }
                other => anyhow::bail!(
                    "--sessions must be memory or redis://HOST:PORT/DB, not {other:?}"
                ),
            };
            let runtime = tokio::runtime::Runtime::new()?;
            runtime
                .block_on(crate::http::serve(state, bind, started))
                .with_context(|| format!("serving on {bind}"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
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

/// Every term of a program in the order the chat shows them (see `dialogue::compose`).
pub fn ordered_quotes(p: &Program) -> Vec<&Quote> {
    crate::dialogue::compose::select_quotes(p, &[], usize::MAX)
}

/// The `programs` array of the chat API.
pub fn programs_json(hits: &[(Hit, &Program)]) -> serde_json::Value {
    hits.iter()
        .map(|(h, p)| {
            json!({
                "id": p.id.as_str(),
                "name": p.name,
                "score": (f64::from(h.score) * 1000.0).round() / 1000.0,
                "quotes": ordered_quotes(p).iter().map(|q| json!({
                    "label": q.label.as_str(),
                    "text": q.text,
                    "page": q.page,
                    "line": q.line,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn ask_text(engine: &Engine, hits: &[(Hit, &Program)]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if hits.is_empty() {
        out.push_str("該当する支援制度は見つかりませんでした。\n");
        return out;
    }
    for (i, (h, p)) in hits.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} [{}] {} ({:.2})",
            i + 1,
            p.name,
            p.id,
            p.kind.japanese(),
            h.score
        );
        let _ = writeln!(out, "   {}", p.purpose);
        for q in ordered_quotes(p) {
            let text: String = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "   {}: 「{}」 p.{} l.{}",
                q.label, text, q.page, q.line
            );
        }
    }
    for d in &engine.corpus.documents {
        if hits
            .iter()
            .any(|(_, p)| engine.corpus.document_of(p).info.id == d.info.id)
        {
            let _ = writeln!(
                out,
                "（{}の資料「{}」の内容です。最新の受付状況は各窓口にご確認ください。）",
                d.info.year, d.info.title
            );
        }
    }
    out
}

fn chat(engine: Engine) -> anyhow::Result<()> {
    use std::io::{BufRead, Write};
    let dialogue = crate::dialogue::Dialogue::new(std::sync::Arc::new(engine), Default::default())?;
    let mut session: Option<String> = None;
    let mut options: Vec<String> = Vec::new();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "madoguchi: ご相談内容を入力してください（空行で終了）。"
    )?;
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
        let turn = dialogue.respond(session.as_deref(), &message);
        session = Some(turn.session_id.clone());
        write!(out, "{}", chat_text(&turn))?;
        options = turn
            .reply
            .follow_up()
            .map(|f| f.options.clone())
            .unwrap_or_default();
    }
    Ok(())
}

/// One turn as the terminal shows it: the reply, each program's quotes with 「p.N l.M」, the
/// numbered options.
pub fn chat_text(turn: &crate::dialogue::Turn) -> String {
    use std::fmt::Write;
    let mut out = format!("\n{}\n", turn.text);
    for (i, p) in turn.reply.programs().iter().enumerate() {
        let _ = writeln!(out, "\n[{}] {}（{}）", i + 1, p.name, p.id);
        for q in &p.quotes {
            let text: String = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "    {}：{} 「p.{} l.{}」",
                q.label, text, q.page, q.line
            );
        }
    }
    if let Some(f) = turn.reply.follow_up() {
        // The question itself is the last line of the reply text above.
        out.push('\n');
        for (i, o) in f.options.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, o);
        }
    }
    out.push('\n');
    out
}
