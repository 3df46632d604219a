//! Opening the database: the checks before anything is written (damage, a newer schema, a file emptied where a
//! home was kept), the migrations, WAL and private permissions, and which file was opened.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{QUICK_OPEN_DAYS, Result, Store, StoreError, backup, is_older, migrations, schema_version, sql_detail};

/// Which file is at a path: device and inode on unix; on Windows the creation time (and volume-independent
/// size is no use: it changes with every write), which a file renamed over the path does not share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

fn file_id(p: &Path) -> Option<FileId> {
    let m = std::fs::metadata(p).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId(m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::MetadataExt;
        Some(FileId(m.creation_time(), 0))
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = m;
        Some(FileId(0, 0))
    }
}

/// The database file and its `-wal` as opened.
#[derive(Debug, Clone, Copy)]
pub(super) struct Identity {
    db: FileId,
    wal: Option<FileId>,
    /// The folder's "a home is kept here" marker is known to be written.
    pub(super) marked: bool,
}

impl Identity {
    fn of(path: &Path) -> Option<Identity> {
        Some(Identity {
            db: file_id(path)?,
            wal: file_id(&backup::with_suffix(path, "-wal")),
            marked: false,
        })
    }

    /// Still the same files? The `-wal` SQLite made must still be there: while this connection is open SQLite
    /// never removes it, so a missing or different one means another program did.
    pub(super) fn still(&self, path: &Path) -> bool {
        file_id(path) == Some(self.db)
            && (self.wal.is_none() || file_id(&backup::with_suffix(path, "-wal")) == self.wal)
    }
}

/// Where the database lives when no `--db` is given: the platform's local data folder.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("uk.org", "concordat", "concordat").map(|d| d.data_local_dir().join("concordat.db"))
}

/// Where an area's own protocol file may be put to replace the default.
pub fn default_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("uk.org", "concordat", "concordat").map(|d| d.config_dir().to_path_buf())
}

/// Create the data folder (0700 on unix) if needed.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    if !dir.as_os_str().is_empty() && !dir.exists() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Make a file readable by its owner only (0600 on unix; no-op elsewhere).
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let _ = path;
    Ok(())
}

/// Flags of a connection that never writes.
const READ_ONLY: OpenFlags = OpenFlags::SQLITE_OPEN_READ_ONLY.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

/// How long a connection waits for another copy of concordat that is saving.
const BUSY_WAIT: Duration = Duration::from_secs(15);

/// A connection to the file at `path` that never writes (checks, `verify`, reports on a copy).
fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, READ_ONLY)?;
    conn.busy_timeout(BUSY_WAIT)?;
    Ok(conn)
}

