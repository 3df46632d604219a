//! Importing a JSON export: a YOS combining homes' files, or a home moving its records to a new PC.
//!
//! The file is checked against the schema first (every problem reported with its JSON path), all its text is
//! cleaned with [`crate::text`], and then it goes in all or nothing, in one audited transaction. Records are
//! matched by incident, entry and child uids, so importing the same file twice changes nothing. Records of
//! another home are kept with an `other_homes` row; children who were not named come in under their pseudonym.
//! An empty database (not set up) takes the file's home as its own.

mod children;
mod messages;
mod read;

use std::collections::HashSet;
use std::io::Read;

use chrono::NaiveDate;
use serde_json::Value;

use crate::domain::{Entry, IncidentRecord, current};
use crate::store::audit::Writer;
use crate::store::import_rows::EntryRow;
use crate::store::{Actor, Store, StoreError};
use children::{child_of, child_uid};
use messages::{FileCtx, first_difference};
pub use read::{FileHead, MAX_BYTES, check, check_reader, validate};
use read::{Item, ReadError, RecordIn, read_file, ts};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub incidents: usize,
    pub entries: usize,
    pub children: usize,
    /// Incidents in the file that were here already (with nothing new).
    pub unchanged: usize,
    /// The file's home, when it is not this database's own.
    pub other_home: Option<String>,
}

fn insert_entry(w: &mut Writer<'_>, incident_id: i64, e: &Entry) -> crate::store::Result<i64> {
    crate::store::incidents::insert_entry_row(w, incident_id, e, None)
}

/// Import a JSON export into `store` (managers only): all or nothing.
///
/// An import only adds or changes records of the home the file comes from: a file that claims to be this
/// (set-up) home, or carries the uid of one of this home's records or of another home's, is refused whole,
/// naming the record. A record already here may only gain entries: the same uid with a different saved record
/// or different earlier entries is refused as a conflict naming both versions. Importing twice changes nothing.
pub fn import(store: &mut Store, actor: &Actor, bytes: &[u8]) -> anyhow::Result<ImportSummary> {
    import_reader(store, actor, bytes, &mut |_, _, _| Ok(()))
}

