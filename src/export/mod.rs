//! The weekly file to the Youth Offending Service.
//!
//! One export is three files named with the home and the period (`oak-house-2026-W47.csv`, `.json`,
//! `.manifest.json`; a re-export of the same period is `-v2`, `-v3`…, never an overwrite):
//!
//! * the CSV: one row per incident, RFC 4180, UTF-8 with a byte order mark, CRLF line ends, cells that a
//!   spreadsheet would read as a formula (starting `=`, `+`, `-`, `@`, tab or CR) prefixed with `'`.
//!   The columns are [`CSV_COLUMNS`], in that order.
//! * the JSON: `{"format": "concordat-export", "version": 1, …}`, the same records with full detail, described by
//!   `assets/export.schema.json` (JSON Schema draft 2020-12).
//! * the manifest: who made it, when, with which rules, the counts, and the SHA-256 of the other two files.
//!
//! A set appears whole or not at all, and every set that appears is in the ledger (the `exports` table): the
//! three files are written in a hidden folder in the export folder (`.concordat-partial-PID-set-UID`), the
//! ledger row is committed, then the files are moved into place, the manifest last. [`recover_unfinished`]
//! finishes a recorded set that a crash left in its hidden folder and removes one that was never recorded.
//!
//! The CSV and the JSON depend only on the data (records in time order, no time of writing), so exporting the
//! same data twice gives byte-identical files; only the manifest says when and by whom.
//!
//! Sharing no more than needed: a child open to the YOS is identified (name, date of birth, YOS reference); any
//! other child appears under a stable pseudonym, the hex HMAC-SHA256 of the child's uid keyed with the home's
//! secret. The settings `export_identify` and `export_accounts` (`yos_open`, `all`, `none`) say who is named
//! and whose free-text accounts go in.

pub mod import;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::{Change, Child, CorrectableField, Entry, IncidentRecord};
use crate::store::{Actor, Home, Store, StoreError};
use crate::time::Period;

/// The `format` of an export's JSON.
pub const FORMAT: &str = "concordat-export";
/// The `version` of the JSON format (bumped on any incompatible change).
pub const FORMAT_VERSION: u64 = 1;
/// The JSON Schema of the export.
pub const SCHEMA: &str = include_str!("../../assets/export.schema.json");
/// A child imported under a pseudonym is stored with this uid prefix and always exported under that pseudonym.
pub const PSEUDONYM_UID_PREFIX: &str = "pseudonym:";

/// The CSV header, in order, with what each column holds (for the README and the YOS).
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    (
        "record_type",
        "incident (in the period) or amendment (an incident of an earlier export, added or changed since)",
    ),
    ("amends", "for an amendment: the export it amends, e.g. 2026-W46-v1"),
    ("incident_uid", "stable identifier of the incident"),
    ("occurred_at", "local time (Europe/London), YYYY-MM-DD HH:MM"),
    (
        "child_ref",
        "the child's uid when identified, else the pseudonym (HMAC-SHA256, hex)",
    ),
    ("child_identified", "yes / no"),
    ("child_name", "legal name, identified children only"),
    ("child_dob", "date of birth YYYY-MM-DD, identified children only"),
    ("child_age", "age in years on the day, identified children only"),
    ("yos_open", "yes / no: open to the YOS"),
    ("yos_ref", "YOS reference, identified children only"),
    ("gender", "code"),
    ("ethnicity", "code"),
    ("legal_status", "code"),
    ("location", "where it happened"),
    ("categories", "category codes separated by ;"),
    ("immediate_danger", "yes / no"),
    (
        "recommended",
        "response the protocol suggested: in_house / restorative / police",
    ),
    ("response", "response chosen: in_house / restorative / police"),
    ("rationale", "why the response differs from the suggestion"),
    ("deescalation", "what was tried, codes separated by ;"),
    ("police_route", "emergency999 / non_emergency101"),
    ("police_reason", "behaviour / missing / absent"),
    ("police_reference", "police incident or crime reference"),
    (
        "police_outcome",
        "outcome code, e.g. outcome_21, outcome_22, youth_caution",
    ),
    ("court_outcome", "pending / convicted / not_convicted"),
    ("arrest", "yes / no"),
    (
        "restorative_kind",
        "conversation / meeting / reparation / apology / mediation",
    ),
    ("restorative_victim_consent", "yes / no / blank when not asked"),
    ("restorative_held", "yes / no / blank when not known"),
    ("restorative_outcome", "what came of it"),
    (
        "reg35_measure",
        "regulation 35 measure of control, discipline or restraint",
    ),
    ("reg35_duration_minutes", "its duration"),
    ("injuries", "injuries to anyone"),
    ("damage_cost_gbp", "estimated cost of damage, whole pounds"),
    ("notified", "who was told, codes separated by ;"),
    (
        "ofsted_serious",
        "yes / no: regulation 40 notification judged necessary",
    ),
    ("status", "awaiting_review / reviewed"),
    ("signed_by", "manager who signed"),
    ("signed_at", "local time of signing"),
    ("protocol_id", "the protocol the record was made under"),
    ("protocol_version", "its version"),
    (
        "account_included",
        "yes / no: whether free text is included under the accounts rule",
    ),
    ("account", "the factual account (current, after corrections)"),
    ("child_view", "the child's own view, in their words"),
    ("recorded_by", "who recorded it"),
    ("recorded_at", "local time it was recorded"),
    ("entries", "number of later entries"),
];

/// Who a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    YosOpen,
    All,
    None,
}

impl Share {
    pub fn parse(s: &str) -> Share {
        match s {
            "all" => Share::All,
            "none" => Share::None,
            _ => Share::YosOpen,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Share::YosOpen => "yos_open",
            Share::All => "all",
            Share::None => "none",
        }
    }
    fn applies(self, yos_open: bool) -> bool {
        match self {
            Share::YosOpen => yos_open,
            Share::All => true,
            Share::None => false,
        }
    }
}

/// The disclosure rules an export was made with (stated in the JSON and the manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub identify: Share,
    pub accounts: Share,
}

impl Rules {
    pub fn of(store: &Store) -> anyhow::Result<Rules> {
        Ok(Rules {
            identify: Share::parse(&store.setting("export_identify")?),
            accounts: Share::parse(&store.setting("export_accounts")?),
        })
    }

