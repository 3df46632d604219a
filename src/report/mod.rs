//! Reports for the home, the YOS and the Corporate Parenting Committee: the measures they ask for, for any
//! period, per home (when the database holds imported records of several homes) and in total.
//!
//! Only the period's incidents are read, through the `incidents_time` index (never the whole table); children
//! admitted or discharged part-way through a period count for the period they were in the home.

pub mod court;
pub mod render;
#[cfg(test)]
mod same_figures;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use memchr::memmem::Finder;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::domain::{
    CallReason, Category, Change, Child, CourtOutcome, Ethnicity, Gender, MissingKind, PoliceOutcome, PoliceRoute,
    Response, RestorativeKind,
};
use crate::store::Store;
use crate::time::{Period, age_on};

/// A count out of a total. Never NaN: with nothing to count, `percent` is None and the text says so.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    pub count: u64,
    pub of: u64,
    /// Rounded to one decimal place; None when `of` is 0.
    pub percent: Option<f64>,
}

impl Ratio {
    pub fn new(count: u64, of: u64) -> Ratio {
        let percent = if of == 0 {
            None
        } else {
            Some((count as f64 * 1000.0 / of as f64).round() / 10.0)
        };
        Ratio { count, of, percent }
    }
}

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.percent {
            Some(p) => write!(f, "{} of {} ({p:.1}%)", self.count, self.of),
            None => write!(f, "{} of {} (none to count)", self.count, self.of),
        }
    }
}

/// A named count (a category, a reason, an outcome) with its share of the relevant total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub code: String,
    pub label: String,
    #[serde(flatten)]
    pub ratio: Ratio,
}

