//! Who may do what, through the app's own screens: the manager's recovery code (shown once at set-up, usable at
//! the sign-in screen even while wrong passphrases make the account wait), the plain wait after wrong
//! passphrases, and the child form's YOS field, which only a manager may change.

mod common;
use common::support;

use chrono::Duration;
use concordat::domain::{ChildInput, Role};
use concordat::ui::app::{Done, Effect, Msg};
use ratatui::crossterm::event::KeyCode;
use support::*;

/// The recovery code on the screen: four groups of five capitals and digits.
fn code_on(screen: &str) -> Option<String> {
    screen.split_whitespace().find_map(|w| {
        let groups: Vec<&str> = w.split('-').collect();
        (groups.len() == 4
            && groups
                .iter()
                .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())))
        .then(|| w.to_string())
    })
}

fn set_up_by_keys() -> (concordat::ui::app::App, String) {
    let mut a = app();
    typ(&mut a, "Oak House");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "Pat Manager");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "correct horse");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "correct horse");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("Write this recovery code down now"), "{s}");
    let code = code_on(&s).unwrap_or_else(|| panic!("no code on the screen:\n{s}"));
    assert!(!s.contains("correct horse"));
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("Handover") && code_on(&s).is_none(), "{s}");
    (a, code)
}

fn tick(a: &mut concordat::ui::app::App, secs: i64) {
    let t = a.now + Duration::seconds(secs);
    a.store.set_clock(Some(t));
    a.update(Msg::Tick(t));
}

fn wrong(a: &mut concordat::ui::app::App, pass: &str) {
    key(a, KeyCode::Enter);
    typ(a, pass);
    key(a, KeyCode::Enter);
}

#[test]
fn set_up_shows_the_recovery_code_once_and_it_lets_the_manager_in_while_the_account_waits() {
    let (mut a, code) = set_up_by_keys();
    ctrl(&mut a, 'l');
    for _ in 0..4 {
        wrong(&mut a, "wrong guess");
    }
    wrong(&mut a, "wrong guess");
    let s = screen(&a);
    assert!(
        s.contains("Wait 30 seconds, then try again."),
        "the wait in plain words:\n{s}"
    );
    assert!(s.contains("[WAIT]"), "{s}");
    tick(&mut a, 10);
    assert!(screen(&a).contains("Wait 20 seconds"), "{}", screen(&a));
    // The right passphrase does not help while the account waits.
    wrong(&mut a, "correct horse");
    assert!(a.session.is_none());
    // The recovery code does: a wrong one first, then the right one with a new passphrase, twice.
    ctrl(&mut a, 'r');
    let s = screen(&a);
    assert!(
        s.contains("Recovery code") && s.contains("New passphrase for Pat Manager"),
        "{s}"
    );
    typ(&mut a, "ABCDE-FGHJK-MNPQR-STUVW");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    ctrl(&mut a, 's');
    assert!(a.session.is_none());
    assert!(screen(&a).contains("not right"), "{}", screen(&a));
    key(&mut a, KeyCode::Esc);
    ctrl(&mut a, 'r');
    typ(&mut a, &code.to_lowercase());
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 2");
    ctrl(&mut a, 's');
    assert!(
        screen(&a).contains("The two new passphrases are different"),
        "{}",
        screen(&a)
    );
    key(&mut a, KeyCode::Esc);
    ctrl(&mut a, 'r');
    typ(&mut a, &code);
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    ctrl(&mut a, 's');
    assert_eq!(a.session.as_ref().map(|s| s.staff.name.as_str()), Some("Pat Manager"));
    // A new code, shown once; the old one is spent.
    let s = screen(&a);
    let code2 = code_on(&s).unwrap_or_else(|| panic!("{s}"));
    assert_ne!(code2, code);
    key(&mut a, KeyCode::Enter);
    assert!(screen(&a).contains("Handover"));
    ctrl(&mut a, 'l');
    ctrl(&mut a, 'r');
    typ(&mut a, &code);
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a third one 3");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a third one 3");
    ctrl(&mut a, 's');
    assert!(a.session.is_none(), "the old code no longer works");
    key(&mut a, KeyCode::Esc);
    wrong(&mut a, "a new phrase 1");
    assert!(a.session.is_some(), "the new passphrase signs in");
    assert!(a.store.verify().unwrap().is_sound());
}

fn child() -> ChildInput {
    ChildInput {
        name: "Jordan Smith".into(),
        dob: "01/02/2011".into(),
        gender: "male".into(),
        ethnicity: "white_british".into(),
        legal_status: "s31".into(),
        admitted: "01/09/2025".into(),
        ..Default::default()
    }
}