    fn to_json(self) -> Value {
        let who = |s: Share| match s {
            Share::YosOpen => "children open to the YOS",
            Share::All => "all children",
            Share::None => "no child",
        };
        json!({
            "identify": self.identify.code(),
            "accounts": self.accounts.code(),
            "description": format!(
                "Named (name, date of birth, YOS reference): {}. Free-text accounts included for: {}. \
                 Every other child appears under a pseudonym: hex HMAC-SHA256 of the child's uid keyed with \
                 the home's secret, stable across exports.",
                who(self.identify),
                who(self.accounts)
            ),
        })
    }
}

/// What an export holds, by response and category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Incidents that happened in the period.
    pub incidents: usize,
    /// Incidents of earlier exports added or changed since (carried as amendments).
    pub amendments: usize,
    /// Distinct children in the file.
    pub children: usize,
    /// Of those, children named.
    pub identified_children: usize,
    /// Incidents of the period by response code.
    pub by_response: BTreeMap<String, usize>,
    /// Incidents of the period by category code (an incident may have several).
    pub by_category: BTreeMap<String, usize>,
}

impl Counts {
    /// One line: "5 incidents (3 in-house, 1 restorative, 1 police), 1 amendment".
    pub fn line(&self) -> String {
        let r = |c: &str| self.by_response.get(c).copied().unwrap_or(0);
        format!(
            "{} incident{} ({} in-house, {} restorative, {} police), {} amendment{}",
            self.incidents,
            if self.incidents == 1 { "" } else { "s" },
            r("in_house"),
            r("restorative"),
            r("police"),
            self.amendments,
            if self.amendments == 1 { "" } else { "s" }
        )
    }
}

/// An export built in memory.
#[derive(Debug, Clone)]
pub struct ExportFiles {
    pub csv: Vec<u8>,
    pub json: Vec<u8>,
    /// The manifest as it would be written now (version and author as for a preview).
    pub manifest: Vec<u8>,
    pub counts: Counts,
    pub rules: Rules,
    pub period: Period,
}

/// What [`write`] did.
#[derive(Debug, Clone)]
pub struct ExportResult {
    pub uid: String,
    pub version: u32,
    /// The CSV, JSON and manifest, in that order.
    pub files: Vec<PathBuf>,
    pub counts: Counts,
    /// What was done, before this export, about sets that earlier exports left unfinished
    /// ([`recover_unfinished`]).
    pub recovered: Vec<String>,
}

/// An earlier export an amendment refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LedgerRow {
    uid: String,
    label: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    version: u32,
    generated_at: DateTime<Utc>,
}

impl LedgerRow {
    fn name(&self) -> String {
        format!("{}-v{}", self.label, self.version)
    }
}

/// The pseudonym of a child: hex HMAC-SHA256 of its uid keyed with the home's secret. A child imported under
/// a pseudonym keeps it.
pub fn pseudonym(secret: &str, child_uid: &str) -> String {
    if let Some(p) = child_uid.strip_prefix(PSEUDONYM_UID_PREFIX) {
        return p.to_string();
    }
    crate::hash::hmac_sha256_hex(secret.as_bytes(), child_uid.as_bytes())
}

/// The home's name as it appears in file names: `oak-house`.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s: String = s.trim_matches('-').chars().take(40).collect();
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "home".into() } else { s }
}

/// The three file names of an export version.
pub fn file_names(home_name: &str, period: &Period, version: u32) -> [String; 3] {
    let base = if version <= 1 {
        format!("{}-{}", slug(home_name), period.label)
    } else {
        format!("{}-{}-v{version}", slug(home_name), period.label)
    };
    [
        format!("{base}.csv"),
        format!("{base}.json"),
        format!("{base}.manifest.json"),
    ]
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::time::ZONE).format("%Y-%m-%d %H:%M").to_string()
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn opt_yes(b: Option<bool>) -> &'static str {
    b.map(yes).unwrap_or("")
}

fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// One incident as it goes out, with the rules applied.
struct OutRecord {
    uid: String,
    amends: Option<LedgerRow>,
    child: Rc<Child>,
    child_ref: String,
    identified: bool,
    accounts: bool,
    recorded: IncidentRecord,
    current: IncidentRecord,
    entries: Vec<Entry>,
}

/// Free text not shared when a child's accounts are withheld: everything narrative that may name or describe
/// people. Kept: location, the response, its rationale and the protocol's reason, police details, the reg 35
/// measure, duration and who used it, and who recorded, added and signed what.
fn withhold_in_house(x: &mut crate::domain::InHouse) {
    x.what_was_done.clear();
    x.consequence.clear();
    x.reparation.clear();
    x.follow_up.clear();
}

fn withhold_restorative(x: &mut crate::domain::Restorative) {
    x.participants.clear();
    x.agreed.clear();
    x.outcome.clear();
}

fn withhold_reg35(x: &mut crate::domain::Reg35) {
    x.others_present.clear();
    x.avoid_tried.clear();
    x.effectiveness.clear();
    x.consequences.clear();
    x.injuries.clear();
    x.treatment.clear();
}

/// Remove free text from a record whose accounts are not shared.
fn withhold_record(r: &mut IncidentRecord) {
    r.account.clear();
    r.injuries.clear();
    r.medical_treatment.clear();
    r.deescalation_notes.clear();
    if let Some(v) = &mut r.child_view {
        v.text.clear();
    }
    r.review.comment.clear();
    for p in &mut r.involved {
        p.name.clear();
    }
    r.in_house.iter_mut().for_each(withhold_in_house);
    r.restorative.iter_mut().for_each(withhold_restorative);
    r.reg35.iter_mut().for_each(withhold_reg35);
    for n in &mut r.notifications {
        n.note.clear();
    }
}

fn withhold_entry(e: &mut Entry) {
    match &mut e.change {
        Change::ChildView { view } => view.text.clear(),
        Change::Note { text } => text.clear(),
        Change::SignOff { comment } => comment.clear(),
        Change::InHouse { in_house } => withhold_in_house(in_house),
        Change::Restorative { restorative } => withhold_restorative(restorative),
        Change::Reg35 { reg35 } => withhold_reg35(reg35),
        Change::Notified { notification } => notification.note.clear(),
        Change::Correction { field, value, reason } => {
            reason.clear();
            if !matches!(field, CorrectableField::Location) {
                value.clear()
            }
        }
        _ => {}
    }
}

