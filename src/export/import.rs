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
    /// The facts the measures need, carried for every child since the files gained them (older files lack them).
    #[serde(default)]
    pseudonym: Option<String>,
    #[serde(default)]
    age_at_incident: Option<i32>,
    #[serde(default)]
    age_on_last_day: Option<i32>,
    #[serde(default)]
    looked_after_from: Option<String>,
    #[serde(default)]
    arrived: Option<String>,
    #[serde(default)]
    left: Option<String>,
    #[serde(default)]
    facts_on: Option<String>,
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
    parse_all(bytes).map(|(h, _, r)| (h, r))
}

/// The home, the list of children in the home during the period (empty in older files) and the records.
fn parse_all(bytes: &[u8]) -> anyhow::Result<(HomeIn, Vec<ChildIn>, Vec<RecordIn>)> {
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
    let mut roster = Vec::new();
    if let Value::Array(a) = doc["children"].take() {
        for (i, c) in a.into_iter().enumerate() {
            match serde_json::from_value::<ChildIn>(c) {
                Ok(c) if c.identified && (c.name.is_none() || parse_date(&c.dob).is_none()) => {
                    errs.push(format!("/children/{i}: a named child needs a name and a date of birth"))
                }
                Ok(c) => roster.push(c),
                Err(e) => errs.push(format!("/children/{i}: {e}")),
            }
        }
    }
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
    Ok((home, roster, records))
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

/// What the YOS knows of an imported child beyond the register's columns (`child_facts.facts`).
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, Deserialize)]
struct Facts {
    /// `children.dob` is the latest birth date that fits every age the files gave, not a date a file gave.
    #[serde(default)]
    dob_estimated: bool,
    /// `children.admitted` is the day a file gave, not the first day of the month the child came.
    #[serde(default)]
    admitted_exact: bool,
    /// The period's last day of the newest file that gave the child's status: an older file never undoes it.
    #[serde(default)]
    facts_on: Option<NaiveDate>,
}

/// The register's columns of a child as kept here, before or after a file's facts.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    name: String,
    dob: NaiveDate,
    gender: String,
    ethnicity: String,
    legal_status: String,
    admitted: NaiveDate,
    discharged: Option<NaiveDate>,
    discharge_reason: String,
    yos_open: bool,
    yos_ref: String,
}

/// The dob kept when nothing is known of it (files written before ages travelled).
fn unknown_dob() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The latest birth date at which a child is `age` on `on`.
fn latest_birth(on: NaiveDate, age: i32) -> Option<NaiveDate> {
    on.checked_sub_months(chrono::Months::new(u32::try_from(age).ok()?.checked_mul(12)?))
}

const NOT_IN_REGISTER: &str = "Imported under a pseudonym: not in this home's register.";

/// Apply a file's facts about a child to what is kept: the newest file's status, the narrowest estimate of the
/// birth date, the exact days of arrival and departure when a file gave them.
fn apply(kept: &mut Kept, facts: &mut Facts, c: &ChildIn, incident_day: Option<NaiveDate>, name: Option<String>) {
    let on = parse_date(&c.facts_on);
    let newer = match (on, facts.facts_on) {
        (Some(on), Some(had)) => on >= had,
        (Some(_), None) => true,
        // An older file (no facts): only what it has always carried, and only for a child it creates.
        (None, _) => false,
    };
    if c.identified {
        if let (Some(name), Some(dob)) = (name, parse_date(&c.dob))
            && (newer || facts.dob_estimated)
        {
            kept.name = name;
            kept.dob = dob;
            facts.dob_estimated = false;
        }
    } else if facts.dob_estimated {
        let points = [(incident_day, c.age_at_incident), (on, c.age_on_last_day)];
        for (d, age) in points {
            if let (Some(d), Some(age)) = (d, age)
                && let Some(b) = latest_birth(d, age)
                && (kept.dob == unknown_dob() || b < kept.dob)
            {
                kept.dob = b;
            }
        }
    }
    if newer {
        kept.gender = Gender::from_code(&c.gender).unwrap_or(Gender::NotStated).code().into();
        kept.ethnicity = Ethnicity::from_code(&c.ethnicity)
            .unwrap_or(Ethnicity::NotStated)
            .code()
            .into();
        kept.legal_status = LegalStatus::from_code(&c.legal_status)
            .unwrap_or(LegalStatus::Other)
            .code()
            .into();
        kept.yos_open = c.yos_open;
        if c.identified {
            kept.yos_ref = c.yos_ref.clone().unwrap_or_default();
        }
        facts.facts_on = on;
        let left = parse_date(&c.left);
        if kept.discharged != left {
            kept.discharged = left;
            kept.discharge_reason = if left.is_some() {
                "Left the home (as the home's file says).".into()
            } else {
                String::new()
            };
        }
    }
    if let Some(a) = parse_date(&c.arrived) {
        kept.admitted = a;
        facts.admitted_exact = true;
    } else if !facts.admitted_exact
        && let Some(m) = c
            .looked_after_from
            .as_deref()
            .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        && m < kept.admitted
    {
        kept.admitted = m;
    }
}

