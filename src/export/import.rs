//! Importing a JSON export: a YOS combining homes' files, or a home moving its records to a new PC.
//!
//! The file is checked against the schema first (every problem reported with its JSON path), all its text is
//! cleaned with [`crate::text`], and then it goes in all or nothing, in one audited transaction. Records are
//! matched by incident, entry and child uids, so importing the same file twice changes nothing. Records of
//! another home are kept with an `other_homes` row; children who were not named come in under their pseudonym.
//! An empty database (not set up) takes the file's home as its own.

use std::collections::HashSet;
use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{FORMAT, PSEUDONYM_UID_PREFIX};
use crate::domain::{Entry, Ethnicity, Gender, IncidentRecord, LegalStatus, current};
use crate::store::audit::Writer;
use crate::store::import_rows::EntryRow;
use crate::store::{Actor, Store, StoreError};

/// Longest file read (a year of a large home is a few MB; the file is read one record at a time, so memory does
/// not grow with it).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024 * 1024;
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
    /// The child's YOS status by day (the list of children, since the sets carry it; older files lack it).
    #[serde(default)]
    yos_history: Vec<YosDayIn>,
}

#[derive(Debug, Deserialize)]
struct YosDayIn {
    since: String,
    open: bool,
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

/// Check a file before any database is opened (or created): a bad file changes nothing. The file is read as
/// it goes, one record at a time.
pub fn check(bytes: &[u8]) -> anyhow::Result<()> {
    check_reader(bytes)
}

/// [`check`], reading from `reader` (a file of any size: one record is held at a time).
pub fn check_reader(reader: impl Read) -> anyhow::Result<()> {
    read_file(reader, crate::time::now(), &mut |_| Ok(())).map_err(|e| match e {
        ReadError::File(m) => anyhow::anyhow!(m),
        ReadError::Store(e) => anyhow::anyhow!(e),
    })?;
    Ok(())
}

/// What the file says about itself, before its records: its home and its period (as in the file).
#[derive(Debug, Clone, PartialEq)]
pub struct FileHead {
    pub home_uid: String,
    pub home_name: String,
    pub ofsted_urn: String,
    pub period: Value,
}

/// What reading a file hands on, in order: its head once, then each record.
enum Item {
    Head(HomeIn, Value),
    /// A child of the file's list of the children in the home during the period (after the head; older files
    /// have none).
    Child(Box<ChildIn>),
    Record(Box<RecordIn>),
}

enum ReadError {
    /// The file is wrong: plain words, with the JSON path.
    File(String),
    /// Writing what was read failed (a full disk, a conflict named in plain words…).
    Store(StoreError),
}

/// Problems of one kind, the first few kept to be shown and all counted.
#[derive(Default)]
struct Problems {
    shown: Vec<String>,
    count: usize,
}

impl Problems {
    fn push(&mut self, p: String) {
        self.count += 1;
        if self.shown.len() < 5 {
            self.shown.push(p);
        }
    }

    fn line(&self) -> String {
        let more = if self.count > self.shown.len() {
            format!(" (and {} more)", self.count - self.shown.len())
        } else {
            String::new()
        };
        format!("{}{more}", self.shown.join("; "))
    }
}

/// The state of one pass over a file.
struct Reading<'a> {
    now: DateTime<Utc>,
    on: &'a mut dyn FnMut(Item) -> Result<(), StoreError>,
    record_schema: jsonschema::Validator,
    head: serde_json::Map<String, Value>,
    head_done: bool,
    schema: Problems,
    too_long: Problems,
    own: Problems,
    dates: Problems,
    /// Why reading stopped early (the file is not an export, or writing failed).
    fatal: Option<ReadError>,
}

