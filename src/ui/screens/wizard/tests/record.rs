//! What the saved record says: who was told, a missing episode, the protocol chosen, regulation 35, the people.

use super::*;

#[test]
fn esc_on_the_first_step_asks() {
    let mut app = app();
    open(&mut app);
    let n = app.stack.len();
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.stack.len(), n);
    assert!(screen(&app).contains("Leave this incident?"));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.stack.len(), n);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.stack.len(), n - 1);
}

#[test]
fn the_yos_contact_is_shown_on_the_who_was_told_step() {
    let mut app = app();
    for (key, value) in [
        ("yos_contact_name", "Kim Officer"),
        ("yos_contact_phone", "01632 960000"),
        ("yos_contact_email", "yos@example.gov.uk"),
    ] {
        assert_eq!(
            app.perform(Effect::SetSetting {
                key: key.into(),
                value: value.into()
            }),
            Done::Ok(None)
        );
    }
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', false);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(s.contains("Who was told"), "{s}");
    assert!(s.contains("YOS: Kim Officer, 01632 960000, yos@example.gov.uk"), "{s}");
}

/// In-house all the way to "Who was told" (the child is open to the YOS).
fn to_notify(app: &mut App) {
    open(app);
    to_what(app);
    what(app, '2', false);
    press(app, KeyCode::PageDown);
    press(app, KeyCode::PageDown);
    press(app, KeyCode::Char('2'));
    press(app, KeyCode::Char('2')); // in-house suggested and chosen
    press(app, KeyCode::PageDown);
    typ(app, "A talk.");
    press(app, KeyCode::PageDown);
    press(app, KeyCode::PageDown); // no measure used
    assert!(parts_now(app).contains("Who was told"), "{}", screen(app));
}

#[test]
fn the_yos_worker_at_night_is_to_be_told_later_and_the_record_says_so_without_a_false_time() {
    let mut app = app();
    to_notify(&mut app);
    // Nothing is chosen for anyone: going on is refused on the YOS worker's row (no silent default).
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(parts_now(&app).contains("Who was told"), "{s}");
    assert!(s.contains("▸ YOS worker"), "{s}");
    assert!(s.contains("choose 1-4 for the YOS worker"), "{s}");
    // 3: to be told later; the "tell by" field appears only now.
    assert!(!s.contains("tell by"), "{s}");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("▸   tell by"), "{}", screen(&app));
    typ(&mut app, "09:00");
    press(&mut app, KeyCode::PageDown);
    assert!(parts_now(&app).contains("The child's view"), "{}", screen(&app));
    press(&mut app, KeyCode::PageDown);
    // The check step: complete, with the YOS worker as outstanding (not as missing information).
    let s = screen(&app);
    assert!(s.contains("Everything needed is here"), "{s}");
    let ctx = Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: app.theme,
    };
    let st: Saved = serde_json::from_str(&app.top().form_draft().unwrap().0.values["state"]).unwrap();
    let mut w = Wizard::new(&ctx, fake_walk);
    w.load(&ctx, &st);
    let review: Vec<String> = draw::review_lines(&w, &ctx)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect())
        .collect();
    let review = review.join("\n");
    assert!(
        review.contains("YOS worker            to be told later, by Sun 22 Nov 2026 09:00 (outstanding)"),
        "{review}"
    );
    assert!(review.contains("Outstanding after saving"), "{review}");
    assert!(
        review.contains("Tell the YOS worker: by Sun 22 Nov 2026 09:00"),
        "{review}"
    );
    ctrl(&mut app, 's');
    assert!(screen(&app).contains("Saved"), "{}", screen(&app));
    let list = app.store.incident_page(&Default::default(), None, 10).unwrap();
    let id = list[0].id;
    let rec = app.store.incident(id).unwrap().record;
    let nine = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
    assert!(
        rec.notifications.is_empty(),
        "nobody is said to be told: {:?}",
        rec.notifications
    );
    assert_eq!(
        rec.not_told,
        vec![NotTold::Later {
            who: NotifyWho::YosWorker,
            due: nine
        }]
    );
    let yos = |app: &App| {
        let sheet = app
            .store
            .handover_sheet(now(), crate::store::handover::Window::SinceHandover)
            .unwrap();
        sheet
            .outstanding
            .iter()
            .find(|o| o.action.kind == crate::domain::outstanding::ActionKind::NotifyYos)
            .map(|o| o.action.due)
    };
    assert_eq!(
        yos(&app),
        Some(Some(nine)),
        "due at the time the worker gave, not 24 hours"
    );
    // At 09:10 someone records that they told the YOS worker (an attributed entry): the action closes.
    let m = app.session.as_ref().unwrap().actor.clone();
    app.store
        .add_entry(
            &m,
            id,
            Change::Notified {
                notification: Notification {
                    who: NotifyWho::YosWorker,
                    at: nine + Duration::minutes(10),
                    note: "By phone".into(),
                },
            },
        )
        .unwrap();
    assert_eq!(yos(&app), None);
}

