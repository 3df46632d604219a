//! The report's reading of the database: its queries use their indexes, the statutory year misses nothing,
//! and the key-by-key reader agrees with the whole record.

use super::*;

#[test]
fn the_period_and_year_queries_use_their_indexes() {
    let (s, _) = home();
    let range = ["2025-11-23T00:00:00Z", "2026-11-23T00:00:00Z"];
    for (sql, index) in [(PERIOD_SQL, "incidents_time"), (YEAR_SQL, "incidents_police_time")] {
        let plan: Vec<String> = s.report_query_plan(sql, range[0], range[1]);
        assert!(plan.iter().any(|p| p.contains(index)), "{plan:?}");
        assert!(
            plan.iter().all(|p| !p.starts_with("SCAN")),
            "a search, not a scan: {plan:?}"
        );
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }
}

/// What the statutory year should find, worked out the long way: every incident of the range read whole.
fn year_by_hand(s: &Store, cohort: &BTreeSet<i64>, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(i64, bool, bool)> {
    let mut v: Vec<_> = s
        .report_all_currents_between(from, to)
        .into_iter()
        .filter(|(c, _)| cohort.contains(c))
        .filter_map(|(c, cur)| {
            let rec: IncidentRecord = serde_json::from_str(&cur).unwrap();
            let p = rec.police?;
            YearRow::of("", c, p.outcome, p.court).map(|y| (c, y.convicted, y.cautioned))
        })
        .collect();
    v.sort();
    v
}

fn year_rows(s: &Store, cohort: &BTreeSet<i64>, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(i64, bool, bool)> {
    let mut v: Vec<_> = super::read_year(s, cohort, from, to)
        .unwrap()
        .into_iter()
        .map(|y| (y.child_id, y.convicted, y.cautioned))
        .collect();
    v.sort();
    v
}

/// The statutory year read through the police index finds what reading every incident whole finds, including
/// police details added by a later entry to an incident that was handled in-house (the index follows `current`).
#[test]
fn the_year_read_through_the_police_index_misses_nothing() {
    let (mut s, a) = home();
    let children = s.all_children().unwrap();
    let cohort: BTreeSet<i64> = children.iter().map(|c| c.id).collect();
    let from = local("23/11/2024", "00:00");
    let to = local("23/11/2026", "00:00");
    let found = year_rows(&s, &cohort, from, to);
    assert_eq!(found.len(), 2, "E's conviction and A's caution: {found:?}");
    assert_eq!(found, year_by_hand(&s, &cohort, from, to));

    // Incident 1 (A, in-house) later gets police details holding a youth conditional caution.
    let mut p = police(
        PoliceRoute::NonEmergency101,
        CallReason::Behaviour,
        PoliceOutcome::YouthConditionalCaution,
    );
    p.reference = "REF9".into();
    s.add_entry(&a, 1, Change::Police { police: p }).unwrap();
    let found = year_rows(&s, &cohort, from, to);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found, year_by_hand(&s, &cohort, from, to));

    assert!(super::read_year(&s, &cohort, to, to).unwrap().is_empty());
    assert!(super::read_year(&s, &BTreeSet::new(), from, to).unwrap().is_empty());
}

/// A damaged `current` in the statutory year is reported, not left out of the count unseen.
#[test]
fn an_unreadable_incident_in_the_year_is_reported() {
    let (s, _) = home();
    let cohort: BTreeSet<i64> = s.all_children().unwrap().iter().map(|c| c.id).collect();
    s.report_damage_current(2, "{\"police\": [");
    let e = super::read_year(&s, &cohort, local("23/11/2024", "00:00"), local("23/11/2026", "00:00"))
        .err()
        .expect("an error");
    assert!(e.to_string().contains("run `concordat verify`"), "{e}");
}

/// A period longer than a year holds the whole statutory year.
#[test]
fn statutory_year_inside_a_long_period() {
    let (s, _) = home();
    let p = Period::dates(
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    )
    .unwrap();
    let st = compute(&s, &p).unwrap().total.statutory;
    // As for W47: A's caution counts, E's conviction the day before the year does not.
    assert_eq!(st.indicator, r(1, 2));
    assert_eq!((st.cautioned, st.convicted), (1, 0));
}

/// The report reads a stored `current` key by key instead of parsing all of it: on every incident of a demo
/// database (every category, response, police outcome, missing episode and restraint it makes) it reads what a
/// whole parse of the record reads.
#[test]
fn the_key_by_key_reader_agrees_with_the_whole_record() {
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::generate_homes(&mut s, 2, 24, 600, 7).unwrap();
    let texts: Vec<String> = s.report_all_currents();
    assert_eq!(texts.len(), 600);
    let keys = super::Keys::new();
    let mut seen = [0usize; 4];
    for text in &texts {
        let whole: IncidentRecord = serde_json::from_str(text).unwrap();
        let c = keys.cur(text.as_bytes()).unwrap();
        assert_eq!(c.occurred_at, whole.occurred_at, "{text}");
        assert_eq!(c.categories, whole.categories, "{text}");
        assert_eq!(c.response, whole.response, "{text}");
        assert_eq!(c.reg35, whole.reg35.is_some(), "{text}");
        assert_eq!(c.review.signed_at, whole.review.signed_at, "{text}");
        match (&c.restorative, &whole.restorative) {
            (Some(a), Some(b)) => {
                seen[0] += 1;
                assert_eq!(
                    (a.kind, a.victim_consent, a.held, &a.outcome),
                    (b.kind, b.victim_consent, b.held, &b.outcome),
                    "{text}"
                );
            }
            (a, b) => assert_eq!((a.is_none(), b.is_none()), (true, true), "{text}"),
        }
        match (&c.police, &whole.police) {
            (Some(a), Some(b)) => {
                seen[1] += 1;
                assert_eq!(
                    (a.route, a.reason, a.outcome, a.court),
                    (b.route, b.reason, b.outcome, b.court),
                    "{text}"
                );
            }
            (a, b) => assert_eq!((a.is_none(), b.is_none()), (true, true), "{text}"),
        }
        match (&c.missing, &whole.missing) {
            (Some(a), Some(b)) => {
                seen[2] += 1;
                assert_eq!((a.kind, a.reported_to_police), (b.kind, b.reported_to_police), "{text}");
            }
            (a, b) => assert_eq!((a.is_none(), b.is_none()), (true, true), "{text}"),
        }
        seen[3] += usize::from(c.reg35);
    }
    assert!(
        seen.iter().all(|n| *n > 0),
        "restorative, police, missing, reg35: {seen:?}"
    );
    // A record without a key it always has is refused, not read as empty.
    assert!(keys.cur(br#"{"occurred_at":"2026-01-01T00:00:00Z"}"#).is_err());
}
