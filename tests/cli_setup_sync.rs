//! `concordat setup` (a home or a YOS, from the command line, with the first-run screen's checks),
//! `concordat import` reading the manifest beside the file, and `concordat sync` on a YOS. Real binary.

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::Path;

use cli::{PASS, bin, run_as, stderr, stdout, with_stdin};
use concordat::store::Store;
use concordat::store::settings::Role;

fn setup(db: &Path, args: &[&str], pass: &str) -> std::process::Output {
    let mut c = bin();
    c.arg("--db").arg(db).arg("setup").args(args).arg("--passphrase-stdin");
    with_stdin(c, Some(&format!("{pass}\n")))
}

#[test]
fn setup_from_the_command_line_checks_like_the_first_run_screen_and_never_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("oak.db");
    // The first-run checks, before any file is made.
    for (args, pass, expect) in [
        (
            vec!["--home", "Oak House", "--urn", "SC-12", "--manager", "Pat Manager"],
            PASS,
            "letters and digits",
        ),
        (
            vec!["--home", "Oak House", "--manager", "Pat Manager"],
            "short",
            "8 characters",
        ),
        (
            vec!["--home", "  ", "--manager", "Pat Manager"],
            PASS,
            "name of the home",
        ),
    ] {
        let o = setup(&db, &args, pass);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("Nothing was set up"), "{}", stderr(&o));
        assert!(!db.exists(), "no file is left by a refused set-up");
    }
    // A YOS has no URN; one of --home / --yos is needed: mistakes in the command line (exit 2).
    for args in [
        vec![
            "--yos",
            "Northshire YOS",
            "--urn",
            "SC123456",
            "--manager",
            "Kim Officer",
        ],
        vec!["--manager", "Pat Manager"],
        vec!["--home", "Oak", "--yos", "Northshire YOS", "--manager", "Pat Manager"],
    ] {
        assert_eq!(setup(&db, &args, PASS).status.code(), Some(2), "{args:?}");
    }
    let o = setup(
        &db,
        &["--home", "Oak House", "--urn", "SC123456", "--manager", "Pat Manager"],
        PASS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Set up the home Oak House (SC123456)"),
        "{}",
        stdout(&o)
    );
    let before = Store::open_readonly(&db).unwrap().audit_count().unwrap();
    // Already set up: refused, nothing changed (also as a YOS).
    for args in [
        vec!["--home", "Elm Lodge", "--manager", "Sam Other"],
        vec!["--yos", "Northshire YOS", "--manager", "Kim Officer"],
    ] {
        let o = setup(&db, &args, PASS);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("already set up as a home (Oak House)"),
            "{}",
            stderr(&o)
        );
    }
    let s = Store::open_readonly(&db).unwrap();
    assert_eq!(s.audit_count().unwrap(), before);
    assert_eq!(s.role().unwrap(), Role::Home);
    assert_eq!(s.home().unwrap().unwrap().ofsted_urn, "SC123456");
    assert!(s.verify().unwrap().is_sound());
    // Never over a file that is not a database.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes").unwrap();
    let o = setup(&notes, &["--yos", "Northshire YOS", "--manager", "Kim Officer"], PASS);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");
    // A YOS.
    let ydb = dir.path().join("yos.db");
    let o = setup(&ydb, &["--yos", "Northshire YOS", "--manager", "Kim Officer"], PASS);
    assert!(o.status.success(), "{}", stderr(&o));
    let y = Store::open_readonly(&ydb).unwrap();
    assert_eq!(y.role().unwrap(), Role::Yos);
    assert_eq!(y.home().unwrap().unwrap().name, "Northshire YOS");
    assert!(y.verify().unwrap().is_sound());
}

/// A home with one incident in a file, its week's set written into `out`; returns the JSON's path.
fn home_set(dir: &Path, out: &Path) -> std::path::PathBuf {
    let (mut s, a, child) = fixtures::home_at(&dir.join("oak.db"));
    let now = s.now();
    let mut r = fixtures::record(&child, now, "Kicked a door.");
    r.response = concordat::domain::Response::Police;
    r.rationale = "He would not stop.".into();
    r.in_house = None;
    use concordat::domain::*;
    r.police = Some(Police {
        route: PoliceRoute::NonEmergency101,
        reason: CallReason::Behaviour,
        called_at: Some(now - chrono::Duration::hours(2)),
        reference: "CAD 4411".into(),
        officer: String::new(),
        attended: Some(false),
        arrest: false,
        appropriate_adult: String::new(),
        diversion_asked: DiversionAsked::Outcome22,
        outcome: PoliceOutcome::NotYetKnown,
        court: None,
        outcome_at: None,
    });
    s.save_incident(&a, r, None).unwrap();
    let week = concordat::time::Period::week_of(concordat::time::local_date(now));
    std::fs::create_dir_all(out).unwrap();
    let res = concordat::export::write(&mut s, &a, &week, out).unwrap();
    res.files[1].clone()
}

