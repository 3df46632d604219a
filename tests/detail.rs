//! The incident detail screen: the current state and its history, adding later information, the manager's
//! review, and a half-typed entry surviving an idle lock. Driven through the App with keys, at 80x24.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use concordat::domain::*;
use concordat::protocol::Protocol;
use concordat::store::{Actor, Store};
use concordat::ui::app::{App, Done, Effect, Msg};
use concordat::ui::screens::detail;
use concordat::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const MANAGER_PASS: &str = "correct horse";
const STAFF_PASS: &str = "night shift 1";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
}

fn protocol() -> Protocol {
    common::fixtures::ui::protocol_named("test-area", "2", "Test area Concordat", &"ab".repeat(32))
}

fn new_app() -> App {
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(Some(t0()));
    let mut app = App::new(store, protocol(), Theme::plain(), t0());
    let d = app.perform(Effect::Setup {
        home: "Oak House".into(),
        urn: "SC123456".into(),
        manager: "Pat Manager".into(),
        passphrase: MANAGER_PASS.into(),
        recovery: false,
    });
    assert_eq!(d, Done::Ok(None));
    app
}

fn actor(app: &App) -> Actor {
    app.session.as_ref().expect("signed in").actor.clone()
}

/// Move both clocks (the store's, which times entries, and the app's, which the screen shows).
fn set_time(app: &mut App, t: DateTime<Utc>) {
    app.store.set_clock(Some(t));
    app.now = t;
    app.last_activity = t;
}

/// A child and an incident referred to the police (where the protocol suggested in-house), outcome unknown.
fn incident(app: &mut App) -> i64 {
    let a = actor(app);
    let child = app
        .store
        .add_child(
            &a,
            &ChildInput {
                name: "Jordan Smith".into(),
                preferred_name: "JJ".into(),
                dob: "01/02/2011".into(),
                gender: "male".into(),
                ethnicity: "white_british".into(),
                legal_status: "s31".into(),
                admitted: "01/09/2025".into(),
                ..Default::default()
            },
        )
        .map_err(|_| "child")
        .unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 2, 10, 0).unwrap();
    let rec = IncidentRecord {
        involved: vec![Involved {
            kind: PersonKind::Staff,
            name: "Sam Night".into(),
            role: InvolvedAs::Witness,
            reports_to_police: false,
        }],
        deescalation: vec![Deescalation::SpaceAndTime, Deescalation::TrustedAdult],
        deescalation_notes: "Offered time in his room.".into(),
        protocol: ProtocolRef {
            id: "test-area".into(),
            version: "2".into(),
            title: "Test area Concordat".into(),
            sha256: "ab".repeat(32),
        },
        answers: vec![AnsweredStep {
            step_id: "parent".into(),
            question: "Would a reasonable parent call the police?".into(),
            answer_id: "no".into(),
            answer: "No".into(),
            automatic: false,
        }],
        response: Response::Police,
        rationale: "The door was broken a third time this week.".into(),
        in_house: None,
        police: Some(Police {
            route: PoliceRoute::NonEmergency101,
            reason: CallReason::Behaviour,
            called_at: Some(at + Duration::minutes(20)),
            reference: "CAD 4411".into(),
            officer: String::new(),
            attended: Some(false),
            arrest: false,
            appropriate_adult: String::new(),
            diversion_asked: DiversionAsked::Outcome22,
            outcome: PoliceOutcome::NotYetKnown,
            court: None,
            outcome_at: None,
        }),
        ..common::fixtures::record_for(
            &child.uid,
            at,
            "J kicked the kitchen door after a phone call with his mum.",
        )
    };
    app.store.save_incident(&a, rec, None).unwrap()
}

