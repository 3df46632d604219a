//! Issue 16: each kind of incident recorded in the real binary (a pseudo-terminal) with the fewest keys a newcomer
//! following the screen would press. Every key press counts 1 (a typed string one per character; Ctrl+S, Tab,
//! Enter, arrows 1 each); waiting for text costs nothing. Each test asserts the saved record and that the keys
//! stay within the budget written in it (the count measured, rounded up by about 10%).
//!
//! | kind                | keys measured | budget |
//! |---------------------|---------------|--------|
//! | in-house            |            63 |     70 |
//! | restorative         |            41 |     46 |
//! | police 101          |            76 |     84 |
//! | missing             |            70 |     77 |
//! | restraint (reg 35)  |           103 |    114 |
//! | immediate danger    |            36 |     40 |
//!
//! Keys are counted from the main menu (signing in is not counted) to the review's Ctrl+S that saves. Immediate
//! danger also shows CALL 999 within 2 keys of the menu (n, y). The words typed are short but real ("Kicked the
//! door."), and they make up much of each count: the restraint's reg 35 record is 45 of its 103.
#![cfg(unix)]

mod common;
use common::support;

use std::path::Path;

use chrono::{Duration, Timelike};
use concordat::domain::{
    CallReason, Category, MissingKind, NotTold, NotifyWho, PoliceOutcome, PoliceRoute, Response, RestorativeKind,
};
use concordat::store::Store;
use support::pty::{keys::*, *};

const RIGHT: &str = "\x1b[C";

/// The real binary with a key counter: `key` and `typ` count, `see` (waiting for text) is free.
struct Keys {
    t: Pty,
    n: usize,
}

impl Keys {
    /// One key press (Enter, Tab, an arrow, Ctrl+S, a digit or letter answer).
    fn key(&mut self, k: &str) {
        self.t.send(k);
        self.n += 1;
    }
    /// A typed string: one key per character.
    fn typ(&mut self, s: &str) {
        self.t.send(s);
        self.n += s.chars().count();
    }
    fn see(&mut self, text: &str) {
        self.t.wait_for(text, 20);
    }
}

fn home(db: &str, yos_open: bool) {
    let child = concordat::domain::ChildInput {
        yos_open,
        yos_worker: if yos_open { "Alex YOS".into() } else { String::new() },
        ..jordan()
    };
    home_with(db, &[child]);
}

/// Start the app on a fresh home, sign in (not counted) and stand on the main menu with the counter at 0.
fn start(yos_open: bool) -> (tempfile::TempDir, String, Keys) {
    let (dir, db) = temp_db();
    home(&db, yos_open);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    (dir, db, Keys { t, n: 0 })
}

/// New incident, no danger, the only child, now, at `place`: on to "What happened".
fn child_now_at(k: &mut Keys, place: &str) {
    k.key("n");
    k.see("Immediate danger");
    k.key("n");
    k.see("Child, when and where");
    k.key(RIGHT);
    k.key(TAB);
    k.key(TAB);
    k.key(TAB);
    k.typ(place);
    k.key(CTRL_S);
    k.see("What happened");
}

/// The review: save, and close the app.
fn save(k: &mut Keys) {
    k.see("Check and save");
    k.see("Everything needed is here");
    k.key(CTRL_S);
    k.see("Saved: incident 1.");
    k.t.send(CTRL_Q);
    assert_eq!(k.t.exit_code(20), 0);
}

fn check(kind: &str, keys: usize, budget: usize) {
    eprintln!("{kind}: {keys} keys (budget {budget})");
    assert!(keys <= budget, "{kind}: {keys} keys, over the budget of {budget}");
}