fn ledger(store: &Store) -> anyhow::Result<Vec<LedgerRow>> {
    let mut s = store.connection().prepare_cached(
        "SELECT uid, period_label, period_start, period_end, version, generated_at FROM exports ORDER BY id",
    )?;
    let rows = s
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(uid, label, s, e, v, g)| {
            Some(LedgerRow {
                uid,
                label,
                start: crate::time::from_db(&s)?,
                end: crate::time::from_db(&e)?,
                version: v as u32,
                generated_at: crate::time::from_db(&g)?,
            })
        })
        .collect())
}

/// Has this period been exported (any version)?
pub fn is_exported(store: &Store, period: &Period) -> anyhow::Result<bool> {
    Ok(store
        .connection()
        .query_row(
            "SELECT 1 FROM exports WHERE period_start = ?1 AND period_end = ?2 LIMIT 1",
            params![crate::time::to_db(period.start), crate::time::to_db(period.end)],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Last week, relative to `now` (local time).
pub fn last_week(now: DateTime<Utc>) -> Period {
    Period::week_of(crate::time::local_date(now)).previous()
}

/// Incidents of exported periods added or changed after that export and not yet carried by a later one, with
/// the export each amends. Uses the `incidents_updated` index: only rows changed since the last export are read.
fn amendments(store: &Store, period: &Period, home_uid: &str) -> anyhow::Result<Vec<(i64, LedgerRow)>> {
    let ledger = ledger(store)?;
    let others: Vec<&LedgerRow> = ledger
        .iter()
        .filter(|l| l.start != period.start || l.end != period.end)
        .collect();
    let Some(since) = others.iter().map(|l| l.generated_at).max() else {
        return Ok(vec![]);
    };
    let rows = {
        let mut s = store.connection().prepare_cached(AMENDED_SQL)?;
        let mut v = s
            .query_map(params![crate::time::to_db(since), home_uid], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // In time order, as the period's records.
        v.sort_by(|a, b| (&a.1, &a.3).cmp(&(&b.1, &b.3)));
        v
    };
    let mut out = Vec::new();
    for (id, occ, upd, _) in rows {
        let (Some(occ), Some(upd)) = (crate::time::from_db(&occ), crate::time::from_db(&upd)) else {
            continue;
        };
        if period.contains(occ) {
            continue;
        }
        // The latest export that covered it.
        let covering = others
            .iter()
            .filter(|l| l.start <= occ && occ < l.end)
            .max_by_key(|l| (l.generated_at, l.version));
        if let Some(l) = covering
            && upd > l.generated_at
        {
            out.push((id, (*l).clone()));
        }
    }
    Ok(out)
}

/// How many incidents of exported weeks were added or changed since they were sent and wait for the next
/// export (for the manager's reminders).
pub fn pending_amendments(store: &Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let Some(home) = store.home()? else {
        return Ok(0);
    };
    let this = Period::week_of(crate::time::local_date(now));
    Ok(amendments(store, &this, &home.uid)?.len())
}

/// What an export holds beside its bytes: what the manifest says about the CSV and the JSON.
#[derive(Debug, Clone)]
struct Generated {
    home: Home,
    rules: Rules,
    counts: Counts,
    protocols: Vec<Value>,
    csv: FileSum,
    json: FileSum,
    /// The head of the audit chain when the file was made (`verify --anchors` checks it later).
    anchor: crate::store::verify::Anchor,
}

/// The size and SHA-256 of a file, taken as it was written.
#[derive(Debug, Clone)]
struct FileSum {
    bytes: u64,
    sha256: String,
}

/// A writer that hashes and counts what passes through it, in chunks. Once a file has grown past
/// [`Hashing::THREAD_AFTER`] the hashing moves to a thread of its own, so a long export is hashed while it is
/// still being written instead of after.
struct Hashing<W> {
    inner: W,
    bytes: u64,
    /// Written but not yet passed on.
    buf: Vec<u8>,
    /// The hash, while it is computed here.
    sha: Option<FileHash>,
    /// The hash, once it is computed on another thread.
    worker: Option<HashWorker>,
}

struct HashWorker {
    chunks: std::sync::mpsc::SyncSender<Vec<u8>>,
    /// Chunks handed back, hashed, to be filled again.
    spare: std::sync::mpsc::Receiver<Vec<u8>>,
    done: std::thread::JoinHandle<FileHash>,
}

/// SHA-256 as ring computes it (the program's one SHA-256, `crate::hash`; an export of ten years is hundreds
/// of megabytes, hashed on its own thread).
type FileHash = ring::digest::Context;

fn file_hash() -> FileHash {
    ring::digest::Context::new(&ring::digest::SHA256)
}

impl HashWorker {
    fn start(mut sha: FileHash) -> std::io::Result<HashWorker> {
        let (chunks, todo) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let (back, spare) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let done = std::thread::Builder::new()
            .name("export-sha256".into())
            .spawn(move || {
                for mut c in todo {
                    sha.update(&c);
                    c.clear();
                    let _ = back.try_send(c);
                }
                sha
            })?;
        Ok(HashWorker { chunks, spare, done })
    }
}

impl<W: Write> Hashing<W> {
    const CHUNK: usize = 1 << 18;
    const THREAD_AFTER: u64 = 1 << 20;

    fn new(inner: W) -> Self {
        Hashing {
            inner,
            bytes: 0,
            // Small at first (a week's file is small); it grows to a chunk as it is used.
            buf: Vec::with_capacity(1 << 13),
            sha: Some(file_hash()),
            worker: None,
        }
    }

    /// Write out what is buffered and pass it to the hash.
    fn pass_on(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.inner.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        if self.worker.is_none() && self.bytes >= Self::THREAD_AFTER {
            // Fall back to hashing here if no thread can be started.
            if let Ok(w) = HashWorker::start(self.sha.clone().unwrap_or_else(file_hash)) {
                self.sha = None;
                self.worker = Some(w);
            }
        }
        match (&self.worker, &mut self.sha) {
            (Some(w), _) => {
                let next = w
                    .spare
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(Self::CHUNK + (Self::CHUNK >> 2)));
                let full = std::mem::replace(&mut self.buf, next);
                w.chunks
                    .send(full)
                    .map_err(|_| std::io::Error::other("the export's hash could not be computed"))?;
            }
            (None, Some(sha)) => {
                sha.update(&self.buf);
                self.buf.clear();
            }
            (None, None) => unreachable!("the hash is computed here or on its thread"),
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<(W, FileSum)> {
        self.pass_on()?;
        self.inner.flush()?;
        let sha = match (self.worker.take(), self.sha.take()) {
            (Some(w), _) => {
                drop(w.chunks);
                w.done
                    .join()
                    .map_err(|_| std::io::Error::other("the export's hash could not be computed"))?
            }
            (None, Some(sha)) => sha,
            (None, None) => unreachable!("the hash is computed here or on its thread"),
        };
        let sum = FileSum {
            bytes: self.bytes,
            sha256: hex::encode(sha.finish()),
        };
        Ok((self.inner, sum))
    }
}

impl<W: Write> Write for Hashing<W> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    /// The serializer writes in small pieces (a quote, an indent): each is one copy into the buffer.
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= Self::CHUNK {
            self.pass_on()?;
        }
        Ok(())
    }

    /// Passes on what is buffered (hashing never waits for a flush: [`Hashing::finish`] completes it).
    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on()?;
        self.inner.flush()
    }
}

/// This home's incidents of the period in time order, with what an export needs of each, through the
/// `incidents_home_time` index.
const PERIOD_SQL: &str = "SELECT id, uid, child_id, record, current FROM incidents \
    WHERE occurred_at >= ?1 AND occurred_at < ?2 AND home_uid = ?3 ORDER BY occurred_at, uid";
/// One incident by id (an amendment).
const ONE_SQL: &str = "SELECT id, uid, child_id, record, current FROM incidents WHERE id = ?1";
/// An incident's entries, oldest first, through the `entries_incident` index.
const ENTRIES_SQL: &str = "SELECT uid, at, by_name, change FROM entries WHERE incident_id = ?1 ORDER BY id";
/// This home's incidents changed since a time, through the `incidents_updated` index (home, then time).
const AMENDED_SQL: &str = "SELECT id, occurred_at, updated_at, uid FROM incidents INDEXED BY incidents_updated \
    WHERE updated_at > ?1 AND home_uid = ?2";

/// Reads the records one at a time and writes each to the CSV as it goes; the JSON side is the
/// [`Serialize`] of [`Records`], so both files are written in one pass and no record is held after it is out.
struct Pass<'a, C: Write> {
    store: &'a Store,
    period: &'a Period,
    home: &'a Home,
    rules: Rules,
    amended: Vec<(i64, LedgerRow)>,
    csv: csv::Writer<C>,
    /// Each child read once, with their pseudonym (an HMAC, computed once rather than for every record).
    children: HashMap<i64, (Rc<Child>, Rc<str>)>,
    counts: Counts,
    kids: BTreeMap<String, bool>,
    protocols: BTreeSet<(String, String, String)>,
    /// The first failure, kept here because the serializer can only carry a message.
    error: Option<anyhow::Error>,
}

impl<C: Write> Pass<'_, C> {
    fn unreadable(id: i64, e: serde_json::Error) -> StoreError {
        StoreError::Invalid(format!("incident {id} is unreadable: {e}"))
    }

    /// One incident as it goes out, from its row.
    fn out_record(&mut self, row: &rusqlite::Row, amends: Option<LedgerRow>) -> anyhow::Result<OutRecord> {
        let id: i64 = row.get(0)?;
        let incident_uid = row.get_ref(1)?.as_str()?;
        let child_id: i64 = row.get(2)?;
        let mut recorded: IncidentRecord =
            serde_json::from_str(row.get_ref(3)?.as_str()?).map_err(|e| Self::unreadable(id, e))?;
        let mut current: IncidentRecord =
            serde_json::from_str(row.get_ref(4)?.as_str()?).map_err(|e| Self::unreadable(id, e))?;
        let mut entries = {
            let mut s = self.store.connection().prepare_cached(ENTRIES_SQL)?;
            let mut rows = s.query([id])?;
            let mut v = Vec::new();
            while let Some(r) = rows.next()? {
                v.push(Entry {
                    uid: r.get(0)?,
                    incident_uid: incident_uid.to_string(),
                    at: crate::time::from_db(r.get_ref(1)?.as_str()?).unwrap_or_default(),
                    by: r.get(2)?,
                    change: serde_json::from_str(r.get_ref(3)?.as_str()?)
                        .map_err(|e| StoreError::Invalid(format!("entry of incident {id} unreadable: {e}")))?,
                });
            }
            v
        };
        let (child, pseudonym_of_child) = match self.children.get(&child_id) {
            Some(c) => c.clone(),
            None => {
                let c = Rc::new(self.store.child(child_id)?);
                let p: Rc<str> = pseudonym(&self.home.pseudonym_secret, &c.uid).into();
                self.children.insert(child_id, (c.clone(), p.clone()));
                (c, p)
            }
        };
        let rules = self.rules;
        let identified = rules.identify.applies(child.yos_open) && !child.uid.starts_with(PSEUDONYM_UID_PREFIX);
        let accounts = rules.accounts.applies(child.yos_open);
        let child_ref = if identified {
            child.uid.clone()
        } else {
            pseudonym_of_child.to_string()
        };
        if !accounts {
            withhold_record(&mut recorded);
            withhold_record(&mut current);
            entries.iter_mut().for_each(withhold_entry);
        }
        recorded.child_uid = child_ref.clone();
        current.child_uid = child_ref.clone();
        Ok(OutRecord {
            uid: recorded.uid.clone(),
            amends,
            child,
            child_ref,
            identified,
            accounts,
            recorded,
            current,
            entries,
        })
    }

    /// Count a record and write its CSV row.
    fn tally_and_csv(&mut self, r: &OutRecord) -> anyhow::Result<()> {
        self.kids.insert(r.child_ref.clone(), r.identified);
        let p = &r.current.protocol;
        if !self
            .protocols
            .iter()
            .any(|(i, v, s)| *i == p.id && *v == p.version && *s == p.sha256)
        {
            self.protocols
                .insert((p.id.clone(), p.version.clone(), p.sha256.clone()));
        }
        if r.amends.is_some() {
            self.counts.amendments += 1;
        } else {
            self.counts.incidents += 1;
            *self
                .counts
                .by_response
                .entry(r.current.response.code().into())
                .or_default() += 1;
            for c in &r.current.categories {
                *self.counts.by_category.entry(c.code().into()).or_default() += 1;
            }
        }
        csv_row(&mut self.csv, r)
    }

    /// Every record, in order: the period's, then the amendments. `each` gets each one after its CSV row.
    fn run(&mut self, each: &mut dyn FnMut(&OutRecord) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let store = self.store;
        {
            let mut s = store.connection().prepare_cached(PERIOD_SQL)?;
            let mut rows = s.query(params![
                crate::time::to_db(self.period.start),
                crate::time::to_db(self.period.end),
                self.home.uid
            ])?;
            while let Some(row) = rows.next()? {
                let r = self.out_record(row, None)?;
                self.tally_and_csv(&r)?;
                each(&r)?;
            }
        }
        for (id, l) in std::mem::take(&mut self.amended) {
            let mut s = store.connection().prepare_cached(ONE_SQL)?;
            let mut rows = s.query([id])?;
            let row = rows
                .next()?
                .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))?;
            let r = self.out_record(row, Some(l))?;
            self.tally_and_csv(&r)?;
            each(&r)?;
        }
        Ok(())
    }
}

