//! Issue 20: the children form asks a manager when a change of YOS status took effect ("Open since / closed
//! on"), refuses a day to come, and the register keeps it as the child's history, attributed.

mod common;
use common::support;

use ratatui::crossterm::event::KeyCode;
use support::*;

/// Fill the add-a-child form up to the YOS fields: Jordan, admitted 01/09/2025, open to the YOS.
fn jordan_open(a: &mut concordat::ui::app::App) {
    key(a, KeyCode::Esc);
    key(a, KeyCode::Char('c'));
    key(a, KeyCode::Char('a'));
    typ(a, "Jordan Smith");
    key(a, KeyCode::Tab);
    typ(a, "JJ");
    key(a, KeyCode::Tab);
    typ(a, "01/02/2011");
    key(a, KeyCode::Tab);
    key(a, KeyCode::Char('m'));
    key(a, KeyCode::Tab);
    key(a, KeyCode::Char('w'));
    key(a, KeyCode::Tab);
    key(a, KeyCode::Right);
    for _ in 0..4 {
        key(a, KeyCode::Tab);
    }
    typ(a, "01/09/2025");
    key(a, KeyCode::Tab);
    key(a, KeyCode::Char('y'));
    key(a, KeyCode::Tab);
}

#[test]
fn the_day_a_yos_status_took_effect_is_asked_checked_and_kept() {
    let mut a = signed_in();
    jordan_open(&mut a);
    assert!(screen(&a).contains("Open since / closed on"), "{}", screen(&a));
    typ(&mut a, "01/01/2099");
    ctrl(&mut a, 's');
    let s = screen(&a);
    assert!(s.contains("The YOS date cannot be in the future."), "{s}");
    assert!(a.store.list_children(false).unwrap().is_empty(), "nothing saved");
    for _ in 0..10 {
        key(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "15/10/2025");
    ctrl(&mut a, 's');
    let c = &a.store.list_children(false).unwrap()[0];
    assert!(c.yos_open);
    let h = a.store.yos_history(c.id).unwrap();
    let days: Vec<_> = h.iter().map(|x| (x.since.to_string(), x.open)).collect();
    assert_eq!(
        days,
        [("2025-09-01".to_string(), false), ("2025-10-15".to_string(), true)],
        "not open from admission until the day given"
    );
    assert!(h.iter().all(|x| x.recorded_by == "Pat Manager"), "{h:?}");
}
