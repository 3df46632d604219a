//! First run: the home and its first manager.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Page;
use super::form_page::FormSpec;
use crate::domain::staff::MAX_PASSPHRASE;
use crate::ui::form::{Field, Form};
use crate::ui::keymap::k::{ENTER, ESC};
use crate::ui::keymap::{self, Binding, Hint, bind};
use crate::ui::page::{Ctx, Effect, Outcome};

pub struct SetupScreen {
    form: Form,
}

impl Default for SetupScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl SetupScreen {
    pub fn new() -> SetupScreen {
        SetupScreen {
            form: Form::new(vec![
                Field::text("home", "Name of the home", 100).required(),
                Field::text("urn", "Ofsted URN (optional)", 20).with_hint("Letters and digits, e.g. SC123456."),
                Field::text("manager", "Your name (manager)", 80).required(),
                Field::secret("pass", "Passphrase", MAX_PASSPHRASE)
                    .required()
                    .with_hint("At least 8 characters. A few words you will remember is best."),
                Field::secret("pass2", "Passphrase again", MAX_PASSPHRASE).required(),
            ]),
        }
    }

    /// Records moved from another PC brought the home: show its name (set-up keeps it) and ask for the manager.
    pub fn for_existing_home(name: &str) -> SetupScreen {
        let mut s = SetupScreen::new();
        s.form.set("home", name);
        s.form.focus_on("manager");
        s
    }
}

impl FormSpec for SetupScreen {
    fn title(&self) -> String {
        "First-time set-up".into()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        let p = super::form_page::passphrase_twice(&mut self.form, "The two passphrases are different.");
        let (true, Some(p)) = (self.form.focus_first_error(), p) else {
            return Err(Outcome::None);
        };
        Ok(Effect::Setup {
            home: self.form.text("home"),
            urn: self.form.text("urn"),
            manager: self.form.text("manager"),
            passphrase: p,
            recovery: true,
        })
    }

    fn refusal_field(&self) -> &'static str {
        "home"
    }

    fn above(&self, _ctx: &Ctx<'_>, _width: u16) -> Vec<Line<'static>> {
        vec![
            Line::from(""),
            Line::from("  Welcome. Set up the home and its first manager, who then adds the staff."),
            Line::from("  Records are kept on this computer, in a file only this user account can read."),
            Line::from(""),
        ]
    }

    fn framed(&self) -> bool {
        false
    }

    fn save_label(&self) -> &'static str {
        "set up"
    }

    /// Nothing else can be done before the home is set up.
    fn can_leave(&self) -> bool {
        false
    }

    fn saved(&mut self, _ctx: &Ctx<'_>, _id: Option<i64>) -> Outcome {
        Outcome::Flash("The home is set up. Add your staff from the menu (s).".into())
    }
}

/// A manager's recovery code, shown once: at the end of set-up, and after the code was used (which gives a new
/// one). Only its hash is kept, so it cannot be shown again.
pub struct RecoveryCodeScreen {
    code: String,
}

impl RecoveryCodeScreen {
    pub fn new(code: String) -> RecoveryCodeScreen {
        RecoveryCodeScreen { code }
    }
}

/// The one thing to do here: close it, once the code is written down.
const CODE_KEYS: &[Binding<()>] = &[bind(&[ENTER, ESC], (), "Enter", "I have written it down")];

impl Page for RecoveryCodeScreen {
    fn title(&self) -> String {
        "Your recovery code".into()
    }

    fn update(&mut self, _ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match keymap::lookup(CODE_KEYS, &key, |_| true) {
            Some(()) => Outcome::Back,
            None => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        use ratatui::text::Span;
        use ratatui::widgets::Wrap;
        let t = &ctx.theme;
        let lines = vec![
            Line::from(""),
            Line::from("  Write this recovery code down now and keep it somewhere safe, away from this computer:"),
            Line::from(""),
            Line::from(Span::styled(
                format!("      {}", crate::text::display(&self.code)),
                t.heading(),
            )),
            Line::from(""),
            Line::from(
                "  If you forget your passphrase, or someone keeps typing wrong ones for your account, choose \
                 your name at the sign-in screen and press Ctrl+R: this code lets you set a new passphrase \
                 straight away, even while the account is made to wait.",
            ),
            Line::from(""),
            Line::from("  It is shown only this once. Using it gives you a new one."),
            Line::from(""),
            Line::from("  Press Enter when you have written it down."),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(CODE_KEYS, |b| Some(b.label))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(CODE_KEYS, |b| Some(b.label))
    }

    fn accepts_text(&self) -> bool {
        false
    }
}
