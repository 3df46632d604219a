//! End to end, the real binary in a pseudo-terminal: at start the app finishes a weekly export that was
//! recorded but stopped before its files were all in place, and removes one that was never recorded.
#![cfg(unix)]

mod common;

use common::pty::Pty;
use common::*;
use concordat::export::{self, Stage};
use concordat::store::Store;

#[test]
fn the_app_finishes_or_clears_a_stopped_export_at_start() {
    if concordat::protocol::parse(concordat::protocol::DEFAULT_TOML).is_err() {
        eprintln!("SKIPPED: the built-in protocol does not load yet");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let out = dir.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    let prefix = concordat::fsio::PARTIAL_PREFIX;
    {
        let now = concordat::time::now();
        let mut h = home_at(Store::open(&db).unwrap(), now);
        let m = h.manager();
        h.store.set_setting(&m, "export_folder", out.to_str().unwrap()).unwrap();
        let p = export::last_week(now);
        // Stopped just after the ledger row was committed: the set waits in its hidden folder.
        let e = export::write_hooked(&mut h.store, &m, &p, &out, &mut |s| {
            if s == Stage::Recorded {
                Err(std::io::Error::other("the power went"))
            } else {
                Ok(())
            }
        });
        assert!(e.is_err());
        // As if its process had died (this test's own process is alive): a pid above the kernel's pid_max.
        let staged = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap();
        let name = staged.file_name().to_string_lossy().into_owned();
        let rest = name.strip_prefix(prefix).unwrap();
        let (_, uid) = rest.split_once('-').unwrap();
        std::fs::rename(staged.path(), out.join(format!("{prefix}4294967-{uid}"))).unwrap();
        // And one never recorded.
        let stray = out.join(format!("{prefix}4294967-set-never-recorded"));
        std::fs::create_dir(&stray).unwrap();
        std::fs::write(stray.join("oak-house-2026-W01.csv"), "Jordan").unwrap();
    }
    let home_dir = dir.path().join("home");
    std::fs::create_dir_all(&home_dir).unwrap();
    let env = [
        ("HOME", home_dir.to_str().unwrap()),
        ("XDG_CONFIG_HOME", home_dir.to_str().unwrap()),
        ("XDG_DATA_HOME", home_dir.to_str().unwrap()),
    ];
    let mut p = Pty::spawn(&["--db", db.to_str().unwrap()], &env);
    p.wait_for("Sam Night", 20);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    p.send(common::pty::keys::CTRL_Q);
    let _ = p.wait_exit(10);
    let s = Store::open_readonly(&db).unwrap();
    let files: String = s.ledger_in_order().unwrap().remove(0).files;
    let mut want: Vec<String> = serde_json::from_str::<serde_json::Value>(&files)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert_eq!(names, want, "the recorded set whole, nothing else");
}
