//! Writing a set whole or not at all: the hidden folder, the ledger row, the move into place, and recovery.

use super::*;

pub(super) fn manifest(
    g: &Generated,
    period: &Period,
    uid: &str,
    version: u32,
    at: DateTime<Utc>,
    by: &str,
) -> anyhow::Result<Vec<u8>> {
    let names = file_names(&g.home.ofsted_urn, &g.home.name, period, version);
    let doc = json!({
        "format": "concordat-export-manifest",
        "version": FORMAT_VERSION,
        "export_uid": uid,
        "export_version": version,
        "home": home_json(&g.home),
        "period": period_json(period),
        "generated_at": crate::time::to_db(at),
        "generated_by": by,
        "app_version": env!("CARGO_PKG_VERSION"),
        "protocols": g.protocols,
        "counts": g.counts,
        "disclosure": g.rules.to_json(),
        "audit_anchor": g.anchor,
        "files": [
            {"name": names[0], "bytes": g.csv.bytes, "sha256": g.csv.sha256},
            {"name": names[1], "bytes": g.json.bytes, "sha256": g.json.sha256},
        ],
    });
    let mut v = serde_json::to_vec_pretty(&doc)?;
    v.push(b'\n');
    Ok(v)
}
/// Check the folder before anything is written: it exists, is a folder, and is not read-only.
pub fn check_folder(dir: &Path) -> anyhow::Result<()> {
    if dir.as_os_str().is_empty() {
        anyhow::bail!("No export folder: give --out DIR or set the export folder in Settings. Nothing was written.");
    }
    let m = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "The export folder {} does not exist (is the share connected?). Nothing was written.",
            dir.display()
        ),
        _ => anyhow::anyhow!(
            "The export folder {} cannot be read ({e}). Nothing was written.",
            dir.display()
        ),
    })?;
    if !m.is_dir() {
        anyhow::bail!("{} is not a folder. Nothing was written.", dir.display());
    }
    if m.permissions().readonly() {
        anyhow::bail!("The export folder {} is read-only. Nothing was written.", dir.display());
    }
    Ok(())
}

/// The moments of an export at which a test stops it, as a power cut or a kill would.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The CSV and JSON are written (and synced) in the hidden folder; nothing is recorded.
    Generated,
    /// Inside the ledger's transaction: the three files are in the hidden folder under their final names.
    Staged,
    /// The ledger row is committed; no file is in place yet.
    Recorded,
    /// The n-th file (0 CSV, 1 JSON, 2 manifest) has been moved into place.
    Placed(usize),
}

/// The hidden folder an export is written into before it is recorded: `.concordat-partial-PID-set-UID`.
/// Only [`recover_unfinished`] (which reads the ledger) finishes or removes it.
pub(super) struct Staging {
    pub(super) path: PathBuf,
    /// Once the ledger row is committed, the folder belongs to the ledger: it is finished, never removed.
    pub(super) keep: bool,
}

impl Staging {
    pub(super) fn create(dir: &Path, uid: &str) -> std::io::Result<Staging> {
        let path = crate::fsio::temp_dir_in(dir, &format!("set-{uid}"))?;
        Ok(Staging { path, keep: false })
    }

    /// A new private file in the folder.
    pub(super) fn file(&self, name: &str) -> std::io::Result<std::fs::File> {
        crate::fsio::create_private(&self.path.join(name))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
            if let Some(dir) = self.path.parent() {
                crate::fsio::sync_dir(dir);
            }
        }
    }
}

/// The uid of the export a hidden folder holds, from its name.
pub(super) fn staged_uid(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(crate::fsio::PARTIAL_PREFIX)?;
    let (pid, uid) = rest.split_once(crate::fsio::SET_TAG)?;
    pid.parse::<u32>().ok()?;
    Some(uid).filter(|u| !u.is_empty())
}

/// Write an export of `period` into `dir` (managers only) and record it in the ledger. A re-export of the
/// same period is a new version; nothing is ever overwritten.
///
/// The set appears whole or not at all, and every set that appears is in the ledger: the three files are
/// written and synced in a hidden folder inside `dir`; the ledger row is committed; only then are they moved
/// into place (never over a file), the manifest last. If the ledger cannot be written (a full disk, a busy
/// database) the hidden folder is removed and nothing appears. A set recorded but not all moved (the power
/// went) is finished by [`recover_unfinished`], which runs at the start of the app and of every export.
pub fn write(store: &mut Store, actor: &Actor, period: &Period, dir: &Path) -> anyhow::Result<ExportResult> {
    write_hooked(store, actor, period, dir, &mut |_| Ok(()))
}

pub(super) fn not_written(dir: &Path, e: impl std::fmt::Display) -> String {
    format!(
        "Could not write the export to {} ({e}). Nothing was written.",
        crate::fsio::shown(dir)
    )
}