#[test]
fn in_house_kicked_the_door_talked_through_manager_told_now() {
    const BUDGET: usize = 70;
    let (_dir, db, mut k) = start(false);
    child_now_at(&mut k, "Kitchen");
    k.key("2");
    k.key(TAB);
    k.typ("Kicked the door.");
    k.key(CTRL_S);
    k.see("What was tried to calm things");
    k.key("1");
    k.key(CTRL_S);
    k.see("Would a reasonable parent");
    k.key("1");
    k.see("linked to the child's needs");
    k.key("1");
    k.see("restorative conversation");
    k.key("2");
    k.see("The protocol suggests: In-house");
    k.key(CTRL_S);
    k.see("The response in detail");
    k.typ("Talked it through.");
    k.key(CTRL_S);
    k.see("Control, discipline or restraint");
    k.key(CTRL_S);
    k.see("Who was told");
    k.see("1 told now");
    k.key("1"); // the manager on call, told now
    k.key(CTRL_S);
    k.see("The child's view");
    k.key(CTRL_S);
    save(&mut k);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let r = &d.record;
    assert_eq!(r.in_house.as_ref().unwrap().what_was_done, "Talked it through.");
    assert_eq!(r.notifications.len(), 1, "{:?}", r.notifications);
    assert_eq!(r.notifications[0].who, NotifyWho::ManagerOnCall);
    assert!(r.not_told.is_empty());
    assert_eq!(r.response, Response::InHouse);
    assert_eq!(r.categories, vec![Category::CriminalDamage]);
    assert_eq!(r.account, "Kicked the door.");
    assert_eq!(r.location, "Kitchen");
    assert!(r.reg35.is_none() && r.police.is_none() && r.missing.is_none());
    assert!(s.verify().unwrap().is_sound());
    check("in-house", k.n, BUDGET);
}

#[test]
fn restorative_broke_a_mug_a_restorative_conversation() {
    const BUDGET: usize = 46;
    let (_dir, db, mut k) = start(false);
    child_now_at(&mut k, "Kitchen");
    k.key("2");
    k.key(TAB);
    k.typ("Broke a mug.");
    k.key(CTRL_S);
    k.see("What was tried to calm things");
    k.key("1");
    k.key(CTRL_S);
    k.see("Would a reasonable parent");
    k.key("1");
    k.see("linked to the child's needs");
    k.key("1");
    k.see("restorative conversation");
    k.key("1");
    k.see("The protocol suggests: Restorative");
    k.key(CTRL_S);
    k.see("The response in detail");
    k.key(RIGHT);
    k.key(CTRL_S);
    k.see("Control, discipline or restraint");
    k.key(CTRL_S);
    k.see("Who was told");
    k.key(CTRL_S);
    k.see("The child's view");
    k.key(CTRL_S);
    save(&mut k);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let r = &d.record;
    assert_eq!(
        (r.recommended, r.response),
        (Response::Restorative, Response::Restorative)
    );
    assert_eq!(r.categories, vec![Category::CriminalDamage]);
    assert_eq!(r.account, "Broke a mug.");
    assert_eq!(r.restorative.as_ref().unwrap().kind, RestorativeKind::Conversation);
    assert!(r.in_house.is_none() && r.police.is_none() && r.reg35.is_none());
    // Nobody was marked told: nobody is said to be, and no time is made up.
    assert!(r.notifications.is_empty() && r.not_told.is_empty());
    assert!(s.verify().unwrap().is_sound());
    check("restorative", k.n, BUDGET);
}

