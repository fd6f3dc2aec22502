//! The real binary under hostile traffic, every byte on loopback; other source addresses in
//! 127.0.0.0/8 stand for other clients. Stalled headers and stalled bodies from eight addresses
//! each still leave a normal client its answers within 2 s; stalled connections are closed
//! within their timeouts; SIGTERM with stalled connections open exits within the deadline;
//! `X-Forwarded-For` is believed only from a trusted proxy; a 429 to another site carries its
//! CORS header; every answer carries the headers browsers expect; the staff token can come
//! from a file, and a wrong one is logged without itself. Every test is bounded in connections
//! and time.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use crate::faults::{Server, request};
use crate::support::{Report, root};

/// A connection to `to` from the loopback address `from`.
pub(crate) fn connect(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let s = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    s.bind(&SocketAddr::from((from, 0)).into())
        .expect("loopback addresses bind without setup on Linux");
    s.connect_timeout(&to.into(), Duration::from_secs(5))
        .expect("the server accepts");
    s.into()
}

/// One `GET` from `from` with extra headers; (status, head and body as text).
fn get(from: [u8; 4], to: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = connect(from, to);
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {to}\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    read_all(s, Duration::from_secs(5))
}

pub(crate) fn read_all(mut s: TcpStream, within: Duration) -> (u16, String) {
    s.set_read_timeout(Some(within)).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text)
}

/// Whether the answer's head has `name: value…` (names as hyper writes them, lower case).
fn has_header(text: &str, name: &str, value_part: &str) -> bool {
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    head.lines()
        .any(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")) && l.contains(value_part))
}

/// The value of one metric line (`name{labels}`), 0 when absent.
pub(crate) fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Waits until the server's metrics satisfy `ready`.
fn wait_metrics(to: SocketAddr, what: &str, ready: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, text) = request(to, "GET", "/metrics", "");
        if ready(&text) {
            return;
        }
        assert!(Instant::now() < deadline, "never saw {what} in\n{text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Lets this test process hold several hundred sockets whatever its soft limit.
fn raise_open_files() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let l = getrlimit(Resource::Nofile);
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: l.maximum,
                maximum: l.maximum,
            },
        );
    }
}

#[test]
fn stalled_headers_and_bodies_from_eight_addresses_leave_room_for_a_normal_client() {
    raise_open_files();
    let server = Server::start(&root().join("corpus"), &[]);
    let to = server.addr;
    let mut held = Vec::new();
    for a in 0..8u8 {
        for _ in 0..36 {
            // Headers that never end.
            let mut s = connect([127, 0, 0, 10 + a], to);
            let _ = s.write_all(b"GET /api/v1/programs HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            held.push(s);
            // A body that never ends.
            let mut s = connect([127, 0, 0, 30 + a], to);
            let _ = s.write_all(
                b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"message\":",
            );
            held.push(s);
        }
    }
    // Per address at most 32 connections are open (the rest are closed at accept) and at most
    // 16 requests in flight (the rest are answered 429 at once). So of the 576, the 256 stalled
    // heads and 128 stalled bodies are held, and the other 192 are refused or answered 429 (a
    // connection answered 429 may close and free its place for a later one: hence the sum).
    wait_metrics(to, "every stalled connection handled", |m| {
        metric(
            m,
            r#"madoguchi_connections_refused_total{reason="per_address"}"#,
        ) + metric(
            m,
            r#"madoguchi_http_requests_total{route="/api/v1/chat",status="429"}"#,
        ) >= 192.0
    });
    for path in ["/healthz", "/api/v1/programs"] {
        let start = Instant::now();
        let (status, text) = get([127, 0, 0, 1], to, path, &[]);
        let took = start.elapsed();
        assert_eq!(
            status, 200,
            "{path} with 576 stalled connections open: {text}"
        );
        assert!(took < Duration::from_secs(2), "{path} took {took:?}");
    }
    drop(held);
}

/// How a stalled connection ended (closed, or answered with a status), and when.
fn ended(mut s: TcpStream, start: Instant) -> (Duration, String) {
    s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let took = start.elapsed();
    let how = match String::from_utf8_lossy(&out).get(9..12) {
        Some(code) => format!("answered {code}"),
        None => "closed".to_string(),
    };
    (took, how)
}

#[test]
fn stalled_connections_are_closed_within_the_timeouts() {
    let server = Server::start(
        &root().join("corpus"),
        &[
            "--header-timeout-ms",
            "3000",
            "--idle-timeout-ms",
            "500",
            "--body-timeout-ms",
            "800",
            "--request-timeout-ms",
            "3000",
        ],
    );
    let to = server.addr;
    let silent = std::thread::spawn(move || {
        let start = Instant::now();
        ended(connect([127, 0, 0, 50], to), start)
    });
    let kept_alive = std::thread::spawn(move || {
        let mut s = connect([127, 0, 0, 51], to);
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        // Read the one answer (its length is in its head), then wait for the close.
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !answer_complete(&buf) {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        ended(s, Instant::now())
    });
    let trickled = std::thread::spawn(move || {
        let start = Instant::now();
        let mut s = connect([127, 0, 0, 52], to);
        // One byte of a head every 200 ms: never idle, never finished (130 bytes: 26 s at most).
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let head = b"GET /healthz HTTP/1.1\r\nX-Slow: "
            .iter()
            .chain([b'a'; 100].iter());
        for byte in head {
            if s.write_all(&[*byte]).is_err() {
                break;
            }
            match s.read(&mut [0u8; 64]) {
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                _ => break,
            }
        }
        (start.elapsed(), "closed".to_string())
    });
    let stalled_body = std::thread::spawn(move || {
        let start = Instant::now();
        let mut s = connect([127, 0, 0, 53], to);
        s.write_all(
            b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"message\":",
        )
        .unwrap();
        ended(s, start)
    });
    let mut report = Report::default();
    for (case, handle, expected, (low, high)) in [
        ("nothing sent (idle 600 ms)", silent, "closed", (0.4, 3.0)),
        (
            "kept alive after an answer (idle 600 ms)",
            kept_alive,
            "closed",
            (0.4, 3.0),
        ),
        (
            "a head trickled byte by byte (headers 1,500 ms)",
            trickled,
            "closed",
            (1.2, 5.0),
        ),
        (
            "a stalled body (body 800 ms)",
            stalled_body,
            "answered 408",
            (0.6, 3.0),
        ),
    ] {
        let (took, how) = handle.join().unwrap();
        let s = took.as_secs_f64();
        report.check(
            how == expected && (low..high).contains(&s),
            case,
            &format!("{expected} after {low}–{high} s"),
            &format!("{how} after {s:.2} s"),
            "see http::transport::listen (header and idle timeouts) and guard::read_body",
        );
    }
    report.finish("stalled connections");
}

/// Whether `buf` holds a whole answer with a `content-length`.
fn answer_complete(buf: &[u8]) -> bool {
    let text = String::from_utf8_lossy(buf);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")?
                .trim()
                .parse::<usize>()
                .ok()
        })
        .is_some_and(|n| body.len() >= n)
}

