//! Reading and checking an export file: one record at a time, each against the schema, cleaned, checked against
//! itself and the clock; every problem collected (the first few shown, all counted).

use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::FORMAT;
use crate::domain::{Entry, IncidentRecord};
use crate::store::StoreError;

/// Longest file read (a year of a large home is a few MB; the file is read one record at a time, so memory does
/// not grow with it).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024 * 1024;
/// Longest text kept from any one field.
pub(super) const MAX_TEXT: usize = 100_000;

#[derive(Debug, Deserialize)]
pub(super) struct HomeIn {
    pub(super) uid: String,
    pub(super) name: String,
    pub(super) ofsted_urn: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChildIn {
    #[serde(rename = "ref")]
    pub(super) reference: String,
    pub(super) identified: bool,
    pub(super) name: Option<String>,
    pub(super) dob: Option<String>,
    pub(super) yos_open: bool,
    pub(super) yos_ref: Option<String>,
    pub(super) gender: String,
    pub(super) ethnicity: String,
    pub(super) legal_status: String,
    /// The facts the measures need, carried for every child since the files gained them (older files lack them).
    #[serde(default)]
    pub(super) pseudonym: Option<String>,
    #[serde(default)]
    pub(super) age_at_incident: Option<i32>,
    #[serde(default)]
    pub(super) age_on_last_day: Option<i32>,
    #[serde(default)]
    pub(super) looked_after_from: Option<String>,
    #[serde(default)]
    pub(super) arrived: Option<String>,
    #[serde(default)]
    pub(super) left: Option<String>,
    #[serde(default)]
    pub(super) facts_on: Option<String>,
    /// The child's YOS status by day (the list of children, since the sets carry it; older files lack it).
    #[serde(default)]
    pub(super) yos_history: Vec<YosDayIn>,
}

#[derive(Debug, Deserialize)]
pub(super) struct YosDayIn {
    pub(super) since: String,
    pub(super) open: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct RecordIn {
    pub(super) uid: String,
    pub(super) child: ChildIn,
    pub(super) recorded: IncidentRecord,
    pub(super) entries: Vec<Entry>,
}

/// Check a parsed file against the export schema: every problem, each with its JSON path.
pub fn validate(doc: &Value) -> Result<(), Vec<String>> {
    let schema: Value = serde_json::from_str(super::super::SCHEMA).expect("the bundled schema is JSON");
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
pub(super) fn clean(v: &mut Value, at: &str, too_long: &mut Vec<String>) {
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
pub(super) enum Item {
    Head(HomeIn, Value),
    /// A child of the file's list of the children in the home during the period (after the head; older files
    /// have none).
    Child(Box<ChildIn>),
    Record(Box<RecordIn>),
}

pub(super) enum ReadError {
    /// The file is wrong: plain words, with the JSON path.
    File(String),
    /// Writing what was read failed (a full disk, a conflict named in plain words…).
    Store(StoreError),
}

/// Problems of one kind, the first few kept to be shown and all counted.
#[derive(Default)]
pub(super) struct Problems {
    pub(super) shown: Vec<String>,
    pub(super) count: usize,
}

impl Problems {
    pub(super) fn push(&mut self, p: String) {
        self.count += 1;
        if self.shown.len() < 5 {
            self.shown.push(p);
        }
    }

    pub(super) fn line(&self) -> String {
        let more = if self.count > self.shown.len() {
            format!(" (and {} more)", self.count - self.shown.len())
        } else {
            String::new()
        };
        format!("{}{more}", self.shown.join("; "))
    }
}

/// The state of one pass over a file.
pub(super) struct Reading<'a> {
    pub(super) now: DateTime<Utc>,
    pub(super) on: &'a mut dyn FnMut(Item) -> Result<(), StoreError>,
    pub(super) record_schema: jsonschema::Validator,
    pub(super) head: serde_json::Map<String, Value>,
    pub(super) head_done: bool,
    pub(super) schema: Problems,
    pub(super) too_long: Problems,
    pub(super) own: Problems,
    pub(super) dates: Problems,
    /// Why reading stopped early (the file is not an export, or writing failed).
    pub(super) fatal: Option<ReadError>,
}

impl Reading<'_> {
    pub(super) fn problems(&self) -> bool {
        self.schema.count + self.too_long.count + self.own.count + self.dates.count > 0
    }

    /// The part before the records: checked against the schema (with no records), cleaned, handed on.
    pub(super) fn finish_head(&mut self, with_records: bool) -> Result<(), ()> {
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
    pub(super) fn record(&mut self, i: usize, mut v: Value) -> Result<(), ()> {
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

pub(super) struct Top<'r, 'a>(&'r mut Reading<'a>);
pub(super) struct Records<'r, 'a>(&'r mut Reading<'a>);

/// Stops reading: the reason is kept in [`Reading::fatal`].
pub(super) const STOPPED: &str = "concordat: reading stopped";

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
pub(super) fn record_validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(super::super::SCHEMA).expect("the bundled schema is JSON");
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
pub(super) fn read_file(
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
    let parsed = serde::Deserializer::deserialize_map(&mut de, Top(&mut rd)).and_then(|_| de.end());
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

pub(super) fn parse_date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

pub(super) fn ts(t: DateTime<Utc>) -> String {
    crate::time::to_db(t)
}

/// How far in the future a date in a file may be (another PC's clock may be a little ahead).
pub(super) const CLOCK_SKEW_HOURS: i64 = 2;

/// Dates a file may not carry: before 1900, in the future (an entry dated 9999 would make its incident an
/// amendment in every later week), or a birth after the incident. Each names the record and the field.
pub(super) fn check_dates(i: usize, r: &RecordIn, now: DateTime<Utc>, errs: &mut Problems) {
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
