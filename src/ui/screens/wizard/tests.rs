use chrono::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::protocol::{Answer, Recommendation, Shown, Step};
use crate::store::Store;
use crate::ui::app::{App, Msg};
use crate::ui::page::Done;
use crate::ui::theme::Theme;

mod record;

/// The documented behaviour of `protocol::walk`, for these tests while the engine is built elsewhere.
pub(crate) fn fake_walk<'p>(
    p: &'p Protocol,
    facts: &BTreeMap<String, String>,
    answers: &BTreeMap<String, String>,
) -> Walk<'p> {
    let mut path = vec![];
    let mut at = p.start.clone();
    for _ in 0..p.steps.len() + 1 {
        let Some(step) = p.steps.iter().find(|s| s.id == at) else {
            break;
        };
        let (given, automatic) = match &step.fact {
            Some(f) => (facts.get(f), true),
            None => (answers.get(&step.id), false),
        };
        let Some(a) = given.and_then(|g| step.answers.iter().find(|a| &a.id == g)) else {
            return Walk {
                path,
                pending: Some(step),
                outcome: None,
            };
        };
        path.push(Shown {
            step_id: step.id.clone(),
            question: step.question.clone(),
            answer_id: a.id.clone(),
            answer: a.label.clone(),
            automatic,
        });
        if let Some(r) = a.recommend {
            return Walk {
                path,
                pending: None,
                outcome: Some(Recommendation {
                    response: r,
                    reason: a.reason.clone(),
                }),
            };
        }
        match &a.next {
            Some(n) => at = n.clone(),
            None => break,
        }
    }
    Walk {
        path,
        pending: None,
        outcome: None,
    }
}

fn ans(id: &str, label: &str, next: Option<&str>, rec: Option<Response>, reason: &str) -> Answer {
    Answer {
        id: id.into(),
        label: label.into(),
        next: next.map(str::to_string),
        recommend: rec,
        reason: reason.into(),
    }
}

fn step(id: &str, q: &str, help: &str, fact: Option<&str>, answers: Vec<Answer>) -> Step {
    Step {
        id: id.into(),
        question: q.into(),
        help: help.into(),
        fact: fact.map(str::to_string),
        answers,
    }
}

