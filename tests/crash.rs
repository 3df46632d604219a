//! Crash safety: a writer process is killed (SIGKILL) at random moments, hundreds of times. After every kill
//! the database passes `PRAGMA integrity_check`, the audit chain verifies, and every incident (and entry) the
//! writer reported as saved — it prints a uid only after `save_incident` / `add_entry` returned Ok — is there
//! and whole.
#![cfg(unix)]

mod common;
use common::fixtures;

use fixtures::writer::{self, Reported, check_present, parse, spawn_writer};

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use concordat::store::Store;
use rand::{Rng, SeedableRng};

/// Not a test by itself: the writer process that the test below starts and kills.
#[test]
#[ignore = "child process of the crash test"]
fn writer_child() {
    writer::writer_main();
}

#[test]
fn killed_writers_lose_nothing() {
    let kills: usize = std::env::var("CONCORDAT_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("CONCORDAT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    drop(fixtures::home_at(&db));
    let started = Instant::now();
    let mut all = Reported::default();
    let mut rounds_with_writes = 0;
    for round in 0..kills {
        let mut child = spawn_writer(&db, None, None);
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(l.clone());
                lines.push(l);
            }
            lines
        });
        // One kill in five lands anywhere, start-up included; the rest while it is writing.
        if rng.random_range(0..5) > 0 {
            let deadline = Instant::now() + Duration::from_secs(10);
            while let Ok(l) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                if l == "READY" {
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(0..40)));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(
            !stderr.contains("panicked"),
            "round {round}: the writer failed before it was killed: {stderr}"
        );
        assert!(!status.success(), "round {round}: the writer should have been killed");
        let mut now = Reported::default();
        parse(&reader.join().unwrap(), &mut now);
        if !now.incidents.is_empty() {
            rounds_with_writes += 1;
        }
        assert_eq!(fixtures::integrity(&db), "ok", "round {round}");
        let s = Store::open_readonly(&db).expect("opens after a kill");
        let rep = s.verify().unwrap();
        assert!(rep.is_sound(), "round {round}: {:?}", rep.problems);
        check_present(&s, &now.incidents, &now.entries);
        all.incidents.extend(now.incidents);
        all.entries.extend(now.entries);
        assert!(s.incident_count().unwrap() as usize >= all.incidents.len());
    }
    // Finally every incident and entry ever reported, through a normal (writing) open.
    let s = Store::open(&db).unwrap();
    check_present(&s, &all.incidents, &all.entries);
    assert!(
        rounds_with_writes >= kills / 4,
        "too few rounds got to write before the kill ({rounds_with_writes} of {kills}): the test proves little"
    );
    eprintln!(
        "crash: {kills} kills survived, {} incidents and {} entries reported saved and found, {} in the database, {:.1}s",
        all.incidents.len(),
        all.entries.len(),
        s.incident_count().unwrap(),
        started.elapsed().as_secs_f64()
    );
}
