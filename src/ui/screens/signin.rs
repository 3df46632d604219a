//! Sign in on the shared PC: pick your name, type your passphrase. An account made to wait after wrong
//! passphrases says for how long, plainly; a manager can use their recovery code (Ctrl+R) even then.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Page;
use super::form_page::FormSpec;
use super::widgets::{list, safe, step};
use crate::domain::Staff;
use crate::domain::staff::{MAX_PASSPHRASE, plain_wait};
use crate::store::Store;
use crate::store::staff::{Recover, SignIn};
use crate::ui::form::{Field, Form, FormEvent};
use crate::ui::keymap::k::{DOWN, ENTER, ESC, UP};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, bind, hint};
use crate::ui::page::{Ctx, Done, Effect, Outcome};

pub struct SignInScreen {
    staff: Vec<Staff>,
    selected: usize,
    typing: bool,
    pass: Form,
    /// Using a recovery code: the code and a new passphrase, twice.
    recovering: Option<Form>,
    error: Option<String>,
}

/// How long, in plain words, until `until`.
fn wait_words(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    plain_wait(until - now)
}

/// What the sign-in screen says when a passphrase did not sign the person in.
pub fn refusal(r: &SignIn, now: DateTime<Utc>) -> String {
    match r {
        SignIn::Ok(_) => String::new(),
        SignIn::Wrong { tries_left } => format!(
            "Wrong passphrase. {tries_left} more {} before you have to wait between tries.",
            if *tries_left == 1 { "try" } else { "tries" }
        ),
        SignIn::Locked { until } => format!(
            "Wrong passphrase. Wait {} before trying again (until {}). A manager can reset your passphrase.",
            wait_words(*until, now),
            crate::time::show(*until)
        ),
        SignIn::Inactive => "This account has been deactivated.".into(),
    }
}

/// What the sign-in screen says when a recovery code did not work.
pub fn recovery_refusal(r: &Recover, now: DateTime<Utc>) -> String {
    match r {
        Recover::Ok { .. } => String::new(),
        Recover::Wrong { tries_left } => format!(
            "That recovery code is not right. Check it and type it again ({tries_left} more {} before you have \
             to wait between tries).",
            if *tries_left == 1 { "try" } else { "tries" }
        ),
        Recover::Locked { until } => format!(
            "Too many wrong recovery codes. Wait {} before trying again (until {}).",
            wait_words(*until, now),
            crate::time::show(*until)
        ),
        Recover::NoCode => "This account has no recovery code. Ask a manager to reset your passphrase.".into(),
        Recover::Inactive => "This account has been deactivated.".into(),
    }
}

fn recovery_form() -> Form {
    Form::new(vec![
        Field::text("code", "Recovery code", 40)
            .required()
            .with_hint("As written down at set-up, e.g. K7QXM-3PRTA-…"),
        Field::secret("pass", "New passphrase", MAX_PASSPHRASE)
            .required()
            .with_hint("At least 8 characters."),
        Field::secret("pass2", "New passphrase again", MAX_PASSPHRASE).required(),
    ])
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
            recovering: None,
            error: None,
        }
    }

    fn submit_recovery(&mut self) -> Outcome {
        let Some(s) = self.staff.get(self.selected) else {
            return Outcome::None;
        };
        let staff_id = s.id;
        let Some(f) = self.recovering.as_mut() else {
            return Outcome::None;
        };
        f.clear_errors();
        if !f.check_required() {
            return Outcome::None;
        }
        let p = f.get("pass");
        // Said under the form, where a whole sentence fits (the pane is narrow).
        if let Err(e) = crate::domain::staff::validate_passphrase(&p) {
            self.error = Some(e);
            f.focus_on("pass");
            return Outcome::None;
        } else if p != f.get("pass2") {
            self.error = Some("The two new passphrases are different. Type them again.".into());
            f.focus_on("pass2");
            return Outcome::None;
        }
        self.error = None;
        Outcome::Effect(Effect::Recover {
            staff_id,
            code: f.get("code"),
            passphrase: p,
        })
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

/// What a key does on the sign-in screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Up,
    Down,
    Type,
    Jump,
    SignIn,
    Choose,
    Recover,
}