#[test]
fn only_a_manager_can_tick_open_to_the_yos_in_the_child_form() {
    let mut a = signed_in();
    let d = a.perform(Effect::AddStaff {
        name: "Lee Senior".into(),
        role: Role::Senior,
        passphrase: "shift lead 1".into(),
    });
    assert!(matches!(d, Done::Ok(Some(_))), "{d:?}");
    assert!(matches!(
        a.perform(Effect::SaveChild {
            id: None,
            input: child()
        }),
        Done::Ok(Some(_))
    ));
    // The manager's form has the toggle.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('c'));
    key(&mut a, KeyCode::Enter);
    let s = screen_sized(&a, 100, 40);
    assert!(s.contains("Open to the YOS") && !s.contains("a manager decides"), "{s}");
    // A shift leader sees it read-only, with the reason, and cannot change it by keys.
    ctrl(&mut a, 'l');
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Up);
    wrong(&mut a, "shift lead 1");
    assert_eq!(a.session.as_ref().unwrap().staff.name, "Lee Senior");
    // A passphrase the manager typed: Lee chooses their own first.
    typ(&mut a, "shift lead 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "lee's own 2");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "lee's own 2");
    ctrl(&mut a, 's');
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('c'));
    key(&mut a, KeyCode::Enter);
    let s = screen_sized(&a, 100, 40);
    assert!(s.contains("No (a manager decides)"), "{s}");
    for _ in 0..12 {
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Char(' '));
        key(&mut a, KeyCode::Right);
    }
    ctrl(&mut a, 's');
    let c = &a.store.list_children(false).unwrap()[0];
    assert!(!c.yos_open, "still not open to the YOS");
    // Through the effect too (a form that somehow sent it): refused, nothing written.
    let audits = a.store.audit_count().unwrap();
    let mut open = child();
    open.yos_open = true;
    let d = a.perform(Effect::SaveChild {
        id: Some(c.id),
        input: open,
    });
    assert!(matches!(&d, Done::Err(e) if e.contains("only a manager")), "{d:?}");
    assert_eq!(a.store.audit_count().unwrap(), audits);
}

#[test]
fn a_manager_takes_a_new_recovery_code_from_the_staff_screen() {
    // A home set up before recovery codes (or by `setup`) has none; the manager takes one.
    let mut a = signed_in();
    let id = a.session.as_ref().unwrap().staff.id;
    assert!(!a.store.has_recovery_code(id).unwrap());
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('s'));
    assert!(screen(&a).contains("k: a new recovery code for you"), "{}", screen(&a));
    key(&mut a, KeyCode::Char('k'));
    let s = screen(&a);
    let code = code_on(&s).unwrap_or_else(|| panic!("{s}"));
    key(&mut a, KeyCode::Enter);
    assert!(code_on(&screen(&a)).is_none());
    assert!(a.store.has_recovery_code(id).unwrap());
    ctrl(&mut a, 'l');
    ctrl(&mut a, 'r');
    typ(&mut a, &code);
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "a new phrase 1");
    ctrl(&mut a, 's');
    assert!(a.session.is_some());
    assert!(a.store.verify().unwrap().is_sound());
}

/// A manager adds a member of staff; at the first sign-in with the passphrase the manager typed, the member of
/// staff must choose their own (Esc does not skip it) before the handover, and the session carries on signed
/// with the new key.
#[test]
fn a_passphrase_set_by_a_manager_is_changed_at_the_first_sign_in_before_the_handover() {
    let (mut a, _) = set_up_by_keys();
    let m = a.session.as_ref().unwrap().actor.clone();
    let sam = a.store.add_staff(&m, "Sam Staff", Role::Staff, "given one 1").unwrap();
    ctrl(&mut a, 'l');
    typ(&mut a, "s");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "given one 1");
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("Choose your own passphrase"), "{s}");
    key(&mut a, KeyCode::Esc);
    assert!(
        screen(&a).contains("Choose your own passphrase"),
        "Esc does not skip it"
    );
    typ(&mut a, "given one 1");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "my own one 2");
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "my own one 3");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("different"), "the two new ones differ:\n{s}");
    assert!(a.store.must_change_passphrase(sam.id).unwrap());
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Backspace);
    typ(&mut a, "2");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("Handover") && !s.contains("Choose your own"), "{s}");
    assert!(!a.store.must_change_passphrase(sam.id).unwrap());
    assert_eq!(a.session.as_ref().unwrap().staff.id, sam.id);
    assert!(a.store.verify().unwrap().is_sound());
    ctrl(&mut a, 'l');
    typ(&mut a, "s");
    wrong(&mut a, "my own one 2");
    let s = screen(&a);
    assert!(s.contains("Handover") && !s.contains("Choose your own"), "{s}");
}
