//! A draft is its author's: a manager takes one over only by saying so (asked, naming the author), and that is
//! recorded; the author is told at their next sign-in; a member of staff never sees or opens another's draft; a
//! discard needs a reason and is recorded with the words kept. And typing is kept as it is typed, on the tick,
//! without a write per key.

mod common;
use common::support;

use std::collections::BTreeMap;

use chrono::Duration;
use concordat::domain::Role;
use concordat::store::Actor;
use concordat::store::drafts::{FORM, INCIDENT};
use concordat::ui::app::{App, Ctx, Done, Effect, Msg};
use concordat::ui::screens::wizard::{Part, Saved};
use ratatui::crossterm::event::KeyCode;
use support::*;

const SAM_PASS: &str = "night owl 42";
const KIM_PASS: &str = "day lark 42";

/// Pat Manager signed in; Sam Night and Kim Day (staff); Sam has an incident draft with their account in it.
fn home_with_sams_draft() -> (App, Actor, Actor, i64) {
    let mut app = signed_in();
    for (name, pass) in [("Sam Night", SAM_PASS), ("Kim Day", KIM_PASS)] {
        let d = app.perform(Effect::AddStaff {
            name: name.into(),
            role: Role::Staff,
            passphrase: pass.into(),
        });
        assert!(matches!(d, Done::Ok(Some(_))), "{d:?}");
    }
    let staff = app.store.list_staff(false).unwrap();
    let id_of = |n: &str| staff.iter().find(|s| s.name == n).unwrap().id;
    let sam = app.store.signer_for(id_of("Sam Night"), SAM_PASS).unwrap();
    let kim = app.store.signer_for(id_of("Kim Day"), KIM_PASS).unwrap();
    let saved = Saved {
        uid: "draft-1".into(),
        part: Part::What,
        danger: Some(false),
        values: BTreeMap::from([("account".to_string(), "Sam's own account of it".to_string())]),
        answers: BTreeMap::new(),
        focus: None,
    };
    let id = app
        .store
        .save_draft(
            &sam,
            None,
            INCIDENT,
            "Jay 22/11/2026 02:00",
            &serde_json::to_string(&saved).unwrap(),
        )
        .unwrap();
    (app, sam, kim, id)
}

/// Back to the menu alone, reloaded.
fn to_menu(app: &mut App) {
    app.stack.truncate(1);
    let ctx = Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: app.theme,
    };
    app.stack[0].refresh(&ctx);
}

fn sign_in_as(app: &mut App, name: &str, pass: &str) {
    app.lock("Locked on request.");
    let id = app
        .store
        .list_staff(false)
        .unwrap()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
        .id;
    let d = app.perform(Effect::SignIn {
        staff_id: id,
        passphrase: pass.into(),
    });
    assert_eq!(d, Done::Ok(None));
}

fn owner(app: &App, id: i64) -> String {
    app.store
        .draft(&app.session.as_ref().unwrap().actor, id)
        .unwrap()
        .unwrap()
        .staff_name
}

#[test]
fn a_manager_takes_over_a_draft_only_by_saying_so_and_the_author_is_told() {
    let (mut app, sam, _, id) = home_with_sams_draft();
    to_menu(&mut app);
    // The menu says whose and how old, and the keys.
    key(&mut app, KeyCode::Char('d'));
    let s = screen(&app);
    assert!(s.contains("Sam Night, just now: Jay"), "{s}");
    assert!(s.contains("By Sam Night, last kept just now"), "{s}");
    assert!(s.contains("Enter take over") && s.contains("x discard"), "{s}");
    // Enter asks first, naming the author; nothing is opened or changed yet.
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(
        s.contains("Take over Sam Night's draft? They will") && s.contains("not be able to save it"),
        "{s}"
    );
    assert_eq!(app.top().title(), "Menu");
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.top().title(), "Menu");
    assert_eq!(owner(&app, id), "Sam Night");
    // Saying so: taken over, recorded, and the manager carries on with Sam's words.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.top().title(), "New incident");
    assert_eq!(owner(&app, id), "Pat Manager");
    let fd = app.top().form_draft().unwrap().0;
    assert!(fd.values["state"].contains("Sam's own account of it"));
    assert_eq!(fd.context, Some(id));
    let (tid, from, to): (i64, String, String) = app.store.draft_takeover(id).unwrap();
    assert_eq!((from.as_str(), to.as_str()), ("Sam Night", "Pat Manager"));
    let audit = app.store.audit_for("draft_takeovers", tid).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].staff_name, "Pat Manager");
    let drafts_audit = app.store.audit_for("drafts", id).unwrap();
    assert!(
        drafts_audit
            .iter()
            .any(|a| a.action == "take_over" && a.staff_name == "Pat Manager")
    );
    // Sam can no longer save into it.
    let e = app.store.save_draft(&sam, Some(id), INCIDENT, "x", "{}").unwrap_err();
    assert!(e.to_string().contains("Pat Manager took over this draft"), "{e}");
    // Sam is told at their next sign-in, once.
    sign_in_as(&mut app, "Sam Night", SAM_PASS);
    let f = app.flash.clone().map(|f| f.text).unwrap_or_default();
    assert!(
        f.contains("Pat Manager took over your draft (Jay 22/11/2026 02:00)"),
        "{f}"
    );
    sign_in_as(&mut app, "Sam Night", SAM_PASS);
    let f = app.flash.clone().map(|f| f.text).unwrap_or_default();
    assert!(!f.contains("took over"), "{f}");
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn a_member_of_staff_never_sees_or_opens_another_s_draft() {
    let (mut app, sam, _, id) = home_with_sams_draft();
    sign_in_as(&mut app, "Kim Day", KIM_PASS);
    to_menu(&mut app);
    let s = screen(&app);
    assert!(!s.contains("Sam Night") && !s.contains("Jay"), "{s}");
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.top().title(), "Menu");
    for e in [
        Effect::TakeOverDraft { id },
        Effect::DiscardDraft {
            id,
            reason: "not needed".into(),
        },
        Effect::SaveDraft {
            id: Some(id),
            kind: INCIDENT.into(),
            title: "x".into(),
            payload: "{}".into(),
        },
    ] {
        assert!(matches!(app.perform(e), Done::Err(_)));
    }
    assert_eq!(app.store.open_drafts(&sam, INCIDENT).unwrap().len(), 1);
    assert!(
        app.store.open_drafts(&sam, INCIDENT).unwrap()[0]
            .payload
            .contains("Sam's own account of it")
    );
}

