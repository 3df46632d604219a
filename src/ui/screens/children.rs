//! The children register: who lives here (and, behind a toggle, who has left), added, edited, discharged.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::form_page::FormSpec;
use super::widgets::{list, safe, step};
use super::{Page, Screen};
use crate::domain::child::{NAME_MAX, SHORT_MAX, WHAT_HELPS_MAX};
use crate::domain::{Child, ChildInput, Ethnicity, Gender, LegalStatus};
use crate::ui::form::{Field, Form, options};
use crate::ui::keymap::k::{DOWN, ENTER, ESC, PGDN, PGUP, UP, c};
use crate::ui::keymap::{self, Binding, Hint, bind, hint};
use crate::ui::page::{Ctx, Effect, FormDraft, Outcome};

pub struct ChildrenScreen {
    children: Vec<Child>,
    selected: usize,
    show_past: bool,
}

impl ChildrenScreen {
    pub fn new(ctx: &Ctx<'_>) -> ChildrenScreen {
        let mut s = ChildrenScreen {
            children: vec![],
            selected: 0,
            show_past: false,
        };
        s.refresh(ctx);
        s
    }
}

/// What a key does on the list of children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Add,
    Edit,
    Discharge,
    Past,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
}

/// The list's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[c('a')], Act::Add, "a", "add"),
    bind(&[ENTER, c('e')], Act::Edit, "Enter", "edit"),
    bind(&[c('d')], Act::Discharge, "d", "discharge"),
    bind(&[c('p')], Act::Past, "p", "show past"),
    bind(&[ESC], Act::Back, "Esc", "back"),
    bind(&[UP], Act::Up, "", ""),
    bind(&[DOWN], Act::Down, "", ""),
    bind(&[PGUP], Act::PageUp, "", ""),
    bind(&[PGDN], Act::PageDown, "", ""),
];

impl ChildrenScreen {
    /// The label for a key now (the `p` key names what it will show), None where it does not apply.
    fn label(&self, b: &Binding<Act>) -> Option<&'static str> {
        match b.action {
            Act::Past if self.show_past => Some("current only"),
            _ => Some(b.label),
        }
    }
}

impl Page for ChildrenScreen {
    fn title(&self) -> String {
        if self.show_past {
            "Children (current and past)".into()
        } else {
            "Children".into()
        }
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.children = ctx.store.list_children(self.show_past).unwrap_or_default();
        self.selected = self.selected.min(self.children.len().saturating_sub(1));
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let Some(act) = keymap::lookup(KEYS, &key, |_| true) else {
            return Outcome::None;
        };
        match act {
            Act::Back => return Outcome::Back,
            Act::NewIncident => return super::new_incident(ctx),
            Act::Up => self.selected = step(self.selected, self.children.len(), false, 1),
            Act::Down => self.selected = step(self.selected, self.children.len(), true, 1),
            Act::PageUp => self.selected = step(self.selected, self.children.len(), false, 10),
            Act::PageDown => self.selected = step(self.selected, self.children.len(), true, 10),
            Act::Past => {
                self.show_past = !self.show_past;
                self.refresh(ctx);
            }
            Act::Add => {
                return Outcome::Push(Screen::new(ChildFormScreen::new(None, ctx.is_manager())));
            }
            Act::Edit => {
                if let Some(c) = self.children.get(self.selected) {
                    return Outcome::Push(Screen::new(ChildFormScreen::new(Some(c), ctx.is_manager())));
                }
            }
            Act::Discharge => {
                if let Some(c) = self.children.get(self.selected) {
                    if c.discharged.is_some() {
                        return Outcome::Flash(format!("{} has already been discharged.", safe(&c.name)));
                    }
                    return Outcome::Push(Screen::new(DischargeScreen::new(c)));
                }
            }
        }
        Outcome::None
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let [left, right] = Layout::horizontal([Constraint::Length(38), Constraint::Min(30)]).areas(area);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", self.title()));
        let inner = block.inner(left);
        frame.render_widget(block, left);
        if self.children.is_empty() {
            frame.render_widget(
                Paragraph::new("No children yet. Press a to add a child.").wrap(Wrap { trim: true }),
                inner,
            );
        } else {
            let today = crate::time::local_date(ctx.now);
            let lines = self
                .children
                .iter()
                .map(|c| {
                    let mut spans = vec![Span::raw(format!(
                        "{} ({})",
                        safe(&c.display_name()),
                        crate::time::age_on(c.dob, today)
                    ))];
                    if c.yos_open {
                        spans.push(Span::styled(" YOS", t.warning()));
                    }
                    if c.discharged.is_some() {
                        spans.push(Span::styled(" left", t.muted()));
                    }
                    Line::from(spans)
                })
                .collect();
            list(frame, inner, lines, Some(self.selected), t);
        }
        let block = Block::default().borders(Borders::ALL).title(" Details ");
        let inner = block.inner(right);
        frame.render_widget(block, right);
        if let Some(c) = self.children.get(self.selected) {
            frame.render_widget(Paragraph::new(child_lines(c, ctx)).wrap(Wrap { trim: false }), inner);
        }
    }

