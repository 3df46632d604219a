//! The contract between the app and its screens: what a screen reads ([`Ctx`]), what it asks for
//! ([`Outcome`], [`Effect`]), what comes back ([`Done`]), and the [`Page`] trait every screen implements.
//! Screens import this module, never `ui::app`, so the app that builds them and the screens it shows do
//! not depend on each other.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use serde::{Deserialize, Serialize};

use super::keymap::Hint;
use super::theme::Theme;
use crate::domain::{ChildInput, Role, Staff};
use crate::protocol::Protocol;
use crate::store::{Actor, Store};

/// The signed-in member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub staff: Staff,
    pub actor: Actor,
}

/// What a screen reads while it works: the store (read-only: writes go through effects), who is signed in,
/// the protocol, and the time.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub session: Option<&'a Session>,
    pub protocol: &'a Protocol,
    pub now: DateTime<Utc>,
    pub theme: Theme,
}

impl Ctx<'_> {
    pub fn role(&self) -> Option<Role> {
        self.session.map(|s| s.staff.role)
    }
    pub fn is_manager(&self) -> bool {
        self.role().is_some_and(Role::is_manager)
    }
}

/// A write, or something else only the app may do, asked for by a screen.
// Effects live for one key press: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The first run. With `recovery` (the set-up screen's), the manager is given a recovery code, shown once.
    Setup {
        home: String,
        urn: String,
        manager: String,
        passphrase: String,
        recovery: bool,
    },
    SignIn {
        staff_id: i64,
        passphrase: String,
    },
    /// A manager's recovery code, with the new passphrase (asked twice by the screen).
    Recover {
        staff_id: i64,
        code: String,
        passphrase: String,
    },
    /// A new recovery code for the manager signed in, shown once.
    RenewRecoveryCode,
    /// A manager reactivates a deactivated account, with a reason.
    ReactivateStaff {
        staff_id: i64,
        reason: String,
    },
    /// The person signed in changes their own passphrase (the new one asked twice by the screen); the session
    /// carries on signed with the new key.
    ChangeOwnPassphrase {
        current: String,
        new: String,
    },
    SaveChild {
        id: Option<i64>,
        input: ChildInput,
    },
    /// [`Effect::SaveChild`] with the day a change of YOS status took effect (None: today; a new child: the day
    /// admitted).
    SaveChildSince {
        id: Option<i64>,
        input: ChildInput,
        yos_since: Option<chrono::NaiveDate>,
    },
    DischargeChild {
        id: i64,
        date: String,
        reason: String,
    },
    AddStaff {
        name: String,
        role: Role,
        passphrase: String,
    },
    ResetPassphrase {
        staff_id: i64,
        passphrase: String,
    },
    DeactivateStaff {
        staff_id: i64,
        reason: String,
    },
    SetSetting {
        key: String,
        value: String,
    },
    /// Keep a draft (incident wizard); returns its id.
    SaveDraft {
        id: Option<i64>,
        kind: String,
        title: String,
        payload: String,
    },
    CloseDraft {
        id: i64,
        reason: String,
    },
    /// A manager takes over someone else's incident draft (asked first, naming its author); recorded.
    TakeOverDraft {
        id: i64,
    },
    /// Its author or a manager discards a draft, saying why; the words stay in the closed row.
    DiscardDraft {
        id: i64,
        reason: String,
    },
    SaveIncident {
        record: Box<crate::domain::IncidentRecord>,
        draft_id: Option<i64>,
    },
    AddEntry {
        incident_id: i64,
        change: Box<crate::domain::Change>,
    },
    /// A YOS officer's own entry on an imported record (court appearance, outcome, breach; issue 20).
    AddCourtEntry {
        incident_id: i64,
        input: Box<crate::store::court::CourtInput>,
    },
    AcknowledgeHandover {
        covers_from: DateTime<Utc>,
        /// What was on the screen, recorded with the acknowledgement.
        seen: crate::store::handover::Seen,
    },
    AddHandoverNote {
        text: String,
    },
    /// The weekly file of a finished week into the export folder (export screen, Ctrl+S).
    WriteExport {
        week: String,
    },
    /// A new key for the scheduled weekly export (export screen, `a`).
    AuthoriseScheduledExport,
    /// Sync now: every finished week owed into the sync folder, then the YOS's receipts (export screen, `s`).
    SyncNow,
    /// A print-out, written by the app into the prints folder beside the database; the app says where.
    Print(PrintJob),
}

