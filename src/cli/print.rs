//! `concordat print --as NAME (--handover | --incident ID) [--out FILE]`: any member of staff, as in the app
//! (the handover and the incidents are on every role's menu). The file is always a new one.

use std::path::{Path, PathBuf};

use clap::Args;

use super::person::{Need, PersonArgs, sign_in};
use crate::fsio;
use crate::print::{handover_file_name, handover_text, incident_file_name, incident_text};
use crate::store::Store;
use crate::store::handover::Window;

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct PrintWhat {
    /// The handover: since the last acknowledged handover, and everything outstanding.
    #[arg(long)]
    pub handover: bool,
    /// One incident, by its number as shown in the app.
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(i64).range(1..))]
    pub incident: Option<i64>,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    #[command(flatten)]
    pub what: PrintWhat,
    /// A new text file to write (default: a name in the current folder, printed when done). An existing
    /// file, the database and the backups are never written over.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(db: &Path, args: &PrintArgs) -> anyhow::Result<String> {
    super::existing_db(db, "print")?;
    // The file asked for is checked before the passphrase is asked: a mistake costs no typing.
    if let Some(out) = &args.out {
        fsio::check_new(out, Some(db))?;
    }
    let mut store = Store::open(db)?;
    if !store.is_set_up()? {
        anyhow::bail!("The home is not set up yet: run concordat first.");
    }
    // An incident number that does not exist is a mistake found before anyone signs in (a sign-in is recorded),
    // so a mistyped number changes nothing; the message says no more than the number.
    if let Some(id) = args.what.incident
        && store.incident(id).is_err()
    {
        anyhow::bail!("There is no incident {id}. Nothing was written.");
    }
    sign_in(&mut store, &args.person, Need::Anyone)?;
    let now = store.now();
    let home = store.home()?.map(|h| h.name).unwrap_or_default();
    let (text, default) = if let Some(id) = args.what.incident {
        let d = store.incident(id)?;
        (incident_text(&d, &home, now), incident_file_name(id))
    } else {
        let sheet = store.handover_sheet(now, Window::SinceHandover)?;
        (handover_text(&sheet, &home), handover_file_name(now))
    };
    // A name asked for is never written over; the default name, if taken, becomes -2, -3 (said in the message).
    let path = match &args.out {
        Some(out) => {
            fsio::write_new(out, text.as_bytes(), Some(db))?;
            out.clone()
        }
        None => fsio::write_new_numbered(Path::new(&default), text.as_bytes(), Some(db))?,
    };
    Ok(format!("Written to {}", fsio::shown(&path)))
}
