//! Keys and screens a newcomer can follow (issue #16): `n` starts an incident from every top-level screen, a
//! window too small swallows keys and shows the 999 reminder, and `p` prints into the prints folder beside the
//! database, never the YOS export folder or the folder the app was started from.

mod common;

use common::pty::{Pty, keys};
use common::*;
use concordat::store::Store;
use concordat::ui::app::{App, Msg};
use ratatui::crossterm::event::KeyCode;

fn morning() -> chrono::DateTime<chrono::Utc> {
    t(2026, 11, 22, 8, 0)
}

fn title(app: &App) -> String {
    app.top().title()
}

/// The whole app drawn at `w`x`h`.
fn screen_at(app: &App, w: u16, h: u16) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.view(f)).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn n_starts_an_incident_from_every_top_level_screen_and_o_writes_a_note() {
    let h = home(morning());
    let mut app = as_manager(h);
    assert_eq!(title(&app), "Handover");
    assert!(screen(&app).contains("n new incident"), "{}", screen(&app));
    app.update(ch('n'));
    assert_eq!(title(&app), "New incident", "n on the handover opens the wizard");
    app.update(key(KeyCode::Esc));
    app.update(ch('y'));
    assert_eq!(
        title(&app),
        "Handover",
        "Esc (and y to leave) on the first step comes back"
    );
    app.update(ch('o'));
    assert!(screen(&app).contains("Ctrl+S save note"), "{}", screen(&app));
    app.update(key(KeyCode::Esc));
    // From each screen of the menu.
    for (letter, name) in [
        ('i', "incidents"),
        ('c', "children"),
        ('r', "dashboard"),
        ('e', "export"),
        ('s', "staff"),
    ] {
        app.stack.truncate(1);
        app.update(ch(letter));
        let there = title(&app);
        assert_ne!(there, "Menu", "{letter} opened {name}");
        assert!(screen(&app).contains("new incident"), "{name}: {}", screen(&app));
        app.update(ch('n'));
        assert_eq!(title(&app), "New incident", "n from {name} ({there})");
    }
    // Settings is a form (n is a letter there): Ctrl+N, shown.
    app.stack.truncate(1);
    app.update(ch('t'));
    assert!(screen(&app).contains("Ctrl+N new incident"), "{}", screen(&app));
    app.update(ctrl('n'));
    assert_eq!(title(&app), "New incident");
}

#[test]
fn a_window_too_small_shows_999_and_keys_do_not_reach_the_form() {
    let h = home(morning());
    let mut app = as_manager(h);
    app.update(ch('o'));
    app.update(ch('a'));
    app.update(Msg::Resize(60, 20));
    let s = screen_at(&app, 60, 20);
    assert!(s.contains("999"), "{s}");
    assert!(
        s.contains("Ctrl+Q") && s.contains("Ctrl+L"),
        "the keys that still work: {s}"
    );
    for c in "bcd".chars() {
        app.update(ch(c));
    }
    app.update(Msg::Paste("pasted".into()));
    app.update(Msg::Resize(80, 24));
    let s = screen(&app);
    assert!(s.contains("a "), "{s}");
    assert!(
        !s.contains("abcd") && !s.contains("pasted"),
        "typed while too small reached the form: {s}"
    );
}

#[test]
fn p_on_the_handover_prints_into_the_prints_folder_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let export = dir.path().join("yos-share");
    std::fs::create_dir_all(&export).unwrap();
    let mut h = home_at(Store::open(&db).unwrap(), morning());
    let m = h.manager();
    h.store
        .set_setting(&m, "export_folder", export.to_str().unwrap())
        .unwrap();
    let mut app = as_manager(h);
    app.update(ch('p'));
    let prints = dir.path().join("prints");
    let files: Vec<_> = std::fs::read_dir(&prints).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(std::fs::read_to_string(&files[0]).unwrap().contains("Oak House"));
    assert_eq!(
        std::fs::read_dir(&export).unwrap().count(),
        0,
        "nothing in the YOS share"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&prints).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
    let s = screen(&app).replace('\n', "");
    let shown = files[0].display().to_string();
    assert!(s.contains("Printed to"), "{s}");
    assert!(
        s.contains(&shown[shown.len() - 30..]),
        "the path is on screen: {shown}\n{}",
        screen(&app)
    );
    // A second print never replaces the first.
    app.update(ch('p'));
    assert_eq!(std::fs::read_dir(&prints).unwrap().count(), 2);
}

/// The app cannot start until the built-in protocol parses.
fn app_can_start() -> bool {
    concordat::protocol::parse(concordat::protocol::DEFAULT_TOML).is_ok()
}

/// Pat Manager is first (names in order): one down to Sam.
fn sign_in_as_sam(p: &mut Pty) {
    common::pty::sign_in_second(p, "Sam Night", STAFF_PASS);
}

/// The real binary: `n` from the handover opens the wizard; a window made too small shows the 999 reminder and a
/// letter typed then does not reach the form; `p` on the handover writes into <data dir>/prints (0700) and the
/// screen names it.
#[test]
fn keys_and_screens_in_a_terminal() {
    if !app_can_start() {
        eprintln!("SKIPPED: the built-in protocol does not load");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    {
        let _h = home_at(Store::open(&db).unwrap(), concordat::time::now());
    }
    let home_dir = dir.path().join("home");
    std::fs::create_dir_all(&home_dir).unwrap();
    let env = [
        ("HOME", home_dir.to_str().unwrap()),
        ("XDG_CONFIG_HOME", home_dir.to_str().unwrap()),
        ("XDG_DATA_HOME", home_dir.to_str().unwrap()),
    ];
    let mut p = Pty::spawn(&["--db", db.to_str().unwrap()], &env);
    sign_in_as_sam(&mut p);
    p.wait_for("n new incident", 20);
    p.wait_for("o write a note", 5);
    // p prints into the prints folder beside the database, and says where.
    p.send("p");
    p.wait_for("Printed to", 10);
    let prints = dir.path().join("prints");
    let files: Vec<_> = std::fs::read_dir(&prints).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    p.wait_for(&name, 5);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&prints).unwrap().permissions().mode() & 0o777, 0o700);
    }
    // n opens the wizard from the handover.
    p.send("n");
    p.wait_for("Immediate danger", 10);
    p.send("n");
    p.wait_for("Child, when and where", 10);
    p.send(keys::TAB);
    p.send(keys::TAB);
    p.send(keys::TAB);
    p.type_text("Kit");
    p.wait_for("Kit", 5);
    // Too small: the 999 reminder and the keys that work; a letter typed now is dropped.
    p.resize(20, 60);
    p.wait_for("call 999", 10);
    p.wait_for("Ctrl+Q", 5);
    p.type_text("Q");
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.resize(24, 80);
    p.wait_for("Child, when and where", 10);
    p.type_text("chen");
    p.wait_for("Kitchen", 5);
    assert!(!p.screen().contains("KitQ"), "{}", p.screen());
    p.send(keys::CTRL_Q);
    assert!(p.wait_exit(10).is_some(), "{}", p.screen());
}
