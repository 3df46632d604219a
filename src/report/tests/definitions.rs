//! The definitions of the measures a YOS and a committee asked for: offences reported, diversion, the gender
//! table, the statutory cohort and the status at each quarter end.

use super::*;

/// W47 with one more incident: 8, B, Sat 21/11 10:00, a missing-person report to the police (police details,
/// reason missing, response police). A missing report is for the child's safety: it is a police call and a
/// police referral, but not an offence reported and not a behaviour incident.
fn w47_with_a_missing_report() -> Report {
    let (mut s, a) = home();
    let b = s
        .all_children()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Bea B")
        .unwrap();
    let t = local("21/11/2026", "10:00");
    incident(&mut s, &a, &b, t, t + Duration::hours(1), |r| {
        r.categories = vec![Category::MissingOrAbsent];
        r.missing = Some(Missing {
            kind: MissingKind::Missing,
            left_at: Some(t),
            reported_to_police: true,
            police_reference: "M2".into(),
            returned_at: None,
            return_interview_offered: None,
            reported_at: Some(t),
            not_reported_why: String::new(),
        });
        as_police(
            r,
            police(
                PoliceRoute::NonEmergency101,
                CallReason::Missing,
                PoliceOutcome::NotYetKnown,
            ),
        );
    });
    s.set_clock(Some(local("30/11/2026", "12:00")));
    compute(&s, &Period::parse_week("2026-W47").unwrap()).unwrap()
}

#[test]
fn offences_reported_are_behaviour_referrals_not_missing_reports() {
    let m = w47_with_a_missing_report().total;
    // Incidents 1, 3, 4, 5, 6, 7, 8. Referred to the police: 3, 6 (behaviour) and 8 (missing).
    assert_eq!(m.incidents, 7);
    assert_eq!(m.responses.police, r(3, 7));
    // Calls for service: 3, 6 (behaviour), 5 (missing, no police details), 8 (missing).
    assert_eq!(m.police.calls, 4);
    assert_eq!(*find(&m.police.by_reason, "behaviour"), r(2, 4));
    assert_eq!(*find(&m.police.by_reason, "missing"), r(2, 4));
    assert_eq!(*find(&m.police.by_reason, "absent"), r(0, 4));
    // Offences reported: 3 (violence and threats) and 6 (violence), not 8; both violence or damage.
    assert_eq!(m.police.offences_reported, 2);
    assert_eq!(m.police.offences_violence_or_damage, r(2, 2));
    // Over every referral the missing report dilutes the share: 2 of 3.
    assert_eq!(m.police.referrals_violence_or_damage, r(2, 3));
}

#[test]
fn diversion_over_behaviour_incidents_beside_the_overall_rate() {
    let m = w47().total;
    // Behaviour incidents: 1, 3, 4, 6, 7 (5 is a missing episode). Not reported as an offence: 1, 4, 7.
    assert_eq!(m.responses.diversion_rate_behaviour, r(3, 5));
    assert_eq!(m.responses.diversion_rate, r(4, 6));
    let m = w47_with_a_missing_report().total;
    // 8 is a missing report: not a behaviour incident, so the behaviour rate is unchanged; the overall rate
    // counts it as a referral: 4 not referred of 7.
    assert_eq!(m.responses.diversion_rate_behaviour, r(3, 5));
    assert_eq!(m.responses.diversion_rate, r(4, 7));
    let t = render::text(&w47());
    assert!(
        t.contains("Diversion rate, behaviour (not missing)      3 of 5 (60.0%)"),
        "{t}"
    );
    assert!(t.contains("Offences reported (behaviour referrals)      2"), "{t}");
    let c = render::csv(&w47()).unwrap();
    assert!(c.contains(",responses,diversion_rate_behaviour,3,5,60.0\n"), "{c}");
    assert!(c.contains(",police,offences_reported,2,,\n"), "{c}");
    assert!(
        c.contains(",police,offences_violence_or_criminal_damage,2,2,100.0\n"),
        "{c}"
    );
}

