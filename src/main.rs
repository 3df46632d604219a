//! The `concordat` binary: the command line (src/cli) is the whole of it.

fn main() -> std::process::ExitCode {
    concordat::cli::main()
}
