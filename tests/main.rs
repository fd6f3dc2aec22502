//! The one integration-test binary: corpus checks, analysis, retrieval, dialogue scenarios,
//! the HTTP API (in-process and over TCP), its limits and the real binary under hostile
//! traffic, the CLI and tidiness.

mod analysis;
mod api;
mod broken_records;
mod cli;
mod corpus;
mod dialogue;
mod faults;
mod golden;
mod hostile;
mod limits;
mod redis;
mod retrieval;
mod robustness;
mod server;
mod sources;
mod support;
mod tidy;
mod web;
