//! Every file the program writes goes through here: written whole to a private temporary file beside its
//! destination, synced, then moved into place without ever replacing an existing file. A crash leaves either
//! the finished file or a temporary one named `.concordat-partial-…`, which [`clean_leftovers`] removes at the
//! next start.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The start of every temporary file's name, so leftovers can be found and removed.
pub const PARTIAL_PREFIX: &str = ".concordat-partial-";

/// How old a leftover must be before another process removes it (a slower writer may still be using a newer
/// one; on Linux a leftover whose writer has gone is removed at once).
const LEFTOVER_AGE: Duration = Duration::from_secs(15 * 60);

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0} already exists: nothing was written over it. Choose another name.")]
    Exists(String),
    #[error("{0} is the database or part of it: nothing was written.")]
    Database(String),
    #[error("{0} is in the backups folder: nothing was written.")]
    Backups(String),
    #[error("{0} is a folder: give a file name.")]
    Folder(String),
    #[error("Cannot write {0}: the folder {1} does not exist.")]
    NoFolder(String, String),
    #[error("No file name was given.")]
    Empty,
    #[error("The disk is full: {0} was not written, and nothing else was changed.")]
    Full(String),
    #[error("Cannot write {0}: {1}")]
    Io(String, std::io::Error),
}

/// A path as shown in a message: cleaned of anything a terminal would act on.
pub fn shown(p: &Path) -> String {
    crate::text::display(&p.display().to_string())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The same file, as far as can be told without it existing: the canonical folder joined with the name.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let dir = folder_of(path).canonicalize().ok()?;
    Some(dir.join(path.file_name()?))
}

/// `p` with `suffix` appended to its file name (`db` → `db-wal`, `db.lock`).
pub fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The backups folder beside a database: `<db folder>/backups/`.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// Check that `path` may be written as a new file next to the database `db`: it does not exist, it is not
/// the database, its `-wal`/`-shm`/`-journal`, nor anything under the backups folder, and its folder exists.
pub fn check_new(path: &Path, db: Option<&Path>) -> Result<(), WriteError> {
    if path.as_os_str().is_empty() {
        return Err(WriteError::Empty);
    }
    let name = shown(path);
    if path.is_dir() {
        return Err(WriteError::Folder(name));
    }
    if let Some(db) = db {
        let target = resolved(path);
        for s in ["", "-wal", "-shm", "-journal"] {
            let part = with_suffix(db, s);
            if target.is_some() && resolved(&part) == target {
                return Err(WriteError::Database(name));
            }
        }
        let backups = backups_dir(db);
        if let (Some(t), Ok(b)) = (&target, backups.canonicalize())
            && t.starts_with(&b)
        {
            return Err(WriteError::Backups(name));
        }
    }
    // A dangling symbolic link counts as existing: following it would write somewhere else.
    if path.symlink_metadata().is_ok() {
        return Err(WriteError::Exists(name));
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(WriteError::NoFolder(name, shown(&dir)));
    }
    Ok(())
}

fn io_error(path: &Path, e: std::io::Error) -> WriteError {
    if is_disk_full(&e) {
        WriteError::Full(shown(path))
    } else if e.kind() == std::io::ErrorKind::AlreadyExists {
        WriteError::Exists(shown(path))
    } else {
        WriteError::Io(shown(path), e)
    }
}

/// Is this the error of a full disk (or a quota)?
pub fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// A private temporary file in `dir`, named so that [`clean_leftovers`] finds it if the process dies.
pub fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!("{PARTIAL_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// Move a finished temporary file to `path`, never over an existing file, and sync the folder.
pub fn persist_new(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), WriteError> {
    tmp.as_file().sync_all().map_err(|e| io_error(path, e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {}
        Err(e) if no_link_support(&e.error, path) => {
            // A file system with neither no-replace renames nor hard links (FAT, some network shares): a plain
            // rename, having just checked that nothing is there.
            let tmp = e.file;
            if path.symlink_metadata().is_ok() {
                return Err(WriteError::Exists(shown(path)));
            }
            tmp.persist(path).map_err(|e| io_error(path, e.error))?;
        }
        Err(e) => return Err(io_error(path, e.error)),
    }
    sync_dir(&folder_of(path));
    Ok(())
}

/// Write `bytes` to the new file `path` (0600 on unix): all of it or nothing, never over an existing file.
/// `db` is the database, which (with its parts and its backups) is refused as a destination.
pub fn write_new(path: &Path, bytes: &[u8], db: Option<&Path>) -> Result<(), WriteError> {
    check_new(path, db)?;
    let dir = folder_of(path);
    let mut tmp = temp_in(&dir).map_err(|e| io_error(path, e))?;
    tmp.write_all(bytes).map_err(|e| io_error(path, e))?;
    persist_new(tmp, path)
}

/// A private temporary folder in `dir` (0700 on unix), named `{PARTIAL_PREFIX}{pid}-{tag}` so that leftovers
/// can be found. Files written into it are moved into place with [`move_new`].
pub fn temp_dir_in(dir: &Path, tag: &str) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("{PARTIAL_PREFIX}{}-{tag}", std::process::id()));
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(&path)?;
    sync_dir(dir);
    Ok(path)
}

