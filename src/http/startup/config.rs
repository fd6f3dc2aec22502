//! The serve configuration: every flag of `madoguchi serve` (each also an environment variable),
//! checked, and turned into the running service's state.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::database::Database;
use crate::dialogue::{Clock, Dialogue};
use crate::engine::Engine;
use crate::http::{AppState, Cidr, Limits, Token, TrustedProxies};
use crate::sessions::{MemoryStore, RedisSessions, SessionLimits, SessionStore};

/// Flags of `madoguchi serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on, e.g. 0.0.0.0:8080 in a container.
    #[arg(long, env = "MADOGUCHI_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Minutes a conversation may sit idle before it is forgotten.
    #[arg(long, env = "MADOGUCHI_SESSION_IDLE_MINUTES", default_value_t = 60)]
    pub session_idle_minutes: u64,
    /// Where conversations live: `memory` (this process) or `redis://HOST:PORT/DB` (shared
    /// by every instance; Redis or Valkey; `rediss://` for TLS).
    #[arg(long, env = "MADOGUCHI_SESSIONS", default_value = "memory")]
    pub sessions: String,
    /// Conversations kept at most (the least recently used go first).
    #[arg(long, env = "MADOGUCHI_MAX_SESSIONS", default_value_t = 10_000)]
    pub max_sessions: usize,
    /// The help-desk staff token; without it /desk and its APIs are disabled. Prefer
    /// --desk-token-file: a flag's value shows in `ps`.
    #[arg(long, env = "MADOGUCHI_DESK_TOKEN", hide_env_values = true)]
    pub desk_token: Option<String>,
    /// A file holding the staff token (surrounding whitespace is ignored).
    #[arg(long, env = "MADOGUCHI_DESK_TOKEN_FILE", conflicts_with = "desk_token")]
    pub desk_token_file: Option<PathBuf>,
    /// Origins allowed to embed the widget from another site (comma-separated, e.g.
    /// https://www.example-shokokai.jp); /mcp takes requests from them too. Default: same
    /// origin only.
    #[arg(long, env = "MADOGUCHI_ALLOW_ORIGIN", value_delimiter = ',')]
    pub allow_origin: Vec<String>,
    /// The operator token for POST /api/v1/admin/reload; without it that API is disabled
    /// (SIGHUP reloads regardless).
    #[arg(long, env = "MADOGUCHI_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// A file holding the operator token (surrounding whitespace is ignored).
    #[arg(
        long,
        env = "MADOGUCHI_ADMIN_TOKEN_FILE",
        conflicts_with = "admin_token"
    )]
    pub admin_token_file: Option<PathBuf>,
    /// Reverse proxies in front of the service (comma-separated addresses or blocks, e.g.
    /// 127.0.0.1,10.0.0.0/8): only from these peers is the client address read from
    /// X-Forwarded-For or Forwarded. Default: none, every peer is the client.
    #[arg(long, env = "MADOGUCHI_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<Cidr>,
    /// Requests handled at once; more are refused with 503 and Retry-After.
    #[arg(long, env = "MADOGUCHI_MAX_CONCURRENCY", default_value_t = 256)]
    pub max_concurrency: usize,
    /// Requests of one client address in flight at once (body read included); more are
    /// refused with 429.
    #[arg(
        long,
        env = "MADOGUCHI_MAX_CONCURRENCY_PER_ADDRESS",
        default_value_t = 16
    )]
    pub max_concurrency_per_address: usize,
    /// A request whose handling takes longer than this is answered 503.
    #[arg(long, env = "MADOGUCHI_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// A request body not fully received within this is answered 408 (below the request
    /// timeout).
    #[arg(long, env = "MADOGUCHI_BODY_TIMEOUT_MS", default_value_t = 5_000)]
    pub body_timeout_ms: u64,
    /// Time for a request's headers to arrive, from when the connection starts waiting for
    /// them; a connection that does not finish them is closed.
    #[arg(long, env = "MADOGUCHI_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// A connection with nothing in flight and nothing received for this long is closed.
    #[arg(long, env = "MADOGUCHI_IDLE_TIMEOUT_MS", default_value_t = 5_000)]
    pub idle_timeout_ms: u64,
    /// Open connections at most (lowered to fit the open-file limit); more are closed at once.
    #[arg(long, env = "MADOGUCHI_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Open connections of one client address (trusted proxies are not counted).
    #[arg(
        long,
        env = "MADOGUCHI_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 32
    )]
    pub max_connections_per_address: usize,
    /// After SIGTERM, requests in flight get this long; then the process exits regardless.
    #[arg(long, env = "MADOGUCHI_SHUTDOWN_TIMEOUT_MS", default_value_t = 10_000)]
    pub shutdown_timeout_ms: u64,
    /// Sustained requests per second per client address (0 turns the rate limit off).
    #[arg(long, env = "MADOGUCHI_RATE_PER_SECOND", default_value_t = 10)]
    pub rate_per_second: u32,
    /// Requests a client may send in a burst above that rate.
    #[arg(long, env = "MADOGUCHI_RATE_BURST", default_value_t = 40)]
    pub rate_burst: u32,
    /// Host names /mcp answers to (comma-separated, e.g. madoguchi.example.jp), against DNS
    /// rebinding, and whose pages it takes requests from (a browser's Origin; one sent from
    /// another host is 403); `*` for any. Default: the loopback names (localhost, 127.0.0.1, ::1).
    #[arg(long, env = "MADOGUCHI_MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    pub mcp_allowed_host: Vec<String>,
    /// Conversations one client address may start per hour, a sixth of them at once (0 turns
    /// the limit off); beyond, 429.
    #[arg(long, env = "MADOGUCHI_NEW_SESSIONS_PER_HOUR", default_value_t = 120)]
    pub new_sessions_per_hour: u32,
    /// Consultation requests and feedbacks one client address may send per hour, together, a
    /// sixth of them at once (0 turns the limit off); beyond, 429. Counted apart from chat.
    #[arg(long, env = "MADOGUCHI_WRITES_PER_HOUR", default_value_t = 30)]
    pub writes_per_hour: u32,
    /// Where the desk's records are kept: `sqlite://PATH` (a file, created with its directory
    /// on first start) or `postgres://USER:PASSWORD@HOST:PORT/DB` (shared by every instance);
    /// `none` keeps nothing (the handoff and desk APIs answer 404).
    #[arg(long, env = "MADOGUCHI_DATABASE", default_value = crate::database::DEFAULT_URL)]
    pub database: String,
    /// Days personal data (names, contacts, comments, conversations, unanswered questions) is
    /// kept; older is deleted by a task that runs hourly. Monthly counts are kept.
    #[arg(long, env = "MADOGUCHI_RETENTION_DAYS", default_value_t = crate::http::DEFAULT_RETENTION_DAYS)]
    pub retention_days: u32,
    /// The LINE channel (off unless both of its files are given).
    #[command(flatten)]
    pub line: crate::line::LineArgs,
}

