//! The command line: the outer shell. Only this folder knows clap. Each command's glue lives in a file of its
//! own here (arguments, who is signed in, which file to write, the one-line message); the work itself is done
//! by the library (`export`, `report`, `print`, `store::backup`, `demo`) through plain arguments.

mod backup;
mod demo;
mod export;
mod import;
mod period;
mod person;
mod print;
mod progress;
mod report;
mod setup;
mod shell;
mod sync;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use backup::{BackupArgs, RestoreArgs};
pub use demo::DemoArgs;
pub use export::ExportArgs;
pub use import::ImportArgs;
pub use period::PeriodArgs;
pub use person::PersonArgs;
pub use print::{PrintArgs, PrintWhat};
pub use report::{ReportArgs, ReportFormat};
pub use setup::SetupArgs;
pub use sync::SyncArgs;

/// The exit codes, at the end of every command's help.
macro_rules! exit_codes {
    () => {
        "Exit codes: 0 done; 1 failed, with a message saying what happened and what was kept; 2 a mistake in the \
         command line itself."
    };
}

const AFTER_HELP: &str = "\
Examples:
  concordat                                        open the app
  concordat --db /tmp/demo.db demo --children 12 --incidents 2000 --seed 1
  concordat export --as \"Pat Manager\" --week 2026-W47 --out /mnt/yos
  concordat report --as \"Alex Senior\" --quarter 2026-Q3 --format csv --out q3.csv
  echo \"$PASS\" | concordat print --as \"Sam Night\" --passphrase-stdin --handover
  concordat verify

Commands that show or change records (print, report, export, import, backup, restore) need --as NAME, your
name as on your account. The passphrase is asked on the terminal and not shown, or read as one line from
standard input with --passphrase-stdin; it is never taken from an argument or an environment variable.
verify and protocol check need no one.

Environment: CONCORDAT_DB (as --db), CONCORDAT_PROTOCOL (as --protocol), NO_COLOR (the app without colours).

Exit codes: 0 done; 1 failed, with a message saying what happened and what was kept; 2 a mistake in the
command line itself.";

