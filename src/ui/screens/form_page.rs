//! One adapter for the form screens. Each form states only its fields (a [`Form`]), its check and the write
//! it asks for ([`FormSpec::submit`]); the keys, paste, what came back from the write, the frame and note,
//! the help bar and the draft kept at a lock are done here once, the same way for every form.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Page;
use crate::ui::form::{Form, FormEvent};
use crate::ui::keymap::{Hint, hint};
use crate::ui::page::{Ctx, Done, Effect, FormDraft, Outcome};

/// What a form screen states about itself; [`Page`] is then made from it.
pub trait FormSpec {
    /// Shown in the title bar and on the form's frame.
    fn title(&self) -> String;
    fn form(&self) -> &Form;
    fn form_mut(&mut self) -> &mut Form;
    /// The write to ask for, once the required fields are filled in; or, with messages set beside the
    /// fields, what to do instead (usually nothing).
    // An outcome lives for one key press: its size does not matter.
    #[allow(clippy::result_large_err)]
    fn submit(&mut self, ctx: &Ctx<'_>) -> Result<Effect, Outcome>;
    /// The field beside which a refusal from the records is shown.
    fn refusal_field(&self) -> &'static str;
    /// The field beside which a message about a field this form does not have is shown.
    fn misplaced_field(&self) -> &'static str {
        self.refusal_field()
    }
    /// A line or two above the fields.
    fn note(&self) -> Option<&'static str> {
        None
    }
    /// What Ctrl+S does, in the help bar.
    fn save_label(&self) -> &'static str {
        "save"
    }
    /// False where the form must be filled in before anything else (Esc does nothing).
    fn can_leave(&self) -> bool {
        true
    }
    /// True where [`FormSpec::submit`] checks every field itself, required ones too (every problem at once).
    fn checks_everything(&self) -> bool {
        false
    }
    /// Whether Enter on the last field saves (else it says Ctrl+S saves).
    fn enter_saves(&self) -> bool {
        true
    }
    /// Esc (when the form [can be left](FormSpec::can_leave)).
    fn leave(&mut self) -> Outcome {
        Outcome::Back
    }
    /// The records refused the write: by default the message goes beside [`FormSpec::refusal_field`].
    fn refused(&mut self, message: String) -> Outcome {
        let field = self.refusal_field();
        self.form_mut().set_error(field, message);
        self.form_mut().focus_first_error();
        Outcome::None
    }
    /// After messages from the records were set beside their fields.
    fn fields_refused(&mut self) -> Outcome {
        Outcome::None
    }
    /// The help bar (the field's own keys follow).
    fn keys(&self) -> Vec<Hint> {
        let mut h = vec![hint("Tab/Enter", "next"), hint("Ctrl+S", self.save_label())];
        if self.can_leave() {
            h.push(hint("Esc", "cancel"));
        }
        h
    }
    /// After the write worked.
    fn saved(&mut self, _ctx: &Ctx<'_>, _id: Option<i64>) -> Outcome {
        Outcome::Back
    }
    /// Unsaved typing to keep as its author's draft at a lock.
    fn draft(&self) -> Option<(FormDraft, String)> {
        None
    }
}

impl<F: FormSpec> Page for F {
    fn title(&self) -> String {
        FormSpec::title(self)
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match self.form_mut().handle_key(key) {
            FormEvent::Done if !self.enter_saves() => Outcome::Flash("That was the last field. Ctrl+S saves.".into()),
            FormEvent::Save | FormEvent::Done => {
                self.form_mut().clear_errors();
                if !self.checks_everything() && !self.form_mut().check_required() {
                    return Outcome::None;
                }
                match self.submit(ctx) {
                    Ok(e) => Outcome::Effect(e),
                    Err(o) => {
                        self.form_mut().focus_first_error();
                        o
                    }
                }
            }
            FormEvent::Cancel if self.can_leave() => self.leave(),
            _ => Outcome::None,
        }
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        self.form_mut().paste(text);
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, d: Done) -> Outcome {
        let elsewhere = self.misplaced_field();
        match d {
            Done::Ok(id) => self.saved(ctx, id),
            Done::Err(e) => self.refused(e),
            Done::Fields(f) => {
                for (k, m) in f {
                    let k = if self.form().has(&k) { k } else { elsewhere.to_string() };
                    self.form_mut().set_error(&k, m);
                }
                self.form_mut().focus_first_error();
                self.fields_refused()
            }
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", FormSpec::title(self)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let form = match self.note() {
            Some(text) => {
                let [note, form] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
                frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), note);
                form
            }
            None => inner,
        };
        self.form().render(frame, form, &ctx.theme);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = self.keys();
        h.extend_from_slice(self.form().field_hints());
        h
    }

    fn form_draft(&self) -> Option<(FormDraft, String)> {
        self.draft()
    }
}
