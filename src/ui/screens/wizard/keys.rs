//! The wizard's keys as data: one table for each kind of step (the danger question, a protocol question, a
//! step's form, the check step) and for the three moments that take any key. The dispatch, the help bar and
//! the F1 page are all made from them.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{Part, Wizard};
use crate::ui::form::FormEvent;
use crate::ui::keymap::k::{DOWN, ENTER, ESC, PGDN, PGUP, TAB, UP, c};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, TYPING, bind};
use crate::ui::page::{Ctx, Outcome};

/// What a key does in the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Act {
    /// Any key: to the menu (saved), or on from CALL 999.
    Any,
    Yes,
    No,
    /// Move the marker between the danger question's two answers.
    Mark,
    /// Choose the answer marked.
    Pick,
    /// Choose an answer by its number.
    Number,
    Up,
    Down,
    Next,
    Back,
    Save,
    /// Leave the wizard (asked first).
    Leave,
    /// A key for the step's form.
    Field,
}

const BACKTAB: KeySpec = KeySpec::Key(KeyCode::BackTab);
const SAVE: &[KeySpec] = &[KeySpec::Ctrl('s'), KeySpec::Key(KeyCode::F(2))];
const DIGITS: &[KeySpec] = &[c('1'), c('2'), c('3'), c('4'), c('5'), c('6'), c('7'), c('8'), c('9')];

/// Saved: any key goes to the menu.
const SAVED: &[Binding<Act>] = &[bind(&[KeySpec::Any], Act::Any, "any key", "menu")];
/// CALL 999 NOW: any key, once the call is made, goes on to record the rest.
const CALL: &[Binding<Act>] = &[bind(&[KeySpec::Any], Act::Any, "any key", "continue")];
/// "Leave the incident?": y leaves (the draft is kept), any other key stays.
const LEAVE: &[Binding<Act>] = &[
    bind(&[c('y'), c('Y')], Act::Yes, "y", "leave (draft kept)"),
    bind(&[KeySpec::Any], Act::No, "n", "stay"),
];
/// Is anyone in immediate danger?
const DANGER: &[Binding<Act>] = &[
    bind(&[c('y'), c('Y')], Act::Yes, "y/n", "someone is in danger now"),
    bind(&[c('n'), c('N')], Act::No, "", "no one is in danger"),
    bind(&[UP, DOWN, TAB, BACKTAB], Act::Mark, "", "move"),
    bind(&[ENTER], Act::Pick, "", "the answer marked"),
    bind(&[ESC], Act::Leave, "Esc", "leave"),
    bind(&[PGDN], Act::Next, "", "next step"),
    bind(SAVE, Act::Save, "", "next step (after y or n)"),
];
/// One of the protocol's questions.
const QUESTION: &[Binding<Act>] = &[
    bind(&[ENTER], Act::Pick, "↑/↓ Enter", "answer"),
    bind(&[UP], Act::Up, "", "move"),
    bind(&[DOWN], Act::Down, "", "move"),
    bind(DIGITS, Act::Number, "", "answer by number"),
    bind(&[ESC, PGUP, BACKTAB], Act::Back, "Esc/PgUp", "back a step"),
    bind(&[PGDN], Act::Next, "", "next step"),
    bind(SAVE, Act::Save, "", "next step"),
];
/// The check step.
const REVIEW: &[Binding<Act>] = &[
    bind(SAVE, Act::Save, "Ctrl+S", "save"),
    bind(&[UP], Act::Up, "↑/↓", "scroll"),
    bind(&[DOWN], Act::Down, "", "scroll"),
    bind(&[ESC, PGUP, BACKTAB], Act::Back, "Esc/PgUp", "back a step"),
    bind(&[PGDN], Act::Next, "", "next step"),
];
/// A step with a form (the child, what happened, the response...).
const SECTION: &[Binding<Act>] = &[
    bind(&[PGDN], Act::Next, "PgDn", "next step"),
    bind(&[ESC, PGUP], Act::Back, "Esc/PgUp", "back a step"),
    bind(&[TAB, ENTER, DOWN], Act::Field, "Tab", "next field"),
    bind(SAVE, Act::Save, "", "next step"),
    bind(
        &[BACKTAB, UP],
        Act::Field,
        "",
        "previous field (on the first: back a step)",
    ),
    bind(&[KeySpec::AnyChar], Act::Field, "", TYPING),
    bind(
        crate::ui::keymap::k::EDITING,
        Act::Field,
        "",
        "edit the text, or choose",
    ),
];