#[test]
fn the_percentage_of_each_gender_by_ethnic_group_and_age_band() {
    let m = w47().total;
    let t = &m.by_gender;
    // In the home: A (male, White, 15), B (female, Black, 13), C (male, Mixed, 17 when he left), E (non-binary,
    // Asian, 11).
    assert_eq!(t.columns, ["Female", "Male", "Non-binary / other", "All"]);
    assert_eq!(t.totals, [1, 2, 1, 4]);
    let row = |dim: &str, g: &str| {
        t.rows
            .iter()
            .find(|x| x.dimension == dim && x.group == g)
            .unwrap_or_else(|| panic!("{dim} {g}"))
            .cells
            .clone()
    };
    // Of 1 girl, 2 boys, 1 non-binary child, 4 in all.
    assert_eq!(row("ethnic_group", "White"), [r(0, 1), r(1, 2), r(0, 1), r(1, 4)]);
    assert_eq!(row("ethnic_group", "Black"), [r(1, 1), r(0, 2), r(0, 1), r(1, 4)]);
    assert_eq!(row("ethnic_group", "Mixed"), [r(0, 1), r(1, 2), r(0, 1), r(1, 4)]);
    assert_eq!(row("ethnic_group", "Asian"), [r(0, 1), r(0, 2), r(1, 1), r(1, 4)]);
    assert_eq!(row("age_band", "10-13"), [r(1, 1), r(0, 2), r(1, 1), r(2, 4)]);
    assert_eq!(row("age_band", "15"), [r(0, 1), r(1, 2), r(0, 1), r(1, 4)]);
    assert_eq!(row("age_band", "17+"), [r(0, 1), r(1, 2), r(0, 1), r(1, 4)]);
    // Groups nobody is in are left out.
    assert!(!t.rows.iter().any(|x| x.group == "Other" || x.group == "14"));
    let text = render::text(&w47());
    assert!(text.contains("Children in the home by gender"), "{text}");
    assert!(
        text.contains("    White                  0/1 0%        1/2 50%         0/1 0%        1/4 25%"),
        "{text}"
    );
    let c = render::csv(&w47()).unwrap();
    assert!(c.contains(",gender_by_age_band,10-13 / All,2,4,50.0\n"), "{c}");
}

#[test]
fn the_statutory_cohort_counts_12_months_by_month() {
    let (mut s, a) = home();
    // The year to Sunday 22/11/2026 began on 23/11/2025: a child there since before November 2025 counts.
    let f = child(&mut s, &a, "Fay F", |i| i.admitted = "31/10/2025".into());
    let g = child(&mut s, &a, "Gus G", |i| i.admitted = "01/11/2025".into());
    // Under 10 at the year's end: never in the cohort.
    child(&mut s, &a, "Hal H", |i| {
        i.dob = "01/01/2017".into();
        i.admitted = "01/01/2020".into()
    });
    // F is cautioned in the year; G too, but G is not in the cohort.
    for c in [&f, &g] {
        let t = local("10/11/2026", "10:00");
        incident(&mut s, &a, c, t, t + Duration::hours(1), |r| {
            as_police(
                r,
                police(
                    PoliceRoute::NonEmergency101,
                    CallReason::Behaviour,
                    PoliceOutcome::YouthCaution,
                ),
            )
        });
    }
    s.set_clock(Some(local("30/11/2026", "12:00")));
    let st = compute(&s, &Period::parse_week("2026-W47").unwrap())
        .unwrap()
        .total
        .statutory;
    // Cohort: A (since 01/09/2025, 15), E (2020, 11), F (31/10/2025). Convicted or cautioned: A and F.
    assert_eq!(st.cohort, 3);
    assert_eq!(st.indicator, r(2, 3));
    assert_eq!((st.cautioned, st.convicted), (2, 0));
}