impl ServeConfig {
    /// Refuses a configuration that cannot serve as asked, saying which flag is wrong.
    pub fn check(&self) -> anyhow::Result<()> {
        for o in &self.allow_origin {
            if axum::http::HeaderValue::from_str(o.trim()).is_err() || !o.contains("://") {
                anyhow::bail!("--allow-origin {o:?} is not an origin like https://example.jp");
            }
        }
        self.tokens()?;
        self.line.config()?;
        if self.max_concurrency == 0
            || self.max_concurrency_per_address == 0
            || self.max_connections == 0
            || self.max_connections_per_address == 0
        {
            anyhow::bail!(
                "--max-concurrency, --max-concurrency-per-address, --max-connections and \
                 --max-connections-per-address must be above 0"
            );
        }
        for (flag, ms) in [
            ("--request-timeout-ms", self.request_timeout_ms),
            ("--body-timeout-ms", self.body_timeout_ms),
            ("--header-timeout-ms", self.header_timeout_ms),
            ("--idle-timeout-ms", self.idle_timeout_ms),
            ("--shutdown-timeout-ms", self.shutdown_timeout_ms),
        ] {
            if ms == 0 {
                anyhow::bail!("{flag} must be above 0");
            }
        }
        if self.retention_days == 0 || self.retention_days > 3650 {
            anyhow::bail!("--retention-days must be from 1 to 3650");
        }
        if self.body_timeout_ms >= self.request_timeout_ms {
            anyhow::bail!(
                "--body-timeout-ms ({}) must be below --request-timeout-ms ({})",
                self.body_timeout_ms,
                self.request_timeout_ms
            );
        }
        Ok(())
    }

