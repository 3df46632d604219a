//! Backups: automatic daily backups, one before every schema migration, and `concordat backup` / `restore`.
//!
//! Backups are made with SQLite's online backup API (a consistent copy even while the app is writing) into
//! `<db folder>/backups/`, each a single self-contained file (journal mode DELETE), readable by its owner only.
//!
//! File names: `<db stem>-<YYYYMMDD-HHMMSS UTC>-<kind>.db`, kind one of `daily`, `migration-v<N>`, `manual`,
//! `replaced` (the database that a restore replaced). Keeping: the 14 newest daily backups, and beyond those
//! the newest daily backup of each of the 8 most recent ISO weeks (England's local date); older daily backups
//! are removed. The 8 newest `migration-*` backups are kept. `manual` and `replaced` backups are never removed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Result, Store, StoreError, make_private};

/// How many daily backups are kept.
pub const KEEP_DAILY: usize = 14;
/// How many weekly backups (the newest daily backup of an ISO week, beyond the dailies) are kept.
pub const KEEP_WEEKLY: usize = 8;
/// How many backups taken before a migration are kept.
pub const KEEP_MIGRATION: usize = 8;

const STAMP: &str = "%Y%m%d-%H%M%S";

/// The backups folder beside a database: `<db folder>/backups/`.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

fn stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "concordat".into())
}

/// One backup file found in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    pub taken: DateTime<Utc>,
    pub kind: String,
}

/// The backups of this database (by file name), newest first.
pub fn list(db: &Path) -> Vec<BackupFile> {
    let prefix = format!("{}-", stem(db));
    let Ok(rd) = std::fs::read_dir(backups_dir(db)) else {
        return Vec::new();
    };
    let mut v: Vec<BackupFile> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?.strip_suffix(".db")?;
            // rest = YYYYMMDD-HHMMSS-kind
            if rest.len() < 17 || !rest.is_char_boundary(15) {
                return None;
            }
            let (stamp, kind) = rest.split_at(15);
            let kind = kind.strip_prefix('-')?;
            let taken = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
            if kind.is_empty() || !e.file_type().ok()?.is_file() {
                return None;
            }
            Some(BackupFile {
                path: e.path(),
                taken,
                kind: kind.to_string(),
            })
        })
        .collect();
    v.sort_by(|a, b| b.taken.cmp(&a.taken).then_with(|| b.path.cmp(&a.path)));
    v
}

/// A new backup file name in the backups folder (never an existing one).
fn new_name(db: &Path, now: DateTime<Utc>, kind: &str) -> PathBuf {
    let dir = backups_dir(db);
    let base = format!("{}-{}", stem(db), now.format(STAMP));
    let mut p = dir.join(format!("{base}-{kind}.db"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("{base}-{kind}{n}.db"));
        n += 1;
    }
    p
}

