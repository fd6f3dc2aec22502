//! The browser-facing assets, built into the binary: the embeddable chat widget, the demo page
//! that embeds it as a customer would, and the help-desk console's page, script and styles.
//! The two pages carry their own Content-Security-Policy (every other answer gets the API's,
//! from `headers`): only this origin's scripts run, and neither page can be framed.

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http::AppState;

const WIDGET_JS: &str = include_str!("../../../web/widget.js");
const DEMO_HTML: &str = include_str!("../../../web/demo.html");
pub(in crate::http) const DESK_HTML: &str = include_str!("../../../web/desk.html");
const DESK_JS: &str = include_str!("../../../web/desk.js");
const DESK_CSS: &str = include_str!("../../../web/desk.css");
const FAVICON_SVG: &str = include_str!("../../../web/favicon.svg");

/// The console: its own script, styles and API only; inline scripts and styles do not run, so a
/// quote that slipped past the text-node rendering still could not execute.
const DESK_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// The demo page: as strict, except styles: the page has its own `<style>` (as a 商工会 site
/// would) and the widget puts one into its Shadow DOM.
const DEMO_CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub(in crate::http) fn router() -> Router<AppState> {
    Router::new()
        .route("/widget.js", get(widget))
        .route("/demo", get(demo))
        .route("/desk.js", get(desk_js))
        .route("/desk.css", get(desk_css))
        .route("/favicon.svg", get(favicon))
        // Browsers ask for /favicon.ico whatever the page says: the same icon, not a 404.
        .route("/favicon.ico", get(favicon))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Short caching: a new release is picked up within five minutes.
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

pub(in crate::http) async fn widget() -> Response {
    asset("application/javascript; charset=utf-8", WIDGET_JS)
}

/// A page with its policy.
fn page(csp: &'static str, body: &'static str) -> Response {
    let mut res = asset("text/html; charset=utf-8", body);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(csp),
    );
    res
}

pub(in crate::http) async fn demo() -> Response {
    page(DEMO_CSP, DEMO_HTML)
}

pub(in crate::http) fn desk_page() -> Response {
    page(DESK_CSP, DESK_HTML)
}

pub(in crate::http) async fn desk_js() -> Response {
    asset("application/javascript; charset=utf-8", DESK_JS)
}

pub(in crate::http) async fn desk_css() -> Response {
    asset("text/css; charset=utf-8", DESK_CSS)
}

pub(in crate::http) async fn favicon() -> Response {
    asset("image/svg+xml", FAVICON_SVG)
}

/// Size of the widget script in bytes (reported by `madoguchi check` and the closing notes).
pub fn widget_bytes() -> usize {
    WIDGET_JS.len()
}
