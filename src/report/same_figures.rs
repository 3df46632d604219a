//! The YOS's figures are the home's figures: for every measure, the report of a home for a period computed in a
//! YOS database, after the home's weekly sets were written with [`crate::export::write`] and read with
//! [`crate::export::import::import`], equals the home's own report for that period, for a week, a quarter and a
//! year, with named and pseudonymised children alike.

use chrono::{Datelike, Duration, NaiveDate};

use super::tests::{as_police, child, home, incident, local, police};
use super::*;
use crate::domain::*;
use crate::store::staff::Setup;
use crate::store::staff::tests::actor;
use crate::store::{Actor, Store};

/// The report tests' home (see `tests::home`), with two more children, and its clock in January 2027 so that
/// every week of 2026 is over:
/// - Kit K (male, Black African, born 10/03/2011), open to the YOS until 12/08/2026, when the case closed: a
///   youth caution in February (named in that week's file), an incident in September (pseudonymised by then).
/// - Ned N (male, White British, 14 all autumn, born 01/06/2012), never open to the YOS, admitted 01/03/2026:
///   looked after for less than 12 months, a police referral for criminal damage in November.
///
/// Also in the home's data: Bea B (looked after since 18/11/2026) has a restorative meeting whose outcome and a
/// complete regulation 35 record whose answers are withheld from the file (she is not open to the YOS).
fn home_of_the_year() -> (Store, Actor, Child) {
    let (mut s, a) = home();
    let kit = child(&mut s, &a, "Kit K", |i| {
        i.dob = "10/03/2011".into();
        i.ethnicity = "black_african".into();
        i.admitted = "15/07/2024".into();
        i.yos_open = true;
        i.yos_ref = "YOS/7".into();
    });
    let ned = child(&mut s, &a, "Ned N", |i| {
        i.dob = "01/06/2012".into();
        i.admitted = "01/03/2026".into();
    });
    let t = local("12/02/2026", "16:00");
    incident(&mut s, &a, &kit, t, t + Duration::hours(2), |r| {
        r.categories = vec![Category::Violence];
        as_police(
            r,
            police(
                PoliceRoute::Emergency999,
                CallReason::Behaviour,
                PoliceOutcome::YouthCaution,
            ),
        );
    });
    let t = local("09/09/2026", "20:00");
    incident(&mut s, &a, &kit, t, t + Duration::hours(1), |_| {});
    let t = local("03/11/2026", "21:00");
    incident(&mut s, &a, &ned, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::CriminalDamage];
        r.damage_cost = Some(120);
        as_police(
            r,
            police(
                PoliceRoute::NonEmergency101,
                CallReason::Behaviour,
                PoliceOutcome::Outcome22,
            ),
        );
    });
    s.set_clock(Some(local("11/01/2027", "09:00")));
    (s, a, kit)
}

/// Every ISO week from 2025-W01 to the last that touches 2026, in order: the statutory year of a period reaches
/// back 12 months, so the YOS needs the year before too.
fn weeks_of_2025_and_2026() -> Vec<Period> {
    let mut v = Vec::new();
    let mut monday = NaiveDate::from_ymd_opt(2024, 12, 30).unwrap();
    while monday.year() <= 2026 {
        let w = monday.iso_week();
        v.push(Period::iso_week(w.year(), w.week()).unwrap());
        monday += Duration::days(7);
    }
    v
}

/// A new database set up by the YOS (as a home's setup, as before the YOS role), and its officer.
fn new_yos() -> (Store, Actor) {
    let mut y = Store::open_in_memory().unwrap();
    let m = y
        .setup(&Setup {
            home_name: "Youth Offending Service",
            ofsted_urn: "",
            manager_name: "Yan Officer",
            passphrase: "correct horse",
        })
        .unwrap();
    (y, actor(&m))
}

/// The home writes each week's set as the weeks go by (Kit's case closes after the week of 30/06/2026), and a
/// YOS imports every set into its own database.
fn home_and_yos(identify: &str) -> (Store, Store, String) {
    let (mut s, a, kit) = home_of_the_year();
    s.set_setting(&a, "export_identify", identify).unwrap();
    let (mut yos, ym) = new_yos();
    yos.set_clock(Some(local("11/01/2027", "10:00")));
    let dir = tempfile::tempdir().unwrap();
    for w in weeks_of_2025_and_2026() {
        if w.first_day == NaiveDate::from_ymd_opt(2026, 7, 6).unwrap() {
            let mut i = crate::store::children::tests::input("Kit K");
            i.dob = "10/03/2011".into();
            i.ethnicity = "black_african".into();
            i.admitted = "15/07/2024".into();
            i.yos_open = false;
            // Recorded in July, the case closed mid-quarter on 12/08: the YOS learns the date from the week's
            // set that holds it, and its quarter-end figures follow.
            let closed = NaiveDate::from_ymd_opt(2026, 8, 12);
            s.update_child_since(&a, kit.id, &i, closed).unwrap();
        }
        let out = crate::export::write(&mut s, &a, &w, dir.path()).unwrap();
        let json = std::fs::read(&out.files[1]).unwrap();
        crate::export::import::import(&mut yos, &ym, &json).unwrap();
    }
    let uid = s.home().unwrap().unwrap().uid;
    assert!(
        yos.verify().unwrap().is_sound(),
        "the YOS's database is sound after the imports"
    );
    (s, yos, uid)
}