    fn accepts_text(&self) -> bool {
        false
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| self.label(b))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| self.label(b))
    }
}

/// The child's details as lines (also used beside the wizard's questions).
pub fn child_lines(c: &Child, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let today = crate::time::local_date(ctx.now);
    let kv = |k: &str, v: String| Line::from(vec![Span::styled(format!("{k:<18}"), t.muted()), Span::raw(v)]);
    let mut l = vec![
        Line::from(Span::styled(safe(&c.display_name()), t.heading())),
        kv(
            "Born",
            format!(
                "{} (age {})",
                crate::time::show_date(c.dob),
                crate::time::age_on(c.dob, today)
            ),
        ),
        kv("Gender", c.gender.label().into()),
        kv("Ethnicity", c.ethnicity.label().into()),
        kv("Legal status", c.legal_status.label().into()),
        kv("Placing authority", safe(&c.placing_authority)),
        kv(
            "Social worker",
            format!("{} {}", safe(&c.social_worker), safe(&c.social_worker_contact)),
        ),
        kv("Admitted", crate::time::show_date(c.admitted)),
    ];
    if let Some(d) = c.discharged {
        l.push(kv(
            "Discharged",
            format!("{} ({})", crate::time::show_date(d), safe(&c.discharge_reason)),
        ));
    }
    if c.yos_open {
        l.push(Line::from(Span::styled(
            format!(
                "Open to the YOS: worker {}, ref {}",
                safe(&c.yos_worker),
                safe(&c.yos_ref)
            ),
            t.warning(),
        )));
    } else {
        l.push(kv("YOS", "not open".into()));
    }
    l.push(Line::from(""));
    l.push(Line::from(Span::styled("What helps", t.heading())));
    for line in safe(&c.what_helps).lines() {
        l.push(Line::from(line.to_string()));
    }
    l
}

/// Whether a child is open to the YOS changes what the weekly file discloses: a manager decides. Others see it
/// read-only.
fn yos_fields(manager: bool, yos: &(bool, String, String)) -> Vec<Field> {
    if manager {
        return vec![
            Field::toggle("yos_open", "Open to the YOS").with_hint("A manager decides: it changes the weekly file."),
            Field::text("yos_since", "Open since / closed on", 10)
                .with_hint("When the YOS status took effect, day/month/year. Empty: today (new child: admitted)."),
            Field::text("yos_worker", "YOS case worker", NAME_MAX),
            Field::text("yos_ref", "YOS reference", 40),
        ];
    }
    let or_none = |s: &str| {
        if s.is_empty() {
            "none".to_string()
        } else {
            s.to_string()
        }
    };
    vec![
        Field::info(
            "yos_open",
            "Open to the YOS",
            &format!("{} (a manager decides)", if yos.0 { "Yes" } else { "No" }),
        ),
        Field::info("yos_worker", "YOS case worker", &or_none(&yos.1)),
        Field::info("yos_ref", "YOS reference", &or_none(&yos.2)),
    ]
}