fn line(code: &str, label: &str, count: u64, of: u64) -> Line {
    Line {
        code: code.to_string(),
        label: label.to_string(),
        ratio: Ratio::new(count, of),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responses {
    pub in_house: Ratio,
    pub restorative: Ratio,
    pub police: Ratio,
    /// Incidents NOT referred to the police, of all incidents.
    pub diversion_rate: Ratio,
    /// Behaviour incidents (all but missing and absent episodes) not reported to the police as an offence, of
    /// behaviour incidents: a missing-person report is for the child's safety, not criminalisation.
    pub diversion_rate_behaviour: Ratio,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoliceMeasures {
    /// Calls for service: incidents with police details, plus missing episodes reported to the police.
    pub calls: u64,
    pub by_reason: Vec<Line>,
    pub emergency_999: Ratio,
    pub non_emergency: Ratio,
    /// Missing reports made without police details recorded (route unknown).
    pub route_not_recorded: Ratio,
    /// Outcomes of the incidents with police details.
    pub outcomes: Vec<Line>,
    /// Police referrals (response police) that were violence against the person or criminal damage.
    pub referrals_violence_or_damage: Ratio,
    /// Offences reported to the police: police referrals for behaviour, not missing or absent reports.
    pub offences_reported: u64,
    /// Offences reported that were violence against the person or criminal damage, of offences reported.
    pub offences_violence_or_damage: Ratio,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestorativeMeasures {
    /// Incidents with a restorative intervention planned or recorded.
    pub planned: u64,
    pub held: Ratio,
    pub not_held: Ratio,
    pub not_yet_known: Ratio,
    /// Held, with what came of it written down.
    pub outcome_recorded: Ratio,
    pub victim_consented: Ratio,
    pub by_kind: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildrenMeasures {
    /// Children in the home at any time during the period.
    pub in_home: u64,
    /// Children in the home with at least one incident in the period.
    pub involved: Ratio,
    /// Incidents per child involved, two decimals; None with no children involved.
    pub incidents_per_child_involved: Option<f64>,
    /// Incidents per child in the home during the period; None with no children.
    pub incidents_per_child_in_home: Option<f64>,
    /// Children with two or more incidents, of children involved.
    pub repeat: Ratio,
}

/// Children open to the YOS at the end of a quarter (or on the period's last day, if the quarter runs on). A
/// report holds every quarter end of its period and at least the last four up to its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YosSnapshot {
    pub quarter: String,
    pub on: NaiveDate,
    /// True when `on` is the quarter's last day; false when the period ends first.
    pub quarter_end: bool,
    pub open: Ratio,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoRow {
    /// gender, ethnic_group, ethnicity, age_band
    pub dimension: String,
    pub group: String,
    /// Of children with a police referral in the period.
    pub referred: Ratio,
    /// Of all children in the home during the period.
    pub in_home: Ratio,
}

/// The percentage of each gender by ethnic group and by age band, with an "All" column, as the YOS caseload
/// slides lay it out: of the children in the home during the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenderTable {
    /// Each gender with a child in the home, then "All".
    pub columns: Vec<String>,
    /// The children in each column (each cell's denominator).
    pub totals: Vec<u64>,
    pub rows: Vec<GenderRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenderRow {
    /// ethnic_group or age_band
    pub dimension: String,
    pub group: String,
    /// One per column: children of that gender in this group, of children of that gender.
    pub cells: Vec<Ratio>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statutory {
    /// Year ending on the period's last day.
    pub year_from: NaiveDate,
    pub year_to: NaiveDate,
    /// The cohort: in the home at the year's end, there since before the month the year began (so continuously
    /// for 12 months or more), and aged 10 or over.
    pub cohort: u64,
    /// Of the cohort: convicted or given a youth caution / youth conditional caution during the year.
    pub indicator: Ratio,
    pub convicted: u64,
    pub cautioned: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reg35Measures {
    /// Records with a measure of control, discipline or restraint.
    pub restraints: u64,
    pub children: u64,
    pub recorded_within_24h: Ratio,
    pub signed_within_48h: Ratio,
}

/// Every measure, for one home or for all homes together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    pub scope: String,
    /// The home's uid: per home, and for the total of a database of one home; None for all homes together.
    pub home_uid: Option<String>,
    /// The home's Ofsted URN (empty when not recorded, and for all homes together).
    pub ofsted_urn: String,
    pub incidents: u64,
    pub responses: Responses,
    pub categories: Vec<Line>,
    pub violence_or_damage: Ratio,
    pub police: PoliceMeasures,
    pub restorative: RestorativeMeasures,
    pub children: ChildrenMeasures,
    pub yos_snapshots: Vec<YosSnapshot>,
    pub demographics: Vec<DemoRow>,
    pub by_gender: GenderTable,
    pub statutory: Statutory,
    pub reg35: Reg35Measures,
    /// Offences proven, court appearances, breaches: the YOS's own entries (see [`court`]); None on a home's
    /// database, which does not hold them ("held by the YOS", never 0).
    pub court: Option<court::CourtMeasures>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub total: Measures,
    /// One per home, when the database holds records of more than one home; empty otherwise.
    pub per_home: Vec<Measures>,
    pub notes: Vec<String>,
}

pub const NOTES: [&str; 4] = [
    "Children open to the YOS at a quarter's end: the status on that day, from the register's history of each \
     change of status; a child whose status has not changed since that history began (before this version) counts \
     with today's status since admission.",
    "Age bands are the age on the period's last day, or on the day of discharge for a child who left earlier.",
    "Statutory indicator: 'looked after for 12 months' is counted from admission to the home, by month: a child \
     admitted before the month the year began; convictions and cautions are those recorded on the home's \
     incidents in the year.",
    "Regulation 35 timing is measured from the time of the incident.",
];

/// Said at a YOS (whose database holds its own court entries).
pub const COURT_NOTE: &str = "Court: offences proven are records with a conviction, from the YOS's court outcome \
    entries dated in the period or a conviction the home recorded on a record of the period (counted once); the \
    statutory indicator also counts convictions from the YOS's court outcome entries dated in the year.";

/// The parts of an incident's current state the measures use, read from the stored `current` JSON key by key (see
/// [`Keys`]), without reading or building anything else (accounts, answers, notifications…).
struct Cur {
    occurred_at: DateTime<Utc>,
    categories: Vec<Category>,
    response: Response,
    restorative: Option<Rest>,
    police: Option<Pol>,
    missing: Option<Miss>,
    /// Whether the incident has a regulation 35 record.
    reg35: bool,
    review: Rev,
}

/// Finds the top-level keys of a stored `current` that the report reads. `current` is always written by
/// `serde_json::to_string` of an [`crate::domain::IncidentRecord`], in compact form, where a key `k` is the text
/// `"k":`. Free text cannot hold that text (a quote inside a string is always escaped), and no object nested in the
/// record has a field of these names, so each is found only where its key is; its value is parsed alone, from there.
struct Keys {
    occurred_at: Finder<'static>,
    categories: Finder<'static>,
    response: Finder<'static>,
    restorative: Finder<'static>,
    police: Finder<'static>,
    missing: Finder<'static>,
    reg35: Finder<'static>,
    review: Finder<'static>,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            occurred_at: Finder::new(b"\"occurred_at\":"),
            categories: Finder::new(b"\"categories\":"),
            response: Finder::new(b"\"response\":"),
            restorative: Finder::new(b"\"restorative\":"),
            police: Finder::new(b"\"police\":"),
            missing: Finder::new(b"\"missing\":"),
            reg35: Finder::new(b"\"reg35\":"),
            review: Finder::new(b"\"review\":"),
        }
    }

    /// The incident as the measures see it; an error where a key the record always has is missing or its value
    /// cannot be read. A key that is absent reads as null, as it would in the whole record.
    fn cur(&self, cur: &[u8]) -> serde_json::Result<Cur> {
        let mut r = Record { text: cur, at: 0 };
        Ok(Cur {
            occurred_at: r.required(&self.occurred_at, "occurred_at")?,
            categories: r.required(&self.categories, "categories")?,
            response: r.required(&self.response, "response")?,
            restorative: r.field(&self.restorative)?.flatten(),
            police: r.field(&self.police)?.flatten(),
            missing: r.field(&self.missing)?.flatten(),
            reg35: r.field::<Option<IgnoredAny>>(&self.reg35)?.flatten().is_some(),
            review: r.required(&self.review, "review")?,
        })
    }
}

/// A stored `current`, read key by key (see [`Keys`]). Each key is looked for from where the last one was found
/// (the record's keys come in the order `Cur` reads them), then from the start.
struct Record<'c> {
    text: &'c [u8],
    at: usize,
}

impl<'c> Record<'c> {
    /// The value of the key `key` finds; None when the record has no such key.
    fn field<T: Deserialize<'c>>(&mut self, key: &Finder) -> serde_json::Result<Option<T>> {
        let found = key
            .find(&self.text[self.at..])
            .map(|i| self.at + i)
            .or_else(|| key.find(self.text));
        let Some(at) = found else { return Ok(None) };
        self.at = at + key.needle().len();
        T::deserialize(&mut serde_json::Deserializer::from_slice(&self.text[self.at..])).map(Some)
    }

    fn required<T: Deserialize<'c>>(&mut self, key: &Finder, name: &'static str) -> serde_json::Result<T> {
        self.field(key)?.ok_or_else(|| serde::de::Error::missing_field(name))
    }
}

#[derive(Deserialize)]
struct Rest {
    kind: RestorativeKind,
    victim_consent: Option<bool>,
    held: Option<bool>,
    outcome: String,
}

#[derive(Deserialize)]
struct Pol {
    route: PoliceRoute,
    reason: CallReason,
    outcome: PoliceOutcome,
    court: Option<CourtOutcome>,
}

#[derive(Deserialize)]
struct Miss {
    kind: MissingKind,
    reported_to_police: bool,
}

#[derive(Deserialize)]
struct Rev {
    signed_at: Option<DateTime<Utc>>,
}

/// What the regulation 35 timing needs of the record as saved.
#[derive(Deserialize)]
struct First {
    reg35: Option<crate::domain::Reg35>,
    recorded_at: DateTime<Utc>,
}

/// The police outcome and court result of an incident's current state (for the statutory year).
#[derive(Deserialize)]
struct YearPol {
    outcome: PoliceOutcome,
    court: Option<CourtOutcome>,
}

/// One incident of the period, as it stands now.
struct Inc {
    id: i64,
    home_uid: String,
    child_id: i64,
    rec: Cur,
    /// When the regulation 35 record first had every required field (None: not yet).
    reg35_complete_at: Option<DateTime<Utc>>,
}

/// A conviction or a youth (conditional) caution in the statutory year: the only police outcomes it counts.
struct YearRow {
    home_uid: String,
    child_id: i64,
    convicted: bool,
    cautioned: bool,
}

impl YearRow {
    /// The row for an incident's police details, if they hold a conviction or a caution.
    fn of(home_uid: &str, child_id: i64, outcome: PoliceOutcome, court: Option<CourtOutcome>) -> Option<YearRow> {
        let convicted = court == Some(CourtOutcome::Convicted);
        let cautioned = matches!(
            outcome,
            PoliceOutcome::YouthCaution | PoliceOutcome::YouthConditionalCaution
        );
        (convicted || cautioned).then(|| YearRow {
            home_uid: home_uid.to_string(),
            child_id,
            convicted,
            cautioned,
        })
    }
}

#[cfg(test)]
use crate::store::report_rows::{PERIOD_SQL, YEAR_SQL};

fn unreadable(id: i64, e: serde_json::Error) -> anyhow::Error {
    anyhow::anyhow!("Incident {id} cannot be read ({e}); run `concordat verify`.")
}

fn read_incidents(store: &Store, period: &Period) -> anyhow::Result<Vec<Inc>> {
    let keys = Keys::new();
    let mut out = Vec::new();
    store.report_period_rows(period.start, period.end, |r| {
        let id = r.id;
        let rec = keys.cur(r.current).map_err(|e| unreadable(id, e))?;
        let mut reg35_complete_at = None;
        if rec.reg35 {
            let first: First = serde_json::from_slice(r.record).map_err(|e| unreadable(id, e))?;
            if first.reg35.as_ref().is_some_and(|r| r.missing_fields().is_empty()) {
                reg35_complete_at = Some(first.recorded_at);
            } else {
                reg35_complete_at = store.entries(id)?.into_iter().find_map(|e| match &e.change {
                    Change::Reg35 { reg35 } if reg35.missing_fields().is_empty() => Some(e.at),
                    _ => None,
                });
            }
        }
        out.push(Inc {
            id,
            home_uid: r.home_uid.to_string(),
            child_id: r.child_id,
            rec,
            reg35_complete_at,
        });
        Ok(())
    })?;
    Ok(out)
}

/// The children the statutory indicator counts: in the home at the end of `last_day`, looked after there for 12
/// months or more, and aged 10 or over.
///
/// "12 months" is counted by month, from the first day of the month the year began (for a year ending 31 March, a
/// child there since 31 March or before): a YOS knows the month a child not named came, not the day, and counts
/// the same children as the home.
fn statutory_cohort<'a>(children: impl Iterator<Item = &'a Child>, last_day: NaiveDate) -> BTreeSet<i64> {
    let year_first = last_day
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MIN);
    let cutoff = year_first.with_day(1).unwrap_or(year_first);
    children
        .filter(|c| in_home_at_end_of(c, last_day) && c.admitted < cutoff && age_on(c.dob, last_day) >= 10)
        .map(|c| c.id)
        .collect()
}

