//! The dashboard (issue 6): this week and quarter against the last, as tables and charts.

use super::Screen;
use crate::ui::app::Ctx;

pub fn open(ctx: &Ctx<'_>) -> Screen {
    super::placeholder::screen(ctx, "Reports")
}