/// [`write`], with `hook` called at each [`Stage`] (tests stop the export there).
#[doc(hidden)]
pub fn write_hooked(
    store: &mut Store,
    actor: &Actor,
    period: &Period,
    dir: &Path,
    hook: &mut dyn FnMut(Stage) -> std::io::Result<()>,
) -> anyhow::Result<ExportResult> {
    actor.require_manager("send the weekly file to the YOS")?;
    store.require_home("send a weekly file: it reads the homes' sets")?;
    check_folder(dir)?;
    // Finish (or clear away) what an earlier export left when it was stopped, before choosing a version.
    let mut recovered = recover_unfinished(store);
    recovered.extend(recover_in(store, dir));
    recovered.dedup();
    let uid = crate::domain::new_uid();
    let mut staging = Staging::create(dir, &uid).map_err(|e| anyhow::anyhow!(not_written(dir, e)))?;
    // The CSV and the JSON are written one record at a time: a ten-year export is never held in memory.
    let (csv_f, json_f) = staging
        .file("export.csv")
        .and_then(|c| Ok((c, staging.file("export.json")?)))
        .map_err(|e| anyhow::anyhow!(not_written(dir, e)))?;
    let (csv_f, json_f, built) = generate(store, period, csv_f, json_f).map_err(|e| {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            anyhow::anyhow!(not_written(dir, io))
        } else {
            e
        }
    })?;
    csv_f
        .sync_all()
        .and_then(|_| json_f.sync_all())
        .and_then(|_| hook(Stage::Generated))
        .map_err(|e| anyhow::anyhow!(not_written(dir, e)))?;
    drop((csv_f, json_f));
    let res = store.write(actor, |w| {
        let mut version = w.next_export_version(period.start, period.end)?;
        // A file of that name left by hand (or another PC) is never replaced: take the next free version.
        while file_names(&built.home.ofsted_urn, &built.home.name, period, version)
            .iter()
            .any(|n| dir.join(n).symlink_metadata().is_ok())
        {
            version += 1;
        }
        let names = file_names(&built.home.ofsted_urn, &built.home.name, period, version);
        let manifest = manifest(&built, period, &uid, version, w.now, &actor.name)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        // The hidden folder holds the set under its final names before the ledger row is written, so that
        // finishing it later needs nothing but the row.
        (|| -> std::io::Result<()> {
            std::fs::rename(staging.path.join("export.csv"), staging.path.join(&names[0]))?;
            std::fs::rename(staging.path.join("export.json"), staging.path.join(&names[1]))?;
            let mut f = staging.file(&names[2])?;
            f.write_all(&manifest)?;
            f.sync_all()?;
            crate::fsio::sync_dir(&staging.path);
            hook(Stage::Staged)
        })()
        .map_err(|e| StoreError::Invalid(not_written(dir, e)))?;
        let files_json = json!([
            {"name": names[0], "sha256": built.csv.sha256},
            {"name": names[1], "sha256": built.json.sha256},
            {"name": names[2], "sha256": sha256_hex(&manifest)},
        ]);
        let folder = dir.display().to_string();
        let files = files_json.to_string();
        w.insert_export(&crate::store::exports::NewExport {
            uid: &uid,
            label: &period.label,
            start: period.start,
            end: period.end,
            version,
            generated_by: &actor.name,
            folder: &folder,
            files: &files,
            incidents: built.counts.incidents as i64,
            amendments: built.counts.amendments as i64,
        })?;
        Ok((version, names))
    });
    let (version, names) = match res {
        Ok(x) => x,
        // `staging` is dropped on return: the hidden folder goes, nothing appears in `dir`.
        Err(StoreError::Invalid(m)) => anyhow::bail!(m),
        Err(e @ (StoreError::Full | StoreError::Busy)) => anyhow::bail!(
            "{} The export could not be recorded, so its files were removed: nothing was put in {}. \
             Try the export again.",
            match e {
                StoreError::Full => "The disk holding the records is full.",
                _ => "The records are busy: another copy of concordat is saving.",
            },
            crate::fsio::shown(dir)
        ),
        Err(e) => anyhow::bail!(
            "The export could not be recorded ({e}), so its files were removed: nothing was put in {}.",
            crate::fsio::shown(dir)
        ),
    };
    // Recorded: from here the hidden folder is finished, never thrown away.
    staging.keep = true;
    let placed = hook(Stage::Recorded)
        .map_err(|e| e.to_string())
        .and_then(|_| finish_set(dir, &staging.path, &names, None, hook));
    let files = placed.map_err(|e| {
        anyhow::anyhow!(
            "The export was recorded as version {version}, but its files could not all be put in {} ({e}). \
             They are kept whole in a hidden folder there and will be put in place the next time concordat \
             starts or exports.",
            crate::fsio::shown(dir)
        )
    })?;
    Ok(ExportResult {
        uid,
        version,
        files,
        counts: built.counts,
        recovered,
    })
}

