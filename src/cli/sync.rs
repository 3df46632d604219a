//! `concordat sync --as NAME [--folder DIR]`: the whole sync job on either side, chosen by the database's
//! role. On a YOS: read every new set from every home's outbox in the sync folder, check, import, receipt, and
//! say which weeks have arrived, are missing or late. (The home side is `sync::home::run`.)

use std::path::{Path, PathBuf};

use clap::Args;

use super::person::{Need, PersonArgs, sign_in};
use crate::store::Store;
use crate::store::settings::Role;

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// The sync folder (default: the sync_folder setting): the shared folder that holds homes/<URN>/outbox and
    /// homes/<URN>/receipts.
    #[arg(long, value_name = "DIR")]
    pub folder: Option<PathBuf>,
}

pub fn run(db: &Path, args: &SyncArgs) -> anyhow::Result<String> {
    super::existing_db(db, "sync")?;
    if args.folder.as_ref().is_some_and(|f| f.as_os_str().is_empty()) {
        return Err(super::usage("--folder was given an empty path."));
    }
    let _held = crate::store::lock::exclusive(db, "sync")?;
    let mut store = Store::open(db)?;
    let actor = sign_in(&mut store, &args.person, Need::Manager("sync with the YOS"))?;
    let folder = match &args.folder {
        Some(f) => f.clone(),
        None => {
            let f = store.setting("sync_folder").unwrap_or_default();
            if f.trim().is_empty() {
                return Err(super::usage(
                    "No sync folder: give --folder DIR (the shared folder) or set the sync folder in Settings.",
                ));
            }
            PathBuf::from(f)
        }
    };
    match store.role()? {
        Role::Yos => {
            let now = store.now();
            let s = crate::sync::yos::run(&mut store, &actor, &folder, now, &mut |_, _| {})?;
            Ok(s.lines.join("\n"))
        }
        Role::Home => anyhow::bail!(
            "This is a home's database: the home side of sync is not part of this build. Nothing was sent."
        ),
    }
}
