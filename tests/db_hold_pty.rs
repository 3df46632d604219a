//! The real app holds its database for its whole run: `concordat restore` refuses while it is open and says
//! who has it, and runs once it has closed. Unix only (pseudo-terminals).
#![cfg(unix)]

mod support;

use std::process::Command;

use support::pty::*;

/// The real binary; a command that shows or changes records runs as Pat Manager (`--as`, the passphrase on
/// standard input), as the command line requires.
fn run(args: &[&str], db: &str) -> (bool, String) {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concordat"));
    cmd.args(args).arg("--db").arg(db).env_remove("CONCORDAT_DB");
    let person = !matches!(args.first(), Some(&"verify") | Some(&"protocol") | Some(&"demo"));
    if person {
        cmd.args(["--as", "Pat Manager", "--passphrase-stdin"]);
    }
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        if person {
            let _ = stdin.write_all(b"correct horse\n");
        }
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn restore_refuses_while_the_app_is_open_and_names_who_is_signed_in() {
    let (_dir, db) = temp_db();
    let mut t = Pty::spawn(&["--db", &db], &[]);
    t.wait_for("First-time set-up");
    t.send("Oak House");
    t.send(TAB);
    t.send("SC123456");
    t.send(TAB);
    t.send("Pat Manager");
    t.send(TAB);
    t.send("correct horse");
    t.send(TAB);
    t.send("correct horse");
    t.send(CTRL_S);
    t.wait_for("Pat Manager (Manager)");
    // A backup to restore from, made while the app is open (reading is allowed).
    let copy = std::path::Path::new(&db).with_file_name("copy.db");
    let (ok, out) = run(&["backup", "--out", copy.to_str().unwrap()], &db);
    assert!(ok, "{out}");
    let (ok, out) = run(&["restore", copy.to_str().unwrap()], &db);
    assert!(!ok, "refused while the app is open: {out}");
    assert!(out.contains("Cannot restore while concordat is open"), "{out}");
    assert!(out.contains("Pat Manager"), "says who is signed in: {out}");
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(), 0);
    let (ok, out) = run(&["restore", copy.to_str().unwrap()], &db);
    assert!(ok, "runs once the app has closed: {out}");
}
