//! The real binary in a pseudo-terminal (issue 16, "told and missing"): a YOS-open child's incident at 02:00 where
//! the YOS worker is to be told later by 09:00 is saved without a false "told" time and shows on the handover; a
//! missing child not back yet is the handover's first line, and "came back at" recorded later starts the return
//! interview, due 72 hours after the return.
#![cfg(unix)]

mod common;
use common::support;

use std::path::Path;

use chrono::{Duration, Timelike};
use concordat::domain::outstanding::{ActionKind, actions};
use concordat::domain::{NotTold, NotifyWho};
use concordat::store::Store;
use support::pty::{keys::*, *};

const RIGHT: &str = "\x1b[C";
const END: &str = "\x1b[F";
const BACKSPACE: &str = "\x7f";

fn home(db: &str, yos_open: bool) {
    let child = concordat::domain::ChildInput {
        dob: "01/02/2014".into(),
        yos_open,
        yos_worker: if yos_open { "Alex YOS".into() } else { String::new() },
        ..jordan()
    };
    home_with(db, &[child]);
}

/// Replace a field's text.
fn replace(t: &mut Pty, text: &str) {
    t.send(END);
    for _ in 0..12 {
        t.send(BACKSPACE);
    }
    t.send(text);
}

fn local_now() -> chrono::DateTime<chrono_tz::Tz> {
    concordat::time::now().with_timezone(&concordat::time::ZONE)
}

