//! The records of a set: what is withheld, and the one pass that writes the CSV and the JSON together.

use super::*;
use crate::store::exports::ExportIncident;

pub(super) fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::time::ZONE).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

pub(super) fn opt_yes(b: Option<bool>) -> &'static str {
    b.map(yes).unwrap_or("")
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// What stands in a withheld text that was written (a restorative outcome, a regulation 35 record's answers): the
/// reader sees that something was recorded and the measures count it, without its words.
pub const WITHHELD: &str = "(withheld)";

/// A withheld text: [`WITHHELD`] where something was written, empty where nothing was.
fn withheld(s: &str) -> String {
    if s.trim().is_empty() {
        String::new()
    } else {
        WITHHELD.to_string()
    }
}

/// One incident as it goes out, with the rules applied.
pub(super) struct OutRecord {
    pub(super) uid: String,
    pub(super) amends: Option<LedgerRow>,
    pub(super) child: Rc<Child>,
    pub(super) child_ref: String,
    /// The child's stable pseudonym, carried beside the name while the child is named.
    pub(super) pseudonym: Rc<str>,
    /// The period's first and last days (what the child's facts are given for).
    pub(super) days: (NaiveDate, NaiveDate),
    pub(super) identified: bool,
    pub(super) accounts: bool,
    pub(super) recorded: IncidentRecord,
    pub(super) current: IncidentRecord,
    pub(super) entries: Vec<Entry>,
}

/// Free text not shared when a child's accounts are withheld: everything narrative that may name or describe
/// people. Kept: location, the response, its rationale and the protocol's reason, police details, the reg 35
/// measure, duration and who used it, and who recorded, added and signed what.
pub(super) fn withhold_in_house(x: &mut crate::domain::InHouse) {
    x.what_was_done.clear();
    x.consequence.clear();
    x.reparation.clear();
    x.follow_up.clear();
}

pub(super) fn withhold_restorative(x: &mut crate::domain::Restorative) {
    x.participants.clear();
    x.agreed.clear();
    // Whether an outcome was written is a measure (restorative outcomes recorded): kept as a flag.
    x.outcome = withheld(&x.outcome);
}

pub(super) fn withhold_reg35(x: &mut crate::domain::Reg35) {
    x.others_present.clear();
    // Whether the record has what the regulation requires is a measure (recorded within 24 hours): kept as flags.
    x.avoid_tried = withheld(&x.avoid_tried);
    x.effectiveness = withheld(&x.effectiveness);
    x.consequences.clear();
    x.injuries.clear();
    x.treatment.clear();
}

/// Remove free text from a record whose accounts are not shared.
pub(super) fn withhold_record(r: &mut IncidentRecord) {
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
    for n in &mut r.not_told {
        if let crate::domain::NotTold::NotNeeded { why, .. } = n {
            why.clear();
        }
    }
    if let Some(m) = &mut r.missing {
        m.not_reported_why.clear();
    }
}

pub(super) fn withhold_entry(e: &mut Entry) {
    match &mut e.change {
        Change::ChildView { view } => view.text.clear(),
        Change::Note { text } => text.clear(),
        Change::SignOff { comment } => comment.clear(),
        Change::InHouse { in_house } => withhold_in_house(in_house),
        Change::Restorative { restorative } => withhold_restorative(restorative),
        Change::Reg35 { reg35 } => withhold_reg35(reg35),
        Change::Notified { notification } => notification.note.clear(),
        Change::Missing { missing } => missing.not_reported_why.clear(),
        Change::Correction { field, value, reason } => {
            reason.clear();
            if !matches!(field, CorrectableField::Location) {
                value.clear()
            }
        }
        _ => {}
    }
}
/// Reads the records one at a time and writes each to the CSV as it goes; the JSON side is the
/// [`Serialize`] of [`Records`], so both files are written in one pass and no record is held after it is out.
pub(super) struct Pass<'a, C: Write> {
    pub(super) store: &'a Store,
    pub(super) period: &'a Period,
    pub(super) home: &'a Home,
    pub(super) rules: Rules,
    pub(super) amended: Vec<(i64, LedgerRow)>,
    pub(super) csv: csv::Writer<C>,
    /// Each child read once, with their pseudonym (an HMAC, computed once rather than for every record).
    pub(super) children: HashMap<i64, (Rc<Child>, Rc<str>)>,
    pub(super) counts: Counts,
    pub(super) kids: BTreeMap<String, bool>,
    pub(super) protocols: BTreeSet<(String, String, String)>,
    /// The first failure, kept here because the serializer can only carry a message.
    pub(super) error: Option<anyhow::Error>,
    /// Records written so far, and how many the set will hold: told to [`crate::progress`].
    pub(super) progress: (u64, u64),
}