/// The `records` array of the JSON, produced while it is serialized.
struct Records<'p, 'a, C: Write>(RefCell<&'p mut Pass<'a, C>>);

impl<C: Write> Serialize for Records<'_, '_, C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut pass = self.0.borrow_mut();
        let mut seq = s.serialize_seq(None)?;
        let mut failed: Option<S::Error> = None;
        let r = pass.run(&mut |r| {
            seq.serialize_element(&RecordJson::of(r)).map_err(|e| {
                let msg = e.to_string();
                failed = Some(e);
                anyhow::anyhow!(msg)
            })
        });
        if let Err(e) = r {
            return Err(match failed {
                Some(f) => f,
                None => {
                    pass.error = Some(e);
                    S::Error::custom("export stopped")
                }
            });
        }
        seq.end()
    }
}

/// The JSON of one record (fields in the published order).
#[derive(Serialize)]
struct RecordJson<'a> {
    uid: &'a str,
    amends: Option<AmendsJson<'a>>,
    child: ChildJson<'a>,
    accounts_included: bool,
    recorded: &'a IncidentRecord,
    entries: &'a [Entry],
    current: &'a IncidentRecord,
}

#[derive(Serialize)]
struct AmendsJson<'a> {
    export_uid: &'a str,
    period: &'a str,
    version: u32,
    name: String,
}

