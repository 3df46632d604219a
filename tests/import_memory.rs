//! Import streams: a large export is read one record at a time, so the peak memory of the process stays under
//! 100 MB whatever the file's size. Measured in a child process (this test binary run again) through
//! /proc/self/status VmHWM; skipped where there is no /proc.

mod common;
use common::fixtures;

use std::io::Write;
use std::path::Path;

use concordat::export::import::import_reader;
use concordat::store::{Actor, Store};

/// Write an export of `n` records, each carrying an account of `text` bytes, built from a real one-record
/// export (so the file is what `concordat export` writes, only longer).
fn large_file(dir: &Path, n: usize, text: usize) -> std::path::PathBuf {
    let (s, a, child) = fixtures::home_at(&dir.join("home.db"));
    let mut s = s;
    let now = s.now();
    s.save_incident(&a, fixtures::record(&child, now, "Kicked a door."), None)
        .unwrap();
    let week = concordat::time::Period::week_of(concordat::time::local_date(now));
    let f = concordat::export::build(&s, &week).unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&f.json).unwrap();
    let template = doc["records"][0].take();
    doc["records"] = serde_json::Value::Array(Vec::new());
    // The home a YOS would import from (not the file's own database).
    let head = serde_json::to_string(&doc).unwrap();
    let head = head.strip_suffix("[]}").expect("records last");
    let path = dir.join("large.json");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    out.write_all(head.as_bytes()).unwrap();
    out.write_all(b"[").unwrap();
    let words = "He kicked the door and shouted. ".repeat(text / 32 + 1);
    for i in 0..n {
        let mut r = template.clone();
        let uid = format!("big-{i:08}");
        r["uid"] = uid.clone().into();
        r["recorded"]["uid"] = uid.clone().into();
        r["recorded"]["account"] = words[..text].into();
        r["current"]["uid"] = uid.clone().into();
        r["current"]["account"] = words[..text].into();
        if let Some(es) = r["entries"].as_array_mut() {
            for (j, e) in es.iter_mut().enumerate() {
                e["uid"] = format!("{uid}-e{j}").into();
                e["incident_uid"] = uid.clone().into();
            }
        }
        if i > 0 {
            out.write_all(b",").unwrap();
        }
        serde_json::to_writer(&mut out, &r).unwrap();
    }
    out.write_all(b"]}\n").unwrap();
    out.flush().unwrap();
    path
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Run in the child only (CONCORDAT_IMPORT_FILE set): import the file into a new database, print the peak.
#[test]
#[ignore = "run by the memory tests in a child process"]
fn child_imports_the_file() {
    let Ok(file) = std::env::var("CONCORDAT_IMPORT_FILE") else {
        return;
    };
    let db = Path::new(&file).with_extension("yos.db");
    let mut s = Store::open(&db).unwrap();
    let f = std::fs::File::open(&file).unwrap();
    let sum = import_reader(&mut s, &Actor::system("memory test"), f, &mut |_, _, _| Ok(())).unwrap();
    println!("IMPORTED={} VMHWM_KB={}", sum.incidents, vm_hwm_kb().unwrap_or(0));
}

/// The peak memory (KB) of a child process importing an `n`-record file, and the file's size.
fn peak_importing(n: usize, text: usize) -> Option<(u64, u64)> {
    vm_hwm_kb()?;
    let dir = tempfile::tempdir().unwrap();
    let file = large_file(dir.path(), n, text);
    let size = std::fs::metadata(&file).unwrap().len();
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_imports_the_file",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CONCORDAT_IMPORT_FILE", &file)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out} {}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains(&format!("IMPORTED={n} ")), "{out}");
    let kb = out.split("VMHWM_KB=").nth(1)?.split_whitespace().next()?.parse().ok()?;
    Some((kb, size))
}

/// A file of about 90 MB (records and their current state each carry a 60,000-character account) (which, read whole and parsed, took several times that).
#[test]
fn a_large_import_streams_in_bounded_memory() {
    let Some((kb, size)) = peak_importing(800, 60_000) else {
        eprintln!("no /proc/self/status here: skipped");
        return;
    };
    eprintln!("file {} MB, peak {} MB", size >> 20, kb >> 10);
    assert!(size > 80 << 20, "the file is large: {size}");
    assert!(kb < 100 * 1024, "peak memory {kb} KB for a {size}-byte file");
}

/// The brief's size: 20,000 records (slow in a debug build): `cargo test --test import_memory -- --ignored
/// twenty_thousand`.
#[test]
#[ignore = "slow in a debug build"]
fn twenty_thousand_records_stream_in_bounded_memory() {
    let Some((kb, size)) = peak_importing(20_000, 4_000) else {
        return;
    };
    eprintln!("file {} MB, peak {} MB", size >> 20, kb >> 10);
    assert!(kb < 100 * 1024, "peak memory {kb} KB for a {size}-byte file");
}
