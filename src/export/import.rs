//! Importing a JSON export: a YOS combining homes' files, or a home moving its records to a new PC.
//!
//! The file is checked against the schema first (every problem reported with its JSON path), all its text is
//! cleaned with [`crate::text`], and then it goes in all or nothing, in one audited transaction. Records are
//! matched by incident, entry and child uids, so importing the same file twice changes nothing. Records of
//! another home are kept with an `other_homes` row; children who were not named come in under their pseudonym.
//! An empty database (not set up) takes the file's home as its own.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::Value;

use super::{FORMAT, PSEUDONYM_UID_PREFIX};
use crate::domain::{Entry, Ethnicity, Gender, IncidentRecord, LegalStatus, current};
use crate::store::audit::Writer;
use crate::store::{Actor, Store, StoreError};

/// Longest file read (a year of a large home is a few MB).
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;
/// Longest text kept from any one field.
const MAX_TEXT: usize = 100_000;

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

#[derive(Debug, Deserialize)]
struct HomeIn {
    uid: String,
    name: String,
    ofsted_urn: String,
}

#[derive(Debug, Deserialize)]
struct ChildIn {
    #[serde(rename = "ref")]
    reference: String,
    identified: bool,
    name: Option<String>,
    dob: Option<String>,
    yos_open: bool,
    yos_ref: Option<String>,
    gender: String,
    ethnicity: String,
    legal_status: String,
}

#[derive(Debug, Deserialize)]
struct RecordIn {
    uid: String,
    child: ChildIn,
    recorded: IncidentRecord,
    entries: Vec<Entry>,
}

/// Check a parsed file against the export schema: every problem, each with its JSON path.
pub fn validate(doc: &Value) -> Result<(), Vec<String>> {
    let schema: Value = serde_json::from_str(super::SCHEMA).expect("the bundled schema is JSON");
    let v = jsonschema::draft202012::new(&schema).expect("the bundled schema is valid");
    let errs: Vec<String> = v
        .iter_errors(doc)
        .map(|e| {
            let p = e.instance_path().as_str().to_string();
            let msg = crate::text::one_line(&e.to_string(), 160);
            format!("{}: {msg}", if p.is_empty() { "/" } else { p.as_str() })
        })
        .collect();
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// Clean every string in the document (escape sequences, controls, bidi and zero-width characters). A text
/// longer than concordat keeps is never cut: its place is added to `too_long` and the import is refused.
fn clean(v: &mut Value, at: &str, too_long: &mut Vec<String>) {
    match v {
        Value::String(s) => match crate::text::clean_checked(s, true, MAX_TEXT) {
            Ok(c) => {
                if c != *s {
                    *s = c;
                }
            }
            Err(e) => too_long.push(format!("{at}: {e}")),
        },
        Value::Array(a) => a
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| clean(x, &format!("{at}/{i}"), too_long)),
        Value::Object(o) => o.iter_mut().for_each(|(k, x)| clean(x, &format!("{at}/{k}"), too_long)),
        _ => {}
    }
}

fn one_line_errors(errs: &[String]) -> String {
    let shown: Vec<&str> = errs.iter().take(5).map(String::as_str).collect();
    let more = if errs.len() > 5 {
        format!(" (and {} more)", errs.len() - 5)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join("; "))
}

/// Parse, check and clean a file; the typed home and records.
/// Check a file before any database is opened (or created): a bad file changes nothing.
pub fn check(bytes: &[u8]) -> anyhow::Result<()> {
    parse(bytes).map(|_| ())
}

fn parse(bytes: &[u8]) -> anyhow::Result<(HomeIn, Vec<RecordIn>)> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut doc: Value =
        serde_json::from_slice(bytes).map_err(|e| anyhow::anyhow!("The file is not a JSON export: {e}."))?;
    if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
        anyhow::bail!("The file is not a concordat export: /format is not \"{FORMAT}\".");
    }
    if let Err(errs) = validate(&doc) {
        anyhow::bail!(
            "The file does not match the export format ({} problem{}): {}",
            errs.len(),
            if errs.len() == 1 { "" } else { "s" },
            one_line_errors(&errs)
        );
    }
    let mut too_long = Vec::new();
    clean(&mut doc, "", &mut too_long);
    if !too_long.is_empty() {
        anyhow::bail!(
            "The file holds text longer than concordat keeps, and nothing is ever cut: {}. Nothing was imported.",
            one_line_errors(&too_long)
        );
    }
    let home: HomeIn = serde_json::from_value(doc["home"].take()).map_err(|e| anyhow::anyhow!("/home: {e}"))?;
    let mut records = Vec::new();
    let mut errs = Vec::new();
    if let Value::Array(a) = doc["records"].take() {
        for (i, r) in a.into_iter().enumerate() {
            match serde_json::from_value::<RecordIn>(r) {
                Ok(r) => {
                    if r.recorded.uid != r.uid {
                        errs.push(format!("/records/{i}/recorded/uid: not the record's uid {}", r.uid));
                    }
                    if r.recorded.child_uid != r.child.reference {
                        errs.push(format!("/records/{i}/recorded/child_uid: not the child's ref"));
                    }
                    for (j, e) in r.entries.iter().enumerate() {
                        if e.incident_uid != r.uid {
                            errs.push(format!("/records/{i}/entries/{j}/incident_uid: not the record's uid"));
                        }
                    }
                    if r.child.identified && (r.child.name.is_none() || parse_date(&r.child.dob).is_none()) {
                        errs.push(format!(
                            "/records/{i}/child: a named child needs a name and a date of birth"
                        ));
                    }
                    records.push(r);
                }
                Err(e) => errs.push(format!("/records/{i}: {e}")),
            }
        }
    }
    if !errs.is_empty() {
        anyhow::bail!("The file has {} problem(s): {}", errs.len(), one_line_errors(&errs));
    }
    Ok((home, records))
}