#[derive(Serialize)]
struct ChildJson<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    identified: bool,
    name: Option<&'a str>,
    dob: Option<String>,
    yos_open: bool,
    yos_ref: Option<&'a str>,
    gender: &'static str,
    ethnicity: &'static str,
    legal_status: &'static str,
}

impl<'a> RecordJson<'a> {
    fn of(r: &'a OutRecord) -> RecordJson<'a> {
        let c = &r.child;
        let id = r.identified;
        RecordJson {
            uid: &r.uid,
            amends: r.amends.as_ref().map(|l| AmendsJson {
                export_uid: &l.uid,
                period: &l.label,
                version: l.version,
                name: l.name(),
            }),
            child: ChildJson {
                reference: &r.child_ref,
                identified: id,
                name: id.then_some(c.name.as_str()),
                dob: id.then(|| c.dob.format("%Y-%m-%d").to_string()),
                yos_open: c.yos_open,
                yos_ref: id.then_some(c.yos_ref.as_str()),
                gender: c.gender.code(),
                ethnicity: c.ethnicity.code(),
                legal_status: c.legal_status.code(),
            },
            accounts_included: r.accounts,
            recorded: &r.recorded,
            entries: &r.entries,
            current: &r.current,
        }
    }
}

/// The JSON document (fields in the published order).
#[derive(Serialize)]
struct Doc<'a, R: Serialize> {
    format: &'a str,
    version: u64,
    home: Value,
    period: Value,
    disclosure: Value,
    records: R,
}

/// Compact JSON with each record on a line of its own: a third smaller than indented JSON (so a third less to
/// write and hash in a long export), and still one record to a line for a person looking at a week's file or
/// searching it for an incident's uid. JSON readers ignore the line breaks.
#[derive(Default)]
struct RecordLines {
    /// How many objects and arrays are open: the records array is the only array directly in the document.
    depth: usize,
    /// Whether the records array has had a record.
    records: bool,
}

impl RecordLines {
    const RECORDS: usize = 2;
}

impl serde_json::ser::Formatter for RecordLines {
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        w.write_all(b"}")
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        // The closing bracket of a records array that has records goes on a line of its own.
        let own_line = self.depth == Self::RECORDS && std::mem::take(&mut self.records);
        self.depth -= 1;
        w.write_all(if own_line { b"\n]" } else { b"]" })
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.records |= self.depth == Self::RECORDS;
        match (self.depth == Self::RECORDS, first) {
            (true, true) => w.write_all(b"\n"),
            (true, false) => w.write_all(b",\n"),
            (false, true) => Ok(()),
            (false, false) => w.write_all(b","),
        }
    }
}

/// Write the CSV and the JSON of `period` to `csv_out` and `json_out` in one pass over the records, one record
/// at a time (memory does not grow with the period), hashing both as they are written. Reads the period's
/// incidents through the `incidents_home_time` index and only the amended ones beyond it.
fn generate<C: Write, J: Write>(
    store: &Store,
    period: &Period,
    csv_out: C,
    json_out: J,
) -> anyhow::Result<(C, J, Generated)> {
    let home = store
        .home()?
        .ok_or_else(|| anyhow::anyhow!("The home is not set up: there is nothing to export."))?;
    let rules = Rules::of(store)?;
    let amended = amendments(store, period, &home.uid)?;
    let mut csv_h = Hashing::new(csv_out);
    csv_h.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .buffer_capacity(1 << 16)
        .from_writer(csv_h);
    csv.write_record(CSV_COLUMNS.iter().map(|(n, _)| *n))?;
    let mut pass = Pass {
        store,
        period,
        home: &home,
        rules,
        amended,
        csv,
        children: HashMap::new(),
        counts: Counts::default(),
        kids: BTreeMap::new(),
        protocols: BTreeSet::new(),
        error: None,
    };
    let mut ser = serde_json::Serializer::with_formatter(Hashing::new(json_out), RecordLines::default());
    let doc = Doc {
        format: FORMAT,
        version: FORMAT_VERSION,
        home: home_json(&home),
        period: period_json(period),
        disclosure: rules.to_json(),
        records: Records(RefCell::new(&mut pass)),
    };
    let written = doc.serialize(&mut ser);
    drop(doc);
    if let Some(e) = pass.error.take() {
        return Err(e);
    }
    written?;
    let mut json_h = ser.into_inner();
    json_h.write_all(b"\n")?;
    let (json_out, json_sum) = json_h.finish()?;
    pass.csv.flush()?;
    let (csv_out, csv_sum) = pass
        .csv
        .into_inner()
        .map_err(|e| anyhow::anyhow!("The CSV could not be written: {}", e.error()))?
        .finish()?;
    let mut counts = pass.counts;
    counts.children = pass.kids.len();
    counts.identified_children = pass.kids.values().filter(|v| **v).count();
    let protocols = pass
        .protocols
        .into_iter()
        .map(|(id, version, sha256)| json!({"id": id, "version": version, "sha256": sha256}))
        .collect();
    Ok((
        csv_out,
        json_out,
        Generated {
            home,
            rules,
            counts,
            protocols,
            csv: csv_sum,
            json: json_sum,
            anchor: store.chain_anchor()?,
        },
    ))
}