fn push_detail(app: &mut App, id: i64) {
    let s = {
        let ctx = concordat::ui::app::Ctx {
            store: &app.store,
            session: app.session.as_ref(),
            protocol: &app.protocol,
            now: app.now,
            theme: app.theme,
        };
        detail::open(&ctx, id)
    };
    app.stack.push(s);
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn save(app: &mut App) {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
}

fn render(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| app.view(f)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        for x in 0..buf.area.width {
            row.push_str(buf[(x, y)].symbol());
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn add_staff(app: &mut App) -> i64 {
    match app.perform(Effect::AddStaff {
        name: "Sam Night".into(),
        role: Role::Staff,
        passphrase: "given by pat 1".into(),
    }) {
        Done::Ok(Some(id)) => {
            // Sam has chosen their own passphrase (a manager's must be changed at the first sign-in).
            let given = app.store.signer_for(id, "given by pat 1").unwrap();
            app.store
                .change_own_passphrase(&given, "given by pat 1", STAFF_PASS)
                .unwrap();
            id
        }
        d => panic!("{d:?}"),
    }
}

fn sign_in(app: &mut App, staff_id: i64, pass: &str) {
    let d = app.perform(Effect::SignIn {
        staff_id,
        passphrase: pass.into(),
    });
    assert_eq!(d, Done::Ok(None));
}

/// An incident with several entries: a correction, a police outcome, a note, the manager's review.
fn with_history(app: &mut App, id: i64) {
    let a = actor(app);
    let mut t = t0();
    let mut add = |app: &mut App, c: Change| {
        t += Duration::minutes(30);
        app.store.set_clock(Some(t));
        app.store.add_entry(&a, id, c).unwrap();
    };
    add(
        app,
        Change::Correction {
            field: CorrectableField::Location,
            value: "Hall".into(),
            reason: "typo".into(),
        },
    );
    let mut p = app.store.incident(id).unwrap().current.police.unwrap();
    p.outcome = PoliceOutcome::Outcome22;
    add(app, Change::Police { police: p });
    add(
        app,
        Change::Notified {
            notification: Notification {
                who: NotifyWho::SocialWorker,
                at: t0(),
                note: "By phone".into(),
            },
        },
    );
    add(
        app,
        Change::SpokeToStaff {
            at: t0() + Duration::hours(1),
        },
    );
    // The police were involved: the Ofsted judgement (reg 40) comes before the signature.
    add(app, Change::OfstedSerious { serious: false });
    add(
        app,
        Change::SignOff {
            comment: "Talked it through with Sam.".into(),
        },
    );
    set_time(app, t0() + Duration::hours(4));
}

#[test]
fn detail_shows_current_state_and_history() {
    let mut app = new_app();
    let id = incident(&mut app);
    with_history(&mut app, id);
    push_detail(&mut app, id);
    let top = render(&app);
    assert!(top.contains("Reviewed"), "{top}");
    assert!(top.contains("Hall"), "the current location: {top}");
    insta::assert_snapshot!("detail_top", top);
    press(&mut app, KeyCode::Char('h'));
    let hist = render(&app);
    assert!(hist.contains("Correction of Location: 'Kitchen' -> 'Hall'"), "{hist}");
    assert!(hist.contains("because typo"), "{hist}");
    insta::assert_snapshot!("detail_history", hist);
    press(&mut app, KeyCode::End);
    let end = render(&app);
    assert!(end.contains("Manager sign-off"), "{end}");
    assert!(end.contains("Signed the record: Talked it through with Sam."), "{end}");
    // Scrolling back up reaches the top again.
    for _ in 0..10 {
        press(&mut app, KeyCode::PageUp);
    }
    assert_eq!(render(&app), top);
}

#[test]
fn overdue_actions_say_so_in_words() {
    let mut app = new_app();
    let id = incident(&mut app);
    set_time(&mut app, t0() + Duration::days(3));
    push_detail(&mut app, id);
    let s = render(&app);
    assert!(s.contains("OVERDUE"), "{s}");
    assert!(s.contains("Police outcome not yet known"), "{s}");
}

#[test]
fn police_outcome_added_later() {
    let mut app = new_app();
    let id = incident(&mut app);
    push_detail(&mut app, id);
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('1'));
    assert!(app.top().title().contains("police details"), "{}", app.top().title());
    // The form is prefilled from the current police details.
    assert!(render(&app).contains("CAD 4411"));
    for _ in 0..10 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Char('o')); // Outcome 21
    press(&mut app, KeyCode::Char('o')); // Outcome 22
    save(&mut app);
    assert_eq!(app.top().title(), format!("Incident {id}"), "{:?}", app.flash);
    let d = app.store.incident(id).unwrap();
    assert_eq!(d.current.police.as_ref().unwrap().outcome, PoliceOutcome::Outcome22);
    assert_eq!(d.record.police.as_ref().unwrap().outcome, PoliceOutcome::NotYetKnown);
    assert_eq!(d.entries.len(), 1);
    assert_eq!(d.entries[0].by, "Pat Manager");
    let s = render(&app);
    assert!(s.contains("Added: Police details by Pat Manager"), "{s}");
    press(&mut app, KeyCode::Char('h'));
    let s = render(&app);
    assert!(s.contains("Police outcome: 'Not yet known' ->"), "{s}");
    // Saving the same details again adds nothing.
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('1'));
    save(&mut app);
    assert!(render(&app).contains("Nothing has changed"));
    assert_eq!(app.store.incident(id).unwrap().entries.len(), 1);
}

