//! `concordat backup --as NAME [--out FILE]` and `concordat restore --as NAME FILE`: managers only, as a
//! backup holds every record, the passphrase hashes and the pseudonym secret.

use std::path::{Path, PathBuf};

use clap::Args;

use super::person::{Need, PersonArgs, sign_in};
use crate::fsio;
use crate::store::Store;
use crate::store::backup;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// A new backup file to write, or a folder to write it into (default: the backups folder beside the
    /// database). An existing file, the database and the backups folder are never written over.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// The backup file to restore.
    pub file: PathBuf,
}

pub fn run(db: &Path, args: &BackupArgs) -> anyhow::Result<String> {
    super::existing_db(db, "back up")?;
    let now = crate::time::now();
    let dest = match &args.out {
        Some(p) if p.as_os_str().is_empty() => return Err(super::usage("--out was given an empty path.")),
        Some(p) if p.is_dir() => p.join(backup::new_name(db, now, "manual").file_name().unwrap_or_default()),
        Some(p) => p.clone(),
        None => backup::new_name(db, now, "manual"),
    };
    if args.out.is_some() {
        fsio::check_new(&dest, Some(db))?;
    }
    let mut store = Store::open(db)?;
    sign_in(
        &mut store,
        &args.person,
        Need::Manager("make a backup (it holds every record)"),
    )?;
    drop(store);
    // A verified copy: a database that does not verify is not copied (a backup of it could not be restored).
    Ok(backup::backup_to(db, args.out.as_deref())?)
}

pub fn restore(db: &Path, args: &RestoreArgs) -> anyhow::Result<String> {
    let file = &args.file;
    if file.as_os_str().is_empty() {
        return Err(super::usage("Give the backup file to restore."));
    }
    // Checked before the passphrase is asked (the same checks are made again by the restore itself).
    if !file.exists() {
        anyhow::bail!("There is no file {}. Nothing was changed.", fsio::shown(file));
    }
    if !file.is_file() {
        anyhow::bail!("{} is not a file. Nothing was changed.", fsio::shown(file));
    }
    // Everything a restore checks first (the backup verifies, no copy of the app has the database open), before
    // a sign-in is recorded: a restore that cannot go ahead changes nothing.
    backup::check_restorable(db, file)?;
    // A manager of the home in the current database signs in there (counted, as in the app). When that
    // database is missing or cannot be opened (damaged: the very case for a restore), a manager of the home in
    // the backup signs in against a private copy of it: the backup itself is never changed.
    let has_records = std::fs::metadata(db).is_ok_and(|m| m.is_file() && m.len() > 0);
    let current = if has_records { Store::open(db).ok() } else { None };
    let signed = match current {
        Some(mut store) => sign_in(&mut store, &args.person, Need::Manager("restore a backup")),
        None => sign_in_on_copy(file, &args.person),
    };
    let actor = signed?;
    let msg = backup::restore(db, file)?;
    Ok(format!("{msg} (Restored by {}.)", actor.name))
}

fn sign_in_on_copy(file: &Path, who: &PersonArgs) -> anyhow::Result<crate::store::Actor> {
    let dir =
        tempfile::tempdir().map_err(|e| anyhow::anyhow!("Could not check who you are: {e}. Nothing was changed."))?;
    let copy = dir.path().join("check.db");
    std::fs::copy(file, &copy)
        .map_err(|e| anyhow::anyhow!("Could not read {}: {e}. Nothing was changed.", fsio::shown(file)))?;
    let mut store = Store::open(&copy)
        .map_err(|e| anyhow::anyhow!("{} cannot be restored: {e} Nothing was changed.", fsio::shown(file)))?;
    sign_in(&mut store, who, Need::Manager("restore a backup"))
}
