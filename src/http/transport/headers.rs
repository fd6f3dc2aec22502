//! The headers every answer carries, whatever produced it (a handler, a limit, a panic): no
//! content sniffing, no referrer, no framing, a locked-down Content-Security-Policy unless the
//! page set its own (`/desk`, `/demo`: see `web`), and `Cache-Control: no-store` where an answer
//! holds a conversation or staff data. And the request id: a client's `X-Request-Id` is kept
//! only in a plain shape (it ends up in every log line of the request), else replaced.

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of an answer that is not a page (JSON, scripts, styles, the icon): it may load
/// nothing and be framed nowhere, so even a JSON body opened as a document cannot run anything.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// Longest request id accepted from a client: a UUID is 36, a W3C trace id 32.
const MAX_REQUEST_ID: usize = 64;
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Answers under these paths hold a conversation, staff data or an operator's result: a
/// shared cache or the browser's history must not keep them.
fn private(path: &str) -> bool {
    path == "/api/v1/chat"
        || path.starts_with("/api/v1/desk/")
        || path.starts_with("/api/v1/admin/")
}

/// Middleware: the security headers of every answer.
pub(in crate::http) async fn security(req: Request, next: Next) -> Response {
    let private = private(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // For browsers that predate `frame-ancestors`.
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(API_CSP));
    if private {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A request id in a shape that is safe to log: letters, digits and `-_.:`, at most 64.
fn acceptable(id: &HeaderValue) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_REQUEST_ID
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(c))
}

/// Middleware: keeps a client's request id of a safe shape, else sets a new one, and returns it
/// on the answer.
pub(in crate::http) async fn request_id(mut req: Request, next: Next) -> Response {
    let id = match req.headers().get(&X_REQUEST_ID) {
        Some(v) if acceptable(v) => v.clone(),
        _ => {
            let fresh = uuid::Uuid::new_v4().hyphenated().to_string();
            let v = HeaderValue::from_str(&fresh).unwrap_or(HeaderValue::from_static("-"));
            req.headers_mut().insert(X_REQUEST_ID, v.clone());
            v
        }
    };
    let mut res = next.run(req).await;
    res.headers_mut().insert(X_REQUEST_ID, id);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_request_ids_are_kept() {
        for ok in [
            "3f2b8c1e-9d4a-4e2b-8f1a-2c3d4e5f6a7b",
            "0af7651916cd43dd8448eb211c80319c",
            "req.42:a_b",
        ] {
            assert!(acceptable(&HeaderValue::from_static(ok)), "{ok}");
        }
        let long = "a".repeat(MAX_REQUEST_ID + 1);
        for bad in ["", "a b", "x\"y", "<script>", "id=1;drop", long.as_str()] {
            assert!(!acceptable(&HeaderValue::from_str(bad).unwrap()), "{bad}");
        }
    }
}
