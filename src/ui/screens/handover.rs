//! The handover (issue 4): what happened since the last acknowledged handover, and what is outstanding.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::{Page, Screen};
use crate::ui::app::{Ctx, FormDraft, Outcome};
use crate::ui::keymap::{Hint, hint};

pub struct HandoverScreen {}

impl HandoverScreen {
    pub fn new(_ctx: &Ctx<'_>) -> HandoverScreen {
        HandoverScreen {}
    }
}

impl Page for HandoverScreen {
    fn title(&self) -> String {
        "Handover".into()
    }
    fn update(&mut self, _ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc | KeyCode::Char('m') => Outcome::Back,
            _ => Outcome::None,
        }
    }
    fn view(&self, frame: &mut Frame<'_>, area: Rect, _ctx: &Ctx<'_>) {
        frame.render_widget(Paragraph::new("Nothing to hand over yet."), area);
    }
    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        vec![hint("Esc", "menu")]
    }
}

/// Back after a lock: a handover note being written.
pub fn restore(_ctx: &Ctx<'_>, _d: &FormDraft) -> Option<Screen> {
    None
}