#[test]
fn correction_needs_a_reason() {
    let mut app = new_app();
    let id = incident(&mut app);
    push_detail(&mut app, id);
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('8'));
    press(&mut app, KeyCode::Char('l')); // Location
    press(&mut app, KeyCode::Tab);
    typ(&mut app, "Hall");
    save(&mut app);
    let s = render(&app);
    assert!(s.contains("Say why the correction is needed."), "{s}");
    assert!(app.flash.as_ref().unwrap().text.contains("Not saved"));
    insta::assert_snapshot!("correction_needs_reason", s);
    assert!(app.store.incident(id).unwrap().entries.is_empty());
    typ(&mut app, "typo: it was the hall");
    save(&mut app);
    let d = app.store.incident(id).unwrap();
    assert_eq!(d.current.location, "Hall");
    assert_eq!(d.record.location, "Kitchen", "the record as saved never changes");
    match &d.entries[0].change {
        Change::Correction { reason, .. } => assert_eq!(reason, "typo: it was the hall"),
        c => panic!("{c:?}"),
    }
}

#[test]
fn manager_reviews_and_signs() {
    let mut app = new_app();
    let id = incident(&mut app);
    // A restraint, fully recorded: speaking to the member of staff is then a regulation 35 step.
    let a = actor(&app);
    app.store
        .add_entry(
            &a,
            id,
            Change::Reg35 {
                reg35: Reg35 {
                    measure: "Held his arms".into(),
                    duration_minutes: Some(2),
                    used_by: "Sam Night".into(),
                    others_present: String::new(),
                    avoid_tried: "Space and time".into(),
                    effectiveness: "He calmed".into(),
                    consequences: String::new(),
                    injuries: String::new(),
                    treatment: String::new(),
                },
            },
        )
        .unwrap();
    push_detail(&mut app, id);
    // Signing comes, the police being involved, after the Ofsted judgement (reg 40), and after speaking to
    // the member of staff (reg 35). The form says one reason at a time.
    press(&mut app, KeyCode::Char('r'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("NOT RECORDED"));
    save(&mut app);
    let s = render(&app);
    assert!(s.contains("serious enough to tell Ofsted"), "{s}");
    assert_eq!(
        app.store.incident(id).unwrap().entries.len(),
        1,
        "only the reg 35 record"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.top().title(), format!("Incident {id}"));
    // The Ofsted judgement: "No" is a judgement the first time, though the record already reads not serious.
    press(&mut app, KeyCode::Char('r'));
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.top().title().contains("Ofsted judgement"), "{}", app.top().title());
    save(&mut app);
    let d = app.store.incident(id).unwrap();
    assert!(
        d.entries
            .iter()
            .any(|e| e.change == Change::OfstedSerious { serious: false }),
        "{:?}",
        d.entries
    );
    assert_eq!(app.top().title(), format!("Incident {id}"));
    // Still not signed: speaking to the member of staff comes first.
    press(&mut app, KeyCode::Char('r'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    save(&mut app);
    let s = render(&app);
    assert!(s.contains("First record that you spoke to the member of staff"), "{s}");
    assert_eq!(app.store.incident(id).unwrap().entries.len(), 2, "not signed");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.top().title(), format!("Incident {id}"));
    press(&mut app, KeyCode::Char('r'));
    // Starts on the manager's part: spoke to staff, with now as the time.
    press(&mut app, KeyCode::Enter);
    assert!(app.top().title().contains("spoke to staff"));
    save(&mut app);
    assert_eq!(
        app.store.incident(id).unwrap().current.review.spoke_to_staff_at,
        Some(t0())
    );
    press(&mut app, KeyCode::Char('r'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.top().title().contains("sign-off"), "{}", app.top().title());
    typ(&mut app, "Spoke to Sam; J apologised.");
    save(&mut app);
    let d = app.store.incident(id).unwrap();
    assert_eq!(d.current.status(), Status::Reviewed);
    assert_eq!(d.current.review.signed_by.as_deref(), Some("Pat Manager"));
    assert_eq!(d.current.review.comment, "Spoke to Sam; J apologised.");
    // Signed once: no second signature offered.
    press(&mut app, KeyCode::Char('r'));
    assert!(!render(&app).contains("Sign the record"));
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn staff_cannot_review_or_sign() {
    let mut app = new_app();
    let id = incident(&mut app);
    let sam = add_staff(&mut app);
    sign_in(&mut app, sam, STAFF_PASS);
    push_detail(&mut app, id);
    let s = render(&app);
    assert!(!s.contains("review and sign  h"), "no review key for staff: {s}");
    press(&mut app, KeyCode::Char('r'));
    assert!(app.flash.as_ref().unwrap().text.contains("Only a manager"));
    press(&mut app, KeyCode::Char('u'));
    let s = render(&app);
    assert!(!s.contains("Sign the record"), "{s}");
    assert!(s.contains("Only a manager"), "{s}");
    insta::assert_snapshot!("entry_menu_staff", s);
    // The store refuses it too, whatever the screen does.
    let d = app.perform(Effect::AddEntry {
        incident_id: id,
        change: Box::new(Change::SignOff { comment: String::new() }),
    });
    assert!(matches!(d, Done::Err(ref e) if e.contains("only a manager")), "{d:?}");
    let ctx = concordat::ui::app::Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: app.theme,
    };
    assert!(detail::open_entry(&ctx, id, detail::EntryKind::SignOff).is_err());
    assert!(detail::open_entry(&ctx, id, detail::EntryKind::Note).is_ok());
}

#[test]
fn an_entry_being_typed_survives_an_idle_lock() {
    let mut app = new_app();
    let id = incident(&mut app);
    let sam = add_staff(&mut app);
    sign_in(&mut app, sam, STAFF_PASS);
    push_detail(&mut app, id);
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('9'));
    typ(&mut app, "Rang the social worker, left a message");
    app.update(Msg::Tick(t0() + Duration::minutes(11)));
    assert!(app.session.is_none(), "locked");
    let s = render(&app);
    assert!(!s.contains("Rang the social worker"), "nothing stays on screen: {s}");
    sign_in(&mut app, sam, STAFF_PASS);
    assert!(app.top().title().contains("note"), "{}", app.top().title());
    assert!(render(&app).contains("Rang the social worker, left a message"));
    save(&mut app);
    // Back on the incident, which now has the note.
    assert_eq!(app.top().title(), format!("Incident {id}"));
    let d = app.store.incident(id).unwrap();
    assert_eq!(d.entries.len(), 1);
    assert_eq!(d.entries[0].by, "Sam Night");
    assert_eq!(
        d.entries[0].change,
        Change::Note {
            text: "Rang the social worker, left a message".into()
        }
    );
}

#[test]
fn a_missing_incident_says_so() {
    let mut app = new_app();
    push_detail(&mut app, 999);
    let s = render(&app);
    assert!(s.contains("cannot be shown"), "{s}");
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Esc);
    assert_ne!(app.top().title(), "Incident 999");
}

