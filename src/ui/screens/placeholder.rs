//! A screen not built yet: says so and goes back.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::{Page, Screen};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, bind};
use crate::ui::page::{Ctx, Outcome};

struct Placeholder(String);

/// Any key goes back.
const KEYS: &[Binding<()>] = &[bind(&[KeySpec::Any], (), "any key", "back")];

impl Page for Placeholder {
    fn title(&self) -> String {
        self.0.clone()
    }
    fn update(&mut self, _ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match keymap::lookup(KEYS, &key, |_| true) {
            Some(()) => Outcome::Back,
            None => Outcome::None,
        }
    }
    fn view(&self, frame: &mut Frame<'_>, area: Rect, _ctx: &Ctx<'_>) {
        frame.render_widget(
            Paragraph::new(format!("{} is not available yet. Any key goes back.", self.0)),
            area,
        );
    }
    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| Some(b.label))
    }
}

pub fn screen(_ctx: &Ctx<'_>, name: &str) -> Screen {
    Screen::new(Placeholder(name.to_string()))
}
