use std::collections::BTreeMap;

use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

#[test]
fn police_round_trip() {
    let mut f = Form::new(police_fields());
    let x = Police {
        route: PoliceRoute::Emergency999,
        reason: CallReason::Behaviour,
        called_at: Some(Utc.with_ymd_and_hms(2026, 11, 22, 2, 20, 0).unwrap()),
        reference: "CAD 123".into(),
        officer: "PC Jones 4412".into(),
        attended: Some(true),
        arrest: false,
        appropriate_adult: String::new(),
        diversion_asked: DiversionAsked::Outcome22,
        outcome: PoliceOutcome::NotYetKnown,
        court: None,
        outcome_at: None,
    };
    police_fill(&mut f, &x);
    let mut p = vec![];
    assert_eq!(police_read(&f, now(), &mut p), x);
    assert!(p.is_empty(), "{p:?}");
    f.set("po_court", "convicted");
    police_read(&f, now(), &mut p);
    assert_eq!(p[0].0, "po_court");
}

/// The form's codes are the domain's (serde's names), and a draft kept when the form said `outcome_22`
/// still comes back with the outcome chosen, never silently "not yet known".
#[test]
fn police_codes_are_the_records_and_old_drafts_keep_their_outcome() {
    let mut f = Form::new(police_fields());
    f.set("po_outcome", PoliceOutcome::Outcome22.code());
    f.set("po_diversion", "outcome21");
    assert_eq!(f.get("po_outcome"), "outcome22");
    let mut p = vec![];
    let x = police_read(&f, now(), &mut p);
    assert_eq!(
        (x.outcome, x.diversion_asked),
        (PoliceOutcome::Outcome22, DiversionAsked::Outcome21)
    );

    let mut old = Form::new(police_fields());
    let kept: BTreeMap<String, String> = [("po_outcome", "outcome_22"), ("po_diversion", "outcome_21")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    old.restore(&kept);
    let y = police_read(&old, now(), &mut p);
    assert_eq!(
        (y.outcome, y.diversion_asked),
        (PoliceOutcome::Outcome22, DiversionAsked::Outcome21)
    );
    assert_eq!(
        old.get("po_outcome"),
        "outcome22",
        "shown as the choice, saved under today's code"
    );
}

#[test]
fn times_in_the_future_and_impossible_dates_are_refused() {
    let mut f = Form::new(missing_fields());
    f.set("mi_kind", "missing");
    f.set("mi_reported", "yes");
    f.set("mi_back", "no");
    f.set("mi_left_date", "22/11/2026");
    f.set("mi_left_time", "04:00");
    let mut p = vec![];
    missing_read(&f, now(), &mut p);
    assert!(p[0].1.contains("future"));
    f.set("mi_left_date", "31/11/2026");
    let mut p = vec![];
    missing_read(&f, now(), &mut p);
    assert_eq!(p[0].0, "mi_left_date");
}

fn notify_form(v: &[(&str, &str)]) -> Form {
    let m: BTreeMap<String, String> = v.iter().map(|(k, x)| (k.to_string(), x.to_string())).collect();
    let mut f = Form::new(notify_fields_for(&m));
    f.restore(&m);
    f
}

#[test]
fn the_yos_worker_of_a_yos_open_child_must_be_answered_never_a_silent_default() {
    // Only the social worker answered: the YOS worker's row is asked for, nobody is "told" by default.
    let f = notify_form(&[("nt_sw", TOLD_AT), ("nt_sw_at", "02:40")]);
    let mut p = vec![];
    let (told, not) = notify_read(&f, now(), true, &mut p);
    assert_eq!(told.len(), 1);
    assert!(not.is_empty());
    assert_eq!(told[0].at, Utc.with_ymd_and_hms(2026, 11, 22, 2, 40, 0).unwrap());
    assert_eq!(p[0].0, "nt_yos");
    // Every one of the four answers is accepted, and none of them invents a time.
    for (status, detail) in [(TELL_LATER, "09:00"), (NOT_NEEDED, "order ended"), (TOLD_AT, "02:50")] {
        let f = notify_form(&[("nt_yos", status), ("nt_yos_at", detail)]);
        let mut p = vec![];
        let (told, not) = notify_read(&f, now(), true, &mut p);
        assert!(p.is_empty(), "{status}: {p:?}");
        assert_eq!(told.len() + not.len(), 1);
    }
    // "To be told later" and "not needed" without a time or why are refused on their own row.
    for status in [TELL_LATER, NOT_NEEDED, TOLD_AT] {
        let mut p = vec![];
        notify_read(&notify_form(&[("nt_yos", status)]), now(), true, &mut p);
        assert_eq!(p[0].0, "nt_yos_at", "{status}");
    }
}

#[test]
fn a_time_to_tell_later_is_the_next_one_and_a_time_told_is_the_most_recent() {
    // 03:00 on 22/11: "09:00" is this morning; "23:20" told is last night; "02:00" later is tomorrow.
    let f = notify_form(&[
        ("nt_yos", TELL_LATER),
        ("nt_yos_at", "09:00"),
        ("nt_manager", TOLD_AT),
        ("nt_manager_at", "23:20"),
        ("nt_parent", TELL_LATER),
        ("nt_parent_at", "02:00"),
    ]);
    let mut p = vec![];
    let (told, not) = notify_read(&f, now(), true, &mut p);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(told[0].at, Utc.with_ymd_and_hms(2026, 11, 21, 23, 20, 0).unwrap());
    assert_eq!(
        not,
        vec![
            NotTold::Later {
                who: NotifyWho::YosWorker,
                due: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
            },
            NotTold::Later {
                who: NotifyWho::ParentOrCarer,
                due: Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
            },
        ]
    );
    // A date given and passed is refused for "later"; in the future for "told at".
    let mut p = vec![];
    notify_read(
        &notify_form(&[("nt_yos", TELL_LATER), ("nt_yos_at", "21/11/2026 09:00")]),
        now(),
        true,
        &mut p,
    );
    assert!(p[0].1.contains("passed"), "{p:?}");
    // Round trip through the fill used by a later entry.
    let mut round = Form::new(notify_fields());
    notify_fill(&mut round, &told, &not);
    let mut p2 = vec![];
    assert_eq!(notify_read(&round, now(), false, &mut p2), (told, not));
    assert!(p2.is_empty(), "{p2:?}");
}

#[test]
fn a_missing_episode_does_not_contradict_itself() {
    let m = |v: &[(&str, &str)]| {
        let m: BTreeMap<String, String> = v.iter().map(|(k, x)| (k.to_string(), x.to_string())).collect();
        let mut f = Form::new(missing_fields_for(&m));
        f.restore(&m);
        f
    };
    // The reference field is not there unless reported; a reference left over is not kept.
    let f = m(&[
        ("mi_kind", "missing"),
        ("mi_reported", "no"),
        ("mi_ref", "CAD 1"),
        ("mi_back", "no"),
    ]);
    assert!(f.field("mi_ref").is_none());
    let mut p = vec![];
    let x = missing_read(&f, now(), &mut p);
    assert_eq!(x.police_reference, "");
    assert_eq!(p[0].0, "mi_why", "a missing child not reported needs a why: {p:?}");
    // Reported, with a time and reference; not back yet: missing now, no return interview due.
    let f = m(&[
        ("mi_kind", "missing"),
        ("mi_left_date", "21/11/2026"),
        ("mi_left_time", "23:00"),
        ("mi_reported", "yes"),
        ("mi_rep_at", "23:40"),
        ("mi_ref", "CAD 9"),
        ("mi_back", "no"),
    ]);
    let mut p = vec![];
    let x = missing_read(&f, now(), &mut p);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(
        x.reported_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 21, 23, 40, 0).unwrap())
    );
    assert!(x.away_now());
    assert_eq!(x.return_interview_due(), None);
    // "Back yet?" must be answered: never a silent "still missing".
    let mut p = vec![];
    missing_read(
        &m(&[
            ("mi_kind", "absent"),
            ("mi_reported", "no"),
            ("mi_why", "at his aunt's"),
        ]),
        now(),
        &mut p,
    );
    assert_eq!(p[0].0, "mi_back", "{p:?}");
    // Came back at 02:30: the interview is due 72 hours later; the fill shows the same answers.
    let f = m(&[
        ("mi_kind", "missing"),
        ("mi_reported", "yes"),
        ("mi_back", "yes"),
        ("mi_back_date", "22/11/2026"),
        ("mi_back_time", "02:30"),
    ]);
    let mut p = vec![];
    let x = missing_read(&f, now(), &mut p);
    assert!(p.is_empty(), "{p:?}");
    let back = Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap();
    assert_eq!(x.return_interview_due(), Some(back + chrono::Duration::hours(72)));
    let mut round = Form::new(missing_fields());
    missing_fill(&mut round, &x);
    let mut p = vec![];
    assert_eq!(missing_read(&round, now(), &mut p), x);
}

#[test]
fn reg35_and_restorative_round_trip() {
    let mut f = Form::new(reg35_fields());
    let x = Reg35 {
        measure: "Guided away".into(),
        duration_minutes: Some(3),
        used_by: "Sam".into(),
        others_present: "Kim".into(),
        avoid_tried: "Space".into(),
        effectiveness: "Calmed".into(),
        consequences: String::new(),
        injuries: String::new(),
        treatment: String::new(),
    };
    reg35_fill(&mut f, &x);
    let mut p = vec![];
    assert_eq!(reg35_read(&f, &mut p), x);
    let mut f = Form::new(restorative_fields());
    let r = Restorative {
        kind: RestorativeKind::Meeting,
        facilitator: "Lee".into(),
        participants: "J, Sam".into(),
        victim_consent: Some(true),
        planned_for: Some(Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0).unwrap()),
        agreed: String::new(),
        held: None,
        outcome: String::new(),
    };
    restorative_fill(&mut f, &r);
    assert_eq!(restorative_read(&f, &mut p), r);
    assert!(p.is_empty(), "{p:?}");
}