impl Reading<'_> {
    fn problems(&self) -> bool {
        self.schema.count + self.too_long.count + self.own.count + self.dates.count > 0
    }

    /// The part before the records: checked against the schema (with no records), cleaned, handed on.
    fn finish_head(&mut self, with_records: bool) -> Result<(), ()> {
        if self.head_done {
            return Ok(());
        }
        self.head_done = true;
        if self.head.get("format").and_then(Value::as_str) != Some(FORMAT) {
            self.fatal = Some(ReadError::File(format!(
                "The file is not a concordat export: /format is not \"{FORMAT}\"."
            )));
            return Err(());
        }
        let mut doc = Value::Object(self.head.clone());
        if with_records {
            doc["records"] = Value::Array(Vec::new());
        }
        if let Err(errs) = validate(&doc) {
            errs.into_iter().for_each(|e| self.schema.push(e));
            return Ok(());
        }
        let mut too_long = Vec::new();
        clean(&mut doc, "", &mut too_long);
        too_long.into_iter().for_each(|e| self.too_long.push(e));
        if self.problems() {
            return Ok(());
        }
        let home: HomeIn = match serde_json::from_value(doc["home"].take()) {
            Ok(h) => h,
            Err(e) => {
                self.own.push(format!("/home: {e}"));
                return Ok(());
            }
        };
        let period = doc["period"].take();
        // The list of children is small (the children in the home during the period): read whole.
        let mut roster = Vec::new();
        if let Value::Array(a) = doc["children"].take() {
            for (i, c) in a.into_iter().enumerate() {
                match serde_json::from_value::<ChildIn>(c) {
                    Ok(c) if c.identified && (c.name.is_none() || parse_date(&c.dob).is_none()) => self
                        .own
                        .push(format!("/children/{i}: a named child needs a name and a date of birth")),
                    Ok(c) => roster.push(c),
                    Err(e) => self.own.push(format!("/children/{i}: {e}")),
                }
            }
        }
        if self.problems() {
            return Ok(());
        }
        if let Err(e) = (self.on)(Item::Head(home, period)) {
            self.fatal = Some(ReadError::Store(e));
            return Err(());
        }
        for c in roster {
            if let Err(e) = (self.on)(Item::Child(Box::new(c))) {
                self.fatal = Some(ReadError::Store(e));
                return Err(());
            }
        }
        Ok(())
    }

    /// One record: checked against the schema, cleaned, checked against itself and the clock, handed on
    /// while the file has shown no problem.
    fn record(&mut self, i: usize, mut v: Value) -> Result<(), ()> {
        let at = format!("/records/{i}");
        let errs: Vec<String> = self
            .record_schema
            .iter_errors(&v)
            .map(|e| {
                let msg = crate::text::one_line(&e.to_string(), 160);
                format!("{at}{}: {msg}", e.instance_path().as_str())
            })
            .collect();
        if !errs.is_empty() {
            errs.into_iter().for_each(|e| self.schema.push(e));
            return Ok(());
        }
        let mut too_long = Vec::new();
        clean(&mut v, &at, &mut too_long);
        if !too_long.is_empty() {
            too_long.into_iter().for_each(|e| self.too_long.push(e));
            return Ok(());
        }
        let r = match serde_json::from_value::<RecordIn>(v) {
            Ok(r) => r,
            Err(e) => {
                self.own.push(format!("{at}: {e}"));
                return Ok(());
            }
        };
        if r.recorded.uid != r.uid {
            self.own
                .push(format!("{at}/recorded/uid: not the record's uid {}", r.uid));
        }
        if r.recorded.child_uid != r.child.reference {
            self.own.push(format!("{at}/recorded/child_uid: not the child's ref"));
        }
        for (j, e) in r.entries.iter().enumerate() {
            if e.incident_uid != r.uid {
                self.own
                    .push(format!("{at}/entries/{j}/incident_uid: not the record's uid"));
            }
        }
        if r.child.identified && (r.child.name.is_none() || parse_date(&r.child.dob).is_none()) {
            self.own
                .push(format!("{at}/child: a named child needs a name and a date of birth"));
        }
        check_dates(i, &r, self.now, &mut self.dates);
        if self.problems() {
            return Ok(());
        }
        if let Err(e) = (self.on)(Item::Record(Box::new(r))) {
            self.fatal = Some(ReadError::Store(e));
            return Err(());
        }
        Ok(())
    }
}

