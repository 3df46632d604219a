//! Shared by the benches: the demo databases, made once per size and seed and kept in target/bench-db/.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use concordat::protocol::Protocol;
use concordat::store::Store;
use concordat::ui::app::App;
use concordat::ui::theme::Theme;

pub const SEED: u64 = 1;
/// Bump when the generator changes what it makes, so old cached databases are not reused.
pub const GENERATOR: u32 = 5;

/// The sizes to run: CONCORDAT_BENCH_SIZES=1000,100000,1000000 (default 1000,100000, so a normal run never
/// builds the million-incident database).
pub fn sizes() -> Vec<u32> {
    std::env::var("CONCORDAT_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect()
}

/// Incidents per home over the ten years: about two a week, a busy home's rate.
pub const PER_HOME: u32 = 1_000;

/// Homes in the database: one home at 1,000 incidents; a YOS holding many homes' files beyond that. Every
/// size keeps one home's rate, so this home's handover and week hold the same amount at every size and
/// only the history around them grows (what the growth targets are about). A dense database puts every
/// incident in the one home instead (a stress test: 270 incidents a day at 1,000,000); the full export uses
/// it, and CONCORDAT_BENCH_DENSE=1 makes every bench use it.
pub fn homes_for(incidents: u32, dense: bool) -> u32 {
    if dense { 1 } else { (incidents / PER_HOME).max(1) }
}

pub fn dense() -> bool {
    std::env::var("CONCORDAT_BENCH_DENSE").is_ok_and(|v| v == "1")
}

/// Children over the ten years: twelve per home (five beds, placements of a year or two).
pub fn children_for(incidents: u32, dense: bool) -> u32 {
    if dense {
        12 + incidents / 2000
    } else {
        12 * homes_for(incidents, false)
    }
}

pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-db")
}

/// The demo database with `incidents` incidents (seed [`SEED`]), generated on first use: one home's rate
/// (or dense, with CONCORDAT_BENCH_DENSE=1).
pub fn db(incidents: u32) -> PathBuf {
    db_layout(incidents, dense())
}

/// The demo database with `incidents` incidents, all of them in this home if `dense`.
pub fn db_layout(incidents: u32, dense: bool) -> PathBuf {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let name = format!(
        "demo-{incidents}-seed{SEED}-g{GENERATOR}{}-s{}.db",
        if dense { "-dense" } else { "" },
        concordat::store::schema_version()
    );
    let p = dir.join(&name);
    if !p.exists() {
        let tmp = dir.join(format!("{name}.tmp"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
        let t = Instant::now();
        let mut s = Store::open(&tmp).unwrap();
        let sum = concordat::demo::generate_homes(
            &mut s,
            homes_for(incidents, dense),
            children_for(incidents, dense),
            incidents,
            SEED,
        )
        .unwrap();
        drop(s);
        std::fs::rename(&tmp, &p).unwrap();
        let mb = std::fs::metadata(&p).unwrap().len() as f64 / 1e6;
        eprintln!(
            "generated {} in {:.1} s, {:.0} MB: {}",
            p.display(),
            t.elapsed().as_secs_f64(),
            mb,
            sum.line()
        );
    }
    // As the app does at its first start each day: the full quick_check and today's backup. Later opens the
    // same day (what the benches measure) check the header and the schema only.
    let s = Store::open(&p).unwrap();
    if let Some(e) = concordat::store::backup::daily(&s) {
        panic!("{e}");
    }
    p
}

/// The protocol the app would use (the built-in one; an empty stand-in while it cannot be parsed yet).
pub fn protocol() -> Protocol {
    concordat::protocol::resolve(None).unwrap_or_else(|_| Protocol {
        id: "bench".into(),
        version: "1".into(),
        title: "Bench".into(),
        start: String::new(),
        steps: vec![],
        sha256: String::new(),
    })
}

/// The app on `path`, signed in as the manager (argon2 skipped), at the end of the demo history.
pub fn open_app(path: &std::path::Path) -> App {
    let store = Store::open(path).unwrap();
    let manager = store.list_staff(false).unwrap()[0].clone();
    let mut app = App::new(store, protocol(), Theme::plain(), now());
    app.sign_in_as(manager);
    app
}

/// "Now" for the benches: the morning after the demo history ends.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    concordat::demo::end() + chrono::Duration::hours(1)
}

/// Small samples: the machine is shared.
pub fn quick<M: criterion::measurement::Measurement>(g: &mut criterion::BenchmarkGroup<'_, M>) {
    g.sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
}

/// A YOS's database with `incidents` incidents (the usual layout: one home's rate, `incidents / 1000` homes),
/// set up as a YOS, generated on first use and kept beside the others.
pub fn db_yos(incidents: u32) -> PathBuf {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let name = format!(
        "yos-{incidents}-seed{SEED}-g{GENERATOR}-s{}.db",
        concordat::store::schema_version()
    );
    let p = dir.join(&name);
    if !p.exists() {
        let tmp = dir.join(format!("{name}.tmp"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
        let t = Instant::now();
        let mut s = Store::open(&tmp).unwrap();
        let sum = concordat::demo::generate_homes_as(
            &mut s,
            concordat::store::settings::Role::Yos,
            homes_for(incidents, false),
            children_for(incidents, false),
            incidents,
            SEED,
        )
        .unwrap();
        drop(s);
        std::fs::rename(&tmp, &p).unwrap();
        eprintln!(
            "generated {} in {:.1} s: {}",
            p.display(),
            t.elapsed().as_secs_f64(),
            sum.line()
        );
    }
    p
}