#[derive(Debug, Parser)]
#[command(
    name = "concordat",
    version,
    about = "Guides children's home staff through their area's Concordat protocol and records the response.",
    long_about = None,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// The database file (default: concordat.db in the local data folder; or CONCORDAT_DB).
    #[arg(long, global = true, env = "CONCORDAT_DB", hide_env = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The area's protocol file, for the app (default: protocol.toml in the config folder, else the built-in
    /// one; or CONCORDAT_PROTOCOL).
    #[arg(long, env = "CONCORDAT_PROTOCOL", hide_env = true, value_name = "PATH")]
    pub protocol: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the database: integrity, the audit chain and its signatures, and every record against it (exit 0
    /// when sound).
    #[command(after_help = concat!("Examples:\n  concordat verify --db /srv/home/concordat.db\n  concordat verify --anchors /mnt/yos/oak-house\n\n", "No one needs to sign in: verify shows no record.\n\n", exit_codes!()))]
    Verify {
        /// Also check the file against the audit anchors in the weekly manifests under DIR (kept elsewhere): a
        /// rewritten or rolled-back audit trail is not sound.
        #[arg(long, value_name = "DIR")]
        anchors: Option<PathBuf>,
    },
    /// Work with protocol files.
    #[command(subcommand, after_help = concat!("Example:\n  concordat protocol check protocol.toml\n\n", exit_codes!()))]
    Protocol(ProtocolCommand),
    /// Write the handover sheet or one incident to a plain text file.
    #[command(after_help = concat!("Examples:\n  concordat print --as \"Sam Night\" --handover\n  concordat print --as \"Sam Night\" --incident 502 --out incident-502.txt\n\n", exit_codes!()))]
    Print(PrintArgs),
    /// Write the weekly file for the Youth Offending Service (managers).
    #[command(after_help = concat!("Examples:\n  concordat export --as \"Pat Manager\"                 last week, into the export folder\n  concordat export --as \"Pat Manager\" --week 2026-W47 --out /mnt/yos\n  concordat export --as \"Pat Manager\" --dry-run\n\n", exit_codes!()))]
    Export(ExportArgs),
    /// Read a JSON export into this database (managers; all or nothing; importing twice changes nothing).
    #[command(after_help = concat!("Example:\n  concordat import --as \"Pat Manager\" oak-house-2026-W47.json\n\n", exit_codes!()))]
    Import(ImportArgs),
    /// The measures for the home, the YOS and the Corporate Parenting Committee.
    #[command(after_help = concat!("Examples:\n  concordat report --as \"Alex Senior\"                  this quarter, on the screen\n  concordat report --as \"Alex Senior\" --week 2026-W47 --format csv --out w47.csv\n\n", exit_codes!()))]
    Report(ReportArgs),
    /// Make a realistic demonstration database in a new file (deterministic for a seed).
    #[command(after_help = concat!("Example:\n  concordat --db /tmp/demo.db demo --children 12 --incidents 2000 --seed 1\n\n--db is required and must name a new file: never the real database.\n\n", exit_codes!()))]
    Demo(DemoArgs),
    /// Copy the database to a backup file now (managers).
    #[command(after_help = concat!("Examples:\n  concordat backup --as \"Pat Manager\"\n  concordat backup --as \"Pat Manager\" --out /media/usb/\n\n", exit_codes!()))]
    Backup(BackupArgs),
    /// Set up a new database as a home or as a YOS, with its first manager (once per database).
    #[command(after_help = concat!("Examples:\n  echo \"$PASS\" | concordat --db /srv/oak/concordat.db setup --home \"Oak House\" --urn SC123456 --manager \"Pat Manager\" --passphrase-stdin\n  concordat setup --yos \"Northshire YOS\" --manager \"Kim Officer\"\n\nThe same checks as the first-run screen. A database that is already set up is refused and left as it was.\n\n", exit_codes!()))]
    Setup(SetupArgs),
    /// Replace the database with a backup (managers; checked first; the current database is kept aside).
    #[command(after_help = concat!("Example:\n  concordat restore --as \"Pat Manager\" backups/concordat-20261120-063000-daily.db\n\n", exit_codes!()))]
    Restore(RestoreArgs),
    /// Sync with the shared folder (managers). On a home: send every finished week not yet sent and read the
    /// YOS's receipts. On a YOS: read every home's new weekly sets, check them against their manifests, import
    /// them and write a receipt for each, then show which weeks arrived, are missing or late.
    #[command(after_help = concat!("Examples:\n  concordat sync --as \"Pat Manager\"                    into the sync folder set in Settings\n  concordat sync --as \"Kim Officer\" --folder /mnt/yos-share\n\n", exit_codes!()))]
    Sync(SyncArgs),
    /// Print the shell's completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = concat!("Examples:\n  concordat completions bash > ~/.local/share/bash-completion/completions/concordat\n  concordat completions zsh > ~/.zfunc/_concordat\n\n", exit_codes!()))]
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write it to a new file.
    #[command(after_help = concat!("Examples:\n  concordat man | man -l -\n  concordat man --out concordat.1\n\n", exit_codes!()))]
    Man {
        /// Write the page to this new file (never over an existing one) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Validate a protocol file; every problem is reported with its step and line.
    #[command(after_help = concat!("Examples:\n  concordat protocol check protocol.toml\n  concordat protocol check assets/london-protocol.toml\n\n", exit_codes!()))]
    Check {
        /// The protocol file (TOML).
        file: PathBuf,
    },
}

/// A mistake in the command line found after clap parsed it (two dates the wrong way round, no terminal to
/// ask a passphrase on): exit code 2, like clap's own.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Fail with exit code 2.
pub(crate) fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// The database path to use: --db / CONCORDAT_DB, else the local data folder.
pub fn db_path(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.db {
        Some(p) if p.as_os_str().is_empty() => Err(usage("--db was given an empty path.")),
        Some(p) => Ok(p.clone()),
        None => crate::store::default_db_path()
            .ok_or_else(|| anyhow::anyhow!("No data folder was found for this user: give --db PATH.")),
    }
}

/// Parse the process's arguments and run. clap's own mistakes exit 2 with its message, cleaned like every
/// other message (it repeats what was typed).
pub fn main() -> ExitCode {
    match parse_from(std::env::args_os()) {
        Ok(cli) => run(cli),
        Err(e) => {
            let text = crate::text::display(&e.render().to_string());
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}

/// The database a command reads: it must be there and hold something (opening an empty file would make it a
/// new, empty database).
pub(crate) fn existing_db(db: &Path, nothing_to: &str) -> anyhow::Result<()> {
    match std::fs::metadata(db) {
        Ok(m) if m.is_file() && m.len() > 0 => Ok(()),
        Ok(m) if m.is_file() => anyhow::bail!(
            "{} is empty (0 bytes): it holds no records, nothing to {nothing_to}. Nothing was changed.",
            crate::fsio::shown(db)
        ),
        Ok(_) => anyhow::bail!(
            "{} is not a database file: nothing to {nothing_to}.",
            crate::fsio::shown(db)
        ),
        Err(_) => anyhow::bail!(
            "There is no database at {}: nothing to {nothing_to}.",
            crate::fsio::shown(db)
        ),
    }
}

/// Parse a command line. `--protocol` is the app's: given with a command (where it would be ignored) it is a
/// mistake; `CONCORDAT_PROTOCOL` is still read by the app and ignored by the commands.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = Cli::command();
    let m = cmd.try_get_matches_from_mut(args)?;
    if m.subcommand().is_some() && m.value_source("protocol") == Some(ValueSource::CommandLine) {
        return Err(cmd.error(
            clap::error::ErrorKind::ArgumentConflict,
            "--protocol is for the app only (concordat --protocol FILE): the commands do not use it. To check a \
             protocol file: concordat protocol check FILE.",
        ));
    }
    Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd))
}

