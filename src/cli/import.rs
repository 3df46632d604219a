//! `concordat import --as NAME FILE.json`: a manager reads another home's (or this home's own) weekly file
//! into this database, as the person signed in.

use std::path::{Path, PathBuf};

use clap::Args;

use super::person::{Need, PersonArgs, sign_in};
use crate::export::import::{MAX_BYTES, check, import};
use crate::fsio::shown;
use crate::store::{Actor, Store};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// A JSON file written by `concordat export`.
    pub file: PathBuf,
}

pub fn run(db: &Path, args: &ImportArgs) -> anyhow::Result<String> {
    let f = &args.file;
    let meta = std::fs::metadata(f).map_err(|e| anyhow::anyhow!("Cannot read {}: {e}.", shown(f)))?;
    if !meta.is_file() {
        anyhow::bail!("{} is not a file.", shown(f));
    }
    if meta.len() > MAX_BYTES {
        anyhow::bail!("{} is too large to be an export ({} bytes).", shown(f), meta.len());
    }
    let bytes = std::fs::read(f).map_err(|e| anyhow::anyhow!("Cannot read {}: {e}.", shown(f)))?;
    // Check the file before the database is opened (or created): a bad file changes nothing.
    check(&bytes).map_err(|e| anyhow::anyhow!("{}: {e:#} Nothing was imported.", shown(f)))?;
    // Refused while any copy of the app has the database open (it says which): an import changes records that a
    // screen may be showing.
    let _held = crate::store::lock::exclusive(db, "import")?;
    let mut store = Store::open(db)?;
    // A database with no account yet (a new PC taking over a home's records): there is no one to sign in as,
    // and nothing yet to protect. The import is recorded under the name given; set-up then adds the first
    // manager.
    let actor = if store.list_staff(true)?.is_empty() {
        let name = crate::text::clean_line(&args.person.name, 80);
        Actor::system(&format!(
            "import into a database with no accounts yet, by {name} (not checked)"
        ))
    } else {
        sign_in(&mut store, &args.person, Need::Manager("import a weekly file"))?
    };
    let s =
        import(&mut store, &actor, &bytes).map_err(|e| anyhow::anyhow!("{}: {e:#} Nothing was imported.", shown(f)))?;
    if s.incidents == 0 && s.entries == 0 && s.children == 0 {
        return Ok(format!(
            "Nothing new in {}: its {} incident(s) are already here.",
            shown(f),
            s.unchanged
        ));
    }
    Ok(format!(
        "Imported {} as {}: {} new incident(s), {} new entr{}, {} new child(ren){}; {} already here.",
        shown(f),
        actor.name,
        s.incidents,
        s.entries,
        if s.entries == 1 { "y" } else { "ies" },
        s.children,
        s.other_home
            .as_ref()
            .map(|h| format!(" from another home ({h})"))
            .unwrap_or_default(),
        s.unchanged
    ))
}
