//! `concordat import --as NAME FILE.json`: a manager reads another home's (or this home's own) weekly file
//! into this database, as the person signed in.

use std::path::{Path, PathBuf};

use clap::Args;

use super::person::{Need, PersonArgs, sign_in};
use crate::export::import::{MAX_BYTES, check_reader, import_reader};
use crate::fsio::shown;
use crate::store::{Actor, Store};
use crate::sync::check::{check_set, manifest_beside, read_manifest};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// A JSON file written by `concordat export`; its manifest (`NAME.manifest.json`) must be beside it.
    pub file: PathBuf,
    /// Import a file that has no manifest beside it. Risky: without the manifest nothing shows whether the file
    /// was changed after the home wrote it (a response changed from police to in-house, a record removed), nor
    /// that it is whole. Only for a file you know came straight from the home.
    #[arg(long)]
    pub without_manifest: bool,
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
    // The manifest beside it says the file is whole and unchanged since the home wrote it.
    match manifest_beside(f).filter(|m| m.is_file()) {
        Some(m) => {
            let rm = read_manifest(&m);
            let json = check_set(&rm, None).map_err(|e| anyhow::anyhow!("{e} Nothing was imported."))?;
            if json.file_name() != f.file_name() {
                anyhow::bail!("{} is not the file its manifest lists. Nothing was imported.", shown(f));
            }
        }
        None if args.without_manifest => {}
        None => anyhow::bail!(
            "{} has no manifest beside it ({}), so nothing shows that it is whole and unchanged since the home \
             wrote it. Copy the manifest next to it, or, if you know the file came straight from the home, \
             give --without-manifest. Nothing was imported.",
            shown(f),
            manifest_beside(f)
                .and_then(|m| m.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "NAME.manifest.json".into())
        ),
    }
    let open = || std::fs::File::open(f).map_err(|e| anyhow::anyhow!("Cannot read {}: {e}.", shown(f)));
    // Check the file before the database is opened (or created): a bad file changes nothing.
    check_reader(open()?).map_err(|e| anyhow::anyhow!("{}: {e:#} Nothing was imported.", shown(f)))?;
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
    let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
    let s = import_reader(&mut store, &actor, Counted::new(open()?, size), &mut |_, _, _| Ok(()))
        .map_err(|e| anyhow::anyhow!("{}: {e:#} Nothing was imported.", shown(f)))?;
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

/// A file being read, telling [`crate::progress`] how many bytes of it are in.
struct Counted<R> {
    inner: R,
    read: u64,
    size: u64,
    told: u64,
}

impl<R> Counted<R> {
    fn new(inner: R, size: u64) -> Self {
        Counted {
            inner,
            read: 0,
            size,
            told: 0,
        }
    }
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        // About once a megabyte: the bar does not need every read.
        if self.read - self.told >= 1 << 20 || n == 0 {
            self.told = self.read;
            crate::progress::report("importing (bytes read)", self.read, self.size.max(self.read));
        }
        Ok(n)
    }
}