#[test]
fn sigterm_with_stalled_connections_open_exits_within_the_deadline() {
    let mut server = Server::start(
        &root().join("corpus"),
        &[
            "--shutdown-timeout-ms",
            "1000",
            "--header-timeout-ms",
            "30000",
            "--idle-timeout-ms",
            "30000",
            "--body-timeout-ms",
            "20000",
            "--request-timeout-ms",
            "25000",
        ],
    );
    let to = server.addr;
    let mut head = connect([127, 0, 0, 60], to);
    head.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Half: ")
        .unwrap();
    let mut body = connect([127, 0, 0, 61], to);
    body.write_all(
        b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"message\":",
    )
    .unwrap();
    // Both connections and the metrics request itself.
    wait_metrics(to, "three open connections", |m| {
        metric(m, "madoguchi_open_connections") >= 3.0
    });
    let start = Instant::now();
    server.signal("-TERM");
    // The half-sent head has no request in flight: it is closed at once.
    let (head_closed, _) = ended(head, start);
    assert!(
        head_closed < Duration::from_millis(900),
        "the half-sent head was closed {head_closed:?} after SIGTERM"
    );
    let deadline = start + Duration::from_secs(8);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 8 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    assert!(exit.success(), "{exit:?}");
    // The request in flight held the exit until the 1 s deadline, and not much longer.
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "exited {took:?} after SIGTERM"
    );
    server.wait_log("shutdown deadline");
    drop(body);
}

#[test]
fn x_forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let server = Server::start(
        &root().join("corpus"),
        &[
            "--trusted-proxy",
            "127.0.0.2",
            "--rate-per-second",
            "1",
            "--rate-burst",
            "2",
        ],
    );
    let (proxy, other) = ([127, 0, 0, 2], [127, 0, 0, 3]);
    let mut report = Report::default();
    // (case, from, X-Forwarded-For of each request, expected statuses)
    type Case<'a> = (&'a str, [u8; 4], &'a [&'a str], &'a [u16]);
    let cases: &[Case<'_>] = &[
        (
            "through the proxy, three clients, two requests each",
            proxy,
            &[
                "203.0.113.1",
                "203.0.113.1",
                "203.0.113.2",
                "203.0.113.2",
                "1.1.1.1, 203.0.113.3",
                "203.0.113.3",
            ],
            &[200, 200, 200, 200, 200, 200],
        ),
        (
            "through the proxy, one client, three requests",
            proxy,
            &["203.0.113.9", "203.0.113.9", "203.0.113.9"],
            &[200, 200, 429],
        ),
        (
            "not a proxy: the header is ignored",
            other,
            &["203.0.113.21", "203.0.113.22", "203.0.113.23"],
            &[200, 200, 429],
        ),
        (
            "through the proxy, three addresses of one IPv6 /64",
            proxy,
            &["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:abcd::3"],
            &[200, 200, 429],
        ),
        (
            "through the proxy, the next /64",
            proxy,
            &["2001:db8:1:3::1"],
            &[200],
        ),
    ];
    for (case, from, forwarded, expected) in cases {
        let got: Vec<u16> = forwarded
            .iter()
            .map(|xff| {
                get(
                    *from,
                    server.addr,
                    "/api/v1/programs",
                    &[("X-Forwarded-For", xff)],
                )
                .0
            })
            .collect();
        report.check(
            got == *expected,
            case,
            &format!("{expected:?}"),
            &format!("{got:?}"),
            "see http::transport::client::TrustedProxies::client",
        );
    }
    report.finish("trusted proxies");
}