    /// The staff and operator tokens, from their flags or files, each checked.
    fn tokens(&self) -> anyhow::Result<(Option<Token>, Option<Token>)> {
        let read = |flag: &str,
                    value: &Option<String>,
                    file: &Option<PathBuf>|
         -> anyhow::Result<Option<Token>> {
            let secret = match (value, file) {
                (Some(v), _) => v.clone(),
                (None, Some(path)) => std::fs::read_to_string(path)
                    .with_context(|| format!("{flag}-file {}", path.display()))?
                    .trim()
                    .to_string(),
                (None, None) => return Ok(None),
            };
            if secret.chars().count() < 12 {
                anyhow::bail!("{flag} must be at least 12 characters");
            }
            Ok(Some(Token::new(&secret)))
        };
        Ok((
            read("--desk-token", &self.desk_token, &self.desk_token_file)?,
            read("--admin-token", &self.admin_token, &self.admin_token_file)?,
        ))
    }

    /// The limits the flags set.
    fn limits(&self) -> Limits {
        Limits {
            max_concurrency: self.max_concurrency,
            max_concurrency_per_client: self.max_concurrency_per_address,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            body_timeout: Duration::from_millis(self.body_timeout_ms),
            rate_per_second: NonZeroU32::new(self.rate_per_second),
            rate_burst: NonZeroU32::new(self.rate_burst).unwrap_or(NonZeroU32::MIN),
            new_sessions_per_hour: NonZeroU32::new(self.new_sessions_per_hour),
            writes_per_hour: NonZeroU32::new(self.writes_per_hour),
            max_connections: self.max_connections,
            max_connections_per_client: self.max_connections_per_address,
            header_timeout: Duration::from_millis(self.header_timeout_ms),
            idle_timeout: Duration::from_millis(self.idle_timeout_ms),
            shutdown_timeout: Duration::from_millis(self.shutdown_timeout_ms),
            ..Limits::default()
        }
    }

    /// The session store the flags name.
    fn store(&self) -> anyhow::Result<Arc<dyn SessionStore>> {
        let limits = SessionLimits {
            max_sessions: self.max_sessions,
            idle: Duration::from_secs(self.session_idle_minutes.saturating_mul(60)),
            ..Default::default()
        };
        Ok(match self.sessions.as_str() {
            "memory" => Arc::new(MemoryStore::new(limits)),
            url if url.starts_with("redis://") || url.starts_with("rediss://") => Arc::new(
                RedisSessions::new(url, limits).with_context(|| format!("--sessions {url}"))?,
            ),
            other => {
                anyhow::bail!(
                    "--sessions must be memory, redis://HOST:PORT/DB or rediss://HOST:PORT/DB, not {other:?}"
                )
            }
        })
    }

    /// The state of a server over `engine`, reading `corpus_dir` on reloads. Opens the
    /// database (on the caller's runtime: its writer task runs there).
    pub async fn state(
        &self,
        engine: Engine,
        corpus_dir: PathBuf,
        clock: Clock,
    ) -> anyhow::Result<AppState> {
        self.check()?;
        let (desk_token, admin_token) = self.tokens()?;
        let mut dialogue = Dialogue::new(Arc::new(engine), self.store()?).with_clock(clock);
        let database = match self.database.trim() {
            "none" => None,
            url => Some(Database::open(url).await.context("--database")?),
        };
        if let Some(db) = &database {
            dialogue = dialogue.with_recorder(Arc::new(db.clone()));
        }
        let mut state = AppState::new(Arc::new(dialogue));
        state.database = database;
        state.retention_days = self.retention_days;
        state.desk_token = desk_token;
        state.admin_token = admin_token;
        state.allow_origins = self.allow_origin.clone().into();
        state.trusted_proxies = TrustedProxies::new(self.trusted_proxy.clone());
        state.corpus_dir = corpus_dir.into();
        state.set_limits(self.limits());
        if let Some(config) = self.line.config()? {
            let line = crate::line::Line::new(
                config,
                state.dialogue.clone(),
                state.database.clone(),
                self.retention_days,
            )?;
            let mut metrics = crate::http::Metrics::default();
            line.register(metrics.registry_mut());
            state.metrics = Arc::new(metrics);
            state.line = Some(Arc::new(line));
        }
        let hosts: Vec<String> = self
            .mcp_allowed_host
            .iter()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
        if hosts.iter().any(|h| h == "*") {
            state.mcp_allowed_hosts = Arc::from([]);
        } else if !hosts.is_empty() {
            state.mcp_allowed_hosts = hosts.into();
        }
        Ok(state)
    }
}
