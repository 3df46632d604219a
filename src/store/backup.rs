//! Backups (issue 7 fills this in): automatic daily backups, before every migration, and by command.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::Result;

/// The backups folder beside a database: `<db folder>/backups/`.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// Take a backup before the schema is migrated.
pub fn before_migration(_conn: &Connection, _db: &Path) -> Result<()> {
    Ok(())
}

/// The newest backup that passes an integrity check, if any.
pub fn newest_good_backup(_db: &Path) -> Option<PathBuf> {
    None
}

pub fn command(_db: &Path, _args: &crate::cli::BackupArgs) -> anyhow::Result<String> {
    anyhow::bail!("backups are not available yet")
}

pub fn restore_command(_db: &Path, _args: &crate::cli::RestoreArgs) -> anyhow::Result<String> {
    anyhow::bail!("restore is not available yet")
}

/// The automatic backup at the first start of each day (issue 7). Never stops the app from opening.
pub fn daily(_store: &super::Store) {}