#[test]
fn police_101_punched_a_carer_yos_worker_to_be_told_later_by_9() {
    const BUDGET: usize = 84;
    let (_dir, db, mut k) = start(true);
    child_now_at(&mut k, "Lounge");
    k.key("1");
    k.key(TAB);
    k.typ("Punched a carer.");
    k.key(TAB);
    k.typ("Bruised arm");
    k.key(CTRL_S);
    k.see("What was tried to calm things");
    k.key("1");
    k.key(CTRL_S);
    k.see("did it need a doctor");
    k.key("2");
    k.see("Would a reasonable parent");
    k.key("3");
    k.see("The protocol suggests: Police referral");
    k.key(CTRL_S);
    k.see("The response in detail");
    k.see("Incident / crime ref");
    k.key(RIGHT);
    k.key(RIGHT);
    k.see("101");
    for _ in 0..4 {
        k.key(TAB);
    }
    k.typ("CAD 4411");
    k.key(CTRL_S);
    k.see("Control, discipline or restraint");
    k.key(CTRL_S);
    k.see("Who was told");
    k.key(CTRL_S);
    k.see("choose 1-4 for the YOS worker");
    k.key("3");
    k.see("To be told later");
    k.key(TAB);
    k.see("tell by");
    k.typ("09:00");
    k.key(CTRL_S);
    k.see("The child's view");
    k.key(CTRL_S);
    save(&mut k);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let r = &d.record;
    assert_eq!((r.recommended, r.response), (Response::Police, Response::Police));
    assert_eq!(r.categories, vec![Category::Violence]);
    assert_eq!(
        (r.account.as_str(), r.injuries.as_str()),
        ("Punched a carer.", "Bruised arm")
    );
    let police = r.police.as_ref().unwrap();
    assert_eq!(police.route, PoliceRoute::NonEmergency101);
    assert_eq!(police.reason, CallReason::Behaviour);
    assert_eq!(police.reference, "CAD 4411");
    assert_eq!(police.called_at, None, "no call time was typed, none is made up");
    assert_eq!(police.outcome, PoliceOutcome::NotYetKnown);
    // The YOS-open child's YOS worker is to be told later, by 09:00: not said to be told, no invented time.
    assert!(!r.notifications.iter().any(|n| n.who == NotifyWho::YosWorker));
    let due = match r.not_told.as_slice() {
        [
            NotTold::Later {
                who: NotifyWho::YosWorker,
                due,
            },
        ] => *due,
        other => panic!("{other:?}"),
    };
    let local = due.with_timezone(&concordat::time::ZONE);
    assert_eq!((local.hour(), local.minute()), (9, 0));
    assert!(due > r.recorded_at && due <= r.recorded_at + Duration::hours(24));
    assert!(s.verify().unwrap().is_sound());
    check("police 101", k.n, BUDGET);
}

#[test]
fn missing_not_back_yet_reported_to_the_police() {
    const BUDGET: usize = 77;
    let (_dir, db, mut k) = start(false);
    child_now_at(&mut k, "Front door");
    k.key("9");
    k.key(TAB);
    k.typ("Not back from school.");
    k.key(CTRL_S);
    k.see("What was tried to calm things");
    k.key(CTRL_S);
    k.see("Do you know where the child is");
    k.key("1");
    k.see("The protocol suggests: Police referral");
    k.key(CTRL_S);
    k.see("The response in detail");
    k.see("Incident / crime ref");
    k.key(RIGHT);
    k.key(RIGHT);
    k.see("101");
    for _ in 0..4 {
        k.key(TAB);
    }
    k.typ("CAD 77");
    k.key(CTRL_S);
    k.see("Missing or absent");
    k.see("Reported to the police");
    k.key(RIGHT);
    for _ in 0..6 {
        k.key(TAB);
    }
    k.key(RIGHT);
    k.see("shows this child first");
    k.key(CTRL_S);
    k.see("Control, discipline or restraint");
    k.key(CTRL_S);
    k.see("Who was told");
    k.key(CTRL_S);
    k.see("The child's view");
    k.key(CTRL_S);
    save(&mut k);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let r = &d.record;
    assert_eq!((r.recommended, r.response), (Response::Police, Response::Police));
    assert_eq!(r.categories, vec![Category::MissingOrAbsent]);
    assert_eq!(r.account, "Not back from school.");
    let police = r.police.as_ref().unwrap();
    assert_eq!(
        (police.route, police.reason),
        (PoliceRoute::NonEmergency101, CallReason::Missing)
    );
    assert_eq!(police.reference, "CAD 77");
    let m = r.missing.as_ref().unwrap();
    assert_eq!(m.kind, MissingKind::Missing);
    assert!(m.reported_to_police && m.police_reference == "CAD 77");
    assert!(m.away_now(), "not back yet");
    assert_eq!(
        (m.left_at, m.reported_at),
        (None, None),
        "no times were typed, none are made up"
    );
    assert!(
        r.answers[0].answer.contains("No one here at the home"),
        "{:?}",
        r.answers[0]
    );
    assert!(r.notifications.is_empty() && r.not_told.is_empty());
    let sheet = s
        .handover_sheet(
            concordat::time::now(),
            concordat::store::handover::Window::SinceHandover,
        )
        .unwrap();
    assert_eq!(sheet.missing_now.len(), 1, "the handover shows the child missing now");
    assert!(s.verify().unwrap().is_sound());
    check("missing", k.n, BUDGET);
}

