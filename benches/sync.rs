//! `sync` on a YOS: 100 homes' weekly sets read into a YOS's database (target: under 2 s at 1,000,000
//! incidents). Sizes as the other benches (CONCORDAT_BENCH_SIZES; the million-incident database is made only
//! when asked for). CONCORDAT_BENCH_SYNC_HOMES changes the number of homes (default 100).
//!
//! Each sample starts from a fresh copy of the cached YOS database and a share with no receipts (made outside
//! the timing); the timing is the whole `sync::yos::run`: listing the outboxes, checking every set against its
//! manifest, importing each in its own transaction, the receipts and the arrivals.

mod common;
#[path = "../tests/common/fixtures/mod.rs"]
mod fixtures;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

use concordat::store::Store;
use concordat::store::staff::Setup;
use concordat::sync::layout;
use concordat::time::Period;

const PASS: &str = "correct horse battery";

fn homes() -> usize {
    std::env::var("CONCORDAT_BENCH_SYNC_HOMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// `n` homes, each with three incidents in the week after the demo history, their sets in `share`'s outboxes
/// (made once and kept in target/bench-db/sync-share-N).
fn share(n: usize) -> PathBuf {
    let dir = common::cache_dir().join(format!("sync-share-{n}-s{}", concordat::store::schema_version()));
    if dir.join("done").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let now = common::now();
    let week = Period::week_of(concordat::time::local_date(now) + chrono::Duration::days(7));
    let dbs = dir.join("homes-db");
    std::fs::create_dir_all(&dbs).unwrap();
    for h in 0..n {
        let urn = format!("SC9{h:05}");
        let mut s = Store::open(&dbs.join(format!("{urn}.db"))).unwrap();
        s.set_clock(Some(week.start - chrono::Duration::days(1)));
        let m = s
            .setup(&Setup {
                home_name: &format!("Bench Home {h}"),
                ofsted_urn: &urn,
                manager_name: "Pat Manager",
                passphrase: PASS,
            })
            .unwrap();
        let a = m.actor;
        let child = s
            .add_child(
                &a,
                &concordat::domain::ChildInput {
                    name: "Jordan Smith".into(),
                    dob: "01/02/2011".into(),
                    gender: "male".into(),
                    ethnicity: "white_british".into(),
                    legal_status: "s31".into(),
                    admitted: "01/09/2025".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        for d in 0..3 {
            let at = week.start + chrono::Duration::days(d * 2) + chrono::Duration::hours(14);
            s.set_clock(Some(at));
            s.save_incident(&a, fixtures::record(&child.uid, at, "Kicked a door."), None)
                .unwrap();
        }
        s.set_clock(Some(week.end + chrono::Duration::hours(9)));
        let out = layout::outbox_dir(&dir, &urn).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        concordat::export::write(&mut s, &a, &week, &out).unwrap();
    }
    std::fs::write(dir.join("done"), "").unwrap();
    dir
}

/// A copy of `share` without receipts, and a copy of the YOS database, in `work`.
fn fresh(share: &Path, yos: &Path, work: &Path) -> (PathBuf, PathBuf) {
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).unwrap();
    let s = work.join("share");
    for e in std::fs::read_dir(layout::homes_dir(share)).unwrap().flatten() {
        let urn = e.file_name();
        let from = e.path().join("outbox");
        let to = layout::homes_dir(&s).join(&urn).join("outbox");
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(&from).unwrap().flatten() {
            std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
    }
    let db = work.join("yos.db");
    std::fs::copy(yos, &db).unwrap();
    // Flush the copy before timing starts: otherwise its first checkpoint writes the whole copied file back
    // inside the timed sync (1.46 GB at 100,000 incidents), and the bench measures the copy, not the sync.
    std::fs::File::open(&db).unwrap().sync_all().unwrap();
    (s, db)
}

fn sync(c: &mut Criterion) {
    let n_homes = homes();
    let share = share(n_homes);
    let mut g = c.benchmark_group(format!("sync_{n_homes}_homes"));
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_millis(1));
    for &n in &common::sizes() {
        let yos = common::db_yos(n);
        let work = common::cache_dir().join(format!("sync-work-{n}"));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_batched(
                || {
                    let (s, db) = fresh(&share, &yos, &work);
                    let mut store = Store::open(&db).unwrap();
                    let now = common::now() + chrono::Duration::days(14);
                    store.set_clock(Some(now));
                    let actor = store.signer_for(1, concordat::demo::PASSPHRASE).unwrap();
                    (store, actor, s, now)
                },
                |(mut store, actor, s, now)| {
                    let r = concordat::sync::yos::run(&mut store, &actor, &s, now, &mut |_, _| {}).unwrap();
                    assert_eq!(r.accepted, n_homes, "{:?}", r.lines.first());
                    r
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, sync);
criterion_main!(benches);
