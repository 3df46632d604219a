//! Every measure against a small home whose answers were worked out by hand (see the comments).

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::incident::fixtures::record;
use crate::domain::*;
use crate::store::children::tests::input;
use crate::store::report_rows::{PERIOD_SQL, YEAR_SQL};
use crate::store::staff::tests::{actor, set_up};
use crate::store::{Actor, Store};

mod definitions;
mod reading;

pub(crate) fn local(date: &str, time: &str) -> DateTime<Utc> {
    crate::time::parse_local(date, time).unwrap()
}

pub(crate) fn police(route: PoliceRoute, reason: CallReason, outcome: PoliceOutcome) -> Police {
    Police {
        route,
        reason,
        called_at: None,
        reference: "REF1".into(),
        officer: String::new(),
        attended: None,
        arrest: false,
        appropriate_adult: String::new(),
        diversion_asked: DiversionAsked::None,
        outcome,
        court: None,
        outcome_at: None,
    }
}

/// The police were called about the behaviour (101), the child was charged and convicted.
pub(crate) fn convicted(r: &mut IncidentRecord) {
    let mut p = police(
        PoliceRoute::NonEmergency101,
        CallReason::Behaviour,
        PoliceOutcome::Charge,
    );
    p.court = Some(CourtOutcome::Convicted);
    as_police(r, p);
}

pub(crate) fn reg35_complete() -> Reg35 {
    Reg35 {
        measure: "Guided away by the arm".into(),
        duration_minutes: Some(2),
        used_by: "Sam Night".into(),
        others_present: String::new(),
        avoid_tried: "Space and time".into(),
        effectiveness: "Calmed".into(),
        consequences: String::new(),
        injuries: String::new(),
        treatment: String::new(),
    }
}

pub(crate) fn child(s: &mut Store, a: &Actor, name: &str, f: impl FnOnce(&mut ChildInput)) -> Child {
    let mut i = input(name);
    f(&mut i);
    s.add_child(a, &i).unwrap()
}

/// Save an incident with the clock set to `saved`, after `edit` shapes the record.
pub(crate) fn incident(
    s: &mut Store,
    a: &Actor,
    c: &Child,
    at: DateTime<Utc>,
    saved: DateTime<Utc>,
    edit: impl FnOnce(&mut IncidentRecord),
) -> i64 {
    let mut r = record();
    r.uid = String::new();
    r.child_uid = c.uid.clone();
    r.occurred_at = at;
    r.rationale = "Reason given".into();
    edit(&mut r);
    s.set_clock(Some(saved));
    s.save_incident(a, r, None).unwrap()
}

pub(crate) fn as_police(r: &mut IncidentRecord, p: Police) {
    r.response = Response::Police;
    r.in_house = None;
    r.police = Some(p);
}

