//! The real binary in a pseudo-terminal (issue 16): a restraint whose regulation 35 part is left incomplete is
//! saved marked incomplete, the check screen says what is missing and the manager cannot sign it; a correction
//! of the child and the time shows in the record with its reason and history, and the lists, the handover and
//! the print-out read the corrected values.
#![cfg(unix)]

mod common;
use common::support;

use std::path::Path;

use concordat::store::Store;
use support::pty::{keys::*, *};

const RIGHT: &str = "\x1b[C";
const BACKSPACE: &str = "\x7f";

/// A home with its manager and two children (not open to the YOS).
fn home(db: &str) {
    let lily = concordat::domain::ChildInput {
        name: "Lily Brown".into(),
        ..jordan()
    };
    home_with(db, &[jordan(), lily]);
}

/// A criminal damage incident for the first child (Jordan), the protocol's restorative path, up to the
/// regulation 35 step.
fn to_reg35(t: &mut Pty, account: &str) {
    t.send("n");
    t.wait_for("Immediate danger", 20);
    t.send("n");
    t.wait_for("Child, when and where", 20);
    t.send(RIGHT);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Kitchen");
    t.send(CTRL_S);
    t.wait_for("What happened", 20);
    t.send("2");
    t.send(TAB);
    t.send(account);
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
}

/// From the regulation 35 step (answered) to the saved record, then back to the menu.
fn tell_and_save(t: &mut Pty) {
    t.wait_for("Who was told", 20);
    t.send("y");
    t.send(CTRL_S);
    t.wait_for("The child's view", 20);
    t.send(CTRL_S);
    t.wait_for("Check and save", 20);
}

