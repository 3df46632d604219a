//! Saving one incident with synchronous=FULL, as staff do at 2 a.m., against the floor: the same row written
//! through the plain SQLite C API (rusqlite, a prepared INSERT in its own transaction, synchronous=FULL, WAL),
//! without the audit chain. Both on a copy of the demo database, so the cached one is never changed.

mod common;

use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, params};

use concordat::store::Store;

fn scratch(n: u32) -> PathBuf {
    let src = common::db(n);
    let dir = common::cache_dir().join("scratch");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("save-{n}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    std::fs::copy(&src, &p).unwrap();
    p
}

fn remove(p: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

fn save(c: &mut Criterion) {
    let mut g = c.benchmark_group("save_incident_full");
    common::quick(&mut g);
    for &n in &common::sizes() {
        let p = scratch(n);
        let mut s = Store::open(&p).unwrap();
        let m = s.list_staff(false).unwrap()[0].clone();
        // Signed, as every save in the app is (the demo passphrase unlocks the key).
        let actor = s.signer_for(m.id, concordat::demo::PASSPHRASE).unwrap();
        let mut rec = s.incident(1).unwrap().record;
        rec.uid = String::new();
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| s.save_incident(&actor, rec.clone(), None).unwrap())
        });
        drop(s);
        remove(&p);
    }
    g.finish();

    // The floor: one equivalent row (the same columns and values, the same indexes), no audit.
    let mut g = c.benchmark_group("sqlite_insert_full");
    common::quick(&mut g);
    for &n in &common::sizes() {
        let p = scratch(n);
        let conn = Connection::open(&p).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        // The same indexes as the incidents table has, read from the schema so they stay the same.
        let indexes: Vec<String> = conn
            .prepare(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents' AND sql IS NOT NULL",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|s| {
                s.unwrap()
                    .replacen("INDEX ", "INDEX floor_", 1)
                    .replace(" ON incidents", " ON floor")
            })
            .collect();
        assert!(indexes.len() >= 8, "{indexes:?}");
        conn.execute_batch(&format!(
            "CREATE TABLE floor AS SELECT * FROM incidents WHERE 0;
             CREATE UNIQUE INDEX floor_uid ON floor(uid);
             {};",
            indexes.join(";\n")
        ))
        .unwrap();
        let row: Vec<rusqlite::types::Value> = conn
            .query_row(
                "SELECT home_uid, child_id, occurred_at, recorded_at, recorded_by, recorded_by_id, status, response, \
                 categories, police_ref, summary, open_actions, updated_at, record, current FROM incidents WHERE id = 1",
                [],
                |r| (0..15).map(|i| r.get(i)).collect(),
            )
            .unwrap();
        let mut k = 0u64;
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                k += 1;
                let tx = conn.unchecked_transaction().unwrap();
                tx.prepare_cached(
                    "INSERT INTO floor (uid, home_uid, child_id, occurred_at, recorded_at, recorded_by, \
                     recorded_by_id, status, response, categories, police_ref, summary, open_actions, updated_at, \
                     record, current) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .unwrap()
                .execute(params![
                    format!("floor-{k}"),
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    row[5],
                    row[6],
                    row[7],
                    row[8],
                    row[9],
                    row[10],
                    row[11],
                    row[12],
                    row[13],
                    row[14]
                ])
                .unwrap();
                tx.commit().unwrap();
            })
        });
        drop(conn);
        remove(&p);
    }
    g.finish();
}

criterion_group!(benches, save);
criterion_main!(benches);
