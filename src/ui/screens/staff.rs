//! Staff accounts (managers): add, reset a passphrase, deactivate with a reason. Nobody is deleted.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::form_page::FormSpec;
use super::widgets::{list, safe, step};
use super::{Page, Screen};
use crate::domain::staff::MAX_PASSPHRASE;
use crate::domain::{Role, Staff};
use crate::ui::form::{Field, Form, options};
use crate::ui::keymap::k::{DOWN, ESC, UP, c};
use crate::ui::keymap::{self, Binding, Hint, bind};
use crate::ui::page::{Ctx, Effect, FormDraft, Outcome};

pub struct StaffScreen {
    staff: Vec<Staff>,
    selected: usize,
}

impl StaffScreen {
    pub fn new(ctx: &Ctx<'_>) -> StaffScreen {
        let mut s = StaffScreen {
            staff: vec![],
            selected: 0,
        };
        s.refresh(ctx);
        s
    }
}

/// What a key does on the staff list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Add,
    Reset,
    Deactivate,
    Reactivate,
    OwnPassphrase,
    RecoveryCode,
    Back,
    Up,
    Down,
}

/// The staff list's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[c('a')], Act::Add, "a", "add"),
    bind(&[c('r')], Act::Reset, "r", "reset passphrase"),
    bind(&[c('x')], Act::Deactivate, "x", "deactivate"),
    bind(&[c('v')], Act::Reactivate, "v", "reactivate"),
    bind(&[c('p')], Act::OwnPassphrase, "p", "change my passphrase"),
    bind(&[c('k')], Act::RecoveryCode, "k", "new recovery code"),
    bind(&[ESC], Act::Back, "Esc", "back"),
    bind(&[UP], Act::Up, "", ""),
    bind(&[DOWN], Act::Down, "", ""),
];

impl StaffScreen {
    /// Whether a key applies to the person selected: reset and deactivate an active account, reactivate a
    /// deactivated one.
    fn applies(&self, a: Act) -> bool {
        let sel = self.staff.get(self.selected);
        match a {
            Act::Reset | Act::Deactivate => sel.is_some_and(|s| s.active),
            Act::Reactivate => sel.is_some_and(|s| !s.active),
            _ => true,
        }
    }
}

impl Page for StaffScreen {
    fn title(&self) -> String {
        "Staff accounts".into()
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.staff = ctx.store.list_staff(true).unwrap_or_default();
        self.selected = self.selected.min(self.staff.len().saturating_sub(1));
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if !ctx.is_manager() {
            return Outcome::Back;
        }
        let sel = self.staff.get(self.selected);
        let Some(act) = keymap::lookup(KEYS, &key, |a| self.applies(a)) else {
            return Outcome::None;
        };
        match act {
            Act::Back => Outcome::Back,
            Act::NewIncident => super::new_incident(ctx),
            Act::Up => {
                self.selected = step(self.selected, self.staff.len(), false, 1);
                Outcome::None
            }
            Act::Down => {
                self.selected = step(self.selected, self.staff.len(), true, 1);
                Outcome::None
            }
            Act::Add => Outcome::Push(Screen::new(AddStaffScreen::new())),
            // A new recovery code for the manager signed in (a database from before recovery codes has none).
            Act::RecoveryCode => Outcome::Effect(Effect::RenewRecoveryCode),
            Act::Reset => match sel {
                Some(s) if s.active => Outcome::Push(Screen::new(StaffActionScreen::reset(s))),
                _ => Outcome::None,
            },
            Act::Deactivate => match sel {
                Some(s) if s.active => Outcome::Push(Screen::new(StaffActionScreen::deactivate(s))),
                _ => Outcome::None,
            },
            Act::Reactivate => match sel {
                Some(s) if !s.active => Outcome::Push(Screen::new(StaffActionScreen::reactivate(s))),
                _ => Outcome::None,
            },
            Act::OwnPassphrase => Outcome::Push(Screen::new(super::signin::ChangePassphraseScreen::new(false))),
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        if !ctx.is_manager() {
            frame.render_widget(Paragraph::new("Only a manager can manage staff accounts."), area);
            return;
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Staff · k: a new recovery code for you ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let lines = self
            .staff
            .iter()
            .map(|s| {
                let mut spans = vec![Span::raw(format!("{:<30} {:<14}", safe(&s.name), s.role.label()))];
                if !s.active {
                    spans.push(Span::styled(
                        format!("deactivated: {}", safe(s.deactivated_reason.as_deref().unwrap_or(""))),
                        t.muted(),
                    ));
                } else if s.locked_until.is_some_and(|u| u > ctx.now) {
                    spans.push(Span::styled("WAIT (r resets)", t.error()));
                }
                Line::from(spans)
            })
            .collect();
        list(frame, inner, lines, Some(self.selected), t);
    }

    fn accepts_text(&self) -> bool {
        false
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| self.applies(b.action).then_some(b.label))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| self.applies(b.action).then_some(b.label))
    }
}

