//! Malformed command lines: every flag given a bad value (weeks, dates, quarters, paths, numbers), unknown flags
//! and commands each give a clear message and a non-zero exit, and an existing database is left byte for byte
//! as it was.

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::Path;

/// Commands that need a person are run as the fixtures' manager, signed in (passphrase on standard input), so
/// that what is tested is the argument given, not the missing --as.
fn run(args: &[&str], db: Option<&Path>) -> (i32, String, String) {
    let mut c = cli::bin();
    c.args(args);
    if let Some(db) = db {
        c.arg("--db").arg(db);
    }
    let person = ["print", "export", "import", "report", "backup", "restore"];
    let input = if args.first().is_some_and(|a| person.contains(a)) {
        c.args(["--as", cli::MANAGER, "--passphrase-stdin"]);
        Some(format!("{}\n", cli::PASS))
    } else {
        None
    };
    let out = cli::with_stdin(c, input.as_deref());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The folder's files (name, length, hash), leaving out SQLite's -wal/-shm side files, which a read-only open
/// of a WAL database may create.
fn snapshot(dir: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    let mut v: Vec<(String, usize, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            (e.file_name().to_string_lossy().into_owned(), bytes.len(), h.finish())
        })
        // The log notes each failure (its kind, never its text): it is meant to change.
        .filter(|(n, _, _)| !n.ends_with("-wal") && !n.ends_with("-shm") && !n.starts_with("concordat.log"))
        .collect();
    v.sort();
    v
}

#[test]
fn malformed_arguments_fail_clearly_and_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("home.db");
    drop(fixtures::home_at(&db));
    let before = snapshot(&data);
    let d = dir.path().to_str().unwrap().to_string();
    let missing = format!("{d}/missing.json");
    let dbs = db.to_str().unwrap().to_string();
    let out_in_missing = format!("{d}/no/such/folder/x.txt");
    let cases: Vec<Vec<&str>> = vec![
        vec!["export", "--week", "2026-W99"],
        vec!["export", "--week", "W47"],
        vec!["export", "--week", "2026-47"],
        vec!["export", "--week", ""],
        vec![
            "export",
            "--week",
            "2026-W47",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-22",
        ],
        vec!["export", "--from", "2026-13-01", "--to", "2026-12-01"],
        vec!["export", "--from", "31/02/2026", "--to", "01/03/2026"],
        vec!["export", "--from", "2026-11-20", "--to", "2026-11-10"],
        vec!["export", "--from", "yesterday", "--to", "today"],
        vec!["export", "--from", "2026-11-16"],
        vec!["export", "--out", &dbs],
        vec!["report", "--quarter", "2026-Q5"],
        vec!["report", "--quarter", "Q3"],
        vec!["report", "--quarter", "2026-Q0"],
        vec!["report", "--week", "2026-W00"],
        vec!["report", "--week", "2026-W47", "--quarter", "2026-Q4"],
        vec!["report", "--from", "2026-02-30", "--to", "2026-03-01"],
        vec!["report", "--format", "pdf"],
        vec!["report", "--out", &out_in_missing],
        vec!["print", "--incident", "abc"],
        vec!["print", "--incident", "-5"],
        vec!["print", "--incident", "999999"],
        vec!["print"],
        vec!["print", "--handover", "--incident", "1"],
        vec!["print", "--handover", "--out", &out_in_missing],
        vec!["import", &missing],
        vec!["import", &d],
        vec!["import", &dbs],
        vec!["import"],
        vec!["protocol", "check", &missing],
        vec!["protocol", "check", &d],
        vec!["protocol", "check", &dbs],
        vec!["demo", "--children", "0"],
        vec!["demo", "--children", "many"],
        vec!["demo", "--incidents", "-1"],
        vec!["demo", "--seed", "x"],
        vec!["restore", &missing],
        vec!["restore", &d],
        vec!["restore"],
        vec!["backup", "--out", &out_in_missing],
        vec!["backup", "--out", &dbs],
        vec!["verify", "--frobnicate"],
        vec!["--frobnicate"],
        vec!["frobnicate"],
        vec!["verify", "extra"],
    ];
    // A malformed period, a flag the command does not take, or --protocol given to a command is a mistake in
    // the command line: exit 2, as the README says.
    let usage: Vec<Vec<&str>> = vec![
        vec!["export", "--week", "2026-W99"],
        vec!["export", "--from", "2026-11-20", "--to", "2026-11-10"],
        vec!["report", "--quarter", "2026-Q5"],
        vec!["report", "--from", "31/02/2026", "--to", "01/03/2026"],
        vec!["--protocol", &missing, "verify"],
        vec!["export", "--protocol", &missing],
        vec!["demo", "--children", "many"],
    ];
    for args in &usage {
        let (code, _, err) = run(args, Some(&db));
        assert_eq!(code, 2, "`{}`: {err}", args.join(" "));
    }
    for args in cases.iter().chain(&usage) {
        let (code, out, err) = run(args, Some(&db));
        let what = args.join(" ");
        assert_ne!(code, 0, "`{what}` should fail; it printed: {out}");
        assert!(!err.trim().is_empty(), "`{what}`: no message");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "`{what}` panicked: {err}"
        );
        assert!(err.len() < 2000, "`{what}`: message too long: {err}");
        assert_eq!(snapshot(&data), before, "`{what}` changed the database folder");
    }
    // Bad --db values, with a command that would otherwise work.
    let bad_dbs: Vec<(String, &str)> = vec![
        (String::new(), "--db"),
        (d.clone(), ""),
        (format!("{d}/no/such/folder/x.db"), ""),
        (missing.clone(), ""),
    ];
    for (p, want) in &bad_dbs {
        for cmd in [
            vec!["verify"],
            vec!["backup"],
            vec!["report"],
            vec!["export", "--dry-run"],
        ] {
            let (code, out, err) = run(&cmd, Some(Path::new(p)));
            let what = format!("{} --db '{p}'", cmd.join(" "));
            assert_ne!(code, 0, "`{what}` should fail; it printed: {out}");
            assert!(!err.trim().is_empty() && !err.contains("panicked"), "`{what}`: {err}");
            assert!(err.contains(want), "`{what}`: expected '{want}' in {err}");
        }
    }
    assert_eq!(snapshot(&data), before);
    assert!(
        !Path::new(&format!("{d}/no")).exists(),
        "no folders created for a bad path"
    );
    // The app itself with a directory or an empty path as the database: a message, not a broken terminal.
    for p in [d.as_str(), ""] {
        let (code, _, err) = run(&[], Some(Path::new(p)));
        assert_ne!(code, 0);
        assert!(!err.trim().is_empty() && !err.contains("panicked"), "{err}");
    }
    assert_eq!(snapshot(&data), before);
    // And a good command still works on the untouched database.
    let (code, out, err) = run(&["verify"], Some(&db));
    assert_eq!(code, 0, "{out}{err}");
}