/// The stage `concordat export` shows beside its progress bar.
pub const PROGRESS_STAGE: &str = "writing the weekly file (records)";

impl<C: Write> Pass<'_, C> {
    pub(super) fn unreadable(id: i64, e: serde_json::Error) -> StoreError {
        StoreError::Invalid(format!("incident {id} is unreadable: {e}"))
    }

    /// One incident as it goes out, from its row.
    pub(super) fn out_record(&mut self, row: ExportIncident, amends: Option<LedgerRow>) -> anyhow::Result<OutRecord> {
        let (id, child_id) = (row.id, row.child_id);
        let mut recorded: IncidentRecord = serde_json::from_str(&row.record).map_err(|e| Self::unreadable(id, e))?;
        let mut current: IncidentRecord = serde_json::from_str(&row.current).map_err(|e| Self::unreadable(id, e))?;
        let mut entries = self.store.export_entries(id, &row.uid)?;
        let (child, pseudonym_of_child) = self.child(child_id)?;
        let (identified, child_ref) = self.reference(&child, &pseudonym_of_child);
        let accounts = self.rules.accounts.applies(child.yos_open);
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
            pseudonym: pseudonym_of_child,
            days: (self.period.first_day, self.period.last_day),
            identified,
            accounts,
            recorded,
            current,
            entries,
        })
    }

    /// A child, read once, with their pseudonym (an HMAC, computed once rather than for every record).
    pub(super) fn child(&mut self, child_id: i64) -> anyhow::Result<(Rc<Child>, Rc<str>)> {
        Ok(match self.children.get(&child_id) {
            Some(c) => c.clone(),
            None => {
                let c = Rc::new(self.store.child(child_id)?);
                // An imported child keeps the pseudonym the home's files gave it (a home moved to a new PC has a
                // new secret); any other child's is computed from this home's secret.
                let kept: Option<String> = self.store.kept_pseudonym(child_id)?;
                let p: Rc<str> = kept
                    .unwrap_or_else(|| pseudonym(&self.home.pseudonym_secret, &c.uid))
                    .into();
                self.children.insert(child_id, (c.clone(), p.clone()));
                (c, p)
            }
        })
    }

    /// Whether a child is named in this set, and the reference they go under.
    pub(super) fn reference(&self, child: &Child, pseudonym: &str) -> (bool, String) {
        let identified = self.rules.identify.applies(child.yos_open) && !child.uid.starts_with(PSEUDONYM_UID_PREFIX);
        (
            identified,
            if identified {
                child.uid.clone()
            } else {
                pseudonym.to_string()
            },
        )
    }

    /// Count a record and write its CSV row.
    pub(super) fn tally_and_csv(&mut self, r: &OutRecord) -> anyhow::Result<()> {
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
    pub(super) fn run(&mut self, each: &mut dyn FnMut(&OutRecord) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let store = self.store;
        let (start, end, home_uid) = (self.period.start, self.period.end, self.home.uid.clone());
        self.progress = (
            0,
            store.export_incident_count(start, end, &home_uid)? + self.amended.len() as u64,
        );
        crate::progress::report(PROGRESS_STAGE, 0, self.progress.1);
        store.each_export_incident(start, end, &home_uid, &mut |row| -> anyhow::Result<()> {
            let r = self.out_record(row, None)?;
            self.tally_and_csv(&r)?;
            self.one_more();
            each(&r)
        })?;
        for (id, l) in std::mem::take(&mut self.amended) {
            let row = store.export_incident(id)?;
            let r = self.out_record(row, Some(l))?;
            self.tally_and_csv(&r)?;
            self.one_more();
            each(&r)?;
        }
        crate::progress::report(PROGRESS_STAGE, self.progress.1, self.progress.1);
        Ok(())
    }

    /// One more record written: told every 64 records (a bar needs no more), and at the last.
    fn one_more(&mut self) {
        self.progress.0 += 1;
        let (done, total) = self.progress;
        if done % 64 == 0 || done >= total {
            crate::progress::report(PROGRESS_STAGE, done, total);
        }
    }
}

