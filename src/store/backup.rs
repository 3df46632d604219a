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

pub use crate::fsio::{backups_dir, with_suffix};

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
pub fn new_name(db: &Path, now: DateTime<Utc>, kind: &str) -> PathBuf {
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
/// one self-contained file, owner-only. Written to a temporary name first (`fsio::PARTIAL_PREFIX`, so a
/// killed copy is cleaned at the next start), then moved into place, never over an existing file. With
/// `verify`, the copy must also pass the full check and the audit chain (`Store::verify`) or it is not kept:
/// the error is then [`StoreError::Corrupt`] with the first problem.
pub fn copy_to(src: &Connection, dest: &Path, verify: bool) -> Result<()> {
    if dest.symlink_metadata().is_ok() {
        return Err(StoreError::Invalid(format!(
            "{} already exists: nothing was written over it. Choose another file name.",
            crate::fsio::shown(dest)
        )));
    }
    let dir = folder(dest);
    if !dir.is_dir() {
        return Err(StoreError::Invalid(format!(
            "There is no folder {}.",
            crate::fsio::shown(&dir)
        )));
    }
    let tmp = copy_to_temp(src, &dir, verify)?;
    crate::fsio::persist_new(tmp, dest).map_err(|e| match e {
        crate::fsio::WriteError::Full(_) => StoreError::Full,
        other => StoreError::Invalid(other.to_string()),
    })?;
    if verify {
        note_verified(dest);
    }
    Ok(())
}

fn folder(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The copy itself, into a private temporary file in `dir` (removed, with any SQLite companion, on failure).
fn copy_to_temp(src: &Connection, dir: &Path, verify: bool) -> Result<tempfile::NamedTempFile> {
    let tmp = crate::fsio::temp_in(dir)?;
    let path = tmp.path().to_path_buf();
    let res = (|| -> Result<()> {
        make_private(&path)?;
        let mut dst = Connection::open(&path)?;
        {
            let b = Backup::new(src, &mut dst)?;
            crate::progress::report("copying the records", 0, 1);
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
        crate::progress::report("copying the records", 1, 1);
        // A single file, whatever the source's journal mode.
        let _: String = dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        if !verify {
            let ok: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if ok != "ok" {
                return Err(StoreError::Corrupt {
                    path: PathBuf::new(),
                    detail: ok,
                    backup: None,
                });
            }
        }
        dst.close().map_err(|(_, e)| e)?;
        if verify && let Err(problem) = verified(&path) {
            return Err(StoreError::Corrupt {
                path: PathBuf::new(),
                detail: problem,
                backup: None,
            });
        }
        Ok(())
    })();
    match res {
        Ok(()) => Ok(tmp),
        Err(e) => {
            drop(tmp);
            for s in ["-journal", "-wal", "-shm"] {
                let _ = std::fs::remove_file(with_suffix(&path, s));
            }
            Err(e)
        }
    }
}

/// Is the file at `p` a whole concordat database of a home that passes the full check and its audit chain?
/// Err says what is wrong, in plain words.
fn verified(p: &Path) -> std::result::Result<(), String> {
    let empty = std::fs::metadata(p).map(|m| m.len() == 0).unwrap_or(true);
    if empty {
        return Err("the file is empty".into());
    }
    let conn = Connection::open_with_flags(p, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| super::sql_detail(&e))?;
    let _ = conn.busy_timeout(Duration::from_secs(15));
    let version = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(|e| super::sql_detail(&e))?;
    if version < 1 {
        return Err("it is not a concordat database".into());
    }
    if version as usize > super::schema_version() {
        return Err("it was made by a newer version of concordat".into());
    }
    let store = Store {
        conn,
        path: p.to_path_buf(),
        clock: None,
        opened: None,
    };
    if !store.home().is_ok_and(|h| h.is_some()) {
        return Err("it holds no home's records".into());
    }
    let rep = store.verify().map_err(|e| e.to_string())?;
    match rep.problems.first() {
        None => Ok(()),
        Some(p) => Err(p.clone()),
    }
}

/// The note beside a backup that says it verified, for its size and time: `<backup>.verified`.
fn note_path(b: &Path) -> PathBuf {
    with_suffix(b, ".verified")
}

fn stamp_of(b: &Path) -> Option<String> {
    let m = std::fs::metadata(b).ok()?;
    let t = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("verified size={} mtime={}", m.len(), t.as_nanos()))
}

/// Record that `b` verified as it is now (best effort: without the note it is checked again when listed).
fn note_verified(b: &Path) {
    if let Some(stamp) = stamp_of(b) {
        let note = note_path(b);
        // The note is a cache of a check, not a record: a stale one is replaced.
        let _ = std::fs::remove_file(&note);
        if let Ok(mut f) = crate::fsio::create_private(&note) {
            use std::io::Write;
            let _ = f.write_all(stamp.as_bytes());
        }
    }
}

/// Does the backup `b` verify (from its note when the file has not changed since; else checked now)?
pub fn is_verified(b: &Path) -> bool {
    let Some(stamp) = stamp_of(b) else {
        return false;
    };
    if std::fs::read_to_string(note_path(b)).is_ok_and(|n| n == stamp) {
        return true;
    }
    if verified(b).is_ok() {
        note_verified(b);
        true
    } else {
        false
    }
}

/// The marker, in the backups folder, that this data folder has held a home: `.<db stem>.home`.
fn home_marker(db: &Path) -> PathBuf {
    backups_dir(db).join(format!(".{}.home", stem(db)))
}

/// Note that a home is kept in `db`, so that an empty or missing file there is never taken for a new install.
pub fn mark_home_kept(db: &Path) {
    let m = home_marker(db);
    if m.exists() || ensure_backups_dir(db).is_err() {
        return;
    }
    if crate::fsio::create_private(&m).is_ok() {
        let _ = make_private(&m);
    }
}

/// Has this data folder held a home in `db` (the marker, or any backup of it)?
pub fn home_was_kept(db: &Path) -> bool {
    home_marker(db).exists() || !list(db).is_empty()
}

pub fn ensure_backups_dir(db: &Path) -> Result<PathBuf> {
    let dir = backups_dir(db);
    super::ensure_private_dir(&dir)?;
    Ok(dir)
}

/// Take a backup before the schema is migrated. If it cannot be made, the migration does not run.
pub fn before_migration(conn: &Connection, db: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    ensure_backups_dir(db)?;
    let dest = new_name(db, crate::time::now(), &format!("migration-v{found}"));
    // An older schema is checked (quick_check) but not verified: this build's verify reads today's schema.
    copy_to(conn, &dest, false).map_err(|e| {
        StoreError::Invalid(format!(
            "Could not back up {} before updating it, so it was not updated: {e}",
            crate::fsio::shown(db)
        ))
    })?;
    prune(db);
    Ok(())
}

/// The newest backup that verifies (integrity and audit chain; cached beside it), if any. An empty file, one
/// that is not a home's, or one that does not verify is never offered.
pub fn newest_good_backup(db: &Path) -> Option<PathBuf> {
    list(db).into_iter().map(|b| b.path).find(|p| is_verified(p))
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
        if std::fs::remove_file(&p).is_ok() {
            let _ = std::fs::remove_file(note_path(&p));
        }
    }
}

/// Has today's daily backup been taken (England's date)? Then the database was fully checked today.
pub fn backed_up_today(db: &Path, now: DateTime<Utc>) -> bool {
    let today = crate::time::local_date(now);
    list(db)
        .iter()
        .any(|b| b.kind == "daily" && crate::time::local_date(b.taken) == today)
}

/// Was a verified daily backup (a full check of the file and its audit chain) taken within `within` of `now`?
/// A zero span is never enough.
pub fn checked_within(db: &Path, now: DateTime<Utc>, within: chrono::Duration) -> bool {
    within > chrono::Duration::zero()
        && list(db)
            .iter()
            .any(|b| b.kind == "daily" && b.taken <= now && now - b.taken <= within)
}

/// The automatic backup at the first start of each day (England's date). Never stops the app from opening:
/// a problem is returned as a message (and printed), nothing more. Returns None when all is well. The app
/// itself calls [`daily_checked`], which refuses a database that does not verify.
pub fn daily(store: &Store) -> Option<String> {
    match daily_checked(store) {
        Ok(m) => m,
        Err(e) => {
            let msg = e.to_string();
            eprintln!("concordat: {msg}");
            Some(msg)
        }
    }
}

/// The first start of each day: the backup is a verified copy (full check and audit chain), so a database
/// whose records do not match their audit trail is never copied into the backups. Err (damage: the message
/// names the newest backup that verifies) when the database does not verify; Ok(Some(message)) when the
/// backup could not be made for another reason (a full disk, a missing folder), which does not stop the app.
pub fn daily_checked(store: &Store) -> Result<Option<String>> {
    let db = store.path();
    if db == Path::new(":memory:") {
        return Ok(None);
    }
    let now = store.now();
    if backed_up_today(db, now) {
        return Ok(None);
    }
    // Nothing to keep yet: an empty database is never taken as a backup.
    if !store.home().is_ok_and(|h| h.is_some()) {
        return Ok(None);
    }
    let res = ensure_backups_dir(db).and_then(|_| copy_to(&store.conn, &new_name(db, now, "daily"), true));
    match res {
        Ok(()) => {
            prune(db);
            Ok(None)
        }
        Err(StoreError::Corrupt { detail, .. }) => Err(StoreError::Corrupt {
            path: db.to_path_buf(),
            detail: format!(
                "today's check found: {detail}. Today's backup was not taken, so the damage is not copied into \
                 the backups; `concordat verify` lists the problems"
            ),
            backup: newest_good_backup(db),
        }),
        Err(e) => {
            let msg = format!("Today's backup could not be made: {e}");
            eprintln!("concordat: {msg}");
            Ok(Some(msg))
        }
    }
}

/// A verified copy of the database: to `out` (a new file, or a new name in a folder), else a new name in the
/// backups folder. `out` must not exist and must not be the database, its parts or in the backups folder.
pub fn backup_to(db: &Path, out: Option<&Path>) -> Result<String> {
    let store = Store::open_readonly(db)?;
    let dest = match out {
        Some(p) if p.is_dir() => p.join(
            new_name(db, crate::time::now(), "manual")
                .file_name()
                .unwrap_or_default(),
        ),
        Some(p) => p.to_path_buf(),
        None => {
            ensure_backups_dir(db)?;
            new_name(db, crate::time::now(), "manual")
        }
    };
    if out.is_some() {
        crate::fsio::check_new(&dest, Some(db)).map_err(|e| match e {
            crate::fsio::WriteError::Full(_) => StoreError::Full,
            other => StoreError::Invalid(other.to_string()),
        })?;
    }
    copy_to(&store.conn, &dest, true).map_err(|e| match e {
        StoreError::Corrupt { detail, .. } => StoreError::Invalid(format!(
            "{} does not check out ({detail}), so no backup was made: a backup of it could not be restored. \
             Nothing was changed; `concordat verify` lists the problems.",
            crate::fsio::shown(db)
        )),
        other => other,
    })?;
    let n = store.incident_count().unwrap_or(0);
    Ok(format!(
        "Backed up {} ({n} incidents) to {}.",
        crate::fsio::shown(db),
        crate::fsio::shown(&dest)
    ))
}

/// The checks a restore makes before it changes anything, for a caller that must not write (a sign-in is
/// recorded) until it knows the restore can go ahead: the paths, that no copy of the app holds the database,
/// and that the backup verifies.
pub fn check_restorable(db: &Path, file: &Path) -> anyhow::Result<()> {
    check_paths(db, file)?;
    drop(super::lock::exclusive(db, "restore")?);
    if let Err(problem) = verified(file) {
        anyhow::bail!(
            "{} cannot be restored: {problem}. Nothing was changed.",
            crate::fsio::shown(file)
        );
    }
    Ok(())
}

fn check_paths(db: &Path, file: &Path) -> anyhow::Result<()> {
    let shown = crate::fsio::shown(file);
    if file.as_os_str().is_empty() {
        anyhow::bail!("Give the backup file to restore.");
    }
    if !file.exists() {
        anyhow::bail!("There is no file {shown}.");
    }
    if !file.is_file() {
        anyhow::bail!("{shown} is not a file.");
    }
    if db.exists()
        && let (Ok(a), Ok(b)) = (std::fs::canonicalize(db), std::fs::canonicalize(file))
        && a == b
    {
        anyhow::bail!("{shown} is the database itself: choose a backup file.");
    }
    Ok(())
}

/// Restore `file` over the database: refused while any copy of the app has it open; the backup must verify;
/// the current database is kept aside, then replaced atomically.
pub fn restore(db: &Path, file: &Path) -> anyhow::Result<String> {
    let shown = crate::fsio::shown(file);
    check_paths(db, file)?;
    // 0. Nobody may be writing to the file being replaced.
    let _held = super::lock::exclusive(db, "restore")?;
    // 1. The backup must be sound: a concordat database of a home, not from a newer version, chain intact.
    if let Err(problem) = verified(file) {
        anyhow::bail!("{shown} cannot be restored: {problem}. Nothing was changed.");
    }
    let checked = Store::open_readonly(file)
        .and_then(|b| b.incident_count())
        .map_err(|e| anyhow::anyhow!("{shown} cannot be restored: {e} Nothing was changed."))?;

    // 2. A copy of the backup beside the database, ready to rename over it (a PARTIAL_PREFIX temporary).
    let dir = folder(db);
    super::ensure_private_dir(&dir)?;
    let staged = {
        let src =
            Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        copy_to_temp(&src, &dir, false)
            .map_err(|e| anyhow::anyhow!("Could not copy the backup: {e} Nothing was changed."))?
    };
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
            copy_to(&c, &aside, false)?;
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
    staged.as_file().sync_all()?;
    // The one deliberate replacement: the database it replaces was kept aside above.
    staged.persist(db).map_err(|e| e.error)?;
    crate::fsio::sync_dir(&dir);

    // 5. Open it as the app would (migrating an older backup, with its own backup first).
    Store::open(db)?;
    Ok(match kept {
        Some(k) => format!(
            "Restored {} ({checked} incidents) from {}. The database it replaced is kept at {}.",
            crate::fsio::shown(db),
            shown,
            crate::fsio::shown(&k)
        ),
        None => format!(
            "Restored {} ({checked} incidents) from {}.",
            crate::fsio::shown(db),
            shown
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
    fn a_verified_daily_backup_of_the_last_week_lets_the_export_skip_the_full_read() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let mut s = setup_file(&db);
        let taken = crate::time::now() - chrono::Duration::days(3);
        s.set_clock(Some(taken));
        // The first start of that day: a full check and the audit chain, then the copy.
        assert_eq!(daily_checked(&s).unwrap(), None);
        drop(s);
        let now = crate::time::now();
        assert!(!backed_up_today(&db, now));
        assert!(checked_within(
            &db,
            now,
            chrono::Duration::days(super::super::QUICK_OPEN_DAYS)
        ));
        assert!(!checked_within(&db, now, chrono::Duration::days(2)));
        assert!(
            !checked_within(&db, now, chrono::Duration::zero()),
            "the app's own open always checks"
        );
        // A backup taken by hand (not verified as the daily one is) does not count.
        let other = tempfile::tempdir().unwrap();
        let db2 = other.path().join("c.db");
        drop(setup_file(&db2));
        assert!(!checked_within(&db2, now, chrono::Duration::days(7)));
        // The export's open works on it.
        let s = Store::open_for_export(&db).unwrap();
        assert!(s.home().unwrap().is_some());
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
        // A file where the backups folder should be (set-up made the folder, for its marker).
        let _ = std::fs::remove_dir_all(backups_dir(&p));
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
                "DROP TABLE yos_history; DROP TABLE court_entries; DROP TABLE export_receipts; DROP TABLE exports; DROP INDEX incidents_home_time; DROP INDEX incidents_home_open; \
                 DROP INDEX incidents_recorded; CREATE INDEX incidents_recorded ON incidents(recorded_at); \
                 DROP INDEX incidents_updated; CREATE INDEX incidents_updated ON incidents(updated_at); \
                 DROP INDEX incidents_police_time; DROP TABLE staff_recovery; DROP TABLE handover_seen; DROP TABLE staff_must_change; DROP TABLE signing_keys; DROP TABLE draft_takeovers; DROP TABLE child_facts; DROP TABLE received_sets; DROP TABLE home_anchors; \
                 DROP TABLE signing_began; ALTER TABLE audit DROP COLUMN signer; ALTER TABLE audit DROP COLUMN sig;",
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
