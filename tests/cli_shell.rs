//! The shell conventions, run as the real binary: completions for every shell and the man page name every
//! command; every command's help has a line for each option, examples and the exit codes; the environment
//! variables are named once, in the top help.

use std::process::{Command, Output, Stdio};

use clap::CommandFactory;

fn concordat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(args)
        .env_remove("CONCORDAT_PROTOCOL")
        .env_remove("CONCORDAT_DB")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run concordat")
}

/// Every command's name, as `concordat help` would list them (without clap's own `help`).
fn commands() -> Vec<String> {
    concordat::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect()
}

#[test]
fn completions_for_every_shell_name_every_command() {
    let names = commands();
    assert!(names.len() >= 11, "{names:?}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = concordat(&["completions", shell]);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8(out.stdout).expect("UTF-8");
        for n in &names {
            assert!(script.contains(n.as_str()), "{shell}: {n} missing");
        }
        assert!(script.contains("passphrase-stdin"), "{shell}: options missing");
    }
    let out = concordat(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_names_every_command_with_its_examples_and_exit_codes() {
    let out = concordat(&["man"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        page.starts_with(".ie") || page.contains(".TH concordat 1"),
        "{}",
        &page[..200]
    );
    for n in commands() {
        assert!(
            page.contains(&format!(".SH \"CONCORDAT {}\"", n.to_uppercase())),
            "{n} has no section"
        );
    }
    assert!(page.contains("Exit codes"));
    assert!(page.contains("CONCORDAT_DB"));
    // --out writes a new file, and never over an existing one.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("concordat.1");
    let out = concordat(&["man", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), page);
    std::fs::write(&file, "kept").unwrap();
    let out = concordat(&["man", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");
}

/// Every command (and `protocol check`), as the user types it.
fn every_command(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        out.push((p.clone(), sub.clone()));
        every_command(sub, p, out);
    }
}

#[test]
fn every_help_has_a_line_for_each_option_examples_and_exit_codes() {
    let top = concordat::cli::Cli::command();
    let mut all = vec![];
    every_command(&top, vec![], &mut all);
    assert!(all.iter().any(|(p, _)| p == &["protocol", "check"]));
    for (path, cmd) in &all {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = concordat(&args);
        assert!(out.status.success(), "{path:?}");
        let help = String::from_utf8(out.stdout).expect("UTF-8");
        let shown = path.join(" ");
        if cmd.has_subcommands() {
            // `protocol`: a group; its commands are checked on their own.
            assert!(help.contains("Exit codes:"), "{shown}: no exit codes\n{help}");
            continue;
        }
        assert!(help.contains("Example"), "{shown}: no examples\n{help}");
        assert!(
            help.contains("Exit codes: 0 done; 1 failed"),
            "{shown}: no exit codes\n{help}"
        );
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            assert!(
                a.get_help().is_some_and(|h| !h.to_string().trim().is_empty()),
                "{shown}: option {id} has no help line"
            );
            let named = match (a.get_long(), a.get_value_names()) {
                (Some(l), _) => format!("--{l}"),
                (None, Some(v)) => format!("<{}>", v[0]),
                (None, None) => format!("<{}>", id.to_uppercase()),
            };
            assert!(help.contains(&named), "{shown}: {named} is not in the help\n{help}");
        }
        // The environment variables are named once, in the top help, not in every command's.
        assert!(!help.contains("Environment:"), "{shown} repeats the environment");
    }
    let out = concordat(&["--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    assert_eq!(help.matches("Environment:").count(), 1, "{help}");
    for var in ["CONCORDAT_DB", "CONCORDAT_PROTOCOL", "NO_COLOR"] {
        assert!(help.contains(var), "{var} not named\n{help}");
    }
    for n in commands() {
        assert!(help.contains(&format!("  {n}")), "{n} not listed\n{help}");
    }
    assert!(help.contains("Exit codes: 0 done; 1 failed"));
}

/// The progress bar is drawn only on a terminal: a demo and a verify with captured output print their one
/// message and nothing on standard error.
#[test]
fn no_progress_bar_in_captured_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let out = concordat(&[
        "--db",
        db,
        "demo",
        "--children",
        "3",
        "--incidents",
        "40",
        "--seed",
        "1",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let out = concordat(&["--db", db, "verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("left"));
}
