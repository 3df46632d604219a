//! `concordat protocol check FILE`, and the app refusing to start on an invalid protocol, run as the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn concordat(args: &[&std::ffi::OsStr], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concordat"));
    cmd.args(args)
        .env_remove("CONCORDAT_PROTOCOL")
        .env_remove("CONCORDAT_DB")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run concordat")
}

fn default_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/protocol.toml")
}

/// The default protocol with one answer pointing at a step that does not exist.
fn bad_file(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(default_file()).expect("default protocol");
    let bad = text.replacen("next = \"weapon\"", "next = \"weapons\"", 1);
    assert_ne!(bad, text, "the default protocol changed: update this test");
    let path = dir.join("bad.toml");
    std::fs::write(&path, bad).expect("write");
    path
}

fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    text.lines().position(|l| l.contains(needle)).expect("needle") + 1
}

#[test]
fn default_protocol_is_valid() {
    let file = default_file();
    let out = concordat(&["protocol".as_ref(), "check".as_ref(), file.as_os_str()], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(": valid."), "{stdout}");
    let hash = stdout
        .split("sha256 ")
        .nth(1)
        .expect("sha256")
        .trim_end()
        .trim_end_matches('.');
    assert_eq!(hash.len(), 64, "{stdout}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
}

#[test]
fn bad_protocol_names_step_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = bad_file(dir.path());
    let line = line_of(&file, "next = \"weapons\"");
    let out = concordat(&["protocol".as_ref(), "check".as_ref(), file.as_os_str()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains(&format!(
            "line {line}: step 'missing': answer 'no' goes to step 'weapons', which does not exist"
        )),
        "{stderr}"
    );
    // The steps that can no longer be reached are named too.
    assert!(
        stderr.contains("step 'weapon': cannot be reached from the start"),
        "{stderr}"
    );
}

#[test]
fn syntax_error_and_missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "id = \"x\"\nversion = \"1\n").expect("write");
    let out = concordat(&["protocol".as_ref(), "check".as_ref(), file.as_os_str()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("line 2: TOML syntax"), "{stderr}");
    let missing = dir.path().join("absent.toml");
    let out = concordat(&["protocol".as_ref(), "check".as_ref(), missing.as_os_str()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("Cannot read the protocol") && stderr.contains("absent.toml"),
        "{stderr}"
    );
}

#[test]
fn app_refuses_to_start_on_an_invalid_protocol_and_creates_no_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = bad_file(dir.path());
    let db = dir.path().join("x.db");
    let out = concordat(
        &["--protocol".as_ref(), file.as_os_str(), "--db".as_ref(), db.as_os_str()],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is not valid") && stderr.contains("step 'missing'"),
        "{stderr}"
    );
    assert!(stderr.contains("will not start"), "{stderr}");
    assert!(!db.exists(), "the database was created");
    // The same through the environment.
    let out = concordat(&["--db".as_ref(), db.as_os_str()], &[("CONCORDAT_PROTOCOL", &file)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not valid"), "{stderr}");
    assert!(!db.exists(), "the database was created");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "only bad.toml is left"
    );
}

/// Every protocol shipped in assets/ (files named *protocol*.toml) passes `concordat protocol check`.
#[test]
fn every_shipped_protocol_is_valid() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut checked = vec![];
    for e in std::fs::read_dir(&assets).expect("assets") {
        let path = e.expect("entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if !(name.contains("protocol") && name.ends_with(".toml")) {
            continue;
        }
        let out = concordat(&["protocol".as_ref(), "check".as_ref(), path.as_os_str()], &[]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(": valid."));
        checked.push(name);
    }
    checked.sort();
    assert_eq!(checked, ["london-protocol.toml", "protocol.toml"]);
}