/// Move a recorded set's files from its hidden folder into `dir`, the manifest last, never over a file, then
/// remove the folder. A file already moved (by an earlier, interrupted run) is left as it is. With `sums`,
/// each file still in the folder must have that SHA-256, or nothing more is moved.
pub(super) fn finish_set(
    dir: &Path,
    staging: &Path,
    names: &[String; 3],
    sums: Option<&[String; 3]>,
    hook: &mut dyn FnMut(Stage) -> std::io::Result<()>,
) -> Result<Vec<PathBuf>, String> {
    let mut placed = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let from = staging.join(name);
        let to = dir.join(name);
        if from.symlink_metadata().is_ok() {
            if let Some(sums) = sums {
                let got = file_sha256(&from).map_err(|e| e.to_string())?;
                if got != sums[i] {
                    return Err(format!("{name} is not the file that was recorded"));
                }
            }
            match crate::fsio::move_new(&from, &to) {
                Ok(()) => {}
                // Moved already by a run stopped between linking and unlinking: the same bytes on both sides.
                Err(crate::fsio::WriteError::Exists(_))
                    if std::fs::read(&from)
                        .ok()
                        .is_some_and(|a| std::fs::read(&to).ok() == Some(a)) =>
                {
                    let _ = std::fs::remove_file(&from);
                }
                Err(e) => return Err(e.to_string()),
            }
        } else if to.symlink_metadata().is_err() {
            return Err(format!("{name} is missing"));
        }
        placed.push(to);
        hook(Stage::Placed(i)).map_err(|e| e.to_string())?;
    }
    std::fs::remove_dir(staging).map_err(|e| e.to_string())?;
    crate::fsio::sync_dir(dir);
    Ok(placed)
}

/// Finish what stopped exports left, in every folder the ledger has exported to and the export folder set in
/// Settings: a set whose ledger row is committed but whose files were not all moved into place is finished
/// (rolled forward); a hidden folder whose set was never recorded is removed, with any leftover temporary file.
/// Returns what was done, in plain words (nothing when there was nothing to do). Never fails: a folder that
/// cannot be read is skipped and looked at again next time.
pub fn recover_unfinished(store: &Store) -> Vec<String> {
    let mut dirs: BTreeSet<String> = store.export_folders().unwrap_or_default().into_iter().collect();
    if let Ok(f) = store.setting("export_folder") {
        dirs.insert(f);
    }
    dirs.iter()
        .filter(|d| !d.is_empty())
        .flat_map(|d| recover_in(store, Path::new(d)))
        .collect()
}

/// [`recover_unfinished`] for one folder.
pub(super) fn recover_in(store: &Store, dir: &Path) -> Vec<String> {
    let mut msgs = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return msgs;
    };
    let shown = crate::fsio::shown(dir);
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(uid) = staged_uid(&name) else { continue };
        let path = e.path();
        let own = name
            .strip_prefix(crate::fsio::PARTIAL_PREFIX)
            .and_then(|r| r.split('-').next())
            .is_some_and(|p| p == std::process::id().to_string());
        // Another copy of concordat may be exporting right now: its folder is left alone (on Linux a folder
        // whose process has gone is taken at once; elsewhere after 15 minutes).
        if !e.file_type().is_ok_and(|t| t.is_dir()) || !(own || crate::fsio::abandoned(&path)) {
            continue;
        }
        let row = store
            .ledger_files(uid)
            .map(|r| r.map(|r| (r.files, r.label, r.version)));
        match row {
            Ok(Some((files, label, version))) => {
                let listed: Vec<(String, String)> = serde_json::from_str::<Value>(&files)
                    .ok()
                    .and_then(|v| {
                        v.as_array()?
                            .iter()
                            .map(|f| Some((f["name"].as_str()?.to_string(), f["sha256"].as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                let (names, sums): (Vec<String>, Vec<String>) = listed.into_iter().unzip();
                let (Ok(names), Ok(sums)) = (<[String; 3]>::try_from(names), <[String; 3]>::try_from(sums)) else {
                    msgs.push(format!(
                        "The export {label} version {version} was not finished and its record cannot be read: its \
                         files are kept in a hidden folder in {shown}."
                    ));
                    continue;
                };
                match finish_set(dir, &path, &names, Some(&sums), &mut |_| Ok(())) {
                    Ok(_) => msgs.push(format!(
                        "The export {label} version {version} was recorded but concordat stopped before its files \
                         were all in place: they are now in {shown}."
                    )),
                    Err(e) => msgs.push(format!(
                        "The export {label} version {version} is recorded but its files could not be put in {shown} \
                         ({e}): they are kept whole in a hidden folder there."
                    )),
                }
            }
            Ok(None) => {
                if std::fs::remove_dir_all(&path).is_ok() {
                    crate::fsio::sync_dir(dir);
                    msgs.push(format!(
                        "An export stopped before it was recorded: its unfinished files were removed from {shown}. \
                         Nothing of it had been sent."
                    ));
                }
            }
            Err(_) => {}
        }
    }
    crate::fsio::clean_leftovers(dir);
    msgs.into_iter().map(|m| crate::text::display(&m)).collect()
}