/// The home of the hand-worked answers (week 2026-W47: Mon 16 to Sun 22 November 2026, GMT so local = UTC).
///
/// Children: A (male, White British, 15, admitted 01/09/2025, open to the YOS), B (female, Black Caribbean, 13,
/// admitted Wed 18/11/2026), C (male, Mixed White and Black Caribbean, 17, discharged Tue 17/11/2026),
/// D (discharged 01/10/2026: not in the home that week), E (non-binary, Asian Indian, 11, admitted 2020).
///
/// Incidents in W47:
///   1 A Mon 00:00  in-house     criminal damage
///   3 A Sun 23:59  police 999   violence+threats, behaviour, youth caution
///   4 B Wed 10:00  restorative  theft, meeting held with outcome, victim consented
///   5 C Mon 09:00  in-house     missing, reported to police (no police details)
///   6 B Thu 12:00  police 101   violence, behaviour, outcome not yet known; reg35 complete when saved 1h later,
///                                signed 8h later
///   7 A Fri 15:00  in-house     public order; reg35 incomplete, completed by an entry 43h later; not signed
/// Outside W47: 2 A Sun 15/11 23:59 (W46); E's conviction at 23:00 on 22/11/2025 (before the statutory year).
pub(crate) fn home() -> (Store, Actor) {
    let (mut s, m) = set_up();
    let a = actor(&m);
    s.set_clock(Some(local("30/11/2026", "12:00")));
    let ca = child(&mut s, &a, "Alex A", |i| i.yos_open = true);
    let cb = child(&mut s, &a, "Bea B", |i| {
        i.dob = "01/06/2013".into();
        i.gender = "female".into();
        i.ethnicity = "black_caribbean".into();
        i.admitted = "18/11/2026".into();
    });
    let cc = child(&mut s, &a, "Cal C", |i| {
        i.dob = "01/01/2009".into();
        i.ethnicity = "mixed_white_black_caribbean".into();
        i.admitted = "01/01/2024".into();
    });
    s.discharge_child(&a, cc.id, "17/11/2026", "Moved to another home")
        .unwrap();
    let cd = child(&mut s, &a, "Dee D", |i| i.admitted = "01/01/2025".into());
    s.discharge_child(&a, cd.id, "01/10/2026", "Returned home").unwrap();
    let ce = child(&mut s, &a, "Eli E", |i| {
        i.dob = "01/12/2014".into();
        i.gender = "non_binary".into();
        i.ethnicity = "asian_indian".into();
        i.admitted = "01/01/2020".into();
    });

    let t = local("16/11/2026", "00:00");
    incident(&mut s, &a, &ca, t, t + Duration::hours(1), |_| {});
    let t = local("15/11/2026", "23:59");
    incident(&mut s, &a, &ca, t, t + Duration::hours(1), |_| {});
    let t = local("22/11/2026", "23:59");
    incident(&mut s, &a, &ca, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::Violence, Category::Threats];
        as_police(
            r,
            police(
                PoliceRoute::Emergency999,
                CallReason::Behaviour,
                PoliceOutcome::YouthCaution,
            ),
        );
    });
    let t = local("18/11/2026", "10:00");
    incident(&mut s, &a, &cb, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::Theft];
        r.response = Response::Restorative;
        r.in_house = None;
        r.restorative = Some(Restorative {
            kind: RestorativeKind::Meeting,
            facilitator: "Jo".into(),
            participants: String::new(),
            victim_consent: Some(true),
            planned_for: None,
            agreed: String::new(),
            held: Some(true),
            outcome: "Apologised and paid back".into(),
        });
    });
    let t = local("16/11/2026", "09:00");
    incident(&mut s, &a, &cc, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::MissingOrAbsent];
        r.missing = Some(Missing {
            kind: MissingKind::Missing,
            left_at: Some(t),
            reported_to_police: true,
            police_reference: "M1".into(),
            reported_at: None,
            not_reported_why: String::new(),
            returned_at: None,
            return_interview_offered: None,
        });
    });
    let t = local("19/11/2026", "12:00");
    let i6 = incident(&mut s, &a, &cb, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::Violence];
        r.reg35 = Some(reg35_complete());
        as_police(
            r,
            police(
                PoliceRoute::NonEmergency101,
                CallReason::Behaviour,
                PoliceOutcome::NotYetKnown,
            ),
        );
    });
    s.set_clock(Some(t + Duration::hours(8)));
    s.add_entry(&a, i6, Change::OfstedSerious { serious: false }).unwrap();
    s.add_entry(&a, i6, Change::SignOff { comment: "ok".into() }).unwrap();
    let t = local("20/11/2026", "15:00");
    let i7 = incident(&mut s, &a, &ca, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::PublicOrder];
        r.reg35 = Some(Reg35 {
            measure: "Held".into(),
            ..Default::default()
        });
    });
    s.set_clock(Some(t + Duration::hours(43)));
    s.add_entry(
        &a,
        i7,
        Change::Reg35 {
            reg35: reg35_complete(),
        },
    )
    .unwrap();
    let t = local("22/11/2025", "23:00");
    incident(&mut s, &a, &ce, t, t + Duration::hours(1), convicted);
    s.set_clock(Some(local("30/11/2026", "12:00")));
    (s, a)
}

fn w47() -> Report {
    let (s, _) = home();
    compute(&s, &Period::parse_week("2026-W47").unwrap()).unwrap()
}

fn find<'a>(lines: &'a [Line], code: &str) -> &'a Ratio {
    &lines.iter().find(|l| l.code == code).unwrap().ratio
}

fn r(count: u64, of: u64) -> Ratio {
    Ratio::new(count, of)
}

#[test]
fn ratios_say_numerator_and_denominator_and_never_nan() {
    assert_eq!(r(12, 40).to_string(), "12 of 40 (30.0%)");
    assert_eq!(r(2, 3).to_string(), "2 of 3 (66.7%)");
    assert_eq!(r(0, 0).to_string(), "0 of 0 (none to count)");
    assert_eq!(r(0, 0).percent, None);
}