struct Top<'r, 'a>(&'r mut Reading<'a>);
struct Records<'r, 'a>(&'r mut Reading<'a>);

/// Stops reading: the reason is kept in [`Reading::fatal`].
const STOPPED: &str = "concordat: reading stopped";

impl<'de> serde::de::DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error;
        while let Some(key) = map.next_key::<String>()? {
            if key == "records" && !self.0.head_done {
                if self.0.finish_head(true).is_err() {
                    return Err(A::Error::custom(STOPPED));
                }
                map.next_value_seed(Records(&mut *self.0))?;
            } else if self.0.head_done {
                let _: serde::de::IgnoredAny = map.next_value()?;
                self.0.schema.push(format!("/{key}: not expected after the records"));
            } else {
                let v: Value = map.next_value()?;
                self.0.head.insert(key, v);
            }
        }
        if self.0.finish_head(false).is_err() {
            return Err(A::Error::custom(STOPPED));
        }
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Records<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Records<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error;
        let mut i = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            if self.0.record(i, v).is_err() {
                return Err(A::Error::custom(STOPPED));
            }
            i += 1;
        }
        Ok(())
    }
}

/// The schema of one record: the export's own, pointed at its `export_record`.
fn record_validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(super::SCHEMA).expect("the bundled schema is JSON");
    let defs = schema["$defs"].take();
    let one = json!({
        "$schema": schema["$schema"].clone(),
        "$defs": defs,
        "$ref": "#/$defs/export_record",
    });
    jsonschema::draft202012::new(&one).expect("the bundled schema is valid")
}

/// Read a file from `reader` (a byte order mark is allowed), one record at a time, handing each on to `on`
/// only while no problem has been found; every problem is collected (the first few shown, all counted).
fn read_file(
    reader: impl Read,
    now: DateTime<Utc>,
    on: &mut dyn FnMut(Item) -> Result<(), StoreError>,
) -> Result<(), ReadError> {
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    {
        use std::io::BufRead;
        let start = reader
            .fill_buf()
            .map_err(|e| ReadError::File(format!("The file cannot be read: {e}.")))?;
        if start.starts_with("\u{feff}".as_bytes()) {
            reader.consume(3);
        }
    }
    let mut rd = Reading {
        now,
        on,
        record_schema: record_validator(),
        head: serde_json::Map::new(),
        head_done: false,
        schema: Problems::default(),
        too_long: Problems::default(),
        own: Problems::default(),
        dates: Problems::default(),
        fatal: None,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let parsed = serde::de::DeserializeSeed::deserialize(Top(&mut rd), &mut de).and_then(|_| de.end());
    if let Some(f) = rd.fatal.take() {
        return Err(f);
    }
    if let Err(e) = parsed {
        return Err(ReadError::File(format!("The file is not a JSON export: {e}.")));
    }
    if rd.schema.count > 0 {
        return Err(ReadError::File(format!(
            "The file does not match the export format ({} problem{}): {}",
            rd.schema.count,
            if rd.schema.count == 1 { "" } else { "s" },
            rd.schema.line()
        )));
    }
    if rd.too_long.count > 0 {
        return Err(ReadError::File(format!(
            "The file holds text longer than concordat keeps, and nothing is ever cut: {}. Nothing was imported.",
            rd.too_long.line()
        )));
    }
    if rd.own.count > 0 {
        return Err(ReadError::File(format!(
            "The file has {} problem(s): {}",
            rd.own.count,
            rd.own.line()
        )));
    }
    if rd.dates.count > 0 {
        return Err(ReadError::File(format!(
            "The file has {} impossible date(s): {}.",
            rd.dates.count,
            rd.dates.line()
        )));
    }
    Ok(())
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
type Kept = crate::store::import_rows::ChildColumns;

/// The dob kept when nothing is known of it (files written before ages travelled).
fn unknown_dob() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
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
        Some(p) => w.child_id_by_pseudonym(home_uid, p)?,
        None => None,
    };
    let found = match by_pseudonym {
        Some(id) => Some(id),
        None => match w.child_id_by_uid(&cuid)? {
            Some(id) => Some(id),
            None => match &c.pseudonym {
                Some(p) => w.child_id_by_uid(&format!("{PSEUDONYM_UID_PREFIX}{p}"))?,
                None => None,
            },
        },
    };
    let facts_row: Option<(String, String)> = match found {
        Some(id) => w.child_facts(id)?,
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
        let id = w.insert_imported_child(&cuid, home_uid, &kept)?;
        if let Some(p) = &c.pseudonym {
            let f = serde_json::to_string(&facts).map_err(|e| StoreError::Invalid(e.to_string()))?;
            w.insert_child_facts(id, home_uid, p, &f)?;
        }
        return Ok((id, cuid));
    };
    let (uid, was): (String, Kept) = w.child_columns(id)?;
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
        w.update_imported_child(id, &kept)?;
    }
    let f = serde_json::to_string(&facts).map_err(|e| StoreError::Invalid(e.to_string()))?;
    match (&facts_row, &c.pseudonym) {
        (None, Some(p)) => {
            w.insert_child_facts(id, home_uid, p, &f)?;
        }
        (Some(_), _) if facts != had => {
            w.update_child_facts(id, &f)?;
        }
        _ => {}
    }
    Ok((id, uid))
}

