//! `concordat export` shows the progress bar the other long commands show (issue 18), and only on a terminal:
//! with its output captured (a scheduled task, a pipe, these tests) it prints its one line and nothing on
//! standard error. That it reports each record is tested in `src/cli/progress.rs`
//! (`the_export_reports_its_progress`).

mod common;
use common::fixtures::cli;

#[test]
fn no_progress_bar_when_the_export_is_captured() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut c = cli::bin();
    c.arg("--db")
        .arg(&db)
        .args(["demo", "--children", "3", "--incidents", "150", "--seed", "1"]);
    let demo = cli::with_stdin(c, None);
    assert!(demo.status.success(), "{}", cli::stderr(&demo));

    let today = chrono::Utc::now().date_naive();
    let from = (today - chrono::Duration::days(3650)).format("%Y-%m-%d").to_string();
    let to = today.format("%Y-%m-%d").to_string();
    let out = cli::run_as(
        &db,
        &[
            "export",
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out_dir.to_str().unwrap(),
        ],
        "Pat Manager",
        "demo passphrase",
    );
    assert!(out.status.success(), "{}{}", cli::stdout(&out), cli::stderr(&out));
    assert!(cli::stdout(&out).contains("Exported"), "{}", cli::stdout(&out));
    assert!(
        cli::stderr(&out).is_empty(),
        "no bar without a terminal: {:?}",
        cli::stderr(&out)
    );
    assert_eq!(
        std::fs::read_dir(&out_dir).unwrap().count(),
        3,
        "csv, json and manifest"
    );
}

use common::pty;

/// On a terminal the export draws the bar, with its stage and counts, after the passphrase is asked, and clears
/// it before its one line (the bar is cleared, so the raw output is read).
#[test]
fn the_export_shows_its_progress_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut c = cli::bin();
    c.arg("--db")
        .arg(&db)
        .args(["demo", "--children", "3", "--incidents", "300", "--seed", "2"]);
    assert!(cli::with_stdin(c, None).status.success());

    let today = chrono::Utc::now().date_naive();
    let from = (today - chrono::Duration::days(3650)).format("%Y-%m-%d").to_string();
    let to = today.format("%Y-%m-%d").to_string();
    let mut p = pty::Pty::spawn(
        &[
            "--db",
            db.to_str().unwrap(),
            "export",
            "--as",
            "Pat Manager",
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &[],
    );
    p.wait_for("assphrase", 20);
    p.type_text("demo passphrase");
    p.send(pty::keys::ENTER);
    p.wait_for("Exported", 60);
    assert!(p.wait_exit(20).is_some_and(|s| s.success()), "{}", p.screen());
    let raw = p.raw();
    assert!(
        raw.contains("writing the weekly file (records)"),
        "no bar drawn:\n{raw}"
    );
    assert!(raw.contains(" left"), "no time left shown:\n{raw}");
}
