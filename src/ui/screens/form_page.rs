//! One adapter for the form screens. Each form states only its fields (a [`Form`]), its check and the write
//! it asks for ([`FormSpec::submit`]); the keys, paste, what came back from the write, the frame and note,
//! the help bar and the draft kept at a lock are done here once, the same way for every form.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Page;
use crate::ui::form::{Form, FormEvent};
use crate::ui::keymap::k::{DOWN, ENTER, ESC, TAB, UP};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, bind};
use crate::ui::page::{Ctx, Done, Effect, FormDraft, Outcome};

/// What the keys of every form do; the field in focus takes the rest (its own keys follow on the help bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    Next,
    Previous,
    Save,
    Leave,
    Type,
    Edit,
}

const BACKTAB: KeySpec = KeySpec::Key(KeyCode::BackTab);

/// The keys of every form: the help bar and the F1 page are made from this table, and Ctrl+S and Esc are
/// dispatched from it; the others go on to the field in focus.
pub const FORM_KEYS: &[Binding<FormKey>] = &[
    bind(&[TAB, ENTER, DOWN], FormKey::Next, "Tab/Enter", "next"),
    bind(&[BACKTAB, UP], FormKey::Previous, "", "previous field"),
    bind(
        &[KeySpec::Ctrl('s'), KeySpec::Key(KeyCode::F(2))],
        FormKey::Save,
        "Ctrl+S",
        "save",
    ),
    bind(&[ESC], FormKey::Leave, "Esc", "cancel"),
    bind(&[KeySpec::AnyChar], FormKey::Type, "", keymap::TYPING),
    bind(
        crate::ui::keymap::k::EDITING,
        FormKey::Edit,
        "",
        "edit the text, or choose",
    ),
];

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
    /// Lines above the fields worked out as the screen is drawn, `width` columns wide (where there is no
    /// [note](FormSpec::note)); as many as fit above three rows of fields.
    fn above(&self, _ctx: &Ctx<'_>, _width: u16) -> Vec<Line<'static>> {
        vec![]
    }
    /// False where the form is drawn without a frame and title (first-run set-up).
    fn framed(&self) -> bool {
        true
    }
    /// Why this person cannot use the form at all, if they cannot: shown instead of it, and any key goes back.
    fn barred(&self, _ctx: &Ctx<'_>) -> Option<&'static str> {
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
        keymap::bar(FORM_KEYS, |b| self.label(b.action))
    }
    /// What a form key does on this form (None: nothing here).
    fn label(&self, a: FormKey) -> Option<&'static str> {
        match a {
            FormKey::Save => Some(self.save_label()),
            FormKey::Leave if !self.can_leave() => None,
            _ => Some(FORM_KEYS.iter().find(|b| b.action == a).map_or("", |b| b.label)),
        }
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
        if self.barred(ctx).is_some() {
            return Outcome::Back;
        }
        let action = keymap::lookup(FORM_KEYS, &key, |a| matches!(a, FormKey::Save | FormKey::Leave));
        let event = match action {
            Some(FormKey::Save) => FormEvent::Save,
            Some(FormKey::Leave) => FormEvent::Cancel,
            _ => self.form_mut().handle_key(key),
        };
        match event {
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
        if let Some(why) = self.barred(ctx) {
            frame.render_widget(Paragraph::new(why), area);
            return;
        }
        let inner = if self.framed() {
            let block = Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", FormSpec::title(self)));
            let inner = block.inner(area);
            frame.render_widget(block, area);
            inner
        } else {
            area
        };
        let form = match self.note() {
            Some(text) => {
                let [note, form] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
                frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), note);
                form
            }
            None => {
                let lines = self.above(ctx, inner.width);
                if lines.is_empty() {
                    inner
                } else {
                    let h = u16::try_from(lines.len())
                        .unwrap_or(u16::MAX)
                        .min(inner.height.saturating_sub(3));
                    let [top, form] = Layout::vertical([Constraint::Length(h), Constraint::Min(1)]).areas(inner);
                    frame.render_widget(Paragraph::new(lines), top);
                    form
                }
            }
        };
        self.form().render(frame, form, &ctx.theme);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = self.keys();
        h.extend_from_slice(self.form().field_hints());
        h
    }

    /// Every form key that works here, each key named ("typing" for the characters typed), then the field's.
    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = keymap::help(FORM_KEYS, |b| self.label(b.action));
        h.extend_from_slice(self.form().field_hints());
        h
    }

    fn form_draft(&self) -> Option<(FormDraft, String)> {
        self.draft()
    }
}