#[test]
fn restraint_with_a_complete_reg_35_record() {
    const BUDGET: usize = 114;
    let (_dir, db, mut k) = start(false);
    child_now_at(&mut k, "Hall");
    k.key("1");
    k.key(TAB);
    k.typ("Hit out at staff.");
    k.key(CTRL_S);
    k.see("What was tried to calm things");
    k.key("1");
    k.key(CTRL_S);
    k.see("Would a reasonable parent");
    k.key("1");
    k.see("linked to the child's needs");
    k.key("1");
    k.see("restorative conversation");
    k.key("2");
    k.see("The protocol suggests: In-house");
    k.key(CTRL_S);
    k.see("The response in detail");
    k.typ("Calm talk after.");
    k.key(CTRL_S);
    k.see("Control, discipline or restraint");
    k.key("y");
    k.see("[x] Yes");
    k.see("Leave empty what is not known yet");
    k.key(TAB);
    k.typ("Guided away");
    k.key(TAB);
    k.typ("2");
    k.key(TAB);
    k.typ("Pat Manager");
    k.key(TAB);
    k.key(TAB);
    k.key(TAB);
    k.typ("Calmed at once.");
    k.key(CTRL_S);
    k.see("Who was told");
    k.key(CTRL_S);
    k.see("The child's view");
    k.key(CTRL_S);
    save(&mut k);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let r = &d.record;
    assert_eq!((r.recommended, r.response), (Response::InHouse, Response::InHouse));
    assert_eq!(r.categories, vec![Category::Violence]);
    assert_eq!(r.account, "Hit out at staff.");
    assert_eq!(r.in_house.as_ref().unwrap().what_was_done, "Calm talk after.");
    let reg35 = r.reg35.as_ref().unwrap();
    assert_eq!(reg35.measure, "Guided away");
    assert_eq!(reg35.duration_minutes, Some(2));
    assert_eq!(reg35.used_by, "Pat Manager");
    assert_eq!(
        reg35.avoid_tried, "Space and time",
        "carried from what was tried to calm things"
    );
    assert_eq!(reg35.effectiveness, "Calmed at once.");
    assert!(r.reg35_missing().is_empty(), "reg 35 complete: {:?}", r.reg35_missing());
    assert!(s.verify().unwrap().is_sound());
    check("restraint", k.n, BUDGET);
}

#[test]
fn immediate_danger_call_999_within_2_keys_then_the_record() {
    const TO_999: usize = 2;
    const BUDGET: usize = 40;
    let (_dir, db, mut k) = start(false);
    k.key("n");
    k.see("Immediate danger");
    k.key("y");
    k.see("CALL 999 NOW");
    eprintln!("immediate danger: CALL 999 after {} keys from the menu", k.n);
    assert!(k.n <= TO_999, "CALL 999 took {} keys from the menu", k.n);
    k.see("Press any key when you are ready");
    k.key(ENTER);
    k.see("Child, when and where");
    k.key(RIGHT);
    k.key(TAB);
    k.key(TAB);
    k.key(TAB);
    k.typ("Garden");
    k.key(CTRL_S);
    k.see("What happened");
    k.key("7");
    k.key(TAB);
    k.typ("Had a knife.");
    k.key(CTRL_S);
    k.see("What was tried to calm things");
    k.key(CTRL_S);
    k.see("The protocol suggests");
    k.key(CTRL_S);
    k.see("The response in detail");
    k.key(CTRL_S);
    k.see("Control, discipline or restraint");
    k.key(CTRL_S);
    k.see("Who was told");
    k.key(CTRL_S);
    k.see("The child's view");
    k.key(CTRL_S);
    save(&mut k);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let r = &d.record;
    assert!(r.immediate_danger);
    assert_eq!(
        (r.answers[0].step_id.as_str(), r.answers[0].answer_id.as_str()),
        ("danger", "yes")
    );
    assert_eq!((r.recommended, r.response), (Response::Police, Response::Police));
    assert_eq!(r.categories, vec![Category::Weapon]);
    assert_eq!((r.location.as_str(), r.account.as_str()), ("Garden", "Had a knife."));
    let police = r.police.as_ref().unwrap();
    assert_eq!(police.route, PoliceRoute::Emergency999);
    assert_eq!(police.called_at, None, "no call time was typed, none is made up");
    assert!(r.notifications.is_empty() && r.not_told.is_empty());
    assert!(s.verify().unwrap().is_sound());
    check("immediate danger", k.n, BUDGET);
}