/// The convictions and cautions of the statutory year from `from` to `to`, for the children it counts only
/// (`cohort`). Only incidents with police details are read (see [`YEAR_SQL`]), and of each only its police
/// details are parsed (see [`Keys`]).
fn read_year(
    store: &Store,
    cohort: &BTreeSet<i64>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> anyhow::Result<Vec<YearRow>> {
    let mut out = Vec::new();
    if cohort.is_empty() || from >= to {
        return Ok(out);
    }
    let key = Finder::new(b"\"police\":");
    store.report_year_rows(from, to, |r| {
        if !cohort.contains(&r.child_id) {
            return Ok(());
        }
        let p = Record { text: r.current, at: 0 }
            .field::<Option<YearPol>>(&key)
            .map_err(|e| anyhow::anyhow!("An incident cannot be read ({e}); run `concordat verify`."))?;
        if let Some(p) = p.flatten() {
            out.extend(YearRow::of(r.home_uid, r.child_id, p.outcome, p.court));
        }
        Ok(())
    })?;
    Ok(out)
}

/// The homes this database knows: its own first, then imported ones by name.
fn homes(store: &Store) -> anyhow::Result<Vec<(String, String)>> {
    Ok(store
        .homes()?
        .into_iter()
        .map(|(uid, name)| (uid, crate::text::clean_line(&name, 80)))
        .collect())
}

/// Each home's Ofsted URN, by uid (this home's and the imported homes').
fn urns(store: &Store) -> anyhow::Result<HashMap<String, String>> {
    let mut m: HashMap<String, String> = HashMap::new();
    if let Some(h) = store.home()? {
        m.insert(h.uid, h.ofsted_urn);
    }
    for (uid, urn) in store.other_home_urns()? {
        m.insert(uid, crate::text::clean_line(&urn, 20));
    }
    Ok(m)
}

/// Was the child in the home at some time between these dates (inclusive)?
pub fn in_home_during(c: &Child, first: NaiveDate, last: NaiveDate) -> bool {
    c.admitted <= last && c.discharged.is_none_or(|d| d >= first)
}

/// Was the child in the home at the end of this day? (A child discharged that day has left.)
pub fn in_home_at_end_of(c: &Child, day: NaiveDate) -> bool {
    c.admitted <= day && c.discharged.is_none_or(|d| d > day)
}

pub const AGE_BANDS: [&str; 6] = ["Under 10", "10-13", "14", "15", "16", "17+"];

pub fn age_band(age: i32) -> &'static str {
    match age {
        ..=9 => AGE_BANDS[0],
        10..=13 => AGE_BANDS[1],
        14 => AGE_BANDS[2],
        15 => AGE_BANDS[3],
        16 => AGE_BANDS[4],
        _ => AGE_BANDS[5],
    }
}