/// Choosing a name: dispatch, help bar and F1 are made from this. Ctrl+R is named on the screen itself.
const CHOOSING: &[Binding<Act>] = &[
    bind(&[UP], Act::Up, "↑/↓", "choose your name"),
    bind(&[DOWN], Act::Down, "", ""),
    bind(&[ENTER], Act::Type, "Enter", "type passphrase"),
    bind(&[KeySpec::Ctrl('r')], Act::Recover, "", "manager's recovery code"),
    bind(&[KeySpec::AnyChar], Act::Jump, "", "jump to the name starting with it"),
];

/// Typing the passphrase (every other key is typed).
const TYPING: &[Binding<Act>] = &[
    bind(&[ENTER], Act::SignIn, "Enter", "sign in"),
    bind(&[ESC], Act::Choose, "Esc", "choose another name"),
    bind(&[KeySpec::Ctrl('r')], Act::Recover, "", "manager's recovery code"),
];

impl Page for SignInScreen {
    fn title(&self) -> String {
        "Sign in".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if let Some(f) = self.recovering.as_mut() {
            if key.code == KeyCode::Esc {
                self.recovering = None;
                self.error = None;
                return Outcome::None;
            }
            return match f.handle_key(key) {
                FormEvent::Save | FormEvent::Done => self.submit_recovery(),
                FormEvent::Cancel => {
                    self.recovering = None;
                    Outcome::None
                }
                _ => Outcome::None,
            };
        }
        let table = if self.typing { TYPING } else { CHOOSING };
        let act = keymap::lookup(table, &key, |a| a != Act::Type || !self.staff.is_empty());
        if act == Some(Act::Recover) {
            if self.staff.get(self.selected).is_some() {
                self.typing = false;
                self.pass = Self::pass_form();
                self.error = None;
                self.recovering = Some(recovery_form());
            }
            return Outcome::None;
        }
        if !self.typing {
            match act {
                Some(Act::Up) => self.selected = step(self.selected, self.staff.len(), false, 1),
                Some(Act::Down) => self.selected = step(self.selected, self.staff.len(), true, 1),
                Some(Act::Type) => {
                    self.typing = true;
                    self.error = None;
                }
                Some(Act::Jump) => {
                    let c = keymap::plain_char(&key).unwrap_or_default();
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
        match act {
            Some(Act::Choose) => {
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
        if let Some(f) = self.recovering.as_mut() {
            f.paste(text);
        } else if self.typing {
            self.pass.paste(text);
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, d: Done) -> Outcome {
        match d {
            Done::Ok(_) => Outcome::None,
            Done::Err(e) => {
                if let Some(f) = self.recovering.as_mut() {
                    f.focus_on("code");
                }
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
                    spans.push(Span::styled(" [WAIT]", t.error()));
                }
                Line::from(spans)
            })
            .collect();
        list(frame, inner, lines, Some(self.selected), t);

        let who = self.staff.get(self.selected);
        if let (Some(f), Some(s)) = (&self.recovering, who) {
            let block = Block::default().borders(Borders::ALL).title(" Recovery code ");
            let inner = block.inner(right);
            frame.render_widget(block, right);
            let [msg, form, err] =
                Layout::vertical([Constraint::Length(3), Constraint::Length(5), Constraint::Min(0)]).areas(inner);
            let wait = ctx
                .store
                .recovery_locked_until(s.id)
                .ok()
                .flatten()
                .filter(|u| *u > ctx.now);
            let mut text = vec![Line::from(vec![
                Span::raw("New passphrase for "),
                Span::styled(safe(&s.name), t.heading()),
            ])];
            match wait {
                Some(u) => text.push(Line::from(Span::styled(
                    format!("! Wait {} before the next recovery code.", wait_words(u, ctx.now)),
                    t.error(),
                ))),
                None => text.push(Line::from("Type your recovery code and a new passphrase.")),
            }
            frame.render_widget(Paragraph::new(text), msg);
            f.render(frame, form, t);
            if let Some(e) = &self.error {
                frame.render_widget(
                    Paragraph::new(Line::from(Span::styled(format!("! {e}"), t.error())))
                        .wrap(ratatui::widgets::Wrap { trim: true }),
                    err,
                );
            }
            return;
        }
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
            errs.push(Line::from(Span::styled("! Too many wrong passphrases.", t.error())));
            errs.push(Line::from(Span::styled(
                format!("Wait {}, then try again.", wait_words(u, ctx.now)),
                t.error(),
            )));
            errs.push(Line::from("A manager can reset your passphrase."));
            errs.push(Line::from("Managers: Ctrl+R for your recovery code."));
        } else if let Some(e) = &self.error {
            errs.push(Line::from(Span::styled(format!("! {e}"), t.error())));
        }
        frame.render_widget(Paragraph::new(errs).wrap(ratatui::widgets::Wrap { trim: true }), err);
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(""),
                Line::from(Span::styled("In an emergency, call 999 first.", t.warning())),
                Line::from(Span::styled("Record it afterwards.", t.muted())),
                Line::from(""),
                Line::from(Span::styled(
                    if who.is_some_and(|s| s.role.is_manager()) {
                        "Passphrase forgotten? Ctrl+R: recovery code."
                    } else {
                        ""
                    },
                    t.muted(),
                )),
            ]),
            rest,
        );
    }

    fn accepts_text(&self) -> bool {
        self.typing || self.recovering.is_some()
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        if self.recovering.is_some() {
            vec![
                hint("Tab/Enter", "next"),
                hint("Ctrl+S", "set passphrase"),
                hint("Esc", "back"),
            ]
        } else {
            keymap::bar(if self.typing { TYPING } else { CHOOSING }, |b| Some(b.label))
        }
    }

    fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        if self.recovering.is_some() {
            return self.hints(ctx);
        }
        keymap::help(if self.typing { TYPING } else { CHOOSING }, |b| Some(b.label))
    }
}

