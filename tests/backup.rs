//! Backups end to end: the daily backup, `concordat backup`, a damaged database pointing to the newest good
//! backup, and `concordat restore` (checked first, current database kept aside, stale -wal/-shm removed).

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::Path;

use concordat::store::backup::{self, backups_dir};
use concordat::store::{Store, StoreError};

/// Run a command; backup and restore as the fixtures' manager (signed in, passphrase on standard input).
fn run(args: &[&str], db: &Path) -> (bool, String) {
    let out = if matches!(args.first(), Some(&"backup") | Some(&"restore")) {
        cli::run_manager(db, args)
    } else {
        let mut c = cli::bin();
        c.args(args).arg("--db").arg(db);
        cli::with_stdin(c, None)
    };
    let text = format!("{}{}", cli::stdout(&out), cli::stderr(&out));
    (out.status.success(), text)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn damaged_database_points_to_the_newest_good_backup_which_restores() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    s.save_incident(
        &a,
        fixtures::record(&child, s.now(), "Before the backup: kicked a door."),
        None,
    )
    .unwrap();
    assert_eq!(backup::daily(&s), None, "today's backup is made");
    let daily = backup::list(&db);
    assert_eq!(daily.len(), 1);
    #[cfg(unix)]
    assert_eq!(mode(&daily[0].path), 0o600);
    // Something saved after the backup (it will be lost by the restore: the message says which backup).
    s.save_incident(
        &a,
        fixtures::record(&child, s.now(), "After the backup: kicked a door."),
        None,
    )
    .unwrap();
    drop(s);

    // Damage the file (as a failing disk might) and leave a stale -wal beside it.
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(100) {
        *b = 0x42;
    }
    std::fs::write(&db, &bytes).unwrap();
    std::fs::write(backup::with_suffix(&db, "-wal"), vec![0x13u8; 5000]).unwrap();

    // At start: a clear message naming the newest good backup, and the file is untouched.
    let e = Store::open(&db).err().expect("a damaged database is refused");
    match &e {
        StoreError::Corrupt { backup, .. } => assert_eq!(backup.as_deref(), Some(daily[0].path.as_path())),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("damaged") && msg.contains("concordat restore"), "{msg}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    let (ok, out) = run(&["verify"], &db);
    assert!(!ok);
    assert!(out.contains(&daily[0].path.display().to_string()), "{out}");

    // Restore the backup the message names.
    let (ok, out) = run(&["restore", daily[0].path.to_str().unwrap()], &db);
    assert!(ok, "{out}");
    assert!(out.contains("Restored") && out.contains("kept at"), "{out}");
    let s = Store::open(&db).unwrap();
    assert_eq!(s.incident_count().unwrap(), 1, "the database as it was at the backup");
    assert!(s.verify().unwrap().is_sound());
    #[cfg(unix)]
    assert_eq!(mode(&db), 0o600);
    // The damaged database was kept aside, byte for byte.
    let replaced: Vec<_> = backup::list(&db).into_iter().filter(|b| b.kind == "replaced").collect();
    assert_eq!(replaced.len(), 1);
    assert_eq!(std::fs::read(&replaced[0].path).unwrap(), bytes);
    drop(s);
    let (ok, out) = run(&["verify"], &db);
    assert!(ok, "{out}");
}

#[test]
fn backup_command_and_restore_keeps_the_current_database_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    s.save_incident(&a, fixtures::record(&child, s.now(), "One: kicked a door."), None)
        .unwrap();
    drop(s);
    let out_file = dir.path().join("copy.db");
    let (ok, out) = run(&["backup", "--out", out_file.to_str().unwrap()], &db);
    assert!(ok, "{out}");
    #[cfg(unix)]
    assert_eq!(mode(&out_file), 0o600);
    fixtures::assert_sound(&out_file);
    // Never overwrites an existing file.
    let before = std::fs::read(&out_file).unwrap();
    let (ok, out) = run(&["backup", "--out", out_file.to_str().unwrap()], &db);
    assert!(!ok && out.contains("already exists"), "{out}");
    assert_eq!(std::fs::read(&out_file).unwrap(), before);
    // Default: into the backups folder.
    let (ok, out) = run(&["backup"], &db);
    assert!(ok, "{out}");
    assert!(backup::list(&db).iter().any(|b| b.kind == "manual"));
    #[cfg(unix)]
    assert_eq!(mode(&backups_dir(&db)), 0o700);

    // More work after the backup, then restore: the newer database is kept aside and still complete.
    let (mut s, a) = {
        let s = Store::open(&db).unwrap();
        let a = fixtures::manager(&s);
        (s, a)
    };
    s.save_incident(&a, fixtures::record(&child, s.now(), "Two: kicked a door."), None)
        .unwrap();
    drop(s);
    let (ok, out) = run(&["restore", out_file.to_str().unwrap()], &db);
    assert!(ok, "{out}");
    assert_eq!(Store::open_readonly(&db).unwrap().incident_count().unwrap(), 1);
    let replaced: Vec<_> = backup::list(&db).into_iter().filter(|b| b.kind == "replaced").collect();
    assert_eq!(replaced.len(), 1);
    let aside = Store::open_readonly(&replaced[0].path).unwrap();
    assert_eq!(aside.incident_count().unwrap(), 2);
    assert!(aside.verify().unwrap().is_sound());
    fixtures::assert_sound(&db);
}

#[test]
fn restore_refuses_bad_backups_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    drop(fixtures::home_at(&db));
    let good = dir.path().join("good.db");
    assert!(run(&["backup", "--out", good.to_str().unwrap()], &db).0);
    let original = std::fs::read(&db).unwrap();

    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute("UPDATE children SET name = 'Changed' WHERE id = 1", [])
        .unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![0x42u8; 8192]).unwrap();
    let cases = [
        (tampered.to_str().unwrap().to_string(), "children row 1"),
        (newer.to_str().unwrap().to_string(), "newer version"),
        (junk.to_str().unwrap().to_string(), "cannot be restored"),
        (
            dir.path().join("missing.db").to_str().unwrap().to_string(),
            "There is no file",
        ),
        (dir.path().to_str().unwrap().to_string(), "is not a file"),
        (db.to_str().unwrap().to_string(), "the database itself"),
    ];
    for (file, want) in &cases {
        let (ok, out) = run(&["restore", file], &db);
        assert!(!ok, "{file} should be refused");
        assert!(out.contains(want), "{file}: expected '{want}' in {out}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            original,
            "{file}: the database was changed"
        );
    }
    assert!(backup::list(&db).iter().all(|b| b.kind != "replaced"));
}
