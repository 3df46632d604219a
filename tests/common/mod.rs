//! Shared fixtures for the integration tests: a home with a manager, a member of staff and children,
//! records, an app at a fixed time, and the screen as text.
//!
//! The one helpers folder of the tests, included the one way: `mod common;` at the top of a test file (then
//! `use common::fixtures;`, `use common::support;` or `use common::pty;` for the part it needs). Its parts:
//! `pty` (the one PTY driver, with a fresh home and the sign-in for it), `fixtures` (a home in a file, the one
//! record builder `record_for`, the protocol builders in `fixtures::ui`, `fixtures::cli` to run the binary as a
//! member of staff, `fixtures::writer`) and `support` (an App at a fixed time and key presses).
#![allow(dead_code)]

pub mod fixtures;
pub mod support;
/// The one PTY driver (`common/pty.rs`), declared once in `support` so that a file including both never
/// loads it twice.
#[cfg(unix)]
#[allow(unused_imports)]
pub use support::pty;

use chrono::{DateTime, TimeZone, Utc};
use concordat::domain::*;
use concordat::protocol::Protocol;
use concordat::store::staff::Setup;
use concordat::store::{Actor, Store};
use concordat::ui::app::{App, Ctx, Effect};
use concordat::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub const MANAGER_PASS: &str = "correct horse";
pub const STAFF_PASS: &str = "night owl 42";

pub fn t(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub struct Home {
    pub store: Store,
    pub manager: Staff,
    pub staff: Staff,
    pub child: Child,
    pub other: Child,
    /// Their signing actors (keys unlocked by their passphrases once, at set-up).
    pub manager_actor: Actor,
    pub worker_actor: Actor,
}

impl Home {
    pub fn manager(&self) -> Actor {
        self.manager_actor.clone()
    }
    pub fn worker(&self) -> Actor {
        self.worker_actor.clone()
    }
}

fn child_input(name: &str, preferred: &str, yos: bool) -> ChildInput {
    ChildInput {
        name: name.into(),
        preferred_name: preferred.into(),
        dob: "01/02/2011".into(),
        gender: "male".into(),
        ethnicity: "white_british".into(),
        legal_status: "s31".into(),
        admitted: "01/09/2025".into(),
        yos_open: yos,
        ..Default::default()
    }
}

/// A home set up at `at` (fixed clock) with Pat Manager, Sam Night (staff) and two children.
pub fn home_at(store: Store, at: DateTime<Utc>) -> Home {
    let mut store = store;
    store.set_clock(Some(at));
    let manager = store
        .setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC123456",
            manager_name: "Pat Manager",
            passphrase: MANAGER_PASS,
        })
        .unwrap();
    let m = manager.actor.clone();
    let manager = manager.staff;
    // As in use: the manager typed a first passphrase and Sam chose their own at the first sign-in.
    let staff = store.add_staff(&m, "Sam Night", Role::Staff, "given by pat 1").unwrap();
    let given = store.signer_for(staff.id, "given by pat 1").unwrap();
    let worker_actor = store
        .change_own_passphrase(&given, "given by pat 1", STAFF_PASS)
        .unwrap()
        .actor;
    let child = store.add_child(&m, &child_input("Jordan Smith", "JJ", true)).unwrap();
    let other = store.add_child(&m, &child_input("Alex Brown", "", false)).unwrap();
    Home {
        store,
        manager,
        staff,
        child,
        other,
        manager_actor: m,
        worker_actor,
    }
}

pub fn home(at: DateTime<Utc>) -> Home {
    home_at(Store::open_in_memory().unwrap(), at)
}

/// A complete in-house record for `child` at `at`.
pub fn record(child: &Child, at: DateTime<Utc>, account: &str) -> IncidentRecord {
    fixtures::record_for(&child.uid, at, account)
}

/// A police referral (101, behaviour) with a reference.
pub fn police_record(child: &Child, at: DateTime<Utc>, account: &str, reference: &str) -> IncidentRecord {
    let mut r = record(child, at, account);
    r.categories = vec![Category::Violence];
    r.response = Response::Police;
    r.recommended = Response::Police;
    r.in_house = None;
    r.police = Some(Police {
        route: PoliceRoute::NonEmergency101,
        reason: CallReason::Behaviour,
        called_at: Some(at),
        reference: reference.into(),
        officer: "PC 1234 Jones".into(),
        attended: Some(true),
        arrest: false,
        appropriate_adult: String::new(),
        diversion_asked: DiversionAsked::Outcome22,
        outcome: PoliceOutcome::NotYetKnown,
        court: None,
        outcome_at: None,
    });
    r
}

/// Save a record as `actor` with the clock at `recorded`, then put the clock back to `now`.
pub fn save_at(h: &mut Home, actor: &Actor, rec: IncidentRecord, recorded: DateTime<Utc>) -> i64 {
    let back = h.store.now();
    h.store.set_clock(Some(recorded));
    let id = h.store.save_incident(actor, rec, None).unwrap();
    h.store.set_clock(Some(back));
    id
}

/// An empty protocol "test" (no steps): enough for screens that only show its name.
pub fn protocol() -> Protocol {
    fixtures::ui::protocol_named("test", "1", "Test protocol", "")
}

/// The app at the store's time, signed in as `staff_id`.
pub fn app_signed_in(h: Home, staff_id: i64, pass: &str) -> App {
    let now = h.store.now();
    let mut app = App::new(h.store, protocol(), Theme::plain(), now);
    let d = app.perform(Effect::SignIn {
        staff_id,
        passphrase: pass.into(),
    });
    assert_eq!(d, concordat::ui::app::Done::Ok(None));
    app
}

/// The app with the home's manager signed in (on the handover, the first screen after signing in).
pub fn as_manager(h: Home) -> App {
    let id = h.manager.id;
    app_signed_in(h, id, MANAGER_PASS)
}

pub fn ctx(app: &App) -> Ctx<'_> {
    Ctx {
        store: &app.store,
        session: app.session.as_ref(),
        protocol: &app.protocol,
        now: app.now,
        theme: Theme::plain(),
    }
}

/// The whole app drawn at 80x24, as text (trailing spaces trimmed).
pub fn screen(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| app.view(f)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..24u16 {
        let line: String = (0..80u16).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn key(c: ratatui::crossterm::event::KeyCode) -> concordat::ui::app::Msg {
    concordat::ui::app::Msg::Key(ratatui::crossterm::event::KeyEvent::from(c))
}

pub fn ch(c: char) -> concordat::ui::app::Msg {
    key(ratatui::crossterm::event::KeyCode::Char(c))
}

/// Ctrl and a letter (Ctrl+S saves a form).
pub fn ctrl(c: char) -> concordat::ui::app::Msg {
    concordat::ui::app::Msg::Key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char(c),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ))
}