/// The `records` array of the JSON, produced while it is serialized.
pub(super) struct Records<'p, 'a, C: Write>(RefCell<&'p mut Pass<'a, C>>);

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
pub(super) struct RecordJson<'a> {
    pub(super) uid: &'a str,
    pub(super) amends: Option<AmendsJson<'a>>,
    pub(super) child: ChildJson<'a>,
    pub(super) accounts_included: bool,
    pub(super) recorded: &'a IncidentRecord,
    pub(super) entries: &'a [Entry],
    pub(super) current: &'a IncidentRecord,
}

#[derive(Serialize)]
pub(super) struct AmendsJson<'a> {
    pub(super) export_uid: &'a str,
    pub(super) period: &'a str,
    pub(super) version: u32,
    pub(super) name: String,
}

#[derive(Serialize)]
pub(super) struct ChildJson<'a> {
    #[serde(rename = "ref")]
    pub(super) reference: &'a str,
    pub(super) identified: bool,
    pub(super) name: Option<&'a str>,
    pub(super) dob: Option<String>,
    pub(super) yos_open: bool,
    pub(super) yos_ref: Option<&'a str>,
    pub(super) gender: &'static str,
    pub(super) ethnicity: &'static str,
    pub(super) legal_status: &'static str,
    /// The child's stable pseudonym, also while named: the YOS keeps one child whatever the file says.
    pub(super) pseudonym: &'a str,
    /// Age in years on the day of the incident (null in the list of children).
    pub(super) age_at_incident: Option<i32>,
    /// Age in years on the period's last day.
    pub(super) age_on_last_day: i32,
    /// The month the child began to be looked after in the home, YYYY-MM.
    pub(super) looked_after_from: String,
    /// The day the child came to the home, when it is in the period.
    pub(super) arrived: Option<String>,
    /// The day the child left the home, when it is in the period or before it.
    pub(super) left: Option<String>,
    /// The day `yos_open` and the ages are given for: the period's last day.
    pub(super) facts_on: String,
    /// The child's YOS status by day up to the period's last day, oldest first (the list of children only; none
    /// for a child whose status has not changed since the history began).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) yos_history: Vec<YosDayJson>,
}

/// One day of a child's YOS history in a set: the status from that day.
#[derive(Serialize)]
pub(super) struct YosDayJson {
    pub(super) since: String,
    pub(super) open: bool,
}

impl<'a> ChildJson<'a> {
    /// A child as a set carries them: named or under the pseudonym, with what the measures need either way.
    pub(super) fn of(
        c: &'a Child,
        reference: &'a str,
        pseudonym: &'a str,
        identified: bool,
        (first, last): (NaiveDate, NaiveDate),
        on: Option<NaiveDate>,
    ) -> ChildJson<'a> {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let id = identified;
        ChildJson {
            reference,
            identified: id,
            name: id.then_some(c.name.as_str()),
            dob: id.then(|| day(c.dob)),
            yos_open: c.yos_open,
            yos_ref: id.then_some(c.yos_ref.as_str()),
            gender: c.gender.code(),
            ethnicity: c.ethnicity.code(),
            legal_status: c.legal_status.code(),
            pseudonym,
            age_at_incident: on.map(|d| crate::time::age_on(c.dob, d)),
            age_on_last_day: crate::time::age_on(c.dob, last),
            looked_after_from: c.admitted.format("%Y-%m").to_string(),
            arrived: (c.admitted >= first && c.admitted <= last).then(|| day(c.admitted)),
            left: c.discharged.filter(|d| *d <= last).map(day),
            facts_on: day(last),
            yos_history: Vec::new(),
        }
    }
}

impl<'a> RecordJson<'a> {
    pub(super) fn of(r: &'a OutRecord) -> RecordJson<'a> {
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
            child: ChildJson::of(
                c,
                &r.child_ref,
                &r.pseudonym,
                id,
                r.days,
                Some(crate::time::local_date(r.recorded.occurred_at)),
            ),
            accounts_included: r.accounts,
            recorded: &r.recorded,
            entries: &r.entries,
            current: &r.current,
        }
    }
}