fn parse_date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

fn ts(t: DateTime<Utc>) -> String {
    crate::time::to_db(t)
}

/// The uid a child of the file is kept under here.
fn child_uid(c: &ChildIn) -> String {
    if c.identified || c.reference.starts_with(PSEUDONYM_UID_PREFIX) {
        c.reference.clone()
    } else {
        format!("{PSEUDONYM_UID_PREFIX}{}", c.reference)
    }
}

fn find_id(w: &Writer<'_>, sql: &str, uid: &str) -> crate::store::Result<Option<i64>> {
    Ok(w.conn().query_row(sql, [uid], |r| r.get(0)).optional()?)
}

fn insert_child(
    w: &mut Writer<'_>,
    c: &ChildIn,
    uid: &str,
    home_uid: &str,
    first: NaiveDate,
) -> crate::store::Result<i64> {
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let short: String = c.reference.chars().take(8).collect();
    let (name, dob, discharged, reason) = if c.identified {
        (
            crate::text::clean_checked(c.name.as_deref().unwrap_or(""), false, crate::domain::child::NAME_MAX)
                .map_err(|e| {
                    crate::store::StoreError::Invalid(format!(
                        "The name of child {short} is too long ({e}): nothing was imported."
                    ))
                })?,
            parse_date(&c.dob).map(day).unwrap_or_default(),
            None,
            String::new(),
        )
    } else {
        // Not named in the file: kept out of the home's current register, under the pseudonym.
        (
            format!("Child {short} (pseudonym)"),
            "1900-01-01".to_string(),
            Some(day(first)),
            "Imported under a pseudonym: not in this home's register.".to_string(),
        )
    };
    let gender = Gender::from_code(&c.gender).unwrap_or(Gender::NotStated);
    let ethnicity = Ethnicity::from_code(&c.ethnicity).unwrap_or(Ethnicity::NotStated);
    let legal = LegalStatus::from_code(&c.legal_status).unwrap_or(LegalStatus::Other);
    w.insert(
        "children",
        "INSERT INTO children (uid, home_uid, name, dob, gender, ethnicity, legal_status, admitted, discharged, \
         discharge_reason, yos_open, yos_ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            uid,
            home_uid,
            name,
            dob,
            gender.code(),
            ethnicity.code(),
            legal.code(),
            day(first),
            discharged,
            reason,
            c.yos_open as i64,
            c.yos_ref.clone().unwrap_or_default()
        ],
    )
}

fn entry_kind(e: &Entry) -> String {
    serde_json::to_value(&e.change)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default()
}

fn insert_entry(w: &mut Writer<'_>, incident_id: i64, e: &Entry) -> crate::store::Result<i64> {
    let change = serde_json::to_string(&e.change).map_err(|x| StoreError::Invalid(x.to_string()))?;
    w.insert(
        "entries",
        "INSERT INTO entries (uid, incident_id, at, by_name, by_id, kind, change) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)",
        params![e.uid, incident_id, ts(e.at), e.by, entry_kind(e), change],
    )
}

/// How far in the future a date in a file may be (another PC's clock may be a little ahead).
const CLOCK_SKEW_HOURS: i64 = 2;