const ETHNIC_GROUPS: [&str; 6] = ["Asian", "Black", "Mixed", "White", "Other", "Not stated"];

fn per(n: u64, d: u64) -> Option<f64> {
    if d == 0 {
        None
    } else {
        Some((n as f64 * 100.0 / d as f64).round() / 100.0)
    }
}

/// Compute every measure for the period: in total, and per home when there are several.
pub fn compute(store: &Store, period: &Period) -> anyhow::Result<Report> {
    let incs = read_incidents(store, period)?;
    let year_first = period
        .last_day
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(period.first_day);
    let children = store.all_children()?;
    let cohort = statutory_cohort(children.iter(), period.last_day);
    let year_from = crate::time::local_midnight(year_first);
    // The statutory year ends with the period: when the period is within it, its incidents are read already, and
    // only the rest of the year is read here.
    let to = if year_from <= period.start {
        period.start
    } else {
        period.end
    };
    let mut year = read_year(store, &cohort, year_from, to)?;
    if to == period.start {
        for i in incs.iter().filter(|i| cohort.contains(&i.child_id)) {
            if let Some(p) = &i.rec.police {
                year.extend(YearRow::of(&i.home_uid, i.child_id, p.outcome, p.court));
            }
        }
    }
    // The YOS's own court entries (issue 20): their convictions count in the statutory indicator too.
    year.extend(court::year_rows(store, &cohort, year_first, period.last_day)?);
    let court_entries = court::read(store, period)?;
    let mut known = homes(store)?;
    // A YOS is not one of the homes it reports on: its own row holds no incidents and no children.
    let yos = store.role()? == crate::store::settings::Role::Yos;
    if yos && let Some(own) = store.home()? {
        known.retain(|(uid, _)| *uid != own.uid);
    }
    // Any home named in the data but not in the homes tables still gets a line.
    let known_uids: HashSet<&str> = known.iter().map(|(u, _)| u.as_str()).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for uid in incs.iter().map(|i| i.home_uid.as_str()).chain(
        children
            .iter()
            .filter(|c| in_home_during(c, period.first_day, period.last_day))
            .map(|c| c.home_uid.as_str()),
    ) {
        if !known_uids.contains(uid) {
            seen.insert(uid);
        }
    }
    drop(known_uids);
    for uid in seen {
        known.push((uid.to_string(), format!("Home {}", crate::text::one_line(uid, 8))));
    }
    let yos_history = store.all_yos_history()?;
    let ctx = Scope {
        period,
        year_first,
        by_id: children.iter().map(|c| (c.id, c)).collect(),
        yos_history: &yos_history,
    };
    let all_incs: Vec<&Inc> = incs.iter().collect();
    let all_children: Vec<&Child> = children.iter().collect();
    let all_year: Vec<&YearRow> = year.iter().collect();
    let total = ctx.measures(
        if known.len() > 1 || yos {
            "All homes".to_string()
        } else {
            known.first().map(|h| h.1.clone()).unwrap_or_else(|| "The home".into())
        },
        None,
        &all_incs,
        &all_children,
        &all_year,
    );
    let urns = urns(store)?;
    let urn_of = |uid: &str| urns.get(uid).cloned().unwrap_or_default();
    let mut total = total;
    total.court = court::measures(court_entries.as_deref(), &all_incs, None);
    if let ([(uid, _)], false) = (known.as_slice(), yos) {
        total.home_uid = Some(uid.clone());
        total.ofsted_urn = urn_of(uid);
    }
    let mut per_home = Vec::new();
    // At a YOS, each home is reported on its own even when only one has sent its files yet.
    if known.len() > 1 || yos {
        // Each home's incidents, children and year rows, in the order read: one pass over each, not one per home.
        #[derive(Default)]
        struct Group<'a> {
            incs: Vec<&'a Inc>,
            children: Vec<&'a Child>,
            year: Vec<&'a YearRow>,
        }
        let mut groups: HashMap<&str, Group> = known.iter().map(|(u, _)| (u.as_str(), Group::default())).collect();
        for i in &incs {
            if let Some(g) = groups.get_mut(i.home_uid.as_str()) {
                g.incs.push(i);
            }
        }
        for c in &children {
            if let Some(g) = groups.get_mut(c.home_uid.as_str()) {
                g.children.push(c);
            }
        }
        for y in &year {
            if let Some(g) = groups.get_mut(y.home_uid.as_str()) {
                g.year.push(y);
            }
        }
        for (uid, name) in &known {
            let g = &groups[uid.as_str()];
            let mut m = ctx.measures(name.clone(), Some(uid.clone()), &g.incs, &g.children, &g.year);
            m.ofsted_urn = urn_of(uid);
            m.court = court::measures(court_entries.as_deref(), &g.incs, Some(uid));
            per_home.push(m);
        }
    }
    Ok(Report {
        period: period.clone(),
        generated_at: store.now(),
        total,
        per_home,
        notes: NOTES
            .iter()
            .map(|s| s.to_string())
            .chain(court_entries.is_some().then(|| COURT_NOTE.to_string()))
            .collect(),
    })
}

