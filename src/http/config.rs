//! The serve configuration: every flag of `madoguchi serve` (each also an environment variable),
//! checked, and turned into the running service's state.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::{AppState, Limits, RateLimit, RedisSessions};
use crate::dialogue::{Clock, Dialogue, MemoryStore, SessionLimits, SessionStore};
use crate::engine::Engine;

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
    /// by every instance; Redis or Valkey).
    #[arg(long, env = "MADOGUCHI_SESSIONS", default_value = "memory")]
    pub sessions: String,
    /// Conversations kept at most (the least recently used go first).
    #[arg(long, env = "MADOGUCHI_MAX_SESSIONS", default_value_t = 10_000)]
    pub max_sessions: usize,
    /// The help-desk staff token; without it /desk and its APIs are disabled.
    #[arg(long, env = "MADOGUCHI_DESK_TOKEN", hide_env_values = true)]
    pub desk_token: Option<String>,
    /// Origins allowed to embed the widget from another site (comma-separated, e.g.
    /// https://www.example-shokokai.jp). Default: same origin only.
    #[arg(long, env = "MADOGUCHI_ALLOW_ORIGIN", value_delimiter = ',')]
    pub allow_origin: Vec<String>,
    /// The operator token for POST /api/v1/admin/reload; without it that API is disabled
    /// (SIGHUP reloads regardless).
    #[arg(long, env = "MADOGUCHI_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Requests handled at once; more are refused with 503 and Retry-After.
    #[arg(long, env = "MADOGUCHI_MAX_CONCURRENCY", default_value_t = 256)]
    pub max_concurrency: usize,
    /// A request taking longer than this is answered 503.
    #[arg(long, env = "MADOGUCHI_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Sustained requests per second per client address (0 turns the rate limit off).
    #[arg(long, env = "MADOGUCHI_RATE_PER_SECOND", default_value_t = 10)]
    pub rate_per_second: u32,
    /// Requests a client may send in a burst above that rate.
    #[arg(long, env = "MADOGUCHI_RATE_BURST", default_value_t = 40)]
    pub rate_burst: u32,
    /// Host names /mcp answers to (comma-separated, e.g. madoguchi.example.jp), against DNS
    /// rebinding; `*` for any. Default: the loopback names (localhost, 127.0.0.1, ::1).
    #[arg(long, env = "MADOGUCHI_MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    pub mcp_allowed_host: Vec<String>,
}

impl ServeConfig {
    /// Refuses a configuration that cannot serve as asked, saying which flag is wrong.
    pub fn check(&self) -> anyhow::Result<()> {
        for o in &self.allow_origin {
            if axum::http::HeaderValue::from_str(o.trim()).is_err() || !o.contains("://") {
                anyhow::bail!("--allow-origin {o:?} is not an origin like https://example.jp");
            }
        }
        for (flag, token) in [
            ("--desk-token", &self.desk_token),
            ("--admin-token", &self.admin_token),
        ] {
            if token.as_deref().is_some_and(|t| t.len() < 12) {
                anyhow::bail!("{flag} must be at least 12 characters");
            }
        }
        if self.max_concurrency == 0 || self.request_timeout_ms == 0 {
            anyhow::bail!("--max-concurrency and --request-timeout-ms must be above 0");
        }
        Ok(())
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
                anyhow::bail!("--sessions must be memory or redis://HOST:PORT/DB, not {other:?}")
            }
        })
    }

    /// The state of a server over `engine`, reading `corpus_dir` on reloads.
    pub fn state(
        &self,
        engine: Engine,
        corpus_dir: PathBuf,
        clock: Clock,
    ) -> anyhow::Result<AppState> {
        self.check()?;
        let dialogue = Dialogue::new(Arc::new(engine), self.store()?).with_clock(clock);
        let limits = Limits {
            max_concurrency: self.max_concurrency,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            rate_per_second: NonZeroU32::new(self.rate_per_second),
            rate_burst: NonZeroU32::new(self.rate_burst).unwrap_or(NonZeroU32::MIN),
        };
        let mut state = AppState::new(Arc::new(dialogue));
        state.desk_token = self.desk_token.as_deref().map(Arc::from);
        state.admin_token = self.admin_token.as_deref().map(Arc::from);
        state.allow_origins = self.allow_origin.clone();
        state.corpus_dir = corpus_dir;
        state.rate = RateLimit::new(&limits);
        state.limits = limits;
        let hosts: Vec<String> = self
            .mcp_allowed_host
            .iter()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
        if hosts.iter().any(|h| h == "*") {
            state.mcp_allowed_hosts.clear();
        } else if !hosts.is_empty() {
            state.mcp_allowed_hosts = hosts;
        }
        Ok(state)
    }
}
