//! Running the server: bind, serve until Ctrl-C or SIGTERM, drain requests in flight, and the
//! background work of a running server (SIGHUP reloads, session-store upkeep, forgetting idle
//! rate-limit entries).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{AppState, app, reload};

/// Runs the server on `addr` until Ctrl-C or SIGTERM, then drains in-flight requests. SIGHUP
/// reloads the corpus (see [`reload`]).
pub async fn serve(state: AppState, addr: SocketAddr, started: Instant) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    // Watch SIGHUP before saying we listen: a reload signal sent right after that line must
    // not meet the default action (which ends the process).
    #[cfg(unix)]
    let hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    #[cfg(not(unix))]
    let hup = None::<()>;
    tracing::info!(
        "madoguchi listening on http://{local} (start-up {:.1} ms, {} programs)",
        started.elapsed().as_secs_f64() * 1000.0,
        state.dialogue.engine().corpus.programs.len()
    );
    spawn_housekeeping(state.clone(), hup);
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// Background work of a running server: session-store upkeep every second (health recovers
/// within a second of a shared store coming back, even without traffic), the rate limiter
/// forgetting idle clients once a minute, and SIGHUP reloads.
#[cfg(unix)]
type Hangup = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangup = Option<()>;

fn spawn_housekeeping(state: AppState, hup: Hangup) {
    let dialogue = state.dialogue.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            dialogue.sessions().maintain().await;
        }
    });
    let rate = state.rate.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            rate.prune();
        }
    });
    #[cfg(not(unix))]
    let _ = (hup, state);
    #[cfg(unix)]
    tokio::spawn(async move {
        let Some(mut hup) = hup else {
            tracing::warn!("SIGHUP cannot be watched here; use POST /api/v1/admin/reload");
            return;
        };
        while hup.recv().await.is_some() {
            let s = state.clone();
            // The result is logged inside `reload`; a refused reload leaves the old corpus.
            let _ = tokio::task::spawn_blocking(move || reload(&s)).await;
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
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