#[test]
fn incidents_responses_and_categories() {
    let rep = w47();
    let m = &rep.total;
    assert!(rep.per_home.is_empty(), "one home: no per-home breakdown");
    assert_eq!(m.scope, "Oak House");
    // 1,3,4,5,6,7: Monday 00:00 is in, Sunday 23:59 the week before is out, Sunday 23:59 is in.
    assert_eq!(m.incidents, 6);
    assert_eq!(m.responses.in_house, r(3, 6));
    assert_eq!(m.responses.restorative, r(1, 6));
    assert_eq!(m.responses.police, r(2, 6));
    assert_eq!(m.responses.diversion_rate.to_string(), "4 of 6 (66.7%)");
    assert_eq!(*find(&m.categories, "criminal_damage"), r(1, 6));
    assert_eq!(*find(&m.categories, "violence"), r(2, 6));
    assert_eq!(*find(&m.categories, "threats"), r(1, 6));
    assert_eq!(*find(&m.categories, "theft"), r(1, 6));
    assert_eq!(*find(&m.categories, "missing_or_absent"), r(1, 6));
    assert_eq!(*find(&m.categories, "public_order"), r(1, 6));
    assert_eq!(*find(&m.categories, "drugs"), r(0, 6));
    // 1 (damage), 3 and 6 (violence).
    assert_eq!(m.violence_or_damage.to_string(), "3 of 6 (50.0%)");
}

#[test]
fn police_calls_routes_and_outcomes() {
    let m = w47().total;
    let p = &m.police;
    // 3 and 6 with police details, 5 a missing report.
    assert_eq!(p.calls, 3);
    assert_eq!(*find(&p.by_reason, "behaviour"), r(2, 3));
    assert_eq!(*find(&p.by_reason, "missing"), r(1, 3));
    assert_eq!(*find(&p.by_reason, "absent"), r(0, 3));
    assert_eq!(p.emergency_999, r(1, 3));
    assert_eq!(p.non_emergency, r(1, 3));
    assert_eq!(p.route_not_recorded, r(1, 3));
    assert_eq!(*find(&p.outcomes, "youth_caution"), r(1, 2));
    assert_eq!(*find(&p.outcomes, "not_yet_known"), r(1, 2));
    assert_eq!(*find(&p.outcomes, "charge"), r(0, 2));
    assert_eq!(*find(&p.outcomes, "outcome21"), r(0, 2));
    assert_eq!(p.referrals_violence_or_damage, r(2, 2));
}

#[test]
fn restorative_and_children() {
    let m = w47().total;
    let x = &m.restorative;
    assert_eq!(x.planned, 1);
    assert_eq!(x.held, r(1, 1));
    assert_eq!(x.not_held, r(0, 1));
    assert_eq!(x.not_yet_known, r(0, 1));
    assert_eq!(x.outcome_recorded, r(1, 1));
    assert_eq!(x.victim_consented, r(1, 1));
    assert_eq!(*find(&x.by_kind, "meeting"), r(1, 1));
    assert_eq!(*find(&x.by_kind, "apology"), r(0, 1));
    let c = &m.children;
    // A, B (admitted Wednesday), C (discharged Tuesday), E; not D (discharged in October).
    assert_eq!(c.in_home, 4);
    assert_eq!(c.involved, r(3, 4));
    assert_eq!(c.incidents_per_child_involved, Some(2.0));
    assert_eq!(c.incidents_per_child_in_home, Some(1.5));
    // A (3 incidents) and B (2).
    assert_eq!(c.repeat, r(2, 3));
}

#[test]
fn yos_snapshot_at_quarter_ends() {
    let m = w47().total;
    // The last four quarter ends, then the week's last day in the quarter that runs on.
    let qs: Vec<_> = m
        .yos_snapshots
        .iter()
        .map(|y| (y.quarter.as_str(), y.quarter_end))
        .collect();
    assert_eq!(
        qs,
        [
            ("2025-Q4", true),
            ("2026-Q1", true),
            ("2026-Q2", true),
            ("2026-Q3", true),
            ("2026-Q4", false)
        ]
    );
    let y = &m.yos_snapshots[4];
    // In the home at the end of Sunday 22/11: A (open), B, E. C left on the 17th.
    assert_eq!(y.open, r(1, 3));
    // End of 2025-Q4: A, C, D, E in the home, A open.
    assert_eq!(m.yos_snapshots[0].open, r(1, 4));
    let (s, _) = home();
    let year = compute(&s, &Period::year(2026).unwrap()).unwrap();
    let snaps: Vec<_> = year
        .total
        .yos_snapshots
        .iter()
        .map(|y| (y.quarter.as_str(), y.open))
        .collect();
    // Q1-Q3 end: A, C, D, E in the home (Q3 ends 30/09, D leaves 01/10); Q4: A, B, E.
    assert_eq!(
        snaps,
        vec![
            ("2026-Q1", r(1, 4)),
            ("2026-Q2", r(1, 4)),
            ("2026-Q3", r(1, 4)),
            ("2026-Q4", r(1, 3))
        ]
    );
    assert!(year.total.yos_snapshots.iter().all(|y| y.quarter_end));
}

