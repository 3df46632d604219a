//! The export's progress: `concordat export` (and the scheduled export) counts its records through
//! `concordat::progress`, which the command line shows as a bar with counts and time left, only when standard
//! error is a terminal.

use common::cli;
#[path = "common/fixtures/mod.rs"]
mod common;

use std::cell::RefCell;
use std::rc::Rc;

use cli::*;
use common::*;
use concordat::export::{self, EXPORT_STAGE};

/// A home with `n` records this week, in a file; the period the export covers.
fn home_with(dir: &std::path::Path, n: usize) -> (std::path::PathBuf, concordat::time::Period) {
    let db = dir.join("home.db");
    let (mut s, a, child) = home_at(&db);
    for i in 0..n {
        let now = s.now();
        s.save_incident(&a, record(&child, now, &format!("Kicked a door, time {i}.")), None)
            .unwrap();
    }
    let today = concordat::time::local_date(s.now());
    let p = concordat::time::Period::dates(today - chrono::Duration::days(7), today).unwrap();
    (db, p)
}

/// Every record written is counted, against a total known before the first: the bar can say how many and how
/// long is left. (Before, the export reported nothing and `concordat export` showed no progress.)
#[test]
fn the_export_reports_each_record_against_a_total_known_first() {
    let dir = tempfile::tempdir().unwrap();
    let (db, p) = home_with(dir.path(), 5);
    let mut s = concordat::store::Store::open(&db).unwrap();
    let a = manager(&s);
    let out = dir.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let into = seen.clone();
    let r = concordat::progress::with(
        Box::new(move |stage, done, total| into.borrow_mut().push((stage.to_string(), done, total))),
        || export::write(&mut s, &a, &p, &out),
    )
    .unwrap();
    assert_eq!(r.counts.incidents, 5);
    let seen = seen.borrow();
    assert!(
        seen.iter()
            .all(|(stage, _, total)| stage == EXPORT_STAGE && *total == 5),
        "{seen:?}"
    );
    assert_eq!(seen.first().map(|x| x.1), Some(0), "{seen:?}");
    assert_eq!(seen.last().map(|x| x.1), Some(5), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1), "{seen:?}");
}

/// Without a terminal (a test's captured output, a scheduled task's log) no bar is drawn: the export says its
/// one line on standard output and nothing on standard error.
#[test]
fn no_progress_bar_when_the_export_runs_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (db, p) = home_with(dir.path(), 3);
    let out = dir.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    let from = p.first_day.format("%Y-%m-%d").to_string();
    let to = p.last_day.format("%Y-%m-%d").to_string();
    let o = run_manager(
        &db,
        &["export", "--from", &from, "--to", &to, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Exported"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("left"), "{}", stdout(&o));
}