fn child_form(manager: bool, yos: &(bool, String, String)) -> Form {
    Form::new(
        [
            Field::text("name", "Full name", NAME_MAX).required(),
            Field::text("preferred_name", "Preferred name", NAME_MAX),
            Field::text("dob", "Date of birth", 10)
                .required()
                .with_hint("Day/month/year, e.g. 01/02/2011."),
            Field::choice("gender", "Gender", options(&Gender::ALL, Gender::code, Gender::label)).required(),
            Field::choice(
                "ethnicity",
                "Ethnicity",
                options(&Ethnicity::ALL, Ethnicity::code, Ethnicity::label),
            )
            .required()
            .with_hint("The census categories. ←/→ to choose, or type the first letter."),
            Field::choice(
                "legal_status",
                "Legal status",
                options(&LegalStatus::ALL, LegalStatus::code, LegalStatus::label),
            )
            .required(),
            Field::text("placing_authority", "Placing authority", SHORT_MAX),
            Field::text("social_worker", "Social worker", NAME_MAX),
            Field::text("social_worker_contact", "Social worker contact", SHORT_MAX),
            Field::text("admitted", "Admitted", 10)
                .required()
                .with_hint("The date the child came to live here."),
        ]
        .into_iter()
        .chain(yos_fields(manager, yos))
        .chain([Field::multiline("what_helps", "What helps", WHAT_HELPS_MAX)
            .with_hint("The behaviour support plan in brief: what calms this child, what to avoid.")])
        .collect(),
    )
}

/// Add or edit a child.
pub struct ChildFormScreen {
    id: Option<i64>,
    form: Form,
    /// A manager may change the YOS fields; anyone else saves them as they are (`yos`).
    manager: bool,
    yos: (bool, String, String),
}

impl ChildFormScreen {
    pub fn new(child: Option<&Child>, manager: bool) -> ChildFormScreen {
        let yos = child
            .map(|c| (c.yos_open, c.yos_worker.clone(), c.yos_ref.clone()))
            .unwrap_or_default();
        let mut form = child_form(manager, &yos);
        if let Some(c) = child {
            form.set("name", &c.name);
            form.set("preferred_name", &c.preferred_name);
            form.set("dob", &crate::time::show_date(c.dob));
            form.set("gender", c.gender.code());
            form.set("ethnicity", c.ethnicity.code());
            form.set("legal_status", c.legal_status.code());
            form.set("placing_authority", &c.placing_authority);
            form.set("social_worker", &c.social_worker);
            form.set("social_worker_contact", &c.social_worker_contact);
            form.set("admitted", &crate::time::show_date(c.admitted));
            if manager {
                form.set("yos_open", if c.yos_open { "yes" } else { "no" });
                form.set("yos_worker", &c.yos_worker);
                form.set("yos_ref", &c.yos_ref);
            }
            form.set("what_helps", &c.what_helps);
            form.dirty = false;
        }
        ChildFormScreen {
            id: child.map(|c| c.id),
            form,
            manager,
            yos,
        }
    }

    pub fn restore(ctx: &Ctx<'_>, d: &FormDraft) -> Option<ChildFormScreen> {
        let child = d.context.and_then(|id| ctx.store.child(id).ok());
        let mut s = ChildFormScreen::new(child.as_ref(), ctx.is_manager());
        s.id = d.context;
        let mut values = d.values.clone();
        if !s.manager {
            // The YOS fields stay as the register has them.
            for k in ["yos_open", "yos_since", "yos_worker", "yos_ref"] {
                values.remove(k);
            }
        }
        s.form.restore(&values);
        s.form.dirty = true;
        Some(s)
    }

    /// The day the YOS status took effect, as typed: None when empty (or not a manager's form), never a day to
    /// come.
    fn yos_since(&self, ctx: &Ctx<'_>) -> Result<Option<chrono::NaiveDate>, String> {
        let typed = if self.manager {
            self.form.get("yos_since")
        } else {
            String::new()
        };
        if typed.trim().is_empty() {
            return Ok(None);
        }
        let d = crate::time::parse_date(&typed)?;
        if d > crate::time::local_date(ctx.now) {
            return Err("The YOS date cannot be in the future.".into());
        }
        Ok(Some(d))
    }

