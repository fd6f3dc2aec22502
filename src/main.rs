//! The `madoguchi` binary: parses the command line and hands over to [`madoguchi::cli`].

use std::process::ExitCode;

/// mimalloc rather than the system allocator: a turn allocates and frees many small strings;
/// on one `benches/limit.sh` run each, a chat turn went from 427 to 294 µs of CPU and healthz
/// from 50 to 35 µs (benches/RESULTS-issue24.md). Built without transparent huge pages
/// (`no_thp`), which kept peak RSS under 100 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    madoguchi::cli::main()
}