struct Scope<'a> {
    period: &'a Period,
    year_first: NaiveDate,
    by_id: HashMap<i64, &'a Child>,
    /// Each child's YOS status by date (see [`crate::store::yos_history`]).
    yos_history: &'a HashMap<i64, Vec<crate::store::yos_history::YosChange>>,
}

impl Scope<'_> {
    /// Was the child open to the YOS on this day? From the register's history of the child's status; a child
    /// whose status never changed since the history began has today's status since admission.
    fn yos_open_on(&self, c: &Child, day: NaiveDate) -> bool {
        let h = self.yos_history.get(&c.id).map_or(&[][..], |v| v.as_slice());
        crate::store::yos_history::open_on(h, c.yos_open, day)
    }
}

impl Scope<'_> {
    fn measures(
        &self,
        scope: String,
        home_uid: Option<String>,
        incs: &[&Inc],
        children: &[&Child],
        year: &[&YearRow],
    ) -> Measures {
        let p = self.period;
        let n = incs.len() as u64;
        let count = |f: &dyn Fn(&Inc) -> bool| incs.iter().filter(|i| f(i)).count() as u64;

        // Responses and categories.
        let resp = |r: Response| count(&|i| i.rec.response == r);
        let police_n = resp(Response::Police);
        let offences = count(&|i| offence_reported(i));
        let behaviour = count(&|i| !missing_episode(i));
        let responses = Responses {
            in_house: Ratio::new(resp(Response::InHouse), n),
            restorative: Ratio::new(resp(Response::Restorative), n),
            police: Ratio::new(police_n, n),
            diversion_rate: Ratio::new(n - police_n, n),
            diversion_rate_behaviour: Ratio::new(behaviour - offences, behaviour),
        };
        let categories = Category::ALL
            .iter()
            .map(|c| line(c.code(), c.label(), count(&|i| i.rec.categories.contains(c)), n))
            .collect();
        let vd = |i: &Inc| {
            i.rec
                .categories
                .iter()
                .any(|c| matches!(c, Category::Violence | Category::CriminalDamage))
        };
        let violence_or_damage = Ratio::new(count(&vd), n);

        // Police calls for service.
        let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
        let (mut calls, mut e999, mut e101, mut unrecorded) = (0u64, 0u64, 0u64, 0u64);
        let mut outcomes: BTreeMap<PoliceOutcome, u64> = BTreeMap::new();
        for i in incs {
            if let Some(pol) = &i.rec.police {
                calls += 1;
                *reasons.entry(pol.reason.code()).or_default() += 1;
                match pol.route {
                    PoliceRoute::Emergency999 => e999 += 1,
                    PoliceRoute::NonEmergency101 => e101 += 1,
                }
                *outcomes.entry(pol.outcome).or_default() += 1;
            } else if let Some(m) = i.rec.missing.as_ref().filter(|m| m.reported_to_police) {
                calls += 1;
                unrecorded += 1;
                let r = match m.kind {
                    MissingKind::Missing => CallReason::Missing,
                    MissingKind::Absent => CallReason::Absent,
                };
                *reasons.entry(r.code()).or_default() += 1;
            }
        }
        let with_police = e999 + e101;
        let police = PoliceMeasures {
            calls,
            by_reason: [CallReason::Behaviour, CallReason::Missing, CallReason::Absent]
                .iter()
                .map(|r| {
                    let c = reasons.get(r.code()).copied().unwrap_or(0);
                    line(r.code(), r.label(), c, calls)
                })
                .collect(),
            emergency_999: Ratio::new(e999, calls),
            non_emergency: Ratio::new(e101, calls),
            route_not_recorded: Ratio::new(unrecorded, calls),
            outcomes: PoliceOutcome::ALL
                .iter()
                .map(|o| line(o.code(), o.label(), outcomes.get(o).copied().unwrap_or(0), with_police))
                .collect(),
            referrals_violence_or_damage: Ratio::new(count(&|i| i.rec.response == Response::Police && vd(i)), police_n),
            offences_reported: offences,
            offences_violence_or_damage: Ratio::new(count(&|i| offence_reported(i) && vd(i)), offences),
        };

        // Restorative interventions.
        let rs: Vec<_> = incs.iter().filter_map(|i| i.rec.restorative.as_ref()).collect();
        let planned = rs.len() as u64;
        let rc = |f: &dyn Fn(&Rest) -> bool| rs.iter().filter(|r| f(r)).count() as u64;
        let held = rc(&|r| r.held == Some(true));
        let restorative = RestorativeMeasures {
            planned,
            held: Ratio::new(held, planned),
            not_held: Ratio::new(rc(&|r| r.held == Some(false)), planned),
            not_yet_known: Ratio::new(rc(&|r| r.held.is_none()), planned),
            outcome_recorded: Ratio::new(rc(&|r| r.held == Some(true) && !r.outcome.trim().is_empty()), held),
            victim_consented: Ratio::new(rc(&|r| r.victim_consent == Some(true)), planned),
            by_kind: RestorativeKind::ALL
                .iter()
                .map(|k| line(k.code(), k.label(), rc(&|r| r.kind == *k), planned))
                .collect(),
        };

        // Children.
        let in_home: Vec<&Child> = children
            .iter()
            .copied()
            .filter(|c| in_home_during(c, p.first_day, p.last_day))
            .collect();
        let mut per_child: BTreeMap<i64, u64> = BTreeMap::new();
        for i in incs {
            *per_child.entry(i.child_id).or_default() += 1;
        }
        let involved = per_child.len() as u64;
        let repeat = per_child.values().filter(|&&v| v >= 2).count() as u64;
        let children_m = ChildrenMeasures {
            in_home: in_home.len() as u64,
            involved: Ratio::new(involved, in_home.len() as u64),
            incidents_per_child_involved: per(n, involved),
            incidents_per_child_in_home: per(n, in_home.len() as u64),
            repeat: Ratio::new(repeat, involved),
        };

        // Quarterly YOS snapshots, as the committee's table lays them out: every quarter end in the period and at
        // least the last four up to its end, oldest first, then the period's last day if it ends mid-quarter.
        // (Checked at every step: a period at the edge of the calendar stops the table there, never a panic.)
        let quarter_of = |d: NaiveDate| Period::quarter(d.year(), (d.month() - 1) / 3 + 1).ok();
        let quarter_before = |q: &Period| q.first_day.pred_opt().and_then(quarter_of);
        let mut quarters: Vec<(Period, bool)> = Vec::new();
        let mut q = quarter_of(p.last_day);
        if let Some(run) = q.as_ref().filter(|q| q.last_day > p.last_day) {
            quarters.push((run.clone(), false));
            q = quarter_before(run);
        }
        let mut ends = 0;
        while let Some(end) = q.filter(|q| ends < 4 || q.last_day >= p.first_day) {
            ends += 1;
            q = quarter_before(&end);
            quarters.push((end, true));
        }
        let yos_snapshots = quarters
            .into_iter()
            .rev()
            .map(|(q, quarter_end)| {
                let on = if quarter_end { q.last_day } else { p.last_day };
                let there: Vec<&&Child> = children.iter().filter(|c| in_home_at_end_of(c, on)).collect();
                let open = there.iter().filter(|c| self.yos_open_on(c, on)).count() as u64;
                YosSnapshot {
                    quarter: q.label.clone(),
                    on,
                    quarter_end,
                    open: Ratio::new(open, there.len() as u64),
                }
            })
            .collect();

        // Demographics: children referred to the police, beside all children in the home.
        let referred: Vec<&Child> = {
            let ids: BTreeSet<i64> = incs
                .iter()
                .filter(|i| i.rec.response == Response::Police)
                .map(|i| i.child_id)
                .collect();
            ids.iter().filter_map(|id| self.by_id.get(id).copied()).collect()
        };
        let age_of = |c: &Child| {
            let on = c.discharged.map_or(p.last_day, |d| d.min(p.last_day));
            age_band(age_on(c.dob, on))
        };
        let mut demographics = Vec::new();
        let (rn, hn) = (referred.len() as u64, in_home.len() as u64);
        let mut demo = |dimension: &str, group: &str, f: &dyn Fn(&Child) -> bool, always: bool| {
            let r = referred.iter().filter(|c| f(c)).count() as u64;
            let h = in_home.iter().filter(|c| f(c)).count() as u64;
            if always || r > 0 || h > 0 {
                demographics.push(DemoRow {
                    dimension: dimension.into(),
                    group: group.into(),
                    referred: Ratio::new(r, rn),
                    in_home: Ratio::new(h, hn),
                });
            }
        };
        for g in Gender::ALL {
            demo("gender", g.label(), &|c| c.gender == g, g != Gender::NotStated);
        }
        for g in ETHNIC_GROUPS {
            demo("ethnic_group", g, &|c| c.ethnicity.group() == g, g != "Not stated");
        }
        for e in Ethnicity::ALL {
            demo("ethnicity", e.label(), &|c| c.ethnicity == e, false);
        }
        for b in AGE_BANDS {
            demo("age_band", b, &|c| age_of(c) == b, b != AGE_BANDS[0]);
        }

        // The percentage of each gender by ethnic group and by age band, with an all column.
        let genders: Vec<Gender> = Gender::ALL
            .into_iter()
            .filter(|g| in_home.iter().any(|c| c.gender == *g))
            .collect();
        let in_column = |col: usize, c: &Child| genders.get(col).is_none_or(|g| c.gender == *g);
        let columns = genders.len() + 1;
        let totals: Vec<u64> = (0..columns)
            .map(|col| in_home.iter().filter(|c| in_column(col, c)).count() as u64)
            .collect();
        let mut rows = Vec::new();
        let mut table_row = |dimension: &str, group: &str, f: &dyn Fn(&Child) -> bool| {
            let cells: Vec<Ratio> = (0..columns)
                .map(|col| {
                    let k = in_home.iter().filter(|c| in_column(col, c) && f(c)).count() as u64;
                    Ratio::new(k, totals[col])
                })
                .collect();
            if cells.last().is_some_and(|r| r.count > 0) {
                rows.push(GenderRow {
                    dimension: dimension.into(),
                    group: group.into(),
                    cells,
                });
            }
        };
        for g in ETHNIC_GROUPS {
            table_row("ethnic_group", g, &|c| c.ethnicity.group() == g);
        }
        for b in AGE_BANDS {
            table_row("age_band", b, &|c| age_of(c) == b);
        }
        let by_gender = GenderTable {
            columns: genders
                .iter()
                .map(|g| g.label().to_string())
                .chain(["All".to_string()])
                .collect(),
            totals,
            rows,
        };

        // The statutory indicator.
        let cohort = statutory_cohort(children.iter().copied(), p.last_day);
        let mut convicted = BTreeSet::new();
        let mut cautioned = BTreeSet::new();
        for y in year.iter().filter(|y| cohort.contains(&y.child_id)) {
            if y.convicted {
                convicted.insert(y.child_id);
            }
            if y.cautioned {
                cautioned.insert(y.child_id);
            }
        }
        let either = convicted.union(&cautioned).count() as u64;
        let statutory = Statutory {
            year_from: self.year_first,
            year_to: p.last_day,
            cohort: cohort.len() as u64,
            indicator: Ratio::new(either, cohort.len() as u64),
            convicted: convicted.len() as u64,
            cautioned: cautioned.len() as u64,
        };

        // Regulation 35.
        let r35: Vec<&&Inc> = incs.iter().filter(|i| i.rec.reg35).collect();
        let restraints = r35.len() as u64;
        let r35_children = r35.iter().map(|i| i.child_id).collect::<BTreeSet<_>>().len() as u64;
        let within =
            |t: Option<DateTime<Utc>>, from: DateTime<Utc>, h: i64| t.is_some_and(|t| t - from <= Duration::hours(h));
        let reg35 = Reg35Measures {
            restraints,
            children: r35_children,
            recorded_within_24h: Ratio::new(
                r35.iter()
                    .filter(|i| within(i.reg35_complete_at, i.rec.occurred_at, 24))
                    .count() as u64,
                restraints,
            ),
            signed_within_48h: Ratio::new(
                r35.iter()
                    .filter(|i| within(i.rec.review.signed_at, i.rec.occurred_at, 48))
                    .count() as u64,
                restraints,
            ),
        };

        Measures {
            scope,
            home_uid,
            ofsted_urn: String::new(),
            incidents: n,
            responses,
            categories,
            violence_or_damage,
            police,
            restorative,
            children: children_m,
            yos_snapshots,
            demographics,
            by_gender,
            statutory,
            reg35,
            court: None,
        }
    }
}

