//! The foundation's screens at 80x24: first-run set-up, sign-in, menu, children, staff, settings, idle lock.

mod common;
use common::support;

use concordat::ui::app::{Effect, Msg};
use ratatui::crossterm::event::KeyCode;
use support::*;

#[test]
fn first_run_setup_screen() {
    let a = app();
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn setup_refuses_mismatched_passphrases_inline() {
    let mut a = app();
    typ(&mut a, "Oak House");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "Pat Manager");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "correct horse");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "correct hose");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("! The two passphrases are different."), "{s}");
    assert!(a.session.is_none());
    insta::assert_snapshot!(s);
}

#[test]
fn setup_by_keys_signs_in_and_shows_the_handover() {
    let mut a = app();
    typ(&mut a, "Oak House");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "SC123456");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "Pat Manager");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "correct horse");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "correct horse");
    ctrl(&mut a, 's');
    assert_eq!(a.session.as_ref().unwrap().staff.name, "Pat Manager");
    // The manager's recovery code is shown once, then the handover.
    assert!(screen(&a).contains("Write this recovery code down now"));
    key(&mut a, KeyCode::Enter);
    assert!(screen(&a).contains("Handover"));
    assert!(!screen(&a).contains("correct horse"), "a passphrase is never shown");
}

#[test]
fn menu_for_a_manager() {
    let mut a = signed_in();
    key(&mut a, KeyCode::Esc);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn staff_do_not_see_manager_items() {
    let mut a = signed_in();
    a.perform(Effect::AddStaff {
        name: "Sam Night".into(),
        role: concordat::domain::Role::Staff,
        passphrase: "night shift".into(),
    });
    ctrl(&mut a, 'l');
    let s = screen(&a);
    assert!(s.contains("Locked on request."), "{s}");
    // Sign in as Sam: names are sorted, Sam is second.
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "night shift");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.session.as_ref().unwrap().staff.name, "Sam Night");
    // The manager typed that passphrase: Sam chooses their own first.
    typ(&mut a, "night shift");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "sam's own 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "sam's own 1");
    ctrl(&mut a, 's');
    key(&mut a, KeyCode::Esc);
    let s = screen(&a);
    assert!(
        s.contains("New incident") && !s.contains("Staff accounts") && !s.contains("Settings"),
        "{s}"
    );
}

#[test]
fn sign_in_screen_and_wrong_passphrase_lockout() {
    let mut a = signed_in();
    ctrl(&mut a, 'l');
    insta::assert_snapshot!("sign_in", screen(&a));
    for left in (1..5).rev() {
        key(&mut a, KeyCode::Enter);
        typ(&mut a, "wrong guess");
        key(&mut a, KeyCode::Enter);
        let s = screen(&a);
        assert!(s.contains(&format!("Wrong passphrase. {left} more tr")), "{s}");
    }
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "wrong guess");
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(
        s.contains("[WAIT]") && s.contains("Wait 30 seconds, then try again."),
        "{s}"
    );
    insta::assert_snapshot!("locked_out", s);
    // The right passphrase does not help while locked.
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "correct horse");
    key(&mut a, KeyCode::Enter);
    assert!(a.session.is_none());
}

#[test]
fn add_a_child_with_inline_errors_then_list() {
    let mut a = signed_in();
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('c'));
    assert!(screen(&a).contains("No children yet"));
    key(&mut a, KeyCode::Char('a'));
    typ(&mut a, "Jordan Smith");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "JJ");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "31/02/2011");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("! Choose a gender."), "{s}");
    insta::assert_snapshot!("child_form_errors", s);
    // Fix the date, choose the options.
    a.stack.last().unwrap();
    for _ in 0..10 {
        key(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "01/02/2011");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('m'));
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('w'));
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Right);
    for _ in 0..4 {
        key(&mut a, KeyCode::Tab);
    }
    typ(&mut a, "01/09/2025");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('y'));
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("JJ (Jordan Smith) (15) YOS"), "{s}");
    insta::assert_snapshot!("children_list", s);
    let c = &a.store.list_children(false).unwrap()[0];
    assert_eq!(c.legal_status, concordat::domain::LegalStatus::S31);
    assert!(c.yos_open);
}

#[test]
fn too_small_a_window_says_so() {
    let a = signed_in();
    let s = screen_sized(&a, 60, 20);
    assert!(s.contains("Make the window larger"), "{s}");
}

#[test]
fn idle_lock_keeps_typing_as_the_authors_draft() {
    let mut a = signed_in();
    a.perform(Effect::AddStaff {
        name: "Sam Night".into(),
        role: concordat::domain::Role::Staff,
        passphrase: "night shift".into(),
    });
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('c'));
    key(&mut a, KeyCode::Char('a'));
    typ(&mut a, "Riley Half-typed");
    a.update(Msg::Tick(t0() + chrono::Duration::minutes(11)));
    let s = screen(&a);
    assert!(s.contains("Locked after 10 minutes"), "{s}");
    assert!(!s.contains("Riley"), "nothing of the last person's work on screen: {s}");
    // Someone else signs in: they do not see it.
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "night shift");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.session.as_ref().unwrap().staff.name, "Sam Night");
    // The manager typed that passphrase: Sam chooses their own first.
    typ(&mut a, "night shift");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "sam's own 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "sam's own 1");
    ctrl(&mut a, 's');
    assert!(!screen(&a).contains("Riley"));
    ctrl(&mut a, 'l');
    // The author signs in again: the form is back.
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "correct horse");
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("Riley Half-typed") && s.contains("Add a child"), "{s}");
}

#[test]
fn settings_and_staff_screens() {
    let mut a = signed_in();
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('t'));
    insta::assert_snapshot!("settings", screen(&a));
    for _ in 0..3 {
        key(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "999");
    ctrl(&mut a, 's');
    assert!(
        screen(&a).contains("! Idle lock is a number of minutes from 1 to 240."),
        "{}",
        screen(&a)
    );
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    ctrl(&mut a, 's');
    assert_eq!(a.store.setting("idle_lock_minutes").unwrap(), "9");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('a'));
    typ(&mut a, "Kim Day");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "day shift pass");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("Kim Day") && s.contains("Shift leader"), "{s}");
    insta::assert_snapshot!("staff", s);
}
