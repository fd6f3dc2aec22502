//! What stands in front of `/mcp`: the `Host` check against DNS rebinding and the `Origin`
//! check against other sites' pages, each a 403 with the API's JSON error body, and the JSON
//! body for the errors the MCP library answers in plain text itself (a wrong method, a missing
//! `Accept`, an unsupported protocol version …). Its JSON-RPC errors are JSON already and pass
//! as they are.
//!
//! A request without `Origin` is allowed: MCP clients that are not browsers send none. An
//! `Origin` is allowed when it is one of `--allow-origin`, or when its host is one of
//! `--mcp-allowed-host` (with the port, when the entry names one); with `--mcp-allowed-host '*'`
//! (any `Host`), only `--allow-origin` and the server's own origin (the `Host` asked for).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::http::{ApiError, AppState};

/// The most of a plain-text error body that is read to put into the JSON one (the library's
/// messages are one line).
const MAX_PLAIN_ERROR_BYTES: usize = 1024;

/// What `/mcp` accepts, taken from the configuration once.
#[derive(Debug, Clone)]
pub(in crate::http) struct Allowed {
    /// `--mcp-allowed-host` as (host, port if named); empty: any host.
    hosts: Vec<(String, Option<u16>)>,
    /// `--allow-origin`, each as (scheme, host, port).
    origins: Vec<(String, String, u16)>,
}

impl Allowed {
    pub(in crate::http) fn new(state: &AppState) -> Self {
        Self {
            hosts: state
                .mcp_allowed_hosts
                .iter()
                .filter_map(|h| allowed_host(h.trim()))
                .collect(),
            origins: state
                .allow_origins
                .iter()
                .filter_map(|o| origin(o.trim()))
                .collect(),
        }
    }

    fn host_allowed(&self, host: &str, port: Option<u16>) -> bool {
        self.hosts.is_empty()
            || self
                .hosts
                .iter()
                .any(|(h, p)| *h == host && p.is_none_or(|p| Some(p) == port))
    }

    fn origin_allowed(&self, value: &str, asked: &(String, Option<u16>)) -> bool {
        let Some((scheme, host, port)) = origin(value) else {
            return false;
        };
        if self
            .origins
            .iter()
            .any(|o| (o.0.as_str(), o.1.as_str(), o.2) == (&scheme, &host, port))
        {
            return true;
        }
        if self.hosts.is_empty() {
            // Any Host is answered: only the origin of the host asked for is the server's own.
            return asked.0 == host && asked.1.is_none_or(|p| p == port);
        }
        self.hosts
            .iter()
            .any(|(h, p)| *h == host && p.is_none_or(|p| p == port))
    }
}

/// An entry of `--mcp-allowed-host`: `HOST[:PORT]`, or a bare IPv6 address (`::1`).
fn allowed_host(value: &str) -> Option<(String, Option<u16>)> {
    if value.is_empty() {
        return None;
    }
    authority(value).or_else(|| Some((host_of(value), None)))
}

/// `HOST[:PORT]`, the host lower-cased and without IPv6 brackets.
fn authority(value: &str) -> Option<(String, Option<u16>)> {
    let a = Authority::try_from(value).ok()?;
    Some((host_of(a.host()), a.port_u16()))
}

fn host_of(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// An origin `scheme://host[:port]` as (scheme, host, port), the port the scheme's default when
/// absent; `None` for anything else (`null`, a path, no host).
fn origin(value: &str) -> Option<(String, String, u16)> {
    let uri = Uri::try_from(value).ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    if uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
        return None;
    }
    let a = uri.authority()?;
    Some((scheme, host_of(a.host()), a.port_u16().unwrap_or(default)))
}

/// Middleware before `/mcp`: the Host and Origin checks, then JSON for the library's own
/// plain-text errors.
pub(in crate::http) async fn guard(
    State(allowed): State<Allowed>,
    req: Request,
    next: Next,
) -> Response {
    if let Err(e) = check(&allowed, &req) {
        return e.into_response();
    }
    json_errors(next.run(req).await).await
}

fn check(allowed: &Allowed, req: &Request) -> Result<(), ApiError> {
    let asked = match req.headers().get(header::HOST) {
        Some(h) => h.to_str().ok().and_then(authority),
        None => req
            .uri()
            .authority()
            .map(|a| (host_of(a.host()), a.port_u16())),
    }
    .ok_or(ApiError::BadHost)?;
    if !allowed.host_allowed(&asked.0, asked.1) {
        tracing::warn!("/mcp refused a Host that is not allowed (possible DNS rebinding)");
        return Err(ApiError::HostNotAllowed);
    }
    if let Some(o) = req.headers().get(header::ORIGIN)
        && !o.to_str().is_ok_and(|o| allowed.origin_allowed(o, &asked))
    {
        tracing::warn!("/mcp refused a request from another site's page (Origin not allowed)");
        return Err(ApiError::OriginNotAllowed);
    }
    Ok(())
}

/// An error answer of the MCP library that is not JSON becomes the API's JSON error body with
/// the same status and headers; its text is kept as the English message.
async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let limited = http_body_util::Limited::new(body, MAX_PLAIN_ERROR_BYTES);
    let text = match limited.collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).trim().to_string(),
        Err(_) => String::new(),
    };
    let mut json = ApiError::McpRefused {
        status,
        detail: text,
    }
    .into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = std::mem::replace(json.body_mut(), Body::empty());
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(hosts: &[&str], origins: &[&str]) -> Allowed {
        Allowed {
            hosts: hosts.iter().filter_map(|h| allowed_host(h)).collect(),
            origins: origins.iter().filter_map(|o| origin(o)).collect(),
        }
    }

    #[test]
    fn origins_are_allowed_by_host_list_or_origin_list() {
        let asked = ("localhost".to_string(), Some(8080));
        let a = allowed(
            &["localhost", "127.0.0.1", "::1"],
            &["https://shop.example.jp"],
        );
        for ok in [
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://[::1]:3000",
            "https://shop.example.jp",
            "https://shop.example.jp:443",
        ] {
            assert!(a.origin_allowed(ok, &asked), "{ok}");
        }
        for bad in [
            "https://evil.example",
            "null",
            "http://localhost.evil.example",
            "https://shop.example.jp:8443",
            "ftp://localhost",
            "http://localhost/path",
            "",
        ] {
            assert!(!a.origin_allowed(bad, &asked), "{bad}");
        }
        let ported = allowed(&["mcp.example.jp:8443"], &[]);
        assert!(ported.origin_allowed("https://mcp.example.jp:8443", &asked));
        assert!(!ported.origin_allowed("https://mcp.example.jp", &asked));
        // Any Host: only the server's own origin, and the listed ones.
        let any = allowed(&[], &[]);
        assert!(any.origin_allowed("http://localhost:8080", &asked));
        assert!(!any.origin_allowed("http://localhost:9090", &asked));
        assert!(!any.origin_allowed("https://evil.example", &asked));
        assert!(any.host_allowed("anything.example", None));
    }
}
