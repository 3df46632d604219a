//! Shared test helpers: an App on an in-memory store with a fixed clock, key presses, and the screen as text;
//! `pty` (the one PTY driver, `common/pty.rs`) drives the real binary in a pseudo-terminal.
#![allow(dead_code)]

#[cfg(unix)]
#[path = "../pty.rs"]
pub mod pty;

use chrono::{DateTime, TimeZone, Utc};
use concordat::protocol::Protocol;
use concordat::store::Store;
use concordat::ui::app::{App, Effect, Msg};
use concordat::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Sunday 22 November 2026, 02:15 local (GMT): a night shift.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 15, 0).unwrap()
}

/// The built-in protocol.
pub fn protocol() -> Protocol {
    super::fixtures::ui::protocol()
}

/// A new app on an empty in-memory database at `t0()`.
pub fn app() -> App {
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(Some(t0()));
    App::new(store, protocol(), Theme::plain(), t0())
}

/// An app with the home set up and the manager "Pat Manager" (passphrase "correct horse") signed in.
pub fn signed_in() -> App {
    let mut a = app();
    let d = a.perform(Effect::Setup {
        home: "Oak House".into(),
        urn: "SC123456".into(),
        manager: "Pat Manager".into(),
        passphrase: "correct horse".into(),
        recovery: false,
    });
    assert_eq!(d, concordat::ui::app::Done::Ok(None));
    a
}

pub fn key(a: &mut App, code: KeyCode) {
    a.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub fn ctrl(a: &mut App, c: char) {
    a.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
}

pub fn typ(a: &mut App, s: &str) {
    for c in s.chars() {
        key(a, KeyCode::Char(c));
    }
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn screen_sized(a: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| a.view(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(a: &App) -> String {
    screen_sized(a, 80, 24)
}
