//! `concordat sync --as NAME [--folder DIR]`: the whole sync job on either side. On a home's database every
//! finished week not yet sent goes into the home's outbox in the sync folder and the YOS's receipts are read;
//! on a YOS database every new set from every home is read. The folder defaults to the `sync_folder` setting.

use std::path::{Path, PathBuf};

use clap::Args;

use super::person::{Need, PersonArgs, sign_in};
use crate::store::Store;
use crate::store::settings::Role;

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// The sync folder (default: the sync folder setting).
    #[arg(long, value_name = "DIR")]
    pub folder: Option<PathBuf>,
}

pub fn run(db: &Path, args: &SyncArgs) -> anyhow::Result<String> {
    super::existing_db(db, "sync")?;
    if args.folder.as_ref().is_some_and(|f| f.as_os_str().is_empty()) {
        return Err(super::usage("--folder was given an empty path."));
    }
    // The quick open, as for the weekly export: a recent verified daily backup stands for the full read.
    let mut store = Store::open_for_export(db)?;
    let role = store.role()?;
    // A YOS imports: nobody may be writing the database meanwhile (as `concordat import`).
    let _held = match role {
        Role::Yos => Some(crate::store::lock::exclusive(db, "sync")?),
        Role::Home => None,
    };
    let actor = sign_in(
        &mut store,
        &args.person,
        Need::Manager(match role {
            Role::Home => "send the weekly file to the YOS",
            Role::Yos => "read the homes' weekly files",
        }),
    )?;
    let folder = match &args.folder {
        Some(f) => f.clone(),
        None => PathBuf::from(store.setting("sync_folder")?.trim()),
    };
    if folder.as_os_str().is_empty() {
        anyhow::bail!("No sync folder: give --folder DIR or set the sync folder in Settings. Nothing was sent.");
    }
    let now = store.now();
    let mut progress = |done: u64, of: u64| crate::progress::report("sets", done, of);
    let summary = match role {
        Role::Home => crate::sync::home::run(&mut store, &actor, &folder, now, &mut progress)?,
        Role::Yos => crate::sync::Summary {
            lines: crate::sync::yos::run(&mut store, &actor, &folder, now, &mut progress)?.lines,
        },
    };
    Ok(summary.lines.join("\n"))
}