#[test]
fn childs_view_notification_and_return_from_missing() {
    let mut app = new_app();
    let id = incident(&mut app);
    push_detail(&mut app, id);
    assert!(render(&app).contains("Tell the social worker"));

    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('7'));
    typ(&mut app, "I was angry about mum not coming.");
    save(&mut app);
    let d = app.store.incident(id).unwrap();
    let v = d.current.child_view.as_ref().expect("child's view");
    assert_eq!(v.text, "I was angry about mum not coming.");

    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('s')); // Social worker
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    typ(&mut app, "By phone, left a message");
    save(&mut app);
    let d = app.store.incident(id).unwrap();
    assert_eq!(d.current.notifications.len(), 1);
    assert_eq!(d.current.notifications[0].who, NotifyWho::SocialWorker);
    assert_eq!(d.current.notifications[0].at, t0());
    assert!(!render(&app).contains("Tell the social worker"));

    // Missing details: a time in the future is refused beside the field, then corrected.
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('m'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right); // reported to the police: its time and reference appear
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right); // not back yet
    press(&mut app, KeyCode::Right); // came back: its date, time and the return interview appear
    press(&mut app, KeyCode::Tab);
    typ(&mut app, "22/11/2026");
    press(&mut app, KeyCode::Tab);
    typ(&mut app, "10:00");
    save(&mut app);
    assert!(render(&app).contains("That time is in the future."));
    assert!(app.store.incident(id).unwrap().current.missing.is_none());
    press(&mut app, KeyCode::Tab);
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "08:30");
    save(&mut app);
    let d = app.store.incident(id).unwrap();
    let m = d.current.missing.as_ref().expect("missing details");
    assert_eq!(
        m.returned_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 22, 8, 30, 0).unwrap())
    );
    assert_eq!(d.entries.len(), 3);
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn scrolling_stays_in_range() {
    let mut app = new_app();
    let id = incident(&mut app);
    push_detail(&mut app, id);
    press(&mut app, KeyCode::End);
    let end = render(&app);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(render(&app), end);
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Up);
    assert!(render(&app).contains("── Status"));
}

#[test]
fn a_long_history_still_draws_quickly() {
    let mut app = new_app();
    let id = incident(&mut app);
    let a = actor(&app);
    for i in 0..300 {
        app.store
            .add_entry(
                &a,
                id,
                Change::Note {
                    text: format!("Note {i}: rang the social worker again."),
                },
            )
            .unwrap();
    }
    push_detail(&mut app, id);
    let start = std::time::Instant::now();
    press(&mut app, KeyCode::End);
    let s = render(&app);
    let took = start.elapsed();
    println!("300 entries: End + draw in {took:?}");
    assert!(s.contains("Note 299"), "{s}");
    assert!(took < std::time::Duration::from_millis(500), "{took:?}");
}
