//! Started without a terminal (a scheduled task, a pipe), the app says so plainly and exits: never a panic.
#![cfg(unix)]

mod common;
use common::fixtures;

#[test]
fn without_a_terminal_the_app_says_so_and_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    drop(fixtures::home_at(&db));
    // In a new session (setsid), so that it has no controlling terminal even when the tests run in one.
    let Ok(out) = std::process::Command::new("setsid")
        .arg("-w")
        .arg(env!("CARGO_BIN_EXE_concordat"))
        .arg("--db")
        .arg(&db)
        .env_remove("CONCORDAT_DB")
        .stdin(std::process::Stdio::null())
        .output()
    else {
        eprintln!("SKIPPED: no setsid here");
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("needs a terminal window"), "{err}");
}
