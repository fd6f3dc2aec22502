//! Who is asking: the client address of a request, as every per-client limit counts it. Only
//! from a peer listed with `--trusted-proxy` is the address read from `X-Forwarded-For` (or,
//! when that header is absent, `Forwarded`): the rightmost entry that is not itself a trusted
//! proxy, since everything left of it was written by the client and can say anything. IPv6
//! clients are counted by their /64, the block one household or office is given and within
//! which a single machine may pick any address it likes.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

/// A block of addresses, `ADDR/PREFIX`; a bare address is a block of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is inside the block (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = (usize::from(prefix / 8), prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net = canonical(
            addr.parse::<IpAddr>()
                .map_err(|_| format!("{s:?} is not an address or a block like 10.0.0.0/8"))?,
        );
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix must be a number from 0 to {max}"))?,
        };
        Ok(Self { net, prefix })
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// What a client is counted under: its IPv4 address, or its IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn of(ip: IpAddr) -> Self {
        match canonical(ip) {
            IpAddr::V6(v6) => {
                let s = v6.segments();
                Self(IpAddr::V6(Ipv6Addr::new(
                    s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                )))
            }
            v4 => Self(v4),
        }
    }
}

/// The client of a request: set on every request by [`identify`], read by the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address (never logged).
    pub addr: IpAddr,
    pub key: ClientKey,
}

impl Client {
    pub fn new(addr: IpAddr) -> Self {
        let addr = canonical(addr);
        Self {
            addr,
            key: ClientKey::of(addr),
        }
    }

    /// Without a peer address (a request handed to the router in-process) every request is one
    /// local client.
    fn local() -> Self {
        Self::new(IpAddr::from([127, 0, 0, 1]))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Client>()
            .copied()
            .unwrap_or_else(Client::local))
    }
}

/// The reverse proxies whose forwarding headers are believed (`--trusted-proxy`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[Cidr]>);

impl TrustedProxies {
    pub fn new(blocks: Vec<Cidr>) -> Self {
        Self(blocks.into())
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client address of a request that came from `peer`: `peer` itself unless it is a
    /// trusted proxy that says whom it forwards for.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        // Walk from the nearest hop outwards; the first address not of a trusted proxy is the
        // client. An entry that does not parse ends the walk: what lies left of it is unknown.
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = *ip;
                    if !self.contains(*ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

/// The hops a proxy reports, oldest first: `X-Forwarded-For` when present (what Caddy and
/// nginx set), else the `for=` parameters of `Forwarded` (RFC 7239). `None` for an entry that
/// is not an address (`unknown`, an obfuscated name, garbage).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let joined = |name: &str| -> Option<String> {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("\u{0}"))
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if let Some(xff) = joined("x-forwarded-for") {
        return xff.split(',').map(hop_address).collect();
    }
    let Some(fwd) = joined("forwarded") else {
        return Vec::new();
    };
    fwd.split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| hop_address(v))
            })
        })
        .collect()
}

/// One hop: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`, optionally
/// quoted.
fn hop_address(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    let inner = s.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok().map(canonical)
}

/// Middleware: works out the client of every request (see [`TrustedProxies::client`]) and
/// puts it in the request's extensions for the limits and the token checks.
pub(in crate::http) async fn identify(
    State(trusted): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    let client = match req.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) => Client::new(trusted.client(peer.ip(), req.headers())),
        None => Client::local(),
    };
    req.extensions_mut().insert(client);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_contain_what_they_should() {
        let cases = [
            ("10.0.0.0/8", "10.255.1.2", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.168.1.0/25", "192.168.1.127", true),
            ("192.168.1.0/25", "192.168.1.128", false),
            ("127.0.0.2", "127.0.0.2", true),
            ("127.0.0.2", "127.0.0.3", false),
            ("127.0.0.1", "::ffff:127.0.0.1", true),
            ("0.0.0.0/0", "8.8.8.8", true),
            ("0.0.0.0/0", "2001:db8::1", false),
            ("2001:db8::/32", "2001:db8:ffff::1", true),
            ("2001:db8::/32", "2001:db9::1", false),
            ("::1", "::1", true),
        ];
        for (block, addr, want) in cases {
            let c: Cidr = block.parse().unwrap();
            assert_eq!(c.contains(ip(addr)), want, "{block} ∋ {addr}");
        }
        for bad in ["", "10.0.0.0/33", "::/129", "example.com", "10.0.0.0/x"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad:?} is refused");
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let k = |s| ClientKey::of(ip(s));
        assert_eq!(k("2001:db8:1:2::1"), k("2001:db8:1:2:ffff::9"));
        assert_ne!(k("2001:db8:1:2::1"), k("2001:db8:1:3::1"));
        assert_eq!(k("::ffff:192.0.2.1"), k("192.0.2.1"));
        assert_ne!(k("192.0.2.1"), k("192.0.2.2"));
    }

    #[test]
    fn forwarding_headers_are_read_only_from_trusted_proxies() {
        let trusted = TrustedProxies::new(vec![
            "127.0.0.2".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ]);
        // (peer, headers, expected client)
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case<'_>] = &[
            (
                "127.0.0.3",
                &[("x-forwarded-for", "203.0.113.7")],
                "127.0.0.3",
            ),
            (
                "127.0.0.2",
                &[("x-forwarded-for", "203.0.113.7")],
                "203.0.113.7",
            ),
            ("127.0.0.2", &[], "127.0.0.2"),
            // A client's own claim on the left is ignored: the proxy appended the real one.
            (
                "127.0.0.2",
                &[("x-forwarded-for", "1.1.1.1, 203.0.113.7")],
                "203.0.113.7",
            ),
            // Trusted hops are skipped, nearest first.
            (
                "127.0.0.2",
                &[("x-forwarded-for", "203.0.113.7, 10.1.2.3")],
                "203.0.113.7",
            ),
            // Two header lines are one list.
            (
                "127.0.0.2",
                &[
                    ("x-forwarded-for", "1.1.1.1"),
                    ("x-forwarded-for", "203.0.113.8"),
                ],
                "203.0.113.8",
            ),
            ("127.0.0.2", &[("x-forwarded-for", "garbage")], "127.0.0.2"),
            (
                "127.0.0.2",
                &[("x-forwarded-for", "[2001:db8::5]:443")],
                "2001:db8::5",
            ),
            (
                "127.0.0.2",
                &[("forwarded", "for=192.0.2.60;proto=https;by=10.0.0.1")],
                "192.0.2.60",
            ),
            (
                "127.0.0.2",
                &[(
                    "forwarded",
                    r#"for=1.1.1.1, For="[2001:db8:cafe::17]:4711""#,
                )],
                "2001:db8:cafe::17",
            ),
            ("127.0.0.2", &[("forwarded", "for=unknown")], "127.0.0.2"),
            // X-Forwarded-For wins: a client-sent Forwarded passes through proxies untouched.
            (
                "127.0.0.2",
                &[
                    ("forwarded", "for=1.1.1.1"),
                    ("x-forwarded-for", "203.0.113.7"),
                ],
                "203.0.113.7",
            ),
        ];
        for (peer, headers, want) in cases {
            let mut map = HeaderMap::new();
            for (k, v) in *headers {
                map.append(*k, HeaderValue::from_str(v).unwrap());
            }
            assert_eq!(
                trusted.client(ip(peer), &map),
                ip(want),
                "peer {peer}, headers {headers:?}"
            );
        }
    }
}
