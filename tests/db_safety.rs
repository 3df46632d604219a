//! The database is held, and damage never spreads (issue #15): the running app holds the file against a
//! restore; a file replaced (or its `-wal` removed) under a running app is never written to; a lock keeps typed
//! work in memory for its author when the draft cannot be written; an emptied database is never set up again
//! as a new home; a database that does not verify is never backed up, and "the newest good backup" is the
//! newest that verifies; killed backups leave nothing behind for long; `backup --out` never writes over a file.

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use concordat::domain::Role;
use concordat::store::backup::{self, backups_dir};
use concordat::store::{Store, StoreError, lock};
use concordat::ui::app::{App, Msg};
use concordat::ui::theme::Theme;
use fixtures::ui::{self, draw, key, sign_in, type_text};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SAM_PASS: &str = "night shift 1";

/// The real binary, as the manager where the command needs a person.
fn run(args: &[&str], db: &Path) -> (bool, String) {
    cli::run_text(std::path::Path::new(db), args)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 2, 30, 0).unwrap()
}

fn screen_has(app: &App, text: &str) -> bool {
    let mut t = ui::terminal(80, 24);
    draw(app, &mut t).iter().any(|r| r.contains(text))
}

fn screen_text(app: &App) -> String {
    let mut t = ui::terminal(80, 24);
    draw(app, &mut t).join("\n")
}

/// A home with Pat (manager) and Sam (staff), and one daily backup taken.
fn home(dir: &Path) -> PathBuf {
    let db = dir.join("home.db");
    let (mut s, m, child) = fixtures::home_at(&db);
    // Sam has chosen their own passphrase (a manager's must be changed at the first sign-in).
    let sam = s.add_staff(&m, "Sam Night", Role::Staff, "given by pat 1").unwrap();
    let given = s.signer_for(sam.id, "given by pat 1").unwrap();
    s.change_own_passphrase(&given, "given by pat 1", SAM_PASS).unwrap();
    s.save_incident(
        &m,
        fixtures::record(&child, s.now(), "Before the backup: kicked a door."),
        None,
    )
    .unwrap();
    assert_eq!(backup::daily(&s), None);
    db
}

fn open_add_child(app: &mut App) {
    app.update(key(KeyCode::Esc)); // handover -> menu
    app.update(key(KeyCode::Char('c'))); // children
    app.update(key(KeyCode::Char('a'))); // add
}

/// Another database with a home of its own, renamed over `db` (as a restore by another program would).
fn replace_with_another(dir: &Path, db: &Path) {
    let other = dir.join("other.db");
    drop(fixtures::home_at(&other));
    std::fs::rename(&other, db).unwrap();
}

#[test]
fn restore_refuses_while_the_app_holds_the_database_and_names_who() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let good = backup::list(&db)[0].path.clone();
    // The app, as `ui::run_app` holds it, with Pat signed in.
    let hold = lock::hold_app(&db).unwrap();
    hold.signed_in(Some("Pat Manager"));
    let before = std::fs::read(&db).unwrap();
    let (ok, out) = run(&["restore", good.to_str().unwrap()], &db);
    assert!(!ok, "refused while the app is open: {out}");
    assert!(out.contains("Cannot restore while concordat is open"), "{out}");
    assert!(out.contains("Pat Manager"), "the refusal says who: {out}");
    assert!(out.contains(&format!("process {}", std::process::id())), "{out}");
    assert!(out.contains("Nothing was changed"), "{out}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database is untouched");
    assert!(
        !backup::list(&db).iter().any(|b| b.kind == "replaced"),
        "nothing was even set aside"
    );
    drop(hold);
    let (ok, out) = run(&["restore", good.to_str().unwrap()], &db);
    assert!(ok, "once the app has closed the restore runs: {out}");
}

#[test]
fn a_replaced_file_or_a_removed_wal_refuses_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    replace_with_another(dir.path(), &db);
    let e = s
        .save_incident(&a, fixtures::record(&child, s.now(), "After the restore."), None)
        .expect_err("a write to a replaced file is refused, never acknowledged");
    assert!(matches!(e, StoreError::Replaced), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("replaced or changed by another program") && msg.contains("draft is kept"),
        "{msg}"
    );
    assert!(msg.contains("start it again"), "{msg}");
    drop(s);
    let now = Store::open_readonly(&db).unwrap();
    assert_eq!(now.incident_count().unwrap(), 0, "nothing reached the new file");

    // The -wal removed underneath (as a clean-up tool or a copy back would).
    let db2 = dir.path().join("second.db");
    let (mut s, a, child) = fixtures::home_at(&db2);
    std::fs::remove_file(backup::with_suffix(&db2, "-wal")).unwrap();
    let e = s
        .save_incident(&a, fixtures::record(&child, s.now(), "After the -wal went."), None)
        .expect_err("refused");
    assert!(matches!(e, StoreError::Replaced), "{e:?}");
}