/// A small protocol in the shape of the national one.
pub(crate) fn protocol() -> Protocol {
    use Response::*;
    Protocol {
        id: "test-area".into(),
        version: "1".into(),
        title: "Test area protocol".into(),
        start: "danger".into(),
        sha256: "ab".repeat(32),
        steps: vec![
            step(
                "danger",
                "Immediate danger?",
                "",
                Some("immediate_danger"),
                vec![
                    ans("yes", "Yes", None, Some(Police), "There was immediate danger: 999."),
                    ans("no", "No", Some("missing"), None, ""),
                ],
            ),
            step(
                "missing",
                "Missing or absent?",
                "",
                Some("missing_or_absent"),
                vec![
                    ans(
                        "yes",
                        "Yes",
                        None,
                        Some(Police),
                        "A missing child is reported under the missing protocol.",
                    ),
                    ans("no", "No", Some("parent"), None, ""),
                ],
            ),
            step(
                "parent",
                "Would a reasonable parent call the police about this?",
                "Think of a parent in a family home: would they phone the police?",
                None,
                vec![
                    ans("yes", "Yes", Some("victim"), None, ""),
                    ans("no", "No", Some("harm"), None, ""),
                ],
            ),
            step(
                "harm",
                "Is there harm or damage to put right?",
                "",
                None,
                vec![
                    ans(
                        "yes",
                        "Yes",
                        None,
                        Some(Restorative),
                        "Repair the harm: a restorative approach.",
                    ),
                    ans(
                        "no",
                        "No",
                        None,
                        Some(InHouse),
                        "A reasonable parent would deal with this at home.",
                    ),
                ],
            ),
            step(
                "victim",
                "Who is the victim?",
                "",
                Some("victim"),
                vec![
                    ans("none", "Nobody", None, Some(InHouse), "Nobody was harmed."),
                    ans(
                        "home",
                        "The home",
                        None,
                        Some(Restorative),
                        "Damage to the home: put it right.",
                    ),
                    ans(
                        "staff",
                        "Staff",
                        None,
                        Some(Police),
                        "A person was harmed and may wish to report.",
                    ),
                    ans(
                        "child",
                        "A child",
                        None,
                        Some(Police),
                        "A person was harmed and may wish to report.",
                    ),
                    ans(
                        "public",
                        "The public",
                        None,
                        Some(Police),
                        "A person was harmed and may wish to report.",
                    ),
                ],
            ),
        ],
    }
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn app() -> App {
    let mut store = Store::open_in_memory().unwrap();
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
    let mut c = crate::store::children::tests::input("Jordan Smith");
    c.preferred_name = "Jay".into();
    c.yos_open = true;
    c.yos_worker = "Alex YOS".into();
    c.what_helps = "Space and quiet; music; do not raise your voice.".into();
    assert!(matches!(
        app.perform(Effect::SaveChild { id: None, input: c }),
        Done::Ok(Some(_))
    ));
    app
}

fn open(app: &mut App) {
    let w = {
        let ctx = Ctx {
            store: &app.store,
            session: app.session.as_ref(),
            protocol: &app.protocol,
            now: app.now,
            theme: app.theme,
        };
        Wizard::new(&ctx, fake_walk)
    };
    app.stack.push(Screen::new(w));
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ctrl(app: &mut App, c: char) {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
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
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b[(x, y)].symbol());
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Danger no, the child, when and where: on "What happened".
fn to_what(app: &mut App) {
    press(app, KeyCode::Char('n'));
    press(app, KeyCode::Right); // the first child
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    typ(app, "Kitchen");
    press(app, KeyCode::Enter);
}

/// Tick a category by its number, write the account, and go on to the de-escalation step.
fn what(app: &mut App, category: char, victim: bool) {
    press(app, KeyCode::Char(category));
    press(app, KeyCode::Enter);
    typ(
        app,
        "Jay kicked the kitchen door after being asked to turn off the game.",
    );
    press(app, KeyCode::Enter); // injuries
    press(app, KeyCode::Enter); // treatment
    press(app, KeyCode::Enter); // cost
    typ(app, "80");
    if victim {
        press(app, KeyCode::Enter);
        press(app, KeyCode::Right); // "Nobody"
        press(app, KeyCode::Right); // the first on the home's staff list: Pat Manager
        press(app, KeyCode::Enter);
        press(app, KeyCode::Enter); // no name to type: it comes from the list
        press(app, KeyCode::Right); // victim
    }
}

fn parts_now(app: &App) -> String {
    screen(app).lines().nth(1).unwrap_or_default().to_string()
}

#[test]
fn facts_from_the_record() {
    let staff_victim = Involved {
        kind: PersonKind::Staff,
        name: "Sam".into(),
        role: InvolvedAs::Victim,
        reports_to_police: false,
    };
    let witness = Involved {
        kind: PersonKind::Child,
        name: "Kim".into(),
        role: InvolvedAs::Witness,
        reports_to_police: false,
    };
    let f = facts(
        true,
        &[Category::Weapon, Category::MissingOrAbsent],
        " cut hand ",
        &[witness.clone(), staff_victim],
        true,
    );
    assert_eq!(f["immediate_danger"], "yes");
    assert_eq!(f["missing_or_absent"], "yes");
    assert_eq!(f["weapon"], "yes");
    assert_eq!(f["injury"], "yes");
    assert_eq!(f["victim"], "staff");
    assert_eq!(f["yos_open"], "yes");
    let f = facts(
        false,
        &[Category::CriminalDamage],
        "  ",
        std::slice::from_ref(&witness),
        false,
    );
    assert_eq!(f["victim"], "home");
    assert_eq!(f["injury"], "no");
    assert_eq!(f["weapon"], "no");
    assert_eq!(f["immediate_danger"], "no");
    let f = facts(false, &[Category::Threats], "", &[witness], false);
    assert_eq!(f["victim"], "none");
}

#[test]
fn pounds() {
    assert_eq!(parse_pounds(""), Ok(None));
    assert_eq!(parse_pounds("£1,200"), Ok(Some(1200)));
    assert_eq!(parse_pounds(" 80 "), Ok(Some(80)));
    assert!(parse_pounds("12.50").is_err());
    assert!(parse_pounds("-3").is_err());
}

#[test]
fn every_step_at_80x24() {
    let mut app = app();
    open(&mut app);
    insta::assert_snapshot!("01_danger", screen(&app));
    to_what(&mut app);
    what(&mut app, '2', false);
    insta::assert_snapshot!("03_what", screen(&app));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char(' '));
    insta::assert_snapshot!("04_calm", screen(&app));
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("05_question_parent", screen(&app));
    press(&mut app, KeyCode::Char('2')); // No
    insta::assert_snapshot!("06_question_harm", screen(&app));
    press(&mut app, KeyCode::Enter); // Yes: restorative
    insta::assert_snapshot!("07_response", screen(&app));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right);
    insta::assert_snapshot!("08_details_restorative", screen(&app));
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("09_reg35_no", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Guided away from the door by the arm");
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "2");
    insta::assert_snapshot!("10_reg35_yes", screen(&app));
    press(&mut app, KeyCode::PageDown);
    // Open to the YOS: the worker must be told before going on.
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("11_notify_yos_required", screen(&app));
    press(&mut app, KeyCode::Char('2')); // told at a time: the time field appears
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "02:40");
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("12_view", screen(&app));
    typ(&mut app, "I was angry about the game.");
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("13_review", screen(&app));
    ctrl(&mut app, 's');
    insta::assert_snapshot!("14_saved", screen(&app));
    let list = app.store.incident_page(&Default::default(), None, 10).unwrap();
    assert_eq!(list.len(), 1);
    let rec = app.store.incident(list[0].id).unwrap().record;
    assert_eq!(rec.response, Response::Restorative);
    assert_eq!(rec.recommended, Response::Restorative);
    assert_eq!(rec.damage_cost, Some(80));
    assert_eq!(rec.location, "Kitchen");
    assert_eq!(rec.deescalation, vec![Deescalation::SpaceAndTime]);
    assert_eq!(rec.reg35.as_ref().unwrap().duration_minutes, Some(2));
    // The check screen said what was missing (snapshot 13); the saved record says the same.
    assert_eq!(rec.reg35_missing(), vec!["who used it", "effectiveness"]);
    assert_eq!(
        rec.reg35.as_ref().unwrap().avoid_tried,
        "Space and time",
        "filled from what was tried"
    );
    assert!(!rec.late_record);
    assert_eq!(rec.child_view.as_ref().unwrap().text, "I was angry about the game.");
    assert_eq!(rec.protocol.id, "test-area");
    let ids: Vec<_> = rec.answers.iter().map(|a| (a.step_id.as_str(), a.automatic)).collect();
    assert_eq!(
        ids,
        vec![("danger", true), ("missing", true), ("parent", false), ("harm", false)]
    );
    assert_eq!(
        rec.answers[2].question,
        "Would a reasonable parent call the police about this?"
    );
    assert_eq!(rec.answers[2].answer, "No");
    assert_eq!(rec.notifications.len(), 1);
    assert_eq!(rec.notifications[0].who, NotifyWho::YosWorker);
    assert_eq!(
        rec.notifications[0].at,
        Utc.with_ymd_and_hms(2026, 11, 22, 2, 40, 0).unwrap()
    );
    // "Any key returns to the menu": to the menu, not to the screen the wizard was opened from.
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.stack.len(), 1, "{}", screen(&app));
    assert_eq!(app.top().title(), "Menu");
}

