//! Settings (managers): idle lock, shift times, the export folder and what the weekly file shares.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Page;
use crate::ui::app::{Ctx, Done, Effect, Outcome};
use crate::ui::form::{Field, Form, FormEvent};
use crate::ui::keymap::{Hint, hint};

fn share_options() -> Vec<(String, String)> {
    vec![
        ("yos_open".into(), "Only children open to the YOS".into()),
        ("all".into(), "All children".into()),
        ("none".into(), "No children".into()),
    ]
}

/// `1 minute`, `15 minutes`.
pub fn minutes_text(m: u64) -> String {
    format!("{m} minute{}", if m == 1 { "" } else { "s" })
}

pub struct SettingsScreen {
    form: Form,
    /// Settings still to save, in order; one effect at a time.
    pending: Vec<(String, String)>,
}

impl SettingsScreen {
    pub fn new(ctx: &Ctx<'_>) -> SettingsScreen {
        let mut form = Form::new(vec![
            Field::text("home_name", "Name of the home", 100),
            Field::text("home_ofsted_urn", "Ofsted URN", 20).with_hint("Letters and digits, e.g. SC123456."),
            Field::text("idle_lock_minutes", "Lock after (minutes)", 3)
                .with_hint("1 to 240 minutes without a key press."),
            Field::text("day_shift_start", "Day shift starts", 5).with_hint("24-hour time, e.g. 07:30."),
            Field::text("night_shift_start", "Night shift starts", 5),
            Field::text("export_folder", "Export folder", 400)
                .with_hint("A network share or synced folder for the weekly file."),
            Field::choice("export_identify", "Name in weekly file", share_options())
                .with_hint("Others appear under a stable pseudonym. Follow your information-sharing agreement."),
            Field::choice("export_accounts", "Accounts in weekly file", share_options())
                .with_hint("Whose free-text accounts are included in the weekly file."),
            Field::text("yos_contact_name", "YOS contact name", 100)
                .with_hint("Shown on the \"Who was told\" step and the export screen."),
            Field::text("yos_contact_phone", "YOS contact phone", 30),
            Field::text("yos_contact_email", "YOS contact e-mail", 100),
        ]);
        if let Ok(Some(h)) = ctx.store.home() {
            form.set("home_name", &h.name);
            form.set("home_ofsted_urn", &h.ofsted_urn);
        }
        for (k, _) in crate::store::settings::DEFAULTS {
            if let Ok(v) = ctx.store.setting(k) {
                form.set(k, &v);
            }
        }
        form.dirty = false;
        SettingsScreen { form, pending: vec![] }
    }

    fn next_effect(&mut self) -> Outcome {
        match self.pending.first().cloned() {
            Some((key, value)) => Outcome::Effect(Effect::SetSetting { key, value }),
            None => Outcome::Flash("Settings saved.".into()),
        }
    }
}

impl Page for SettingsScreen {
    fn title(&self) -> String {
        "Settings".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if !ctx.is_manager() {
            return Outcome::Back;
        }
        match self.form.handle_key(key) {
            FormEvent::Save => {
                self.form.clear_errors();
                let home = ctx.store.home().ok().flatten();
                let mut pending: Vec<(String, String)> = vec![];
                if let Some(h) = &home {
                    for (k, now) in [("home_name", &h.name), ("home_ofsted_urn", &h.ofsted_urn)] {
                        let v = self.form.get(k);
                        if v.trim() != now.as_str() {
                            pending.push((k.to_string(), v));
                        }
                    }
                }
                pending.extend(
                    crate::store::settings::DEFAULTS
                        .iter()
                        .map(|(k, _)| (k.to_string(), self.form.get(k)))
                        .filter(|(k, v)| ctx.store.setting(k).ok().as_deref() != Some(v.as_str())),
                );
                self.pending = pending;
                if self.pending.is_empty() {
                    return Outcome::Flash("Nothing changed.".into());
                }
                self.next_effect()
            }
            FormEvent::Cancel => Outcome::Back,
            _ => Outcome::None,
        }
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        self.form.paste(text);
        Outcome::None
    }

    fn done(&mut self, _ctx: &Ctx<'_>, d: Done) -> Outcome {
        match d {
            Done::Ok(_) => {
                if !self.pending.is_empty() {
                    self.pending.remove(0);
                }
                if self.pending.is_empty() {
                    self.form.dirty = false;
                }
                self.next_effect()
            }
            Done::Err(e) => {
                if let Some((k, _)) = self.pending.first().cloned() {
                    self.form.set_error(&k, e);
                    self.form.focus_on(&k);
                }
                self.pending.clear();
                Outcome::Flash("Not all settings were saved: see the message.".into())
            }
            Done::Fields(_) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        if !ctx.is_manager() {
            frame.render_widget(Paragraph::new("Only a manager can change settings."), area);
            return;
        }
        let block = Block::default().borders(Borders::ALL).title(" Settings ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [note, form] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        let lock = match self.form.get("idle_lock_minutes").trim().parse::<u64>() {
            Ok(m) if (1..=240).contains(&m) => {
                format!(" The screen locks after {} without a key press.", minutes_text(m))
            }
            _ => String::new(),
        };
        frame.render_widget(
            Paragraph::new(format!("Every change is recorded with your name.{lock}"))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            note,
        );
        self.form.render(frame, form, &ctx.theme);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = vec![hint("Tab/Enter", "next"), hint("Ctrl+S", "save"), hint("Esc", "back")];
        h.extend_from_slice(self.form.field_hints());
        h
    }
}
