//! The one integration-test binary: corpus checks, analysis, retrieval, CLI and tidiness.

mod analysis;
mod broken_records;
mod cli;
mod corpus;
mod retrieval;
mod support;
mod tidy;
