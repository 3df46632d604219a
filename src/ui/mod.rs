//! The terminal app: a synchronous event loop over one [`app::App`] state. Keys become messages, `update`
//! changes state (writing to the database only in `App::perform`), and `view` draws. The terminal is
//! restored on every exit, error and panic.

pub mod app;
pub mod form;
pub mod keymap;
pub mod screens;
pub mod theme;

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
    let prepared = (|| -> anyhow::Result<(Store, crate::protocol::Protocol, Option<String>)> {
        let protocol = crate::protocol::resolve(opts.protocol.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
        let path = opts.db.clone();
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
        // Never stops the app: a failed backup is only reported (on the first screen).
        let backup_problem = crate::store::backup::daily(&store);
        Ok((store, protocol, backup_problem))
    })();
    let (store, protocol, backup_problem) = match prepared {
        Ok(x) => x,
        Err(e) => {
            eprintln!("concordat: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let mut app = app::App::new(store, protocol, theme::Theme::from_env(), crate::time::now());
    app.flash = backup_problem.map(|text| app::Flash { text, error: true });
    match run_terminal(app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("concordat: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_terminal(mut app: app::App) -> anyhow::Result<()> {
    // ratatui::init installs a panic hook that restores the terminal before the panic message prints.
    let mut terminal = ratatui::init();
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    let result = (|| -> anyhow::Result<()> {
        let size = terminal.size()?;
        app.update(app::Msg::Resize(size.width, size.height));
        while !app.quit {
            terminal.draw(|f| app.view(f))?;
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
