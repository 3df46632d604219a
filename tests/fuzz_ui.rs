//! Bad input to the app: thousands of random key sequences (characters, control keys, Enter/Tab/Esc, F-keys,
//! arrows, Ctrl and Alt combinations, paste bursts with escapes and newlines, resizes down to 1x1, ticks far in
//! the future) go to `App::update`, drawing after every message: no panic, something always on screen, and
//! never a control character in the terminal buffer. And text typed into a form survives an idle lock for its
//! author only.

mod common;
use common::fixtures;

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use concordat::domain::Role;
use concordat::store::Store;
use concordat::ui::app::{App, Msg};
use concordat::ui::theme::Theme;
use fixtures::ui::{self, bad_cell, draw, key, sign_in, type_text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SAM_PASS: &str = "night shift 1";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 2, 30, 0).unwrap()
}

/// A home with a manager (Pat) and a member of staff (Sam), exports pointed at a temporary folder.
fn template(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("template.db");
    let (mut s, m, _) = fixtures::home_at(&db);
    // Sam has chosen their own passphrase (a manager's must be changed at the first sign-in).
    let sam = s.add_staff(&m, "Sam Night", Role::Staff, "given by pat 1").unwrap();
    let given = s.signer_for(sam.id, "given by pat 1").unwrap();
    s.change_own_passphrase(&given, "given by pat 1", SAM_PASS).unwrap();
    let out = dir.join("exports");
    std::fs::create_dir_all(&out).unwrap();
    s.set_setting(&m, "export_folder", out.to_str().unwrap()).unwrap();
    drop(s);
    db
}

fn app_on(db: &Path) -> App {
    App::new(Store::open(db).unwrap(), ui::protocol(), Theme::plain(), t0())
}

const CHARS: &[char] = &[
    'a', 'e', 'n', 'c', 'h', 'i', 's', 't', 'd', 'y', 'q', 'm', '1', '0', '/', ' ', '-', '\'', '"', '%', '_', '\\',
    'é', 'ß', '😀', '中', '\u{301}', '\u{1b}', '\r', '\n', '\t', '\u{7}', '\u{202e}', '\u{200b}', '\u{feff}', '\u{0}',
];