#[test]
fn immediate_danger_shows_999_first_and_about_defaults_to_now() {
    let mut app = app();
    open(&mut app);
    press(&mut app, KeyCode::Char('y'));
    let s = screen(&app);
    assert!(s.contains("CALL 999 NOW"), "{s}");
    insta::assert_snapshot!("02_call_999", s);
    // No draft was written before the banner showed.
    let m = app.session.as_ref().unwrap().actor.clone();
    assert!(app.store.open_drafts(&m, INCIDENT).unwrap().is_empty());
    press(&mut app, KeyCode::Char('x'));
    insta::assert_snapshot!("02_about", screen(&app));
    assert_eq!(app.store.open_drafts(&m, INCIDENT).unwrap().len(), 1);
}

#[test]
fn late_and_future_times() {
    let mut app = app();
    open(&mut app);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "20/11/2026");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Garden");
    let s = screen(&app);
    assert!(s.contains("WARNING: this is more than 24 hours ago"), "{s}");
    insta::assert_snapshot!("02_about_late", s);
    // Tomorrow is refused.
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "23/11/2026");
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(s.contains("That time is in the future."), "{s}");
    assert!(s.contains("Step 2 of"), "{s}");
    // The hour the clocks go forward did not happen: said plainly, at the time field.
    press(&mut app, KeyCode::Home);
    for _ in 0..10 {
        press(&mut app, KeyCode::Delete);
    }
    typ(&mut app, "29/03/2026");
    press(&mut app, KeyCode::Enter);
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "01:30");
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(s.contains("the clocks went forward an hour"), "{s}");
    assert!(s.contains("Step 2 of"), "{s}");
}

