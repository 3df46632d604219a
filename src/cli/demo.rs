//! `concordat --db PATH demo …`: made-up records into a new file. Never the real database: `--db` is
//! required, and the default database path and any file that already holds something are refused.

use std::path::Path;

use clap::Args;

use crate::fsio::shown;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many homes: this PC's home and others whose files a YOS imported. Children and incidents are
    /// shared between them.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub homes: u32,
    /// How many children (current and past), at least one per home.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub children: u32,
    /// How many incidents.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(0..=5_000_000))]
    pub incidents: u32,
    /// Seed: the same seed gives the same database.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Is `db` the default database (the real one on this PC), however it is spelled?
fn is_default_db(db: &Path) -> bool {
    let Some(default) = crate::store::default_db_path() else {
        return false;
    };
    let resolve = |p: &Path| {
        p.canonicalize().ok().or_else(|| {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(dir.canonicalize().ok()?.join(p.file_name()?))
        })
    };
    db == default || matches!((resolve(db), resolve(&default)), (Some(a), Some(b)) if a == b)
}

pub fn run(db: Option<&Path>, args: &DemoArgs) -> anyhow::Result<String> {
    let Some(db) = db else {
        return Err(super::usage(
            "demo needs --db PATH, a new file for the made-up records (it never writes into the real database), \
             e.g. concordat --db /tmp/demo.db demo.",
        ));
    };
    if db.as_os_str().is_empty() {
        return Err(super::usage("--db was given an empty path."));
    }
    if is_default_db(db) {
        anyhow::bail!(
            "{} is this PC's real database: demo data is only written into a new file. Give another --db path.",
            shown(db)
        );
    }
    if db.symlink_metadata().is_ok() {
        anyhow::bail!(
            "{} already exists: demo data is only written into a new file. Nothing was changed. Give another --db path.",
            shown(db)
        );
    }
    let started = std::time::Instant::now();
    let mut store = Store::open(db)?;
    let sum = crate::demo::generate_homes(&mut store, args.homes, args.children, args.incidents, args.seed)?;
    drop(store);
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "{}: demo data written in {:.1} s ({:.0} MB). {}",
        shown(db),
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6,
        sum.line()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_existing_file_and_a_missing_db() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.db");
        let args = DemoArgs {
            homes: 1,
            children: 3,
            incidents: 20,
            seed: 1,
        };
        let msg = run(Some(&p), &args).unwrap();
        assert!(msg.contains("20 incidents"), "{msg}");
        let before = std::fs::read(&p).unwrap();
        let e = run(Some(&p), &args).unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), before);
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        assert!(run(Some(&empty), &args).is_err());
        assert_eq!(std::fs::read(&empty).unwrap(), b"");
        let e = run(None, &args).unwrap_err();
        assert!(e.downcast_ref::<super::super::UsageError>().is_some());
        if let Some(d) = crate::store::default_db_path() {
            assert!(is_default_db(&d));
            let e = run(Some(&d), &args).unwrap_err().to_string();
            assert!(e.contains("real database"), "{e}");
        }
    }
}
