//! The command line needs a person: every command that shows or changes records takes `--as NAME` and a
//! passphrase (terminal without echo, or one line of standard input with `--passphrase-stdin`), signs in
//! through the store (the app's lock-out, counted in the same place), applies the app's roles and records that
//! person. Real binary throughout.

use fixtures::cli;
mod common;
use common::fixtures;
use common::pty;

use std::path::{Path, PathBuf};

use cli::{MANAGER, PASS, bin, run_as, run_manager, stderr, stdout, with_stdin};
use concordat::domain::Role;
use concordat::domain::staff::MAX_FAILED_ATTEMPTS;
use concordat::store::Store;

const STAFF: &str = "Sam Night";
const STAFF_PASS: &str = "night owl 42";

/// A home in a file with a manager, a member of staff (role staff) and one incident; returns the folder's
/// database path.
fn home(dir: &Path) -> PathBuf {
    let db = dir.join("home.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    s.add_staff(&a, STAFF, Role::Staff, STAFF_PASS).unwrap();
    s.save_incident(&a, fixtures::record(&child, s.now(), "Kicked a door."), None)
        .unwrap();
    db
}

/// A file that `import` accepts: this home's own export (importing it again adds nothing).
fn export_json(db: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let o = run_manager(
        db,
        &[
            "export",
            "--from",
            "01/01/2000",
            "--to",
            "31/12/2099",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".json") && !p.to_string_lossy().ends_with("manifest.json"))
        .unwrap()
}

fn staff_row(db: &Path, name: &str) -> concordat::domain::Staff {
    Store::open_readonly(db)
        .unwrap()
        .list_staff(true)
        .unwrap()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
}

/// Every command that shows or changes records, with the rest of its arguments.
fn commands(dir: &Path, json: &Path) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let new_file = |n: &str| dir.join(n).to_string_lossy().into_owned();
    vec![
        s(&["print", "--handover", "--out", &new_file("h.txt")]),
        s(&["print", "--incident", "1", "--out", &new_file("i.txt")]),
        s(&["report", "--week", "2026-W47"]),
        s(&["export", "--week", "2026-W47", "--dry-run"]),
        s(&["import", &json.to_string_lossy()]),
        s(&["backup", "--out", &new_file("b.db")]),
        s(&["restore", &new_file("b.db")]),
    ]
}

#[test]
fn each_command_without_as_exits_2_and_says_how() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let json = export_json(&db, dir.path());
    let before = std::fs::read(&db).unwrap();
    for args in commands(dir.path(), &json) {
        let mut c = bin();
        c.arg("--db").arg(&db).args(&args);
        let o = with_stdin(c, Some(&format!("{PASS}\n")));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--as <NAME>"), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // verify and protocol check need no one.
    let mut c = bin();
    c.arg("--db").arg(&db).arg("verify");
    assert!(with_stdin(c, None).status.success());
}