/// The child of a file as kept here (its id and uid), found by pseudonym first, then by uid, then by the uid a
/// pseudonymised child was kept under; added when new, and brought up to date with the file's facts. A child only
/// ever pseudonymised is never named here.
fn child_of(
    w: &mut Writer<'_>,
    c: &ChildIn,
    home_uid: &str,
    incident_day: Option<NaiveDate>,
    sum: &mut ImportSummary,
) -> crate::store::Result<(i64, String)> {
    let cuid = child_uid(c);
    let short: String = c.reference.chars().take(8).collect();
    let name = if c.identified {
        Some(
            crate::text::clean_checked(c.name.as_deref().unwrap_or(""), false, crate::domain::child::NAME_MAX)
                .map_err(|e| {
                    StoreError::Invalid(format!(
                        "The name of child {short} is too long ({e}): nothing was imported."
                    ))
                })?,
        )
    } else {
        None
    };
    let by_pseudonym = match &c.pseudonym {
        Some(p) => w
            .conn()
            .query_row(
                "SELECT id FROM child_facts WHERE home_uid = ?1 AND pseudonym = ?2",
                params![home_uid, p],
                |r| r.get::<_, i64>(0),
            )
            .optional()?,
        None => None,
    };
    let found = match by_pseudonym {
        Some(id) => Some(id),
        None => match find_id(w, "SELECT id FROM children WHERE uid = ?1", &cuid)? {
            Some(id) => Some(id),
            None => match &c.pseudonym {
                Some(p) => find_id(
                    w,
                    "SELECT id FROM children WHERE uid = ?1",
                    &format!("{PSEUDONYM_UID_PREFIX}{p}"),
                )?,
                None => None,
            },
        },
    };
    let facts_row: Option<(String, String)> = match found {
        Some(id) => w
            .conn()
            .query_row("SELECT pseudonym, facts FROM child_facts WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?,
        None => None,
    };
    let Some(id) = found else {
        // New here.
        let first = incident_day.unwrap_or_else(|| parse_date(&c.facts_on).unwrap_or_default());
        let mut facts = Facts {
            dob_estimated: !c.identified,
            ..Facts::default()
        };
        let mut kept = Kept {
            name: name.clone().unwrap_or_else(|| format!("Child {short} (pseudonym)")),
            dob: parse_date(&c.dob).unwrap_or_else(unknown_dob),
            gender: String::new(),
            ethnicity: String::new(),
            legal_status: String::new(),
            admitted: first,
            discharged: None,
            discharge_reason: String::new(),
            yos_open: c.yos_open,
            yos_ref: c.yos_ref.clone().unwrap_or_default(),
        };
        if c.facts_on.is_none() {
            // An older file: what it has always carried; a child not named is kept out of the register.
            kept.gender = Gender::from_code(&c.gender).unwrap_or(Gender::NotStated).code().into();
            kept.ethnicity = Ethnicity::from_code(&c.ethnicity)
                .unwrap_or(Ethnicity::NotStated)
                .code()
                .into();
            kept.legal_status = LegalStatus::from_code(&c.legal_status)
                .unwrap_or(LegalStatus::Other)
                .code()
                .into();
            if !c.identified {
                kept.discharged = Some(first);
                kept.discharge_reason = NOT_IN_REGISTER.into();
            }
        }
        apply(&mut kept, &mut facts, c, incident_day, name);
        sum.children += 1;
        let id = w.insert(
            "children",
            "INSERT INTO children (uid, home_uid, name, dob, gender, ethnicity, legal_status, admitted, discharged, \
             discharge_reason, yos_open, yos_ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                cuid,
                home_uid,
                kept.name,
                day(kept.dob),
                kept.gender,
                kept.ethnicity,
                kept.legal_status,
                day(kept.admitted),
                kept.discharged.map(day),
                kept.discharge_reason,
                kept.yos_open as i64,
                kept.yos_ref
            ],
        )?;
        if let Some(p) = &c.pseudonym {
            let f = serde_json::to_string(&facts).map_err(|e| StoreError::Invalid(e.to_string()))?;
            w.insert(
                "child_facts",
                "INSERT INTO child_facts (id, home_uid, pseudonym, facts) VALUES (?1, ?2, ?3, ?4)",
                params![id, home_uid, p, f],
            )?;
        }
        return Ok((id, cuid));
    };
    let (uid, was): (String, Kept) = w.conn().query_row(
        "SELECT uid, name, dob, gender, ethnicity, legal_status, admitted, discharged, discharge_reason, yos_open, \
         yos_ref FROM children WHERE id = ?1",
        [id],
        |r| {
            let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").unwrap_or_default();
            Ok((
                r.get(0)?,
                Kept {
                    name: r.get(1)?,
                    dob: date(r.get(2)?),
                    gender: r.get(3)?,
                    ethnicity: r.get(4)?,
                    legal_status: r.get(5)?,
                    admitted: date(r.get(6)?),
                    discharged: r.get::<_, Option<String>>(7)?.map(date),
                    discharge_reason: r.get(8)?,
                    yos_open: r.get::<_, i64>(9)? != 0,
                    yos_ref: r.get(10)?,
                },
            ))
        },
    )?;
    let had = match &facts_row {
        Some((_, f)) => serde_json::from_str(f).unwrap_or_default(),
        // Kept before the files carried facts: what was estimated then.
        None => Facts {
            dob_estimated: uid.starts_with(PSEUDONYM_UID_PREFIX),
            ..Facts::default()
        },
    };
    let (mut kept, mut facts) = (was.clone(), had.clone());
    apply(&mut kept, &mut facts, c, incident_day, name);
    if kept != was {
        w.update(
            "children",
            id,
            "import",
            "UPDATE children SET name=?1, dob=?2, gender=?3, ethnicity=?4, legal_status=?5, admitted=?6, \
             discharged=?7, discharge_reason=?8, yos_open=?9, yos_ref=?10 WHERE id=?11",
            params![
                kept.name,
                day(kept.dob),
                kept.gender,
                kept.ethnicity,
                kept.legal_status,
                day(kept.admitted),
                kept.discharged.map(day),
                kept.discharge_reason,
                kept.yos_open as i64,
                kept.yos_ref,
                id
            ],
        )?;
    }
    let f = serde_json::to_string(&facts).map_err(|e| StoreError::Invalid(e.to_string()))?;
    match (&facts_row, &c.pseudonym) {
        (None, Some(p)) => {
            w.insert(
                "child_facts",
                "INSERT INTO child_facts (id, home_uid, pseudonym, facts) VALUES (?1, ?2, ?3, ?4)",
                params![id, home_uid, p, f],
            )?;
        }
        (Some(_), _) if facts != had => {
            w.update(
                "child_facts",
                id,
                "import",
                "UPDATE child_facts SET facts = ?1 WHERE id = ?2",
                params![f, id],
            )?;
        }
        _ => {}
    }
    Ok((id, uid))
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
    let (home, roster, records) = parse_all(bytes)?;
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
        for c in &roster {
            let cuid = child_uid(c);
            if let Some((_, h)) = owner(w, "SELECT id, home_uid FROM children WHERE uid = ?1", &cuid)?
                && h != home.uid
            {
                return Err(refuse(format!("Child {cuid}"), &h));
            }
            child_of(w, c, &home.uid, None, &mut sum)?;
        }
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
            // The child as kept here: found by pseudonym first, so a child named in one file and not in another is
            // one child, whose records all name the uid they are kept under.
            let first = crate::time::local_date(r.recorded.occurred_at);
            let (child_id, cuid) = child_of(w, &r.child, &home.uid, Some(first), &mut sum)?;
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
                            ts(rec.occurred_at),
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
                    let d = crate::store::incidents::derive(&cur, yos_open)?;
                    let updated = all.iter().map(|e| e.at).max().unwrap_or(record.recorded_at);
                    w.update(
                        "incidents",
                        id,
                        "import",
                        "UPDATE incidents SET status=?1, response=?2, categories=?3, police_ref=?4, summary=?5, \
                         open_actions=?6, current=?7, updated_at=MAX(updated_at, ?8) WHERE id=?9",
                        params![
                            d.status,
                            d.response,
                            d.categories,
                            d.police_ref,
                            d.summary,
                            d.open_actions,
                            d.current,
                            ts(updated),
                            id
                        ],
                    )?;
                }
            }
        }
        Ok(sum)
    })?;
    Ok(summary)
}