#[test]
fn a_discard_needs_a_reason_and_is_recorded_with_the_words_kept() {
    let (mut app, sam, _, id) = home_with_sams_draft();
    to_menu(&mut app);
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('x'));
    assert!(screen(&app).contains("Discard this draft?"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Say why"), "{}", screen(&app));
    assert_eq!(app.store.open_drafts(&sam, INCIDENT).unwrap().len(), 1);
    typ(&mut app, "Started twice");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Draft discarded"), "{}", screen(&app));
    assert!(app.store.open_drafts(&sam, INCIDENT).unwrap().is_empty());
    let d = app.store.draft(&sam, id).unwrap().unwrap();
    assert!(d.payload.contains("Sam's own account of it"), "the words are kept");
    let why: Option<String> = app.store.draft_closed_reason(id).unwrap();
    assert_eq!(why.as_deref(), Some("Discarded by Pat Manager: Started twice"));
    let audit = app.store.audit_for("drafts", id).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "close" && a.staff_name == "Pat Manager")
    );
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn typing_is_kept_on_the_tick_not_at_every_key_and_comes_back_in_its_field() {
    let mut app = signed_in();
    to_menu(&mut app);
    let me = app.session.as_ref().unwrap().actor.clone();
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Char('n')); // no immediate danger: the first step
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    typ(&mut app, "Lounge");
    // Keys alone write nothing of the typing...
    assert!(app.store.open_drafts(&me, FORM).unwrap().is_empty());
    // ...the tick a second after the last key keeps it.
    app.update(Msg::Tick(t0() + Duration::seconds(2)));
    let kept = app.store.open_drafts(&me, FORM).unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].payload.contains("Lounge"));
    // More typing updates the same draft.
    typ(&mut app, " sofa");
    app.update(Msg::Tick(t0() + Duration::seconds(4)));
    let again = app.store.open_drafts(&me, FORM).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, kept[0].id);
    assert!(again[0].payload.contains("Lounge sofa"));
    // A power cut: a new app on the same store signs in and is back in the field.
    let store = std::mem::replace(&mut app.store, concordat::store::Store::open_in_memory().unwrap());
    let mut app = App::new(
        store,
        protocol(),
        concordat::ui::theme::Theme::plain(),
        t0() + Duration::minutes(1),
    );
    let pat = app.store.list_staff(false).unwrap()[0].id;
    assert_eq!(
        app.perform(Effect::SignIn {
            staff_id: pat,
            passphrase: "correct horse".into()
        }),
        Done::Ok(None)
    );
    assert_eq!(app.top().title(), "New incident");
    let f = app.flash.clone().map(|f| f.text).unwrap_or_default();
    assert!(f.contains("back where you left it. Kept at"), "{f}");
    let st: Saved = serde_json::from_str(&app.top().form_draft().unwrap().0.values["state"]).unwrap();
    assert_eq!(st.part, Part::About);
    assert_eq!(st.focus.as_deref(), Some("location"));
    assert_eq!(st.values["location"], "Lounge sofa");
    // Leaving the form closes the kept draft: it does not come back at the next sign-in.
    key(&mut app, KeyCode::Esc); // back to the first question
    key(&mut app, KeyCode::Esc); // leave?
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.top().title(), "Handover", "under the form, as after any sign-in");
    app.update(Msg::Tick(t0() + Duration::minutes(1) + Duration::seconds(2)));
    let me = app.session.as_ref().unwrap().actor.clone();
    assert!(app.store.open_drafts(&me, FORM).unwrap().is_empty(), "{}", screen(&app));
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn a_handover_note_being_typed_survives_a_power_cut() {
    let mut app = signed_in();
    app.stack.push(concordat::ui::screens::Screen::new(
        concordat::ui::screens::handover::NoteScreen::new(),
    ));
    typ(&mut app, "Phone Jay's social worker at nine");
    app.update(Msg::Tick(t0() + Duration::seconds(2)));
    // The power goes: a new app on the same file.
    let store = std::mem::replace(&mut app.store, concordat::store::Store::open_in_memory().unwrap());
    let mut app = App::new(
        store,
        protocol(),
        concordat::ui::theme::Theme::plain(),
        t0() + Duration::minutes(1),
    );
    let pat = app.store.list_staff(false).unwrap()[0].id;
    assert_eq!(
        app.perform(Effect::SignIn {
            staff_id: pat,
            passphrase: "correct horse".into()
        }),
        Done::Ok(None)
    );
    assert_eq!(app.top().title(), "Handover note");
    assert!(
        screen(&app).contains("Phone Jay's social worker at nine"),
        "{}",
        screen(&app)
    );
    // Saved as a note: the kept draft is closed at once, and does not come back.
    ctrl(&mut app, 's');
    let me = app.session.as_ref().unwrap().actor.clone();
    assert!(app.store.open_drafts(&me, FORM).unwrap().is_empty(), "{}", screen(&app));
}
