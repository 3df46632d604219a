//! The weekly export and the quarterly report at each size (targets: < 50 ms each at 100k; a full export of
//! 100k < 2 s; the weekly export at 1M no more than 1.5x its time at 1k).
//!
//! The weekly export and the report run on the usual databases (one home's rate, the other homes' records
//! around it). The full export is of this home's whole history, so it runs on the dense databases, where all
//! `n` incidents are this home's: a full export of 100,000 is 100,000 records.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use concordat::store::Store;
use concordat::time::Period;

fn export_report(c: &mut Criterion) {
    let last_day = concordat::time::local_date(concordat::demo::end());
    // The latest complete week in which this home had at least three incidents (its records are the same at
    // every size, so this is the same week, with the same records, in every database), the last complete quarter
    // before the demo history ends, and the whole history.
    let week = busy_week(&Store::open(&common::db(1000)).unwrap(), last_day);
    let quarter = Period::quarter_of(last_day - chrono::Duration::days(92));
    let all = Period::dates(last_day - chrono::Duration::days(365 * 11), last_day).unwrap();
    for (name, period) in [("weekly_export", &week), ("full_export", &all)] {
        let mut g = c.benchmark_group(name);
        common::quick(&mut g);
        for &n in &common::sizes() {
            if name == "full_export" && n > 100_000 {
                // No target beyond 100k, and a dense million-incident database takes most of an hour to make.
                continue;
            }
            let dense = common::dense() || name == "full_export";
            let s = Store::open(&common::db_layout(n, dense)).unwrap();
            // CONCORDAT_BENCH_EXPORT_ONCE=1: time one build and print the export's size first (a single timing
            // where criterion's samples would take too long, e.g. the full export at 100k).
            if std::env::var_os("CONCORDAT_BENCH_EXPORT_ONCE").is_some() {
                let started = std::time::Instant::now();
                let f = concordat::export::build(&s, period).unwrap();
                eprintln!(
                    "{name}/{n}: first build {:.3} s; {} incidents, {} amendments; CSV {} bytes, JSON {} bytes",
                    started.elapsed().as_secs_f64(),
                    f.counts.incidents,
                    f.counts.amendments,
                    f.csv.len(),
                    f.json.len()
                );
                drop(f);
            }
            g.bench_function(BenchmarkId::from_parameter(n), |b| {
                b.iter(|| concordat::export::build(&s, period).unwrap())
            });
        }
        g.finish();
    }
    let mut g = c.benchmark_group("quarterly_report");
    common::quick(&mut g);
    for &n in &common::sizes() {
        let s = Store::open(&common::db(n)).unwrap();
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| concordat::report::compute(&s, &quarter).unwrap())
        });
    }
    g.finish();
}

/// The latest complete week before `last_day` holding at least three of this home's incidents: a week with no
/// incidents would time the export's fixed cost only.
fn busy_week(s: &Store, last_day: chrono::NaiveDate) -> Period {
    let mut week = Period::week_of(last_day - chrono::Duration::days(7));
    let home_uid = s.home().unwrap().expect("a home").uid;
    for _ in 0..520 {
        let n: u64 = s
            .response_counts(week.start, week.end, Some(&home_uid))
            .unwrap()
            .iter()
            .map(|c| c.count)
            .sum();
        if n >= 3 {
            eprintln!("weekly export: {} ({n} of this home's incidents)", week.label);
            return week;
        }
        week = week.previous();
    }
    panic!("no week with three incidents in ten years");
}

criterion_group!(benches, export_report);
criterion_main!(benches);