#[test]
fn an_incomplete_restraint_is_saved_marked_incomplete_and_cannot_be_signed() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    to_reg35(&mut t, "Kicked the kitchen door and was held.");
    // What was tried is already there; only the measure is typed: the rest is not known yet.
    t.wait_for("Space and time", 20);
    t.send("y");
    t.send(TAB);
    t.send("Two-person hold");
    t.send(CTRL_S);
    tell_and_save(&mut t);
    t.wait_for("Not complete yet: the restraint record (reg 35) still needs", 20);
    t.wait_for("marked incomplete", 20);
    assert!(!t.screen().contains("Everything needed is here"), "{}", t.screen());
    t.send(CTRL_S);
    t.wait_for("Saved: incident 1.", 20);
    t.send(" ");
    t.wait_for("New incident", 20);
    t.send("i");
    t.wait_for("Kicked the kitchen door", 20);
    t.send(ENTER);
    t.wait_for("Awaiting review", 20);
    // The manager speaks to the member of staff, then tries to sign.
    t.send("u");
    t.wait_for("What do you want to add?", 20);
    t.send("a");
    t.wait_for("Date you spoke", 20);
    t.send(CTRL_S);
    t.wait_for("Awaiting review", 20);
    t.send("u");
    t.wait_for("What do you want to add?", 20);
    t.send("d");
    t.wait_for("Before signing", 20);
    t.wait_for("is not complete", 20);
    t.send(CTRL_S);
    t.wait_for("Not saved", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    assert_eq!(
        d.record.reg35_missing(),
        vec!["duration", "who used it", "effectiveness"]
    );
    assert_eq!(
        d.record.reg35.as_ref().unwrap().avoid_tried,
        "Space and time",
        "filled from what was tried"
    );
    assert!(d.current.review.spoke_to_staff_at.is_some());
    assert!(d.current.review.signed_at.is_none(), "the sign-off was refused");
    let open = s.open_incidents(10).unwrap();
    assert!(
        concordat::domain::outstanding::actions_of(&open[0].1, false)
            .iter()
            .any(|a| a.kind == concordat::domain::outstanding::ActionKind::Reg35Incomplete)
    );
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn a_correction_of_the_child_and_the_time_is_shown_and_used_everywhere() {
    let (_dir, db) = temp_db();
    home(&db);
    let mut t = Pty::spawn(&["--db", &db], &[]);
    sign_in_to_menu(&mut t);
    to_reg35(&mut t, "Kicked the kitchen door.");
    t.send(CTRL_S);
    tell_and_save(&mut t);
    t.wait_for("Everything needed is here", 20);
    t.send(CTRL_S);
    t.wait_for("Saved: incident 1.", 20);
    t.send(" ");
    t.wait_for("New incident", 20);
    t.send("i");
    t.wait_for("Kicked the kitchen door", 20);
    t.send(ENTER);
    t.wait_for("Awaiting review", 20);

    // The time: yesterday 21:30.
    let zone = concordat::time::ZONE;
    let yesterday = (chrono::Utc::now().with_timezone(&zone) - chrono::Duration::days(1))
        .format("%d/%m/%Y")
        .to_string();
    let when = concordat::time::parse_local(&yesterday, "21:30").unwrap();
    t.send("u");
    t.wait_for("What do you want to add?", 20);
    t.send("8");
    t.wait_for("What to correct", 20);
    t.send(RIGHT);
    t.wait_for("Corrected date", 20);
    t.send(TAB);
    t.send(&BACKSPACE.repeat(10));
    t.send(&yesterday);
    t.send(TAB);
    t.send(&BACKSPACE.repeat(5));
    t.send("21:30");
    t.send(TAB);
    t.send("Typed today, it was last night");
    t.send(CTRL_S);
    t.wait_for("Awaiting review", 20);
    // The child: Lily, not Jordan.
    t.send("u");
    t.wait_for("What do you want to add?", 20);
    t.send("8");
    t.wait_for("What to correct", 20);
    t.send(RIGHT);
    t.send(RIGHT);
    t.wait_for("The right child", 20);
    t.send(TAB);
    t.send("L");
    t.wait_for("Lily Brown", 20);
    t.send(TAB);
    t.send("It was Lily, not Jordan");
    t.send(CTRL_S);
    t.wait_for("Awaiting review", 20);
    t.wait_for("Lily Brown (age", 20);
    t.wait_for("corrected (", 20);
    t.send(CTRL_Q);
    assert_eq!(t.exit_code(20), 0);

    let s = Store::open_readonly(Path::new(&db)).unwrap();
    let d = s.incident(1).unwrap();
    assert_eq!(d.child.display_name(), "Lily Brown");
    assert_eq!(d.current.occurred_at, when);
    assert_ne!(
        d.record.occurred_at, when,
        "the record as saved keeps what was first typed"
    );
    assert_eq!(d.entries.len(), 2);
    // The list and the handover's outstanding list read the corrected child and time.
    let rows = s.incident_page(&Default::default(), None, 10).unwrap();
    assert_eq!(rows[0].child_name, "Lily Brown");
    assert_eq!(rows[0].occurred_at, when);
    let open = s.open_incidents(10).unwrap();
    assert_eq!(open[0].0.child_name, "Lily Brown");
    assert_eq!(open[0].1.occurred_at, when);
    // The print-out: the corrected values, and the history with the first ones and the reasons.
    let text = concordat::print::incident_text(&d, "Oak House", chrono::Utc::now());
    assert!(text.contains("Child: Lily Brown"), "{text}");
    assert!(
        text.contains(&format!("Happened: {}", concordat::time::show(when))),
        "{text}"
    );
    assert!(text.contains("As first recorded: Jordan Smith"), "{text}");
    assert!(text.contains("It was Lily, not Jordan"), "{text}");
    // The detail screen's history names both children and the reason.
    let doc = concordat::ui::screens::detail::lines::detail_doc(
        &d,
        chrono::Utc::now(),
        concordat::ui::theme::Theme::plain(),
        200,
    );
    let all: String = doc
        .lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect::<String>() + "\n")
        .collect();
    assert!(
        all.contains("Correction of The child: 'Jordan Smith' -> 'Lily Brown' because It was Lily, not Jordan"),
        "{all}"
    );
    assert!(s.verify().unwrap().is_sound());
}
