//! Reading the period's incidents and the statutory year for the measures: each stored `current` read key by key,
//! never the whole record.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use memchr::memmem::Finder;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::in_home_at_end_of;
use crate::domain::{
    CallReason, Category, Change, Child, CourtOutcome, MissingKind, PoliceOutcome, PoliceRoute, Response,
    RestorativeKind,
};
use crate::store::Store;
use crate::time::{Period, age_on};

/// [`Keys`]), without reading or building anything else (accounts, answers, notifications…).
pub(super) struct Cur {
    pub(super) occurred_at: DateTime<Utc>,
    pub(super) categories: Vec<Category>,
    pub(super) response: Response,
    pub(super) restorative: Option<Rest>,
    pub(super) police: Option<Pol>,
    pub(super) missing: Option<Miss>,
    /// Whether the incident has a regulation 35 record.
    pub(super) reg35: bool,
    pub(super) review: Rev,
}

/// Finds the top-level keys of a stored `current` that the report reads. `current` is always written by
/// `serde_json::to_string` of an [`crate::domain::IncidentRecord`], in compact form, where a key `k` is the text
/// `"k":`. Free text cannot hold that text (a quote inside a string is always escaped), and no object nested in the
/// record has a field of these names, so each is found only where its key is; its value is parsed alone, from there.
pub(super) struct Keys {
    pub(super) occurred_at: Finder<'static>,
    pub(super) categories: Finder<'static>,
    pub(super) response: Finder<'static>,
    pub(super) restorative: Finder<'static>,
    pub(super) police: Finder<'static>,
    pub(super) missing: Finder<'static>,
    pub(super) reg35: Finder<'static>,
    pub(super) review: Finder<'static>,
}

impl Keys {
    pub(super) fn new() -> Keys {
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
    pub(super) fn cur(&self, cur: &[u8]) -> serde_json::Result<Cur> {
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
pub(super) struct Record<'c> {
    pub(super) text: &'c [u8],
    pub(super) at: usize,
}

impl<'c> Record<'c> {
    /// The value of the key `key` finds; None when the record has no such key.
    pub(super) fn field<T: Deserialize<'c>>(&mut self, key: &Finder) -> serde_json::Result<Option<T>> {
        let found = key
            .find(&self.text[self.at..])
            .map(|i| self.at + i)
            .or_else(|| key.find(self.text));
        let Some(at) = found else { return Ok(None) };
        self.at = at + key.needle().len();
        T::deserialize(&mut serde_json::Deserializer::from_slice(&self.text[self.at..])).map(Some)
    }

    pub(super) fn required<T: Deserialize<'c>>(&mut self, key: &Finder, name: &'static str) -> serde_json::Result<T> {
        self.field(key)?.ok_or_else(|| serde::de::Error::missing_field(name))
    }
}

#[derive(Deserialize)]
pub(super) struct Rest {
    pub(super) kind: RestorativeKind,
    pub(super) victim_consent: Option<bool>,
    pub(super) held: Option<bool>,
    pub(super) outcome: String,
}

#[derive(Deserialize)]
pub(super) struct Pol {
    pub(super) route: PoliceRoute,
    pub(super) reason: CallReason,
    pub(super) outcome: PoliceOutcome,
    pub(super) court: Option<CourtOutcome>,
}

#[derive(Deserialize)]
pub(super) struct Miss {
    pub(super) kind: MissingKind,
    pub(super) reported_to_police: bool,
}

#[derive(Deserialize)]
pub(super) struct Rev {
    pub(super) signed_at: Option<DateTime<Utc>>,
}

/// What the regulation 35 timing needs of the record as saved.
#[derive(Deserialize)]
pub(super) struct First {
    pub(super) reg35: Option<crate::domain::Reg35>,
    pub(super) recorded_at: DateTime<Utc>,
}

/// The police outcome and court result of an incident's current state (for the statutory year).
#[derive(Deserialize)]
pub(super) struct YearPol {
    pub(super) outcome: PoliceOutcome,
    pub(super) court: Option<CourtOutcome>,
}

/// One incident of the period, as it stands now.
pub(super) struct Inc {
    pub(super) id: i64,
    pub(super) home_uid: String,
    pub(super) child_id: i64,
    pub(super) rec: Cur,
    /// When the regulation 35 record first had every required field (None: not yet).
    pub(super) reg35_complete_at: Option<DateTime<Utc>>,
}

/// A conviction or a youth (conditional) caution in the statutory year: the only police outcomes it counts.
pub(super) struct YearRow {
    pub(super) home_uid: String,
    pub(super) child_id: i64,
    pub(super) convicted: bool,
    pub(super) cautioned: bool,
}

impl YearRow {
    /// The row for an incident's police details, if they hold a conviction or a caution.
    pub(super) fn of(
        home_uid: &str,
        child_id: i64,
        outcome: PoliceOutcome,
        court: Option<CourtOutcome>,
    ) -> Option<YearRow> {
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

pub(super) fn unreadable(id: i64, e: serde_json::Error) -> anyhow::Error {
    anyhow::anyhow!("Incident {id} cannot be read ({e}); run `concordat verify`.")
}

pub(super) fn read_incidents(store: &Store, period: &Period) -> anyhow::Result<Vec<Inc>> {
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
pub(super) fn statutory_cohort<'a>(children: impl Iterator<Item = &'a Child>, last_day: NaiveDate) -> BTreeSet<i64> {
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
/// (`cohort`). Only incidents with police details are read (see [`crate::store::report_rows::YEAR_SQL`]), and of each only its police
/// details are parsed (see [`Keys`]).
pub(super) fn read_year(
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
pub(super) fn homes(store: &Store) -> anyhow::Result<Vec<(String, String)>> {
    Ok(store
        .homes()?
        .into_iter()
        .map(|(uid, name)| (uid, crate::text::clean_line(&name, 80)))
        .collect())
}

/// Each home's Ofsted URN, by uid (this home's and the imported homes').
pub(super) fn urns(store: &Store) -> anyhow::Result<HashMap<String, String>> {
    let mut m: HashMap<String, String> = HashMap::new();
    if let Some(h) = store.home()? {
        m.insert(h.uid, h.ofsted_urn);
    }
    for (uid, urn) in store.other_home_urns()? {
        m.insert(uid, crate::text::clean_line(&urn, 20));
    }
    Ok(m)
}
