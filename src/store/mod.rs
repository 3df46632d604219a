//! The store: one SQLite file, versioned migrations, and every write through [`Store::write`], which appends
//! to the audit chain in the same transaction.

pub mod audit;
pub mod backup;
pub mod browse;
pub mod bulk;
pub mod children;
pub mod court;
pub mod demo_rows;
pub mod drafts;
pub mod export_count;
pub mod exports;
pub mod handover;
pub mod import_rows;
pub mod incidents;
mod inspect;
pub mod keys;
pub mod lock;
pub mod report_rows;
pub mod settings;
pub mod staff;
pub mod sync_rows;
#[cfg(test)]
pub(crate) mod testing_report;
pub mod verify;
pub mod yos_history;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use audit::Actor;

/// The schema, one file per migration, in order. Never edit a released file: add the next one. The schema
/// version is the length of this list.
const MIGRATIONS: &[&str] = &[
    include_str!("schema/001_core.sql"),
    include_str!("schema/002_exports.sql"),
    include_str!("schema/003_home_scope.sql"),
    include_str!("schema/004_police_index.sql"),
    include_str!("schema/005_signing.sql"),
    include_str!("schema/006_accounts.sql"),
    include_str!("schema/007_handover_ack.sql"),
    include_str!("schema/008_must_change.sql"),
    include_str!("schema/009_drafts_takeover.sql"),
    include_str!("schema/010_figures_child_facts.sql"),
    include_str!("schema/011_received_sets_yos.sql"),
    include_str!("schema/012_sync_home.sql"),
    include_str!("schema/013_court.sql"),
    include_str!("schema/014_history.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// How recent a verified daily backup lets [`Store::open_for_export`] skip the full check: a week, the
/// weekly file's own rhythm.
pub const QUICK_OPEN_DAYS: i64 = 7;

/// The schema version this build understands.
pub fn schema_version() -> usize {
    MIGRATIONS.len()
}

/// A file at this schema version was made by an older concordat: opening it backs it up and updates it (0 is a
/// new, empty file, which has nothing to back up).
fn is_older(found: usize) -> bool {
    found > 0 && found < schema_version()
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "The database{} is damaged ({detail}). It has not been changed.{}",
        named(.path),
        backup_hint(.backup)
    )]
    Corrupt {
        path: PathBuf,
        detail: String,
        backup: Option<PathBuf>,
    },
    #[error(
        "The database{} was made by a newer version of concordat (schema {found}; this one knows {known}). \
         It has not been changed: install the newer version.",
        named(.path)
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
    /// The file at the path is no longer the one this process opened (replaced, restored over, its `-wal`
    /// removed): writing now would save into a file nobody will read.
    #[error(
        "The database file was replaced or changed by another program while concordat was open: nothing was \
         saved, your draft is kept. Close concordat and start it again."
    )]
    Replaced,
    /// Another process holds the database (the app, or a restore/import/demo): the message says which.
    #[error("{0}")]
    Held(String),
    /// The database is empty or missing where a home was kept: never taken for a new install.
    #[error(
        "The database{} is {what}, but this folder has held a home's records before: it was not set up \
         again, and nothing was changed.{} (Only to start a new home here on purpose: move the backups folder \
         beside it somewhere safe first.)",
        named(.path),
        backup_hint(.backup)
    )]
    Emptied {
        path: PathBuf,
        what: &'static str,
        backup: Option<PathBuf>,
    },
    #[error("{}", io_text(.0))]
    Io(std::io::Error),
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if crate::fsio::is_disk_full(&e) {
            StoreError::Full
        } else {
            StoreError::Io(e)
        }
    }
}

fn named(p: &Path) -> String {
    if p.as_os_str().is_empty() {
        String::new()
    } else {
        format!(" {}", crate::fsio::shown(p))
    }
}

fn io_text(e: &std::io::Error) -> String {
    format!("Could not read or write a file: {e}.")
}