#[test]
fn demographics_side_by_side() {
    let m = w47().total;
    let row = |dim: &str, g: &str| {
        let d = m
            .demographics
            .iter()
            .find(|d| d.dimension == dim && d.group == g)
            .unwrap_or_else(|| panic!("{dim} {g}"));
        (d.referred, d.in_home)
    };
    // Referred: A (incident 3) and B (incident 6). In the home: A, B, C, E.
    assert_eq!(row("gender", "Male"), (r(1, 2), r(2, 4)));
    assert_eq!(row("gender", "Female"), (r(1, 2), r(1, 4)));
    assert_eq!(row("gender", "Non-binary / other"), (r(0, 2), r(1, 4)));
    assert_eq!(row("ethnic_group", "White"), (r(1, 2), r(1, 4)));
    assert_eq!(row("ethnic_group", "Black"), (r(1, 2), r(1, 4)));
    assert_eq!(row("ethnic_group", "Mixed"), (r(0, 2), r(1, 4)));
    assert_eq!(row("ethnic_group", "Asian"), (r(0, 2), r(1, 4)));
    assert_eq!(row("ethnic_group", "Other"), (r(0, 2), r(0, 4)));
    assert_eq!(row("ethnicity", "Black: Caribbean"), (r(1, 2), r(1, 4)));
    assert_eq!(row("ethnicity", "Mixed: White and Black Caribbean"), (r(0, 2), r(1, 4)));
    assert!(
        !m.demographics.iter().any(|d| d.group == "Black: African"),
        "empty categories are left out"
    );
    // A is 15; B 13 and E 11 (10-13); C was 17 when discharged.
    assert_eq!(row("age_band", "15"), (r(1, 2), r(1, 4)));
    assert_eq!(row("age_band", "10-13"), (r(1, 2), r(2, 4)));
    assert_eq!(row("age_band", "17+"), (r(0, 2), r(1, 4)));
    assert_eq!(row("age_band", "14"), (r(0, 2), r(0, 4)));
}

#[test]
fn statutory_indicator() {
    let m = w47().total;
    let st = &m.statutory;
    assert_eq!(st.year_from.to_string(), "2025-11-23");
    assert_eq!(st.year_to.to_string(), "2026-11-22");
    // Cohort: A (admitted 01/09/2025, 15) and E (2020, 11). B is new, C left. A's youth caution counts; E's
    // conviction was at 23:00 on 22/11/2025, a day before the year began.
    assert_eq!(st.indicator, r(1, 2));
    assert_eq!(st.cautioned, 1);
    assert_eq!(st.convicted, 0);
    let (s, _) = home();
    let later = compute(&s, &Period::parse_week("2025-W47").unwrap()).unwrap();
    // On 23/11/2025: A (admitted 01/09/2025) and D (01/01/2025) not yet 12 months; C (16, admitted 2024) and E
    // in the cohort; E's conviction the day before counts.
    assert_eq!(later.total.statutory.indicator, r(1, 2));
    assert_eq!(later.total.statutory.convicted, 1);
}

#[test]
fn regulation_35() {
    let m = w47().total;
    let g = &m.reg35;
    assert_eq!(g.restraints, 2);
    assert_eq!(g.children, 2);
    // 6: complete when saved an hour later; 7: completed by an entry 43 hours later.
    assert_eq!(g.recorded_within_24h, r(1, 2));
    // 6 signed after 8 hours; 7 not signed.
    assert_eq!(g.signed_within_48h, r(1, 2));
}

#[test]
fn an_empty_period_says_no_incidents() {
    let (s, _) = home();
    let rep = compute(&s, &Period::parse_week("2026-W30").unwrap()).unwrap();
    assert_eq!(rep.total.incidents, 0);
    assert_eq!(rep.total.responses.diversion_rate.percent, None);
    let t = render::text(&rep);
    assert!(t.contains("No incidents in this period."), "{t}");
    assert!(!t.contains("NaN"));
    let j = render::json(&rep).unwrap();
    assert!(!j.contains("NaN"));
    assert!(j.contains("\"percent\": null"));
    let c = render::csv(&rep).unwrap();
    assert!(!c.contains("NaN"));
}

