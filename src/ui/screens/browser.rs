//! The incident browser (issue 4): every incident, newest first, a page at a time, with filters.

use super::Screen;
use crate::ui::app::Ctx;

pub fn open(ctx: &Ctx<'_>) -> Screen {
    super::placeholder::screen(ctx, "Incidents")
}
