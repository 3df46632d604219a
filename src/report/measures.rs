//! What a report holds: the measures, their lines and ratios, and the notes printed with them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::court;
use crate::time::Period;

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

pub(super) fn line(code: &str, label: &str, count: u64, of: u64) -> Line {
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