#[test]
fn a_missing_child_not_back_is_one_honest_episode() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '9', false); // missing or absent
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    // The protocol suggests police; keep it.
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right); // 999
    press(&mut app, KeyCode::Right); // 101
    press(&mut app, KeyCode::PageDown);
    assert!(parts_now(&app).contains("Missing or absent"), "{}", screen(&app));
    // A police response: the episode says reported, already.
    assert!(screen(&app).contains("Reported to the police"), "{}", screen(&app));
    press(&mut app, KeyCode::Right); // missing
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter); // the police row
    // "Not reported" is refused for a police response.
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::PageDown);
    assert!(
        screen(&app).contains("A police response: the police were told"),
        "{}",
        screen(&app)
    );
    press(&mut app, KeyCode::Left); // reported
    assert!(screen(&app).contains("police reference"), "{}", screen(&app));
    // Back yet? must be answered.
    press(&mut app, KeyCode::PageDown);
    assert!(screen(&app).contains("Is the child back yet?"), "{}", screen(&app));
    press(&mut app, KeyCode::Right); // not back yet
    assert!(screen(&app).contains("shows this child first"), "{}", screen(&app));
    press(&mut app, KeyCode::PageDown);
    assert!(parts_now(&app).contains("restraint"), "{}", screen(&app));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('1')); // manager on call: told now
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('3')); // the YOS worker: later
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "09:00");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    ctrl(&mut app, 's');
    assert!(screen(&app).contains("Saved"), "{}", screen(&app));
    let id = app.store.incident_page(&Default::default(), None, 10).unwrap()[0].id;
    let rec = app.store.incident(id).unwrap().record;
    let m = rec.missing.clone().unwrap();
    assert!(m.reported_to_police);
    assert!(m.away_now());
    assert_eq!(m.return_interview_due(), None);
    // Step 1 is not stored as "everyone is safe" for a child nobody can find.
    let danger = &rec.answers[0];
    assert_eq!(danger.step_id, "danger");
    assert!(danger.answer.contains("No one here at the home"), "{}", danger.answer);
    assert!(danger.answer.contains("missing"), "{}", danger.answer);
    let sheet = app
        .store
        .handover_sheet(now(), crate::store::handover::Window::SinceHandover)
        .unwrap();
    assert_eq!(sheet.missing_now.len(), 1);
    // Came back at 04:00, recorded later as an attributed entry: the return interview is due 72 hours on.
    let back = Utc.with_ymd_and_hms(2026, 11, 22, 4, 0, 0).unwrap();
    let staff = app.session.as_ref().unwrap().actor.clone();
    app.store
        .add_entry(
            &staff,
            id,
            Change::Missing {
                missing: Missing {
                    returned_at: Some(back),
                    ..m
                },
            },
        )
        .unwrap();
    let sheet = app
        .store
        .handover_sheet(back + Duration::hours(1), crate::store::handover::Window::SinceHandover)
        .unwrap();
    assert!(sheet.missing_now.is_empty());
    let ri = sheet
        .outstanding
        .iter()
        .find(|o| o.action.kind == crate::domain::outstanding::ActionKind::ReturnInterview)
        .expect("return interview action");
    assert_eq!(ri.action.due, Some(back + Duration::hours(72)));
}

/// The protocol a manager chooses in settings is the one the next incident walks and records; a record keeps
/// the protocol it was made under when the setting changes again.
#[test]
fn the_chosen_protocol_is_used_by_the_next_incident_and_kept_by_the_record() {
    let mut app = app();
    assert_eq!(app.protocol.id, "test-area");
    assert_eq!(
        app.perform(Effect::SetSetting {
            key: "protocol".into(),
            value: "london-2025".into(),
        }),
        Done::Ok(None)
    );
    assert_eq!(app.protocol.id, "london-2025");
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', false);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    // The London question, asked after the facts already recorded (no danger, weapon or injury).
    assert!(
        screen(&app).contains("Would calling the police be good enough"),
        "{}",
        screen(&app)
    );
    press(&mut app, KeyCode::Char('1')); // No, I would not call the police for my child
    press(&mut app, KeyCode::Char('1')); // linked to his needs: yes
    press(&mut app, KeyCode::Char('2')); // no restorative meeting: he will help repair the door
    assert!(
        screen(&app).contains("The protocol suggests: In-house"),
        "{}",
        screen(&app)
    );
    let record = {
        let ctx = Ctx {
            store: &app.store,
            session: app.session.as_ref(),
            protocol: &app.protocol,
            now: app.now,
            theme: app.theme,
        };
        let s: Saved = serde_json::from_str(&app.top().form_draft().unwrap().0.values["state"]).unwrap();
        let mut w = Wizard::new(&ctx, crate::protocol::walk);
        w.load(&ctx, &s);
        w.notify.set("nt_yos", "now");
        w.in_house.set("ih_done", "A talk once he was calm.");
        w.in_house
            .set("ih_reparation", "He will help repair the door on Saturday.");
        w.record(&ctx).unwrap_or_else(|p| panic!("{p:?}"))
    };
    assert_eq!(record.recommended, Response::InHouse);
    assert_eq!(
        (record.protocol.id.as_str(), record.protocol.version.as_str()),
        ("london-2025", "1.0")
    );
    assert_eq!(record.protocol.sha256.len(), 64);
    let id = match app.perform(Effect::SaveIncident {
        record: Box::new(record),
        draft_id: None,
    }) {
        Done::Ok(Some(id)) => id,
        other => panic!("{other:?}"),
    };
    // Back to the area's own protocol: the saved record keeps London.
    assert_eq!(
        app.perform(Effect::SetSetting {
            key: "protocol".into(),
            value: crate::protocol::AUTO.into(),
        }),
        Done::Ok(None)
    );
    assert_eq!(app.protocol.id, "test-area");
    let kept = app.store.incident(id).unwrap().record;
    assert_eq!(kept.protocol.id, "london-2025");
    assert_eq!(kept.protocol.version, "1.0");
    assert!(app.store.verify().unwrap().is_sound());
}