/// A new passphrase typed twice (fields `pass` and `pass2`): the passphrase, or None with the problem beside
/// its field (too weak, or the two differ: `differ` says so).
pub fn passphrase_twice(form: &mut Form, differ: &'static str) -> Option<String> {
    let p = form.get("pass");
    if let Err(e) = crate::domain::staff::validate_passphrase(&p) {
        form.set_error("pass", e);
        return None;
    }
    if p != form.get("pass2") {
        form.set_error("pass2", differ);
        return None;
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::staff::tests::{actor, set_up};
    use crate::ui::form::Field;
    use crate::ui::page::Session;
    use crate::ui::screens::testing::{ctx, protocol, render};
    use ratatui::crossterm::event::KeyCode;

    /// A form of one field whose hooks say what the tests ask of them.
    struct Probe {
        form: Form,
        framed: bool,
        above: bool,
        barred: bool,
    }

    impl Probe {
        fn new() -> Probe {
            Probe {
                form: Form::new(vec![Field::text("name", "Name", 20)]),
                framed: true,
                above: false,
                barred: false,
            }
        }
    }

    impl FormSpec for Probe {
        fn title(&self) -> String {
            "Probe form".into()
        }
        fn form(&self) -> &Form {
            &self.form
        }
        fn form_mut(&mut self) -> &mut Form {
            &mut self.form
        }
        fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
            Err(Outcome::None)
        }
        fn refusal_field(&self) -> &'static str {
            "name"
        }
        fn above(&self, _ctx: &Ctx<'_>, width: u16) -> Vec<Line<'static>> {
            if self.above {
                vec![Line::from(format!("A line worked out {width} wide."))]
            } else {
                vec![]
            }
        }
        fn framed(&self) -> bool {
            self.framed
        }
        fn barred(&self, _ctx: &Ctx<'_>) -> Option<&'static str> {
            self.barred.then_some("Not for you.")
        }
    }

    fn session() -> (crate::store::Store, Session) {
        let (s, m) = set_up();
        let session = Session {
            staff: m.staff.clone(),
            actor: actor(&m),
        };
        (s, session)
    }

    #[test]
    fn lines_above_the_fields_are_drawn_at_the_width_there_is() {
        let (s, session) = session();
        let p = protocol();
        let c = ctx(&s, &session, &p);
        let mut page = Probe::new();
        assert!(!render(&page, &c).contains("A line worked out"));
        page.above = true;
        let shown = render(&page, &c);
        // 80 columns less the frame's two.
        assert!(shown.contains("A line worked out 78 wide."), "{shown}");
        let above = shown.find("A line worked out").unwrap();
        assert!(above < shown.find("Name").unwrap(), "{shown}");
    }

    #[test]
    fn an_unframed_form_has_no_border_and_no_title() {
        let (s, session) = session();
        let p = protocol();
        let c = ctx(&s, &session, &p);
        let mut page = Probe::new();
        let shown = render(&page, &c);
        assert!(shown.contains(" Probe form ") && shown.contains('┌'), "{shown}");
        page.framed = false;
        let shown = render(&page, &c);
        assert!(!shown.contains("Probe form") && !shown.contains('┌'), "{shown}");
        assert!(shown.contains("Name"), "{shown}");
    }

    #[test]
    fn a_barred_form_says_why_and_any_key_goes_back() {
        let (s, session) = session();
        let p = protocol();
        let c = ctx(&s, &session, &p);
        let mut page = Probe::new();
        page.barred = true;
        let shown = render(&page, &c);
        assert!(shown.contains("Not for you.") && !shown.contains("Name"), "{shown}");
        assert!(matches!(
            page.update(&c, KeyEvent::from(KeyCode::Char('x'))),
            Outcome::Back
        ));
        assert_eq!(page.form.text("name"), "", "nothing typed into a barred form");
        page.barred = false;
        assert!(matches!(
            page.update(&c, KeyEvent::from(KeyCode::Char('x'))),
            Outcome::None
        ));
        assert_eq!(page.form.text("name"), "x");
    }
}
