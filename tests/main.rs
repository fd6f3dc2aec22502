//! The one integration-test binary: corpus checks, analysis, retrieval, dialogue scenarios,
//! the HTTP API (in-process and over TCP), its limits and the real binary under hostile
//! traffic, the MCP tools, the CLI and tidiness.

mod analysis;
mod api;
mod broken_records;
mod cli;
mod corpus;
mod dialogue;
mod durability;
mod edges;
mod faults;
mod flood;
mod golden;
mod hidden;
mod hostile;
mod language_edges;
mod languages;
mod limits;
mod line;
mod mcp;
mod multilingual;
mod periods;
mod redis;
mod retrieval;
mod robustness;
mod scope;
mod seam;
mod server;
mod shortlist;
mod sources;
mod storage;
mod support;
mod tidy;
mod web;