impl Wizard {
    /// The keys that work now.
    fn keys(&self) -> &'static [Binding<Act>] {
        if self.saved.is_some() {
            SAVED
        } else if self.show_999 {
            CALL
        } else if self.confirm_leave {
            LEAVE
        } else {
            match self.part {
                Part::Danger => DANGER,
                Part::Question(_) => QUESTION,
                Part::Review => REVIEW,
                _ => SECTION,
            }
        }
    }

    /// The help bar: the table's keys, and the focused field's own.
    pub(super) fn key_bar(&self) -> Vec<Hint> {
        // The danger question's y and n share one place on the bar.
        let mut h = keymap::bar(self.keys(), |b| {
            Some(if self.part == Part::Danger && b.action == Act::Yes {
                "answer"
            } else {
                b.label
            })
        });
        if let Some(f) = self.form() {
            h.extend_from_slice(f.field_hints());
        }
        h
    }

    /// The F1 page: every key that works now.
    pub(super) fn key_help(&self) -> Vec<Hint> {
        let mut h = keymap::help(self.keys(), |b| Some(b.label));
        if let Some(f) = self.form() {
            h.extend_from_slice(f.field_hints());
        }
        h
    }

    pub(super) fn on_key(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let act = keymap::lookup(self.keys(), &key, |_| true);
        if self.saved.is_some() {
            return Outcome::Menu;
        }
        if self.show_999 {
            // The call is made (or being made): record the rest.
            self.show_999 = false;
            return self.forward(ctx);
        }
        if self.confirm_leave {
            self.confirm_leave = false;
            if act != Some(Act::Yes) {
                return Outcome::None;
            }
            return if self.danger.is_some() || self.draft_id.is_some() {
                self.leaving = true;
                self.save_draft()
            } else {
                Outcome::Back
            };
        }
        let Some(act) = act else {
            return Outcome::None;
        };
        match (self.part.clone(), act) {
            (_, Act::Next) => self.forward(ctx),
            (Part::Review, Act::Save) => self.save(ctx),
            (Part::Danger, Act::Save) => Outcome::Flash("Answer y or n first.".into()),
            (_, Act::Save) => self.forward(ctx),
            (Part::Danger, a) => self.danger_key(ctx, a),
            (Part::Question(id), a) => self.question_key(ctx, &id, a, key),
            (Part::Review, Act::Up) => {
                self.review_scroll = self.review_scroll.saturating_sub(1);
                Outcome::None
            }
            (Part::Review, Act::Down) => {
                let n = super::draw::review_lines(self, ctx).len() as u16;
                self.review_scroll = (self.review_scroll + 1).min(n.saturating_sub(1));
                Outcome::None
            }
            (_, Act::Back) => self.backward(ctx),
            (_, Act::Field) => self.field_key(ctx, key),
            _ => Outcome::None,
        }
    }

    fn danger_key(&mut self, ctx: &Ctx<'_>, act: Act) -> Outcome {
        let yes = match act {
            Act::Yes => true,
            Act::No => false,
            Act::Pick => self.danger_sel == 0,
            Act::Mark => {
                self.danger_sel = 1 - self.danger_sel.min(1);
                return Outcome::None;
            }
            Act::Leave => {
                self.confirm_leave = true;
                return Outcome::None;
            }
            _ => return Outcome::None,
        };
        if yes {
            // Nothing before the banner: no database write, no question.
            self.danger = Some(true);
            self.danger_sel = 0;
            self.show_999 = true;
            Outcome::None
        } else {
            self.danger = Some(false);
            self.forward(ctx)
        }
    }

    fn question_key(&mut self, ctx: &Ctx<'_>, id: &str, act: Act, key: KeyEvent) -> Outcome {
        let Some(step) = ctx.protocol.steps.iter().find(|s| s.id == id) else {
            return self.forward(ctx);
        };
        let n = step.answers.len();
        let chosen = match act {
            Act::Up => {
                self.q_sel = self.q_sel.saturating_sub(1);
                return Outcome::None;
            }
            Act::Down => {
                self.q_sel = (self.q_sel + 1).min(n.saturating_sub(1));
                return Outcome::None;
            }
            Act::Back => return self.backward(ctx),
            Act::Pick => self.q_sel,
            Act::Number => match key.code {
                KeyCode::Char(d) if d.is_ascii_digit() && (d as usize - '1' as usize) < n => {
                    self.q_sel = d as usize - '1' as usize;
                    self.q_sel
                }
                _ => return Outcome::None,
            },
            _ => return Outcome::None,
        };
        if let Some(a) = step.answers.get(chosen) {
            self.answers.insert(id.to_string(), a.id.clone());
        }
        self.forward(ctx)
    }

    /// A key for the step's form; Shift+Tab on its first field goes back a step.
    fn field_key(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let Some(f) = self.form_mut() else {
            return self.backward(ctx);
        };
        if key.code == KeyCode::BackTab && Wizard::first_focus(f) {
            return self.backward(ctx);
        }
        let ev = f.handle_key_at(key, ctx.now);
        self.resync();
        match ev {
            FormEvent::Done => self.forward(ctx),
            FormEvent::Cancel => self.backward(ctx),
            _ => Outcome::None,
        }
    }
}
