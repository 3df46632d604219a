//! The weekly export killed at each stage of its write: the child process aborts (no destructor, no clean-up,
//! as a kill or a power cut) at every point the export can be stopped. At the next start the export folder holds
//! whole, recorded sets only: every set in the ledger is there with the files it recorded, nothing unrecorded
//! appears, and no hidden temporary file or folder is left.
#![cfg(unix)]

mod common;
use common::fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use concordat::export;
use concordat::store::Store;

const ENV_DB: &str = "CONCORDAT_TEST_EXPORT_DB";
const ENV_DIR: &str = "CONCORDAT_TEST_EXPORT_DIR";
const ENV_STOP: &str = "CONCORDAT_TEST_EXPORT_STOP";

/// Not a test by itself: the process the test below starts, which dies at the `ENV_STOP`-th stage.
#[test]
#[ignore = "child process of the export crash test"]
fn export_child() {
    let db = PathBuf::from(std::env::var(ENV_DB).unwrap());
    let dir = PathBuf::from(std::env::var(ENV_DIR).unwrap());
    let stop: usize = std::env::var(ENV_STOP).unwrap().parse().unwrap();
    let mut s = Store::open(&db).unwrap();
    let a = fixtures::manager(&s);
    let p = export::last_week(s.now());
    let mut n = 0;
    export::write_hooked(&mut s, &a, &p, &dir, &mut |_| {
        n += 1;
        if n == stop {
            // Killed here: nothing after this line runs, no destructor, no clean-up.
            std::process::abort();
        }
        Ok(())
    })
    .unwrap();
}

fn sha(p: &Path) -> String {
    concordat::hash::sha256_hex(&std::fs::read(p).unwrap())
}

/// Every set in the ledger is whole in `dir` with the bytes it recorded; nothing else is there.
fn only_whole_recorded_sets(s: &Store, dir: &Path) -> usize {
    let rows: Vec<String> = s.ledger_in_order().unwrap().into_iter().map(|e| e.files).collect();
    let mut expected = Vec::new();
    for files in &rows {
        let v: serde_json::Value = serde_json::from_str(files).unwrap();
        for f in v.as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            let p = dir.join(name);
            assert!(p.exists(), "{name} is recorded but not in the folder");
            assert_eq!(
                sha(&p),
                f["sha256"].as_str().unwrap(),
                "{name} is not what was recorded"
            );
            expected.push(name.to_string());
        }
    }
    let mut there: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    there.sort();
    expected.sort();
    assert_eq!(there, expected, "only recorded sets, and no temporary file or folder");
    rows.len()
}

