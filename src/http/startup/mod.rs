//! Starting the service: [`config`] turns the flags of `madoguchi serve` into the running
//! service's state (the session store, the database, the dialogue, the LINE channel), and
//! [`serve`] binds, serves (see `transport::listen`) until Ctrl-C or SIGTERM, drains requests in
//! flight within the shutdown deadline, and runs the background work of a running server
//! (SIGHUP reloads, session-store upkeep, forgetting idle per-client entries).

pub(super) mod config;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::transport::listen;
use super::{AppState, reload};

/// How often personal data past the retention period is deleted (and once at start-up).
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Runs the server on `addr` until Ctrl-C or SIGTERM, then drains in-flight requests for at
/// most the shutdown timeout. SIGHUP reloads the corpus (see [`reload`]).
pub async fn serve(state: AppState, addr: SocketAddr, started: Instant) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    // The signal handlers are in place before the server says it listens, so that a signal
    // sent as soon as it does is not taken for the default action (SIGHUP would end it).
    let shutdown = shutdown_signal();
    spawn_housekeeping(state.clone());
    tracing::info!(
        "madoguchi listening on http://{local} (start-up {:.1} ms, {} programs)",
        started.elapsed().as_secs_f64() * 1000.0,
        state.dialogue.engine().corpus.programs.len()
    );
    let database = state.database.clone();
    let served = listen::run(listener, state, shutdown).await;
    if let Some(db) = database
        && let Err(e) = db.journal().flush(Duration::from_secs(2)).await
    {
        tracing::warn!("records not yet written at shutdown are lost: {e}");
    }
    served
}

/// Background work of a running server: session-store and database upkeep every second
/// (health recovers within a second of either coming back, even without traffic), the
/// retention purge hourly, the per-client limits forgetting idle clients once a minute, and
/// SIGHUP reloads.
fn spawn_housekeeping(state: AppState) {
    let dialogue = state.dialogue.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            dialogue.sessions().maintain().await;
        }
    });
    if let Some(db) = state.database.clone() {
        let days = state.retention_days;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut last_purge: Option<Instant> = None;
            loop {
                tick.tick().await;
                db.maintain().await;
                if last_purge.is_none_or(|t| t.elapsed() >= PURGE_EVERY) && db.is_healthy() {
                    match db.purge(crate::database::now(), days).await {
                        Ok(p) => {
                            last_purge = Some(Instant::now());
                            if p != Default::default() {
                                tracing::info!("retention ({days} days): deleted {p:?}");
                            }
                        }
                        Err(e) => tracing::warn!("retention: {e}; retrying"),
                    }
                }
            }
        });
    }
    let per_client = state.per_client.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            per_client.prune();
        }
    });
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("SIGHUP cannot be watched here; use POST /api/v1/admin/reload");
            return;
        };
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                let s = state.clone();
                // The result is logged inside `reload`; a refused reload leaves the old corpus.
                let _ = tokio::task::spawn_blocking(move || reload(&s)).await;
            }
        });
    }
}

/// Resolves on Ctrl-C or SIGTERM; the SIGTERM handler is installed when this is called, not
/// when it is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