#[test]
fn save_problems_are_shown_and_lead_to_the_step() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', false);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('2')); // in-house suggested and chosen
    press(&mut app, KeyCode::PageDown);
    typ(&mut app, "A talk.");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown); // refused: the YOS worker must be answered; the row is focused
    press(&mut app, KeyCode::Char('1')); // told now
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    assert!(parts_now(&app).contains("Check and save"), "{}", screen(&app));
    // Go back to "What happened" and empty the account (Ctrl+S there would move on, so use PgUp).
    for _ in 0..9 {
        press(&mut app, KeyCode::PageUp);
    }
    assert!(parts_now(&app).contains("What happened"), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    for _ in 0..80 {
        press(&mut app, KeyCode::Backspace);
    }
    // Straight to the review by the other steps' PgDn is blocked here: the step says what is missing.
    press(&mut app, KeyCode::PageDown);
    assert!(screen(&app).contains("Write a factual account"), "{}", screen(&app));
    // A draft resumed at the review with the account empty: Ctrl+S names the problem and goes to the step.
    let saved = {
        let ctx = Ctx {
            store: &app.store,
            session: app.session.as_ref(),
            protocol: &app.protocol,
            now: app.now,
            theme: app.theme,
        };
        let mut w = Wizard::new(&ctx, fake_walk);
        let mut s = app.top().form_draft().map(|d| d.0).unwrap();
        let mut st: Saved = serde_json::from_str(&s.values["state"]).unwrap();
        st.part = Part::Review;
        s.values.insert("state".into(), serde_json::to_string(&st).unwrap());
        w.load(&ctx, &st);
        w
    };
    assert!(!saved.problems.is_empty());
    assert!(saved.problems[0].1.contains("factual account"));
    app.stack.pop();
    app.stack.push(Screen::new(saved));
    insta::assert_snapshot!("13_review_problems", screen(&app));
    ctrl(&mut app, 's');
    let s = screen(&app);
    assert!(s.contains("Not saved yet: Write a factual account"), "{s}");
    assert!(parts_now(&app).contains("What happened"), "{s}");
    assert_eq!(app.store.incident_count().unwrap(), 0);
}

#[test]
fn the_record_keeps_the_protocol_and_the_path() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', true);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('1')); // a reasonable parent would: victim step, answered from the record
    assert!(parts_now(&app).contains("The response"), "{}", screen(&app));
    assert!(screen(&app).contains("The protocol suggests: Police referral"));
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
    let probs = w.record(&ctx).unwrap_err();
    // Police details and the YOS worker are still to come; nothing else is missing.
    assert_eq!(
        probs,
        vec![
            (Part::Details, "Choose 999 or non-emergency.".to_string()),
            (
                Part::Notify,
                "Open to the YOS: choose 1-4 for the YOS worker.".to_string()
            )
        ]
    );
    w.police.set("po_route", "101");
    w.notify.set("nt_yos", "now");
    let rec = w.record(&ctx).unwrap();
    assert_eq!(rec.uid, s.uid);
    assert_eq!(rec.protocol.sha256, "ab".repeat(32));
    assert_eq!(rec.protocol.version, "1");
    assert_eq!(rec.recommended, Response::Police);
    assert_eq!(rec.recommended_reason, "A person was harmed and may wish to report.");
    assert_eq!(rec.response, Response::Police);
    let last = rec.answers.last().unwrap();
    assert_eq!(
        (last.step_id.as_str(), last.answer.as_str(), last.automatic),
        ("victim", "Staff", true)
    );
    assert_eq!(rec.involved[0].name, "Pat Manager");
    assert_eq!(rec.involved[0].kind, PersonKind::Staff);
    assert_eq!(rec.involved[0].role, InvolvedAs::Victim);
    assert!(!rec.involved[0].reports_to_police);
    assert!(rec.validate(now()).is_ok());
}