/// Dates a file may not carry: before 1900, in the future (an entry dated 9999 would make its incident an
/// amendment in every later week), or a birth after the incident. Each names the record and the field.
fn check_dates(records: &[RecordIn], now: DateTime<Utc>) -> Result<(), Vec<String>> {
    let floor = NaiveDate::from_ymd_opt(1900, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_default();
    let ceiling = now + chrono::Duration::hours(CLOCK_SKEW_HOURS);
    let mut errs = Vec::new();
    let check = |errs: &mut Vec<String>, what: String, t: DateTime<Utc>| {
        if t < floor {
            errs.push(format!("{what} is {}, before 1900", ts(t)));
        } else if t > ceiling {
            errs.push(format!("{what} is {}, in the future", ts(t)));
        }
    };
    for (i, r) in records.iter().enumerate() {
        let name = format!("/records/{i} (incident {})", r.uid);
        check(&mut errs, format!("{name} occurred_at"), r.recorded.occurred_at);
        check(&mut errs, format!("{name} recorded_at"), r.recorded.recorded_at);
        for (j, e) in r.entries.iter().enumerate() {
            check(&mut errs, format!("{name} entries/{j} (entry {}) at", e.uid), e.at);
        }
        if let Some(dob) = parse_date(&r.child.dob) {
            let born = dob.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or_default();
            check(&mut errs, format!("{name} child date of birth"), born);
            if dob > crate::time::local_date(r.recorded.occurred_at) {
                errs.push(format!(
                    "{name} child date of birth {dob} is after the incident ({})",
                    crate::time::local_date(r.recorded.occurred_at)
                ));
            }
        }
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// The first top-level field in which two versions of a record differ, with both values (shortened).
fn first_difference(here: &Value, file: &Value) -> Option<String> {
    let (Value::Object(a), Value::Object(b)) = (here, file) else {
        return (here != file).then(|| "the whole record".to_string());
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().find_map(|k| {
        let (x, y) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
        (x != y).then(|| {
            format!(
                "{k}: here {}, in the file {}",
                crate::text::one_line(&x.to_string(), 60),
                crate::text::one_line(&y.to_string(), 60)
            )
        })
    })
}

/// Import a JSON export into `store` (managers only): all or nothing.
///
/// An import only adds or changes records of the home the file comes from: a file that claims to be this
/// (set-up) home, or carries the uid of one of this home's records or of another home's, is refused whole,
/// naming the record. A record already here may only gain entries: the same uid with a different saved record
/// or different earlier entries is refused as a conflict naming both versions. Importing twice changes nothing.
pub fn import(store: &mut Store, actor: &Actor, bytes: &[u8]) -> anyhow::Result<ImportSummary> {
    actor.require_manager("import a weekly file")?;
    let (home, records) = parse(bytes)?;
    if let Err(errs) = check_dates(&records, store.now()) {
        anyhow::bail!(
            "The file has {} impossible date(s): {}.",
            errs.len(),
            one_line_errors(&errs)
        );
    }
    let own = store.home()?;
    if let Some(h) = &own
        && h.uid == home.uid
        && store.is_set_up()?
    {
        anyhow::bail!(
            "The file says it comes from this home ({}): an import never changes this home's own records.",
            crate::text::display(&h.name)
        );
    }
    // Whose records are whose: this home's own (once set up), or the file's home's.
    let own_uid = own
        .as_ref()
        .map(|h| h.uid.clone())
        .filter(|_| store.is_set_up().unwrap_or(true));
    let home_label = |uid: &str, fallback: &str| -> String {
        if own_uid.as_deref() == Some(uid) {
            format!("this home ({})", own.as_ref().map(|h| h.name.as_str()).unwrap_or(""))
        } else if uid == home.uid {
            format!("{} ({uid})", home.name)
        } else {
            format!("{fallback} ({uid})")
        }
    };
    let summary = store.write(actor, |w| {
        let mut sum = ImportSummary::default();
        match &own {
            None => {
                // An empty database (a new PC): the file's home becomes this one, with a new pseudonym secret.
                let secret = {
                    use rand::RngCore;
                    let mut b = [0u8; 32];
                    rand::rng().fill_bytes(&mut b);
                    hex::encode(b)
                };
                let now = w.now_str();
                w.insert(
                    "home",
                    "INSERT INTO home (id, uid, name, ofsted_urn, pseudonym_secret, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                    params![home.uid, home.name, home.ofsted_urn, secret, now],
                )?;
            }
            Some(h) if h.uid != home.uid => {
                sum.other_home = Some(home.name.clone());
                if find_id(w, "SELECT id FROM other_homes WHERE uid = ?1", &home.uid)?.is_none() {
                    crate::store::audit::insert_other_home(w, &home.uid, &home.name, &home.ofsted_urn)?;
                }
            }
            Some(_) => {}
        }
        let owner = |w: &Writer<'_>, sql: &str, uid: &str| -> crate::store::Result<Option<(i64, String)>> {
            Ok(w.conn().query_row(sql, [uid], |x| Ok((x.get(0)?, x.get(1)?))).optional()?)
        };
        let refuse = |what: String, other_uid: &str| {
            StoreError::Invalid(format!(
                "{what} belongs to {}, but the file comes from {}: an import only adds or changes the records of \
                 the home the file comes from.",
                crate::text::display(&home_label(other_uid, "another home")),
                crate::text::display(&format!("{} ({})", home.name, home.uid))
            ))
        };
        for r in &records {
            let cuid = child_uid(&r.child);
            if let Some((_, h)) = owner(w, "SELECT id, home_uid FROM children WHERE uid = ?1", &cuid)?
                && h != home.uid
            {
                return Err(refuse(format!("Child {cuid} (incident {})", r.uid), &h));
            }
            if let Some((id, h)) = owner(w, "SELECT id, home_uid FROM incidents WHERE uid = ?1", &r.uid)?
                && h != home.uid
            {
                return Err(refuse(format!("Incident {} (#{id} here)", r.uid), &h));
            }
            let child_id = match find_id(w, "SELECT id FROM children WHERE uid = ?1", &cuid)? {
                Some(id) => id,
                None => {
                    sum.children += 1;
                    let first = crate::time::local_date(r.recorded.occurred_at);
                    insert_child(w, &r.child, &cuid, &home.uid, first)?
                }
            };
            let yos_open: bool = w
                .conn()
                .query_row("SELECT yos_open FROM children WHERE id = ?1", [child_id], |x| x.get::<_, i64>(0))?
                != 0;
            match find_id(w, "SELECT id FROM incidents WHERE uid = ?1", &r.uid)? {
                None => {
                    let mut rec = r.recorded.clone();
                    rec.child_uid = cuid.clone();
                    rec.home_uid = home.uid.clone();
                    let cur = current(&rec, &r.entries);
                    let d = crate::store::incidents::derive(&cur, yos_open)?;
                    let updated = r.entries.iter().map(|e| e.at).chain([rec.recorded_at]).max().unwrap_or(rec.recorded_at);
                    let json = serde_json::to_string(&rec).map_err(|e| StoreError::Invalid(e.to_string()))?;
                    let id = w.insert(
                        "incidents",
                        "INSERT INTO incidents (uid, home_uid, child_id, occurred_at, recorded_at, recorded_by, \
                         recorded_by_id, status, response, categories, police_ref, summary, open_actions, updated_at, \
                         record, current) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                        params![
                            rec.uid,
                            rec.home_uid,
                            child_id,
                            ts(cur.occurred_at),
                            ts(rec.recorded_at),
                            rec.recorded_by,
                            d.status,
                            d.response,
                            d.categories,
                            d.police_ref,
                            d.summary,
                            d.open_actions,
                            ts(updated),
                            json,
                            d.current
                        ],
                    )?;
                    for e in &r.entries {
                        if find_id(w, "SELECT id FROM entries WHERE uid = ?1", &e.uid)?.is_some() {
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
                    let known: HashSet<String> = {
                        let mut s = w.conn().prepare_cached("SELECT uid FROM entries WHERE incident_id = ?1")?;
                        s.query_map([id], |x| x.get::<_, String>(0))?
                            .collect::<rusqlite::Result<_>>()?
                    };
                    // Same uid: the same saved record and the same earlier entries, or a conflict.
                    let (stored, stored_entries): (String, Vec<(String, String, String, String)>) = {
                        let record: String =
                            w.conn()
                                .query_row("SELECT record FROM incidents WHERE id = ?1", [id], |x| x.get(0))?;
                        let mut s = w.conn().prepare_cached(
                            "SELECT uid, at, by_name, change FROM entries WHERE incident_id = ?1 ORDER BY id",
                        )?;
                        let old = s
                            .query_map([id], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?)))?
                            .collect::<rusqlite::Result<_>>()?;
                        (record, old)
                    };
                    let conflict = |what: String| {
                        StoreError::Invalid(format!(
                            "Incident {} (#{id} here) conflicts with the file's version: {what}. Both versions are \
                             from {}; the one here is kept.",
                            r.uid,
                            crate::text::display(&format!("{} ({})", home.name, home.uid))
                        ))
                    };
                    let mut mine = r.recorded.clone();
                    mine.child_uid = cuid.clone();
                    mine.home_uid = home.uid.clone();
                    let file_v = serde_json::to_value(&mine).map_err(|e| StoreError::Invalid(e.to_string()))?;
                    let here_v: Value = serde_json::from_str(&stored).unwrap_or(Value::Null);
                    if let Some(d) = first_difference(&here_v, &file_v) {
                        return Err(conflict(format!("the saved record differs ({d})")));
                    }
                    for (uid, at, by, change) in &stored_entries {
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
                        continue;
                    }
                    let (record, old) = (stored, stored_entries);
                    let bad = |e: serde_json::Error| StoreError::Invalid(format!("incident {} is unreadable: {e}", r.uid));
                    let record: IncidentRecord = serde_json::from_str(&record).map_err(bad)?;
                    let mut all: Vec<Entry> = old
                        .into_iter()
                        .map(|(uid, at, by, change)| {
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
        }
        Ok(sum)
    })?;
    Ok(summary)
}
