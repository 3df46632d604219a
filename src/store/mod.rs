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
mod open;
pub mod report_rows;
pub mod settings;
mod signer;
pub mod staff;
pub mod sync_rows;
#[cfg(test)]
pub(crate) mod testing_report;
pub mod verify;
pub mod yos_history;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use audit::Actor;
pub use open::{default_config_dir, default_db_path, ensure_private_dir, make_private};

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
    opened: Option<open::Identity>,
}

impl Store {
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

    /// Every file in `schema/` is in the list, once, in the order of their names; the list's length is the schema
    /// version.
    #[test]
    fn the_schema_version_is_the_length_of_the_list_of_every_migration_file() {
        assert_eq!(schema_version(), MIGRATIONS.len());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/schema");
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        paths.sort();
        let files: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
        let listed: Vec<String> = MIGRATIONS.iter().map(|s| s.to_string()).collect();
        assert!(
            files == listed,
            "MIGRATIONS must list every file in schema/, once, in the order of their names"
        );
    }
}