fn random_key(r: &mut StdRng) -> KeyEvent {
    let code = match r.random_range(0..100) {
        0..=54 => KeyCode::Char(CHARS[r.random_range(0..CHARS.len())]),
        55..=62 => KeyCode::Enter,
        63..=68 => KeyCode::Tab,
        69..=70 => KeyCode::BackTab,
        71..=74 => KeyCode::Esc,
        75..=78 => KeyCode::Backspace,
        79 => KeyCode::Delete,
        80..=83 => KeyCode::Up,
        84..=87 => KeyCode::Down,
        88..=89 => KeyCode::Left,
        90..=91 => KeyCode::Right,
        92 => KeyCode::Home,
        93 => KeyCode::End,
        94 => KeyCode::PageUp,
        95 => KeyCode::PageDown,
        96 => KeyCode::Insert,
        _ => KeyCode::F(r.random_range(1..=12)),
    };
    let mods = match r.random_range(0..20) {
        0 => KeyModifiers::CONTROL,
        1 => KeyModifiers::ALT,
        2 => KeyModifiers::SHIFT,
        3 => KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    KeyEvent::new(code, mods)
}

fn random_paste(r: &mut StdRng) -> String {
    let parts = [
        "Jordan kicked the door",
        "\u{1b}[2J\u{1b}[H",
        "\u{1b}]0;owned\u{7}",
        "\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\",
        "\r\n",
        "\n\n\n",
        "\u{202e}gnp.exe",
        "zero\u{200b}width",
        "\t",
        "01/02/2011",
        "2026-W47",
        "😀😀",
        "\u{0}\u{8}\u{7f}",
        "'; DROP TABLE incidents; --",
    ];
    let n = r.random_range(1..40);
    (0..n).map(|_| parts[r.random_range(0..parts.len())]).collect()
}

fn random_msg(r: &mut StdRng, now: &mut DateTime<Utc>) -> Msg {
    match r.random_range(0..1000) {
        0..=899 => Msg::Key(random_key(r)),
        900..=939 => Msg::Paste(random_paste(r)),
        940..=964 => {
            let (w, h) = match r.random_range(0..4) {
                0 => (r.random_range(1..20), r.random_range(1..8)),
                1 => (80, 24),
                2 => (r.random_range(60..100), r.random_range(18..30)),
                _ => (r.random_range(100..220), r.random_range(30..70)),
            };
            Msg::Resize(w, h)
        }
        965..=996 => {
            *now += Duration::seconds(r.random_range(1..90));
            Msg::Tick(*now)
        }
        _ => {
            // Far in the future (and once in a while, back in the past).
            *now += Duration::days(r.random_range(1..4000));
            if r.random_bool(0.1) {
                Msg::Tick(*now - Duration::days(20_000))
            } else {
                Msg::Tick(*now)
            }
        }
    }
}

#[test]
fn random_input_never_panics_and_always_draws_cleanly() {
    let sessions: usize = std::env::var("CONCORDAT_FUZZ_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let per_session = 100;
    let seq_len = 6;
    let seed: u64 = std::env::var("CONCORDAT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(11);
    let mut r = StdRng::seed_from_u64(seed);
    let dir = fast_tempdir();
    let tpl = template(dir.path());
    let started = std::time::Instant::now();
    let mut sequences = 0;
    let mut messages = 0;
    for sess in 0..sessions {
        let db = dir.path().join(format!("s{sess}.db"));
        std::fs::copy(&tpl, &db).unwrap();
        let mut app = app_on(&db);
        let mut term = ui::terminal(80, 24);
        // Half the sessions as the manager (more screens), half as staff.
        let (pos, pass) = if sess % 2 == 0 {
            (0, fixtures::PASS)
        } else {
            (1, SAM_PASS)
        };
        let mut now = t0();
        sign_in(&mut app, pos, pass);
        assert!(app.session.is_some(), "session {sess}: sign-in by keys failed");
        for seq in 0..per_session {
            if app.quit {
                app = app_on(&db);
                app.update(Msg::Tick(now));
            }
            // Start each sequence signed in when possible (a lock or sign-out may have happened).
            if app.session.is_none() && seq % 10 == 0 {
                app.store.set_clock(Some(now));
                sign_in(&mut app, pos, pass);
            }
            let mut log: Vec<String> = Vec::new();
            for _ in 0..seq_len {
                let m = random_msg(&mut r, &mut now);
                log.push(format!("{m:?}"));
                if let Msg::Resize(w, h) = m {
                    term.backend_mut().resize(w, h);
                }
                app.update(m);
                let rows = draw(&app, &mut term);
                messages += 1;
                let ctx = || format!("session {sess} sequence {seq}, after: {}", log.join(" | "));
                assert!(
                    rows.iter().any(|row| row.chars().any(|c| !c.is_whitespace())),
                    "blank screen: {}",
                    ctx()
                );
                if let Some((x, y, s)) = bad_cell(&term) {
                    panic!("control character {s} drawn at {x},{y}: {}", ctx());
                }
            }
            sequences += 1;
        }
        assert!(app.store.verify().unwrap().is_sound(), "session {sess}");
    }
    eprintln!(
        "fuzz_ui: {sequences} random sequences, {messages} messages, each drawn, {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// A temporary folder in memory where there is one (the fuzzing writes often; fsync to disk is slow).
fn fast_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(d) = tempfile::tempdir_in(shm)
    {
        return d;
    }
    tempfile::tempdir().unwrap()
}

/// The add-child form as the top screen, after signing in.
fn open_add_child(app: &mut App) {
    app.update(key(KeyCode::Esc)); // handover -> menu
    app.update(key(KeyCode::Char('c'))); // children
    app.update(key(KeyCode::Char('a'))); // add
}

fn screen_has(app: &App, text: &str) -> bool {
    let mut t = ui::terminal(80, 24);
    draw(app, &mut t).iter().any(|r| r.contains(text))
}

#[test]
fn typing_survives_an_idle_lock_for_its_author_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = template(dir.path());
    let mut app = app_on(&db);
    app.store.set_clock(Some(t0()));
    sign_in(&mut app, 1, SAM_PASS);
    assert_eq!(app.session.as_ref().map(|s| s.staff.name.as_str()), Some("Sam Night"));
    open_add_child(&mut app);
    type_text(&mut app, "Riley Unsaved");
    assert!(screen_has(&app, "Riley Unsaved"), "typed text shows in the form");

    // Idle past the lock time.
    let minutes = app.store.setting_u32("idle_lock_minutes").unwrap() as i64;
    app.update(Msg::Tick(t0() + Duration::minutes(minutes) + Duration::seconds(1)));
    assert!(app.session.is_none(), "the app locked");
    assert!(
        !screen_has(&app, "Riley Unsaved"),
        "nothing of Sam's work stays on screen"
    );

    // Someone else signs in: they do not see it.
    sign_in(&mut app, 0, fixtures::PASS);
    assert_eq!(app.session.as_ref().map(|s| s.staff.name.as_str()), Some("Pat Manager"));
    assert!(!screen_has(&app, "Riley Unsaved"));
    open_add_child(&mut app);
    assert!(
        !screen_has(&app, "Riley Unsaved"),
        "a new form for someone else starts empty"
    );
    app.update(Msg::Tick(t0() + Duration::minutes(2 * minutes + 5)));
    assert!(app.session.is_none());

    // Sam signs in again: the text is back.
    sign_in(&mut app, 1, SAM_PASS);
    assert_eq!(app.session.as_ref().map(|s| s.staff.name.as_str()), Some("Sam Night"));
    let mut t = ui::terminal(80, 24);
    let rows = draw(&app, &mut t);
    let drafts = app
        .store
        .open_drafts(&app.session.as_ref().unwrap().actor, concordat::store::drafts::FORM)
        .unwrap();
    assert!(
        rows.iter().any(|r| r.contains("Riley Unsaved")),
        "Sam's unsaved text is back: {drafts:?}\n{}",
        rows.join("\n")
    );
    assert!(app.store.verify().unwrap().is_sound());
}