/// [`import`], reading the file from `reader` one record at a time (peak memory stays small whatever the file's
/// size), inside one transaction. `after` runs in that same transaction once every record is in, with the
/// file's head and what was imported (sync records the set it read there); its error undoes the import.
pub fn import_reader(
    store: &mut Store,
    actor: &Actor,
    reader: impl Read,
    after: &mut dyn FnMut(&mut Writer<'_>, &FileHead, &ImportSummary) -> crate::store::Result<()>,
) -> anyhow::Result<ImportSummary> {
    actor.require_manager("import a weekly file")?;
    let own = store.home()?;
    let set_up = store.is_set_up()?;
    let now = store.now();
    // Whose records are whose: this home's own (once set up), or the file's home's.
    let own_uid = own.as_ref().map(|h| h.uid.clone()).filter(|_| set_up);
    let own_name = own.as_ref().map(|h| h.name.clone()).unwrap_or_default();
    let mut reader = Some(reader);
    let summary = store.write(actor, |w| {
        let mut sum = ImportSummary::default();
        let mut file: Option<FileCtx> = None;
        let Some(reader) = reader.take() else {
            return Err(StoreError::Invalid("The file was already read.".into()));
        };
        let read = read_file(reader, now, &mut |item| match item {
            Item::Head(home, period) => {
                if let Some(h) = &own
                    && h.uid == home.uid
                    && set_up
                {
                    return Err(StoreError::Invalid(format!(
                        "The file says it comes from this home ({}): an import never changes this home's own \
                         records.",
                        crate::text::display(&h.name)
                    )));
                }
                match &own {
                    None => {
                        // An empty database (a new PC): the file's home becomes this one, with a new pseudonym
                        // secret.
                        let secret = {
                            use rand::RngCore;
                            let mut b = [0u8; 32];
                            rand::rng().fill_bytes(&mut b);
                            hex::encode(b)
                        };
                        crate::store::import_rows::insert_home(w, &home.uid, &home.name, &home.ofsted_urn, &secret)?;
                    }
                    Some(h) if h.uid != home.uid => {
                        sum.other_home = Some(home.name.clone());
                        if w.other_home_id(&home.uid)?.is_none() {
                            crate::store::audit::insert_other_home(w, &home.uid, &home.name, &home.ofsted_urn)?;
                        }
                    }
                    Some(_) => {}
                }
                file = Some(FileCtx {
                    home,
                    period,
                    own_uid: own_uid.clone(),
                    own_name: own_name.clone(),
                });
                Ok(())
            }
            Item::Child(c) => match &file {
                Some(f) => {
                    let cuid = child_uid(&c);
                    if let Some((_, h)) = w.child_owner(&cuid)?
                        && h != f.home.uid
                    {
                        return Err(f.refuse(format!("Child {cuid}"), &h));
                    }
                    let (id, _) = child_of(w, &c, &f.home.uid, None, &mut sum)?;
                    let mut days = Vec::new();
                    for d in &c.yos_history {
                        let since = NaiveDate::parse_from_str(&d.since, "%Y-%m-%d").map_err(|_| {
                            StoreError::Invalid(format!("Child {cuid}: a YOS date is not a date ({}).", d.since))
                        })?;
                        days.push((since, d.open));
                    }
                    crate::store::yos_history::merge_days(w, id, &days).map(|_| ())
                }
                None => Err(StoreError::Invalid("The file's children come before its home.".into())),
            },
            Item::Record(r) => match &file {
                Some(f) => import_record(w, f, &r, &mut sum),
                None => Err(StoreError::Invalid("The file's records come before its home.".into())),
            },
        });
        match read {
            Ok(()) => {}
            Err(ReadError::File(m)) => return Err(StoreError::Invalid(m)),
            Err(ReadError::Store(e)) => return Err(e),
        }
        let Some(f) = file else {
            return Err(StoreError::Invalid("The file has no home.".into()));
        };
        let head = FileHead {
            home_uid: f.home.uid.clone(),
            home_name: f.home.name.clone(),
            ofsted_urn: f.home.ofsted_urn.clone(),
            period: f.period.clone(),
        };
        after(w, &head, &sum)?;
        Ok(sum)
    });
    match summary {
        Ok(s) => Ok(s),
        Err(StoreError::Invalid(m)) => Err(anyhow::anyhow!(m)),
        Err(e) => Err(e.into()),
    }
}

/// One record of the file: a new incident (and child), new entries of one already here, or nothing new.
fn import_record(w: &mut Writer<'_>, f: &FileCtx, r: &RecordIn, sum: &mut ImportSummary) -> crate::store::Result<()> {
    let cuid = child_uid(&r.child);
    if let Some((_, h)) = w.child_owner(&cuid)?
        && h != f.home.uid
    {
        return Err(f.refuse(format!("Child {cuid} (incident {})", r.uid), &h));
    }
    if let Some((id, h)) = w.incident_owner(&r.uid)?
        && h != f.home.uid
    {
        return Err(f.refuse(format!("Incident {} (#{id} here)", r.uid), &h));
    }
    // The child as kept here: found by pseudonym first, so a child named in one file and not in another is one
    // child, whose records all name the uid they are kept under.
    let first = crate::time::local_date(r.recorded.occurred_at);
    let (child_id, cuid) = child_of(w, &r.child, &f.home.uid, Some(first), sum)?;
    let yos_open = w.child_yos_open(child_id)?;
    match w.incident_id_by_uid(&r.uid)? {
        None => {
            let mut rec = r.recorded.clone();
            rec.child_uid = cuid.clone();
            rec.home_uid = f.home.uid.clone();
            let cur = current(&rec, &r.entries);
            let updated = r
                .entries
                .iter()
                .map(|e| e.at)
                .chain([rec.recorded_at])
                .max()
                .unwrap_or(rec.recorded_at);
            let id = crate::store::incidents::insert_row(
                w,
                &crate::store::incidents::NewIncidentRow {
                    record: &rec,
                    current: &cur,
                    child_id,
                    yos_open,
                    recorded_by_id: None,
                    updated_at: updated,
                },
            )?;
            for e in &r.entries {
                if w.entry_id_by_uid(&e.uid)?.is_some() {
                    return Err(StoreError::Invalid(format!(
                        "entry {} of incident {} is already filed under another incident",
                        e.uid, r.uid
                    )));
                }
                insert_entry(w, id, e)?;
                sum.entries += 1;
            }
            sum.incidents += 1;
        }
        Some(id) => {
            let known: HashSet<String> = w.entry_uids(id)?;
            // Same uid: the same saved record and the same earlier entries, or a conflict.
            let stored = w.incident_record_json(id)?;
            let stored_entries = w.entry_rows(id)?;
            let conflict = |what: String| {
                StoreError::Invalid(format!(
                    "Incident {} (#{id} here) conflicts with the file's version: {what}. Both versions are \
                     from {}; the one here is kept.",
                    r.uid,
                    crate::text::display(&format!("{} ({})", f.home.name, f.home.uid))
                ))
            };
            let mut mine = r.recorded.clone();
            mine.child_uid = cuid.clone();
            mine.home_uid = f.home.uid.clone();
            let file_v = serde_json::to_value(&mine).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let here_v: Value = serde_json::from_str(&stored).unwrap_or(Value::Null);
            if let Some(d) = first_difference(&here_v, &file_v) {
                return Err(conflict(format!("the saved record differs ({d})")));
            }
            for EntryRow { uid, at, by, change } in &stored_entries {
                if let Some(e) = r.entries.iter().find(|e| &e.uid == uid) {
                    let change_v: Value = serde_json::from_str(change).unwrap_or(Value::Null);
                    let file_change = serde_json::to_value(&e.change).unwrap_or(Value::Null);
                    let d = if crate::time::from_db(at) != Some(e.at) {
                        Some(format!("at: here {at}, in the file {}", ts(e.at)))
                    } else if by != &e.by {
                        Some(format!("by: here {by}, in the file {}", e.by))
                    } else {
                        first_difference(&change_v, &file_change)
                    };
                    if let Some(d) = d {
                        return Err(conflict(format!("entry {uid} differs ({d})")));
                    }
                }
            }
            let new: Vec<&Entry> = r.entries.iter().filter(|e| !known.contains(&e.uid)).collect();
            if new.is_empty() {
                sum.unchanged += 1;
                return Ok(());
            }
            let (record, old) = (stored, stored_entries);
            let bad = |e: serde_json::Error| StoreError::Invalid(format!("incident {} is unreadable: {e}", r.uid));
            let record: IncidentRecord = serde_json::from_str(&record).map_err(bad)?;
            let mut all: Vec<Entry> = old
                .into_iter()
                .map(|EntryRow { uid, at, by, change }| {
                    Ok(Entry {
                        uid,
                        incident_uid: r.uid.clone(),
                        at: crate::time::from_db(&at).unwrap_or_default(),
                        by,
                        change: serde_json::from_str(&change).map_err(bad)?,
                    })
                })
                .collect::<crate::store::Result<_>>()?;
            for e in &new {
                insert_entry(w, id, e)?;
                sum.entries += 1;
                all.push((*e).clone());
            }
            let cur = current(&record, &all);
            let updated = all.iter().map(|e| e.at).max().unwrap_or(record.recorded_at);
            crate::store::incidents::refresh_row(w, id, &cur, "import", updated)?;
        }
    }
    Ok(())
}
