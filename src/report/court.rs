//! Offences proven, court appearances and breaches (issue 20): what the YOS knows and the home does not.
//!
//! At a YOS, from the YOS's own entries on the homes' imported records ([`crate::store::court`]) that stand (not
//! corrected since), dated in the period:
//! - **offences proven**: records with a conviction: a YOS court outcome "convicted" dated in the period, or a
//!   court outcome "convicted" the home itself recorded on the police details of a record of the period (the
//!   domain's "charged → convicted"); a record with both counts once. With the young people they concern.
//! - **court appearances**, and the young people they concern (distinct children: a child named and later
//!   pseudonymised is one child at the YOS);
//! - **breaches** of an order, and the young people.
//!
//! A home's database holds none of these: its report says "held by the YOS" (`None`), never 0.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Inc, YearRow};
use crate::domain::CourtOutcome;
use crate::store::Store;
use crate::store::court::{CourtEntry, CourtKind};
use crate::store::settings::Role;
use crate::time::Period;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourtMeasures {
    /// Records with a conviction (see the module's words).
    pub offences_proven: u64,
    /// Of which proven by a YOS court outcome entry, and by a conviction the home recorded (a record with both
    /// is in both).
    pub proven_by_yos_entry: u64,
    pub proven_by_home_record: u64,
    /// Distinct young people with an offence proven.
    pub proven_young_people: u64,
    pub appearances: u64,
    pub appearance_young_people: u64,
    pub breaches: u64,
    pub breach_young_people: u64,
}

/// The YOS's entries dated in the period that stand; None on a home's database (it holds none).
pub(super) fn read(store: &Store, period: &Period) -> anyhow::Result<Option<Vec<CourtEntry>>> {
    if store.role()? != Role::Yos {
        return Ok(None);
    }
    Ok(Some(store.court_entries_between(period.first_day, period.last_day)?))
}

