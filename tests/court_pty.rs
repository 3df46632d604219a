//! The YOS's own entries through the real binary (issue 20): a YOS officer signs in to a YOS's database that
//! imported a home's weekly set, opens the imported record, adds a court appearance and a conviction with `c`,
//! sees them under "YOS entries (not part of the home's record)", and the store holds them as the officer's
//! while the home's record is unchanged.
#![cfg(unix)]

mod common;

use chrono::Duration;
use common::pty::{Pty, keys};
use common::*;
use concordat::store::Store;
use concordat::store::court::{CourtKind, CourtResult, Disposal};
use concordat::store::settings::Role;
use concordat::store::staff::Setup;
use concordat::time::{Period, local_date, show_date};

#[test]
fn a_yos_officer_adds_an_appearance_and_a_conviction_to_an_imported_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yos.db");
    let now = concordat::time::now();
    // The home: one record ten days ago, its week written as the weekly set.
    let at = now - Duration::days(10);
    let mut h = home(at);
    let m = h.manager();
    let child = h.child.clone();
    h.store.set_clock(Some(at + Duration::hours(1)));
    let mut rec = record(&child, at, "Kicked the kitchen door.");
    rec.protocol.sha256 = "a".repeat(64);
    h.store.save_incident(&m, rec, None).unwrap();
    h.store.set_clock(Some(now));
    let week = Period::week_of(local_date(at));
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let set = concordat::export::write(&mut h.store, &m, &week, &out).unwrap();
    let json = std::fs::read(&set.files[1]).unwrap();
    // The YOS: its own database, the set imported.
    let (incident_id, record_before) = {
        let mut y = Store::open(&db).unwrap();
        let (k, _) = y
            .setup_as(
                &Setup {
                    home_name: "Northshire YOS",
                    ofsted_urn: "",
                    manager_name: "Kim Officer",
                    passphrase: MANAGER_PASS,
                },
                Role::Yos,
                false,
            )
            .unwrap();
        concordat::export::import::import(&mut y, &k.actor, &json).unwrap();
        let id = y
            .incident_id_by_uid(&h.store.incident(1).unwrap().record.uid)
            .unwrap()
            .unwrap();
        let rec = serde_json::to_string(&y.incident(id).unwrap().record).unwrap();
        (id, rec)
    };
    let today = show_date(local_date(now));

    let db_s = db.to_str().unwrap();
    let mut t = Pty::spawn(&["--db", db_s], &[]);
    t.wait_for("Who are you?", 20);
    t.send(keys::ENTER);
    t.wait_for("Type your passphrase", 10);
    t.type_text(MANAGER_PASS);
    t.send(keys::ENTER);
    t.wait_for("Kim Officer", 20);
    t.send(keys::ESC);
    t.wait_for("Incidents", 10);
    t.send("i");
    t.wait_for("Kicked the kitchen door", 10);
    t.send(keys::ENTER);
    t.wait_for("YOS entries (not part of the home's record)", 10);
    t.wait_for("c court", 5);

    // A court appearance.
    t.send("c");
    t.wait_for("What do you add?", 10);
    t.send("1");
    t.wait_for("Court appearance", 5);
    t.type_text(&today);
    t.send(keys::TAB);
    t.type_text("Northshire Youth Court");
    t.send(keys::CTRL_S);
    t.wait_for("Check, then save", 5);
    t.wait_for("Added by Kim Officer for Northshire YOS", 5);
    t.send(keys::ENTER);
    t.wait_for(&format!("Court appearance {today}: Northshire Youth Court"), 10);

    // The court's outcome: convicted, a referral order.
    t.send("c");
    t.wait_for("What do you add?", 10);
    t.send("2");
    t.wait_for("Disposal", 5);
    t.type_text(&today);
    t.send(keys::TAB);
    t.send(keys::RIGHT);
    t.send(keys::TAB);
    t.send(keys::RIGHT);
    t.send(keys::RIGHT);
    t.send(keys::CTRL_S);
    t.wait_for("Check, then save", 5);
    t.wait_for("Disposal: Referral order", 5);
    t.send(keys::ENTER);
    t.wait_for("Convicted, Referral order", 10);
    t.wait_for("Kim Officer, Northshire YOS", 5);
    t.send(keys::CTRL_Q);
    assert_eq!(t.wait_exit(20).map(|s| s.exit_code()), Some(0));

    // In the store: the officer's two entries, for the YOS; the home's record as it came; the trail sound.
    let y = Store::open_readonly(&db).unwrap();
    let v = y.court_entries(incident_id).unwrap();
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(
        (v[0].kind, v[0].court.as_str()),
        (CourtKind::Appearance, "Northshire Youth Court")
    );
    assert_eq!(
        (v[1].kind, v[1].result, v[1].disposal),
        (
            CourtKind::Outcome,
            Some(CourtResult::Convicted),
            Some(Disposal::ReferralOrder)
        )
    );
    for e in &v {
        assert_eq!((e.by.as_str(), e.service.as_str()), ("Kim Officer", "Northshire YOS"));
        assert_eq!(e.on, local_date(now));
    }
    let rec = serde_json::to_string(&y.incident(incident_id).unwrap().record).unwrap();
    assert_eq!(rec, record_before, "the home's record is unchanged");
    assert!(y.verify().unwrap().is_sound());
}
