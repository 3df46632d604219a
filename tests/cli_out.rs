//! No `--out` ever replaces a file: `print`, `report` and `backup` refuse the database, its -wal, an existing
//! file and anything in the backups folder, with exit 1 and one plain line, and leave the target byte for byte
//! as it was. (Before, `print --incident 1 --out concordat.db` replaced the live database with exit 0.)

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::{Path, PathBuf};

use cli::{run_manager, stderr, stdout};
use concordat::store::backup::backups_dir;

fn commands(out: &Path) -> Vec<Vec<String>> {
    let o = out.to_string_lossy().into_owned();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["print", "--incident", "1", "--out", &o]),
        s(&["print", "--handover", "--out", &o]),
        s(&["report", "--week", "2026-W47", "--out", &o]),
        s(&["report", "--format", "csv", "--out", &o]),
        s(&["backup", "--out", &o]),
    ]
}

fn refused(db: &Path, target: &Path, want: &str) {
    let before = std::fs::read(target).ok();
    for args in commands(target) {
        let o = run_manager(db, &args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{args:?}: one line: {e}");
        assert!(!e.contains("panicked"), "{e}");
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert_eq!(
            std::fs::read(target).ok(),
            before,
            "{args:?}: {} changed",
            target.display()
        );
    }
}

#[test]
fn out_never_replaces_the_database_its_wal_a_file_or_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("concordat.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    s.save_incident(&a, fixtures::record(&child, s.now(), "Kicked a door."), None)
        .unwrap();
    // The store stays open with its last write in the -wal, as while the app runs.
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);

    refused(&db, &db, "is the database");
    refused(&db, &wal, "is the database");
    // The same file by another spelling.
    let other_spelling = dir.path().join(".").join("concordat.db");
    refused(&db, &other_spelling, "is the database");
    let existing = dir.path().join("notes.txt");
    std::fs::write(&existing, "Someone's own notes.\n").unwrap();
    refused(&db, &existing, "already exists");
    std::fs::create_dir_all(backups_dir(&db)).unwrap();
    let in_backups = backups_dir(&db).join("concordat-20261120-063000-daily.db");
    std::fs::write(&in_backups, b"a backup").unwrap();
    refused(&db, &in_backups, "backups folder");
    let new_in_backups = backups_dir(&db).join("new.txt");
    refused(&db, &new_in_backups, "backups folder");
    assert!(!new_in_backups.exists());
    drop(s);
    fixtures::assert_sound(&db);

    // And a new file is written, once.
    let fresh = dir.path().join("fresh.txt");
    let o = run_manager(&db, &["print", "--handover", "--out", fresh.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fresh.exists());
}
