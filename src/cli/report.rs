//! `concordat report --as NAME [period] [--format text|csv|json] [--out FILE]`: the measures, for any member
//! of staff (reports are on every role's menu in the app).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::period::PeriodArgs;
use super::person::{Need, PersonArgs, sign_in};
use crate::fsio;
use crate::report::{compute, render};
use crate::store::Store;
use crate::time::{Period, local_date};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// The period (default: the current quarter).
    #[command(flatten)]
    pub period: PeriodArgs,
    /// text for people, csv for a spreadsheet, json for another program.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// A new file to write instead of the screen. An existing file, the database and the backups are never
    /// written over.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(db: &Path, args: &ReportArgs) -> anyhow::Result<String> {
    super::existing_db(db, "report")?;
    if let Some(out) = &args.out {
        fsio::check_new(out, Some(db))?;
    }
    let mut store = Store::open(db)?;
    let today = local_date(store.now());
    let period = args.period.period_or(|| Period::quarter_of(today))?;
    sign_in(&mut store, &args.person, Need::Anyone)?;
    let report = compute(&store, &period)?;
    let out = match args.format {
        ReportFormat::Text => render::text(&report),
        ReportFormat::Csv => render::csv(&report)?,
        ReportFormat::Json => render::json(&report)?,
    };
    match &args.out {
        None => Ok(out.trim_end_matches('\n').to_string()),
        Some(path) => {
            fsio::write_new(path, out.as_bytes(), Some(db))?;
            Ok(format!(
                "Report for {} written to {} ({} incidents).",
                period.label,
                fsio::shown(path),
                report.total.incidents
            ))
        }
    }
}
