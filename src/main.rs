//! The `madoguchi` binary: parses the command line and hands over to [`madoguchi::cli`].

use std::process::ExitCode;

/// mimalloc: a query builds and drops many small objects (tantivy weights and scorers, one per
/// term clause), and the system allocator was a quarter of the search profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    madoguchi::cli::main()
}