fn backup_hint(b: &Option<PathBuf>) -> String {
    match b {
        Some(p) => format!(
            " The newest good backup (it checks out) is {}: `concordat restore {}`.",
            crate::fsio::shown(p),
            crate::fsio::shown(p)
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
                        detail: sql_detail(&e),
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

/// SQLite's own words for an error, once (rusqlite's Display can repeat the code and the message).
fn sql_detail(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::SqliteFailure(f, None) => f.to_string(),
        other => other.to_string(),
    }
}

/// The open database. One per process; cheap to keep open for the app's life.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// A fixed clock for tests and demo data; None means the real time.
    clock: Option<DateTime<Utc>>,
    /// The file (and its `-wal`) this connection opened, checked before every write (None: in memory or
    /// read-only).
    opened: Option<Identity>,
}

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
struct Identity {
    db: FileId,
    wal: Option<FileId>,
    /// The folder's "a home is kept here" marker is known to be written.
    marked: bool,
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
    fn still(&self, path: &Path) -> bool {
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

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(15))?;
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
            opened: None,
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
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| Self::checked(e, path))?;
        conn.busy_timeout(Duration::from_secs(15))?;
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
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| Self::checked(e, path))?;
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

    pub fn path(&self) -> &Path {
        &self.path
    }

    #[cfg(test)] // unit tests only: the rest goes through the store's methods (tests/: store/inspect.rs)
    pub(crate) fn connection(&self) -> &Connection {
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
        self.check_still_opened()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = audit::Writer::new(&tx, actor, now);
        let out = f(&mut w)?;
        w.seal()?;
        drop(w);
        tx.commit()?;
        // The first write of a home (its set-up, an import) marks the folder: from now on an emptied or
        // missing database here is a loss, never a new install.
        if let Some(id) = self.opened.as_mut()
            && !id.marked
        {
            backup::mark_home_kept(&self.path);
            id.marked = true;
        }
        Ok(out)
    }

    /// Is the file at the path still the one opened, with its `-wal`? Otherwise [`StoreError::Replaced`].
    pub fn check_still_opened(&self) -> Result<()> {
        match &self.opened {
            Some(id) if !id.still(&self.path) => Err(StoreError::Replaced),
            _ => Ok(()),
        }
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
    /// Each home's Ofsted URN by uid (this home and the homes imported), for telling apart homes of one name.
    pub fn home_urns(&self) -> Result<std::collections::HashMap<String, String>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT uid, ofsted_urn FROM home UNION ALL SELECT uid, ofsted_urn FROM other_homes")?;
        let v = s
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut m = std::collections::HashMap::new();
        for (uid, urn) in v {
            // This home's own row comes first and wins.
            m.entry(uid).or_insert(urn);
        }
        Ok(m)
    }

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

    /// Correct the home's name and Ofsted URN (managers only; the same checks as at set-up), audited.
    pub fn update_home(&mut self, actor: &Actor, name: &str, ofsted_urn: &str) -> Result<()> {
        actor.require_manager("change the home's details")?;
        let name = crate::text::clean_line(name, 100).trim().to_string();
        if name.is_empty() {
            return Err(StoreError::Invalid("Enter the name of the home.".into()));
        }
        let urn = crate::text::clean_line(ofsted_urn, 20).trim().to_string();
        if !urn.is_empty() && !urn.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::Invalid(
                "An Ofsted URN is letters and digits only, e.g. SC123456.".into(),
            ));
        }
        if self.home()?.is_none() {
            return Err(StoreError::Invalid("This home is not set up yet.".into()));
        }
        self.write(actor, |w| {
            w.update(
                "home",
                1,
                "update",
                "UPDATE home SET name = ?1, ofsted_urn = ?2 WHERE id = 1",
                rusqlite::params![name, urn],
            )
        })
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
    fn the_migrations_are_valid_and_every_table_is_audited() {
        migrations().validate().unwrap();
        let s = Store::open_in_memory().unwrap();
        let v: i64 = s.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v as usize, schema_version());
        // `audit` itself and the marker of where signing began hold no records of their own.
        let mut q = s
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT IN ('audit', 'signing_began') ORDER BY name",
            )
            .unwrap();
        let tables: Vec<String> = q.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        for t in &tables {
            assert!(
                audit::AUDITED.contains(&t.as_str()),
                "table {t} is not in audit::AUDITED"
            );
        }
        assert_eq!(tables.len(), audit::AUDITED.len(), "{tables:?}");
    }

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
