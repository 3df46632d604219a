//! The menu: everything the app does, one letter each, and drafts waiting to be finished.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{heading, list, safe, step};
use super::{Page, Screen};
use crate::store::drafts::{Draft, INCIDENT};
use crate::ui::app::{Ctx, Outcome};
use crate::ui::keymap::{Hint, hint};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    NewIncident,
    Handover,
    Incidents,
    Children,
    Dashboard,
    Export,
    Staff,
    Settings,
    Passphrase,
    Lock,
    Quit,
}

const ITEMS: &[(Item, char, &str, bool)] = &[
    (Item::NewIncident, 'n', "New incident", false),
    (Item::Handover, 'h', "Handover", false),
    (Item::Incidents, 'i', "Incidents (browse and search)", false),
    (Item::Children, 'c', "Children", false),
    (Item::Dashboard, 'r', "Reports and dashboard", false),
    (Item::Export, 'e', "Weekly file to the YOS", true),
    (Item::Staff, 's', "Staff accounts", true),
    (Item::Settings, 't', "Settings", true),
    (Item::Passphrase, 'p', "Change my passphrase", false),
    (Item::Lock, 'l', "Lock / switch user", false),
    (Item::Quit, 'q', "Quit", false),
];

pub struct MenuScreen {
    selected: usize,
    drafts: Vec<Draft>,
    reminders: Vec<String>,
}

impl MenuScreen {
    pub fn new(ctx: &Ctx<'_>) -> MenuScreen {
        let mut m = MenuScreen {
            selected: 0,
            drafts: vec![],
            reminders: vec![],
        };
        m.refresh(ctx);
        m
    }

    fn items(ctx: &Ctx<'_>) -> Vec<&'static (Item, char, &'static str, bool)> {
        ITEMS.iter().filter(|i| !i.3 || ctx.is_manager()).collect()
    }

    fn open(&self, ctx: &Ctx<'_>, item: Item) -> Outcome {
        match item {
            Item::NewIncident => Outcome::Push(super::wizard::start(ctx)),
            Item::Handover => Outcome::Push(Screen::new(super::handover::HandoverScreen::new(ctx))),
            Item::Incidents => Outcome::Push(super::browser::open(ctx)),
            Item::Children => Outcome::Push(Screen::new(super::children::ChildrenScreen::new(ctx))),
            Item::Dashboard => Outcome::Push(super::dashboard::open(ctx)),
            Item::Export => Outcome::Push(super::export::open(ctx)),
            Item::Staff => Outcome::Push(Screen::new(super::staff::StaffScreen::new(ctx))),
            Item::Settings => Outcome::Push(Screen::new(super::settings::SettingsScreen::new(ctx))),
            Item::Passphrase => Outcome::Push(Screen::new(super::signin::ChangePassphraseScreen::new(false))),
            Item::Lock => Outcome::Lock,
            Item::Quit => Outcome::Quit,
        }
    }
}

impl Page for MenuScreen {
    fn title(&self) -> String {
        "Menu".into()
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.drafts = ctx
            .session
            .map(|s| ctx.store.open_drafts(&s.actor, INCIDENT).unwrap_or_default())
            .unwrap_or_default();
        self.reminders = if ctx.is_manager() {
            super::export::reminders(ctx)
        } else {
            vec![]
        };
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let items = Self::items(ctx);
        let total = items.len() + self.drafts.len();
        match key.code {
            KeyCode::Up => self.selected = step(self.selected, total, false, 1),
            KeyCode::Down => self.selected = step(self.selected, total, true, 1),
            KeyCode::Enter => {
                if self.selected < items.len() {
                    return self.open(ctx, items[self.selected].0);
                }
                if let Some(d) = self.drafts.get(self.selected - items.len()) {
                    return match super::wizard::resume(ctx, d) {
                        Some(s) => Outcome::Push(s),
                        None => Outcome::Flash("That draft could not be read.".into()),
                    };
                }
            }
            KeyCode::Char(c) => {
                if let Some(i) = items.iter().find(|i| i.1 == c) {
                    return self.open(ctx, i.0);
                }
                if c == 'd'
                    && let Some(d) = self.drafts.first()
                {
                    return match super::wizard::resume(ctx, d) {
                        Some(s) => Outcome::Push(s),
                        None => Outcome::Flash("That draft could not be read.".into()),
                    };
                }
            }
            _ => {}
        }
        Outcome::None
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let items = Self::items(ctx);
        let [left, right] = Layout::horizontal([Constraint::Length(40), Constraint::Min(20)]).areas(area);
        let mut lines: Vec<Line<'static>> = items
            .iter()
            .map(|(_, k, label, _)| {
                Line::from(vec![
                    Span::styled(format!("{k}  "), t.key()),
                    Span::raw(label.to_string()),
                ])
            })
            .collect();
        for d in &self.drafts {
            lines.push(Line::from(vec![
                Span::styled("d  ", t.key()),
                Span::styled(
                    format!(
                        "Finish draft: {} ({})",
                        safe(&d.title),
                        crate::time::show_short(d.updated_at)
                    ),
                    t.warning(),
                ),
            ]));
        }
        let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(left);
        frame.render_widget(
            Paragraph::new(vec![heading(" What do you need to do?", t), Line::from("")]),
            head,
        );
        list(frame, body, lines, Some(self.selected), t);
        let mut side = vec![
            Line::from(""),
            Line::from(Span::styled("In an emergency, call 999 first.", t.warning())),
            Line::from("Record it afterwards with n."),
            Line::from(""),
        ];
        if !self.drafts.is_empty() {
            side.push(Line::from(Span::styled(
                format!("! {} unfinished incident draft(s): d to finish.", self.drafts.len()),
                t.warning(),
            )));
        }
        for r in &self.reminders {
            side.push(Line::from(Span::styled(format!("! {r}"), t.warning())));
        }
        frame.render_widget(Paragraph::new(side).wrap(ratatui::widgets::Wrap { trim: true }), right);
    }

    fn accepts_text(&self) -> bool {
        false
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        vec![hint("↑/↓ Enter", "open"), hint("letter", "go straight there")]
    }
}