/// The convictions from YOS court outcome entries in the statutory year, for the cohort's children: they count
/// in the statutory indicator beside those the homes recorded.
pub(super) fn year_rows(
    store: &Store,
    cohort: &BTreeSet<i64>,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> anyhow::Result<Vec<YearRow>> {
    if cohort.is_empty() || store.role()? != Role::Yos {
        return Ok(Vec::new());
    }
    Ok(store
        .court_entries_between(first, last)?
        .into_iter()
        .filter(|e| e.is_conviction() && cohort.contains(&e.child_id))
        .map(|e| YearRow {
            home_uid: e.home_uid,
            child_id: e.child_id,
            convicted: true,
            cautioned: false,
        })
        .collect())
}

/// The court block for one home (`home`) or all homes (None), from the period's entries and incidents.
pub(super) fn measures(entries: Option<&[CourtEntry]>, incs: &[&Inc], home: Option<&str>) -> Option<CourtMeasures> {
    let entries = entries?;
    let mine: Vec<&CourtEntry> = entries
        .iter()
        .filter(|e| home.is_none_or(|h| e.home_uid == h))
        .collect();
    let by_yos: BTreeSet<(i64, i64)> = mine
        .iter()
        .filter(|e| e.is_conviction())
        .map(|e| (e.incident_id, e.child_id))
        .collect();
    let by_home: BTreeSet<(i64, i64)> = incs
        .iter()
        .filter(|i| {
            i.rec
                .police
                .as_ref()
                .is_some_and(|p| p.court == Some(CourtOutcome::Convicted))
        })
        .map(|i| (i.id, i.child_id))
        .collect();
    let proven: BTreeSet<(i64, i64)> = by_yos.union(&by_home).copied().collect();
    let of_kind = |k: CourtKind| mine.iter().filter(move |e| e.kind == k);
    let people = |it: &mut dyn Iterator<Item = i64>| it.collect::<BTreeSet<i64>>().len() as u64;
    Some(CourtMeasures {
        offences_proven: proven.len() as u64,
        proven_by_yos_entry: by_yos.len() as u64,
        proven_by_home_record: by_home.len() as u64,
        proven_young_people: people(&mut proven.iter().map(|(_, c)| *c)),
        appearances: of_kind(CourtKind::Appearance).count() as u64,
        appearance_young_people: people(&mut of_kind(CourtKind::Appearance).map(|e| e.child_id)),
        breaches: of_kind(CourtKind::Breach).count() as u64,
        breach_young_people: people(&mut of_kind(CourtKind::Breach).map(|e| e.child_id)),
    })
}

/// The text block.
pub(super) fn text(s: &mut String, c: &Option<CourtMeasures>) {
    use std::fmt::Write;
    let _ = writeln!(s, "\nCourt (the YOS's own entries)");
    let Some(c) = c else {
        let _ = writeln!(
            s,
            "  Offences proven, court appearances, breaches: held by the YOS (a home's database does not\n  \
             hold them)."
        );
        return;
    };
    let row = |s: &mut String, label: &str, v: String| {
        let _ = writeln!(s, "  {label:<44} {v}");
    };
    row(
        s,
        "Offences proven (records with a conviction)",
        format!("{} ({})", c.offences_proven, young_people(c.proven_young_people)),
    );
    row(
        s,
        "  from YOS court outcomes / home's records",
        format!("{} / {}", c.proven_by_yos_entry, c.proven_by_home_record),
    );
    row(
        s,
        "Court appearances",
        format!("{} ({})", c.appearances, young_people(c.appearance_young_people)),
    );
    row(
        s,
        "Breaches of an order",
        format!("{} ({})", c.breaches, young_people(c.breach_young_people)),
    );
}

/// The CSV rows: (measure, count), the count "held by the YOS" on a home's database.
pub(super) fn csv_rows(c: &Option<CourtMeasures>) -> Vec<(&'static str, String)> {
    let v = |f: fn(&CourtMeasures) -> u64| {
        c.as_ref()
            .map_or_else(|| "held by the YOS".to_string(), |c| f(c).to_string())
    };
    vec![
        ("offences_proven", v(|c| c.offences_proven)),
        ("offences_proven_by_yos_entry", v(|c| c.proven_by_yos_entry)),
        ("offences_proven_by_home_record", v(|c| c.proven_by_home_record)),
        ("offences_proven_young_people", v(|c| c.proven_young_people)),
        ("appearances", v(|c| c.appearances)),
        ("appearance_young_people", v(|c| c.appearance_young_people)),
        ("breaches", v(|c| c.breaches)),
        ("breach_young_people", v(|c| c.breach_young_people)),
    ]
}

/// "1 young person", "2 young people".
fn young_people(n: u64) -> String {
    if n == 1 {
        "1 young person".into()
    } else {
        format!("{n} young people")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::tests::{child, convicted, incident, local};
    use super::super::{compute, render};
    use crate::store::court::tests::{d, northshire_yos};
    use crate::store::court::{CourtInput, CourtKind, CourtResult, Disposal};
    use crate::store::staff::Setup;
    use crate::store::staff::tests::actor;
    use crate::store::{Actor, Store};
    use crate::time::Period;

    fn november() -> Period {
        Period::month(2026, 11).unwrap()
    }

    /// A home set up on its own, whose November weeks are written and imported into the YOS. `build` adds its
    /// children and incidents; returns the home's uid and its incidents' uids by child name.
    fn home_into_yos(
        y: &mut Store,
        officer: &Actor,
        name: &str,
        urn: &str,
        build: impl FnOnce(&mut Store, &Actor),
    ) -> String {
        let mut h = Store::open_in_memory().unwrap();
        let m = h
            .setup(&Setup {
                home_name: name,
                ofsted_urn: urn,
                manager_name: "Pat Manager",
                passphrase: "correct horse",
            })
            .unwrap();
        let a = actor(&m);
        h.set_clock(Some(local("01/11/2026", "09:00")));
        build(&mut h, &a);
        h.set_clock(Some(local("30/11/2026", "12:00")));
        let dir = tempfile::tempdir().unwrap();
        for w in ["2026-W45", "2026-W46", "2026-W47", "2026-W48"] {
            let out = crate::export::write(&mut h, &a, &Period::parse_week(w).unwrap(), dir.path()).unwrap();
            let json = std::fs::read(&out.files[1]).unwrap();
            crate::export::import::import(y, officer, &json).unwrap();
        }
        h.home().unwrap().unwrap().uid
    }

    fn incident_of(y: &Store, name: &str) -> i64 {
        let c = y
            .all_children()
            .unwrap()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name} at the YOS"));
        y.incident_id_of_child(c.id)
    }

    /// Three homes' records at a YOS, worked by hand (November 2026):
    /// - Oak House: Ava (open to the YOS, named; 15, looked after since 09/2025: in the statutory cohort), an
    ///   incident on 10/11; Ben, an incident on 11/11 and nothing from the court.
    /// - Elm House: Cy (open to the YOS), a police referral on 12/11 that the home recorded as charged and
    ///   convicted.
    /// - Ash House: Dee (not open to the YOS: pseudonymised), an incident on 13/11.
    ///
    /// The YOS's entries: Ava appeared in court on 16/11 and 20/11 and was convicted on 20/11 (referral order);
    /// Cy appeared on 19/11 and was convicted (fine); Dee's outcome was typed "convicted" and corrected to
    /// "withdrawn" the same day, and Dee breached an order on 25/11.
    ///
    /// So, for all homes: appearances 3 (Ava 2, Cy 1), young people 2; offences proven 2 records (Ava's by the
    /// YOS's entry, Cy's by both the YOS's entry and the home's record: counted once), young people 2; from YOS
    /// entries 2, from home records 1; Dee's corrected conviction is not one; breaches 1, young people 1.
    pub(crate) fn three_homes() -> (Store, [String; 3]) {
        let (mut y, officer) = northshire_yos();
        y.set_clock(Some(local("30/11/2026", "13:00")));
        let oak = home_into_yos(&mut y, &officer, "Oak House", "SC100001", |h, a| {
            let ava = child(h, a, "Ava A", |i| i.yos_open = true);
            let ben = child(h, a, "Ben B", |_| {});
            let t = local("10/11/2026", "10:00");
            incident(h, a, &ava, t, t + chrono::Duration::hours(1), |_| {});
            let t = local("11/11/2026", "10:00");
            incident(h, a, &ben, t, t + chrono::Duration::hours(1), |_| {});
        });
        let elm = home_into_yos(&mut y, &officer, "Elm House", "SC100002", |h, a| {
            let cy = child(h, a, "Cy C", |i| i.yos_open = true);
            let t = local("12/11/2026", "10:00");
            incident(h, a, &cy, t, t + chrono::Duration::hours(1), convicted);
        });
        let ash = home_into_yos(&mut y, &officer, "Ash House", "SC100003", |h, a| {
            let dee = child(h, a, "Dee D", |_| {});
            let t = local("13/11/2026", "10:00");
            incident(h, a, &dee, t, t + chrono::Duration::hours(1), |_| {});
        });
        y.set_clock(Some(local("30/11/2026", "14:00")));
        let appear = |on: &str| {
            let mut i = CourtInput::new(CourtKind::Appearance, d(on));
            i.court = "Northshire Youth Court".into();
            i
        };
        let outcome = |on: &str, r: CourtResult, x: Option<Disposal>| {
            let mut i = CourtInput::new(CourtKind::Outcome, d(on));
            i.result = Some(r);
            i.disposal = x;
            i
        };
        let ava = incident_of(&y, "Ava A");
        y.add_court_entry(&officer, ava, &appear("16/11/2026")).unwrap();
        y.add_court_entry(&officer, ava, &appear("20/11/2026")).unwrap();
        y.add_court_entry(
            &officer,
            ava,
            &outcome("20/11/2026", CourtResult::Convicted, Some(Disposal::ReferralOrder)),
        )
        .unwrap();
        let cy = incident_of(&y, "Cy C");
        y.add_court_entry(&officer, cy, &appear("19/11/2026")).unwrap();
        y.add_court_entry(
            &officer,
            cy,
            &outcome("19/11/2026", CourtResult::Convicted, Some(Disposal::Fine)),
        )
        .unwrap();
        // Dee is pseudonymised at the YOS: the child's name there is not "Dee D".
        let dee = y.last_incident_id_of_home(&ash);
        let wrong = y
            .add_court_entry(
                &officer,
                dee,
                &outcome("24/11/2026", CourtResult::Convicted, Some(Disposal::Fine)),
            )
            .unwrap();
        let mut fix = outcome("24/11/2026", CourtResult::Withdrawn, None);
        fix.corrects = Some(wrong.id);
        fix.reason = "Typed on the wrong record's outcome".into();
        y.add_court_entry(&officer, dee, &fix).unwrap();
        let mut b = CourtInput::new(CourtKind::Breach, d("25/11/2026"));
        b.order = "Referral order".into();
        b.what = "Missed two panel meetings".into();
        y.add_court_entry(&officer, dee, &b).unwrap();
        (y, [oak, elm, ash])
    }

    #[test]
    fn court_measures_for_the_area_and_each_home_from_the_yos_entries() {
        let (y, [oak, elm, ash]) = three_homes();
        let r = compute(&y, &november()).unwrap();
        let c = r.total.court.clone().expect("a YOS holds its court entries");
        // Appearances: Ava 16/11 and 20/11, Cy 19/11 = 3; young people: Ava, Cy = 2.
        assert_eq!((c.appearances, c.appearance_young_people), (3, 2));
        // Proven: Ava's record (YOS entry), Cy's record (YOS entry and the home's "charged → convicted") = 2
        // records of 2 young people; Dee's "convicted" was corrected to "withdrawn".
        assert_eq!((c.offences_proven, c.proven_young_people), (2, 2));
        assert_eq!((c.proven_by_yos_entry, c.proven_by_home_record), (2, 1));
        // Breaches: Dee's one.
        assert_eq!((c.breaches, c.breach_young_people), (1, 1));
        let home = |uid: &str| {
            r.per_home
                .iter()
                .find(|m| m.home_uid.as_deref() == Some(uid))
                .and_then(|m| m.court.clone())
                .unwrap()
        };
        let o = home(&oak);
        assert_eq!(
            (o.appearances, o.appearance_young_people, o.offences_proven, o.breaches),
            (2, 1, 1, 0)
        );
        let e = home(&elm);
        assert_eq!((e.appearances, e.offences_proven, e.proven_by_home_record), (1, 1, 1));
        let a = home(&ash);
        assert_eq!(
            (a.appearances, a.offences_proven, a.breaches, a.breach_young_people),
            (0, 0, 1, 1)
        );
        // Before the entries' dates nothing counts (October).
        let oct = compute(&y, &Period::month(2026, 10).unwrap()).unwrap();
        assert_eq!(oct.total.court.unwrap().appearances, 0);
        let text = render::text(&r);
        assert!(text.contains("Court appearances"), "{text}");
        assert!(text.contains("3 (2 young people)"), "{text}");
        let csv = render::csv(&r).unwrap();
        assert!(csv.contains(",court,appearances,3,,"), "{csv}");
        let json = render::json(&r).unwrap();
        assert!(json.contains("\"appearance_young_people\": 2"), "{json}");
    }

    #[test]
    fn the_statutory_indicator_at_the_yos_counts_convictions_from_court_outcome_entries() {
        let (y, [oak, ..]) = three_homes();
        let r = compute(&y, &november()).unwrap();
        let m = r.per_home.iter().find(|m| m.home_uid.as_deref() == Some(&oak)).unwrap();
        // Oak House's cohort: Ava and Ben (looked after since 01/09/2025, 15): 2. Convicted: Ava, by the YOS's
        // entry of 20/11/2026 (the home recorded no conviction): 1 of 2.
        assert_eq!(m.statutory.cohort, 2);
        assert_eq!((m.statutory.convicted, m.statutory.indicator.count), (1, 1));
    }

    #[test]
    fn a_home_database_says_held_by_the_yos_never_zero() {
        let (home, _) = super::super::tests::home();
        let r = compute(&home, &Period::parse_week("2026-W47").unwrap()).unwrap();
        assert_eq!(r.total.court, None);
        let text = render::text(&r);
        assert!(text.contains("held by the YOS"), "{text}");
        let csv = render::csv(&r).unwrap();
        assert!(csv.contains(",court,appearances,held by the YOS,,"), "{csv}");
        assert!(render::json(&r).unwrap().contains("\"court\": null"));
    }
}
