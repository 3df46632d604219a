//! The real binary in a pseudo-terminal: first-run set-up, sign in, add a child, quit, start again, sign in,
//! see the child; and the wrong-passphrase lock-out. Unix only (pseudo-terminals).
#![cfg(unix)]

mod common;
use common::support;

use support::pty::{keys::*, *};

fn sign_in(t: &mut Pty, pass: &str) {
    sign_in_with(t, pass);
}

#[test]
fn set_up_sign_in_add_a_child_and_find_it_after_a_restart() {
    let (_dir, db) = temp_db();
    let mut t = Pty::spawn(&["--db", &db], &[]);
    first_time_set_up(&mut t);
    // The manager's recovery code, shown once; then the handover.
    t.wait_for("Write this recovery code down now", 20);
    t.send(ESC);
    t.wait_for("Handover", 20);
    // The handover comes first; Esc to the menu, c for children, a to add.
    t.send(ESC);
    t.wait_for("New incident", 20);
    t.send("c");
    t.wait_for("No children yet", 20);
    t.send("a");
    t.wait_for("Add a child", 20);
    t.send("Jordan Smith");
    t.send(TAB);
    t.send("JJ");
    t.send(TAB);
    t.send("01/02/2011");
    t.send(TAB);
    t.send("m");
    t.send(TAB);
    t.send("w");
    t.send(TAB);
    t.send("\x1b[C\x1b[C");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("01/09/2025");
    t.send(CTRL_S);
    t.wait_for("JJ (Jordan Smith)", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    // Start again: the database is there, set up; sign in and see the child.
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in(&mut t, "correct horse");
    t.wait_for("Pat Manager (Manager)", 20);
    t.send(ESC);
    t.send("c");
    t.wait_for("JJ (Jordan Smith)", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    // Everything written was audited and the chain is sound.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["verify", "--db", &db])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn five_wrong_passphrases_lock_the_account_even_after_a_restart() {
    let (_dir, db) = temp_db();
    {
        let mut s = concordat::store::Store::open(std::path::Path::new(&db)).unwrap();
        s.setup(&concordat::store::staff::Setup {
            home_name: "Oak House",
            ofsted_urn: "",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    }
    let mut t = Pty::spawn(&["--db", &db], &[]);
    for left in (1..5).rev() {
        sign_in(&mut t, "wrong guess");
        t.wait_for(&format!("{left} more tr"), 20);
    }
    sign_in(&mut t, "wrong guess");
    t.wait_for("Too many wrong passphrases", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
    // Restarting does not lift the wait (30 s after the fifth), and the right passphrase is refused while it
    // runs.
    let mut t = Pty::spawn(&["--db", &db], &[]);
    t.wait_for("[WAIT]", 20);
    sign_in(&mut t, "correct horse");
    t.wait_for("Too many wrong passphrases", 20);
    assert!(!t.screen().contains("(Manager)"));
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
}

#[test]
fn a_corrupt_database_is_reported_in_plain_words_and_left_alone() {
    let (_dir, db) = temp_db();
    std::fs::create_dir_all(std::path::Path::new(&db).parent().unwrap()).unwrap();
    std::fs::write(&db, vec![0x41u8; 4096]).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["--db", &db])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is damaged") && err.contains("has not been changed"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), vec![0x41u8; 4096]);
}
