//! On a YOS: which homes' weeks have arrived, which are missing and which came late (a week is due by Tuesday
//! 12:00 of the following week). New sets are read with `concordat sync`.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::widgets::{heading, safe};
use super::{Page, Screen};
use crate::sync::yos::{HomeWeeks, arrivals};
use crate::ui::keymap::k::{ENTER, ESC, c};
use crate::ui::keymap::{self, Binding, Hint, bind};
use crate::ui::page::{Ctx, Outcome};

pub struct ArrivalsScreen {
    homes: Result<Vec<HomeWeeks>, String>,
}

pub fn open(ctx: &Ctx<'_>) -> Screen {
    Screen::new(ArrivalsScreen {
        homes: arrivals(ctx.store, ctx.now).map_err(|e| e.to_string()),
    })
}

/// The one thing a key does here: close the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Back,
}

/// The arrivals list's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[bind(&[ESC, ENTER, c('q')], Act::Back, "Esc", "back")];

impl Page for ArrivalsScreen {
    fn title(&self) -> String {
        "Homes' weekly sets".into()
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.homes = arrivals(ctx.store, ctx.now).map_err(|e| e.to_string());
    }

    fn update(&mut self, _ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match keymap::lookup(KEYS, &key, |_| true) {
            Some(Act::Back) => Outcome::Back,
            None => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let mut lines = vec![heading(" Which weeks have arrived", t), Line::from("")];
        match &self.homes {
            Err(e) => lines.push(Line::from(Span::styled(safe(e), t.warning()))),
            Ok(h) if h.is_empty() => {
                lines.push(Line::from(" No home's week has arrived yet."));
            }
            Ok(homes) => {
                for h in homes {
                    let style = if h.missing().is_empty() && h.late().is_empty() {
                        ratatui::style::Style::default()
                    } else {
                        t.warning()
                    };
                    lines.push(Line::from(Span::styled(format!(" {}", safe(&h.line())), style)));
                }
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(
            " A week is due by Tuesday 12:00 of the week after. New sets are read with: concordat sync",
        ));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn accepts_text(&self) -> bool {
        false
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| Some(b.label))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| Some(b.label))
    }
}