#[test]
fn a_save_refused_because_the_file_was_replaced_keeps_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let mut app = App::new(Store::open(&db).unwrap(), ui::protocol(), Theme::plain(), t0());
    app.store.set_clock(Some(t0()));
    sign_in(&mut app, 0, fixtures::PASS);
    assert!(app.session.is_some());
    open_add_child(&mut app);
    type_text(&mut app, "Riley Typed");
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "01/02/2011");
    for _ in 0..3 {
        // Gender, ethnicity, legal status: the first choice each.
        app.update(key(KeyCode::Enter));
        app.update(key(KeyCode::Right));
    }
    for _ in 0..4 {
        app.update(key(KeyCode::Enter));
    }
    type_text(&mut app, "01/11/2026");
    replace_with_another(dir.path(), &db);
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    let text = screen_text(&app);
    assert!(text.contains("Riley Typed"), "the form is still there:\n{text}");
    let flash = app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("replaced"), "the message says why: {flash}\n{text}");
    assert!(!flash.contains("Saved"), "{flash}");
    drop(app);
    // The file now at the path, and the -wal the replaced one left beside it, hold nothing of Riley: not saved
    // anywhere. (The two together no longer make one database, so they are read as bytes.)
    for part in ["", "-wal"] {
        let bytes = std::fs::read(backup::with_suffix(&db, part)).unwrap_or_default();
        assert!(
            !bytes.windows(11).any(|w| w == b"Riley Typed"),
            "nothing acknowledged anywhere ({part})"
        );
    }
}

#[test]
fn a_lock_on_a_full_disk_keeps_typing_in_memory_for_its_author_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let mut app = App::new(Store::open(&db).unwrap(), ui::protocol(), Theme::plain(), t0());
    app.store.set_clock(Some(t0()));
    sign_in(&mut app, 1, SAM_PASS);
    assert_eq!(app.session.as_ref().map(|s| s.staff.name.as_str()), Some("Sam Night"));
    open_add_child(&mut app);
    type_text(&mut app, "Riley Unsaved");
    // The disk fills (as tests/full_disk.rs does it): the draft cannot be written.
    let pages: i64 = app.store.page_count().unwrap();
    let set_max = |app: &App, n: i64| {
        let _: i64 = app.store.limit_pages(n).unwrap();
    };
    set_max(&app, pages);
    let pat = fixtures::manager(&app.store);
    let child = fixtures::first_child_uid(&app.store);
    // Fill every last page: big records first, then smaller ones.
    for n in [200, 20, 2, 1] {
        let long = "J kicked the kitchen door and threw a chair. ".repeat(n);
        let mut tries = 0;
        loop {
            tries += 1;
            assert!(tries < 200, "the disk never filled");
            let rec = fixtures::record(&child, app.store.now(), &long);
            match app.store.save_incident(&pat, rec, None) {
                Ok(_) => continue,
                Err(StoreError::Full) => break,
                Err(e) => panic!("{e}"),
            }
        }
    }
    for n in [100, 10, 1] {
        let payload = format!("{{\"account\":\"{}\"}}", "x".repeat(n));
        let mut tries = 0;
        loop {
            tries += 1;
            assert!(tries < 500, "the disk never filled");
            match app
                .store
                .save_draft(&pat, None, concordat::store::drafts::INCIDENT, "x", &payload)
            {
                Ok(_) => continue,
                Err(StoreError::Full) => break,
                Err(e) => panic!("{e}"),
            }
        }
    }
    let minutes = app.store.setting_u32("idle_lock_minutes").unwrap() as i64;
    app.update(Msg::Tick(t0() + Duration::minutes(minutes) + Duration::seconds(1)));
    assert!(app.session.is_none(), "the app locked");
    assert!(!screen_has(&app, "Riley Unsaved"), "nothing of Sam's stays on screen");
    let note = app.locked_note.clone().unwrap_or_default();
    assert!(
        note.contains("disk is full") && note.contains("kept in memory for Sam Night"),
        "the lock screen says what happened: {note}"
    );
    assert_eq!(note.matches("full").count(), 1, "one message, not nested: {note}");
    // Room again. Someone else signs in: they never see it.
    set_max(&app, 1_000_000);
    sign_in(&mut app, 0, fixtures::PASS);
    assert_eq!(app.session.as_ref().map(|s| s.staff.name.as_str()), Some("Pat Manager"));
    assert!(!screen_has(&app, "Riley Unsaved"));
    open_add_child(&mut app);
    assert!(!screen_has(&app, "Riley Unsaved"), "Pat's new form starts empty");
    app.update(Msg::Tick(t0() + Duration::minutes(2 * minutes + 5)));
    assert!(app.session.is_none());
    // Sam again: the text is back.
    sign_in(&mut app, 1, SAM_PASS);
    assert_eq!(app.session.as_ref().map(|s| s.staff.name.as_str()), Some("Sam Night"));
    assert!(
        screen_has(&app, "Riley Unsaved"),
        "Sam's unsaved text is back:\n{}",
        screen_text(&app)
    );
}

