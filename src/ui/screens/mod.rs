//! The screens. Each is a [`Page`]: it turns keys into [`Outcome`]s (never writing to the database itself:
//! writes are [`Effect`]s the app performs) and draws itself from its own state.

pub mod arrivals;
pub mod browser;
pub mod children;
pub mod dashboard;
pub mod detail;
pub mod export;
pub mod handover;
pub mod menu;
pub mod placeholder;
pub mod sections;
pub mod settings;
pub mod setup;
pub mod signin;
pub mod staff;
pub mod timeline;
pub mod widgets;
pub mod wizard;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::app::{Ctx, Done, FormDraft, Outcome};
use super::keymap::Hint;

pub use super::app::Effect;

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
    fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint>;
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
    pub fn form_draft(&self) -> Option<(FormDraft, String)> {
        self.0.form_draft()
    }
    pub fn accepts_text(&self) -> bool {
        self.0.accepts_text()
    }
}

/// `n` on a top-level screen (and Ctrl+N anywhere once signed in): a new incident, on top of this screen.
pub fn new_incident(ctx: &Ctx<'_>) -> Outcome {
    Outcome::Push(wizard::start(ctx))
}

/// The hint for [`new_incident`], shown first on every top-level screen.
pub const NEW_INCIDENT: Hint = super::keymap::hint("n", "new incident");

/// Rebuild a form screen from the draft kept at a lock.
pub fn restore_form(ctx: &Ctx<'_>, d: &FormDraft) -> Option<Screen> {
    match d.screen.as_str() {
        "child" => children::ChildFormScreen::restore(ctx, d).map(Screen::new),
        "staff_add" => staff::AddStaffScreen::restore(d).map(Screen::new),
        "wizard" => wizard::restore(ctx, d),
        "entry" => detail::restore(ctx, d),
        "court" => detail::court::CourtScreen::restore(ctx, d).map(Screen::new),
        "handover_note" => handover::restore(ctx, d),
        _ => None,
    }
}