/// Restraint: the reg 35 step is filled from what was tried; the check screen says "Everything needed is here"
/// only when the record's own completeness test passes, and what it lists as missing is what the saved record
/// (and so the handover and the sign-off) says is missing.
#[test]
fn the_check_screen_and_the_saved_record_agree_on_reg35() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', false);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char(' ')); // space and time
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Offered the garden");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::PageDown);
    assert!(
        screen(&app).contains("Space and time. Offered the garden"),
        "{}",
        screen(&app)
    );
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Two-person hold");
    // Straight on: duration, who used it and the effect are not known yet.
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown); // the YOS worker must be answered: the cursor goes to it
    press(&mut app, KeyCode::Char('1')); // told now
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(!s.contains("Everything needed is here"), "{s}");
    assert!(
        s.contains("still needs: duration, who") && s.contains("used it, effectiveness."),
        "{s}"
    );
    assert!(s.contains("Ctrl+S saves it marked incomplete"), "{s}");
    ctrl(&mut app, 's');
    let list = app.store.incident_page(&Default::default(), None, 10).unwrap();
    let d = app.store.incident(list[0].id).unwrap();
    assert_eq!(
        d.current.reg35_missing(),
        vec!["duration", "who used it", "effectiveness"]
    );
    let kinds: Vec<_> = crate::domain::outstanding::actions(&d.current, true)
        .into_iter()
        .map(|a| a.kind)
        .collect();
    assert!(kinds.contains(&crate::domain::outstanding::ActionKind::Reg35Incomplete));
    assert!(!d.current.sign_off_blockers(&d.entries).is_empty());
}

#[test]
fn everything_needed_only_when_reg35_is_complete() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', false);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('y'));
    for v in [
        "Two-person hold",
        "3",
        "Sam Night and Pat Manager",
        "",
        "",
        "He calmed and sat down",
    ] {
        press(&mut app, KeyCode::Enter);
        typ(&mut app, v);
    }
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown); // the YOS worker must be answered: the cursor goes to it
    press(&mut app, KeyCode::Char('1')); // told now
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(s.contains("Everything needed is here"), "{s}");
}

/// People involved come from the home's lists; a victim may report to the police themselves (their right), and
/// the child the record is about cannot be picked as the other child.
#[test]
fn people_from_the_lists_and_a_victim_who_reports_themselves() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Jay pushed Pat.");
    for _ in 0..4 {
        press(&mut app, KeyCode::Enter);
    }
    press(&mut app, KeyCode::Right); // Nobody
    press(&mut app, KeyCode::Right); // Pat Manager (staff)
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right); // victim
    press(&mut app, KeyCode::Right); // victim, reports to police themselves
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right); // Nobody
    press(&mut app, KeyCode::Right); // Pat Manager
    press(&mut app, KeyCode::Right); // Jordan Smith (child): the child this record is about
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(s.contains("That is the child this record is about"), "{s}");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left); // Nobody
    press(&mut app, KeyCode::PageDown);
    assert!(parts_now(&app).contains("What was tried"), "{}", screen(&app));
    let ctx = Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: app.theme,
    };
    let s: Saved = serde_json::from_str(&app.top().form_draft().unwrap().0.values["state"]).unwrap();
    let mut w = Wizard::new(&ctx, fake_walk);
    w.load(&ctx, &s);
    let inv = w.involved();
    assert_eq!(inv.len(), 1, "{inv:?}");
    assert_eq!(inv[0].name, "Pat Manager");
    assert_eq!(inv[0].kind, PersonKind::Staff);
    assert_eq!(inv[0].role, InvolvedAs::Victim);
    assert!(inv[0].reports_to_police);
}