#[test]
fn an_emptied_database_where_a_home_was_kept_is_not_set_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let good = backup::list(&db)[0].path.clone();
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(backup::with_suffix(&db, f));
    }
    std::fs::write(&db, b"").unwrap();
    let Err(e) = Store::open(&db) else {
        panic!("an empty file is not a new install")
    };
    assert!(matches!(e, StoreError::Emptied { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("empty (0 bytes)") && msg.contains("not set up again"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("concordat restore {}", good.display())),
        "points to the newest backup that verifies: {msg}"
    );
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "left as it was");
    // Missing altogether: the same.
    std::fs::remove_file(&db).unwrap();
    let Err(e) = Store::open(&db) else {
        panic!("a missing file where a home was kept")
    };
    assert!(e.to_string().contains("missing"), "{e}");
    assert!(!db.exists(), "not created");
    // The real binary says so and shows no set-up screen: `demo` would have made a new home here.
    let (ok, out) = run(&["demo", "--children", "1", "--incidents", "1", "--seed", "1"], &db);
    assert!(!ok, "{out}");
    assert!(out.contains("not set up again"), "{out}");
    // An empty file in the backups folder is never offered as a good backup.
    let empty = backups_dir(&db).join("home-20991231-235959-daily.db");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(backup::newest_good_backup(&db), Some(good.clone()));
    // The restore it names works.
    let (ok, out) = run(&["restore", good.to_str().unwrap()], &db);
    assert!(ok, "{out}");
    assert!(Store::open(&db).unwrap().is_set_up().unwrap());
    // A new folder with nothing in it is still a new install.
    let fresh = dir.path().join("new").join("c.db");
    assert!(!Store::open(&fresh).unwrap().is_set_up().unwrap());
    // Set up today, emptied before any backup was taken: the set-up itself marked the folder.
    drop(fixtures::home_at(&fresh));
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(backup::with_suffix(&fresh, f));
    }
    std::fs::write(&fresh, b"").unwrap();
    assert!(backup::list(&fresh).is_empty());
    let Err(e) = Store::open(&fresh) else {
        panic!("emptied on its first day: still not a new install")
    };
    assert!(e.to_string().contains("No backup was found"), "{e}");
}

#[test]
fn a_database_not_set_up_is_never_backed_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let s = Store::open(&db).unwrap();
    assert_eq!(backup::daily(&s), None);
    assert!(backup::list(&db).is_empty(), "nothing to keep, no empty 'daily backup'");
}

