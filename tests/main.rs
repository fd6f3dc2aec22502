//! The one integration-test binary: corpus checks, analysis, retrieval, dialogue scenarios,
//! the HTTP API (in-process and over TCP), its limits and the real binary under hostile
//! traffic, the MCP tools, the CLI and tidiness.

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
mod mcp;
mod periods;
mod redis;
mod retrieval;
mod robustness;
mod scope;
mod server;
mod shortlist;
mod sources;
mod storage;
mod support;
mod tidy;
mod web;
