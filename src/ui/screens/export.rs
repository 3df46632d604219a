//! The export screen (issue 5): preview the week's counts, then write the files.

use super::Screen;
use crate::store::{Actor, Store};
use crate::ui::app::Ctx;

pub fn open(ctx: &Ctx<'_>) -> Screen {
    super::placeholder::screen(ctx, "Weekly file to the YOS")
}

/// Reminders for the manager's menu (e.g. last week not exported).
pub fn reminders(_ctx: &Ctx<'_>) -> Vec<String> {
    vec![]
}

/// Writes asked for by the export screen (`Effect::Custom("export:…")`).
pub fn perform(
    _store: &mut Store,
    _actor: &Actor,
    name: &str,
    _value: &serde_json::Value,
) -> Result<Option<i64>, String> {
    Err(format!("unknown export action {name}"))
}
