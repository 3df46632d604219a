//! One incident in full, with its history, and adding entries (issue 3/4).

use super::Screen;
use crate::ui::app::{Ctx, FormDraft};

pub fn open(ctx: &Ctx<'_>, _incident_id: i64) -> Screen {
    super::placeholder::screen(ctx, "Incident")
}

/// Back after a lock: an entry being written.
pub fn restore(_ctx: &Ctx<'_>, _d: &FormDraft) -> Option<Screen> {
    None
}