fn the_same(home: &Store, yos: &Store, uid: &str, period: &Period) {
    let mut mine = compute(home, period).unwrap().total;
    let theirs = compute(yos, period).unwrap();
    let mut theirs = theirs
        .per_home
        .iter()
        .find(|m| m.home_uid.as_deref() == Some(uid))
        .unwrap_or_else(|| panic!("the YOS reports the home for {}", period.label))
        .clone();
    // The court block (offences proven, appearances, breaches) is the YOS's own knowledge, from entries a home's
    // database never holds ("held by the YOS" there): it is not a measure the home holds, so not compared.
    mine.court = None;
    theirs.court = None;
    let theirs = &theirs;
    // Field by field first, for a message that names the measure.
    let (a, b) = (
        serde_json::to_value(&mine).unwrap(),
        serde_json::to_value(theirs).unwrap(),
    );
    for (k, v) in a.as_object().unwrap() {
        assert_eq!(Some(v), b.get(k), "{}: {k} differs at the YOS", period.label);
    }
    assert_eq!(&mine, theirs, "{}", period.label);
}

#[test]
fn the_yos_figures_are_the_homes_figures() {
    let (home, yos, uid) = home_and_yos("yos_open");
    // Kit is one child at the YOS, named (the YOS was given the name while the case was open), now closed.
    let kits: Vec<Child> = yos
        .all_children()
        .unwrap()
        .into_iter()
        .filter(|c| c.name == "Kit K")
        .collect();
    assert_eq!(kits.len(), 1, "one child, counted once");
    assert!(!kits[0].yos_open, "the case closed");
    // Ned was never named: the YOS has no name for him.
    assert!(!yos.all_children().unwrap().iter().any(|c| c.name == "Ned N"));
    // Kit counts open at the end of June and not at the end of September, at the home and at the YOS alike:
    // A and Kit open of A, C, D, E and Kit (and Ned, from March) in the home.
    let q = |st: &Store| {
        compute(st, &Period::year(2026).unwrap())
            .unwrap()
            .per_home
            .iter()
            .chain(std::iter::once(
                &compute(st, &Period::year(2026).unwrap()).unwrap().total,
            ))
            .find(|m| m.home_uid.as_deref() == Some(uid.as_str()))
            .unwrap()
            .yos_snapshots
            .iter()
            .map(|y| (y.quarter.clone(), y.open))
            .collect::<Vec<_>>()
    };
    let want = vec![
        ("2026-Q1".to_string(), Ratio::new(2, 6)),
        ("2026-Q2".to_string(), Ratio::new(2, 6)),
        ("2026-Q3".to_string(), Ratio::new(1, 6)),
        ("2026-Q4".to_string(), Ratio::new(1, 5)),
    ];
    assert_eq!(q(&home), want, "at the home");
    assert_eq!(q(&yos), want, "at the YOS");
    for p in [
        Period::parse_week("2026-W47").unwrap(),
        Period::parse_week("2026-W07").unwrap(),
        Period::parse_quarter("2026-Q2").unwrap(),
        Period::parse_quarter("2026-Q3").unwrap(),
        Period::parse_quarter("2026-Q4").unwrap(),
        Period::year(2026).unwrap(),
    ] {
        the_same(&home, &yos, &uid, &p);
    }
    // What the figures hold, so that "the same" is not "the same nothing".
    let y = compute(&home, &Period::year(2026).unwrap()).unwrap().total;
    assert_eq!(y.police.offences_reported, 4, "A's, B's, Kit's and Ned's");
    assert_eq!(
        y.restorative.outcome_recorded,
        Ratio::new(1, 1),
        "Bea's, withheld from the file"
    );
    assert_eq!(
        y.reg35.recorded_within_24h,
        Ratio::new(1, 2),
        "Bea's complete record, withheld"
    );
}

#[test]
fn the_same_figures_when_every_child_is_pseudonymised_or_named() {
    for identify in ["none", "all"] {
        let (home, yos, uid) = home_and_yos(identify);
        for p in [
            Period::parse_week("2026-W47").unwrap(),
            Period::parse_quarter("2026-Q2").unwrap(),
            Period::year(2026).unwrap(),
        ] {
            the_same(&home, &yos, &uid, &p);
        }
        let named = yos
            .all_children()
            .unwrap()
            .iter()
            .filter(|c| !c.name.contains("(pseudonym)"))
            .count();
        assert_eq!(named, if identify == "all" { 7 } else { 0 }, "{identify}");
    }
}

/// A file written before the sets carried the list of children and the children's facts still imports as it
/// always did: the children not named come in under their pseudonym, out of the register.
#[test]
fn an_older_file_without_the_facts_still_imports() {
    let (mut s, a, _) = home_of_the_year();
    let dir = tempfile::tempdir().unwrap();
    let out = crate::export::write(&mut s, &a, &Period::parse_week("2026-W47").unwrap(), dir.path()).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out.files[1]).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("children");
    for r in v["records"].as_array_mut().unwrap() {
        let c = r["child"].as_object_mut().unwrap();
        for k in [
            "pseudonym",
            "age_at_incident",
            "age_on_last_day",
            "looked_after_from",
            "arrived",
            "left",
            "facts_on",
        ] {
            assert!(c.remove(k).is_some(), "{k}");
        }
    }
    let (mut yos, ym) = new_yos();
    yos.set_clock(Some(local("11/01/2027", "10:00")));
    let sum = crate::export::import::import(&mut yos, &ym, &serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(sum.incidents, 6);
    let kept = yos.all_children().unwrap();
    assert!(
        kept.iter()
            .filter(|c| c.name.contains("(pseudonym)"))
            .all(|c| c.discharged.is_some() && c.dob.year() == 1900),
        "as before: {kept:?}"
    );
    assert!(yos.verify().unwrap().is_sound());
}
