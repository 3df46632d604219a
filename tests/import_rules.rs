//! Import rules: a file only ever adds or changes the records of the home it comes from. It can never rewrite
//! this home's records, a uid already here with different content is a conflict naming both versions, a later
//! file may only add entries, and impossible dates are refused naming the record and field.

mod common;
use common::fixtures;

use chrono::Datelike;
use concordat::domain::{Change, ChildInput};
use concordat::export::{self, import};
use concordat::store::{Actor, Store};
use concordat::time::Period;
use serde_json::Value;

fn this_week(s: &Store) -> Period {
    let w = s.now().iso_week();
    Period::parse_week(&format!("{}-W{:02}", w.year(), w.week())).unwrap()
}

/// A home with a named (YOS-open) child and an incident with a note: its store, manager, incident id.
fn home() -> (Store, Actor, i64) {
    let mut s = Store::open_in_memory().unwrap();
    let (m, _) = fixtures::populate(&mut s);
    let casey = s
        .add_child(
            &m,
            &ChildInput {
                yos_open: true,
                yos_worker: "Alex YOS".into(),
                yos_ref: "YOS/1".into(),
                ..fixtures::child_input("Casey Jones")
            },
        )
        .unwrap();
    let id = s
        .save_incident(&m, fixtures::record(&casey.uid, s.now(), "Kicked a door."), None)
        .unwrap();
    s.add_entry(
        &m,
        id,
        Change::Note {
            text: "Spoke to Casey.".into(),
        },
    )
    .unwrap();
    (s, m, id)
}

fn file_of(s: &Store) -> Value {
    serde_json::from_slice(&export::build(s, &this_week(s)).unwrap().json).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// The record of the file whose child is named (Casey's).
fn casey(v: &mut Value) -> &mut Value {
    v["records"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["child"]["identified"] == true)
        .unwrap()
}

#[test]
fn a_file_from_another_home_cannot_rewrite_this_homes_records() {
    let (mut here, m, id) = home();
    let before = here.incident(id).unwrap();
    let audit = here.audit_count().unwrap();
    // This home's own file, relabelled as another home's, with an entry "by Pat Manager" added to #id.
    let mut v = file_of(&here);
    v["home"]["uid"] = "home-elsewhere".into();
    v["home"]["name"] = "Elsewhere House".into();
    let r = casey(&mut v);
    let mut e = r["entries"][0].clone();
    e["uid"] = "forged-entry".into();
    r["entries"].as_array_mut().unwrap().push(e);
    let err = import::import(&mut here, &m, &bytes(&v)).unwrap_err().to_string();
    assert!(
        err.contains(&format!("#{id} here")) || err.contains("Child"),
        "names the record: {err}"
    );
    assert!(err.contains("this home"), "{err}");
    assert_eq!(here.audit_count().unwrap(), audit, "nothing written");
    assert_eq!(here.incident(id).unwrap().current, before.current);
    // A file claiming to be this home is refused whole.
    let v = file_of(&here);
    let err = import::import(&mut here, &m, &bytes(&v)).unwrap_err().to_string();
    assert!(err.contains("comes from this home"), "{err}");
    assert_eq!(here.audit_count().unwrap(), audit);
    assert!(here.verify().unwrap().is_sound());
}

#[test]
fn the_same_uid_with_different_content_is_a_conflict_and_later_files_only_add_entries() {
    let (a, am, aid) = home();
    let (mut b, bm, _) = home();
    let v = file_of(&a);
    let s = import::import(&mut b, &bm, &bytes(&v)).unwrap();
    assert!(s.incidents >= 1);
    let audit = b.audit_count().unwrap();
    // The same file again changes nothing.
    let s = import::import(&mut b, &bm, &bytes(&v)).unwrap();
    assert_eq!((s.incidents, s.entries), (0, 0));
    assert_eq!(b.audit_count().unwrap(), audit);
    // The saved record changed: refused, naming the field and the home.
    let mut changed = v.clone();
    casey(&mut changed)["recorded"]["location"] = "Garden".into();
    let err = import::import(&mut b, &bm, &bytes(&changed)).unwrap_err().to_string();
    assert!(
        err.contains("conflicts") && err.contains("location") && err.contains("Garden"),
        "{err}"
    );
    assert!(err.contains("Oak House"), "names the home: {err}");
    // An earlier entry changed: refused.
    let mut changed = v.clone();
    casey(&mut changed)["entries"][0]["change"]["text"] = "Nothing happened.".into();
    let err = import::import(&mut b, &bm, &bytes(&changed)).unwrap_err().to_string();
    assert!(err.contains("conflicts") && err.contains("entry"), "{err}");
    assert_eq!(b.audit_count().unwrap(), audit);
    // A later file from the same home adding an entry: accepted.
    let mut a = a;
    a.add_entry(
        &am,
        aid,
        Change::Note {
            text: "Calmer now.".into(),
        },
    )
    .unwrap();
    let later = file_of(&a);
    let s = import::import(&mut b, &bm, &bytes(&later)).unwrap();
    assert_eq!(s.entries, 1);
    assert!(b.verify().unwrap().is_sound());
}

#[test]
fn impossible_dates_are_refused_naming_the_record_and_field() {
    let (a, _, _) = home();
    let (mut b, bm, _) = home();
    let v = file_of(&a);
    let audit = b.audit_count().unwrap();
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "entry in 9999",
            Box::new(|v| casey(v)["entries"][0]["at"] = "9999-01-01T00:00:00Z".into()),
            "in the future",
        ),
        (
            "incident before 1900",
            Box::new(|v| casey(v)["recorded"]["occurred_at"] = "1899-12-31T10:00:00Z".into()),
            "before 1900",
        ),
        (
            "born after the incident",
            Box::new(|v| {
                casey(v)["recorded"]["occurred_at"] = "2020-01-01T10:00:00Z".into();
                casey(v)["child"]["dob"] = "2021-01-01".into();
            }),
            "after the incident",
        ),
    ];
    for (name, edit, want) in cases {
        let mut bad = v.clone();
        edit(&mut bad);
        let uid = casey(&mut bad)["uid"].as_str().unwrap().to_string();
        let err = import::import(&mut b, &bm, &bytes(&bad)).unwrap_err().to_string();
        assert!(err.contains(want) && err.contains(&uid), "{name}: {err}");
        assert_eq!(b.audit_count().unwrap(), audit, "{name}: nothing written");
    }
}
