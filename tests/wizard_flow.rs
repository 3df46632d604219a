//! The incident wizard driven through the whole app with keys, as a worker on a night shift would: one incident
//! for each response, a missing episode and a restraint record, each read back from the store; and a draft
//! left by a crash, resumed from the menu.
//!
//! The protocol's questions are answered with the first answer whatever they are, and a rationale is always
//! written, so these tests hold for any protocol the engine walks.

use chrono::{DateTime, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use concordat::domain::*;
use concordat::protocol::{Answer, Protocol, Step};
use concordat::store::Store;
use concordat::store::incidents::Filter;
use concordat::ui::app::{App, Ctx, Done, Effect, Msg};
use concordat::ui::theme::Theme;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap()
}

fn ans(id: &str, next: Option<&str>, rec: Option<Response>) -> Answer {
    Answer {
        id: id.into(),
        label: id.into(),
        next: next.map(str::to_string),
        recommend: rec,
        reason: "Because.".into(),
    }
}

fn protocol() -> Protocol {
    Protocol {
        id: "flow".into(),
        version: "1".into(),
        title: "Flow protocol".into(),
        start: "danger".into(),
        sha256: "cd".repeat(32),
        steps: vec![
            Step {
                id: "danger".into(),
                question: "Immediate danger?".into(),
                help: String::new(),
                fact: Some("immediate_danger".into()),
                answers: vec![
                    ans("yes", None, Some(Response::Police)),
                    ans("no", Some("parent"), None),
                ],
            },
            Step {
                id: "parent".into(),
                question: "Would a reasonable parent call the police?".into(),
                help: String::new(),
                fact: None,
                answers: vec![
                    ans("no", None, Some(Response::InHouse)),
                    ans("yes", None, Some(Response::Police)),
                ],
            },
        ],
    }
}

fn set_up(store: Store) -> App {
    let mut store = store;
    store.set_clock(Some(now()));
    let mut app = App::new(store, protocol(), Theme::plain(), now());
    assert_eq!(
        app.perform(Effect::Setup {
            home: "Oak House".into(),
            urn: "SC123456".into(),
            manager: "Pat Manager".into(),
            passphrase: "correct horse".into(),
            recovery: false,
        }),
        Done::Ok(None)
    );
    let child = ChildInput {
        name: "Jordan Smith".into(),
        dob: "01/02/2011".into(),
        gender: "male".into(),
        ethnicity: "white_british".into(),
        legal_status: "s31".into(),
        admitted: "01/09/2025".into(),
        ..Default::default()
    };
    assert!(matches!(
        app.perform(Effect::SaveChild { id: None, input: child }),
        Done::Ok(Some(_))
    ));
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| app.view(f)).unwrap();
    let b = t.backend().buffer();
    let mut s = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            s.push_str(b[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn header(app: &App) -> String {
    screen(app).lines().nth(1).unwrap_or_default().to_string()
}

fn row<'a>(s: &'a str, label: &str) -> &'a str {
    s.lines().find(|l| l.contains(label)).unwrap_or("")
}

/// From the menu: n opens the wizard.
fn new_incident(app: &mut App) {
    app.stack.truncate(1);
    press(app, KeyCode::Char('n'));
    assert!(header(app).contains("Step 1 of"), "{}", screen(app));
}

struct Spec {
    danger: bool,
    category: char,
    response: Response,
    restraint: bool,
}

/// Up to the end of "What was tried".
fn first_steps(app: &mut App, s: &Spec) {
    if s.danger {
        press(app, KeyCode::Char('y'));
        assert!(screen(app).contains("CALL 999 NOW"));
        press(app, KeyCode::Char(' '));
    } else {
        press(app, KeyCode::Char('n'));
    }
    assert!(header(app).contains("Child, when and where"), "{}", screen(app));
    press(app, KeyCode::Right);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    typ(app, "Lounge");
    press(app, KeyCode::Enter);
    assert!(header(app).contains("What happened"), "{}", screen(app));
    press(app, KeyCode::Char(s.category));
    press(app, KeyCode::Enter);
    typ(app, "Jordan threw a mug at the wall when told it was time for bed.");
    press(app, KeyCode::PageDown);
    assert!(header(app).contains("What was tried"), "{}", screen(app));
    press(app, KeyCode::Char(' '));
    press(app, KeyCode::PageDown);
}

