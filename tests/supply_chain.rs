//! The supply-chain check, without the network (run by `cargo test`, so by `.ci/run`): every package in
//! Cargo.lock comes from crates.io (no git, no path but this crate), none is on the ban list, and every
//! package's licence (read from its Cargo.toml in the local cargo registry, where the build downloaded it) is
//! in the allowlist. A vendored build without the registry checks sources and bans only, and says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// Licences any dependency may have (an OR takes any one of them, an AND needs all).
const ALLOWED: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "MPL-2.0",
    "CC0-1.0",
    "0BSD",
    "BSL-1.0",
    // ring's own licence expression is made of ISC, MIT, OpenSSL (its BoringSSL parts) and Apache-2.0.
    "OpenSSL",
];

/// Packages that must never be built in: the system's OpenSSL (ring does our cryptography).
const BANNED: &[&str] = &["openssl-sys", "openssl", "openssl-src", "native-tls"];

/// Packages that Cargo.lock lists (it lists every optional dependency, whatever the features) but this build
/// never compiles, with why; each is checked to stay out of the build below.
const NOT_BUILT: &[(&str, &str, &str)] = &[(
    "terminfo",
    "WTFPL",
    "through ratatui-termwiz, ratatui's optional termwiz backend, which Cargo.toml does not enable",
)];

/// Packages whose licence is a file rather than an expression, checked by hand.
const LICENCE_FILES: &[(&str, &str)] = &[("ring", "ring's LICENSE: ISC, MIT, OpenSSL and Apache-2.0 parts")];

struct Package {
    name: String,
    version: String,
    source: Option<String>,
}

fn lock() -> Vec<Package> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).expect("Cargo.lock");
    let v: toml::Value = toml::from_str(&text).expect("Cargo.lock is TOML");
    v["package"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| Package {
            name: p["name"].as_str().expect("name").to_string(),
            version: p["version"].as_str().expect("version").to_string(),
            source: p.get("source").and_then(|s| s.as_str()).map(str::to_string),
        })
        .collect()
}

/// True when the SPDX expression is satisfied by the allowlist. `/` is the old spelling of OR; `WITH` adds an
/// exception to a licence, which keeps it as permissive as it was.
fn allowed(expr: &str) -> bool {
    let spaced = expr.replace('(', " ( ").replace(')', " ) ").replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    // A malformed expression (None) is not allowed either.
    or_expr(&tokens, &mut at) == Some(true) && at == tokens.len()
}

fn or_expr(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut ok = and_expr(t, at)?;
    while t.get(*at).is_some_and(|w| w.eq_ignore_ascii_case("OR")) {
        *at += 1;
        ok |= and_expr(t, at)?;
    }
    Some(ok)
}

fn and_expr(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut ok = one(t, at)?;
    while t.get(*at).is_some_and(|w| w.eq_ignore_ascii_case("AND")) {
        *at += 1;
        ok &= one(t, at)?;
    }
    Some(ok)
}

fn one(t: &[&str], at: &mut usize) -> Option<bool> {
    let word = *t.get(*at)?;
    *at += 1;
    if word == "(" {
        let ok = or_expr(t, at)?;
        (t.get(*at) == Some(&")")).then(|| *at += 1)?;
        return Some(ok);
    }
    if ["(", ")", "AND", "OR", "WITH"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
    {
        return None;
    }
    let ok = ALLOWED.contains(&word.trim_end_matches('+'));
    if t.get(*at).is_some_and(|w| w.eq_ignore_ascii_case("WITH")) {
        t.get(*at + 1)?;
        *at += 2;
    }
    Some(ok)
}

/// The local registry's unpacked sources: `$CARGO_HOME/registry/src/*/`.
fn registry_dirs() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(home) = home else { return vec![] };
    std::fs::read_dir(home.join("registry/src"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn licence_expressions_are_read_as_spdx() {
    assert!(allowed("MIT"));
    assert!(allowed("MIT OR Apache-2.0"));
    assert!(allowed("MIT/Apache-2.0"));
    assert!(allowed("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"));
    assert!(allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(allowed("Apache-2.0 AND ISC"));
    assert!(!allowed("WTFPL"));
    assert!(!allowed("MIT AND"));
    assert!(!allowed("(MIT"));
    assert!(!allowed("MIT WITH"));
    assert!(allowed("GPL-3.0 OR MIT"));
    assert!(!allowed("GPL-3.0"));
    assert!(!allowed("MIT AND GPL-3.0"));
    assert!(!allowed("(MIT OR Apache-2.0) AND AGPL-3.0"));
    assert!(!allowed("MIT OR"));
    assert!(!allowed(""));
}

#[test]
fn every_package_comes_from_crates_io_and_none_is_banned() {
    let pkgs = lock();
    assert!(pkgs.len() > 50, "{} packages", pkgs.len());
    let mut bad = vec![];
    for p in &pkgs {
        match &p.source {
            None if p.name == "concordat" => {}
            None => bad.push(format!("{} {}: a path dependency", p.name, p.version)),
            Some(s) if s == CRATES_IO => {}
            Some(s) => bad.push(format!("{} {}: from {s}, not crates.io", p.name, p.version)),
        }
        if BANNED.contains(&p.name.as_str()) {
            bad.push(format!("{} {}: banned", p.name, p.version));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_package_has_an_allowed_licence() {
    let dirs = registry_dirs();
    if dirs.is_empty() {
        eprintln!(
            "supply chain: no local cargo registry was found (a vendored build?): the licences are not checked \
             here, the sources and bans are."
        );
        return;
    }
    let mut bad = vec![];
    let mut checked = 0;
    let mut absent = BTreeSet::new();
    for p in lock().iter().filter(|p| p.source.is_some()) {
        let Some(manifest) = dirs
            .iter()
            .map(|d| d.join(format!("{}-{}", p.name, p.version)).join("Cargo.toml"))
            .find(|m| m.is_file())
        else {
            // Not downloaded: a package for another platform (Windows, macOS) that this build never compiles.
            absent.insert(format!("{} {}", p.name, p.version));
            continue;
        };
        let text = std::fs::read_to_string(&manifest).expect("read manifest");
        let v: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        let pkg = &v["package"];
        match (pkg.get("license").and_then(|l| l.as_str()), pkg.get("license-file")) {
            (Some(l), _) if allowed(l) => {}
            (Some(l), _) if NOT_BUILT.iter().any(|(n, lic, _)| *n == p.name && *lic == l) => {}
            (Some(l), _) => bad.push(format!("{} {}: licence {l}", p.name, p.version)),
            (None, Some(_)) if LICENCE_FILES.iter().any(|(n, _)| *n == p.name) => {}
            (None, _) => bad.push(format!("{} {}: no licence expression", p.name, p.version)),
        }
        checked += 1;
    }
    assert!(bad.is_empty(), "licences not in the allowlist:\n{}", bad.join("\n"));
    // What is listed as never built stays out of the build: ratatui without its termwiz backend.
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("termwiz"),
        "Cargo.toml enables termwiz: terminfo (WTFPL) would be built"
    );
    assert!(checked > 50, "only {checked} packages found in the registry");
    if !absent.is_empty() {
        eprintln!(
            "supply chain: {checked} licences checked; {} packages for other platforms are not downloaded here and \
             were not checked: {}",
            absent.len(),
            absent.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
}