/// Issue 20: the quarter-end count of children open to the YOS uses each child's status on that day. Jo is open
/// from 01/10/2025 (recorded at admission) and closed on 10/03/2026; Max is never open. Both are in the home
/// all along, so each quarter's denominator is 2 (the table holds at least four quarter ends, so 2025-Q2 too):
/// - end of 2025-Q2 (30/06/2025): 0 of 2;
/// - end of 2025-Q3 (30/09/2025): Jo not yet open, 0 of 2;
/// - end of 2025-Q4 (31/12/2025): Jo open, 1 of 2;
/// - end of 2026-Q1 (31/03/2026): Jo closed since 10/03, 0 of 2.
///
/// Before the history, every quarter used today's status: 0 of 2 at the end of 2025-Q4.
#[test]
fn a_child_closed_mid_quarter_counts_open_only_at_the_quarter_ends_while_open() {
    let (mut s, m) = set_up();
    let a = actor(&m);
    s.set_clock(Some(local("20/09/2025", "12:00")));
    let mut i = input("Jo J");
    i.admitted = "01/06/2025".into();
    i.yos_open = true;
    let jo = s
        .add_child_since(&a, &i, chrono::NaiveDate::from_ymd_opt(2025, 10, 1))
        .expect_err("the YOS date cannot be in the future");
    assert!(jo.to_string().contains("future"), "{jo}");
    s.set_clock(Some(local("02/10/2025", "12:00")));
    let jo = s
        .add_child_since(&a, &i, chrono::NaiveDate::from_ymd_opt(2025, 10, 1))
        .unwrap();
    let mut other = input("Max M");
    other.admitted = "01/06/2025".into();
    s.add_child(&a, &other).unwrap();
    // The manager records the closure on 10/03/2026, the day it took effect by default.
    s.set_clock(Some(local("10/03/2026", "15:00")));
    i.yos_open = false;
    s.update_child(&a, jo.id, &i).unwrap();
    s.set_clock(Some(local("15/04/2026", "09:00")));

    let p = Period::dates(
        chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    )
    .unwrap();
    let snaps: Vec<_> = compute(&s, &p)
        .unwrap()
        .total
        .yos_snapshots
        .iter()
        .map(|y| (y.quarter.clone(), y.open))
        .collect();
    assert_eq!(
        snaps,
        vec![
            ("2025-Q2".to_string(), r(0, 2)),
            ("2025-Q3".to_string(), r(0, 2)),
            ("2025-Q4".to_string(), r(1, 2)),
            ("2026-Q1".to_string(), r(0, 2)),
        ]
    );
    // The history says who recorded each change: the admission (closed until 01/10, then open) and the closure.
    let h = s.yos_history(jo.id).unwrap();
    let days: Vec<_> = h.iter().map(|c| (c.since.to_string(), c.open)).collect();
    assert_eq!(
        days,
        [
            ("2025-06-01".to_string(), false),
            ("2025-10-01".to_string(), true),
            ("2026-03-10".to_string(), false)
        ]
    );
    assert!(h.iter().all(|c| !c.recorded_by.is_empty()));
}

/// A child whose status never changed since the history began counts with today's status since admission, and
/// the first change keeps that earlier status for the days before it (the row written first, attributed).
#[test]
fn a_child_without_history_keeps_its_status_before_the_first_change() {
    let (mut s, a) = home();
    // Alex A (open) has a history row from admission; a child with none is read with today's status.
    let alex = s
        .all_children()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Alex A")
        .unwrap();
    let before = s.yos_history(alex.id).unwrap();
    assert_eq!(before.len(), 1);
    // A correction: a new, attributed row for the same day wins, the old one stays.
    let mut i = input("Alex A");
    i.yos_open = false;
    s.update_child_since(&a, alex.id, &i, Some(alex.admitted)).unwrap();
    let after = s.yos_history(alex.id).unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], before[0], "never updated in place");
    let y = compute(&s, &Period::parse_week("2026-W47").unwrap()).unwrap().total;
    assert_eq!(y.yos_snapshots.last().unwrap().open, r(0, 3));
}