#[test]
fn import_refuses_a_file_that_does_not_match_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let json = home_set(dir.path(), &out);
    let ydb = dir.path().join("yos.db");
    assert!(
        setup(&ydb, &["--yos", "Northshire YOS", "--manager", "Kim Officer"], PASS)
            .status
            .success()
    );
    let import = |f: &Path, extra: &[&str]| {
        let mut args = vec!["import".to_string(), f.to_string_lossy().into_owned()];
        args.extend(extra.iter().map(|s| s.to_string()));
        run_as(&ydb, &args, "Kim Officer", PASS)
    };
    let original = std::fs::read(&json).unwrap();
    // The response changed from police to in-house on the way.
    let text = String::from_utf8(original.clone()).unwrap();
    assert!(text.contains("\"response\": \"police\"") || text.contains("\"response\":\"police\""));
    let changed = text
        .replace("\"response\": \"police\"", "\"response\": \"in_house\"")
        .replace("\"response\":\"police\"", "\"response\":\"in_house\"");
    std::fs::write(&json, changed).unwrap();
    let o = import(&json, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("its manifest says"), "{}", stderr(&o));
    // One byte changed, the size the same.
    let mut b = original.clone();
    let i = b.windows(7).position(|w| w == b"Kitchen").unwrap();
    b[i] = b'k';
    std::fs::write(&json, &b).unwrap();
    let o = import(&json, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("SHA-256"), "{}", stderr(&o));
    assert_eq!(Store::open_readonly(&ydb).unwrap().incident_count().unwrap(), 0);
    // Without its manifest: refused unless the manager says so.
    std::fs::write(&json, &original).unwrap();
    let alone = dir.path().join("alone.json");
    std::fs::copy(&json, &alone).unwrap();
    let o = import(&alone, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--without-manifest"), "{}", stderr(&o));
    assert_eq!(Store::open_readonly(&ydb).unwrap().incident_count().unwrap(), 0);
    let o = import(&alone, &["--without-manifest"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The whole set, unchanged: imported (nothing new now).
    let o = import(&json, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Nothing new"), "{}", stdout(&o));
}

#[test]
fn sync_on_a_yos_from_the_command_line_says_what_arrived() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share");
    let out = concordat::sync::layout::outbox_dir(&share, "SC123456").unwrap();
    let json = home_set(dir.path(), &out);
    let set = json.file_stem().unwrap().to_string_lossy().into_owned();
    let ydb = dir.path().join("yos.db");
    assert!(
        setup(&ydb, &["--yos", "Northshire YOS", "--manager", "Kim Officer"], PASS)
            .status
            .success()
    );
    let o = run_as(
        &ydb,
        &["sync", "--folder", share.to_str().unwrap()],
        "Kim Officer",
        PASS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Sync: 1 set accepted, 0 rejected"), "{text}");
    assert!(text.contains(&format!("{set}: accepted, 1 new incident")), "{text}");
    assert!(text.contains("Oak House (SC123456): 1 week arrived"), "{text}");
    assert!(
        concordat::sync::layout::receipt_path(&share, "SC123456", &set)
            .unwrap()
            .exists()
    );
    // The same command on the home's database runs the home's side: it reads the YOS's receipt of that set.
    let o = run_as(
        &dir.path().join("oak.db"),
        &["sync", "--folder", share.to_str().unwrap()],
        "Pat Manager",
        PASS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("set accepted"), "{}", stdout(&o));
    // A missing folder is a plain message.
    let o = run_as(
        &ydb,
        &["sync", "--folder", dir.path().join("nowhere").to_str().unwrap()],
        "Kim Officer",
        PASS,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no homes folder"), "{}", stderr(&o));
    let _ = bin;
}
