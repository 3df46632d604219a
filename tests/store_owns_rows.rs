//! Issue 18, "the store owns every row and every statement": the export, the import, the demo and their screens
//! hold no SQL of their own and never reach for the store's connection; and the store (with the low modules it
//! uses) imports nothing from the modules above it, so store, export and report are no longer one circle.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's text before its unit tests (a test may build what it checks from anywhere).
fn production(p: &Path) -> String {
    let t = std::fs::read_to_string(p).unwrap();
    // The unit tests at the foot of a file (`mod tests` or `pub(crate) mod tests`) are not production code.
    let at = ["#[cfg(test)]\nmod tests", "#[cfg(test)]\npub(crate) mod tests"]
        .iter()
        .filter_map(|m| t.find(m))
        .min();
    match at {
        Some(i) => t[..i].to_string(),
        None => t,
    }
}

/// Lines that hold an SQL statement's start in a string (the code writes SQL in capitals), or a call for the
/// store's connection.
fn sql_lines(text: &str) -> Vec<String> {
    const WORDS: [&str; 8] = [
        "SELECT ",
        "INSERT INTO",
        "UPDATE ",
        "DELETE FROM",
        "CREATE ",
        "PRAGMA ",
        "WITH ",
        "REPLACE ",
    ];
    text.lines()
        .filter(|l| l.contains("connection()") || WORDS.iter().any(|w| l.contains(&format!("\"{w}"))))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn export_import_demo_and_their_screens_hold_no_sql_of_their_own() {
    let mut files = Vec::new();
    rust_files(&src().join("export"), &mut files);
    for f in ["demo.rs", "ui/screens/export.rs", "ui/screens/settings.rs"] {
        files.push(src().join(f));
    }
    let mut found = Vec::new();
    for f in &files {
        // Here the tests count too: they read what they check through the store's methods.
        let text = std::fs::read_to_string(f).unwrap();
        for l in sql_lines(&text) {
            found.push(format!("{}: {l}", f.strip_prefix(src()).unwrap().display()));
        }
    }
    assert!(found.is_empty(), "SQL outside the store:\n{}", found.join("\n"));
}

/// Everything else (report, sync, print, the screens, the command line): no SQL and no connection in production
/// code. Unit tests at a file's foot may reach the database to set up what they check.
#[test]
fn no_production_code_outside_the_store_holds_sql_or_the_connection() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let store = src().join("store");
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.starts_with(&store)) {
        let name = f.strip_prefix(src()).unwrap().display().to_string();
        if name.ends_with("tests.rs") || name.contains("/tests/") {
            continue;
        }
        for l in sql_lines(&production(f)) {
            found.push(format!("{name}: {l}"));
        }
    }
    assert!(found.is_empty(), "SQL outside the store:\n{}", found.join("\n"));
}

#[test]
fn the_store_imports_nothing_from_the_modules_above_it() {
    let mut files = Vec::new();
    rust_files(&src().join("store"), &mut files);
    for f in ["fsio.rs", "hash.rs", "text.rs", "time.rs"] {
        let p = src().join(f);
        if p.exists() {
            files.push(p);
        }
    }
    let above = [
        "crate::export",
        "crate::report",
        "crate::sync",
        "crate::ui",
        "crate::cli",
        "crate::demo",
        "crate::print",
    ];
    let mut found = Vec::new();
    for f in &files {
        let text = production(f);
        for (n, l) in text.lines().enumerate() {
            if let Some(m) = above.iter().find(|m| l.contains(*m)) {
                found.push(format!("{}:{}: {m}", f.strip_prefix(src()).unwrap().display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the store reaches above itself:\n{}",
        found.join("\n")
    );
}

/// Issue 18, "`connection()` private to the store": no public way to the store's connection, so nothing
/// outside the crate (the tests included) writes a row behind `Store::write`. A test that plays an attacker
/// opens the file with a connection of its own; a test that reads uses the store's methods
/// (`src/store/inspect.rs`).
#[test]
fn the_stores_connection_is_not_public() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, l) in text.lines().enumerate() {
            let l = l.trim();
            let public = l.starts_with("pub fn") || l.starts_with("pub const fn") || l.starts_with("pub unsafe fn");
            if public
                && (l.contains("fn connection(")
                    || l.contains("-> &Connection")
                    || l.contains("-> &rusqlite::Connection"))
            {
                found.push(format!("{}:{}: {l}", f.strip_prefix(src()).unwrap().display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the store's connection is public:\n{}",
        found.join("\n")
    );
    // The declaration is still there, crate-private (so the check above reads the right name).
    let store = std::fs::read_to_string(src().join("store/mod.rs")).unwrap();
    assert!(
        store.contains("pub(crate) fn connection(&self)"),
        "Store::connection moved or renamed"
    );
    // And no integration test reaches for it.
    let mut tests = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"), &mut tests);
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("benches"), &mut tests);
    let me = Path::new(file!()).file_name().unwrap();
    let reach: Vec<String> = tests
        .iter()
        .filter(|p| p.file_name() != Some(me))
        .filter(|p| std::fs::read_to_string(p).unwrap().contains(".connection()"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(reach.is_empty(), "tests calling Store::connection(): {reach:?}");
}