#[test]
fn clock_change_week_edges() {
    let (mut s, m) = set_up();
    let a = actor(&m);
    s.set_clock(Some(local("30/11/2026", "12:00")));
    let c = child(&mut s, &a, "Alex A", |_| {});
    // Clocks go back at 02:00 BST on Sunday 25/10/2026.
    for (d, t) in [
        ("18/10/2026", "23:30"),
        ("19/10/2026", "00:30"),
        ("25/10/2026", "23:30"),
    ] {
        let at = local(d, t);
        incident(&mut s, &a, &c, at, at + Duration::hours(1), |_| {});
    }
    s.set_clock(Some(local("30/11/2026", "12:00")));
    let w42 = compute(&s, &Period::parse_week("2026-W42").unwrap()).unwrap();
    let w43 = compute(&s, &Period::parse_week("2026-W43").unwrap()).unwrap();
    assert_eq!(w42.total.incidents, 1, "Sunday 23:30 BST is still week 42");
    assert_eq!(
        w43.total.incidents, 2,
        "Monday 00:30 BST and Sunday 23:30 GMT are week 43"
    );
}

#[test]
fn several_homes_are_reported_each_and_together() {
    let (mut s, a) = home();
    let other = "other-home-uid";
    let cin = crate::domain::child::validate_child(&input("Far Away"), crate::time::local_date(s.now())).unwrap();
    let mut cur = record();
    cur.uid = "far-1".into();
    cur.home_uid = other.into();
    cur.occurred_at = local("17/11/2026", "10:00");
    as_police(
        &mut cur,
        police(PoliceRoute::Emergency999, CallReason::Absent, PoliceOutcome::Outcome22),
    );
    s.put_other_home_incident(&a, other, "Elm Lodge", "far-child", &cin, &cur);
    let rep = compute(&s, &Period::parse_week("2026-W47").unwrap()).unwrap();
    assert_eq!(rep.total.scope, "All homes");
    assert_eq!(rep.total.incidents, 7);
    assert_eq!(rep.total.responses.police, r(3, 7));
    assert_eq!(rep.total.children.in_home, 5);
    let names: Vec<_> = rep.per_home.iter().map(|m| m.scope.as_str()).collect();
    assert_eq!(names, ["Oak House", "Elm Lodge"]);
    let elm = &rep.per_home[1];
    assert_eq!(elm.incidents, 1);
    assert_eq!(elm.responses.diversion_rate, r(0, 1));
    assert_eq!(*find(&elm.police.by_reason, "absent"), r(1, 1));
    assert_eq!(*find(&elm.police.outcomes, "outcome22"), r(1, 1));
    assert_eq!(elm.children.in_home, 1);
    assert_eq!(rep.per_home[0].incidents, 6);
    let t = render::text(&rep);
    assert!(t.contains("== Elm Lodge =="), "{t}");
    let c = render::csv(&rep).unwrap();
    assert!(
        c.lines()
            .any(|l| l
                .starts_with("2026-W47,2026-11-16,2026-11-22,Elm Lodge,other-home-uid,,responses,police,1,1,100.0"))
    );
}

#[test]
fn renderers_carry_every_section() {
    let rep = w47();
    let t = render::text(&rep);
    for want in [
        "Diversion rate (not referred to police)      4 of 6 (66.7%)",
        "Calls for service",
        "Outcome 22",
        "Held                                         1 of 1 (100.0%)",
        "Repeat (2 or more incidents), of involved    2 of 3 (66.7%)",
        "so far in 2026-Q4 (22/11/2026)",
        "Black: Caribbean                 1 of 2 (50.0%)         | 1 of 4 (25.0%)",
        "Convicted or given a youth (cond.) caution   1 of 2 (50.0%)",
        "Record complete within 24 hours              1 of 2 (50.0%)",
        "Open to the YOS at each quarter's end",
    ] {
        assert!(t.contains(want), "missing {want:?} in\n{t}");
    }
    let c = render::csv(&rep).unwrap();
    assert!(c.starts_with("period,from,to,home,home_uid,ofsted_urn,section,measure,count,of,percent\n"));
    let at = format!("Oak House,{},SC123456", rep.total.home_uid.as_deref().unwrap());
    assert!(
        c.contains(&format!(
            "2026-W47,2026-11-16,2026-11-22,{at},responses,diversion_rate,4,6,66.7\n"
        )),
        "{c}"
    );
    assert!(c.contains(&format!("{at},children,incidents_per_child_in_home,1.50,,\n")));
    let j: serde_json::Value = serde_json::from_str(&render::json(&rep).unwrap()).unwrap();
    assert_eq!(j["total"]["responses"]["police"]["count"], 2);
    assert_eq!(j["total"]["responses"]["police"]["of"], 6);
    assert_eq!(j["period"]["label"], "2026-W47");
}
