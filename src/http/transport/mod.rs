//! The hardened transport every answer passes through, whatever the area: accepting and
//! reading connections ([`listen`], with the answers written before axum sees a request in
//! [`own_answers`]), working out the client ([`client`]), the per-client and global limits
//! ([`guard`]), bearer tokens ([`auth`]), the headers every answer carries ([`headers`]), the
//! Host and Origin checks in front of `/mcp` ([`mcp_edge`]) and the request metrics
//! ([`metrics`]). Nothing here knows an API area.

pub(super) mod auth;
pub(super) mod client;
pub(super) mod guard;
pub(super) mod headers;
pub(super) mod listen;
pub(super) mod mcp_edge;
pub(super) mod metrics;
pub(super) mod own_answers;
