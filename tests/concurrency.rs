//! Two copies of concordat writing at once (two processes on one database file, as on two PCs sharing a
//! folder or two sessions on one PC): no error reaches either, nothing is lost, the audit chain stays intact,
//! and entries added to the same incident at the same time are all in its current state.

mod common;
use common::fixtures;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

use concordat::store::Store;
use fixtures::writer::{self, Reported, check_present, parse, spawn_writer_with};

/// Not a test by itself: the writer process the tests below start.
#[test]
#[ignore = "child process of the concurrency tests"]
fn writer_child() {
    writer::writer_main();
}

/// Run two writers at once (released together); both must finish without any error.
fn run_two(db: &Path, count: u64, incident: Option<i64>) -> Reported {
    let go = db.with_extension("go");
    let _ = std::fs::remove_file(&go);
    let mut kids: Vec<_> = (0..2)
        .map(|_| spawn_writer_with(db, Some(count), incident, Some(&go)))
        .collect();
    let readers: Vec<_> = kids
        .iter_mut()
        .map(|k| {
            let out = k.stdout.take().unwrap();
            std::thread::spawn(move || BufReader::new(out).lines().map_while(Result::ok).collect::<Vec<_>>())
        })
        .collect();
    std::fs::write(&go, b"go").unwrap();
    let mut rep = Reported::default();
    for (k, r) in kids.into_iter().zip(readers) {
        let out = k.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer got an error: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse(&r.join().unwrap(), &mut rep);
    }
    rep
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("two.db");
    drop(fixtures::home_at(&db));
    let per = 150;
    let t = Instant::now();
    let rep = run_two(&db, per, None);
    assert_eq!(rep.incidents.len() as u64, 2 * per);
    assert_eq!(rep.entries.len() as u64, 2 * per);
    let s = Store::open_readonly(&db).unwrap();
    assert_eq!(
        s.incident_count().unwrap() as u64,
        2 * per,
        "exactly what was reported, no more"
    );
    check_present(&s, &rep.incidents, &rep.entries);
    let v = s.verify().unwrap();
    assert!(v.is_sound(), "{:?}", v.problems);
    assert_eq!(fixtures::integrity(&db), "ok");
    eprintln!(
        "concurrency: 2 processes x {} writes each, {:.1}s",
        2 * per,
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn entries_added_to_one_incident_at_once_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("one.db");
    let id = {
        let (mut s, a, child) = fixtures::home_at(&db);
        s.save_incident(&a, fixtures::record(&child, s.now(), "Shared: kicked a door."), None)
            .unwrap()
    };
    let per = 120;
    let rep = run_two(&db, per, Some(id));
    assert_eq!(rep.entries.len() as u64, 2 * per);
    let s = Store::open_readonly(&db).unwrap();
    let d = s.incident(id).unwrap();
    assert_eq!(d.entries.len() as u64, 2 * per);
    check_present(&s, &[], &rep.entries);
    // The stored current state is the record with every entry applied: no entry lost by a race.
    let want = concordat::domain::current(&d.record, &d.entries);
    assert_eq!(
        d.current, want,
        "the incident's current state misses entries written at the same time"
    );
    let v = s.verify().unwrap();
    assert!(v.is_sound(), "{:?}", v.problems);
}
