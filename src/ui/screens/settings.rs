//! Settings (managers): idle lock, shift times, the export folder and what the weekly file shares.

use ratatui::text::{Line, Span};

use super::form_page::FormSpec;
use crate::ui::form::{Field, Form};
use crate::ui::keymap::{Hint, hint};
use crate::ui::page::{Ctx, Effect, Outcome};

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
    /// The last refusal, shown in full above the form (wrapped, never cut).
    problem: Option<String>,
}

/// Word-wrap `text` to `width` columns; a word longer than a line (a long folder path) is split.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(10);
    let mut lines = vec![];
    let mut cur = String::new();
    let mut cur_w = 0;
    for word in text.split_whitespace() {
        let ww: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if cur_w > 0 && cur_w + 1 + ww > width {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0;
        }
        if cur_w > 0 {
            cur.push(' ');
            cur_w += 1;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if cur_w + cw > width {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push(c);
            cur_w += cw;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

impl SettingsScreen {
    pub fn new(ctx: &Ctx<'_>) -> SettingsScreen {
        let mut form = Form::new(vec![
            Field::text("idle_lock_minutes", "Lock after (minutes)", 3)
                .with_hint("1 to 240 minutes without a key press."),
            Field::text("day_shift_start", "Day shift starts", 5).with_hint("24-hour time, e.g. 07:30."),
            Field::text("night_shift_start", "Night shift starts", 5),
            Field::text("export_folder", "Export folder", 400)
                .with_hint("A network share or synced folder for the weekly file."),
            Field::text("sync_folder", "Sync folder", 400)
                .with_hint("The folder shared with the YOS: weekly files go out, receipts come back."),
            Field::choice("export_identify", "Name in weekly file", share_options())
                .with_hint("Others appear under a stable pseudonym. Follow your information-sharing agreement."),
            Field::choice("export_accounts", "Accounts in weekly file", share_options())
                .with_hint("Whose free-text accounts are included in the weekly file."),
            Field::text("home_name", "Name of the home", 100),
            Field::text("home_ofsted_urn", "Ofsted URN", 20).with_hint("Letters and digits, e.g. SC123456."),
            Field::text("yos_contact_name", "YOS contact name", 100)
                .with_hint("Shown on the \"Who was told\" step and the export screen."),
            Field::text("yos_contact_phone", "YOS contact phone", 30),
            Field::text("yos_contact_email", "YOS contact e-mail", 100),
            Field::choice("protocol", "Protocol", crate::protocol::choices())
                .with_hint("The questions the next incidents follow. Records keep the protocol they were made under."),
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
        SettingsScreen {
            form,
            pending: vec![],
            problem: None,
        }
    }

    fn next_effect(&mut self) -> Outcome {
        match self.pending.first().cloned() {
            Some((key, value)) => Outcome::Effect(Effect::SetSetting { key, value }),
            None => Outcome::Flash("Settings saved.".into()),
        }
    }
}

impl FormSpec for SettingsScreen {
    fn title(&self) -> String {
        "Settings".into()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn barred(&self, ctx: &Ctx<'_>) -> Option<&'static str> {
        (!ctx.is_manager()).then_some("Only a manager can change settings.")
    }

    /// Every setting that differs from what is kept, one effect at a time.
    fn submit(&mut self, ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        self.problem = None;
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
        match self.next_effect() {
            Outcome::Effect(e) => Ok(e),
            _ => Err(Outcome::Flash("Nothing changed.".into())),
        }
    }

    fn refusal_field(&self) -> &'static str {
        "export_folder"
    }

    /// Enter moves on; only Ctrl+S saves (a manager reads a setting before changing the next).
    fn enter_saves(&self) -> bool {
        false
    }

    /// The one setting refused: marked beside it, the message in full above the form.
    fn refused(&mut self, message: String) -> Outcome {
        if let Some((k, _)) = self.pending.first().cloned() {
            self.form.set_error(&k, "Not saved: see the message above.");
            self.form.focus_on(&k);
        }
        self.problem = Some(crate::text::display(&message));
        self.pending.clear();
        Outcome::Flash("Not all settings were saved: see the message.".into())
    }

    /// One setting saved: the next, or all done.
    fn saved(&mut self, _ctx: &Ctx<'_>, _id: Option<i64>) -> Outcome {
        if !self.pending.is_empty() {
            self.pending.remove(0);
        }
        if self.pending.is_empty() {
            self.form.dirty = false;
        }
        self.next_effect()
    }

    fn above(&self, ctx: &Ctx<'_>, width: u16) -> Vec<Line<'static>> {
        let lock = match self.form.get("idle_lock_minutes").trim().parse::<u64>() {
            Ok(m) if (1..=240).contains(&m) => {
                format!(" The screen locks after {} without a key press.", minutes_text(m))
            }
            _ => String::new(),
        };
        let w = usize::from(width);
        let in_use = format!(
            " Protocol in use: {} {}.",
            crate::text::display(&ctx.protocol.id),
            crate::text::display(&ctx.protocol.version)
        );
        let mut lines: Vec<Line<'static>> =
            wrap_text(&format!("Every change is recorded with your name.{lock}{in_use}"), w)
                .into_iter()
                .map(Line::from)
                .collect();
        if let Some(p) = &self.problem {
            lines.extend(
                wrap_text(&format!("! {p}"), w)
                    .into_iter()
                    .map(|l| Line::from(Span::styled(l, ctx.theme.error()))),
            );
        }
        lines
    }

    fn keys(&self) -> Vec<Hint> {
        vec![
            hint("Ctrl+N", "new incident"),
            hint("Tab/Enter", "next"),
            hint("Ctrl+S", "save"),
            hint("Esc", "back"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;
    use crate::store::Store;
    use crate::store::staff::tests::{actor, set_up};
    use crate::ui::page::Session;
    use crate::ui::page::{Done, Page};
    use crate::ui::screens::testing::{ctx, protocol, render};
    use ratatui::crossterm::event::KeyEvent;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    /// A home and its manager, signed in.
    fn manager() -> (Store, Session) {
        let (s, m) = set_up();
        let session = Session {
            staff: m.staff.clone(),
            actor: actor(&m),
        };
        (s, session)
    }

    /// Press Ctrl+S and carry out the effects as the app does; the last flash message.
    fn save(page: &mut SettingsScreen, s: &mut Store, session: &Session, p: &Protocol) -> String {
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        let mut out = page.update(&ctx(s, session, p), ctrl_s);
        loop {
            match out {
                Outcome::Effect(Effect::SetSetting { key, value }) => {
                    let d = match s.set_setting(&session.actor, &key, &value) {
                        Ok(()) => Done::Ok(None),
                        Err(e) => Done::Err(e.to_string()),
                    };
                    out = page.done(&ctx(s, session, p), d);
                }
                Outcome::Flash(m) => return m,
                _ => panic!("unexpected outcome"),
            }
        }
    }

    #[test]
    fn a_manager_corrects_the_home_and_records_the_yos_contact() {
        let (mut s, session) = manager();
        let p = protocol();
        let mut page = SettingsScreen::new(&ctx(&s, &session, &p));
        let screen = render(&page, &ctx(&s, &session, &p));
        assert!(screen.contains("Oak House") && screen.contains("SC123456"), "{screen}");
        page.form.set("home_name", "Oak House Children's Home");
        page.form.set("home_ofsted_urn", "SC654321");
        page.form.set("yos_contact_name", "Kim Officer");
        page.form.set("yos_contact_phone", "01632 960000");
        page.form.set("yos_contact_email", "yos@example.gov.uk");
        assert_eq!(save(&mut page, &mut s, &session, &p), "Settings saved.");
        let h = s.home().unwrap().unwrap();
        assert_eq!(
            (h.name.as_str(), h.ofsted_urn.as_str()),
            ("Oak House Children's Home", "SC654321")
        );
        let by: Vec<(String, String)> = s
            .audit_of_kind("home")
            .unwrap()
            .into_iter()
            .filter(|r| r.action == "update")
            .map(|r| (r.staff_name, r.entity))
            .collect();
        assert_eq!(by.len(), 2, "{by:?}");
        assert!(by.iter().all(|(n, _)| n == "Pat Manager"), "{by:?}");
        assert_eq!(
            crate::store::settings::yos_contact_line(&s).as_deref(),
            Some("YOS: Kim Officer, 01632 960000, yos@example.gov.uk")
        );
        // A URN with a dash is refused with the set-up's words; the home keeps its URN.
        page.form.set("home_ofsted_urn", "SC-1");
        assert!(save(&mut page, &mut s, &session, &p).starts_with("Not all settings were saved"));
        assert_eq!(s.home().unwrap().unwrap().ofsted_urn, "SC654321");
        let screen = render(&page, &ctx(&s, &session, &p));
        assert!(screen.contains("letters and digits only"), "{screen}");
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn an_export_folder_refusal_is_shown_in_full_at_80_columns() {
        let (mut s, session) = manager();
        let p = protocol();
        let mut page = SettingsScreen::new(&ctx(&s, &session, &p));
        let long = "/srv/a-rather-long-network-share-name/weekly-files-for-the-youth-offending-service/missing";
        page.form.set("export_folder", long);
        assert!(save(&mut page, &mut s, &session, &p).starts_with("Not all settings were saved"));
        assert_eq!(s.setting("export_folder").unwrap(), "");
        let screen = render(&page, &ctx(&s, &session, &p));
        let joined: String = screen
            .lines()
            .map(|l| l.trim_start_matches('│').trim_end_matches('│').trim())
            .collect::<Vec<_>>()
            .join("");
        assert!(joined.contains("does not exist. Nothing was changed."), "{screen}");
        assert!(
            joined.contains("weekly-files-for-the-youth-offending-service/missing"),
            "{screen}"
        );
        assert!(screen.lines().all(|l| l.chars().count() <= 80));
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn a_manager_chooses_the_protocol_and_the_change_is_audited() {
        let (mut s, session) = manager();
        let p = protocol();
        let mut page = SettingsScreen::new(&ctx(&s, &session, &p));
        assert_eq!(page.form.get("protocol"), crate::protocol::AUTO);
        let screen = render(&page, &ctx(&s, &session, &p));
        assert!(screen.contains("Protocol in use: t 1."), "{screen}");
        page.form.set("protocol", "london-2025");
        assert_eq!(save(&mut page, &mut s, &session, &p), "Settings saved.");
        assert_eq!(s.setting("protocol").unwrap(), "london-2025");
        let last = s.audit_of_kind("settings").unwrap().pop().unwrap();
        let (who, action, after) = (last.staff_name, last.action, last.after.unwrap_or_default());
        assert_eq!(who, "Pat Manager");
        assert!(action == "insert" || action == "update", "{action}");
        assert!(after.contains("london-2025"), "{after}");
        // Only the protocols listed can be chosen.
        assert!(s.set_setting(&session.actor, "protocol", "/tmp/other.toml").is_err());
        assert_eq!(s.setting("protocol").unwrap(), "london-2025");
        assert!(s.verify().unwrap().is_sound());
    }
}
