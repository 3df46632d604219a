//! Reports for the home, the YOS and the Corporate Parenting Committee: the measures they ask for, for any
//! period, per home (when the database holds imported records of several homes) and in total.
//!
//! Only the period's incidents are read, through the `incidents_time` index (never the whole table); children
//! admitted or discharged part-way through a period count for the period they were in the home.

pub mod court;
mod measures;
mod read;
pub mod render;
#[cfg(test)]
mod same_figures;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::{
    CallReason, Category, Child, Ethnicity, Gender, MissingKind, PoliceOutcome, PoliceRoute, Response, RestorativeKind,
};
use crate::store::Store;
use crate::time::{Period, age_on};

use measures::line;
pub use measures::*;
use read::*;

/// The parts of an incident's current state the measures use, read from the stored `current` JSON key by key (see
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