fn add_form() -> Form {
    Form::new(vec![
        Field::text("name", "Name", 80).required(),
        Field::choice("role", "Role", options(&Role::ALL, Role::code, Role::label))
            .required()
            .with("staff"),
        Field::secret("pass", "First passphrase", MAX_PASSPHRASE)
            .required()
            .with_hint("At least 8 characters. Tell them in person."),
    ])
}

pub struct AddStaffScreen {
    form: Form,
}

impl Default for AddStaffScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl AddStaffScreen {
    pub fn new() -> AddStaffScreen {
        AddStaffScreen { form: add_form() }
    }

    pub fn restore(d: &FormDraft) -> Option<AddStaffScreen> {
        let mut s = AddStaffScreen::new();
        let mut v = d.values.clone();
        // A passphrase is never kept in a draft.
        v.remove("pass");
        s.form.restore(&v);
        s.form.dirty = true;
        Some(s)
    }
}

impl FormSpec for AddStaffScreen {
    fn title(&self) -> String {
        "Add a member of staff".into()
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        if let Err(e) = crate::domain::staff::validate_passphrase(&self.form.get("pass")) {
            self.form.set_error("pass", e);
            return Err(Outcome::None);
        }
        let role = Role::from_code(&self.form.get("role")).unwrap_or(Role::Staff);
        Ok(Effect::AddStaff {
            name: self.form.text("name"),
            role,
            passphrase: self.form.get("pass"),
        })
    }
    fn refusal_field(&self) -> &'static str {
        "name"
    }
    fn save_label(&self) -> &'static str {
        "add"
    }
    fn draft(&self) -> Option<(FormDraft, String)> {
        self.form.dirty.then(|| {
            let mut values = self.form.values();
            values.remove("pass");
            (
                FormDraft {
                    screen: "staff_add".into(),
                    context: None,
                    values,
                },
                "New staff account".into(),
            )
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Reset,
    Deactivate,
    Reactivate,
}

/// Reset a passphrase (asked twice), or deactivate or reactivate an account with a reason.
pub struct StaffActionScreen {
    staff_id: i64,
    name: String,
    reset: bool,
    action: Action,
    form: Form,
}

impl StaffActionScreen {
    pub fn reset(s: &Staff) -> StaffActionScreen {
        StaffActionScreen {
            staff_id: s.id,
            name: s.name.clone(),
            reset: true,
            action: Action::Reset,
            form: Form::new(vec![
                Field::secret("pass", "New passphrase", MAX_PASSPHRASE).required(),
                Field::secret("pass2", "New passphrase again", MAX_PASSPHRASE).required(),
            ]),
        }
    }
    pub fn reactivate(s: &Staff) -> StaffActionScreen {
        StaffActionScreen {
            staff_id: s.id,
            name: s.name.clone(),
            reset: false,
            action: Action::Reactivate,
            form: Form::new(vec![
                Field::text("reason", "Reason", 200)
                    .required()
                    .with_hint("For example: back from leave."),
            ]),
        }
    }
    pub fn deactivate(s: &Staff) -> StaffActionScreen {
        StaffActionScreen {
            staff_id: s.id,
            name: s.name.clone(),
            reset: false,
            action: Action::Deactivate,
            form: Form::new(vec![
                Field::text("reason", "Reason", 200)
                    .required()
                    .with_hint("For example: left the home."),
            ]),
        }
    }
}

impl FormSpec for StaffActionScreen {
    fn title(&self) -> String {
        match self.action {
            Action::Reset => format!("New passphrase for {}", safe(&self.name)),
            Action::Deactivate => format!("Deactivate {}", safe(&self.name)),
            Action::Reactivate => format!("Reactivate {}", safe(&self.name)),
        }
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        let (staff_id, reason) = (self.staff_id, self.form.get("reason"));
        match self.action {
            Action::Reset => {
                if self.form.get("pass") != self.form.get("pass2") {
                    self.form
                        .set_error("pass2", "The two passphrases are different. Type them again.");
                    return Err(Outcome::None);
                }
                Ok(Effect::ResetPassphrase {
                    staff_id,
                    passphrase: self.form.get("pass"),
                })
            }
            Action::Deactivate => Ok(Effect::DeactivateStaff { staff_id, reason }),
            Action::Reactivate => Ok(Effect::ReactivateStaff { staff_id, reason }),
        }
    }
    fn refusal_field(&self) -> &'static str {
        if self.reset { "pass" } else { "reason" }
    }
    fn note(&self) -> Option<&'static str> {
        Some(match self.action {
            Action::Reset => {
                "The new passphrase also lifts a lock-out. Tell them in person: they choose their own at sign-in."
            }
            Action::Deactivate => "They will no longer be able to sign in. Their records stay, with their name.",
            Action::Reactivate => "They will be able to sign in again with their passphrase.",
        })
    }
    fn save_label(&self) -> &'static str {
        match self.action {
            Action::Reset => "set passphrase",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
        }
    }
}
