//! Who holds the database. The running app holds a shared OS lock on `<db>.lock` for its whole run; commands
//! that replace or fill the whole file (`restore`, `import`, `demo` into an existing file) take it exclusively
//! and refuse while any copy of the app has it. The decision is the operating system's lock only; a small
//! private note per app (`<db>.lock.<pid>`: who is signed in, since when) lets the refusal say which copy.
//!
//! The lock file itself is never removed (removing it would let two processes lock two different files).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Result, StoreError};

/// The lock file beside the database.
pub fn lock_path(db: &Path) -> PathBuf {
    crate::fsio::with_suffix(db, ".lock")
}

fn note_path(db: &Path, pid: u32) -> PathBuf {
    crate::fsio::with_suffix(db, &format!(".lock.{pid}"))
}

fn open_lock(db: &Path) -> Result<File> {
    if let Some(dir) = db.parent() {
        super::ensure_private_dir(dir)?;
    }
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    Ok(o.open(lock_path(db))?)
}

/// The app's hold on the database: kept until dropped (the end of the run). While it lives, `exclusive`
/// refuses.
pub struct AppHold {
    _file: File,
    note: PathBuf,
    since: String,
}

impl AppHold {
    /// Say in the holder note who is signed in now (None: nobody, the sign-in screen is showing). Best effort:
    /// the note only explains a refusal, it never decides one.
    pub fn signed_in(&self, who: Option<&str>) {
        let who = who
            .map(crate::text::display)
            .unwrap_or_else(|| "nobody signed in".into());
        let text = format!(
            "concordat is open (process {}) since {}: {who}.\n",
            std::process::id(),
            self.since
        );
        let tmp = crate::fsio::with_suffix(&self.note, ".new");
        let ok = (|| -> std::io::Result<()> {
            let mut o = OpenOptions::new();
            o.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let mut f = o.open(&tmp)?;
            f.write_all(text.as_bytes())?;
            // The note is this process's own file: replacing it replaces nothing anyone else wrote.
            std::fs::rename(&tmp, &self.note)
        })();
        if ok.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

impl Drop for AppHold {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.note);
    }
}

/// Hold the database for the app's whole run (a shared lock: several copies of the app may run at once).
/// Refused while a restore, import or demo holds it exclusively.
pub fn hold_app(db: &Path) -> Result<AppHold> {
    let file = open_lock(db)?;
    match file.try_lock_shared() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(StoreError::Held(format!(
                "{} is being replaced or filled by another command (a restore, an import or demo data). \
                 Nothing was opened: wait until it has finished, then start concordat again.",
                crate::fsio::shown(db)
            )));
        }
        Err(TryLockError::Error(e)) => return Err(e.into()),
    }
    remove_stale_notes(db);
    let hold = AppHold {
        _file: file,
        note: note_path(db, std::process::id()),
        since: crate::time::show(crate::time::now()),
    };
    hold.signed_in(None);
    Ok(hold)
}

/// A command's sole hold on the database, kept until dropped.
pub struct Exclusive {
    _file: File,
}

/// Take the database for `what` (e.g. "restore"): refused, saying which copies of the app have it open,
/// while any copy of the app is running on it.
pub fn exclusive(db: &Path, what: &str) -> Result<Exclusive> {
    let file = open_lock(db)?;
    match file.try_lock() {
        Ok(()) => Ok(Exclusive { _file: file }),
        Err(TryLockError::WouldBlock) => {
            let who = holders(db);
            let who = if who.is_empty() {
                "another copy of concordat has it open.".to_string()
            } else {
                who.join(" ")
            };
            Err(StoreError::Held(format!(
                "Cannot {what} while concordat is open on {}: {who} Nothing was changed. Close concordat \
                 (on every screen that has it open), then run the command again.",
                crate::fsio::shown(db),
                what = crate::text::display(what),
            )))
        }
        Err(TryLockError::Error(e)) => Err(e.into()),
    }
}

/// The notes of this database's holders: (pid, path).
fn notes(db: &Path) -> Vec<(u32, PathBuf)> {
    let Some(name) = lock_path(db).file_name().map(|n| format!("{}.", n.to_string_lossy())) else {
        return Vec::new();
    };
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let pid = n.strip_prefix(&name)?;
            if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((pid.parse().ok()?, e.path()))
        })
        .collect()
}

/// A copy of the app that was killed leaves its note: remove the notes of processes that are gone (Linux;
/// elsewhere they stay, and only ever explain a refusal the OS lock made).
fn remove_stale_notes(db: &Path) {
    #[cfg(target_os = "linux")]
    for (pid, path) in notes(db) {
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(path);
        }
    }
    let _ = db;
}

/// What the notes of the running copies say (cleaned for display). Only explains; never decides.
fn holders(db: &Path) -> Vec<String> {
    let mut v: Vec<String> = notes(db)
        .into_iter()
        .filter_map(|(_, p)| std::fs::read(p).ok())
        .map(|b| {
            let t = String::from_utf8_lossy(&b[..b.len().min(300)]).into_owned();
            crate::text::display(t.trim())
        })
        .filter(|t| !t.is_empty())
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_hold_refuses_an_exclusive_command_and_names_the_holder() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("c.db");
        let hold = hold_app(&db).unwrap();
        // Two copies of the app may run at once (here in one process: they share its note).
        let second = hold_app(&db).unwrap();
        hold.signed_in(Some("Pat Manager"));
        let e = exclusive(&db, "restore").err().expect("refused while the app is open");
        let msg = e.to_string();
        assert!(msg.contains("Cannot restore while concordat is open"), "{msg}");
        assert!(msg.contains("Pat Manager"), "{msg}");
        assert!(msg.contains(&format!("process {}", std::process::id())), "{msg}");
        drop(hold);
        drop(second);
        let ex = exclusive(&db, "restore").unwrap();
        // And the app does not start while a restore runs.
        let e = hold_app(&db).err().expect("refused while a restore runs");
        assert!(e.to_string().contains("being replaced"), "{e}");
        drop(ex);
        drop(hold_app(&db).unwrap());
        // The notes go with their holders.
        let left: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, vec!["c.db.lock".to_string()], "{left:?}");
    }

    #[test]
    fn a_note_without_a_lock_decides_nothing() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("c.db");
        let forged = note_path(&db, 4_294_967);
        std::fs::write(&forged, "concordat is open: forged").unwrap();
        drop(exclusive(&db, "restore").unwrap());
        // The note of a process that is gone is removed when the app next starts.
        drop(hold_app(&db).unwrap());
        if cfg!(target_os = "linux") {
            assert!(!forged.exists());
        }
    }
}
