//! Who is running a command: `--as NAME` and a passphrase, checked by the store's own sign-in, so the same
//! lock-out applies and the attempt is recorded as in the app. The passphrase comes from the terminal without
//! echo or, with `--passphrase-stdin`, from one line of standard input; never from an argument or the
//! environment (both can be read by other users of the PC, and end up in shell history).
//!
//! The terminal is read with crossterm's raw mode (already in the program through ratatui) rather than a new
//! crate: it works the same on Linux, macOS and Windows, and no further dependency is brought in.

use std::io::{BufRead, IsTerminal, Read, Write};

use clap::Args;

use crate::store::staff::SignIn;
use crate::store::{Actor, Store};

#[derive(Debug, Clone, Args)]
pub struct PersonArgs {
    /// Who you are: your name as on your account (e.g. --as "Pat Manager"). Your passphrase is then asked for.
    #[arg(long = "as", value_name = "NAME", required = true)]
    pub name: String,
    /// Read the passphrase as one line from standard input instead of asking on the terminal.
    #[arg(long)]
    pub passphrase_stdin: bool,
}

/// What a command needs of the person running it.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// Any member of staff with an account (the app shows them the same).
    Anyone,
    /// A manager; the text completes "only a manager can …".
    Manager(&'static str),
}

/// The same message for an unknown name, a wrong passphrase, a locked or a closed account, so that names
/// cannot be found out by trying.
const NOT_SIGNED_IN: &str = "Not signed in: that name and passphrase do not match an active account (or the account is \
     locked for a few minutes after too many wrong passphrases). Nothing was done.";

/// The longest passphrase read (a guard against a file piped in by mistake).
const MAX_PASSPHRASE_BYTES: u64 = 1024;

/// Ask for the passphrase: from standard input with `--passphrase-stdin`, else on the terminal, not shown.
pub fn read_passphrase(who: &PersonArgs) -> anyhow::Result<String> {
    if who.passphrase_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .take(MAX_PASSPHRASE_BYTES)
            .read_line(&mut line)
            .map_err(|e| anyhow::anyhow!("Could not read the passphrase from standard input: {e}"))?;
        let p = line.trim_end_matches(['\n', '\r']).to_string();
        if p.is_empty() {
            anyhow::bail!("No passphrase on standard input: nothing was done.");
        }
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(super::usage(
            "There is no terminal to ask your passphrase on: give --passphrase-stdin and the passphrase as one \
             line on standard input.",
        ));
    }
    let name = crate::text::clean_line(&who.name, 80);
    eprint!("Passphrase for {name} (not shown): ");
    let _ = std::io::stderr().flush();
    let p = read_hidden();
    eprintln!();
    p
}

/// Raw mode is left however reading ends.
struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = ratatui::crossterm::terminal::disable_raw_mode();
    }
}

fn read_hidden() -> anyhow::Result<String> {
    use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    ratatui::crossterm::terminal::enable_raw_mode()
        .map_err(|e| anyhow::anyhow!("Could not ask for the passphrase on this terminal: {e}"))?;
    let _raw = RawMode;
    let mut p = String::new();
    loop {
        let ev = event::read().map_err(|e| anyhow::anyhow!("Could not read the passphrase: {e}"))?;
        let Event::Key(k) = ev else { continue };
        if k.kind != KeyEventKind::Press {
            continue;
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Enter => break,
            KeyCode::Char('c') | KeyCode::Char('d') if ctrl => anyhow::bail!("Cancelled: nothing was done."),
            KeyCode::Char('u') if ctrl => p.clear(),
            KeyCode::Esc => anyhow::bail!("Cancelled: nothing was done."),
            KeyCode::Backspace => {
                p.pop();
            }
            KeyCode::Char(c) if p.len() < MAX_PASSPHRASE_BYTES as usize => p.push(c),
            _ => {}
        }
    }
    if p.is_empty() {
        anyhow::bail!("No passphrase was typed: nothing was done.");
    }
    Ok(p)
}

/// The active account with this name: exact after trimming, else the one account whose name matches
/// ignoring case.
fn find(store: &Store, name: &str) -> anyhow::Result<Option<crate::domain::Staff>> {
    let want = name.trim();
    let staff = store.list_staff(false)?;
    if let Some(s) = staff.iter().find(|s| s.name.trim() == want) {
        return Ok(Some(s.clone()));
    }
    let lower = want.to_lowercase();
    let mut same = staff.into_iter().filter(|s| s.name.trim().to_lowercase() == lower);
    match (same.next(), same.next()) {
        (Some(s), None) => Ok(Some(s)),
        _ => Ok(None),
    }
}

/// Sign in `who` against `store` (the passphrase is read here), and check they may do what `need` says.
pub fn sign_in(store: &mut Store, who: &PersonArgs, need: Need) -> anyhow::Result<Actor> {
    if who.name.trim().is_empty() {
        return Err(super::usage(
            "--as needs your name as on your account, e.g. --as \"Pat Manager\".",
        ));
    }
    let passphrase = read_passphrase(who)?;
    let Some(staff) = find(store, &who.name)? else {
        // As long as a real check takes, so that a name cannot be told from the time the answer takes.
        let _ = crate::store::staff::hash_passphrase(&passphrase);
        anyhow::bail!(NOT_SIGNED_IN);
    };
    let signed = store
        .sign_in(staff.id, &passphrase)
        .map_err(|e| anyhow::anyhow!("Could not sign in: {e} Nothing was done."))?;
    // The signed-in person's own actor: their writes are signed with the key their passphrase unlocked.
    let actor = match signed {
        SignIn::Ok(s, ..) => s.actor,
        _ => anyhow::bail!(NOT_SIGNED_IN),
    };
    if let Need::Manager(what) = need {
        actor
            .require_manager(what)
            .map_err(|e| anyhow::anyhow!("{e} Nothing was done."))?;
    }
    Ok(actor)
}
