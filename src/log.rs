//! The program's own log: `concordat.log` beside the database (0600), one line per thing that went wrong, so IT
//! staff can tell what happened and when without opening the records. A line holds the time, the process, the
//! command and the kind of problem, never a message's text: messages can name a child, a member of staff or a
//! file, and free text never goes here. Rotated at 1 MiB, keeping three older files.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Rotate when the log reaches this size.
const MAX_BYTES: u64 = 1024 * 1024;
/// Older logs kept (`concordat.log.1` … `.3`).
const KEEP: u32 = 3;

/// The log beside the database `db`.
pub fn path_for(db: &Path) -> PathBuf {
    match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join("concordat.log"),
        _ => PathBuf::from("concordat.log"),
    }
}

/// The kind of a problem, from the error's type only (never its text).
pub fn kind_of(e: &anyhow::Error) -> &'static str {
    use crate::store::StoreError;
    for cause in e.chain() {
        if let Some(s) = cause.downcast_ref::<StoreError>() {
            return match s {
                StoreError::Corrupt { .. } => "database-damaged",
                StoreError::TooNew { .. } => "database-too-new",
                StoreError::Busy => "database-busy",
                StoreError::Full => "disk-full",
                StoreError::NotAllowed(_) => "not-allowed",
                StoreError::Invalid(_) => "refused",
                StoreError::NotFound(_) => "not-found",
                StoreError::Sql(_) => "database-error",
                StoreError::Io(io) if crate::fsio::is_disk_full(io) => "disk-full",
                StoreError::Io(_) => "file-error",
                StoreError::Held(_) => "database-in-use",
                StoreError::Replaced => "database-replaced",
                StoreError::Emptied { .. } => "database-emptied",
            };
        }
        if let Some(w) = cause.downcast_ref::<crate::fsio::WriteError>() {
            return match w {
                crate::fsio::WriteError::Full(_) => "disk-full",
                crate::fsio::WriteError::Io(..) => "file-error",
                _ => "file-refused",
            };
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return if crate::fsio::is_disk_full(io) {
                "disk-full"
            } else {
                "file-error"
            };
        }
    }
    "refused"
}

/// Append one line to the log beside `db`. `event` and `kind` are `'static`: words written in the program,
/// so text typed or read from a file cannot reach the log. Never fails the caller: a log that cannot be
/// written is skipped.
pub fn record(db: &Path, event: &'static str, kind: &'static str) {
    let _ = append(&path_for(db), event, kind, crate::time::now());
}

fn word(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect()
}

fn append(log: &Path, event: &str, kind: &str, at: chrono::DateTime<chrono::Utc>) -> std::io::Result<()> {
    if std::fs::metadata(log).is_ok_and(|m| m.len() >= MAX_BYTES) {
        rotate(log);
    }
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(log)?;
    writeln!(
        f,
        "{} pid={} version={} event={} problem={}",
        at.format("%Y-%m-%dT%H:%M:%SZ"),
        std::process::id(),
        env!("CARGO_PKG_VERSION"),
        word(event),
        word(kind)
    )
}

fn numbered(log: &Path, n: u32) -> PathBuf {
    let mut s = log.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

/// Drop the oldest, then move each older log up by one (each rename goes to a name just freed).
fn rotate(log: &Path) {
    let _ = std::fs::remove_file(numbered(log, KEEP));
    for n in (1..KEEP).rev() {
        let _ = std::fs::rename(numbered(log, n), numbered(log, n + 1));
    }
    let _ = std::fs::rename(log, numbered(log, 1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_holds_fixed_words_only_and_the_file_is_private() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("c.db");
        record(&db, "export", "disk-full");
        record(&db, "import", "bad word\x1b[2J");
        let text = std::fs::read_to_string(path_for(&db)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with("event=export problem=disk-full"), "{text}");
        assert!(lines[1].ends_with("event=import problem=badword2J"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(path_for(&db)).unwrap().permissions().mode() & 0o777;
            assert_eq!(m, 0o600);
        }
    }

    #[test]
    fn the_log_rotates_and_keeps_three_older_files() {
        let d = tempfile::tempdir().unwrap();
        let log = d.path().join("concordat.log");
        let at = crate::time::now();
        for round in 0..5 {
            std::fs::write(&log, vec![b'x'; MAX_BYTES as usize]).unwrap();
            append(&log, if round == 4 { "last" } else { "earlier" }, "refused", at).unwrap();
        }
        assert!(std::fs::read_to_string(&log).unwrap().contains("event=last"));
        for n in 1..=KEEP {
            assert!(numbered(&log, n).exists(), "{n}");
        }
        assert!(!numbered(&log, KEEP + 1).exists());
    }

    #[test]
    fn the_kind_comes_from_the_error_type_not_its_text() {
        let e = anyhow::Error::from(crate::store::StoreError::Full);
        assert_eq!(kind_of(&e), "disk-full");
        let e = anyhow::Error::from(crate::store::StoreError::NotAllowed("Lily Brown".into()));
        assert_eq!(kind_of(&e), "not-allowed");
        assert_eq!(kind_of(&anyhow::anyhow!("Lily Brown's file")), "refused");
    }
}