/// Run the command line. Prints one plain message; the exit code says whether it worked.
pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        None => match db_path(&cli) {
            Ok(db) => {
                return crate::ui::run_app(&crate::ui::AppOptions {
                    db,
                    protocol: cli.protocol.clone(),
                });
            }
            Err(e) => Err(e),
        },
        Some(Command::Verify { anchors }) => {
            db_path(&cli).and_then(|db| progress::shown(|| verify::verify(&db, anchors.as_deref())))
        }
        Some(Command::Protocol(ProtocolCommand::Check { file })) => verify::protocol_check(file),
        Some(Command::Print(a)) => db_path(&cli).and_then(|db| print::run(&db, a)),
        Some(Command::Export(a)) => db_path(&cli).and_then(|db| progress::shown(|| export::run(&db, a))),
        Some(Command::Import(a)) => db_path(&cli).and_then(|db| progress::shown(|| import::run(&db, a))),
        Some(Command::Report(a)) => db_path(&cli).and_then(|db| report::run(&db, a)),
        Some(Command::Demo(a)) => progress::shown(|| demo::run(cli.db.as_deref(), a)),
        Some(Command::Backup(a)) => db_path(&cli).and_then(|db| progress::shown(|| backup::run(&db, a))),
        Some(Command::Restore(a)) => db_path(&cli).and_then(|db| progress::shown(|| backup::restore(&db, a))),
        Some(Command::Completions { shell }) => shell::completions(*shell),
        Some(Command::Man { out }) => shell::man(out.as_deref()),
        Some(Command::Setup(a)) => db_path(&cli).and_then(|db| setup::run(&db, a)),
        Some(Command::Sync(a)) => db_path(&cli).and_then(|db| progress::shown(|| sync::run(&db, a))),
    };
    match result {
        Ok(msg) => {
            if !msg.is_empty() {
                println!("{}", say(&msg));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("concordat: {}", say(&format!("{e:#}")));
            // Noted in the log beside an existing database (never a message's text: the kind of problem only).
            if let Ok(db) = db_path(&cli)
                && db.parent().is_some_and(|d| d.as_os_str().is_empty() || d.is_dir())
                && db.is_file()
            {
                crate::log::record(&db, command_name(&cli), crate::log::kind_of(&e));
            }
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// The command's name, for the log.
fn command_name(cli: &Cli) -> &'static str {
    match &cli.command {
        None => "app",
        Some(Command::Verify { .. }) => "verify",
        Some(Command::Protocol(_)) => "protocol-check",
        Some(Command::Print(_)) => "print",
        Some(Command::Export(_)) => "export",
        Some(Command::Import(_)) => "import",
        Some(Command::Report(_)) => "report",
        Some(Command::Demo(_)) => "demo",
        Some(Command::Backup(_)) => "backup",
        Some(Command::Restore(_)) => "restore",
        Some(Command::Setup(_)) => "setup",
        Some(Command::Sync(_)) => "sync",
        Some(Command::Completions { .. }) => "completions",
        Some(Command::Man { .. }) => "man",
    }
}

/// Every message a command prints passes through here: file names, staff names from audit rows and record text
/// are cleaned of anything a terminal would act on (newlines kept: a report prints several lines).
pub(crate) fn say(msg: &str) -> String {
    crate::text::display(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn protocol_is_for_the_app_only() {
        let ok = parse_from(["concordat", "--protocol", "p.toml"]).unwrap();
        assert_eq!(ok.protocol.as_deref(), Some(std::path::Path::new("p.toml")));
        assert!(ok.command.is_none());
        let e = parse_from(["concordat", "--protocol", "p.toml", "verify"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("app only"), "{e}");
        let e = parse_from(["concordat", "verify", "--protocol", "p.toml"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let ok = parse_from(["concordat", "--db", "x.db", "verify"]).unwrap();
        assert!(ok.db.is_some());
        let ok = parse_from(["concordat", "verify", "--db", "x.db"]).unwrap();
        assert!(ok.db.is_some());
    }
}
