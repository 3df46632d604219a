//! The kinds of later information and the small menu that chooses one.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::EntryForm;
use crate::store::incidents::IncidentDetail;
use crate::ui::keymap::{Hint, hint};
use crate::ui::page::{Ctx, Outcome};
use crate::ui::screens::widgets::{list, step};
use crate::ui::screens::{Page, Screen};

/// The kinds of later information, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Police,
    Restorative,
    InHouse,
    Missing,
    Reg35,
    Notified,
    ChildView,
    Correction,
    Note,
    SpokeToStaff,
    SpokeToChild,
    Ofsted,
    SignOff,
}

impl EntryKind {
    pub const ALL: [EntryKind; 13] = [
        EntryKind::Police,
        EntryKind::Restorative,
        EntryKind::InHouse,
        EntryKind::Missing,
        EntryKind::Reg35,
        EntryKind::Notified,
        EntryKind::ChildView,
        EntryKind::Correction,
        EntryKind::Note,
        EntryKind::SpokeToStaff,
        EntryKind::SpokeToChild,
        EntryKind::Ofsted,
        EntryKind::SignOff,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Police => "police",
            EntryKind::Restorative => "restorative",
            EntryKind::InHouse => "in_house",
            EntryKind::Missing => "missing",
            EntryKind::Reg35 => "reg35",
            EntryKind::Notified => "notified",
            EntryKind::ChildView => "child_view",
            EntryKind::Correction => "correction",
            EntryKind::Note => "note",
            EntryKind::SpokeToStaff => "spoke_to_staff",
            EntryKind::SpokeToChild => "spoke_to_child",
            EntryKind::Ofsted => "ofsted",
            EntryKind::SignOff => "sign_off",
        }
    }

    pub fn from_code(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Police => "Police details, outcome or court outcome",
            EntryKind::Restorative => "Restorative details or result",
            EntryKind::InHouse => "In-house details",
            EntryKind::Missing => "Missing / absent: came back, return interview",
            EntryKind::Reg35 => "Restraint / control record (reg 35)",
            EntryKind::Notified => "Someone was told (notification)",
            EntryKind::ChildView => "The child's view, in their words",
            EntryKind::Correction => "Correct a mistake (time, child, kind, response, text)",
            EntryKind::Note => "A note",
            EntryKind::SpokeToStaff => "I spoke to the member of staff",
            EntryKind::SpokeToChild => "I spoke to the child",
            EntryKind::Ofsted => "Ofsted judgement (reg 40)",
            EntryKind::SignOff => "Sign the record",
        }
    }

    /// A few words for the title bar.
    pub fn short(self) -> &'static str {
        match self {
            EntryKind::Police => "police details",
            EntryKind::Restorative => "restorative",
            EntryKind::InHouse => "in-house",
            EntryKind::Missing => "missing / absent",
            EntryKind::Reg35 => "reg 35 record",
            EntryKind::Notified => "notification",
            EntryKind::ChildView => "child's view",
            EntryKind::Correction => "correction",
            EntryKind::Note => "note",
            EntryKind::SpokeToStaff => "spoke to staff",
            EntryKind::SpokeToChild => "spoke to child",
            EntryKind::Ofsted => "Ofsted judgement",
            EntryKind::SignOff => "sign-off",
        }
    }

    /// Only a manager may add these (the store refuses them for anyone else too).
    pub fn manager_only(self) -> bool {
        matches!(
            self,
            EntryKind::SpokeToStaff | EntryKind::SpokeToChild | EntryKind::Ofsted | EntryKind::SignOff
        )
    }
}

/// What a non-manager is told when they look for the review.
pub const MANAGER_ONLY: &str =
    "Only a manager records speaking to staff and child, the Ofsted judgement and the signature.";

pub struct EntryMenu {
    id: i64,
    items: Vec<EntryKind>,
    selected: usize,
    manager: bool,
    signed: bool,
}

impl EntryMenu {
    /// `review`: start on the manager's part.
    pub fn new(ctx: &Ctx<'_>, d: &IncidentDetail, review: bool) -> EntryMenu {
        let manager = ctx.is_manager();
        let signed = d.current.review.signed_at.is_some();
        let items: Vec<EntryKind> = EntryKind::ALL
            .into_iter()
            .filter(|k| manager || !k.manager_only())
            .filter(|k| !(signed && *k == EntryKind::SignOff))
            .collect();
        let selected = if review {
            items.iter().position(|k| k.manager_only()).unwrap_or(0)
        } else {
            0
        };
        EntryMenu {
            id: d.id,
            items,
            selected,
            manager,
            signed,
        }
    }

    fn open(&self, ctx: &Ctx<'_>, k: EntryKind) -> Outcome {
        match EntryForm::new(ctx, self.id, k) {
            Ok(f) => Outcome::Replace(Screen::new(f)),
            Err(e) => Outcome::Flash(e),
        }
    }
}

impl Page for EntryMenu {
    fn title(&self) -> String {
        format!("Incident {} · add", self.id)
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let n = self.items.len();
        match key.code {
            KeyCode::Esc => Outcome::Back,
            KeyCode::Up => {
                self.selected = step(self.selected, n, false, 1);
                Outcome::None
            }
            KeyCode::Down => {
                self.selected = step(self.selected, n, true, 1);
                Outcome::None
            }
            KeyCode::Enter => match self.items.get(self.selected) {
                Some(k) => self.open(ctx, *k),
                None => Outcome::None,
            },
            KeyCode::Char(c) if crate::ui::keymap::plain_char(&key).is_some() => {
                // 1-9 then a, b, c…: the shortcut shown beside each item.
                let i = shortcut_index(c);
                match i.and_then(|i| self.items.get(i)) {
                    Some(k) => self.open(ctx, *k),
                    None => Outcome::None,
                }
            }
            _ => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" What do you want to add? ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [top, body, foot] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(3), Constraint::Length(2)]).areas(inner);
        frame.render_widget(
            Paragraph::new("Each addition is signed with your name and the time. The record as saved never changes.")
                .style(t.muted())
                .wrap(Wrap { trim: true }),
            top,
        );
        let lines = self
            .items
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let mut spans = vec![
                    Span::styled(format!("{} ", shortcut(i)), t.key()),
                    Span::raw(k.label().to_string()),
                ];
                if k.manager_only() {
                    spans.push(Span::styled("  (manager)", t.muted()));
                }
                Line::from(spans)
            })
            .collect();
        list(frame, body, lines, Some(self.selected), t);
        let note = if !self.manager {
            MANAGER_ONLY.to_string()
        } else if self.signed {
            "This record is already signed; later information is still added as entries.".into()
        } else {
            String::new()
        };
        frame.render_widget(Paragraph::new(note).style(t.muted()).wrap(Wrap { trim: true }), foot);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        vec![
            hint("↑/↓", "choose"),
            hint("Enter 1-9 a-d", "open"),
            hint("Esc", "back"),
        ]
    }
}

fn shortcut(i: usize) -> char {
    if i < 9 {
        (b'1' + i as u8) as char
    } else {
        (b'a' + (i - 9) as u8) as char
    }
}

fn shortcut_index(c: char) -> Option<usize> {
    match c {
        '1'..='9' => Some(c as usize - '1' as usize),
        'a'..='z' => Some(c as usize - 'a' as usize + 9),
        _ => None,
    }
}