/// What was typed is echoed in messages only after cleaning: an escape sequence in a bad value cannot retitle
/// or redraw the terminal.
#[test]
fn messages_echo_what_was_typed_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    drop(fixtures::home_at(&db));
    let hostile = "2026-W47\u{1b}]0;pwned\u{7}\u{1b}[2J";
    for args in [
        vec!["report", "--week", hostile],
        vec!["export", "--week", hostile],
        vec!["protocol", "check", hostile],
        vec!["print", "--incident", "1", "--out", hostile],
    ] {
        let (code, out, err) = run(&args, Some(&db));
        assert_ne!(code, 0);
        for text in [&out, &err] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}'),
                "{args:?}: {text:?}"
            );
        }
    }
}

/// An empty (0-byte) database file is not turned into a new, empty database by a command.
#[test]
fn an_empty_database_file_is_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    std::fs::write(&db, b"").unwrap();
    for args in [
        vec!["report"],
        vec!["print", "--handover"],
        vec!["export", "--dry-run"],
        vec!["backup"],
    ] {
        let (code, _, err) = run(&args, Some(&db));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("empty (0 bytes)"), "{args:?}: {err}");
        assert_eq!(std::fs::read(&db).unwrap(), b"", "{args:?}");
    }
}

#[test]
fn a_failure_is_noted_in_the_log_without_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    std::fs::write(&db, b"").unwrap();
    let secret_name = dir.path().join("Lily Brown's file.json");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "import",
            "--as",
            "Pat Manager",
            "--passphrase-stdin",
        ])
        .arg(&secret_name)
        .env_remove("CONCORDAT_DB")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let log = std::fs::read_to_string(dir.path().join("concordat.log")).expect("the failure is noted");
    assert!(log.contains("event=import problem="), "{log}");
    assert!(
        !log.contains("Lily") && !log.contains("json"),
        "no text of the message: {log}"
    );
}
