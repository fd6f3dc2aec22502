//! The `madoguchi` binary: parses the command line and hands over to [`madoguchi::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    madoguchi::cli::main()
}
