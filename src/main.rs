//! The `concordat` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    concordat::cli::run(concordat::cli::Cli::parse())
}
