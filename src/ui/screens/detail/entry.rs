//! Adding later information to a saved incident: a small menu of kinds, and one form each. Every entry is
//! attributed to the signed-in person and timed by the store; the saved record itself is never changed.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::lines::correctable;
use crate::domain::*;
use crate::store::incidents::manager_only;
use crate::ui::form::{Form, FormEvent};
use crate::ui::keymap::{self, Hint};
use crate::ui::page::{Ctx, Done, Effect, FormDraft, Outcome};
use crate::ui::screens::Page;
use crate::ui::screens::form_page::{FORM_KEYS, FormKey};
use crate::ui::screens::sections::{self, Problems};
use crate::ui::screens::widgets::safe;

/// The draft value that says which form a kept draft belongs to.
const KIND_KEY: &str = "_kind";
const LONG: usize = 4000;

mod fields;
mod menu;

use fields::{correction_form, fields};
pub use menu::{EntryKind, EntryMenu, MANAGER_ONLY};

pub struct EntryForm {
    id: i64,
    kind: EntryKind,
    child: String,
    form: Form,
    /// The incident's current state when the form opened: to compare and to fill.
    current: IncidentRecord,
    /// The entries so far (the sign-off asks whether Ofsted has been judged on).
    entries: Vec<Entry>,
    /// Reopened after a lock: the detail screen is not underneath, so leaving opens it.
    restored: bool,
    /// The register, for a correction of the child.
    children: Vec<Child>,
    /// Names of the children the record has been filed under, for "now reads".
    child_names: Vec<(String, String)>,
}

impl EntryForm {
    pub fn new(ctx: &Ctx<'_>, id: i64, kind: EntryKind) -> Result<EntryForm, String> {
        if kind.manager_only() && !ctx.is_manager() {
            return Err(MANAGER_ONLY.into());
        }
        let d = ctx.store.incident(id).map_err(|e| e.to_string())?;
        if kind == EntryKind::SignOff && d.current.review.signed_at.is_some() {
            return Err("This incident has already been signed.".into());
        }
        Ok(EntryForm {
            id,
            kind,
            child: d.child.display_name(),
            form: fields(kind, &d, ctx.now),
            children: if kind == EntryKind::Correction {
                ctx.store.list_children(false).unwrap_or_default()
            } else {
                vec![]
            },
            child_names: d.child_names.clone(),
            entries: d.entries,
            current: d.current,
            restored: false,
        })
    }

    pub fn restore(ctx: &Ctx<'_>, d: &FormDraft) -> Option<EntryForm> {
        let kind = EntryKind::from_code(d.values.get(KIND_KEY)?)?;
        let mut s = EntryForm::new(ctx, d.context?, kind).ok()?;
        if let Some(code) = d.values.get("co_field") {
            s.rebuild_correction(code, ctx.now);
        }
        s.form.restore(&d.values);
        s.sync_correction();
        s.form.dirty = true;
        s.restored = true;
        Some(s)
    }

    /// The correction form shows what the chosen field says now, and the input for that kind of field.
    fn sync_correction(&mut self) {
        if self.kind != EntryKind::Correction {
            return;
        }
        let chosen = self.form.get("co_field");
        let now = self.correct_now(&chosen);
        let now = if now.is_empty() && !chosen.is_empty() {
            "(empty)".to_string()
        } else {
            now
        };
        self.form.set("co_now", &now);
    }