#[test]
fn a_429_to_another_site_carries_cors_and_every_answer_the_headers_browsers_expect() {
    let dir = tempfile::tempdir().unwrap();
    let token = "staff-token-from-a-file";
    let file = dir.path().join("desk-token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let server = Server::start(
        &root().join("corpus"),
        &[
            "--allow-origin",
            "https://shokokai.example.jp",
            "--rate-per-second",
            "1",
            "--rate-burst",
            "1",
            "--desk-token-file",
            file.to_str().unwrap(),
        ],
    );
    let to = server.addr;
    let origin = [("Origin", "https://shokokai.example.jp")];
    let (status, first) = get([127, 0, 0, 70], to, "/api/v1/programs", &origin);
    assert_eq!(status, 200, "{first}");
    let (status, limited) = get([127, 0, 0, 70], to, "/api/v1/programs", &origin);
    assert_eq!(status, 429, "{limited}");
    for (name, value) in [
        ("access-control-allow-origin", "https://shokokai.example.jp"),
        ("access-control-expose-headers", "retry-after"),
        ("retry-after", "1"),
    ] {
        assert!(
            has_header(&limited, name, value),
            "{name} on the 429:\n{limited}"
        );
    }

    // Each check from its own address, under the one-request burst.
    let bearer = format!("Bearer {token}");
    // (path, request headers, expected status, expected headers)
    type Headers<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(&str, Headers<'_>, u16, Headers<'_>)] = &[
        (
            "/desk",
            &[],
            200,
            &[
                ("content-security-policy", "default-src 'self'"),
                ("content-security-policy", "frame-ancestors 'none'"),
            ],
        ),
        (
            "/demo",
            &[],
            200,
            &[
                ("content-security-policy", "default-src 'self'"),
                ("x-content-type-options", "nosniff"),
            ],
        ),
        (
            "/healthz",
            &[],
            200,
            &[
                ("x-content-type-options", "nosniff"),
                ("referrer-policy", "no-referrer"),
                ("x-frame-options", "DENY"),
            ],
        ),
        (
            "/widget.js",
            &[],
            200,
            &[
                ("x-content-type-options", "nosniff"),
                ("referrer-policy", "no-referrer"),
            ],
        ),
        (
            "/api/v1/programs",
            &[],
            200,
            &[
                ("content-security-policy", "default-src 'none'"),
                ("x-content-type-options", "nosniff"),
            ],
        ),
        (
            "/no-such-page",
            &[],
            404,
            &[("x-content-type-options", "nosniff")],
        ),
        (
            "/api/v1/desk/unanswered",
            &[],
            401,
            &[
                ("www-authenticate", "Bearer realm="),
                ("cache-control", "no-store"),
            ],
        ),
        (
            "/api/v1/desk/unanswered",
            &[("Authorization", &bearer)],
            200,
            &[("cache-control", "no-store")],
        ),
    ];
    let mut report = Report::default();
    for (i, (path, headers, want_status, want)) in cases.iter().enumerate() {
        let (status, text) = get([127, 0, 0, 80 + i as u8], to, path, headers);
        let missing: Vec<String> = want
            .iter()
            .filter(|(n, v)| !has_header(&text, n, v))
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        report.check(
            status == *want_status && missing.is_empty(),
            path,
            &format!("{want_status} with {want:?}"),
            &format!("{status}, missing {missing:?}"),
            "see http::headers and http::web",
        );
    }
    report.finish("headers");

    // A wrong token is logged at warn, without the token and without the address.
    let wrong = "not-the-staff-token-42";
    let (status, _) = get(
        [127, 0, 0, 99],
        to,
        "/api/v1/desk/unanswered",
        &[("Authorization", &format!("Bearer {wrong}"))],
    );
    assert_eq!(status, 401);
    let line = server.wait_log("a wrong token was sent");
    assert!(line.contains("WARN"), "{line}");
    assert!(
        !line.contains(wrong) && !line.contains("127.0.0.99"),
        "{line}"
    );
    // The token from the file is nowhere on the command line.
    #[cfg(target_os = "linux")]
    {
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", server.child.id())).unwrap();
        assert!(!String::from_utf8_lossy(&cmdline).contains(token));
    }
}