    fn input(&self) -> ChildInput {
        let f = &self.form;
        ChildInput {
            name: f.get("name"),
            preferred_name: f.get("preferred_name"),
            dob: f.get("dob"),
            gender: f.get("gender"),
            ethnicity: f.get("ethnicity"),
            legal_status: f.get("legal_status"),
            placing_authority: f.get("placing_authority"),
            social_worker: f.get("social_worker"),
            social_worker_contact: f.get("social_worker_contact"),
            admitted: f.get("admitted"),
            yos_open: if self.manager { f.yes("yos_open") } else { self.yos.0 },
            yos_worker: if self.manager {
                f.get("yos_worker")
            } else {
                self.yos.1.clone()
            },
            yos_ref: if self.manager {
                f.get("yos_ref")
            } else {
                self.yos.2.clone()
            },
            what_helps: f.get("what_helps"),
        }
    }
}

impl FormSpec for ChildFormScreen {
    fn title(&self) -> String {
        if self.id.is_some() {
            "Edit child".into()
        } else {
            "Add a child".into()
        }
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn submit(&mut self, ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        // Every problem at once, beside its field; the store checks again when saving.
        let input = self.input();
        if let Err(errs) = crate::domain::child::validate_child(&input, crate::time::local_date(ctx.now)) {
            for (k, m) in errs {
                self.form.set_error(k, m);
            }
            return Err(Outcome::Flash(
                "Not saved yet: see the messages beside the fields.".into(),
            ));
        }
        let yos_since = match self.yos_since(ctx) {
            Ok(d) => d,
            Err(m) => {
                self.form.set_error("yos_since", m);
                return Err(Outcome::Flash(
                    "Not saved yet: see the messages beside the fields.".into(),
                ));
            }
        };
        Ok(Effect::SaveChildSince {
            id: self.id,
            input,
            yos_since,
        })
    }
    fn refusal_field(&self) -> &'static str {
        "name"
    }
    fn checks_everything(&self) -> bool {
        true
    }
    fn enter_saves(&self) -> bool {
        false
    }
    fn leave(&mut self) -> Outcome {
        if self.form.dirty {
            // Esc twice discards; the first only warns.
            self.form.dirty = false;
            Outcome::Flash("Unsaved changes: Esc again to discard them, Ctrl+S to save.".into())
        } else {
            Outcome::Back
        }
    }
    fn refused(&mut self, message: String) -> Outcome {
        Outcome::Flash(format!("Not saved: {message}"))
    }
    fn fields_refused(&mut self) -> Outcome {
        Outcome::Flash("Not saved: see the messages beside the fields.".into())
    }
    fn keys(&self) -> Vec<Hint> {
        vec![hint("Tab/Enter", "next"), hint("Ctrl+S", "save"), hint("Esc", "back")]
    }
    fn saved(&mut self, _ctx: &Ctx<'_>, _id: Option<i64>) -> Outcome {
        // Back to the list, which reloads.
        self.form.dirty = false;
        Outcome::Back
    }
    fn draft(&self) -> Option<(FormDraft, String)> {
        self.form.dirty.then(|| {
            (
                FormDraft {
                    screen: "child".into(),
                    context: self.id,
                    values: self.form.values(),
                },
                format!("Child form: {}", self.form.text("name")),
            )
        })
    }
}

/// Discharge a child: date and reason. The child stays in the register under "past".
pub struct DischargeScreen {
    id: i64,
    name: String,
    form: Form,
}

impl DischargeScreen {
    pub fn new(c: &Child) -> DischargeScreen {
        DischargeScreen {
            id: c.id,
            name: c.display_name(),
            form: Form::new(vec![
                Field::text("date", "Date of discharge", 10)
                    .required()
                    .with_hint("Day/month/year."),
                Field::text("reason", "Reason", SHORT_MAX)
                    .required()
                    .with_hint("For example: moved to foster care."),
            ]),
        }
    }
}

impl FormSpec for DischargeScreen {
    fn title(&self) -> String {
        format!("Discharge {}", safe(&self.name))
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        Ok(Effect::DischargeChild {
            id: self.id,
            date: self.form.get("date"),
            reason: self.form.get("reason"),
        })
    }
    fn refusal_field(&self) -> &'static str {
        "reason"
    }
    fn misplaced_field(&self) -> &'static str {
        "date"
    }
    fn note(&self) -> Option<&'static str> {
        Some("Nothing is deleted: the child's records stay, under past children.")
    }
    fn save_label(&self) -> &'static str {
        "discharge"
    }
}