#[test]
fn police_against_the_recommendation_needs_a_reason() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', false);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('2')); // no harm: in-house
    assert!(screen(&app).contains("The protocol suggests: In-house"));
    press(&mut app, KeyCode::Left); // police
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app);
    assert!(s.contains("say why"), "{s}");
    insta::assert_snapshot!("07_response_rationale", s);
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "He threatened to come back with a knife.");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right); // 999
    insta::assert_snapshot!("08_details_police", screen(&app));
}

#[test]
fn in_house_and_missing_details() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '9', false); // missing or absent
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    // Missing: the protocol recommends police straight away, no question asked.
    assert!(screen(&app).contains("The protocol suggests: Police referral"));
    press(&mut app, KeyCode::Left); // restorative
    press(&mut app, KeyCode::Left); // in-house
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Jay was back within the hour and safe.");
    press(&mut app, KeyCode::PageDown);
    typ(&mut app, "A talk about keeping safe.");
    insta::assert_snapshot!("08_details_in_house", screen(&app));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Right);
    insta::assert_snapshot!("08_missing", screen(&app));
}

#[test]
fn draft_round_trip_and_lock() {
    let mut app = app();
    open(&mut app);
    to_what(&mut app);
    what(&mut app, '2', true);
    press(&mut app, KeyCode::PageDown);
    assert!(parts_now(&app).contains("Step 4 of"), "{}", parts_now(&app));
    let m = app.session.as_ref().unwrap().actor.clone();
    let drafts = app.store.open_drafts(&m, INCIDENT).unwrap();
    assert_eq!(drafts.len(), 1);
    assert!(
        drafts[0].title.starts_with("Jay (Jordan Smith) 22/11/2026 03:00"),
        "{}",
        drafts[0].title
    );
    // Resume from the draft: same step, same values.
    let before = screen(&app);
    let ctx = Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: app.theme,
    };
    let s: Saved = serde_json::from_str(&drafts[0].payload).unwrap();
    let mut w = Wizard::new(&ctx, fake_walk);
    w.load(&ctx, &s);
    w.draft_id = Some(drafts[0].id);
    assert_eq!(w.part, Part::Calm);
    assert!(w.what.get("p1_kind").starts_with("staff:"), "{}", w.what.get("p1_kind"));
    assert_eq!(w.facts()["victim"], "staff");
    assert_eq!(w.uid, s.uid);
    app.stack.pop();
    app.stack.push(Screen::new(w));
    assert_eq!(screen(&app), before);
    // Lock with typing in the notes: the form draft brings it back at the same step.
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "Offered a walk.");
    let fd = app.top().form_draft().unwrap().0;
    assert_eq!(fd.screen, "wizard");
    assert_eq!(fd.context, Some(drafts[0].id));
    let ctx = Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: app.theme,
    };
    assert!(restore(&ctx, &fd).is_some());
    let staff_id = app.session.as_ref().unwrap().staff.id;
    app.lock("Locked on request.");
    assert!(app.session.is_none());
    assert!(!screen(&app).contains("Offered a walk."));
    // Signing in again brings the wizard back at the same step with the typing.
    assert_eq!(
        app.perform(Effect::SignIn {
            staff_id,
            passphrase: "correct horse".into()
        }),
        Done::Ok(None)
    );
    let s = screen(&app);
    assert!(s.contains("What was tried to calm things"), "{s}");
    assert!(s.contains("Offered a walk."), "{s}");
    // Still the same incident draft: moving on updates it rather than starting another.
    press(&mut app, KeyCode::PageDown);
    let drafts = app.store.open_drafts(&m, INCIDENT).unwrap();
    assert_eq!(drafts.len(), 1);
    assert!(drafts[0].payload.contains("Offered a walk."));
}
