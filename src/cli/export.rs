//! `concordat export --as NAME [period] [--out DIR] [--dry-run]`: the weekly file for the YOS, by a manager
//! (as `e` in the app). The manifest and the ledger name the person signed in. `--scheduled KEYFILE` instead
//! of `--as`: the unattended weekly export a manager allowed in the app (`a` on the export screen), signed
//! with the key kept in that file and recorded as "scheduled export, authorised by NAME".

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::period::PeriodArgs;
use super::person::{Need, PersonArgs, sign_in};
use crate::fsio;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Who you are: your name as on your account (e.g. --as "Pat Manager"). Your passphrase is then asked for.
    #[arg(
        long = "as",
        value_name = "NAME",
        required_unless_present = "scheduled",
        conflicts_with = "scheduled"
    )]
    pub name: Option<String>,
    /// Read the passphrase as one line from standard input instead of asking on the terminal.
    #[arg(long, conflicts_with = "scheduled")]
    pub passphrase_stdin: bool,
    /// For a scheduled task: the key file a manager made with `a` on the app's export screen (allow a scheduled
    /// weekly export). No one signs in; the export is recorded as the scheduled export that manager allowed.
    #[arg(long, value_name = "KEYFILE")]
    pub scheduled: Option<PathBuf>,
    /// The period (default: last week).
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The folder to write to (default: the export folder setting). Files already there are never replaced:
    /// a re-export is a new version.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Show the counts without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(db: &Path, args: &ExportArgs) -> anyhow::Result<String> {
    super::existing_db(db, "export")?;
    if let Some(dir) = &args.out {
        if dir.as_os_str().is_empty() {
            return Err(super::usage("--out was given an empty path."));
        }
        if !dir.is_dir() {
            anyhow::bail!(
                "{} is not a folder: --out names the folder the files go into. Nothing was written.",
                fsio::shown(dir)
            );
        }
        if fsio::check_new(&dir.join("x"), Some(db)).is_err_and(|e| matches!(e, fsio::WriteError::Backups(_))) {
            anyhow::bail!("{} is the backups folder: nothing was written.", fsio::shown(dir));
        }
    }
    // The quick open: a recent verified daily backup stands for the full read of the file (see its docs).
    let mut store = Store::open_for_export(db)?;
    let period = args.period.period_or(|| crate::export::last_week(store.now()))?;
    // The current week (or a future one) is not over: what it would send is not yet the week's record. A
    // range of dates (--from/--to) is a one-off file asked for by hand and is written as before.
    if !args.dry_run && period.label.contains("-W") {
        crate::sync::home::check_finished(&period, store.now())?;
    }
    let actor = match (&args.scheduled, &args.name) {
        (Some(keyfile), _) => {
            // The file holds the key a manager allowed; only the key that manager allowed last is accepted.
            let secret = std::fs::read_to_string(keyfile).map_err(|e| {
                anyhow::anyhow!(
                    "Cannot read the key file {}: {e}. Nothing was written.",
                    fsio::shown(keyfile)
                )
            })?;
            store
                .scheduled_actor(&secret)
                .map_err(|e| anyhow::anyhow!("{e} Nothing was written."))?
        }
        (None, Some(name)) => sign_in(
            &mut store,
            &PersonArgs {
                name: name.clone(),
                passphrase_stdin: args.passphrase_stdin,
            },
            Need::Manager("send the weekly file to the YOS"),
        )?,
        (None, None) => return Err(super::usage("Say who you are with --as NAME (or --scheduled KEYFILE).")),
    };
    if args.dry_run {
        let f = crate::export::build(&store, &period)?;
        return Ok(format!(
            "{} ({} to {}): {}. Dry run: nothing written.",
            period.label,
            crate::time::show_date(period.first_day),
            crate::time::show_date(period.last_day),
            f.counts.line()
        ));
    }
    let dir = match &args.out {
        Some(d) => d.clone(),
        None => PathBuf::from(store.setting("export_folder")?),
    };
    let r = crate::export::write(&mut store, &actor, &period, &dir)
        .context(format!("Export of {} failed", period.label))?;
    // What an export stopped earlier left, finished or cleared first (said before this export's own line).
    let mut said: Vec<String> = r.recovered.clone();
    said.push(format!(
        "Exported {} version {} by {}: {} -> {} (+ .json, .manifest.json).",
        period.label,
        r.version,
        actor.name,
        r.counts.line(),
        fsio::shown(&r.files[0])
    ));
    Ok(said.join("\n"))
}
