//! The real app holds its database for its whole run: `concordat restore` refuses while it is open and says
//! who has it, and runs once it has closed. Unix only (pseudo-terminals).
#![cfg(unix)]

mod common;
use common::fixtures::cli;
use common::support;

use support::pty::{keys::*, *};

/// The real binary, as the manager where the command needs a person.
fn run(args: &[&str], db: &str) -> (bool, String) {
    cli::run_text(std::path::Path::new(db), args)
}

#[test]
fn restore_refuses_while_the_app_is_open_and_names_who_is_signed_in() {
    let (_dir, db) = temp_db();
    let mut t = Pty::spawn(&["--db", &db], &[]);
    first_time_set_up(&mut t);
    // A backup to restore from, made while the app is open (reading is allowed).
    let copy = std::path::Path::new(&db).with_file_name("copy.db");
    let (ok, out) = run(&["backup", "--out", copy.to_str().unwrap()], &db);
    assert!(ok, "{out}");
    let (ok, out) = run(&["restore", copy.to_str().unwrap()], &db);
    assert!(!ok, "refused while the app is open: {out}");
    assert!(out.contains("Cannot restore while concordat is open"), "{out}");
    assert!(out.contains("Pat Manager"), "says who is signed in: {out}");
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
    let (ok, out) = run(&["restore", copy.to_str().unwrap()], &db);
    assert!(ok, "runs once the app has closed: {out}");
}
