//! The terminal app: a synchronous event loop over one [`app::App`] state. Keys become messages, `update`
//! changes state (writing to the database only in `App::perform`), and `view` draws. The terminal is
//! restored on every exit, error and panic.

pub mod app;
pub mod form;
pub mod keymap;
pub mod page;
pub mod screens;
pub mod theme;

#[cfg(test)]
mod keys_tests;

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;

use crate::store::Store;

/// What the app needs from the command line.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// The database file.
    pub db: std::path::PathBuf,
    /// The area's protocol file, if one was given (else the config folder's, else the built-in one).
    pub protocol: Option<std::path::PathBuf>,
}

/// Open the database and the protocol, then run the app until the user quits.
pub fn run_app(opts: &AppOptions) -> ExitCode {
    // Everything that can fail is checked before the terminal is touched, so errors print plainly.
    type Prepared = (
        Store,
        crate::protocol::Protocol,
        Option<String>,
        Vec<String>,
        crate::store::lock::AppHold,
    );
    let prepared = (|| -> anyhow::Result<Prepared> {
        let protocol = crate::protocol::resolve(opts.protocol.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
        let path = opts.db.clone();
        // Held for the whole run: restore, import and demo refuse while this copy of the app is open.
        let hold = crate::store::lock::hold_app(&path)?;
        // The first start of each day reads the whole file (the full check, then the backup), and the first
        // start of a new version backs it up and updates it: on a large history that takes a while, so say what
        // is happening instead of showing an empty screen.
        if let Ok(m) = std::fs::metadata(&path)
            && m.len() > 50_000_000
        {
            let mb = m.len() / 1_000_000;
            if crate::store::Store::is_out_of_date(&path) {
                eprintln!(
                    "concordat: first start of this version: backing up the records ({mb} MB) and updating them. \
                     Please wait…"
                );
            } else if !crate::store::backup::backed_up_today(&path, crate::time::now()) {
                eprintln!(
                    "concordat: first start today: checking the records ({mb} MB) and taking today's backup. Please wait…"
                );
            }
        }
        let store = Store::open(&path)?;
        // A failed backup is only reported (on the first screen); a database that does not verify is not
        // backed up and not opened (the message names the newest backup that does).
        let backup_problem = crate::store::backup::daily_checked(&store)?;
        // A weekly export stopped half-way is finished (recorded) or cleared away (never recorded).
        let recovered = crate::export::recover_unfinished(&store);
        Ok((store, protocol, backup_problem, recovered, hold))
    })();
    let (store, protocol, backup_problem, recovered, hold) = match prepared {
        Ok(x) => x,
        Err(e) => {
            eprintln!("concordat: {}", crate::text::display(&format!("{e:#}")));
            return ExitCode::FAILURE;
        }
    };
    let mut app = app::App::new(store, protocol, theme::Theme::from_env(), crate::time::now());
    app.flash = backup_problem.map(|text| app::Flash { text, error: true }).or_else(|| {
        (!recovered.is_empty()).then(|| app::Flash {
            text: recovered.join(" "),
            error: false,
        })
    });
    app.hold = Some(hold);
    match run_terminal(app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("concordat: {}", crate::text::display(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn run_terminal(mut app: app::App) -> anyhow::Result<()> {
    // ratatui::init installs a panic hook that restores the terminal (raw mode, alternate screen) before the
    // panic message prints; bracketed paste is ours to undo, so our hook turns it off first, then runs ratatui's.
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            anyhow::bail!("concordat needs a terminal window to show its screens ({e}). Start it from one.");
        }
    };
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableBracketedPaste);
        restore(info);
    }));
    // For the end-to-end test that a panic restores the terminal: nothing else can make the app panic on purpose.
    let panic_for_test = std::env::var_os("CONCORDAT_TEST_PANIC").is_some();
    let result = (|| -> anyhow::Result<()> {
        let size = terminal.size()?;
        app.update(app::Msg::Resize(size.width, size.height));
        while !app.quit {
            terminal.draw(|f| app.view(f))?;
            if panic_for_test {
                panic!("CONCORDAT_TEST_PANIC is set");
            }
            if event::poll(Duration::from_millis(1000))? {
                let e = event::read()?;
                if let Some(m) = app::Msg::from_event(e, crate::time::now()) {
                    app.update(app::Msg::Tick(crate::time::now()));
                    app.update(m);
                }
            } else {
                app.update(app::Msg::Tick(crate::time::now()));
            }
        }
        Ok(())
    })();
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}