#[test]
fn a_wrong_passphrase_exits_1_is_counted_and_locks_as_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let unknown = run_as(&db, &["report"], "Nobody Here", PASS);
    assert_eq!(unknown.status.code(), Some(1));
    for n in 1..=MAX_FAILED_ATTEMPTS {
        let o = run_as(&db, &["report"], MANAGER, "wrong guess");
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing shown: {}", stdout(&o));
        // The same words for an unknown name and a wrong passphrase: names cannot be found out by trying.
        assert_eq!(stderr(&o), stderr(&unknown));
        let m = staff_row(&db, MANAGER);
        if n < MAX_FAILED_ATTEMPTS {
            assert_eq!(m.failed_attempts, n, "attempt {n} counted");
        } else {
            assert!(m.locked_until.is_some(), "locked after {n}");
        }
    }
    // Locked: the right passphrase is refused too, here and in the app (the lock is the store's).
    let o = run_manager(&db, &["report"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    let mut s = Store::open(&db).unwrap();
    let id = staff_row(&db, MANAGER).id;
    assert!(matches!(
        s.sign_in(id, PASS).unwrap(),
        concordat::store::staff::SignIn::Locked { .. }
    ));
    // The attempts are in the audit trail, against the account.
    // Recorded by nobody's name: whoever typed has not shown who they are.
    let wrong: Vec<_> = s
        .audit_for("staff", id)
        .unwrap()
        .into_iter()
        .filter(|r| r.action.starts_with("wrong passphrase typed for Pat Manager"))
        .collect();
    assert_eq!(wrong.len() as i64, MAX_FAILED_ATTEMPTS);
    assert!(wrong.iter().all(|r| r.staff_name == "someone at the PC"), "{wrong:?}");
}

#[test]
fn a_member_of_staff_is_refused_what_only_a_manager_may_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let json = export_json(&db, dir.path());
    let out = dir.path().join("staff-out");
    std::fs::create_dir(&out).unwrap();
    let backup = dir.path().join("b.db");
    let manager_backup = dir.path().join("mb.db");
    assert!(
        run_manager(&db, &["backup", "--out", manager_backup.to_str().unwrap()])
            .status
            .success()
    );
    let before = records(&db);
    let refused: Vec<Vec<&str>> = vec![
        vec!["export", "--week", "2026-W47", "--out", out.to_str().unwrap()],
        vec!["import", json.to_str().unwrap()],
        vec!["backup", "--out", backup.to_str().unwrap()],
        vec!["restore", manager_backup.to_str().unwrap()],
    ];
    for args in &refused {
        let o = run_as(&db, args, STAFF, STAFF_PASS);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("only a manager can"), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "no export written");
    assert!(!backup.exists(), "no backup written");
    assert_eq!(
        records(&db),
        before,
        "nothing restored or imported: only the sign-ins were recorded"
    );
    // What the app shows every role, the command line shows them too.
    let o = run_as(&db, &["report", "--week", "2026-W47"], STAFF, STAFF_PASS);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = dir.path().join("i.txt");
    let o = run_as(
        &db,
        &["print", "--incident", "1", "--out", p.to_str().unwrap()],
        STAFF,
        STAFF_PASS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_manager_succeeds_and_is_the_one_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let out = dir.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    // Another name in $USER changes nothing: the person is the one signed in.
    let mut c = bin();
    c.env("USER", "Mallory")
        .env("USERNAME", "Mallory")
        .arg("--db")
        .arg(&db)
        .args(["export", "--from", "01/01/2000", "--to", "31/12/2099", "--out"])
        .arg(&out)
        .args(["--as", "  pat MANAGER ", "--passphrase-stdin"]);
    let o = with_stdin(c, Some(&format!("{PASS}\r\n")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("by Pat Manager"), "{}", stdout(&o));
    let manifest = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".manifest.json"))
        .unwrap();
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let text = m.to_string();
    assert!(text.contains("\"Pat Manager\""), "{text}");
    assert!(!text.contains("Mallory") && !text.contains("concordat ("), "{text}");
    let s = Store::open_readonly(&db).unwrap();
    let ledger = s.audit_for("exports", 1).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].staff_name, MANAGER);
    drop(s);
    // A backup and an import, both as the manager.
    let b = dir.path().join("copy.db");
    let o = run_manager(&db, &["backup", "--out", b.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(b.exists());
    let json = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".json") && !p.to_string_lossy().ends_with("manifest.json"))
        .unwrap();
    // Imported where it belongs, into another database (a YOS's; a file never changes its own home's records),
    // as that database's manager.
    let yos_dir = dir.path().join("yos-db");
    std::fs::create_dir(&yos_dir).unwrap();
    let yos = home(&yos_dir);
    let o = run_manager(&yos, &["import".as_ref(), json.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("as Pat Manager"), "{}", stdout(&o));
    let o = run_manager(&db, &["import".as_ref(), json.as_os_str()]);
    assert!(
        stderr(&o).contains("never changes this home's own records"),
        "{}",
        stderr(&o)
    );
    let o = run_manager(&db, &["restore".as_ref(), b.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Restored by Pat Manager"), "{}", stdout(&o));
}

#[test]
fn no_flag_or_environment_variable_takes_a_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    // A passphrase as an argument is not an option of any command.
    for flag in ["--passphrase", "--password", "--pass"] {
        let mut c = bin();
        c.arg("--db").arg(&db).args(["report", "--as", MANAGER, flag, PASS]);
        let o = with_stdin(c, None);
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
    }
    // Nor is it read from the environment: with no terminal and no --passphrase-stdin, nothing is shown.
    let mut c = bin();
    for v in ["CONCORDAT_PASSPHRASE", "CONCORDAT_PASSWORD", "PASSPHRASE", "PASSWORD"] {
        c.env(v, PASS);
    }
    c.arg("--db").arg(&db).args(["report", "--as", MANAGER]);
    let o = with_stdin(c, None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--passphrase-stdin"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    // The only passphrase option in any command's help is --passphrase-stdin, which takes no value.
    for cmd in ["print", "report", "export", "import", "backup", "restore"] {
        let mut c = bin();
        c.args([cmd, "--help"]);
        let help = stdout(&with_stdin(c, None));
        for line in help.lines().filter(|l| l.to_lowercase().contains("--pass")) {
            assert!(line.trim_start().starts_with("--passphrase-stdin "), "{cmd}: {line}");
        }
    }
    // An empty line is no passphrase.
    let o = run_as(&db, &["report"], MANAGER, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
}

#[test]
fn the_passphrase_is_asked_on_the_terminal_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = home(dir.path());
    let out = dir.path().join("i.txt");
    let mut t = pty::Pty::spawn(
        &[
            "--db",
            db.to_str().unwrap(),
            "print",
            "--incident",
            "1",
            "--out",
            out.to_str().unwrap(),
            "--as",
            STAFF,
        ],
        &[],
    );
    t.wait_for("Passphrase for Sam Night (not shown)", 20);
    t.type_text("night owl 4x");
    t.send("\x7f"); // Backspace
    t.type_text("2");
    t.send("\r");
    t.wait_for("Written to", 20);
    assert!(t.wait_exit(20).is_some_and(|s| s.success()), "{}", t.screen());
    assert!(!t.raw().contains("night owl"), "the passphrase was shown: {}", t.raw());
    assert!(out.exists());
    // Esc gives up without doing anything or counting an attempt.
    let mut t = pty::Pty::spawn(&["--db", db.to_str().unwrap(), "report", "--as", MANAGER], &[]);
    t.wait_for("Passphrase for Pat Manager", 20);
    t.type_text("wrong");
    t.send("\x1b");
    t.wait_for("Cancelled", 20);
    assert!(t.wait_exit(20).is_some_and(|s| !s.success()));
    assert_eq!(staff_row(&db, MANAGER).failed_attempts, 0);
}

/// Every audited row of the database but the sign-ins: what a refused command must leave as it was (each
/// sign-in, right or wrong, is recorded; a refusal after it changes nothing else).
fn records(db: &std::path::Path) -> Vec<(String, i64, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut s = c
        .prepare("SELECT entity, entity_id, action FROM audit WHERE action <> 'signed in' ORDER BY id")
        .unwrap();
    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}
