//! The tests of a record, its checks and its entries.

use super::fixtures::record;
use super::*;
use chrono::TimeZone;

#[test]
fn a_complete_record_validates() {
    let r = record();
    assert!(r.validate(r.recorded_at).is_ok());
}

#[test]
fn stronger_response_needs_rationale() {
    let mut r = record();
    r.response = Response::Police;
    r.police = Some(Police::called(PoliceRoute::NonEmergency101, CallReason::Behaviour));
    let e = r.validate(r.recorded_at).unwrap_err();
    assert!(e[0].contains("say why"), "{e:?}");
    r.rationale = "Staff member wished to report the assault.".into();
    assert!(r.validate(r.recorded_at).is_ok());
}

#[test]
fn future_and_empty_records_are_refused() {
    let mut r = record();
    r.occurred_at = r.recorded_at + chrono::Duration::hours(1);
    r.categories.clear();
    r.account = "  ".into();
    assert_eq!(r.validate(r.recorded_at).unwrap_err().len(), 3);
}

#[test]
fn entries_build_the_current_state_without_touching_the_record() {
    let r = record();
    let at = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
    let entries = vec![
        Entry {
            uid: "e1".into(),
            incident_uid: r.uid.clone(),
            at,
            by: "Pat Manager".into(),
            change: Change::Correction {
                field: CorrectableField::Location,
                value: "Hallway".into(),
                reason: "Wrong room".into(),
            },
        },
        Entry {
            uid: "e2".into(),
            incident_uid: r.uid.clone(),
            at,
            by: "Pat Manager".into(),
            change: Change::SignOff {
                comment: "Spoke to all".into(),
            },
        },
    ];
    let now = current(&r, &entries);
    assert_eq!(now.location, "Hallway");
    assert_eq!(now.status(), Status::Reviewed);
    assert_eq!(now.review.signed_by.as_deref(), Some("Pat Manager"));
    assert_eq!(r.location, "Kitchen");
    assert_eq!(r.status(), Status::AwaitingReview);
}

#[test]
fn change_serialises_with_a_type_tag() {
    let c = Change::Note { text: "hi".into() };
    assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"type":"note","text":"hi"}"#);
}

#[test]
fn corrections_reach_the_time_the_child_the_categories_and_the_response() {
    let r = record();
    let at = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
    let new_time = Utc.with_ymd_and_hms(2026, 11, 18, 1, 30, 0).unwrap();
    let fix = |field, value: &str| Entry {
        uid: "e".into(),
        incident_uid: r.uid.clone(),
        at,
        by: "Pat Manager".into(),
        change: Change::Correction {
            field,
            value: value.into(),
            reason: "wrong".into(),
        },
    };
    let entries = vec![
        fix(CorrectableField::OccurredAt, &new_time.to_rfc3339()),
        fix(CorrectableField::Child, "child-2"),
        fix(CorrectableField::Categories, "violence,theft,violence"),
        fix(CorrectableField::Response, "restorative"),
        // Unreadable values (as an export that withheld them has) leave the record as it was.
        fix(CorrectableField::Child, ""),
        fix(CorrectableField::Categories, "nonsense"),
        fix(CorrectableField::OccurredAt, ""),
    ];
    let now = current(&r, &entries);
    assert_eq!(now.occurred_at, new_time);
    assert_eq!(now.child_uid, "child-2");
    assert_eq!(now.categories, vec![Category::Violence, Category::Theft]);
    assert_eq!(now.response, Response::Restorative);
    assert_eq!(r.occurred_at, Utc.with_ymd_and_hms(2026, 11, 18, 2, 10, 0).unwrap());
    for f in CorrectableField::EVERY {
        assert!(f.parse(&f.value_of(&now)).is_some(), "{f:?} reads back");
    }
    let names = |u: &str| if u == "child-2" { "Lily".to_string() } else { "?".into() };
    assert_eq!(CorrectableField::Child.shown("child-2", &names), "Lily");
    assert_eq!(CorrectableField::Response.shown("police", &names), "Police referral");
}

#[test]
fn older_records_read_with_the_new_fields_defaulted() {
    let mut v = serde_json::to_value(record()).unwrap();
    v.as_object_mut().unwrap().remove("late_record");
    v["involved"] = serde_json::json!([{"kind": "staff", "name": "Sam", "role": "victim"}]);
    let r: IncidentRecord = serde_json::from_value(v).unwrap();
    assert!(!r.late_record);
    assert!(!r.involved[0].reports_to_police);
    let p = serde_json::json!({"route": "non_emergency101", "reason": "behaviour", "called_at": null,
        "reference": "", "officer": "", "attended": null, "arrest": false, "appropriate_adult": "",
        "diversion_asked": "none", "outcome": "charge", "court": null});
    let p: Police = serde_json::from_value(p).unwrap();
    assert_eq!(p.outcome_at, None);
    assert!(IncidentRecord::is_late(
        r.occurred_at,
        r.occurred_at + chrono::Duration::hours(25)
    ));
    assert!(!IncidentRecord::is_late(
        r.occurred_at,
        r.occurred_at + chrono::Duration::hours(24)
    ));
}
