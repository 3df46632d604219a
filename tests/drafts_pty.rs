//! The real binary in a pseudo-terminal: typing is kept as it is typed, so killing the window (a power cut, a
//! closed window) loses nothing typed; after signing in again the author is straight back in the field.
#![cfg(unix)]

mod common;
use common::support;

use std::path::Path;

use concordat::store::Store;
use support::pty::{keys::*, *};

/// A home with its manager and one child, ready to sign in.
fn home(db: &str) {
    home_with(db, &[jordan()]);
}

#[test]
fn killing_the_window_loses_nothing_typed_on_the_step() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in(&mut t);
    t.wait_for("Pat Manager (Manager)", 20);
    t.send(ESC);
    t.wait_for("New incident", 20);
    t.send("n");
    t.wait_for("Immediate danger", 20);
    t.send("n");
    t.wait_for("Child, when and where", 20);
    t.send("\x1b[C"); // the first child
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Lounge by the big window");
    t.wait_for("Lounge by the big window", 20);
    // No step moved on, nothing saved by hand: a couple of seconds, then the power goes.
    std::thread::sleep(std::time::Duration::from_secs(3));
    t.kill_hard();

    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in(&mut t);
    t.wait_for("back where you left it. Kept at", 20);
    t.wait_for("Child, when and where", 20);
    t.wait_for("Lounge by the big window", 20);
    // Still in the field it was typed in: more typing goes on the end of it.
    t.send(" and the door");
    t.wait_for("Lounge by the big window and the door", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
    let s = Store::open_readonly(Path::new(&db)).unwrap();
    assert_eq!(s.incident_count().unwrap(), 0, "a draft is not a saved incident");
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);
}