/// Build an export in memory: nothing is written. Reads the period's incidents through the `incidents_home_time`
/// index and only the amended ones beyond it.
pub fn build(store: &Store, period: &Period) -> anyhow::Result<ExportFiles> {
    let (csv, json, generated) = generate(store, period, Vec::new(), Vec::new())?;
    let next = next_version(store.connection(), period)?;
    let manifest = manifest(&generated, period, "", next, store.now(), "(preview: not written)")?;
    Ok(ExportFiles {
        csv,
        json,
        manifest,
        counts: generated.counts,
        rules: generated.rules,
        period: period.clone(),
    })
}

/// A cell as written: a cell a spreadsheet would run as a formula gets a leading apostrophe.
fn cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

fn csv_row<C: Write>(w: &mut csv::Writer<C>, r: &OutRecord) -> anyhow::Result<()> {
    let c = &r.current;
    let ch = &r.child;
    let police = c.police.as_ref();
    let rest = c.restorative.as_ref();
    let reg35 = c.reg35.as_ref();
    let join = |v: Vec<String>| v.join(";");
    let none = String::new;
    let row: [String; 48] = [
        if r.amends.is_some() { "amendment" } else { "incident" }.into(),
        r.amends.as_ref().map(LedgerRow::name).unwrap_or_default(),
        r.uid.clone(),
        local(c.occurred_at),
        r.child_ref.clone(),
        yes(r.identified).into(),
        if r.identified { ch.name.clone() } else { none() },
        if r.identified {
            ch.dob.format("%Y-%m-%d").to_string()
        } else {
            none()
        },
        if r.identified {
            crate::time::age_on(ch.dob, crate::time::local_date(c.occurred_at)).to_string()
        } else {
            none()
        },
        yes(ch.yos_open).into(),
        if r.identified { ch.yos_ref.clone() } else { none() },
        ch.gender.code().into(),
        ch.ethnicity.code().into(),
        ch.legal_status.code().into(),
        c.location.clone(),
        join(c.categories.iter().map(|x| x.code().to_string()).collect()),
        yes(c.immediate_danger).into(),
        c.recommended.code().into(),
        c.response.code().into(),
        c.rationale.clone(),
        join(c.deescalation.iter().map(code).collect()),
        police.map(|p| code(&p.route)).unwrap_or_default(),
        police.map(|p| code(&p.reason)).unwrap_or_default(),
        c.police_reference().unwrap_or("").into(),
        police.map(|p| p.outcome.code().to_string()).unwrap_or_default(),
        police.and_then(|p| p.court.as_ref()).map(code).unwrap_or_default(),
        police.map(|p| yes(p.arrest).to_string()).unwrap_or_default(),
        rest.map(|x| code(&x.kind)).unwrap_or_default(),
        rest.map(|x| opt_yes(x.victim_consent).to_string()).unwrap_or_default(),
        rest.map(|x| opt_yes(x.held).to_string()).unwrap_or_default(),
        rest.map(|x| x.outcome.clone()).unwrap_or_default(),
        reg35.map(|x| x.measure.clone()).unwrap_or_default(),
        reg35
            .and_then(|x| x.duration_minutes)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        c.injuries.clone(),
        c.damage_cost.map(|d| d.to_string()).unwrap_or_default(),
        join(c.notifications.iter().map(|n| code(&n.who)).collect()),
        yes(c.ofsted_serious).into(),
        c.status().code().into(),
        c.review.signed_by.clone().unwrap_or_default(),
        c.review.signed_at.map(local).unwrap_or_default(),
        c.protocol.id.clone(),
        c.protocol.version.clone(),
        yes(r.accounts).into(),
        c.account.clone(),
        c.child_view.as_ref().map(|v| v.text.clone()).unwrap_or_default(),
        c.recorded_by.clone(),
        local(c.recorded_at),
        r.entries.len().to_string(),
    ];
    w.write_record(row.iter().map(|s| match cell(s) {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }))?;
    Ok(())
}

fn period_json(p: &Period) -> Value {
    json!({
        "label": p.label,
        "start": crate::time::to_db(p.start),
        "end": crate::time::to_db(p.end),
        "first_day": p.first_day.format("%Y-%m-%d").to_string(),
        "last_day": p.last_day.format("%Y-%m-%d").to_string(),
    })
}

fn home_json(h: &Home) -> Value {
    json!({"uid": h.uid, "name": h.name, "ofsted_urn": h.ofsted_urn})
}

fn sha256_hex(b: &[u8]) -> String {
    crate::hash::sha256_hex(b)
}

