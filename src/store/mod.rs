//! The store: one SQLite file, versioned migrations, and every write through [`Store::write`], which appends
//! to the audit chain in the same transaction.

pub mod audit;
pub mod backup;
pub mod browse;
pub mod bulk;
pub mod children;
pub mod drafts;
pub mod handover;
pub mod incidents;
pub mod keys;
pub mod settings;
pub mod staff;
pub mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use audit::Actor;

/// The schema, one file per migration, in order. Never edit a released file: add the next one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("schema/001_core.sql")),
        M::up(include_str!("schema/002_exports.sql")),
        M::up(include_str!("schema/003_home_scope.sql")),
        M::up(include_str!("schema/004_police_index.sql")),
        M::up(include_str!("schema/005_signing.sql")),
    ])
}

/// The schema version this build understands.
pub fn schema_version() -> usize {
    5
}

/// A file at this schema version was made by an older concordat: opening it backs it up and updates it (0 is a
/// new, empty file, which has nothing to back up).
fn is_older(found: usize) -> bool {
    found > 0 && found < schema_version()
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "The database {path} is damaged ({detail}). It has not been changed.{}",
        backup_hint(.backup)
    )]
    Corrupt {
        path: PathBuf,
        detail: String,
        backup: Option<PathBuf>,
    },
    #[error(
        "The database {path} was made by a newer version of concordat (schema {found}; this one knows {known}). \
         It has not been changed: install the newer version."
    )]
    TooNew { path: PathBuf, found: usize, known: usize },
    #[error("The database is busy: another copy of concordat is saving. Try again in a moment.")]
    Busy,
    #[error("The disk is full: nothing was saved. Free some space and try again; your draft is kept.")]
    Full,
    #[error("You are not allowed to do that: {0}")]
    NotAllowed(String),
    #[error("{0}")]
    Invalid(String),
    #[error("Not found: {0}")]
    NotFound(String),
    #[error("Database error: {0}")]
    Sql(rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn backup_hint(b: &Option<PathBuf>) -> String {
    match b {
        Some(p) => format!(
            " The newest good backup is {}: `concordat restore {}`.",
            p.display(),
            p.display()
        ),
        None => " No backup was found.".to_string(),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return StoreError::Busy,
                ErrorCode::DiskFull => return StoreError::Full,
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    return StoreError::Corrupt {
                        path: PathBuf::new(),
                        detail: e.to_string(),
                        backup: None,
                    };
                }
                _ => {}
            }
        }
        StoreError::Sql(e)
    }
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => err.into(),
            other => StoreError::Invalid(format!("Could not update the database: {other}")),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The open database. One per process; cheap to keep open for the app's life.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// A fixed clock for tests and demo data; None means the real time.
    clock: Option<DateTime<Utc>>,
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

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(15))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl Store {
    /// Open (creating if needed) the database at `path` for the app: checked, migrated, private.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            ensure_private_dir(dir)?;
        }
        let existed = path.exists() && std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        // Check before writing anything: a damaged file is never opened for writing. The full quick_check reads
        // every page, so it runs at the first start of each day (before the daily backup copies the file) and
        // in `verify`, `backup` and `restore`; later starts the same day check the header and the schema only,
        // which keeps opening a large database fast (BENCHMARKS.md).
        if existed {
            if backup::backed_up_today(path, crate::time::now()) {
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
                path.display()
            )));
        }
        let found: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
        if found > schema_version() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known: schema_version(),
            });
        }
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
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
        })
    }

    /// Was the file at `path` made by an older version, so that opening it will back it up and update it? Read
    /// without writing; false when it cannot be read (opening it then says why).
    pub fn is_out_of_date(path: &Path) -> bool {
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
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
        })
    }

    /// Open without writing anything (for `verify`, backups and reports on a copy).
    pub fn open_readonly(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::NotFound(format!("no database at {}", path.display())));
        }
        Self::check_readable(path)?;
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| Self::locate(e.into(), path))?;
        conn.busy_timeout(Duration::from_secs(15))?;
        let found: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
        if found > schema_version() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known: schema_version(),
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
        })
    }

    /// `PRAGMA quick_check` on a read-only connection: a damaged file is reported, never written.
    fn check_readable(path: &Path) -> Result<()> {
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            detail,
            backup: backup::newest_good_backup(path),
        };
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| corrupt(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(15))?;
        let res: std::result::Result<Vec<String>, rusqlite::Error> = conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect());
        match res {
            Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
            Ok(rows) => Err(corrupt(rows.into_iter().take(3).collect::<Vec<_>>().join("; "))),
            Err(e) => match StoreError::from(e) {
                StoreError::Busy => Err(StoreError::Busy),
                other => Err(corrupt(other.to_string())),
            },
        }
    }

    /// The cheap check: the file is an SQLite database whose schema can be read.
    fn check_light(path: &Path) -> Result<()> {
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            detail,
            backup: backup::newest_good_backup(path),
        };
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| corrupt(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(15))?;
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
            Err(e) => match StoreError::from(e) {
                StoreError::Busy => Err(StoreError::Busy),
                other => Err(corrupt(other.to_string())),
            },
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

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Fix the clock (tests, demo data). Writes and deadlines use this time.
    pub fn set_clock(&mut self, t: Option<DateTime<Utc>>) {
        self.clock = t;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(crate::time::now)
    }

    /// Run `f` in one IMMEDIATE transaction: every write inside is audited as `actor`'s, and either all of
    /// it is saved or none. IMMEDIATE takes the write lock at the start, so two copies of the app queue
    /// (busy timeout) instead of failing half-way.
    pub fn write<T>(&mut self, actor: &Actor, f: impl FnOnce(&mut audit::Writer<'_>) -> Result<T>) -> Result<T> {
        let now = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = audit::Writer::new(&tx, actor, now);
        let out = f(&mut w)?;
        w.seal()?;
        drop(w);
        tx.commit()?;
        Ok(out)
    }

    /// Has the home been set up (first run done: the home and at least one account)?
    pub fn is_set_up(&self) -> Result<bool> {
        // A home imported from another PC has no staff yet: it still needs its first manager.
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM home) > 0 AND (SELECT COUNT(*) FROM staff) > 0",
            [],
            |r| r.get::<_, bool>(0),
        )?)
    }

    /// The homes this database knows, as (uid, name): this home first, then those whose files were imported,
    /// by name.
    pub fn homes(&self) -> Result<Vec<(String, String)>> {
        let mut v = Vec::new();
        if let Some(h) = self.home()? {
            v.push((h.uid, h.name));
        }
        let mut s = self
            .conn
            .prepare_cached("SELECT uid, name FROM other_homes ORDER BY name COLLATE NOCASE, uid")?;
        let others = s
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let own = v.first().map(|(u, _)| u.clone());
        for (uid, name) in others {
            // `other_homes.uid` is unique: only this home's own uid can repeat (a YOS may import its own file).
            if own.as_ref() != Some(&uid) {
                v.push((uid, name));
            }
        }
        Ok(v)
    }

    pub fn home(&self) -> Result<Option<Home>> {
        Ok(self
            .conn
            .query_row(
                "SELECT uid, name, ofsted_urn, pseudonym_secret FROM home WHERE id = 1",
                [],
                |r| {
                    Ok(Home {
                        uid: r.get(0)?,
                        name: r.get(1)?,
                        ofsted_urn: r.get(2)?,
                        pseudonym_secret: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }
}

/// The home this database belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub uid: String,
    pub name: String,
    pub ofsted_urn: String,
    pub pseudonym_secret: String,
}

/// Helper: a UTC time as stored.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    crate::time::to_db(t)
}

/// Helper: a stored UTC time (a malformed value reads as None rather than failing a whole list).
pub(crate) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    crate::time::from_db(s)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let s = Store::open(&p).unwrap();
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
    fn a_corrupt_file_is_reported_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        std::fs::write(&p, vec![0x42u8; 8192]).unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("damaged"));
        assert_eq!(std::fs::read(&p).unwrap(), vec![0x42u8; 8192]);
    }
}