/// Change one's own passphrase: the current one, the new one twice. `must`: asked straight after signing in
/// with a passphrase a manager typed; it cannot be put off (Esc does nothing; Ctrl+L still locks).
pub struct ChangePassphraseScreen {
    must: bool,
    form: Form,
}

impl ChangePassphraseScreen {
    pub fn new(must: bool) -> ChangePassphraseScreen {
        let current = if must { "Passphrase given" } else { "Current passphrase" };
        ChangePassphraseScreen {
            must,
            form: Form::new(vec![
                Field::secret("current", current, MAX_PASSPHRASE).required(),
                Field::secret("pass", "New passphrase", MAX_PASSPHRASE)
                    .required()
                    .with_hint("At least 8 characters. Only you should know it."),
                Field::secret("pass2", "New passphrase again", MAX_PASSPHRASE).required(),
            ]),
        }
    }
}

impl FormSpec for ChangePassphraseScreen {
    fn title(&self) -> String {
        if self.must {
            "Choose your own passphrase".into()
        } else {
            "Change my passphrase".into()
        }
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        let Some(p) = super::form_page::passphrase_twice(
            &mut self.form,
            "The two new passphrases are different. Type them again.",
        ) else {
            return Err(Outcome::None);
        };
        Ok(Effect::ChangeOwnPassphrase {
            current: self.form.get("current"),
            new: p,
        })
    }
    fn refusal_field(&self) -> &'static str {
        "current"
    }
    fn note(&self) -> Option<&'static str> {
        Some(if self.must {
            "A manager set your passphrase, so they know it too. Choose your own before you carry on."
        } else {
            "Type your current passphrase, then the new one twice."
        })
    }
    fn can_leave(&self) -> bool {
        !self.must
    }
}
