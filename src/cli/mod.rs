//! The command line: the app by default, and commands for scheduled tasks and checks.
//! Each command's work lives beside what it does (export in `export`, reports in `report`, …); this file
//! only defines the arguments and turns results into one-line messages and exit codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "concordat",
    version,
    about = "Guides children's home staff through their area's Concordat protocol and records the response.",
    long_about = None
)]
pub struct Cli {
    /// The database file (default: the local data folder). Also CONCORDAT_DB.
    #[arg(long, global = true, env = "CONCORDAT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The area's protocol file (default: protocol.toml in the config folder, else the built-in one).
    #[arg(long, global = true, env = "CONCORDAT_PROTOCOL", value_name = "PATH")]
    pub protocol: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the database: integrity, the audit chain and its signatures, and every record against it (exit 0
    /// when sound).
    Verify {
        /// Also check the file against the audit anchors in the weekly manifests under DIR (kept elsewhere): a
        /// rewritten or rolled-back audit trail is not sound.
        #[arg(long, value_name = "DIR")]
        anchors: Option<PathBuf>,
    },
    /// Work with protocol files.
    #[command(subcommand)]
    Protocol(ProtocolCommand),
    /// Write the handover sheet or one incident to a plain text file.
    Print(PrintArgs),
    /// Write the weekly file for the Youth Offending Service.
    Export(ExportArgs),
    /// Read a JSON export into this database (all or nothing; importing twice changes nothing).
    Import(ImportArgs),
    /// The measures for the home, the YOS and the Corporate Parenting Committee.
    Report(ReportArgs),
    /// Make a realistic demonstration database (deterministic for a seed).
    Demo(DemoArgs),
    /// Copy the database to a backup file now.
    Backup(BackupArgs),
    /// Replace the database with a backup (checked first; the current database is kept aside).
    Restore(RestoreArgs),
}

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Validate a protocol file; every problem is reported with its step and line.
    Check {
        /// The protocol file (TOML).
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct PrintWhat {
    /// The handover: since the last acknowledged handover, and everything outstanding.
    #[arg(long)]
    pub handover: bool,
    /// One incident, by its number as shown in the app.
    #[arg(long, value_name = "ID")]
    pub incident: Option<i64>,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    #[command(flatten)]
    pub what: PrintWhat,
    /// The text file to write (default: a name in the current folder, printed when done).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// An ISO week such as 2026-W47 (default: last week).
    #[arg(long, value_name = "WEEK", conflicts_with_all = ["from", "to"])]
    pub week: Option<String>,
    /// First day, e.g. 2026-11-16 or 16/11/2026.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day (inclusive).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// The folder to write to (default: the export folder setting).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Show the counts without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A JSON file written by `concordat export`.
    pub file: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An ISO week such as 2026-W47.
    #[arg(long, value_name = "WEEK", conflicts_with_all = ["quarter", "from", "to"])]
    pub week: Option<String>,
    /// A quarter such as 2026-Q3 (default: the current quarter).
    #[arg(long, value_name = "QUARTER", conflicts_with_all = ["from", "to"])]
    pub quarter: Option<String>,
    /// First day.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day (inclusive).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Write to this file instead of the screen.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many homes: this PC's home and others whose files a YOS imported. Children and incidents are
    /// shared between them.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub homes: u32,
    /// How many children (current and past), at least one per home.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub children: u32,
    /// How many incidents.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(0..=5_000_000))]
    pub incidents: u32,
    /// Seed: the same seed gives the same database.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (default: the backups folder beside the database).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    pub file: PathBuf,
}

/// The database path to use: --db / CONCORDAT_DB, else the local data folder.
pub fn db_path(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.db {
        Some(p) if p.as_os_str().is_empty() => anyhow::bail!("--db was given an empty path."),
        Some(p) => Ok(p.clone()),
        None => crate::store::default_db_path()
            .ok_or_else(|| anyhow::anyhow!("No data folder was found for this user: give --db PATH.")),
    }
}

/// Run the command line. Prints one plain message; the exit code says whether it worked.
pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        None => return crate::ui::run_app(&cli),
        Some(Command::Verify { anchors }) => verify(&cli, anchors.as_deref()),
        Some(Command::Protocol(ProtocolCommand::Check { file })) => protocol_check(file),
        Some(Command::Print(a)) => db_path(&cli).and_then(|db| crate::print::command(&db, a)),
        Some(Command::Export(a)) => db_path(&cli).and_then(|db| crate::export::command(&db, a)),
        Some(Command::Import(a)) => db_path(&cli).and_then(|db| crate::export::import::command(&db, a)),
        Some(Command::Report(a)) => db_path(&cli).and_then(|db| crate::report::command(&db, a)),
        Some(Command::Demo(a)) => db_path(&cli).and_then(|db| crate::demo::command(&db, a)),
        Some(Command::Backup(a)) => db_path(&cli).and_then(|db| crate::store::backup::command(&db, a)),
        Some(Command::Restore(a)) => db_path(&cli).and_then(|db| crate::store::backup::restore_command(&db, a)),
    };
    match result {
        Ok(msg) => {
            if !msg.is_empty() {
                println!("{msg}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("concordat: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn verify(cli: &Cli, anchors: Option<&Path>) -> anyhow::Result<String> {
    let db = db_path(cli)?;
    let store = crate::store::Store::open_readonly(&db)?;
    let mut rep = store.verify()?;
    let mut anchored = String::new();
    if let Some(dir) = anchors
        && rep.is_sound()
    {
        let a = crate::store::verify::check_anchors(&store, dir)
            .map_err(|e| anyhow::anyhow!("Cannot read the manifests in {}: {e}", crate::fsio::shown(dir)))?;
        rep.problems.extend(a.problems);
        anchored = format!(" {} manifest anchor(s) match.", a.checked);
    }
    if rep.is_sound() {
        let before = if rep.before_signing > 0 {
            format!(" {} rows from before signing.", rep.before_signing)
        } else {
            String::new()
        };
        Ok(format!(
            "{}: sound. {} audit rows chained, {} signed transactions, {} records match the audit trail.{before}{anchored}",
            crate::fsio::shown(&db),
            rep.audit_rows,
            rep.signed_transactions,
            rep.records_checked
        ))
    } else {
        let mut s = format!("{}: NOT sound. {}", db.display(), rep.problems[0]);
        if rep.problems.len() > 1 {
            s.push_str(&format!(" ({} more problems.)", rep.problems.len() - 1));
        }
        anyhow::bail!(s)
    }
}

fn protocol_check(file: &Path) -> anyhow::Result<String> {
    let p = crate::protocol::load(file).map_err(|e| anyhow::anyhow!(e))?;
    Ok(format!(
        "{}: valid. '{}' version {}, {} steps, sha256 {}.",
        file.display(),
        p.title,
        p.version,
        p.steps.len(),
        p.sha256
    ))
}
