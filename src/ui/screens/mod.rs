//! The screens. Each is a [`Page`]: it turns keys into [`Outcome`]s (never writing to the database itself:
//! writes are [`Effect`]s the app performs) and draws itself from its own state.

pub mod arrivals;
pub mod browser;
pub mod children;
pub mod dashboard;
pub mod detail;
pub mod export;
pub mod form_page;
pub mod handover;
pub mod menu;
pub mod placeholder;
pub mod sections;
pub mod settings;
pub mod setup;
pub mod signin;
pub mod staff;
#[cfg(test)]
pub(crate) mod testing;
pub mod timeline;
pub mod widgets;
pub mod wizard;

use super::keymap::Hint;

pub use super::page::{Ctx, Done, Effect, FormDraft, Outcome, Page, Screen};

/// `n` on a top-level screen (and Ctrl+N anywhere once signed in): a new incident, on top of this screen.
pub fn new_incident(ctx: &Ctx<'_>) -> Outcome {
    // A YOS records no incidents: say so before anyone types a whole record the store would refuse.
    if is_yos(ctx) {
        return Outcome::Flash(YOS_RECORDS_NOTHING.into());
    }
    Outcome::Push(wizard::start(ctx))
}

/// What `n` says on a YOS's database.
pub const YOS_RECORDS_NOTHING: &str =
    "This is a YOS: incidents are recorded at the homes and arrive with concordat sync.";

/// Is this a YOS's database (the homes' records, imported)?
pub fn is_yos(ctx: &Ctx<'_>) -> bool {
    ctx.store.role().is_ok_and(|r| r == crate::store::settings::Role::Yos)
}

/// The hint for [`new_incident`], shown first on every top-level screen.
pub const NEW_INCIDENT: Hint = super::keymap::hint("n", "new incident");

/// The binding for [`new_incident`] in a screen's key table, first on every top-level screen.
pub const fn new_incident_key<A>(action: A) -> super::keymap::Binding<A> {
    super::keymap::bind(&[super::keymap::KeySpec::Char('n')], action, "n", "new incident")
}

/// A child's timeline. The browser and the timeline open each other through here, so neither imports the other.
pub fn child_timeline(ctx: &Ctx<'_>, child_id: i64) -> Screen {
    Screen::new(timeline::TimelineScreen::new(ctx, child_id))
}

/// The incident browser, filtered to one child's incidents.
pub fn child_incidents(ctx: &Ctx<'_>, child_id: i64) -> Screen {
    Screen::new(browser::BrowserScreen::new(
        ctx,
        crate::store::incidents::Filter {
            child_id: Some(child_id),
            ..Default::default()
        },
    ))
}

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