/// Flip one letter of a saved account in the file itself: the file stays structurally sound.
fn flip_a_byte_in_a_record(db: &Path, text: &str) {
    let mut bytes = std::fs::read(db).unwrap();
    let at = bytes
        .windows(text.len())
        .position(|w| w == text.as_bytes())
        .expect("the text is in the main file");
    bytes[at] ^= 0x01;
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn a_flipped_byte_is_not_copied_into_the_daily_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    s.set_clock(Some(t0()));
    s.save_incident(
        &a,
        fixtures::record(&child, s.now(), "Threw the remote at the TV."),
        None,
    )
    .unwrap();
    assert_eq!(backup::daily(&s), None, "yesterday's backup");
    let good = backup::list(&db)[0].path.clone();
    drop(s);
    flip_a_byte_in_a_record(&db, "Threw the remote");
    assert_eq!(
        fixtures::integrity(&db),
        "ok",
        "the start-up check alone does not see it"
    );

    let mut s = Store::open(&db).unwrap();
    s.set_clock(Some(t0() + Duration::days(1)));
    let e = backup::daily_checked(&s).expect_err("today's check refuses the damage");
    let msg = e.to_string();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{msg}");
    assert!(msg.contains("backup was not taken"), "{msg}");
    assert!(
        msg.contains(&format!("concordat restore {}", good.display())),
        "names the newest backup that verifies: {msg}"
    );
    assert_eq!(msg.matches("damaged").count(), 1, "{msg}");
    assert_eq!(backup::list(&db).len(), 1, "no damaged backup was kept");
    let leftovers: Vec<_> = std::fs::read_dir(backups_dir(&db))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "the refused copy is removed: {leftovers:?}");

    // `concordat backup` refuses it too, and a damaged copy made by hand is never the newest good one.
    let (ok, out) = run(&["backup"], &db);
    assert!(!ok && out.contains("does not check out"), "{out}");
    let by_hand = backups_dir(&db).join("home-20991231-235959-manual.db");
    std::fs::copy(&db, &by_hand).unwrap();
    assert_eq!(backup::newest_good_backup(&db), Some(good.clone()));
    // `restore` refuses a backup that does not verify, plainly.
    let (ok, out) = run(&["restore", by_hand.to_str().unwrap()], &db);
    assert!(!ok, "{out}");
    assert!(
        out.contains("cannot be restored") && out.contains("Nothing was changed"),
        "{out}"
    );
    // The good one's check is remembered beside it.
    assert!(backup::with_suffix(&good, ".verified").exists());
    // The app itself does not open it (today's first start): it says what happened and what to do.
    let (ok, out) = run(&[], &db);
    assert!(!ok, "{out}");
    assert!(
        out.contains("backup was not taken") && out.contains("concordat restore"),
        "{out}"
    );
    assert!(
        !backup::list(&db).iter().any(|b| b.kind == "daily" && b.path != good),
        "still no damaged daily backup"
    );
}

#[test]
fn leftovers_of_a_killed_backup_are_removed_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let b = backups_dir(&db);
    let prefix = concordat::fsio::PARTIAL_PREFIX;
    // A process that cannot be running (above the kernel's pid_max) left a copy and its journal.
    let dead = [
        dir.path().join(format!("{prefix}4294967-restore.tmp")),
        b.join(format!("{prefix}4294967-daily.tmp")),
        b.join(format!("{prefix}4294967-daily.tmp-journal")),
    ];
    for p in &dead {
        std::fs::write(p, vec![1u8; 4096]).unwrap();
    }
    // A live one (this process) is being written now.
    let live = b.join(format!("{prefix}{}-daily.tmp", std::process::id()));
    std::fs::write(&live, b"x").unwrap();
    drop(Store::open(&db).unwrap());
    if cfg!(target_os = "linux") {
        for p in &dead {
            assert!(!p.exists(), "{} removed", p.display());
        }
    }
    assert!(live.exists(), "a live writer's file is kept");
    // A backup made now leaves nothing behind either.
    let (ok, out) = run(&["backup"], &db);
    assert!(ok, "{out}");
    let names: Vec<String> = std::fs::read_dir(&b)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial") && !n.contains(&std::process::id().to_string()))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn backup_out_never_writes_over_a_file_the_database_or_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let daily = backup::list(&db)[0].path.clone();
    let existing = dir.path().join("notes.txt");
    std::fs::write(&existing, b"keep me").unwrap();
    let before_db = std::fs::read(&db).unwrap();
    let before_daily = std::fs::read(&daily).unwrap();
    for (out, want) in [
        (db.clone(), "database"),
        (backup::with_suffix(&db, "-wal"), "database"),
        (daily.clone(), "backups folder"),
        (backups_dir(&db).join("mine.db"), "backups folder"),
        (existing.clone(), "already exists"),
    ] {
        let (ok, text) = run(&["backup", "--out", out.to_str().unwrap()], &db);
        assert!(!ok, "{}: {text}", out.display());
        assert!(text.contains(want), "{}: {text}", out.display());
    }
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    assert_eq!(std::fs::read(&daily).unwrap(), before_daily);
    assert_eq!(std::fs::read(&db).unwrap(), before_db);
    let fresh = dir.path().join("copy.db");
    let (ok, text) = run(&["backup", "--out", fresh.to_str().unwrap()], &db);
    assert!(ok, "{text}");
    assert!(backup::is_verified(&fresh));
}
