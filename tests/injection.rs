//! Text that tries to control the terminal — ANSI CSI/OSC sequences, carriage returns, bidi overrides, zero-width
//! characters — typed, pasted, or already in the database never reaches the terminal buffer as control
//! characters (every cell is checked), and cannot make one record look like another.

mod common;
use common::fixtures;

use chrono::{TimeZone, Utc};
use concordat::domain::Role;
use concordat::store::Store;
use concordat::ui::app::{App, Msg};
use concordat::ui::theme::Theme;
use fixtures::ui::{self, bad_cell, draw, key, sign_in, type_text};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NASTY: &[&str] = &[
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;window title\u{7}",
    "\u{1b}]52;c;Y29weQ==\u{7}",
    "\u{9b}31m",
    "\r",
    "\u{202e}",
    "\u{2066}",
    "\u{200b}",
    "\u{feff}",
    "\u{8}\u{8}\u{8}",
    "\u{7f}",
];

fn app(store: Store) -> App {
    let t = Utc.with_ymd_and_hms(2026, 11, 18, 2, 30, 0).unwrap();
    App::new(store, ui::protocol(), Theme::plain(), t)
}

/// Draw at a few sizes and check every cell; returns the 80x24 rows.
fn check(app: &App, what: &str) -> Vec<String> {
    for (w, h) in [(120, 40), (20, 5)] {
        let mut t = ui::terminal(w, h);
        draw(app, &mut t);
        if let Some((x, y, s)) = bad_cell(&t) {
            panic!("{what}: control character {s} drawn at {x},{y} ({w}x{h})");
        }
    }
    let mut t = ui::terminal(80, 24);
    let rows = draw(app, &mut t);
    if let Some((x, y, s)) = bad_cell(&t) {
        panic!("{what}: control character {s} drawn at {x},{y}:\n{}", rows.join("\n"));
    }
    rows
}

#[test]
fn text_already_in_the_database_is_drawn_harmlessly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inj.db");
    let (mut s, m, child) = fixtures::home_at(&db);
    s.add_staff(&m, "Sam Night", Role::Staff, "night shift 1").unwrap();
    // Through the library with raw strings (cleaned or refused there; either is fine, nothing may break).
    let mut raw = fixtures::child_input("Robin\u{1b}[2J Grey\u{202e}");
    raw.what_helps = NASTY.concat();
    let _ = s.add_child(&m, &raw);
    let account = format!("Kicked the door.{}", NASTY.concat());
    let _ = s.save_incident(&m, fixtures::record(&child, s.now(), &account), None);
    drop(s);
    // And straight into the file, as an old version or a hand edit might have left it.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "INSERT INTO children (uid, home_uid, name, preferred_name, dob, gender, ethnicity, legal_status, admitted) \
         SELECT 'evil', home_uid, ?1, ?2, dob, gender, ethnicity, legal_status, admitted FROM children WHERE id = 1",
        rusqlite::params![
            "Alex Brown\r\u{1b}[2KJordan Smith",
            "\u{202e}htimS nadroJ\u{1b}]0;x\u{7}"
        ],
    )
    .unwrap();
    c.execute(
        "UPDATE staff SET name = 'Sam\u{1b}[8m Hidden\u{1b}[0m\u{200b}Night' WHERE id = 2",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE home SET name = 'Oak\u{1b}]0;pwned\u{7}House\r\u{1b}[2K' WHERE id = 1",
        [],
    )
    .unwrap();
    drop(c);

    let mut a = app(Store::open(&db).unwrap());
    let rows = check(&a, "sign-in screen");
    assert!(
        rows.iter().any(|r| r.contains("Hidden")),
        "the disguised name is shown:\n{}",
        rows.join("\n")
    );
    sign_in(&mut a, 0, fixtures::PASS);
    assert!(a.session.is_some());
    check(&a, "after sign-in");
    a.update(key(KeyCode::Esc));
    check(&a, "menu");
    a.update(key(KeyCode::Char('c')));
    let rows = check(&a, "children list");
    // The record whose name tries to overwrite itself with "Jordan Smith" still shows as Alex Brown.
    assert!(
        rows.iter().any(|r| r.contains("Alex Brown")),
        "the disguised record is visible as itself:\n{}",
        rows.join("\n")
    );
    for _ in 0..4 {
        a.update(key(KeyCode::Down));
        check(&a, "children list, moving");
        a.update(key(KeyCode::Enter));
        check(&a, "child opened");
        a.update(key(KeyCode::Esc));
    }
    a.update(key(KeyCode::Esc));
    a.update(key(KeyCode::Char('i')));
    check(&a, "incidents");
    a.update(key(KeyCode::Enter));
    check(&a, "incident opened");
    a.update(key(KeyCode::Esc));
    a.update(key(KeyCode::Esc));
    a.update(key(KeyCode::Char('h')));
    check(&a, "handover");
}

#[test]
fn typed_and_pasted_control_text_is_never_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inj.db");
    drop(fixtures::home_at(&db));
    let mut a = app(Store::open(&db).unwrap());
    // Even the sign-in screen's passphrase field.
    a.update(key(KeyCode::Enter));
    a.update(Msg::Paste(NASTY.concat()));
    check(&a, "passphrase paste");
    a.update(key(KeyCode::Esc));
    sign_in(&mut a, 0, fixtures::PASS);
    a.update(key(KeyCode::Esc));
    a.update(key(KeyCode::Char('c')));
    a.update(key(KeyCode::Char('a')));
    for n in NASTY {
        a.update(Msg::Paste(format!("Jo{n}rdan")));
        check(&a, &format!("paste {}", n.escape_unicode()));
        type_text(&mut a, n);
        check(&a, &format!("typed {}", n.escape_unicode()));
        for c in n.chars() {
            a.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)));
        }
        check(&a, "alt");
        a.update(key(KeyCode::Tab));
    }
    // Whatever was saved is clean too.
    a.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    check(&a, "after save");
    for c in a.store.list_children(true).unwrap() {
        for f in [&c.name, &c.preferred_name, &c.what_helps, &c.social_worker] {
            assert!(
                !f.chars().any(ui::forbidden),
                "stored with control characters: {}",
                f.escape_unicode()
            );
        }
    }
}

/// The cell check itself can fail: a control sequence or a bidi override in a cell is caught.
#[test]
fn the_cell_check_catches_control_characters() {
    for bad in ["\u{1b}[2J", "a\u{202e}", "\u{200b}", "\r"] {
        let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 10, 2));
        buf[(3, 1)].set_symbol(bad);
        let found = ui::bad_cell_in(&buf).map(|(x, y, _)| (x, y));
        assert_eq!(found, Some((3, 1)), "{}", bad.escape_unicode());
    }
}

/// `verify` names the staff member of an altered audit row: a name edited to hold terminal sequences must not
/// reach the terminal raw (it could erase the line and draw a fake "sound"). Through the real binary.
#[test]
fn verify_never_prints_an_audit_rows_name_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    drop(fixtures::home_at(&db));
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE audit SET staff_name = ?1 WHERE id = (SELECT MAX(id) FROM audit)",
        ["Pat\u{1b}[2K\r\u{1b}]0;x\u{7}home.db: sound. \u{9b}1A"],
    )
    .unwrap();
    drop(c);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["verify", "--db"])
        .arg(&db)
        .env_remove("CONCORDAT_DB")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("NOT sound") && text.contains("was altered"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal: {}",
        text.escape_debug()
    );
}