/// The schema version of the file: one newer than this build knows is refused (and the file left alone).
fn known_version(conn: &Connection, path: &Path) -> Result<usize> {
    let found: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if found > schema_version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: schema_version(),
        });
    }
    Ok(found)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_WAIT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl Store {
    /// Open (creating if needed) the database at `path` for the app: checked, migrated, private.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_checked(path, chrono::Duration::zero())
    }

    /// Open for the weekly export and sync (CLI and scheduled task): as [`Store::open`], but the full
    /// `quick_check`, which reads every page of the file (1.2 s on a 1.4 GB database, growing with history),
    /// is skipped when a verified daily backup was taken in the last [`QUICK_OPEN_DAYS`] days.
    ///
    /// Why this is safe: that daily backup is taken only after a full check and a verification of the audit
    /// chain (`backup::daily_checked`), so the whole file was found sound within the week; the light check
    /// still reads the header, the schema and the newest audit row; SQLite checks every page an export does
    /// read and stops with "damaged" on a bad one, and a set appears whole or not at all; the export's own
    /// rows go through the audit chain, which the YOS checks against the manifest's anchor. Without a recent
    /// verified backup the full check runs as before. `concordat verify` remains the full check.
    pub fn open_for_export(path: &Path) -> Result<Store> {
        Self::open_checked(path, chrono::Duration::days(QUICK_OPEN_DAYS))
    }

    fn open_checked(path: &Path, checked_within: chrono::Duration) -> Result<Store> {
        if let Some(dir) = path.parent() {
            ensure_private_dir(dir)?;
        }
        // Temporary files of a backup, restore or export killed half-way (their writer is gone).
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        crate::fsio::clean_leftovers(&dir);
        crate::fsio::clean_leftovers(&backup::backups_dir(path));
        let existed = path.exists() && std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        // An empty or missing file where a home was kept is a loss, not a new install.
        if !existed && backup::home_was_kept(path) {
            return Err(StoreError::Emptied {
                path: path.to_path_buf(),
                what: if path.exists() { "empty (0 bytes)" } else { "missing" },
                backup: backup::newest_good_backup(path),
            });
        }
        // Check before writing anything: a damaged file is never opened for writing. The full quick_check reads
        // every page, so it runs at the first start of each day (before the daily backup copies the file) and
        // in `verify`, `backup` and `restore`; later starts the same day check the header and the schema only,
        // which keeps opening a large database fast (BENCHMARKS.md).
        if existed {
            if backup::backed_up_today(path, crate::time::now())
                || backup::checked_within(path, crate::time::now(), checked_within)
            {
                Self::check_light(path)?;
            } else {
                Self::check_readable(path)?;
            }
        }
        let mut conn = Connection::open(path).map_err(|e| Self::locate(e.into(), path))?;
        configure(&conn)?;
        make_private(path)?;
        let wal: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|e| Self::locate(e.into(), path))?;
        if !wal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Invalid(format!(
                "Could not switch {} to WAL mode ({wal}).",
                crate::fsio::shown(path)
            )));
        }
        let found = known_version(&conn, path)?;
        if existed && is_older(found) {
            backup::before_migration(&conn, path)?;
        }
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| Self::locate(e.into(), path))?;
        for suffix in ["-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            make_private(Path::new(&p))?;
        }
        // A read makes SQLite open the -wal (creating it if needed): from now on it stays while we are open.
        conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
        let mut opened = Identity::of(path);
        if let Some(id) = opened.as_mut()
            && conn
                .query_row("SELECT COUNT(*) FROM home", [], |r| r.get::<_, i64>(0))
                .is_ok_and(|n| n > 0)
        {
            backup::mark_home_kept(path);
            id.marked = true;
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
            opened,
        })
    }

    /// Was the file at `path` made by an older version, so that opening it will back it up and update it? Read
    /// without writing; false when it cannot be read (opening it then says why).
    pub fn is_out_of_date(path: &Path) -> bool {
        Connection::open_with_flags(path, READ_ONLY)
            .and_then(|c| c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)))
            .is_ok_and(|v| is_older(v as usize))
    }

    /// An in-memory database for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn,
            path: PathBuf::from(":memory:"),
            clock: None,
            opened: None,
        })
    }

    /// Open without writing anything (for `verify`, backups and reports on a copy).
    pub fn open_readonly(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::NotFound(format!("no database at {}", path.display())));
        }
        Self::check_readable(path)?;
        let conn = read_only(path).map_err(|e| Self::locate(e.into(), path))?;
        known_version(&conn, path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
            opened: None,
        })
    }

    /// `PRAGMA quick_check` on a read-only connection: a damaged file is reported, never written.
    fn check_readable(path: &Path) -> Result<()> {
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            detail,
            backup: backup::newest_good_backup(path),
        };
        let conn = read_only(path).map_err(|e| Self::checked(e, path))?;
        let res: std::result::Result<Vec<String>, rusqlite::Error> = conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect());
        match res {
            Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
            Ok(rows) => Err(corrupt(rows.into_iter().take(3).collect::<Vec<_>>().join("; "))),
            Err(e) => Err(Self::checked(e, path)),
        }
    }

    /// A failed check as one plain message: busy and full are themselves; anything else is damage, its
    /// detail SQLite's own words (never another message wrapped inside this one).
    fn checked(e: rusqlite::Error, path: &Path) -> StoreError {
        match StoreError::from(e) {
            StoreError::Busy => StoreError::Busy,
            StoreError::Full => StoreError::Full,
            StoreError::Corrupt { detail, .. } => Self::locate(
                StoreError::Corrupt {
                    path: PathBuf::new(),
                    detail,
                    backup: None,
                },
                path,
            ),
            StoreError::Sql(e) => Self::locate(
                StoreError::Corrupt {
                    path: PathBuf::new(),
                    detail: sql_detail(&e),
                    backup: None,
                },
                path,
            ),
            other => other,
        }
    }

    /// The cheap check: the file is an SQLite database whose schema can be read.
    fn check_light(path: &Path) -> Result<()> {
        let conn = read_only(path).map_err(|e| Self::checked(e, path))?;
        let res = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .and_then(|_| {
                conn.query_row(
                    "SELECT COUNT(*) FROM audit WHERE id = (SELECT MAX(id) FROM audit)",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            });
        match res {
            Ok(_) => Ok(()),
            // A database not set up yet has no audit table: that is not damage.
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("no such table") => Ok(()),
            Err(e) => Err(Self::checked(e, path)),
        }
    }

    fn locate(e: StoreError, path: &Path) -> StoreError {
        match e {
            StoreError::Corrupt { detail, .. } => StoreError::Corrupt {
                path: path.to_path_buf(),
                detail,
                backup: backup::newest_good_backup(path),
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::staff;

    #[test]
    fn opens_creates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("c.db");
        {
            let s = Store::open(&p).unwrap();
            assert!(!s.is_set_up().unwrap());
            let mode: String = s.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
            assert_eq!(mode, "wal");
            let sync: i64 = s.conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
            assert_eq!(sync, 2, "synchronous=FULL");
            let fk: i64 = s.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
            assert_eq!(fk, 1);
        }
        Store::open(&p).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(m, 0o600);
            let d = std::fs::metadata(p.parent().unwrap()).unwrap().permissions().mode() & 0o777;
            assert_eq!(d, 0o700);
        }
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        drop(Store::open(&p).unwrap());
        {
            let c = Connection::open(&p).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let before = std::fs::read(&p).unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(matches!(e, StoreError::TooNew { found: 99, .. }), "{e}");
        assert!(e.to_string().contains("newer version"));
        assert_eq!(std::fs::read(&p).unwrap(), before);
    }

    #[test]
    fn a_damaged_file_is_caught_even_after_todays_full_check() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        {
            let mut s = Store::open(&p).unwrap();
            s.setup(&staff::Setup {
                home_name: "Oak House",
                ofsted_urn: "SC123456",
                manager_name: "Pat Manager",
                passphrase: "correct horse",
            })
            .unwrap();
            assert!(backup::daily(&s).is_none());
        }
        assert!(backup::backed_up_today(&p, crate::time::now()));
        Store::open(&p).unwrap();
        std::fs::write(&p, vec![0x42u8; 8192]).unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(matches!(e, StoreError::Corrupt { backup: Some(_), .. }), "{e}");
        assert!(e.to_string().contains("concordat restore"), "{e}");
    }

    #[test]
    fn a_check_that_fails_says_one_thing_once() {
        use rusqlite::ffi;
        let p = Path::new("/data/home.db");
        let fail = |code: i32| rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(format!("code {code}")));
        // A full disk is a full disk, never damage.
        let e = Store::checked(fail(ffi::SQLITE_FULL), p);
        assert!(matches!(e, StoreError::Full), "{e}");
        assert!(!e.to_string().contains("damaged"), "{e}");
        let e = StoreError::from(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(matches!(e, StoreError::Full), "{e}");
        assert!(matches!(Store::checked(fail(ffi::SQLITE_BUSY), p), StoreError::Busy));
        // Damage is named once, with SQLite's words once.
        for code in [ffi::SQLITE_NOTADB, ffi::SQLITE_CORRUPT, ffi::SQLITE_IOERR] {
            let msg = Store::checked(fail(code), p).to_string();
            assert_eq!(msg.matches("damaged").count(), 1, "{msg}");
            assert_eq!(msg.matches(&format!("code {code}")).count(), 1, "{msg}");
            assert!(msg.starts_with("The database /data/home.db is damaged (code"), "{msg}");
        }
        // Without a path: no double space.
        let e = StoreError::from(fail(ffi::SQLITE_CORRUPT));
        assert!(e.to_string().starts_with("The database is damaged (code"), "{e}");
    }

    #[test]
    fn a_corrupt_file_is_reported_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        std::fs::write(&p, vec![0x42u8; 8192]).unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
        let msg = e.to_string();
        assert_eq!(msg.matches("damaged").count(), 1, "not nested: {msg}");
        assert!(!msg.contains("  "), "{msg}");
        assert_eq!(std::fs::read(&p).unwrap(), vec![0x42u8; 8192]);
    }
}