#[test]
fn a_yos_open_child_at_2am_the_yos_worker_to_be_told_later_by_9_is_saved_without_a_false_time() {
    let (_dir, db) = temp_db();
    home(&db, true);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    // 02:00 (last night's, when it is not yet 02:10 today).
    let l = local_now();
    let day = if l.hour() < 2 || (l.hour() == 2 && l.minute() < 10) {
        l.date_naive().pred_opt().unwrap()
    } else {
        l.date_naive()
    };
    t.send("n");
    t.wait_for("Immediate danger", 20);
    t.send("n");
    t.wait_for("Child, when and where", 20);
    t.send(RIGHT);
    t.send(TAB);
    replace(&mut t, &day.format("%d/%m/%Y").to_string());
    t.send(TAB);
    replace(&mut t, "02:00");
    t.send(TAB);
    t.send("Lounge");
    t.send(CTRL_S);
    t.wait_for("What happened", 20);
    t.send("2");
    t.send(TAB);
    t.send("Kicked the lounge door at 2 a.m.");
    t.send(CTRL_S);
    t.wait_for("What was tried to calm things", 20);
    t.send("1");
    t.send(CTRL_S);
    t.wait_for("Would a reasonable parent", 20);
    t.send("1");
    t.wait_for("linked to the child's needs", 20);
    t.send("1");
    t.wait_for("restorative conversation", 20);
    t.send("1");
    t.wait_for("The protocol suggests: Restorative", 20);
    t.send(CTRL_S);
    t.wait_for("The response in detail", 20);
    t.send(RIGHT);
    t.send(CTRL_S);
    t.wait_for("Control, discipline or restraint", 20);
    t.send(CTRL_S);
    t.wait_for("Who was told", 20);
    // Going on without a word about the YOS worker is refused on their row: no silent "told now".
    t.send(CTRL_S);
    t.wait_for("choose 1-4 for the YOS worker", 20);
    t.send("3");
    t.wait_for("To be told later", 20);
    t.send(TAB);
    t.wait_for("tell by", 20);
    t.send("09:00");
    t.send(CTRL_S);
    t.wait_for("The child's view", 20);
    t.send(CTRL_S);
    t.wait_for("Check and save", 20);
    t.wait_for("Everything needed is here", 20);
    t.send(CTRL_S);
    t.wait_for("Saved: incident 1.", 20);
    t.send("x");
    t.wait_for("Handover", 20);
    t.send("h");
    t.wait_for("Tell the YOS worker", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    assert!(
        !d.record.notifications.iter().any(|n| n.who == NotifyWho::YosWorker),
        "the YOS worker is not said to be told: {:?}",
        d.record.notifications
    );
    let due = match d.record.not_told.as_slice() {
        [
            NotTold::Later {
                who: NotifyWho::YosWorker,
                due,
            },
        ] => *due,
        other => panic!("{other:?}"),
    };
    let dl = due.with_timezone(&concordat::time::ZONE);
    assert_eq!((dl.hour(), dl.minute()), (9, 0));
    assert!(due > d.record.recorded_at && due <= d.record.recorded_at + Duration::hours(24));
    let a = actions(&d.current, true);
    let yos = a.iter().find(|x| x.kind == ActionKind::NotifyYos).unwrap();
    assert_eq!(yos.due, Some(due));
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn a_missing_child_not_back_heads_the_handover_and_came_back_starts_the_72_hour_return_interview() {
    let (_dir, db) = temp_db();
    home(&db, false);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    t.send("n");
    t.wait_for("Immediate danger", 20);
    t.send("n");
    t.wait_for("Child, when and where", 20);
    t.send(RIGHT);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Front door");
    t.send(CTRL_S);
    t.wait_for("What happened", 20);
    t.send("9");
    t.send(TAB);
    t.send("Did not come back after school; phone off.");
    t.send(CTRL_S);
    t.wait_for("What was tried to calm things", 20);
    t.send(CTRL_S);
    t.wait_for("Do you know where the child is", 20);
    t.send("1");
    t.wait_for("The protocol suggests: Police referral", 20);
    t.send(CTRL_S);
    t.wait_for("The response in detail", 20);
    t.send(RIGHT);
    t.send(RIGHT);
    for _ in 0..4 {
        t.send(TAB);
    }
    t.send("CAD 77");
    t.send(CTRL_S);
    t.wait_for("Missing or absent", 20);
    // Reported already (a police response), with the reference; the child is not back.
    t.wait_for("Reported to the police", 20);
    t.send(RIGHT); // missing
    for _ in 0..6 {
        t.send(TAB);
    }
    t.send(RIGHT); // not back yet
    t.wait_for("shows this child first", 20);
    t.send(CTRL_S);
    t.wait_for("Control, discipline or restraint", 20);
    t.send(CTRL_S);
    t.wait_for("Who was told", 20);
    t.send(CTRL_S);
    t.wait_for("The child's view", 20);
    t.send(CTRL_S);
    t.wait_for("Check and save", 20);
    t.send(CTRL_S);
    t.wait_for("Saved: incident 1.", 20);
    t.send("x");
    t.wait_for("Handover", 20);
    t.send("h");
    t.wait_for("is MISSING now", 20);
    let screen = t.screen();
    let first = screen
        .lines()
        .skip(1)
        .find(|l| l.contains('!') || l.contains("What happened") || l.contains("Outstanding"))
        .unwrap_or_default();
    assert!(first.contains("Jordan") && first.contains("MISSING now"), "{screen}");
    t.send(ESC);
    t.wait_for("New incident", 20);
    t.send("i");
    t.wait_for("Did not come back after school", 20);
    t.send(ENTER);
    t.wait_for("Awaiting review", 20);
    t.wait_for("NOT BACK YET", 20);
    // Came back two minutes ago: recorded as an entry.
    let back = concordat::time::now() - Duration::minutes(2);
    let bl = back.with_timezone(&concordat::time::ZONE);
    t.send("u");
    t.wait_for("What do you want to add?", 20);
    t.send("4");
    t.wait_for("Back yet?", 20);
    for _ in 0..6 {
        t.send(TAB);
    }
    t.send(RIGHT); // came back
    t.wait_for("came back (date)", 20);
    t.send(TAB);
    t.send(&bl.format("%d/%m/%Y").to_string());
    t.send(TAB);
    t.send(&bl.format("%H:%M").to_string());
    t.send(CTRL_S);
    t.wait_for("Added", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    let saved = d.record.missing.as_ref().unwrap();
    assert!(saved.reported_to_police && saved.police_reference == "CAD 77");
    assert!(saved.away_now(), "the record as saved never changes");
    assert!(
        d.record.answers[0].answer.contains("No one here at the home"),
        "{:?}",
        d.record.answers[0]
    );
    let m = d.current.missing.as_ref().unwrap();
    let returned = m.returned_at.expect("came back at");
    assert_eq!(
        returned
            .with_timezone(&concordat::time::ZONE)
            .format("%H:%M")
            .to_string(),
        bl.format("%H:%M").to_string()
    );
    assert_eq!(d.entries.len(), 1);
    assert_eq!(d.entries[0].by, "Pat Manager");
    let a = actions(&d.current, false);
    let ri = a
        .iter()
        .find(|x| x.kind == ActionKind::ReturnInterview)
        .expect("return interview");
    assert_eq!(ri.due, Some(returned + Duration::hours(72)));
    let sheet = s
        .handover_sheet(
            concordat::time::now(),
            concordat::store::handover::Window::SinceHandover,
        )
        .unwrap();
    assert!(sheet.missing_now.is_empty());
    assert!(
        sheet
            .outstanding
            .iter()
            .any(|o| o.action.kind == ActionKind::ReturnInterview)
    );
    assert!(s.verify().unwrap().is_sound());
}
