//! Driving the app in tests: a protocol, sign-in by keys, and the screen as text.

use chrono::{DateTime, Utc};
use concordat::domain::Response;
use concordat::protocol::{Answer, Protocol, Step};
use concordat::ui::app::{App, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The built-in protocol if it parses, else a minimal one by hand (the parser is written in parallel).
pub fn protocol() -> Protocol {
    if let Ok(p) = concordat::protocol::parse(concordat::protocol::DEFAULT_TOML) {
        return p;
    }
    let ans = |id: &str, next: Option<&str>, rec: Option<Response>| Answer {
        id: id.into(),
        label: id.into(),
        next: next.map(str::to_string),
        recommend: rec,
        reason: "test".into(),
    };
    Protocol {
        id: "test".into(),
        version: "1".into(),
        title: "Test protocol".into(),
        start: "danger".into(),
        steps: vec![
            Step {
                id: "danger".into(),
                question: "Immediate danger?".into(),
                help: String::new(),
                fact: None,
                answers: vec![
                    ans("yes", None, Some(Response::Police)),
                    ans("no", Some("parent"), None),
                ],
            },
            Step {
                id: "parent".into(),
                question: "Would a reasonable parent call the police?".into(),
                help: String::new(),
                fact: None,
                answers: vec![
                    ans("yes", None, Some(Response::Police)),
                    ans("no", None, Some(Response::InHouse)),
                ],
            },
        ],
        sha256: "0".repeat(64),
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

/// Sign in by keys as the staff member at `pos` in the sign-in list (0 = first by name).
pub fn sign_in(app: &mut App, pos: usize, pass: &str) {
    for _ in 0..20 {
        app.update(key(KeyCode::Up));
    }
    for _ in 0..pos {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    type_text(app, pass);
    app.update(key(KeyCode::Enter));
}

pub fn terminal(w: u16, h: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(w, h)).unwrap()
}

/// Draw the app and return the screen, one string per row.
pub fn draw(app: &App, t: &mut Terminal<TestBackend>) -> Vec<String> {
    t.draw(|f| app.view(f)).unwrap();
    let buf = t.backend().buffer();
    let area = buf.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

/// A character that must never reach the terminal: controls, bidi overrides/isolates, zero-width.
pub fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// Every cell of the last drawn buffer is free of forbidden characters. Returns the first offence.
pub fn bad_cell(t: &Terminal<TestBackend>) -> Option<(u16, u16, String)> {
    bad_cell_in(t.backend().buffer())
}

pub fn bad_cell_in(buf: &ratatui::buffer::Buffer) -> Option<(u16, u16, String)> {
    let area = buf.area;
    for y in 0..area.height {
        for x in 0..area.width {
            let s = buf[(x, y)].symbol();
            if s.chars().any(forbidden) {
                return Some((x, y, s.escape_unicode().to_string()));
            }
        }
    }
    None
}

pub fn at(t: DateTime<Utc>, secs: i64) -> Msg {
    Msg::Tick(t + chrono::Duration::seconds(secs))
}