fn record(app: &mut App, s: &Spec) {
    new_incident(app);
    first_steps(app, s);
    let mut guard = 0;
    while header(app).contains("The protocol") && guard < 20 {
        press(app, KeyCode::Enter);
        guard += 1;
    }
    assert!(header(app).contains("The response"), "{}", screen(app));
    for _ in 0..4 {
        if row(&screen(app), "Response chosen").contains(s.response.label()) {
            break;
        }
        press(app, KeyCode::Right);
    }
    assert!(row(&screen(app), "Response chosen").contains(s.response.label()));
    press(app, KeyCode::Enter);
    typ(app, "Talked it through with the manager on call.");
    press(app, KeyCode::PageDown);
    assert!(header(app).contains("in detail"), "{}", screen(app));
    match s.response {
        Response::InHouse => typ(app, "A talk, and Jordan helped tidy up."),
        Response::Restorative => press(app, KeyCode::Right),
        Response::Police => {
            if row(&screen(app), "How").contains("(choose)") {
                press(app, KeyCode::Right);
            }
            press(app, KeyCode::Enter);
            press(app, KeyCode::Enter);
            press(app, KeyCode::Enter);
            press(app, KeyCode::Enter);
            typ(app, "CAD 4471");
        }
    }
    press(app, KeyCode::PageDown);
    if s.category == '9' {
        assert!(header(app).contains("Missing or absent"), "{}", screen(app));
        press(app, KeyCode::Right); // missing
        press(app, KeyCode::Enter);
        typ(app, "22/11/2026");
        press(app, KeyCode::Enter);
        typ(app, "01:10");
        press(app, KeyCode::Enter);
        press(app, KeyCode::Right); // reported to the police: the time and reference appear
        press(app, KeyCode::Enter);
        typ(app, "01:40");
        press(app, KeyCode::Enter);
        typ(app, "M-555");
        press(app, KeyCode::Enter);
        press(app, KeyCode::Right); // not back yet: missing now
        press(app, KeyCode::PageDown);
    }
    assert!(header(app).contains("reg 35"), "{}", screen(app));
    if s.restraint {
        press(app, KeyCode::Char('y'));
        assert!(screen(app).contains("Record by 23/11 02:30"), "{}", screen(app));
        press(app, KeyCode::Enter);
        typ(app, "Two-person hold");
        press(app, KeyCode::Enter);
        typ(app, "3");
        // Regulation 35 is complete only with who used it and how effective it was ("what was done to avoid it"
        // is filled from what was tried); otherwise the check screen says what is missing.
        for v in ["Sam Night and Pat Manager", "", "", "He calmed and sat down"] {
            press(app, KeyCode::Enter);
            typ(app, v);
        }
    }
    press(app, KeyCode::PageDown);
    assert!(header(app).contains("Who was told"), "{}", screen(app));
    press(app, KeyCode::Char('1')); // manager on call: told now
    press(app, KeyCode::PageDown);
    assert!(header(app).contains("The child's view"), "{}", screen(app));
    press(app, KeyCode::PageDown);
    assert!(header(app).contains("Check and save"), "{}", screen(app));
    assert!(screen(app).contains("Everything needed is here"), "{}", screen(app));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert!(screen(app).contains("Incident saved"), "{}", screen(app));
    press(app, KeyCode::Enter);
    assert_eq!(app.stack.len(), 1, "back to the menu");
}

fn saved(app: &App) -> Vec<IncidentRecord> {
    let rows = app.store.incident_page(&Filter::default(), None, 50).unwrap();
    let mut v: Vec<_> = rows.iter().map(|r| app.store.incident(r.id).unwrap().record).collect();
    v.sort_by(|a, b| a.recorded_at.cmp(&b.recorded_at).then(a.account.cmp(&b.account)));
    v
}