fn manifest(
    g: &Generated,
    period: &Period,
    uid: &str,
    version: u32,
    at: DateTime<Utc>,
    by: &str,
) -> anyhow::Result<Vec<u8>> {
    let names = file_names(&g.home.name, period, version);
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

fn next_version(conn: &rusqlite::Connection, period: &Period) -> rusqlite::Result<u32> {
    let v: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM exports WHERE period_start = ?1 AND period_end = ?2",
        params![crate::time::to_db(period.start), crate::time::to_db(period.end)],
        |r| r.get(0),
    )?;
    Ok(v as u32)
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
struct Staging {
    path: PathBuf,
    /// Once the ledger row is committed, the folder belongs to the ledger: it is finished, never removed.
    keep: bool,
}

impl Staging {
    fn create(dir: &Path, uid: &str) -> std::io::Result<Staging> {
        let path = crate::fsio::temp_dir_in(dir, &format!("set-{uid}"))?;
        Ok(Staging { path, keep: false })
    }

    /// A new private file in the folder.
    fn file(&self, name: &str) -> std::io::Result<std::fs::File> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        o.open(self.path.join(name))
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
fn staged_uid(name: &str) -> Option<&str> {
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

fn not_written(dir: &Path, e: impl std::fmt::Display) -> String {
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
        let mut version = next_version(w.conn(), period)?;
        // A file of that name left by hand (or another PC) is never replaced: take the next free version.
        while file_names(&built.home.name, period, version)
            .iter()
            .any(|n| dir.join(n).symlink_metadata().is_ok())
        {
            version += 1;
        }
        let names = file_names(&built.home.name, period, version);
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
        w.insert(
            "exports",
            "INSERT INTO exports (uid, period_label, period_start, period_end, version, generated_at, generated_by, \
             folder, files, incident_count, amendments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                uid,
                period.label,
                crate::time::to_db(period.start),
                crate::time::to_db(period.end),
                version,
                w.now_str(),
                actor.name,
                dir.display().to_string(),
                files_json.to_string(),
                built.counts.incidents as i64,
                built.counts.amendments as i64
            ],
        )?;
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

/// The SHA-256 of a file, read in pieces.
fn file_sha256(p: &Path) -> std::io::Result<String> {
    let mut h = crate::hash::Sha256::new();
    std::io::copy(&mut std::fs::File::open(p)?, &mut h)?;
    Ok(h.finish_hex())
}

/// Move a recorded set's files from its hidden folder into `dir`, the manifest last, never over a file, then
/// remove the folder. A file already moved (by an earlier, interrupted run) is left as it is. With `sums`,
/// each file still in the folder must have that SHA-256, or nothing more is moved.
fn finish_set(
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
    let mut dirs: BTreeSet<String> = store
        .connection()
        .prepare("SELECT DISTINCT folder FROM exports")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .unwrap_or_default();
    if let Ok(f) = store.setting("export_folder") {
        dirs.insert(f);
    }
    dirs.iter()
        .filter(|d| !d.is_empty())
        .flat_map(|d| recover_in(store, Path::new(d)))
        .collect()
}

/// [`recover_unfinished`] for one folder.
fn recover_in(store: &Store, dir: &Path) -> Vec<String> {
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
        let row: rusqlite::Result<Option<(String, String, u32)>> = store
            .connection()
            .query_row(
                "SELECT files, period_label, version FROM exports WHERE uid = ?1",
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u32)),
            )
            .optional();
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

/// The ledger, newest first, for the screen.
pub fn recent_exports(store: &Store, limit: usize) -> anyhow::Result<Vec<(String, u32, String, String)>> {
    let mut s = store.connection().prepare_cached(
        "SELECT period_label, version, generated_at, generated_by FROM exports ORDER BY id DESC LIMIT ?1",
    )?;
    let v = s
        .query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u32,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v.into_iter()
        .map(|(l, v, g, b)| (l, v, crate::time::from_db(&g).map(crate::time::show).unwrap_or(g), b))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::children::tests::input;
    use crate::store::staff::tests::{actor, set_up};

    #[test]
    fn formula_cells_are_neutralised() {
        for c in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(c).starts_with('\''), "{c}");
        }
        assert_eq!(neutralise("Kitchen"), "Kitchen");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn each_record_is_a_line_of_compact_json() {
        let lines = |records: Vec<Value>| {
            let mut ser = serde_json::Serializer::with_formatter(Vec::new(), RecordLines::default());
            let doc = Doc {
                format: FORMAT,
                version: FORMAT_VERSION,
                home: json!({"uid": "h", "tags": ["a", "b"]}),
                period: json!({"label": "2026-W47"}),
                disclosure: json!({}),
                records: &records,
            };
            doc.serialize(&mut ser).unwrap();
            let text = String::from_utf8(ser.into_inner()).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back["records"], Value::Array(records.clone()), "{text}");
            text
        };
        let none = lines(vec![]);
        assert!(!none.contains('\n') && none.ends_with(r#""records":[]}"#), "{none}");
        let two = lines(vec![
            json!({"uid": "1", "entries": [{"at": "x"}, {"at": "y"}], "text": "a\nb"}),
            json!({"uid": "2", "entries": []}),
        ]);
        let got: Vec<&str> = two.lines().collect();
        assert_eq!(got.len(), 4, "{two}");
        assert!(got[0].ends_with(r#""disclosure":{},"records":["#) && got[0].contains(r#""tags":["a","b"]"#));
        assert_eq!(
            got[1],
            r#"{"uid":"1","entries":[{"at":"x"},{"at":"y"}],"text":"a\nb"},"#
        );
        assert_eq!(got[2], r#"{"uid":"2","entries":[]}"#);
        assert_eq!(got[3], "]}");
    }

    #[test]
    fn slugs_and_names() {
        assert_eq!(slug("Oak House"), "oak-house");
        assert_eq!(slug("  St. Mary's / Annexe "), "st-mary-s-annexe");
        assert_eq!(slug("***"), "home");
        let p = Period::parse_week("2026-W47").unwrap();
        assert_eq!(file_names("Oak House", &p, 1)[0], "oak-house-2026-W47.csv");
        assert_eq!(file_names("Oak House", &p, 2)[2], "oak-house-2026-W47-v2.manifest.json");
    }

    #[test]
    fn the_hash_is_of_the_bytes_written_here_or_on_its_thread() {
        for len in [0usize, 10, (1 << 18) + 3, (1 << 20) - 1, 5 << 20] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 1000) as u8).collect();
            let mut h = Hashing::new(Vec::new());
            // Pieces of many sizes, as the serializer writes them.
            let mut at = 0;
            let mut step = 1;
            while at < data.len() {
                let end = (at + step).min(data.len());
                h.write_all(&data[at..end]).unwrap();
                at = end;
                step = step * 3 % 70_001 + 1;
            }
            let (out, sum) = h.finish().unwrap();
            assert_eq!(out, data, "{len}");
            assert_eq!(sum.bytes, len as u64);
            assert_eq!(sum.sha256, sha256_hex(&data), "{len}");
        }
    }

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = pseudonym("secret", "child-1");
        assert_eq!(a, pseudonym("secret", "child-1"));
        assert_ne!(a, pseudonym("other", "child-1"));
        assert_ne!(a, pseudonym("secret", "child-2"));
        assert_eq!(a.len(), 64);
        assert_eq!(pseudonym("x", "pseudonym:abc"), "abc");
        // The same pseudonyms as before ring replaced the sha2 and hmac crates (values from the old code): a
        // child keeps their pseudonym in every weekly file.
        assert_eq!(a, "6cd8eb8346b13554884b470ed0872f6422c36da9675017eccb5534d56c35ec0a");
        assert_eq!(
            pseudonym("a home secret é", "2b0f5c1e-uid"),
            "b898b5f1787e6a50612113d6d6b426197fccd933ad67334cf6f30cd0f92dc16b"
        );
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn stop_at(at: Stage) -> impl FnMut(Stage) -> std::io::Result<()> {
        move |s| {
            if s == at {
                Err(std::io::Error::other("the power went"))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn an_export_stopped_before_it_is_recorded_leaves_nothing() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.add_child(&a, &input("Jordan Smith")).unwrap();
        let p = last_week(s.now());
        for at in [Stage::Generated, Stage::Staged] {
            let dir = tempfile::tempdir().unwrap();
            let e = write_hooked(&mut s, &a, &p, dir.path(), &mut stop_at(at)).unwrap_err();
            assert!(e.to_string().contains("Nothing was written"), "{at:?}: {e}");
            assert!(entries(dir.path()).is_empty(), "{at:?}: {:?}", entries(dir.path()));
            assert!(!is_exported(&s, &p).unwrap());
        }
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn an_export_stopped_after_it_is_recorded_is_finished_at_the_next_start() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.add_child(&a, &input("Jordan Smith")).unwrap();
        let p = last_week(s.now());
        for (i, at) in [Stage::Recorded, Stage::Placed(0), Stage::Placed(1)]
            .into_iter()
            .enumerate()
        {
            let dir = tempfile::tempdir().unwrap();
            s.set_setting(&a, "export_folder", dir.path().to_str().unwrap())
                .unwrap();
            let e = write_hooked(&mut s, &a, &p, dir.path(), &mut stop_at(at)).unwrap_err();
            assert!(e.to_string().contains("recorded as version"), "{at:?}: {e}");
            let version = i as u32 + 1;
            let names = file_names("Oak House", &p, version);
            // No manifest without its files: the manifest is always the last to appear.
            assert!(!dir.path().join(&names[2]).exists(), "{at:?}");
            let msgs = recover_unfinished(&s);
            assert_eq!(msgs.len(), 1, "{at:?}: {msgs:?}");
            assert!(msgs[0].contains("now in"), "{}", msgs[0]);
            assert_eq!(
                entries(dir.path()),
                {
                    let mut n = names.to_vec();
                    n.sort();
                    n
                },
                "{at:?}"
            );
            // The set is the one recorded: the manifest's hashes match the files.
            let man: Value = serde_json::from_slice(&std::fs::read(dir.path().join(&names[2])).unwrap()).unwrap();
            for f in man["files"].as_array().unwrap() {
                let got = file_sha256(&dir.path().join(f["name"].as_str().unwrap())).unwrap();
                assert_eq!(got, f["sha256"].as_str().unwrap());
            }
            assert!(recover_unfinished(&s).is_empty(), "nothing left to do");
        }
        // A later export of the same week is the next version, beside the others.
        let dir = tempfile::tempdir().unwrap();
        let r = write(&mut s, &a, &p, dir.path()).unwrap();
        assert_eq!(r.version, 4);
        assert!(r.files[0].to_string_lossy().ends_with("-v4.csv"));
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn an_unrecorded_hidden_folder_is_removed_and_a_recorded_one_is_not() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let dir = tempfile::tempdir().unwrap();
        s.set_setting(&a, "export_folder", dir.path().to_str().unwrap())
            .unwrap();
        let stray = dir
            .path()
            .join(format!("{}4294967-set-abc", crate::fsio::PARTIAL_PREFIX));
        std::fs::create_dir(&stray).unwrap();
        std::fs::write(stray.join("x.csv"), "Jordan").unwrap();
        std::fs::write(
            dir.path().join(format!("{}4294967-x.tmp", crate::fsio::PARTIAL_PREFIX)),
            "x",
        )
        .unwrap();
        std::fs::write(dir.path().join("mine.csv"), "kept").unwrap();
        // The generic cleaner leaves a set's folder to the ledger's owner.
        crate::fsio::clean_leftovers(dir.path());
        assert!(stray.exists());
        let msgs = recover_unfinished(&s);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("removed"), "{}", msgs[0]);
        assert_eq!(entries(dir.path()), vec!["mine.csv".to_string()]);
    }

    #[test]
    fn a_full_disk_under_the_database_leaves_no_unrecorded_set() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.add_child(&a, &input("Jordan Smith")).unwrap();
        let p = last_week(s.now());
        let pages: i64 = s.connection().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        let _: i64 = s
            .connection()
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get(0))
            .unwrap();
        // Fill what room is left in the file's pages.
        let mut n = 0;
        while s
            .save_draft(&a, None, crate::store::drafts::INCIDENT, "x", &"y".repeat(500))
            .is_ok()
        {
            n += 1;
            assert!(n < 2000, "the disk never filled");
        }
        let dir = tempfile::tempdir().unwrap();
        let e = write(&mut s, &a, &p, dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("disk holding the records is full") && e.contains("nothing was put in"),
            "{e}"
        );
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
        assert!(!is_exported(&s, &p).unwrap());
    }

    fn plan(s: &Store, sql: &str, args: &[&str]) -> String {
        let mut st = s.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows: Vec<String> = st
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.join("; ")
    }

    #[test]
    fn the_weeks_incidents_and_amendments_are_read_through_indexes() {
        let (s, _) = set_up();
        let week = plan(&s, PERIOD_SQL, &["2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z", "h"]);
        // Only this home's week is read, however many other homes' records a YOS holds.
        assert!(
            week.contains("USING INDEX incidents_home_time (home_uid=? AND occurred_at>? AND occurred_at<?)"),
            "{week}"
        );
        assert!(!week.contains("SCAN incidents"), "{week}");
        let amended = plan(&s, AMENDED_SQL, &["2026-11-16T00:00:00Z", "h"]);
        assert!(
            amended.contains("USING INDEX incidents_updated (home_uid=? AND updated_at>?)"),
            "{amended}"
        );
        let one = plan(&s, ONE_SQL, &["1"]);
        assert!(one.contains("USING INTEGER PRIMARY KEY (rowid=?)"), "{one}");
        let entries = plan(&s, ENTRIES_SQL, &["1"]);
        assert!(
            entries.contains("USING INDEX entries_incident (incident_id=?)"),
            "{entries}"
        );
        assert!(!entries.contains("TEMP B-TREE"), "{entries}");
    }

    #[test]
    fn only_managers_export() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let w = s
            .add_staff(&a, "Sam Night", crate::domain::Role::Staff, "night shift 1")
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = last_week(s.now());
        let e = write(&mut s, &actor(&w), &p, dir.path()).unwrap_err();
        assert!(e.to_string().contains("only a manager"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