/// Copy the database behind `src` into a new file `dest` (which must not exist): a consistent snapshot,
/// one self-contained file, owner-only. Written to a temporary name first, then renamed.
pub fn copy_to(src: &Connection, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(StoreError::Invalid(format!(
            "{} already exists: choose another file name.",
            dest.display()
        )));
    }
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(StoreError::Invalid(format!("There is no folder {}.", dir.display())));
    }
    let tmp = dir.join(format!(
        ".{}.partial",
        dest.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let _ = std::fs::remove_file(&tmp);
    let res = (|| -> Result<()> {
        create_private(&tmp)?;
        let mut dst = Connection::open(&tmp)?;
        {
            let b = Backup::new(src, &mut dst)?;
            let mut tries = 0;
            loop {
                // All pages in one step: a consistent snapshot even if the app writes meanwhile.
                match b.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    _ => {
                        tries += 1;
                        if tries > 150 {
                            return Err(StoreError::Busy);
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            }
        }
        // A single file, whatever the source's journal mode.
        let _: String = dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        let ok: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(StoreError::Invalid(format!("The backup copy did not check out: {ok}")));
        }
        dst.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, dest)?;
        sync_dir(dir);
        Ok(())
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
        for s in ["-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&tmp, s));
        }
    }
    res
}

/// Create an empty file readable by its owner only (so a backup is never readable by others, even briefly).
fn create_private(p: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(p)?;
    make_private(p)
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    let _ = dir;
}

pub fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn ensure_backups_dir(db: &Path) -> Result<PathBuf> {
    let dir = backups_dir(db);
    super::ensure_private_dir(&dir)?;
    Ok(dir)
}

/// Take a backup before the schema is migrated. If it cannot be made, the migration does not run.
pub fn before_migration(conn: &Connection, db: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    ensure_backups_dir(db)?;
    let dest = new_name(db, crate::time::now(), &format!("migration-v{found}"));
    copy_to(conn, &dest).map_err(|e| {
        StoreError::Invalid(format!(
            "Could not back up {} before updating it, so it was not updated: {e}",
            db.display()
        ))
    })?;
    prune(db);
    Ok(())
}

/// Does this file open read-only and pass `PRAGMA quick_check`?
fn is_good(p: &Path) -> bool {
    let Ok(c) = Connection::open_with_flags(p, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
    else {
        return false;
    };
    let ok = c
        .query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
        .is_ok_and(|s| s == "ok");
    let version = c
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .unwrap_or(0);
    ok && version >= 1
}

/// The newest backup that passes an integrity check, if any.
pub fn newest_good_backup(db: &Path) -> Option<PathBuf> {
    list(db).into_iter().map(|b| b.path).find(|p| is_good(p))
}

/// Which backups the retention rule removes (given newest first).
pub fn to_remove(backups: &[BackupFile]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let daily: Vec<&BackupFile> = backups.iter().filter(|b| b.kind == "daily").collect();
    let mut weeks: Vec<(i32, u32)> = Vec::new();
    for (i, b) in daily.iter().enumerate() {
        if i < KEEP_DAILY {
            continue;
        }
        let w = crate::time::local_date(b.taken).iso_week();
        let key = (w.year(), w.week());
        // Newest first: the first one seen of a week is its newest.
        if !weeks.contains(&key) && weeks.len() < KEEP_WEEKLY {
            weeks.push(key);
        } else {
            out.push(b.path.clone());
        }
    }
    out.extend(
        backups
            .iter()
            .filter(|b| b.kind.starts_with("migration"))
            .skip(KEEP_MIGRATION)
            .map(|b| b.path.clone()),
    );
    out
}

fn prune(db: &Path) {
    for p in to_remove(&list(db)) {
        let _ = std::fs::remove_file(p);
    }
}

/// Has today's daily backup been taken (England's date)? Then the database was fully checked today.
pub fn backed_up_today(db: &Path, now: DateTime<Utc>) -> bool {
    let today = crate::time::local_date(now);
    list(db)
        .iter()
        .any(|b| b.kind == "daily" && crate::time::local_date(b.taken) == today)
}

/// The automatic backup at the first start of each day (England's date). Never stops the app from opening:
/// a problem is returned as a message (and printed), nothing more. Returns None when all is well.
pub fn daily(store: &Store) -> Option<String> {
    let db = store.path();
    if db == Path::new(":memory:") {
        return None;
    }
    let now = store.now();
    if backed_up_today(db, now) {
        return None;
    }
    let res = ensure_backups_dir(db).and_then(|_| copy_to(&store.conn, &new_name(db, now, "daily")));
    match res {
        Ok(()) => {
            prune(db);
            None
        }
        Err(e) => {
            let msg = format!("Today's backup could not be made: {e}");
            eprintln!("concordat: {msg}");
            Some(msg)
        }
    }
}

/// `concordat backup [--out FILE]`.
pub fn command(db: &Path, args: &crate::cli::BackupArgs) -> anyhow::Result<String> {
    let store = Store::open_readonly(db)?;
    let dest = match &args.out {
        Some(p) if p.as_os_str().is_empty() => anyhow::bail!("--out was given an empty path."),
        Some(p) if p.is_dir() => p.join(
            new_name(db, crate::time::now(), "manual")
                .file_name()
                .unwrap_or_default(),
        ),
        Some(p) => p.clone(),
        None => {
            ensure_backups_dir(db)?;
            new_name(db, crate::time::now(), "manual")
        }
    };
    copy_to(&store.conn, &dest)?;
    let n = store.incident_count().unwrap_or(0);
    Ok(format!(
        "Backed up {} ({n} incidents) to {}.",
        db.display(),
        dest.display()
    ))
}

/// `concordat restore FILE`: check the backup, keep the current database aside, then replace it atomically.
pub fn restore_command(db: &Path, args: &crate::cli::RestoreArgs) -> anyhow::Result<String> {
    let file = &args.file;
    if file.as_os_str().is_empty() {
        anyhow::bail!("Give the backup file to restore.");
    }
    if !file.exists() {
        anyhow::bail!("There is no file {}.", file.display());
    }
    if !file.is_file() {
        anyhow::bail!("{} is not a file.", file.display());
    }
    if db.exists()
        && let (Ok(a), Ok(b)) = (std::fs::canonicalize(db), std::fs::canonicalize(file))
        && a == b
    {
        anyhow::bail!("{} is the database itself: choose a backup file.", file.display());
    }
    // 1. The backup must be sound: readable, not from a newer version, a concordat database, chain intact.
    let checked = (|| -> anyhow::Result<i64> {
        let b = Store::open_readonly(file)?;
        let v: i64 = b.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if v < 1 {
            anyhow::bail!("it is not a concordat database");
        }
        let rep = b.verify()?;
        if !rep.is_sound() {
            anyhow::bail!("{}", rep.problems[0]);
        }
        Ok(b.incident_count()?)
    })()
    .map_err(|e| anyhow::anyhow!("{} cannot be restored: {e:#} Nothing was changed.", file.display()))?;

    // 2. A copy of the backup beside the database, ready to rename over it.
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    super::ensure_private_dir(dir)?;
    let staged = dir.join(format!(
        ".{}.restoring",
        db.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let _ = std::fs::remove_file(&staged);
    {
        let src =
            Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        copy_to(&src, &staged).map_err(|e| anyhow::anyhow!("Could not copy the backup: {e} Nothing was changed."))?;
    }

    // 3. Keep the current database aside (a consistent copy if it is readable, else the raw files).
    let mut kept = None;
    if db.exists() {
        ensure_backups_dir(db)?;
        let aside = new_name(db, crate::time::now(), "replaced");
        let consistent = (|| -> Result<()> {
            let c = Connection::open(db)?;
            c.busy_timeout(Duration::from_secs(15))?;
            let ok: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if ok != "ok" {
                return Err(StoreError::Invalid(ok));
            }
            copy_to(&c, &aside)?;
            // Everything is in the main file, so the -wal left behind holds nothing.
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })();
        if consistent.is_err() {
            let _ = std::fs::remove_file(&aside);
            std::fs::copy(db, &aside)?;
            make_private(&aside)?;
            for s in ["-wal", "-shm"] {
                let from = with_suffix(db, s);
                if from.exists() {
                    let to = with_suffix(&aside, s);
                    std::fs::copy(&from, &to)?;
                    make_private(&to)?;
                }
            }
        }
        kept = Some(aside);
    }

    // 4. The old -wal/-shm must not be replayed onto the restored file: remove them, then rename (atomic).
    for s in ["-wal", "-shm", "-journal"] {
        let p = with_suffix(db, s);
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    std::fs::rename(&staged, db)?;
    sync_dir(dir);

    // 5. Open it as the app would (migrating an older backup, with its own backup first).
    Store::open(db)?;
    Ok(match kept {
        Some(k) => format!(
            "Restored {} ({checked} incidents) from {}. The database it replaced is kept at {}.",
            db.display(),
            file.display(),
            k.display()
        ),
        None => format!(
            "Restored {} ({checked} incidents) from {}.",
            db.display(),
            file.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::staff::Setup;
    use chrono::TimeZone;

    fn setup_file(p: &Path) -> Store {
        let mut s = Store::open(p).unwrap();
        s.setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC123456",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
        s
    }

    fn bf(t: DateTime<Utc>, kind: &str) -> BackupFile {
        BackupFile {
            path: PathBuf::from(format!("{}-{kind}", t.format(STAMP))),
            taken: t,
            kind: kind.into(),
        }
    }

    #[test]
    fn retention_keeps_14_daily_and_8_weekly() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        // 120 days of daily backups, newest first.
        let mut v: Vec<BackupFile> = (0..120)
            .map(|d| bf(start + chrono::Duration::days(d), "daily"))
            .collect();
        v.extend((0..10).map(|d| bf(start + chrono::Duration::hours(d), "migration-v1")));
        v.push(bf(start, "manual"));
        v.sort_by_key(|b| std::cmp::Reverse(b.taken));
        let gone = to_remove(&v);
        let kept: Vec<&BackupFile> = v.iter().filter(|b| !gone.contains(&b.path)).collect();
        let daily: Vec<&&BackupFile> = kept.iter().filter(|b| b.kind == "daily").collect();
        assert_eq!(daily.len(), KEEP_DAILY + KEEP_WEEKLY);
        // The 14 newest days are all there.
        for d in 106..120 {
            let t = start + chrono::Duration::days(d);
            assert!(daily.iter().any(|b| b.taken == t), "day {d} kept");
        }
        // The weekly ones are in 8 distinct ISO weeks, none of them sharing a week with another weekly.
        let weekly: Vec<_> = daily[KEEP_DAILY..]
            .iter()
            .map(|b| {
                let w = crate::time::local_date(b.taken).iso_week();
                (w.year(), w.week())
            })
            .collect();
        let mut uniq = weekly.clone();
        uniq.dedup();
        assert_eq!(uniq.len(), KEEP_WEEKLY, "{weekly:?}");
        assert_eq!(
            kept.iter().filter(|b| b.kind.starts_with("migration")).count(),
            KEEP_MIGRATION
        );
        assert!(
            kept.iter().any(|b| b.kind == "manual"),
            "manual backups are never removed"
        );
    }

    #[test]
    fn daily_backup_once_a_day_private_and_good() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        let mut s = setup_file(&p);
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
        s.set_clock(Some(t));
        assert_eq!(daily(&s), None);
        assert_eq!(daily(&s), None);
        assert_eq!(list(&p).len(), 1, "one backup per day");
        s.set_clock(Some(t + chrono::Duration::days(1)));
        assert_eq!(daily(&s), None);
        let l = list(&p);
        assert_eq!(l.len(), 2);
        assert!(l.iter().all(|b| b.kind == "daily"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for b in &l {
                assert_eq!(std::fs::metadata(&b.path).unwrap().permissions().mode() & 0o777, 0o600);
            }
            let d = std::fs::metadata(backups_dir(&p)).unwrap().permissions().mode() & 0o777;
            assert_eq!(d, 0o700);
        }
        let b = Store::open_readonly(&l[0].path).unwrap();
        assert!(b.verify().unwrap().is_sound());
        assert!(b.is_set_up().unwrap());
        // Self-contained: no -wal beside it.
        assert!(!with_suffix(&l[0].path, "-wal").exists());
        assert_eq!(newest_good_backup(&p), Some(l[0].path.clone()));
    }

    #[test]
    fn daily_reports_a_failure_without_failing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        let s = setup_file(&p);
        // A file where the backups folder should be.
        std::fs::write(backups_dir(&p), b"not a folder").unwrap();
        let msg = daily(&s).expect("a problem is reported");
        assert!(msg.contains("backup could not be made"), "{msg}");
        assert!(s.is_set_up().unwrap());
    }

    #[test]
    fn a_damaged_backup_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        let mut s = setup_file(&p);
        s.set_clock(Some(Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap()));
        daily(&s);
        s.set_clock(Some(Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap()));
        daily(&s);
        let l = list(&p);
        std::fs::write(&l[0].path, vec![7u8; 4096]).unwrap();
        assert_eq!(newest_good_backup(&p), Some(l[1].path.clone()));
    }

    #[test]
    fn migration_backup_is_taken_before_an_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        drop(setup_file(&p));
        // Pretend the file is one version behind: the next open migrates, so it backs up first.
        {
            let c = Connection::open(&p).unwrap();
            c.execute_batch(
                "DROP TABLE exports; DROP INDEX incidents_home_time; DROP INDEX incidents_home_open; \
                 DROP INDEX incidents_recorded; CREATE INDEX incidents_recorded ON incidents(recorded_at); \
                 DROP INDEX incidents_updated; CREATE INDEX incidents_updated ON incidents(updated_at); \
                 DROP INDEX incidents_police_time; DROP TABLE signing_keys; DROP TABLE signing_began; \
                 ALTER TABLE audit DROP COLUMN signer; ALTER TABLE audit DROP COLUMN sig;",
            )
            .unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
        }
        assert!(
            Store::is_out_of_date(&p),
            "the app warns before it updates a large file"
        );
        let s = Store::open(&p).unwrap();
        assert!(!Store::is_out_of_date(&p));
        assert!(
            !Store::is_out_of_date(&dir.path().join("none.db")),
            "a missing file is not out of date"
        );
        let l = list(&p);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].kind, "migration-v1");
        let b = Connection::open(&l[0].path).unwrap();
        let v: i64 = b.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 1, "the backup is of the database before the migration");
        assert!(s.is_set_up().unwrap());
    }
}
