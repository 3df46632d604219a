//! A full disk (simulated with `PRAGMA max_page_count`): saving fails with the plain "disk is full" message,
//! the draft saved earlier is still there, nothing is corrupted, and saving works again once there is room.

mod common;
use common::fixtures;

use concordat::store::drafts::INCIDENT;
use concordat::store::{Store, StoreError};

#[test]
fn a_full_disk_refuses_the_save_and_keeps_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("full.db");
    let (mut s, a, child) = fixtures::home_at(&db);
    let draft_text = r#"{"step":"account","account":"J threw a cup at the wall after the phone call."}"#;
    let draft = s.save_draft(&a, None, INCIDENT, "Jordan, kitchen", draft_text).unwrap();
    let pages: i64 = s.page_count().unwrap();
    let set_max = |s: &Store, n: i64| {
        let got: i64 = s.limit_pages(n).unwrap();
        assert_eq!(got, n);
    };
    set_max(&s, pages);
    // A long account fills more than the pages left.
    let long = "J kicked the kitchen door and threw a chair. ".repeat(200);
    let mut tries = 0;
    let err = loop {
        tries += 1;
        assert!(tries < 50, "the disk never filled");
        match s.save_incident(&a, fixtures::record(&child, s.now(), &long), None) {
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert!(matches!(err, StoreError::Full), "{err:?}");
    assert_eq!(err.to_string(), StoreError::Full.to_string());
    assert!(err.to_string().contains("disk is full") && err.to_string().contains("draft is kept"));
    // The draft is still there, whole.
    let drafts = s.open_drafts(&a, INCIDENT).unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].id, draft);
    assert_eq!(drafts[0].payload, draft_text);
    // Nothing half-written: integrity and the audit chain are sound, through another connection too.
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);
    assert_eq!(fixtures::integrity(&db), "ok");
    fixtures::assert_sound(&db);
    let before = s.incident_count().unwrap();
    // Updating the draft also fails plainly, and changes nothing.
    let big = format!("{{\"account\":\"{}\"}}", "x".repeat(200_000));
    assert!(matches!(
        s.save_draft(&a, Some(draft), INCIDENT, "Jordan", &big),
        Err(StoreError::Full)
    ));
    assert_eq!(s.open_drafts(&a, INCIDENT).unwrap()[0].payload, draft_text);
    // Room again: the same save works.
    set_max(&s, 1_000_000);
    s.save_incident(&a, fixtures::record(&child, s.now(), &long), Some(draft))
        .unwrap();
    assert_eq!(s.incident_count().unwrap(), before + 1);
    assert!(s.open_drafts(&a, INCIDENT).unwrap().is_empty());
    drop(s);
    assert_eq!(fixtures::integrity(&db), "ok");
    fixtures::assert_sound(&db);
}

/// Today's failure: eight wrong passphrases on a full disk counted nothing and the right one then signed in.
/// Now an attempt that cannot be recorded is refused, right or wrong, with the same plain message; once there is
/// room the right passphrase signs in, and nothing was counted against the account meanwhile.
#[test]
fn a_sign_in_that_cannot_be_recorded_on_a_full_disk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("full.db");
    let (mut s, a, _child) = fixtures::home_at(&db);
    let id = a.staff_id.unwrap();
    let other = s
        .add_staff(&a, "Sam Night", concordat::domain::Role::Staff, "night shift 1")
        .unwrap()
        .id;
    let pages: i64 = s.page_count().unwrap();
    let set_max = |s: &Store, n: i64| {
        let _: i64 = s.limit_pages(n).unwrap();
    };
    set_max(&s, pages);
    // Fill what room is left with drafts, large then small, until not even a small one fits.
    for size in [100_000usize, 10_000, 1_000, 100, 10, 1] {
        for _ in 0..200 {
            if s.save_draft(&a, None, INCIDENT, "filler", &"x".repeat(size)).is_err() {
                break;
            }
        }
    }
    assert!(matches!(
        s.save_draft(&a, None, INCIDENT, "f", "x"),
        Err(StoreError::Full)
    ));
    // A wrong attempt's row is unsigned, so smaller than a draft's: fill the last of the room with wrong tries
    // at another account until not even one of those is recorded. Its lock is lifted behind the app's back, with
    // a connection of the test's own (the store's stays private).
    let behind = rusqlite::Connection::open(&db).unwrap();
    for _ in 0..200 {
        if s.sign_in(other, "wrong guess").is_err() {
            break;
        }
        behind
            .execute("UPDATE staff SET locked_until = NULL WHERE id = ?1", [other])
            .ok();
    }
    let mut messages = Vec::new();
    for _ in 0..8 {
        let e = s.sign_in(id, "wrong guess").unwrap_err();
        messages.push(e.to_string());
    }
    let right = s.sign_in(id, fixtures::PASS).unwrap_err().to_string();
    assert!(
        right.contains("could not be recorded") && right.contains("disk is full"),
        "{right}"
    );
    assert!(
        messages.iter().all(|m| *m == right),
        "the same refusal, right or wrong: {messages:?}"
    );
    assert_eq!(s.staff_by_id(id).unwrap().failed_attempts, 0);
    set_max(&s, 1_000_000);
    assert!(matches!(
        s.sign_in(id, fixtures::PASS).unwrap(),
        concordat::store::staff::SignIn::Ok(_)
    ));
    drop(s);
    assert_eq!(fixtures::integrity(&db), "ok");
    fixtures::assert_sound(&db);
}