fn insert_entry(w: &mut Writer<'_>, incident_id: i64, e: &Entry) -> crate::store::Result<i64> {
    crate::store::incidents::insert_entry_row(w, incident_id, e, None)
}

/// How far in the future a date in a file may be (another PC's clock may be a little ahead).
const CLOCK_SKEW_HOURS: i64 = 2;

/// Dates a file may not carry: before 1900, in the future (an entry dated 9999 would make its incident an
/// amendment in every later week), or a birth after the incident. Each names the record and the field.
fn check_dates(i: usize, r: &RecordIn, now: DateTime<Utc>, errs: &mut Problems) {
    let floor = NaiveDate::from_ymd_opt(1900, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_default();
    let ceiling = now + chrono::Duration::hours(CLOCK_SKEW_HOURS);
    let check = |errs: &mut Problems, what: String, t: DateTime<Utc>| {
        if t < floor {
            errs.push(format!("{what} is {}, before 1900", ts(t)));
        } else if t > ceiling {
            errs.push(format!("{what} is {}, in the future", ts(t)));
        }
    };
    let name = format!("/records/{i} (incident {})", r.uid);
    check(errs, format!("{name} occurred_at"), r.recorded.occurred_at);
    check(errs, format!("{name} recorded_at"), r.recorded.recorded_at);
    for (j, e) in r.entries.iter().enumerate() {
        check(errs, format!("{name} entries/{j} (entry {}) at", e.uid), e.at);
    }
    if let Some(dob) = parse_date(&r.child.dob) {
        let born = dob.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or_default();
        check(errs, format!("{name} child date of birth"), born);
        if dob > crate::time::local_date(r.recorded.occurred_at) {
            errs.push(format!(
                "{name} child date of birth {dob} is after the incident ({})",
                crate::time::local_date(r.recorded.occurred_at)
            ));
        }
    }
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

/// The file being imported: its home, and this database's own.
struct FileCtx {
    home: HomeIn,
    period: Value,
    own_uid: Option<String>,
    own_name: String,
}

impl FileCtx {
    fn home_label(&self, uid: &str, fallback: &str) -> String {
        if self.own_uid.as_deref() == Some(uid) {
            format!("this home ({})", self.own_name)
        } else if uid == self.home.uid {
            format!("{} ({uid})", self.home.name)
        } else {
            format!("{fallback} ({uid})")
        }
    }

    fn refuse(&self, what: String, other_uid: &str) -> StoreError {
        StoreError::Invalid(format!(
            "{what} belongs to {}, but the file comes from {}: an import only adds or changes the records of the \
             home the file comes from.",
            crate::text::display(&self.home_label(other_uid, "another home")),
            crate::text::display(&format!("{} ({})", self.home.name, self.home.uid))
        ))
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