/// An offence reported to the police: a police referral for behaviour (not a missing or absent report).
fn offence_reported(i: &Inc) -> bool {
    i.rec.response == Response::Police && i.rec.police.as_ref().is_none_or(|p| p.reason == CallReason::Behaviour)
}

/// A missing or absent episode (reported to the police as such, or recorded as one without an offence reported):
/// not a behaviour incident.
fn missing_episode(i: &Inc) -> bool {
    match &i.rec.police {
        Some(p) if p.reason != CallReason::Behaviour => true,
        _ => i.rec.missing.is_some() && !offence_reported(i),
    }
}

/// Counts for one week of the dashboard's charts, from the indexed columns only (no JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekCounts {
    pub label: String,
    pub in_house: u64,
    pub restorative: u64,
    pub police: u64,
    pub children_in_home: u64,
}

impl WeekCounts {
    pub fn incidents(&self) -> u64 {
        self.in_house + self.restorative + self.police
    }
}

pub fn week_counts(store: &Store, period: &Period, children: &[Child]) -> anyhow::Result<WeekCounts> {
    week_counts_of(store, period, children, None)
}

/// [`week_counts`] of one home (`Some(uid)`, through the `incidents_home_time` index) or of all homes (`None`).
pub fn week_counts_of(
    store: &Store,
    period: &Period,
    children: &[Child],
    home: Option<&str>,
) -> anyhow::Result<WeekCounts> {
    let rows = store.response_counts(period.start, period.end, home)?;
    let get = |code: &str| rows.iter().find(|c| c.response == code).map_or(0, |c| c.count);
    Ok(WeekCounts {
        label: period.label.clone(),
        in_house: get("in_house"),
        restorative: get("restorative"),
        police: get("police"),
        children_in_home: children
            .iter()
            .filter(|c| home.is_none_or(|h| c.home_uid == h) && in_home_during(c, period.first_day, period.last_day))
            .count() as u64,
    })
}