/// What to print ([`Effect::Print`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintJob {
    /// The handover sheet for this stretch of time.
    Handover(crate::store::handover::Window),
    /// One incident, whole.
    Incident(i64),
}

/// How an effect went, handed back to the screen that asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// Worked; the new or changed row's id where there is one.
    Ok(Option<i64>),
    /// Refused, with a message for the person.
    Err(String),
    /// Refused, with a message per field.
    Fields(Vec<(String, String)>),
}

/// What a screen asks the app to do after a key.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    None,
    /// Back to the previous screen.
    Back,
    /// Back to the menu: every screen above it closes.
    Menu,
    /// Open a screen on top of this one.
    Push(Screen),
    /// Replace this screen.
    Replace(Screen),
    /// Perform a write; the result comes back through `Screen::done`.
    Effect(Effect),
    /// A short message in the message line.
    Flash(String),
    /// Lock now.
    Lock,
    Quit,
}

/// A form that was open when the app locked, kept as its author's draft.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FormDraft {
    pub screen: String,
    pub context: Option<i64>,
    pub values: std::collections::BTreeMap<String, String>,
}

/// One screen of the app.
pub trait Page {
    /// Shown in the title bar.
    fn title(&self) -> String;
    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome;
    fn paste(&mut self, _ctx: &Ctx<'_>, _text: &str) -> Outcome {
        Outcome::None
    }
    /// The result of an effect this screen asked for.
    fn done(&mut self, _ctx: &Ctx<'_>, done: Done) -> Outcome {
        match done {
            Done::Ok(_) => Outcome::None,
            Done::Err(e) => Outcome::Flash(format!("Not saved: {e}")),
            Done::Fields(f) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
        }
    }
    /// Called when the screen shows again after the one above it closed: reload what may have changed.
    fn refresh(&mut self, _ctx: &Ctx<'_>) {}
    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>);
    /// The help bar: the keys that apply now.
    fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint>;
    /// The F1 page: every key that works now, movement keys too (a screen with a binding table lists them
    /// from the same table its keys are dispatched from).
    fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        self.hints(ctx)
    }
    /// Unsaved typing to keep as the author's draft when the app locks (with a title for the draft list).
    fn form_draft(&self) -> Option<(FormDraft, String)> {
        None
    }
    /// False on screens where `?` is not something to type, so it opens the help.
    fn accepts_text(&self) -> bool {
        true
    }
}

pub struct Screen(Box<dyn Page>);

impl Screen {
    pub fn new(p: impl Page + 'static) -> Screen {
        Screen(Box::new(p))
    }
    pub fn title(&self) -> String {
        self.0.title()
    }
    pub fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        self.0.update(ctx, key)
    }
    pub fn paste(&mut self, ctx: &Ctx<'_>, text: &str) -> Outcome {
        self.0.paste(ctx, text)
    }
    pub fn done(&mut self, ctx: &Ctx<'_>, d: Done) -> Outcome {
        self.0.done(ctx, d)
    }
    pub fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.0.refresh(ctx)
    }
    pub fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        self.0.view(frame, area, ctx)
    }
    pub fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        self.0.hints(ctx)
    }
    pub fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        self.0.help(ctx)
    }
    pub fn form_draft(&self) -> Option<(FormDraft, String)> {
        self.0.form_draft()
    }
    pub fn accepts_text(&self) -> bool {
        self.0.accepts_text()
    }
}
