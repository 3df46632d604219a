//! `concordat completions SHELL` and `concordat man`: made from the same clap definitions as the command line,
//! so they never disagree with `--help`. Their output is the program's own text (no record, no name), written
//! as it is: a completion script needs its tabs and a man page its roff.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use super::Cli;

/// The completion script for `shell`, written to standard output.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<String> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "concordat", &mut out);
    write_stdout(&out)?;
    Ok(String::new())
}

/// The man page (roff): every command with its options, examples and exit codes.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    // One section per command, from the same definitions: its options and its help's examples and exit codes.
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let title = format!("CONCORDAT {}", sub.get_name().to_uppercase());
        let sub = sub.clone().bin_name(format!("concordat {}", sub.get_name()));
        let man = clap_mangen::Man::new(sub);
        out.extend_from_slice(format!(".SH \"{title}\"\n").as_bytes());
        man.render_description_section(&mut out)?;
        man.render_options_section(&mut out)?;
        man.render_subcommands_section(&mut out)?;
        man.render_extra_section(&mut out)?;
    }
    Ok(out)
}

/// `concordat man`: to standard output, or to the new file `out` (never over an existing file).
pub fn man(out: Option<&Path>) -> anyhow::Result<String> {
    let page = man_page()?;
    match out {
        None => {
            write_stdout(&page)?;
            Ok(String::new())
        }
        Some(p) => {
            crate::fsio::write_new(p, &page, None)?;
            Ok(format!(
                "The manual page was written to {}. Read it with: man {}",
                crate::fsio::shown(p),
                crate::fsio::shown(p)
            ))
        }
    }
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut so = std::io::stdout().lock();
    so.write_all(bytes)
        .and_then(|_| so.flush())
        .map_err(|e| anyhow::anyhow!("Cannot write to standard output: {e}"))
}
