//! `concordat report`: formats, --out, and bad arguments (one clear line, exit 1).

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::fixtures::cli;

use chrono::{TimeZone, Utc};
use concordat::domain::*;
use concordat::store::Store;
use concordat::store::staff::Setup;

fn db_with_one_incident(dir: &Path) -> PathBuf {
    let path = dir.join("c.db");
    let mut s = Store::open(&path).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap();
    s.set_clock(Some(now));
    let m = s
        .setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC1",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    let a = m.actor.clone();
    let c = s
        .add_child(
            &a,
            &ChildInput {
                name: "Jo Bloggs".into(),
                dob: "01/02/2011".into(),
                gender: "male".into(),
                ethnicity: "white_british".into(),
                legal_status: "s31".into(),
                admitted: "01/09/2025".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 17, 2, 10, 0).unwrap();
    let rec = IncidentRecord {
        damage_cost: None,
        deescalation: vec![],
        deescalation_notes: String::new(),
        protocol: ProtocolRef::default(),
        answers: vec![],
        recommended_reason: String::new(),
        in_house: Some(InHouse::default()),
        ..common::fixtures::record_for(&c.uid, at, "Kicked the door.")
    };

    s.save_incident(&a, rec, None).unwrap();
    path
}

/// `concordat report ARGS` as the manager (signed in, passphrase on standard input).
fn run(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    cli::run_manager(db, &all)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn text_report_for_a_week() {
    let d = tempfile::tempdir().unwrap();
    let db = db_with_one_incident(d.path());
    let o = run(&db, &["--week", "2026-W47"]);
    assert!(o.status.success(), "{}", err(&o));
    let t = out(&o);
    assert!(t.starts_with("Report 2026-W47: 16/11/2026 to 22/11/2026"), "{t}");
    assert!(
        t.contains("Diversion rate (not referred to police)      1 of 1 (100.0%)"),
        "{t}"
    );
    assert!(t.contains("No police calls in this period."), "{t}");
    // The week before: nothing.
    let o = run(&db, &["--week", "2026-W46"]);
    assert!(out(&o).contains("No incidents in this period."));
    // The default is the current quarter: it runs whatever today is.
    assert!(run(&db, &[]).status.success());
}

#[test]
fn csv_and_json_formats_and_out_file() {
    let d = tempfile::tempdir().unwrap();
    let db = db_with_one_incident(d.path());
    let o = run(&db, &["--from", "01/11/2026", "--to", "30/11/2026", "--format", "json"]);
    assert!(o.status.success(), "{}", err(&o));
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(j["total"]["incidents"], 1);
    assert_eq!(j["period"]["label"], "2026-11-01_to_2026-11-30");

    let file = d.path().join("q.csv");
    let o = run(
        &db,
        &[
            "--quarter",
            "2026-Q4",
            "--format",
            "csv",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("written to"), "{}", out(&o));
    let c = std::fs::read_to_string(&file).unwrap();
    // Each row names the home by name, uid and Ofsted URN.
    assert!(c.starts_with("period,from,to,home,home_uid,ofsted_urn,section,measure,count,of,percent\n"));
    assert!(
        c.lines()
            .any(|l| l.starts_with("2026-Q4,2026-10-01,2026-12-31,Oak House,")
                && l.ends_with(",incidents,incidents,1,,")),
        "{c}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Writing again to the same file is refused and leaves it byte for byte; no temporary file is left behind.
    let before = std::fs::read(&file).unwrap();
    let o = run(
        &db,
        &["--week", "2026-W47", "--format", "csv", "--out", file.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("already exists"), "{}", err(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

fn fails_with(db: &Path, args: &[&str], want: &str) {
    let o = run(db, args);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {}", err(&o));
    let e = err(&o);
    assert!(e.contains(want), "{args:?}: {e}");
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    assert!(out(&o).is_empty());
}

fn usage_error(db: &Path, args: &[&str], want: &str) {
    let o = run(db, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
    let e = err(&o);
    assert!(e.contains(want), "{args:?}: {e}");
    assert!(out(&o).is_empty());
}

#[test]
fn bad_arguments_say_what_is_wrong() {
    let d = tempfile::tempdir().unwrap();
    let db = db_with_one_incident(d.path());
    // A malformed period is a mistake in the command line: exit 2, the flag and the reason named.
    usage_error(&db, &["--week", "2026-W54"], "2026-W54 is not a week");
    usage_error(&db, &["--week", "last"], "'last' is not a week");
    usage_error(&db, &["--quarter", "2026-Q5"], "Q5 is not a quarter");
    usage_error(
        &db,
        &["--from", "31/02/2026", "--to", "01/03/2026"],
        "'31/02/2026' is not a date",
    );
    usage_error(
        &db,
        &["--from", "10/03/2026", "--to", "01/03/2026"],
        "before the start date",
    );
    let missing = d.path().join("nowhere").join("r.txt");
    fails_with(&db, &["--out", missing.to_str().unwrap()], "does not exist");
    fails_with(&db, &["--out", d.path().to_str().unwrap()], "is a folder");
    fails_with(&d.path().join("none.db"), &[], "no database");
    // clap refuses half a range and an unknown format (its own exit code, with the flag named).
    let o = run(&db, &["--from", "01/03/2026"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("--to"), "{}", err(&o));
    let o = run(&db, &["--format", "pdf"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("pdf"));
}