/// Move the file `from` to `to` in one step, never over an existing file (on Linux an atomic rename that
/// refuses an existing name; elsewhere a hard link then removal), and sync the destination folder.
pub fn move_new(from: &Path, to: &Path) -> Result<(), WriteError> {
    let mut p = tempfile::TempPath::try_from_path(from).map_err(|e| io_error(to, e))?;
    // Never remove the source on failure: it is the only copy.
    p.disable_cleanup(true);
    match p.persist_noclobber(to) {
        Ok(()) => {}
        Err(e) if no_link_support(&e.error, to) => {
            // As in [`persist_new`]: a plain rename, having just checked that nothing is there.
            if to.symlink_metadata().is_ok() {
                return Err(WriteError::Exists(shown(to)));
            }
            std::fs::rename(from, to).map_err(|e| io_error(to, e))?;
        }
        Err(e) => return Err(io_error(to, e.error)),
    }
    sync_dir(&folder_of(to));
    Ok(())
}

/// The no-replace move failed only because the file system cannot link (not because the name is taken).
fn no_link_support(e: &std::io::Error, to: &Path) -> bool {
    e.kind() != std::io::ErrorKind::AlreadyExists
        && !is_disk_full(e)
        && matches!(e.raw_os_error(), Some(1 | 22 | 38 | 95))
        && to.symlink_metadata().is_err()
}

/// Has the writer of this leftover gone (or has it been left long enough that it surely has)?
pub fn abandoned(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = path
        .symlink_metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= LEFTOVER_AGE);
    old || writer_gone(&name)
}

/// A temporary folder whose name holds this tag is a recorded set (the weekly export): only its owner, who can
/// read the ledger, may finish or remove it (the export's recovery). [`clean_leftovers`] keeps it.
pub const SET_TAG: &str = "-set-";

/// Write `bytes` to `path`, or when a file of that name exists to the first free `NAME-2.EXT`, `NAME-3.EXT`, …
/// beside it: never over an existing file. Returns the path written. For default names the user did not choose.
pub fn write_new_numbered(path: &Path, bytes: &[u8], db: Option<&Path>) -> Result<PathBuf, WriteError> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = path.to_path_buf();
    for n in 2..=1000 {
        match write_new(&candidate, bytes, db) {
            Err(WriteError::Exists(_)) => candidate = path.with_file_name(format!("{stem}-{n}{ext}")),
            other => return other.map(|()| candidate),
        }
    }
    Err(WriteError::Exists(shown(path)))
}

/// A private folder (0700 on unix) at `dir`, created with its parents when missing. An existing folder is kept
/// and made private; a file or a link in its place is refused (nothing is written through a link).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_dir() => {}
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} is not a folder", shown(dir)),
            ));
        }
        Err(_) => {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir)?;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Create the new file `path` readable and writable by its owner only (0600 on unix, set as it is created, so
/// it is never readable by others, even briefly); an error if anything is already there (never replaced).
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Make the folder's new entries durable (a rename is only safe once the folder is synced).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    let _ = dir;
}

/// The process that wrote a leftover, from its name.
fn writer_pid(name: &str) -> Option<u32> {
    name.strip_prefix(PARTIAL_PREFIX)?.split('-').next()?.parse().ok()
}

fn writer_gone(name: &str) -> bool {
    match writer_pid(name) {
        Some(pid) if pid == std::process::id() => false,
        #[cfg(target_os = "linux")]
        Some(pid) => !Path::new(&format!("/proc/{pid}")).exists(),
        _ => false,
    }
}