/// The JSON document (fields in the published order).
#[derive(Serialize)]
pub(super) struct Doc<'a, R: Serialize> {
    pub(super) format: &'a str,
    pub(super) version: u64,
    pub(super) home: Value,
    pub(super) period: Value,
    pub(super) disclosure: Value,
    /// Every child in the home at any time in the period, with or without an incident: the measures' totals.
    pub(super) children: Vec<ChildJson<'a>>,
    pub(super) records: R,
}

/// Compact JSON with each record on a line of its own: a third smaller than indented JSON (so a third less to
/// write and hash in a long export), and still one record to a line for a person looking at a week's file or
/// searching it for an incident's uid. JSON readers ignore the line breaks.
#[derive(Default)]
pub(super) struct RecordLines {
    /// How many objects and arrays are open: the records array is the only array directly in the document.
    pub(super) depth: usize,
    /// Whether the records array has had a record.
    pub(super) records: bool,
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
pub(super) fn generate<C: Write, J: Write>(
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
        progress: (0, 0),
    };
    // Every child in the home during the period, each with the reference the records use.
    let mut roster = Vec::new();
    for c in store.all_children()? {
        if c.home_uid == home.uid && crate::report::in_home_during(&c, period.first_day, period.last_day) {
            let (c, p) = pass.child(c.id)?;
            let (identified, reference) = pass.reference(&c, &p);
            roster.push((c, p, identified, reference));
        }
    }
    let days = (period.first_day, period.last_day);
    let yos_history = store.all_yos_history()?;
    let mut ser = serde_json::Serializer::with_formatter(Hashing::new(json_out), RecordLines::default());
    let doc = Doc {
        format: FORMAT,
        version: FORMAT_VERSION,
        home: home_json(&home),
        period: period_json(period),
        disclosure: rules.to_json(),
        children: roster
            .iter()
            .map(|(c, p, id, r)| {
                let mut j = ChildJson::of(c, r, p, *id, days, None);
                let h = yos_history.get(&c.id).map_or(&[][..], |v| v.as_slice());
                j.yos_history = crate::store::yos_history::by_day(h)
                    .into_iter()
                    .filter(|(d, _)| *d <= period.last_day)
                    .map(|(d, open)| YosDayJson {
                        since: d.format("%Y-%m-%d").to_string(),
                        open,
                    })
                    .collect();
                j
            })
            .collect(),
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
    let next = store.next_export_version(period.start, period.end)?;
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
pub(super) fn cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

pub(super) fn csv_row<C: Write>(w: &mut csv::Writer<C>, r: &OutRecord) -> anyhow::Result<()> {
    let c = &r.current;
    let ch = &r.child;
    let police = c.police.as_ref();
    let rest = c.restorative.as_ref();
    let reg35 = c.reg35.as_ref();
    let join = |v: Vec<String>| v.join(";");
    let none = String::new;
    let on = crate::time::local_date(c.occurred_at);
    let row: [String; 52] = [
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
        join(c.deescalation.iter().map(|d| d.code().to_string()).collect()),
        police.map(|p| p.route.code().to_string()).unwrap_or_default(),
        police.map(|p| p.reason.code().to_string()).unwrap_or_default(),
        c.police_reference().unwrap_or("").into(),
        police.map(|p| p.outcome.code().to_string()).unwrap_or_default(),
        police
            .and_then(|p| p.court)
            .map(|c| c.code().to_string())
            .unwrap_or_default(),
        police.map(|p| yes(p.arrest).to_string()).unwrap_or_default(),
        rest.map(|x| x.kind.code().to_string()).unwrap_or_default(),
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
        join(c.notifications.iter().map(|n| n.who.code().to_string()).collect()),
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
        r.pseudonym.to_string(),
        crate::time::age_on(ch.dob, on).to_string(),
        crate::time::age_on(ch.dob, r.days.1).to_string(),
        ch.admitted.format("%Y-%m").to_string(),
    ];
    w.write_record(row.iter().map(|s| match cell(s) {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }))?;
    Ok(())
}

pub(super) fn period_json(p: &Period) -> Value {
    json!({
        "label": p.label,
        "start": crate::time::to_db(p.start),
        "end": crate::time::to_db(p.end),
        "first_day": p.first_day.format("%Y-%m-%d").to_string(),
        "last_day": p.last_day.format("%Y-%m-%d").to_string(),
    })
}

pub(super) fn home_json(h: &Home) -> Value {
    json!({"uid": h.uid, "name": h.name, "ofsted_urn": h.ofsted_urn})
}
