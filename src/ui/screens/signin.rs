//! Sign in on the shared PC: pick your name, type your passphrase. A locked account says so plainly.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Page;
use super::widgets::{list, safe, step};
use crate::domain::Staff;
use crate::domain::staff::MAX_PASSPHRASE;
use crate::store::Store;
use crate::ui::app::{Ctx, Done, Effect, Outcome};
use crate::ui::form::{Field, Form, FormEvent};
use crate::ui::keymap::{Hint, hint};

pub struct SignInScreen {
    staff: Vec<Staff>,
    selected: usize,
    typing: bool,
    pass: Form,
    error: Option<String>,
}

impl SignInScreen {
    /// `last`: who was signed in before a lock, selected first so they can carry on.
    pub fn new(store: &Store, last: Option<i64>) -> SignInScreen {
        let staff = store.list_staff(false).unwrap_or_default();
        let selected = last.and_then(|id| staff.iter().position(|s| s.id == id)).unwrap_or(0);
        SignInScreen {
            staff,
            selected,
            typing: false,
            pass: Self::pass_form(),
            error: None,
        }
    }

    fn pass_form() -> Form {
        Form::new(vec![Field::secret("pass", "Passphrase", MAX_PASSPHRASE)])
    }

    fn reload(&mut self, store: &Store) {
        let id = self.staff.get(self.selected).map(|s| s.id);
        self.staff = store.list_staff(false).unwrap_or_default();
        self.selected = id
            .and_then(|id| self.staff.iter().position(|s| s.id == id))
            .unwrap_or(0);
    }
}

impl Page for SignInScreen {
    fn title(&self) -> String {
        "Sign in".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if !self.typing {
            match key.code {
                KeyCode::Up => self.selected = step(self.selected, self.staff.len(), false, 1),
                KeyCode::Down => self.selected = step(self.selected, self.staff.len(), true, 1),
                KeyCode::Enter if !self.staff.is_empty() => {
                    self.typing = true;
                    self.error = None;
                }
                KeyCode::Char(c) if !c.is_control() => {
                    // Jump to the first name starting with the letter typed.
                    let c = c.to_lowercase().next().unwrap_or(c);
                    if let Some(i) = self.staff.iter().position(|s| s.name.to_lowercase().starts_with(c)) {
                        self.selected = i;
                    }
                }
                _ => {}
            }
            return Outcome::None;
        }
        match key.code {
            KeyCode::Esc => {
                self.typing = false;
                self.pass = Self::pass_form();
                Outcome::None
            }
            _ => match self.pass.handle_key(key) {
                FormEvent::Save | FormEvent::Done => {
                    let Some(s) = self.staff.get(self.selected) else {
                        return Outcome::None;
                    };
                    let p = self.pass.get("pass");
                    self.pass = Self::pass_form();
                    if p.is_empty() {
                        self.error = Some("Type your passphrase, then Enter.".into());
                        return Outcome::None;
                    }
                    let _ = ctx;
                    Outcome::Effect(Effect::SignIn {
                        staff_id: s.id,
                        passphrase: p,
                    })
                }
                FormEvent::Cancel => {
                    self.typing = false;
                    Outcome::None
                }
                _ => Outcome::None,
            },
        }
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        if self.typing {
            self.pass.paste(text);
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, d: Done) -> Outcome {
        match d {
            Done::Ok(_) => Outcome::None,
            Done::Err(e) => {
                self.error = Some(e);
                self.reload(ctx.store);
                Outcome::None
            }
            Done::Fields(_) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let [left, right] = Layout::horizontal([Constraint::Length(34), Constraint::Min(30)]).areas(area);
        let block = Block::default().borders(Borders::ALL).title(" Who are you? ");
        let inner = block.inner(left);
        frame.render_widget(block, left);
        let lines: Vec<Line<'static>> = self
            .staff
            .iter()
            .map(|s| {
                let locked = s.locked_until.is_some_and(|u| u > ctx.now);
                let mut spans = vec![Span::raw(safe(&s.name))];
                if locked {
                    spans.push(Span::styled(" [LOCKED]", t.error()));
                }
                Line::from(spans)
            })
            .collect();
        list(frame, inner, lines, Some(self.selected), t);

        let block = Block::default().borders(Borders::ALL).title(" Passphrase ");
        let inner = block.inner(right);
        frame.render_widget(block, right);
        let [msg, field, err, rest] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Length(1),
            Constraint::Length(5),
            Constraint::Min(0),
        ])
        .areas(inner);
        let who = self.staff.get(self.selected);
        let text = match who {
            None => vec![Line::from("No active accounts. Ask a manager.")],
            Some(s) if !self.typing => vec![
                Line::from(vec![Span::raw("Selected: "), Span::styled(safe(&s.name), t.heading())]),
                Line::from("Press Enter to type your passphrase."),
            ],
            Some(s) => vec![
                Line::from(vec![
                    Span::raw("Signing in as "),
                    Span::styled(safe(&s.name), t.heading()),
                ]),
                Line::from("Type your passphrase, then Enter."),
                Line::from(Span::styled("(It is not shown as you type.)", t.muted())),
            ],
        };
        frame.render_widget(Paragraph::new(text), msg);
        if self.typing {
            self.pass.render(frame, field, t);
        }
        let mut errs = vec![Line::from("")];
        let locked = who.and_then(|s| s.locked_until.filter(|u| *u > ctx.now));
        if let Some(u) = locked {
            errs.push(Line::from(Span::styled(
                format!(
                    "! LOCKED until {} after 5 wrong passphrases. A manager can reset it.",
                    crate::time::show(u)
                ),
                t.error(),
            )));
        } else if let Some(e) = &self.error {
            errs.push(Line::from(Span::styled(format!("! {e}"), t.error())));
        }
        frame.render_widget(Paragraph::new(errs).wrap(ratatui::widgets::Wrap { trim: true }), err);
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(""),
                Line::from(Span::styled("In an emergency, call 999 first.", t.warning())),
                Line::from(Span::styled("Record it afterwards.", t.muted())),
            ]),
            rest,
        );
    }

    fn accepts_text(&self) -> bool {
        self.typing
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        if self.typing {
            vec![hint("Enter", "sign in"), hint("Esc", "choose another name")]
        } else {
            vec![hint("↑/↓", "choose your name"), hint("Enter", "type passphrase")]
        }
    }
}
