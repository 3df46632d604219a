//! The real binary in a pseudo-terminal with the built-in protocol: a worker records an incident from start to
//! end, keys only, and it reads back after a restart; an interrupted draft comes back after a restart.
#![cfg(unix)]

mod common;
use common::support;

use std::path::Path;

use concordat::store::Store;
use support::pty::{keys::*, *};

/// A home with its manager and one child (not open to the YOS), ready to sign in.
fn home(db: &str) {
    home_with(db, &[jordan()]);
}

/// The review step: save (the first incident of the home), then quit the app.
fn save_and_quit(t: &mut Pty) {
    t.wait_for("Check and save", 20);
    t.send(CTRL_S);
    t.wait_for("Saved: incident 1.", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
}

/// Start the app again, sign in and open the incident list showing `text`.
fn reopen_list(db: &str, text: &str) -> Pty {
    let mut t = Pty::spawn(&["--db", db], &[]);
    sign_in_to_menu(&mut t);
    t.send("i");
    t.wait_for(text, 20);
    t
}

/// New incident, no immediate danger, the first child, now, at `place`: on to "What happened".
fn start_incident(t: &mut Pty, place: &str) {
    t.send("n");
    t.wait_for("Immediate danger", 20);
    t.send("n");
    t.wait_for("Child, when and where", 20);
    t.send("\x1b[C");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(place);
    t.send(CTRL_S);
    t.wait_for("What happened", 20);
}

/// Steps 1 to 4: no danger, the child, where, what happened, what was tried.
fn first_steps(t: &mut Pty, account: &str) {
    start_incident(t, "Kitchen");
    t.send("2");
    t.send(TAB);
    t.send(account);
    t.send(CTRL_S);
    t.wait_for("What was tried to calm things", 20);
    t.send("1");
    t.send(CTRL_S);
    t.wait_for("The protocol", 20);
}

#[test]
fn a_restorative_incident_from_start_to_end_and_read_back_after_restart() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    first_steps(&mut t, "Kicked the kitchen door after a phone call.");
    // The built-in protocol's questions: a parent would not call the police; it is linked to the child's
    // needs; the child will meet the person harmed (restorative).
    t.wait_for("Would a reasonable parent", 20);
    t.send("1");
    t.wait_for("linked to the child's needs", 20);
    t.send("1");
    t.wait_for("restorative conversation", 20);
    t.send("1");
    t.wait_for("The protocol suggests: Restorative", 20);
    t.send(CTRL_S);
    t.wait_for("The response in detail", 20);
    t.send("\x1b[C");
    t.send(CTRL_S);
    t.wait_for("Control, discipline or restraint", 20);
    t.send(CTRL_S);
    t.wait_for("Who was told", 20);
    t.send("y");
    t.send(CTRL_S);
    t.wait_for("The child's view", 20);
    t.send("I was angry about the call.");
    t.send(CTRL_S);
    save_and_quit(&mut t);

    let mut t = reopen_list(&db, "Kicked the kitchen door");
    t.send(ENTER);
    t.wait_for("Restorative", 20);
    t.wait_for("Pat Manager", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    assert_eq!(d.record.response, concordat::domain::Response::Restorative);
    assert_eq!(d.record.recommended, concordat::domain::Response::Restorative);
    assert_eq!(d.record.location, "Kitchen");
    assert_eq!(
        d.record.child_view.as_ref().unwrap().text,
        "I was angry about the call."
    );
    assert!(
        d.record
            .answers
            .iter()
            .any(|a| a.question.contains("reasonable parent") && !a.automatic)
    );
    assert_eq!(d.record.protocol.sha256.len(), 64);
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn an_interrupted_draft_is_offered_after_a_restart() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    first_steps(&mut t, "Threw a plate in the dining room.");
    // Quit half-way (as a power cut would leave it): the steps answered so far are a draft.
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    // Sign in again: the wizard comes straight back at the step being answered, with everything in it.
    let mut t = Pty::spawn(&["--db", &db], &[]);
    t.wait_for("Who are you?", 20);
    t.send(ENTER);
    t.wait_for("Type your passphrase", 20);
    t.send("correct horse");
    t.send(ENTER);
    t.wait_for("Your unsaved work is back where you left it.", 20);
    t.wait_for("Would a reasonable parent", 20);
    t.send("\x1b[5~");
    t.wait_for("[x] Space and time", 20);
    t.send("\x1b[5~");
    t.wait_for("Threw a plate in the dining room.", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
    let s = Store::open_readonly(Path::new(&db)).unwrap();
    assert_eq!(s.incident_count().unwrap(), 0, "a draft is not a saved incident");
}

#[test]
fn a_police_referral_with_a_restraint_and_the_outcome_added_later() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    start_incident(&mut t, "Lounge");
    t.send("1");
    t.send(TAB);
    t.send("Punched a member of staff.");
    t.send(TAB);
    t.send("Bruised arm");
    t.send(CTRL_S);
    t.wait_for("What was tried to calm things", 20);
    t.send("3");
    t.send(CTRL_S);
    t.wait_for("did it need a doctor", 20);
    t.send("2");
    t.wait_for("Would a reasonable parent", 20);
    t.send("3");
    t.wait_for("The protocol suggests: Police referral", 20);
    t.send(CTRL_S);
    t.wait_for("The response in detail", 20);
    t.send("\x1b[C");
    t.send("\x1b[C");
    for _ in 0..4 {
        t.send(TAB);
    }
    t.send("CAD 4411");
    t.send(CTRL_S);
    t.wait_for("Control, discipline or restraint", 20);
    t.send("y");
    t.send(TAB);
    t.send("Two-person hold");
    t.send(TAB);
    t.send("3");
    t.send(CTRL_S);
    t.wait_for("Who was told", 20);
    t.send(CTRL_S);
    t.wait_for("The child's view", 20);
    t.send(CTRL_S);
    save_and_quit(&mut t);

    // Days later the police outcome comes: added as an entry, after a restart.
    let mut t = reopen_list(&db, "Punched a member of staff.");
    t.send(ENTER);
    t.wait_for("Awaiting review", 20);
    t.send("u");
    t.wait_for("What do you want to add?", 20);
    t.send("1");
    t.wait_for("Police outcome", 20);
    for _ in 0..10 {
        t.send(TAB);
    }
    t.send("\x1b[C");
    t.wait_for("Outcome 21", 20);
    t.send(CTRL_S);
    t.wait_for("Added", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    use concordat::domain::{PoliceOutcome, PoliceRoute, Response};
    assert_eq!(d.record.response, Response::Police);
    let police = d.record.police.as_ref().unwrap();
    assert_eq!(police.route, PoliceRoute::NonEmergency101);
    assert_eq!(police.reference, "CAD 4411");
    assert_eq!(
        police.outcome,
        PoliceOutcome::NotYetKnown,
        "the record as saved never changes"
    );
    assert_eq!(d.current.police.as_ref().unwrap().outcome, PoliceOutcome::Outcome21);
    let reg35 = d.record.reg35.as_ref().unwrap();
    assert_eq!(reg35.measure, "Two-person hold");
    assert_eq!(reg35.duration_minutes, Some(3));
    assert_eq!(d.entries.len(), 1);
    assert_eq!(d.entries[0].by, "Pat Manager");
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn a_missing_episode_has_its_own_short_path() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    start_incident(&mut t, "Front door");
    t.send("9");
    t.send(TAB);
    t.send("Did not come back from school; seen at a friend's house.");
    t.send(CTRL_S);
    t.wait_for("What was tried to calm things", 20);
    t.send(CTRL_S);
    t.wait_for("Do you know where the child is", 20);
    t.send("2");
    t.wait_for("The protocol suggests: In-house", 20);
    t.send(CTRL_S);
    t.wait_for("The response in detail", 20);
    t.send("Picked up by staff, talked on the way home.");
    t.send(CTRL_S);
    t.wait_for("Missing or absent", 20);
    t.send("\x1b[C");
    t.send("\x1b[C"); // absent
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("\x1b[C");
    t.send("\x1b[C"); // not reported to the police
    t.send(TAB);
    t.send("We knew where he was.");
    t.send(TAB);
    t.send("\x1b[C"); // not back yet
    t.send(CTRL_S);
    t.wait_for("Control, discipline or restraint", 20);
    t.send(CTRL_S);
    t.wait_for("Who was told", 20);
    t.send(CTRL_S);
    t.wait_for("The child's view", 20);
    t.send(CTRL_S);
    save_and_quit(&mut t);

    let mut t = reopen_list(&db, "Did not come back from school");
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);
    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    assert_eq!(d.record.response, concordat::domain::Response::InHouse);
    assert_eq!(
        d.record.missing.as_ref().unwrap().kind,
        concordat::domain::MissingKind::Absent
    );
    assert!(
        d.record
            .categories
            .contains(&concordat::domain::Category::MissingOrAbsent)
    );
}
