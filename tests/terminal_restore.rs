//! A panic in the app gives the terminal back whole: out of raw mode and the alternate screen, and with
//! bracketed paste turned off (left on, every later paste in the shell arrives wrapped in ESC[200~ … ESC[201~).
#![cfg(unix)]

mod common;

use common::pty::Pty;

#[test]
fn a_panic_turns_off_bracketed_paste_and_leaves_the_alternate_screen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let mut p = Pty::spawn(&["--db", db.to_str().unwrap()], &[("CONCORDAT_TEST_PANIC", "1")]);
    let status = p.wait_exit(20).expect("the app ends after its panic");
    assert!(!status.success());
    let raw = p.raw();
    let on = raw.rfind("\x1b[?2004h").expect("bracketed paste was turned on");
    let off = raw
        .rfind("\x1b[?2004l")
        .unwrap_or_else(|| panic!("bracketed paste is never turned off: {raw:?}"));
    assert!(off > on, "turned off before it was turned on: {raw:?}");
    let left = raw
        .rfind("\x1b[?1049l")
        .unwrap_or_else(|| panic!("the alternate screen is never left: {raw:?}"));
    assert!(left > on, "{raw:?}");
    assert!(
        raw.contains("CONCORDAT_TEST_PANIC"),
        "the panic message is shown: {raw:?}"
    );
}