#[test]
fn a_killed_export_leaves_a_whole_recorded_set_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("home.db");
    let out = tmp.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    {
        let (mut s, a, child) = fixtures::home_at(&db);
        let last_week = s.now() - chrono::Duration::days(7);
        s.save_incident(&a, fixtures::record(&child, last_week, "J threw a cup."), None)
            .unwrap();
        s.set_setting(&a, "export_folder", out.to_str().unwrap()).unwrap();
    }
    let mut recorded = 0;
    // Stages: 1 written, 2 staged in the ledger's transaction, 3 recorded, 4-6 each file moved; 7 runs through.
    for stop in 1..=7 {
        let st = Command::new(std::env::current_exe().unwrap())
            .args([
                "export_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .env(ENV_DB, &db)
            .env(ENV_DIR, &out)
            .env(ENV_STOP, stop.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(st.success(), stop == 7, "stage {stop}: {st:?}");
        if stop >= 3 {
            recorded += 1;
        }
        // The next start of the app.
        let s = Store::open(&db).unwrap();
        let msgs = export::recover_unfinished(&s);
        if (3..=5).contains(&stop) {
            assert!(msgs.iter().any(|m| m.contains("now in")), "stage {stop}: {msgs:?}");
        }
        assert_eq!(only_whole_recorded_sets(&s, &out), recorded, "stage {stop}");
        assert!(s.verify().unwrap().is_sound(), "stage {stop}");
        assert!(
            export::recover_unfinished(&s).is_empty(),
            "stage {stop}: nothing left to do"
        );
    }
    // The versions follow on, never replacing a file: 2026-Wnn, -v2, … -v5.
    let s = Store::open(&db).unwrap();
    let versions: Vec<i64> = s
        .ledger_in_order()
        .unwrap()
        .iter()
        .map(|e| i64::from(e.version))
        .collect();
    assert_eq!(versions, vec![1, 2, 3, 4, 5]);
    fixtures::assert_sound(&db);
}

#[test]
fn the_next_export_finishes_a_killed_one_first() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("home.db");
    let out = tmp.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    drop(fixtures::home_at(&db));
    // Killed just after recording (stage 3), with the export folder given on the command line only.
    let st = Command::new(std::env::current_exe().unwrap())
        .args([
            "export_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(ENV_DB, &db)
        .env(ENV_DIR, &out)
        .env(ENV_STOP, "3")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!st.success());
    let mut s = Store::open(&db).unwrap();
    let a = fixtures::manager(&s);
    let p = export::last_week(s.now());
    let r = export::write(&mut s, &a, &p, &out).unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(r.recovered.len(), 1, "{:?}", r.recovered);
    assert_eq!(only_whole_recorded_sets(&s, &out), 2);
}

fn spawn_child(db: &Path, out: &Path, stop: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "export_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(ENV_DB, db)
        .env(ENV_DIR, out)
        .env(ENV_STOP, stop.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The same, killed (SIGKILL) at random moments of a larger export, `CONCORDAT_EXPORT_KILLS` times (40).
#[test]
fn exports_killed_at_random_moments_leave_whole_recorded_sets_only() {
    use rand::{Rng, SeedableRng};
    let kills: usize = std::env::var("CONCORDAT_EXPORT_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut rng = rand::rngs::StdRng::seed_from_u64(15);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("home.db");
    let out = tmp.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    {
        let (mut s, a, child) = fixtures::home_at(&db);
        let last_week = s.now() - chrono::Duration::days(7);
        let account = "J kicked the kitchen door and threw a chair. ".repeat(20);
        for _ in 0..150 {
            s.save_incident(&a, fixtures::record(&child, last_week, &account), None)
                .unwrap();
        }
    }
    // How long one whole export takes here, from the process's start.
    let t = std::time::Instant::now();
    assert!(spawn_child(&db, &out, 0).wait().unwrap().success());
    let whole = t.elapsed();
    let (mut recorded, mut landed_before, mut landed_after) = (1, 0, 0);
    for round in 0..kills {
        let mut c = spawn_child(&db, &out, 0);
        // Under load an export may take longer (or shorter) than the one timed: halfway, a side no kill has
        // reached yet gets the rest of the kills (every round still checks that only whole sets are left).
        let span = match (round >= kills / 2, landed_before, landed_after) {
            (true, _, 0) => 0.5..3.0,
            (true, 0, _) => 0.0..0.3,
            _ => 0.0..1.1,
        };
        std::thread::sleep(whole.mul_f64(rng.random_range(span)));
        let _ = c.kill(); // SIGKILL
        let _ = c.wait();
        let s = Store::open(&db).unwrap();
        export::recover_unfinished(&s);
        let n = only_whole_recorded_sets(&s, &out);
        assert!(
            n == recorded || n == recorded + 1,
            "round {round}: {n} sets, {recorded} before"
        );
        if n > recorded {
            landed_after += 1;
        } else {
            landed_before += 1;
        }
        recorded = n;
        assert!(s.verify().unwrap().is_sound(), "round {round}");
    }
    fixtures::assert_sound(&db);
    eprintln!(
        "export_crash: {kills} kills: {landed_before} left nothing, {landed_after} left a whole recorded set, \
         {recorded} sets in the ledger and the folder, no temporary file"
    );
    assert!(
        landed_before > 0 && landed_after > 0,
        "the kills should land on both sides of the commit"
    );
}
