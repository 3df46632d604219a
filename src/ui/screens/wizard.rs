//! The incident wizard (issue 3): one step per screen, walked through the area's protocol.

use super::Screen;
use crate::store::drafts::Draft;
use crate::ui::app::{Ctx, FormDraft};

/// Start a new incident.
pub fn start(ctx: &Ctx<'_>) -> Screen {
    super::placeholder::screen(ctx, "New incident")
}

/// Carry on with a saved draft.
pub fn resume(ctx: &Ctx<'_>, _d: &Draft) -> Option<Screen> {
    Some(super::placeholder::screen(ctx, "New incident"))
}

/// Back after a lock.
pub fn restore(_ctx: &Ctx<'_>, _d: &FormDraft) -> Option<Screen> {
    None
}
