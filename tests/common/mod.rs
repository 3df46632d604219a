//! Shared set-up for the integration tests: a home with a manager and a child, and complete incident records.
#![allow(dead_code)]

pub mod ui;
pub mod writer;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use concordat::domain::*;
use concordat::store::staff::Setup;
use concordat::store::{Actor, Store};

pub const MANAGER: &str = "Pat Manager";
pub const PASS: &str = "correct horse";

/// A set-up home in a file: returns the store, the manager as an actor, and the child's uid.
pub fn home_at(p: &Path) -> (Store, Actor, String) {
    let mut s = Store::open(p).expect("open");
    let (a, c) = populate(&mut s);
    (s, a, c)
}

/// Set up the home (its manager and one child) in an empty store.
pub fn populate(s: &mut Store) -> (Actor, String) {
    let m = s
        .setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC123456",
            manager_name: MANAGER,
            passphrase: PASS,
        })
        .expect("setup");
    let a = Actor::staff(m.id, &m.name, m.role);
    let c = s.add_child(&a, &child_input("Jordan Smith")).expect("child");
    (a, c.uid)
}

/// The manager of a home already set up by [`home_at`] (no passphrase check: id 1).
pub fn manager(s: &Store) -> Actor {
    let m = s.staff_by_id(1).expect("manager");
    Actor::staff(m.id, &m.name, m.role)
}

pub fn first_child_uid(s: &Store) -> String {
    s.list_children(true).expect("children")[0].uid.clone()
}

pub fn child_input(name: &str) -> ChildInput {
    ChildInput {
        name: name.into(),
        dob: "01/02/2011".into(),
        gender: "male".into(),
        ethnicity: "white_british".into(),
        legal_status: "s31".into(),
        admitted: "01/09/2025".into(),
        ..Default::default()
    }
}

/// A complete, valid in-house record for `child_uid`, a few hours before `now`.
pub fn record(child_uid: &str, now: DateTime<Utc>, account: &str) -> IncidentRecord {
    let at = now - Duration::hours(3);
    IncidentRecord {
        uid: String::new(),
        home_uid: String::new(),
        child_uid: child_uid.into(),
        occurred_at: at,
        location: "Kitchen".into(),
        immediate_danger: false,
        categories: vec![Category::CriminalDamage],
        account: account.into(),
        injuries: String::new(),
        medical_treatment: String::new(),
        damage_cost: Some(120),
        involved: vec![],
        deescalation: vec![Deescalation::SpaceAndTime],
        deescalation_notes: String::new(),
        protocol: ProtocolRef::default(),
        answers: vec![],
        recommended: Response::InHouse,
        recommended_reason: "A reasonable parent would not call the police.".into(),
        response: Response::InHouse,
        rationale: String::new(),
        in_house: Some(InHouse {
            what_was_done: "Talked it through".into(),
            ..Default::default()
        }),
        restorative: None,
        police: None,
        missing: None,
        reg35: None,
        notifications: vec![],
        ofsted_serious: false,
        child_view: None,
        review: Review::default(),
        recorded_by: String::new(),
        recorded_at: now,
    }
}

/// `PRAGMA integrity_check` on a fresh connection.
pub fn integrity(p: &Path) -> String {
    let c = rusqlite::Connection::open(p).expect("open for check");
    let v: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    v.join("; ")
}

/// Verify through the library (read-only open): panics with the first problem if not sound.
pub fn assert_sound(p: &Path) {
    let s = Store::open_readonly(p).expect("open read-only");
    let rep = s.verify().expect("verify");
    assert!(rep.is_sound(), "not sound: {:?}", rep.problems);
}