#[test]
fn one_incident_for_each_response_a_missing_episode_and_a_restraint() {
    let mut app = set_up(Store::open_in_memory().unwrap());
    let specs = [
        Spec {
            danger: false,
            category: '2',
            response: Response::InHouse,
            restraint: false,
        },
        Spec {
            danger: false,
            category: '2',
            response: Response::Restorative,
            restraint: false,
        },
        Spec {
            danger: true,
            category: '1',
            response: Response::Police,
            restraint: true,
        },
        Spec {
            danger: false,
            category: '9',
            response: Response::InHouse,
            restraint: false,
        },
    ];
    for s in &specs {
        record(&mut app, s);
    }
    let recs = saved(&app);
    assert_eq!(recs.len(), 4);
    let by = |r: Response| recs.iter().filter(|x| x.response == r).count();
    assert_eq!(by(Response::InHouse), 2);
    assert_eq!(by(Response::Restorative), 1);
    assert_eq!(by(Response::Police), 1);
    for r in &recs {
        assert_eq!(r.location, "Lounge");
        assert_eq!(r.protocol.id, "flow");
        assert_eq!(r.occurred_at, now());
        assert_eq!(r.recorded_by, "Pat Manager");
        assert_eq!(r.deescalation, vec![Deescalation::SpaceAndTime]);
        assert_eq!(r.notifications.len(), 1);
        assert!(r.validate(now()).is_ok());
    }
    let police = recs.iter().find(|r| r.response == Response::Police).unwrap();
    assert!(police.immediate_danger);
    let p = police.police.as_ref().unwrap();
    assert_eq!(p.route, PoliceRoute::Emergency999, "danger fills in 999");
    assert_eq!(p.reference, "CAD 4471");
    let r35 = police.reg35.as_ref().unwrap();
    assert_eq!(r35.measure, "Two-person hold");
    assert_eq!(r35.duration_minutes, Some(3));
    assert_eq!(r35.used_by, "Sam Night and Pat Manager");
    assert_eq!(r35.avoid_tried, "Space and time", "filled from what was tried");
    assert_eq!(r35.effectiveness, "He calmed and sat down");
    assert!(police.reg35_missing().is_empty());
    let missing = recs.iter().find(|r| r.missing.is_some()).unwrap();
    assert!(missing.categories.contains(&Category::MissingOrAbsent));
    let m = missing.missing.as_ref().unwrap();
    assert_eq!(m.kind, MissingKind::Missing);
    assert_eq!(m.left_at, Some(Utc.with_ymd_and_hms(2026, 11, 22, 1, 10, 0).unwrap()));
    assert!(m.reported_to_police);
    assert_eq!(
        m.reported_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 22, 1, 40, 0).unwrap())
    );
    assert_eq!(m.police_reference, "M-555");
    assert!(m.away_now());
    let rj = recs.iter().find(|r| r.response == Response::Restorative).unwrap();
    assert_eq!(rj.restorative.as_ref().unwrap().kind, RestorativeKind::Conversation);
    let ih = recs
        .iter()
        .find(|r| r.in_house.is_some() && r.missing.is_none())
        .unwrap();
    assert_eq!(
        ih.in_house.as_ref().unwrap().what_was_done,
        "A talk, and Jordan helped tidy up."
    );
    // The answers kept are exactly the walk the engine made.
    for r in &recs {
        for a in &r.answers {
            assert!(!a.question.is_empty());
        }
    }
    // Every draft was closed by its save.
    let actor = app.session.as_ref().unwrap().actor.clone();
    assert!(app.store.open_drafts(&actor, "incident").unwrap().is_empty());
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn a_draft_left_by_a_crash_is_resumed_from_the_menu() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("concordat.db");
    {
        let mut app = set_up(Store::open(&path).unwrap());
        new_incident(&mut app);
        first_steps(
            &mut app,
            &Spec {
                danger: false,
                category: '2',
                response: Response::InHouse,
                restraint: false,
            },
        );
        // The power goes off here.
    }
    let mut store = Store::open(&path).unwrap();
    store.set_clock(Some(now()));
    let mut app = App::new(store, protocol(), Theme::plain(), now());
    let staff_id = app.store.list_staff(false).unwrap()[0].id;
    assert_eq!(
        app.perform(Effect::SignIn {
            staff_id,
            passphrase: "correct horse".into()
        }),
        Done::Ok(None)
    );
    let actor = app.session.as_ref().unwrap().actor.clone();
    let drafts = app.store.open_drafts(&actor, "incident").unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].title, "Jordan Smith 22/11/2026 02:30");
    app.stack.truncate(1);
    {
        let ctx = Ctx {
            store: &app.store,
            session: app.session.as_ref(),
            protocol: &app.protocol,
            now: app.now,
            theme: app.theme,
        };
        app.stack[0].refresh(&ctx);
    }
    // The menu says whose draft it is and how old.
    assert!(
        screen(&app).contains("Yours, 0 min ago: Jordan Smith")
            || screen(&app).contains("Yours, just now: Jordan Smith"),
        "{}",
        screen(&app)
    );
    press(&mut app, KeyCode::Char('d'));
    // Back where it was left: after "What was tried", with what was typed.
    let h = header(&app);
    assert!(
        h.contains("The protocol") || h.contains("The response"),
        "{}",
        screen(&app)
    );
    press(&mut app, KeyCode::PageUp);
    while !header(&app).contains("What was tried") {
        press(&mut app, KeyCode::PageUp);
    }
    assert!(screen(&app).contains("[x] Space and time"));
    press(&mut app, KeyCode::PageUp);
    assert!(screen(&app).contains("Jordan threw a mug"), "{}", screen(&app));
}