    fn correct_now(&self, code: &str) -> String {
        let names = |u: &str| {
            self.child_names
                .iter()
                .find(|(x, _)| x == u)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        CorrectableField::from_code(code)
            .map(|x| crate::text::one_line(&correctable(&self.current, x, &names), 50))
            .unwrap_or_default()
    }

    /// Put the input for the chosen field in place, keeping the reason typed and the cursor where it was.
    fn rebuild_correction(&mut self, code: &str, now: DateTime<Utc>) {
        let chosen = CorrectableField::from_code(code);
        let reason = self.form.get("co_reason");
        let focus = self.form.focus;
        let dirty = self.form.dirty;
        self.form = correction_form(chosen, &self.current, &self.children, now);
        self.form.set("co_reason", &reason);
        self.form.focus = focus.min(self.form.fields.len().saturating_sub(1));
        self.form.dirty = dirty;
        self.sync_correction();
    }

    /// The change the form describes, or the problems to show beside the fields.
    fn read(&self, now: DateTime<Utc>) -> Result<Change, Problems> {
        let f = &self.form;
        let c = &self.current;
        let mut p: Problems = Vec::new();
        let change = match self.kind {
            EntryKind::Police => {
                let police = sections::police_read(f, now, &mut p);
                if p.is_empty() && c.police.as_ref() == Some(&police) {
                    p.push((
                        "po_outcome",
                        "Nothing has changed: change a field, or Esc to go back.".into(),
                    ));
                }
                Change::Police { police }
            }
            EntryKind::Restorative => {
                let restorative = sections::restorative_read(f, &mut p);
                if p.is_empty() && c.restorative.as_ref() == Some(&restorative) {
                    p.push((
                        "rj_held",
                        "Nothing has changed: change a field, or Esc to go back.".into(),
                    ));
                }
                Change::Restorative { restorative }
            }
            EntryKind::InHouse => {
                let in_house = sections::in_house_read(f, &mut p);
                if p.is_empty() && c.in_house.as_ref() == Some(&in_house) {
                    p.push((
                        "ih_done",
                        "Nothing has changed: change a field, or Esc to go back.".into(),
                    ));
                }
                Change::InHouse { in_house }
            }
            EntryKind::Missing => {
                let missing = sections::missing_read(f, now, &mut p);
                if p.is_empty() && c.missing.as_ref() == Some(&missing) {
                    p.push((
                        "mi_back_date",
                        "Nothing has changed: change a field, or Esc to go back.".into(),
                    ));
                }
                Change::Missing { missing }
            }
            EntryKind::Reg35 => {
                let reg35 = sections::reg35_read(f, &mut p);
                if p.is_empty() && c.reg35.as_ref() == Some(&reg35) {
                    p.push((
                        "r35_measure",
                        "Nothing has changed: change a field, or Esc to go back.".into(),
                    ));
                }
                Change::Reg35 { reg35 }
            }
            EntryKind::Notified => {
                let who = NotifyWho::from_code(&f.get("nt_who"));
                if who.is_none() {
                    p.push(("nt_who", "Choose who was told.".into()));
                }
                let at = sections::when(f, "nt_date", "nt_time", now, &mut p).unwrap_or(now);
                if at < c.occurred_at {
                    p.push(("nt_date", "That is before the incident.".into()));
                }
                Change::Notified {
                    notification: Notification {
                        who: who.unwrap_or(NotifyWho::ManagerOnCall),
                        at,
                        note: f.text("nt_note"),
                    },
                }
            }
            EntryKind::ChildView => {
                let text = f.text("cv_text");
                if text.is_empty() {
                    p.push(("cv_text", "Write the child's view, in their words.".into()));
                }
                Change::ChildView {
                    view: ChildView { text, recorded_at: now },
                }
            }
            EntryKind::Correction => {
                let field = CorrectableField::from_code(&f.get("co_field"));
                let reason = f.text("co_reason");
                let same = "That is what it says now: give the corrected value.";
                let mut value = String::new();
                match field {
                    None => p.push(("co_field", "Choose what to correct.".into())),
                    Some(CorrectableField::OccurredAt) => match sections::when(f, "co_date", "co_time", now, &mut p) {
                        Some(t) if t == c.occurred_at => p.push(("co_time", same.into())),
                        Some(t) => value = t.to_rfc3339(),
                        None if p.is_empty() => p.push(("co_date", "Give the date and time.".into())),
                        None => {}
                    },
                    Some(CorrectableField::Child) => {
                        value = f.get("co_child");
                        if value.is_empty() {
                            p.push(("co_child", "Choose the child.".into()));
                        } else if value == c.child_uid {
                            p.push(("co_child", same.into()));
                        }
                    }
                    Some(CorrectableField::Categories) => {
                        value = f.get("co_categories");
                        if value.is_empty() {
                            p.push(("co_categories", "Tick at least one kind of incident.".into()));
                        } else if CorrectableField::Categories.parse(&value)
                            == CorrectableField::Categories.parse(&CorrectableField::Categories.value_of(c))
                        {
                            p.push(("co_categories", same.into()));
                        }
                    }
                    Some(CorrectableField::Response) => {
                        value = f.get("co_response");
                        if value.is_empty() {
                            p.push(("co_response", "Choose the response.".into()));
                        } else if value == c.response.code() {
                            p.push(("co_response", same.into()));
                        }
                    }
                    Some(x) => {
                        value = f.text("co_value");
                        if x != CorrectableField::Account {
                            value = crate::text::clean_line(&value, LONG);
                        }
                        if value.trim() == x.value_of(c).trim() {
                            p.push(("co_value", "That is what it says now: type the corrected text.".into()));
                        }
                        if x == CorrectableField::Account && value.is_empty() {
                            p.push(("co_value", "The account cannot be empty.".into()));
                        }
                    }
                }
                if reason.is_empty() {
                    p.push(("co_reason", "Say why the correction is needed.".into()));
                }
                Change::Correction {
                    field: field.unwrap_or(CorrectableField::Account),
                    value,
                    reason,
                }
            }
            EntryKind::Note => {
                let text = f.text("nb_text");
                if text.is_empty() {
                    p.push(("nb_text", "Write the note.".into()));
                }
                Change::Note { text }
            }
            EntryKind::SpokeToStaff | EntryKind::SpokeToChild => {
                let at = sections::when(f, "sp_date", "sp_time", now, &mut p);
                if at.is_none() && p.is_empty() {
                    p.push(("sp_date", "Give the date and time you spoke.".into()));
                }
                let at = at.unwrap_or(now);
                if at < c.occurred_at {
                    p.push(("sp_date", "That is before the incident.".into()));
                }
                if self.kind == EntryKind::SpokeToStaff {
                    Change::SpokeToStaff { at }
                } else {
                    Change::SpokeToChild { at }
                }
            }
            EntryKind::Ofsted => {
                let v = f.get("of_serious");
                if v.is_empty() {
                    p.push(("of_serious", "Choose yes or no.".into()));
                } else if (v == "yes") == c.ofsted_serious
                    && self
                        .entries
                        .iter()
                        .any(|e| matches!(e.change, Change::OfstedSerious { .. }))
                {
                    // Only a judgement already on the record is a repeat: before the first one, "No" is the
                    // default of the record, not a judgement, and the sign-off waits for one.
                    p.push(("of_serious", "That is the judgement already recorded.".into()));
                }
                Change::OfstedSerious { serious: v == "yes" }
            }
            EntryKind::SignOff => {
                // Regulation 35: the signature follows speaking to the member of staff. Once signed, the
                // reminder to speak to them goes, so it must be on the record first.
                if c.reg35.is_some() && c.review.spoke_to_staff_at.is_none() {
                    p.push((
                        "so_comment",
                        "First record that you spoke to the member of staff (Esc, then r).".into(),
                    ));
                }
                for b in c.sign_off_blockers(&self.entries) {
                    p.push(("so_comment", b));
                }
                Change::SignOff {
                    comment: f.text("so_comment"),
                }
            }
        };
        if p.is_empty() { Ok(change) } else { Err(p) }
    }

    fn leave(&self, ctx: &Ctx<'_>) -> Outcome {
        if self.restored {
            Outcome::Replace(super::open(ctx, self.id))
        } else {
            Outcome::Back
        }
    }
}

impl Page for EntryForm {
    fn title(&self) -> String {
        format!("Incident {} · {}", self.id, self.kind.short())
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let ev = self.form.handle_key(key);
        if self.kind == EntryKind::Missing {
            // "Came back" shows its time and the return interview; "reported" its reference.
            sections::resync(&mut self.form, sections::missing_fields_for);
        }
        match ev {
            FormEvent::Save => {
                self.form.clear_errors();
                let read = self.read(ctx.now);
                if let Err(p) = &read {
                    for (k, m) in p {
                        self.form.set_error(k, m.clone());
                    }
                }
                if !self.form.check_required() {
                    return Outcome::Flash("Not saved: see the messages beside the fields.".into());
                }
                let change = match read {
                    Ok(c) => c,
                    Err(_) => return Outcome::Flash("Not saved: see the messages beside the fields.".into()),
                };
                if manager_only(&change) && !ctx.is_manager() {
                    return Outcome::Flash(MANAGER_ONLY.into());
                }
                Outcome::Effect(Effect::AddEntry {
                    incident_id: self.id,
                    change: Box::new(change),
                })
            }
            FormEvent::Changed => {
                if self.kind == EntryKind::Correction && self.form.focused_key() == "co_field" {
                    let code = self.form.get("co_field");
                    self.rebuild_correction(&code, ctx.now);
                } else {
                    self.sync_correction();
                }
                Outcome::None
            }
            FormEvent::Done => Outcome::Flash("That was the last field. Ctrl+S saves.".into()),
            FormEvent::Cancel => {
                if self.form.dirty {
                    self.form.dirty = false;
                    Outcome::Flash("Unsaved changes: Esc again to discard them, Ctrl+S to save.".into())
                } else {
                    self.leave(ctx)
                }
            }
            FormEvent::None => Outcome::None,
        }
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        self.form.paste(text);
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, d: Done) -> Outcome {
        match d {
            Done::Ok(_) => {
                self.form.dirty = false;
                self.leave(ctx)
            }
            Done::Fields(f) => {
                for (k, m) in f {
                    self.form.set_error(&k, m);
                }
                self.form.focus_first_error();
                Outcome::Flash("Not saved: see the messages beside the fields.".into())
            }
            Done::Err(e) => Outcome::Flash(format!("Not saved: {e}")),
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let block =
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} · {} ", safe(&self.child), self.kind.label()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        let who = ctx.session.map(|s| safe(&s.staff.name)).unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("Added to incident {} as {who}, with the time it is saved.", self.id),
                ctx.theme.muted(),
            )),
            top,
        );
        self.form.render(frame, body, &ctx.theme);
    }

    /// The keys of every form (one table, `form_page::FORM_KEYS`), then the field's own.
    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = keymap::bar(FORM_KEYS, |b| Some(form_key_label(b.action, b.label)));
        h.extend_from_slice(self.form.field_hints());
        h
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = keymap::help(FORM_KEYS, |b| Some(form_key_label(b.action, b.label)));
        h.extend_from_slice(self.form.field_hints());
        h
    }

    fn form_draft(&self) -> Option<(FormDraft, String)> {
        self.form.dirty.then(|| {
            let mut values = self.form.values();
            values.insert(KIND_KEY.into(), self.kind.code().into());
            (
                FormDraft {
                    screen: "entry".into(),
                    context: Some(self.id),
                    values,
                },
                format!("Incident {}: {}", self.id, self.kind.label()),
            )
        })
    }
}

/// Esc leaves an entry's form for the record it belongs to.
fn form_key_label(a: FormKey, label: &'static str) -> &'static str {
    if a == FormKey::Leave { "back" } else { label }
}
