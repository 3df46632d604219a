//! `concordat setup --home NAME [--urn URN] --manager NAME` or `concordat setup --yos NAME --manager NAME`: the
//! first-run set-up from the command line, for the IT staff who install concordat on many PCs (and for tests).
//! The same checks as the first-run screen (they are the store's); the passphrase from the terminal without
//! echo (typed twice) or one line of standard input; a database that is already set up is refused.

use std::path::Path;

use clap::Args;

use super::person::{PersonArgs, read_passphrase};
use crate::fsio::shown;
use crate::store::Store;
use crate::store::settings::Role;
use crate::store::staff::Setup;

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Set up a children's home with this name.
    #[arg(long, value_name = "NAME", required_unless_present = "yos", conflicts_with = "yos")]
    pub home: Option<String>,
    /// Set up a Youth Offending Service with this name: it reads the homes' weekly sets, records no incidents.
    #[arg(long, value_name = "NAME")]
    pub yos: Option<String>,
    /// The home's Ofsted URN (letters and digits, e.g. SC123456); a home needs it to sync with the YOS.
    #[arg(long, value_name = "URN", conflicts_with = "yos")]
    pub urn: Option<String>,
    /// The first manager's name; their passphrase is then asked for (twice) or read from standard input.
    #[arg(long, value_name = "NAME")]
    pub manager: String,
    /// Read the passphrase as one line from standard input instead of asking on the terminal.
    #[arg(long)]
    pub passphrase_stdin: bool,
}

pub fn run(db: &Path, args: &SetupArgs) -> anyhow::Result<String> {
    let (name, role) = match (&args.home, &args.yos) {
        (Some(h), None) => (h.as_str(), Role::Home),
        (None, Some(y)) => (y.as_str(), Role::Yos),
        _ => return Err(super::usage("Give either --home NAME or --yos NAME.")),
    };
    if args.manager.trim().is_empty() {
        return Err(super::usage("--manager needs the first manager's name."));
    }
    if let Ok(m) = std::fs::metadata(db)
        && !m.is_file()
    {
        anyhow::bail!("{} is not a database file: nothing was set up.", shown(db));
    }
    let who = PersonArgs {
        name: args.manager.clone(),
        passphrase_stdin: args.passphrase_stdin,
    };
    let pass = read_passphrase(&who)?;
    if !args.passphrase_stdin {
        let again = read_passphrase(&PersonArgs {
            name: format!("{} (again)", args.manager),
            passphrase_stdin: false,
        })?;
        if again != pass {
            anyhow::bail!("The two passphrases are different: nothing was set up.");
        }
    }
    let urn = args.urn.as_deref().unwrap_or("");
    let setup = Setup {
        home_name: name,
        ofsted_urn: urn,
        manager_name: &args.manager,
        passphrase: &pass,
    };
    // The checks first (the store's own, as on the first-run screen), so that a mistake leaves no new file.
    crate::store::staff::check_setup(&setup, role).map_err(|e| anyhow::anyhow!("{e} Nothing was set up."))?;
    let _held = crate::store::lock::exclusive(db, "set up")?;
    let mut store = Store::open(db)?;
    if store.is_set_up()? {
        let what = match store.role()? {
            Role::Yos => "a YOS",
            Role::Home => "a home",
        };
        let h = store.home()?.map(|h| h.name).unwrap_or_default();
        anyhow::bail!(
            "{} is already set up as {what} ({}): nothing was changed. Set-up is done once per database.",
            shown(db),
            crate::text::display(&h)
        );
    }
    let (m, code) = store
        .setup_as(&setup, role, true)
        .map_err(|e| anyhow::anyhow!("{e} Nothing was set up."))?;
    let h = store.home()?.map(|h| h.name).unwrap_or_default();
    let what = match role {
        Role::Yos => format!("the YOS {h}"),
        Role::Home if urn.trim().is_empty() => format!("the home {h} (no Ofsted URN yet: set it in Settings to sync)"),
        Role::Home => format!("the home {h} ({})", urn.trim()),
    };
    Ok(format!(
        "Set up {what} in {}, with {} as its first manager.\nRecovery code for {} (shown only this once: write it \
         down and keep it away from this computer): {}",
        shown(db),
        m.staff.name,
        m.staff.name,
        code.unwrap_or_default()
    ))
}