/// Remove the temporary files and folders that a killed write left in `dir` (not inside its other
/// subfolders). Folders of a recorded set ([`SET_TAG`]) are left to their owner. Returns how many.
pub fn clean_leftovers(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(PARTIAL_PREFIX) || !abandoned(&e.path()) {
            continue;
        }
        // Never follow a link: a leftover is a plain file or a plain folder.
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let removed = if is_dir {
            !name.contains(SET_TAG) && std::fs::remove_dir_all(e.path()).is_ok()
        } else {
            std::fs::remove_file(e.path()).is_ok()
        };
        if removed {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_whole_and_private() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.txt");
        write_new(&p, b"hello", None).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let e = write_new(&p, b"again", None).unwrap_err();
        assert!(matches!(e, WriteError::Exists(_)), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"hello", "the first file is untouched");
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn a_private_file_is_created_owner_only_and_never_over_another() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("note");
        {
            use std::io::Write;
            let mut f = create_private(&p).unwrap();
            f.write_all(b"first").unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let e = create_private(&p).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read(&p).unwrap(),
            b"first",
            "the file already there is untouched"
        );
    }

    #[test]
    fn a_default_name_that_exists_gets_the_next_number() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("incident-5.txt");
        std::fs::write(&p, b"first").unwrap();
        std::fs::write(d.path().join("incident-5-2.txt"), b"second").unwrap();
        let got = write_new_numbered(&p, b"third", None).unwrap();
        assert_eq!(got, d.path().join("incident-5-3.txt"));
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        assert_eq!(std::fs::read(&got).unwrap(), b"third");
    }

    #[test]
    fn a_move_never_replaces_a_file() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        std::fs::write(&a, b"new").unwrap();
        std::fs::write(&b, b"old").unwrap();
        assert!(matches!(move_new(&a, &b), Err(WriteError::Exists(_))));
        assert_eq!(
            std::fs::read(&a).unwrap(),
            b"new",
            "the source is kept when the move is refused"
        );
        assert_eq!(std::fs::read(&b).unwrap(), b"old");
        let c = d.path().join("c");
        move_new(&a, &c).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read(&c).unwrap(), b"new");
    }

    #[test]
    fn the_database_its_parts_and_its_backups_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("c.db");
        std::fs::write(&db, b"x").unwrap();
        std::fs::create_dir(backups_dir(&db)).unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        for (p, want) in [
            (db.clone(), "database"),
            (d.path().join("c.db-wal"), "database"),
            (d.path().join("c.db-shm"), "database"),
            (d.path().join("sub/../c.db"), "database"),
            (backups_dir(&db).join("new.db"), "backups"),
        ] {
            let e = check_new(&p, Some(&db)).unwrap_err();
            assert!(e.to_string().contains(want), "{}: {e}", p.display());
        }
        check_new(&d.path().join("other.txt"), Some(&db)).unwrap();
    }

    #[test]
    fn leftovers_of_a_dead_writer_are_removed_and_others_kept() {
        let d = tempfile::tempdir().unwrap();
        let ours = temp_in(d.path()).unwrap();
        std::fs::write(d.path().join("keep.txt"), b"x").unwrap();
        // A pid that cannot be running (above the kernel's pid_max).
        std::fs::write(d.path().join(format!("{PARTIAL_PREFIX}4294967-abc.tmp")), b"x").unwrap();
        let removed = clean_leftovers(d.path());
        if cfg!(target_os = "linux") {
            assert_eq!(removed, 1);
        }
        assert!(ours.path().exists(), "a live writer's file is kept");
        assert!(d.path().join("keep.txt").exists());
        // Folders too: a dead writer's is removed with what it holds, a recorded set's is left to its owner.
        let dead = d.path().join(format!("{PARTIAL_PREFIX}4294967-backup"));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("copy.db"), b"x").unwrap();
        let set = d.path().join(format!("{PARTIAL_PREFIX}4294967{SET_TAG}abc"));
        std::fs::create_dir(&set).unwrap();
        let live = temp_dir_in(d.path(), "mine").unwrap();
        let removed = clean_leftovers(d.path());
        if cfg!(target_os = "linux") {
            assert_eq!(removed, 1);
            assert!(!dead.exists());
        }
        assert!(set.exists() && live.exists());
        assert!(d.path().join("keep.txt").exists());
    }
}
