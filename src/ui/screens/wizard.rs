//! The incident wizard (issue 3): one step per screen, walked through the area's protocol.
//!
//! Immediate danger comes first and a "yes" shows CALL 999 NOW before anything else (no database write
//! stands in front of it). Then the child, when and where; what happened; what was tried; the protocol's
//! questions one per screen (steps answered from facts are shown in the path, not asked); the response with
//! the protocol's recommendation; its details; missing/absent when ticked; regulation 35; who was told; the
//! child's view; a review; Ctrl+S saves. Every step moved through is kept as a draft, so a lock, a crash or a
//! power cut loses nothing.
//!
//! Keys: PgDn or Ctrl+S (F2) next step, PgUp previous step (also Shift+Tab on a step's first field and Esc
//! after step 1), Tab/Enter next field, ↑/↓ and Enter (or 1-9) in the protocol's answer lists, y/n on the
//! danger question, Ctrl+S on the review saves.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Page, Screen, sections};
use crate::domain::*;
use crate::protocol::{Protocol, Walk};
use crate::store::drafts::{Draft, INCIDENT};
use crate::ui::form::{Field, Form, Value};
use crate::ui::page::{Ctx, Effect, FormDraft, Outcome};

/// The protocol walker the wizard uses: [`crate::protocol::walk`] (tests may put a fake in its place).
pub type Walker = for<'p> fn(&'p Protocol, &BTreeMap<String, String>, &BTreeMap<String, String>) -> Walk<'p>;

/// One screen of the wizard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Danger,
    About,
    What,
    Calm,
    Question(String),
    Response,
    Details,
    Missing,
    Reg35,
    Notify,
    View,
    Review,
}

impl Part {
    fn title(&self) -> &'static str {
        match self {
            Part::Danger => "Immediate danger",
            Part::About => "Child, when and where",
            Part::What => "What happened",
            Part::Calm => "What was tried to calm things",
            Part::Question(_) => "The protocol",
            Part::Response => "The response",
            Part::Details => "The response in detail",
            Part::Missing => "Missing or absent",
            Part::Reg35 => "Control, discipline or restraint (reg 35)",
            Part::Notify => "Who was told",
            Part::View => "The child's view",
            Part::Review => "Check and save",
        }
    }
}

/// What the wizard keeps in a draft: every value typed, the protocol's answers and the step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub uid: String,
    pub part: Part,
    pub danger: Option<bool>,
    pub values: BTreeMap<String, String>,
    pub answers: BTreeMap<String, String>,
    /// The field the cursor was in, so a kept draft comes back there (older drafts: the step's first field).
    #[serde(default)]
    pub focus: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    Nothing,
    Draft,
    Incident,
}

/// The facts the protocol's automatic steps are answered from.
pub fn facts(
    danger: bool,
    categories: &[Category],
    injuries: &str,
    involved: &[Involved],
    yos_open: bool,
) -> BTreeMap<String, String> {
    let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
    let victim = involved
        .iter()
        .find(|p| p.role == InvolvedAs::Victim)
        .map(|p| p.kind.code())
        .unwrap_or(if categories.contains(&Category::CriminalDamage) {
            "home"
        } else {
            "none"
        });
    BTreeMap::from([
        ("immediate_danger".to_string(), yn(danger)),
        (
            "missing_or_absent".to_string(),
            yn(categories.contains(&Category::MissingOrAbsent)),
        ),
        ("weapon".to_string(), yn(categories.contains(&Category::Weapon))),
        ("injury".to_string(), yn(!injuries.trim().is_empty())),
        ("victim".to_string(), victim.to_string()),
        ("yos_open".to_string(), yn(yos_open)),
    ])
}

/// A whole number of pounds: "120", "£1,200". Empty is None.
pub fn parse_pounds(s: &str) -> Result<Option<u32>, String> {
    let t: String = s.trim().trim_start_matches('£').chars().filter(|c| *c != ',').collect();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>()
        .map(Some)
        .map_err(|_| "Whole pounds only, for example 120.".to_string())
}

pub struct Wizard {
    walker: Walker,
    uid: String,
    draft_id: Option<i64>,
    part: Part,
    danger: Option<bool>,
    danger_sel: usize,
    show_999: bool,
    confirm_leave: bool,
    leaving: bool,
    waiting: Waiting,
    children: Vec<Child>,
    about: Form,
    what: Form,
    calm: Form,
    answers: BTreeMap<String, String>,
    q_sel: usize,
    response: Form,
    in_house: Form,
    restorative: Form,
    police: Form,
    missing: Form,
    reg35: Form,
    notify: Form,
    view: Form,
    review_scroll: u16,
    problems: Vec<(Part, String)>,
    /// What the saved record will leave outstanding from "Who was told" and the missing episode (the check step
    /// lists them as outstanding, not as missing information).
    outstanding: Vec<String>,
    saved: Option<i64>,
}

/// Start a new incident.
pub fn start(ctx: &Ctx<'_>) -> Screen {
    Screen::new(Wizard::new(ctx, crate::protocol::walk))
}

/// Carry on with a saved draft.
pub fn resume(ctx: &Ctx<'_>, d: &Draft) -> Option<Screen> {
    let s: Saved = serde_json::from_str(&d.payload).ok()?;
    let mut w = Wizard::new(ctx, crate::protocol::walk);
    w.load(ctx, &s);
    w.draft_id = Some(d.id);
    Some(Screen::new(w))
}

/// Back after a lock.
pub fn restore(ctx: &Ctx<'_>, d: &FormDraft) -> Option<Screen> {
    let s: Saved = serde_json::from_str(d.values.get("state")?).ok()?;
    let mut w = Wizard::new(ctx, crate::protocol::walk);
    w.load(ctx, &s);
    w.draft_id = d.context;
    Some(Screen::new(w))
}

impl Wizard {
    pub fn new(ctx: &Ctx<'_>, walker: Walker) -> Wizard {
        let children = ctx.store.list_children(false).unwrap_or_default();
        let about = about_form(&children, ctx.now);
        let what = people_lists(what_form(), &children, &ctx.store.list_staff(false).unwrap_or_default());
        Wizard {
            walker,
            uid: new_uid(),
            draft_id: None,
            part: Part::Danger,
            danger: None,
            danger_sel: 0,
            show_999: false,
            confirm_leave: false,
            leaving: false,
            waiting: Waiting::Nothing,
            children,
            about,
            what,
            calm: calm_form(),
            answers: BTreeMap::new(),
            q_sel: 0,
            response: response_form(),
            in_house: Form::new(sections::in_house_fields()),
            restorative: Form::new(sections::restorative_fields()),
            police: Form::new(sections::police_fields()),
            missing: Form::new(sections::missing_fields()),
            reg35: reg35_form(),
            notify: notify_form(),
            view: view_form(),
            review_scroll: 0,
            problems: vec![],
            outstanding: vec![],
            saved: None,
        }
    }

    fn forms(&self) -> [&Form; 11] {
        [
            &self.about,
            &self.what,
            &self.calm,
            &self.response,
            &self.in_house,
            &self.restorative,
            &self.police,
            &self.missing,
            &self.reg35,
            &self.notify,
            &self.view,
        ]
    }

    /// Everything typed and chosen, as kept in a draft.
    pub fn saved(&self) -> Saved {
        let mut values = BTreeMap::new();
        for f in self.forms() {
            values.extend(f.values());
        }
        Saved {
            uid: self.uid.clone(),
            part: self.part.clone(),
            danger: self.danger,
            values,
            answers: self.answers.clone(),
            focus: self.form().map(|f| f.focused_key().to_string()),
        }
    }

    fn load(&mut self, ctx: &Ctx<'_>, s: &Saved) {
        self.uid = s.uid.clone();
        self.danger = s.danger;
        self.answers = s.answers.clone();
        // The fields these steps show depend on their answers.
        self.missing = Form::new(sections::missing_fields_for(&s.values));
        self.notify = Form::new(notify_build(&s.values));
        for f in [
            &mut self.about,
            &mut self.what,
            &mut self.calm,
            &mut self.response,
            &mut self.in_house,
            &mut self.restorative,
            &mut self.police,
            &mut self.missing,
            &mut self.reg35,
            &mut self.notify,
            &mut self.view,
        ] {
            f.restore(&s.values);
        }
        let parts = self.parts(ctx);
        self.part = if parts.contains(&s.part) {
            s.part.clone()
        } else {
            // A question no longer on the path: the last step that is.
            parts
                .iter()
                .rev()
                .find(|p| matches!(p, Part::Question(_)))
                .cloned()
                .unwrap_or(Part::Calm)
        };
        self.enter_part(ctx);
        if self.part == s.part
            && let (Some(k), Some(f)) = (&s.focus, self.form_mut())
        {
            f.focus_on(k);
        }
    }

    fn child(&self) -> Option<&Child> {
        let uid = self.about.get("child");
        self.children.iter().find(|c| c.uid == uid)
    }

    fn categories(&self) -> Vec<Category> {
        self.what
            .get("categories")
            .split(',')
            .filter_map(Category::from_code)
            .collect()
    }

    /// Someone picked from the home's lists: their kind and name; None when typed (or nobody).
    fn listed_person(&self, key: &str) -> Option<(PersonKind, String)> {
        let v = self.what.get(key);
        let name = self
            .what
            .field(key)
            .map(shown_value)
            .and_then(|l| l.rsplit_once(" (").map(|(n, _)| n.to_string()))?;
        if v.starts_with("staff:") {
            Some((PersonKind::Staff, name))
        } else if v.starts_with("child:") {
            Some((PersonKind::Child, name))
        } else {
            None
        }
    }

    fn involved(&self) -> Vec<Involved> {
        PEOPLE
            .iter()
            .filter_map(|(k, n, r)| {
                let (kind, name) = match self.listed_person(k) {
                    Some(x) => x,
                    None => (PersonKind::from_code(&self.what.get(k))?, self.what.text(n)),
                };
                let role = match self.what.get(r).as_str() {
                    "victim" | "victim_self" => InvolvedAs::Victim,
                    "witness" => InvolvedAs::Witness,
                    _ => InvolvedAs::Other,
                };
                Some(Involved {
                    kind,
                    name,
                    role,
                    reports_to_police: self.what.get(r) == "victim_self",
                })
            })
            .collect()
    }

    fn missing_ticked(&self) -> bool {
        self.categories().contains(&Category::MissingOrAbsent)
    }

    fn yos_open(&self) -> bool {
        self.child().is_some_and(|c| c.yos_open)
    }

    pub fn facts(&self) -> BTreeMap<String, String> {
        facts(
            self.danger == Some(true),
            &self.categories(),
            &self.what.text("injuries"),
            &self.involved(),
            self.yos_open(),
        )
    }

    fn walk<'p>(&self, p: &'p Protocol) -> Walk<'p> {
        (self.walker)(p, &self.facts(), &self.answers)
    }

    /// The steps, as far as they are known now (the protocol's path depends on the answers).
    pub fn parts(&self, ctx: &Ctx<'_>) -> Vec<Part> {
        let w = self.walk(ctx.protocol);
        let mut v = vec![Part::Danger, Part::About, Part::What, Part::Calm];
        for s in w.path.iter().filter(|s| !s.automatic) {
            v.push(Part::Question(s.step_id.clone()));
        }
        if let Some(p) = w.pending {
            v.push(Part::Question(p.id.clone()));
        }
        v.push(Part::Response);
        v.push(Part::Details);
        if self.missing_ticked() {
            v.push(Part::Missing);
        }
        v.extend([Part::Reg35, Part::Notify, Part::View, Part::Review]);
        v
    }

    fn chosen(&self) -> Option<Response> {
        Response::from_code(&self.response.get("response"))
    }

    fn occurred(&self, ctx: &Ctx<'_>) -> Option<DateTime<Utc>> {
        sections::when(&self.about, "date", "time", ctx.now, &mut vec![])
    }

    fn details_form(&self) -> Option<&Form> {
        match self.chosen()? {
            Response::InHouse => Some(&self.in_house),
            Response::Restorative => Some(&self.restorative),
            Response::Police => Some(&self.police),
        }
    }

    fn form_mut(&mut self) -> Option<&mut Form> {
        Some(match self.part {
            Part::About => &mut self.about,
            Part::What => &mut self.what,
            Part::Calm => &mut self.calm,
            Part::Response => &mut self.response,
            Part::Details => match self.chosen()? {
                Response::InHouse => &mut self.in_house,
                Response::Restorative => &mut self.restorative,
                Response::Police => &mut self.police,
            },
            Part::Missing => &mut self.missing,
            Part::Reg35 => &mut self.reg35,
            Part::Notify => &mut self.notify,
            Part::View => &mut self.view,
            _ => return None,
        })
    }

    fn form(&self) -> Option<&Form> {
        Some(match self.part {
            Part::About => &self.about,
            Part::What => &self.what,
            Part::Calm => &self.calm,
            Part::Response => &self.response,
            Part::Details => self.details_form()?,
            Part::Missing => &self.missing,
            Part::Reg35 => &self.reg35,
            Part::Notify => &self.notify,
            Part::View => &self.view,
            _ => return None,
        })
    }

    /// Make the step's fields match its answers (a time or why appears only when needed).
    fn resync(&mut self) {
        match self.part {
            Part::Notify => sections::resync(&mut self.notify, notify_build),
            Part::Missing => sections::resync(&mut self.missing, sections::missing_fields_for),
            _ => {}
        }
    }

    fn title_for_draft(&self) -> String {
        let who = self
            .child()
            .map(|c| c.display_name())
            .unwrap_or_else(|| "Incident (no child chosen yet)".into());
        format!("{who} {} {}", self.about.text("date"), self.about.text("time"))
    }

    fn save_draft(&mut self) -> Outcome {
        let payload = match serde_json::to_string(&self.saved()) {
            Ok(p) => p,
            Err(e) => return Outcome::Flash(format!("Could not keep the draft: {e}")),
        };
        self.waiting = Waiting::Draft;
        Outcome::Effect(Effect::SaveDraft {
            id: self.draft_id,
            kind: INCIDENT.into(),
            title: self.title_for_draft(),
            payload,
        })
    }

    /// Set up a step as it is shown: the cursor on the current answer, defaults filled in.
    fn enter_part(&mut self, ctx: &Ctx<'_>) {
        self.review_scroll = 0;
        match self.part.clone() {
            Part::Danger => self.danger_sel = if self.danger == Some(false) { 1 } else { 0 },
            Part::Question(id) => {
                self.q_sel = ctx
                    .protocol
                    .steps
                    .iter()
                    .find(|s| s.id == id)
                    .and_then(|s| {
                        let a = self.answers.get(&id)?;
                        s.answers.iter().position(|x| &x.id == a)
                    })
                    .unwrap_or(0);
            }
            Part::Response => {
                if self.chosen().is_none()
                    && let Some(r) = self.walk(ctx.protocol).outcome
                {
                    self.response.set("response", r.response.code());
                }
            }
            Part::Details if self.chosen() == Some(Response::Police) && self.police.get("po_route").is_empty() => {
                if self.danger == Some(true) {
                    self.police.set("po_route", "999");
                }
                if self.missing_ticked() {
                    self.police.set("po_reason", "missing");
                }
            }
            Part::Missing if self.chosen() == Some(Response::Police) && self.missing.get("mi_reported").is_empty() => {
                // The police were called: the episode says so, with what is already known.
                let mut v = self.missing.values();
                v.insert("mi_reported".into(), "yes".into());
                v.entry("mi_ref".into()).or_insert_with(|| self.police.text("po_ref"));
                let called = format!("{} {}", self.police.text("po_date"), self.police.text("po_time"));
                v.entry("mi_rep_at".into()).or_insert_with(|| called.trim().to_string());
                self.missing = Form::new(sections::missing_fields_for(&v));
                self.missing.restore(&v);
            }
            Part::Reg35 => self.prefill_reg35(),
            Part::Review => {
                let r = self.record(ctx);
                self.outstanding = match &r {
                    Ok(rec) => outstanding_of(rec, self.yos_open()),
                    Err(_) => vec![],
                };
                self.problems = r.err().unwrap_or_default();
            }
            _ => {}
        }
    }

    /// Regulation 35 asks again for what the record already says: what was tried to avoid the measure, injuries
    /// and treatment. Fill those from the earlier steps where still empty (the worker can change them).
    fn prefill_reg35(&mut self) {
        if self.reg35.text("r35_avoid").is_empty() {
            let tried = self.calm.field("calm").map(shown_value).unwrap_or_default();
            let notes = self.calm.text("calm_notes");
            let avoid = match (tried.is_empty(), notes.is_empty()) {
                (true, true) => String::new(),
                (false, true) => tried,
                (true, false) => notes,
                (false, false) => format!("{tried}. {notes}"),
            };
            self.reg35.set("r35_avoid", &avoid);
        }
        for (from, to) in [("injuries", "r35_injuries"), ("treatment", "r35_treatment")] {
            if self.reg35.text(to).is_empty() {
                let v = self.what.text(from);
                self.reg35.set(to, &v);
            }
        }
    }

    /// What the regulation 35 record still lacks (empty when no measure was used, or it is complete): the same
    /// test as the saved record's ([`IncidentRecord::reg35_missing`]).
    pub fn reg35_missing(&self) -> Vec<&'static str> {
        if !self.reg35.yes("r35_used") {
            return vec![];
        }
        sections::reg35_read(&self.reg35, &mut vec![]).missing_fields()
    }

    fn go_to(&mut self, ctx: &Ctx<'_>, p: Part) {
        self.part = p;
        // Each step opens at its first field.
        if let Some(f) = self.form_mut() {
            f.focus = 0;
        }
        self.enter_part(ctx);
    }

    fn forward(&mut self, ctx: &Ctx<'_>) -> Outcome {
        let probs = self.check(&self.part.clone(), ctx);
        if !probs.is_empty() {
            let first = probs[0].1.clone();
            if let Some(f) = self.form_mut() {
                f.clear_errors();
                for (k, m) in &probs {
                    f.set_error(k, m.clone());
                }
                f.focus_first_error();
            }
            return Outcome::Flash(first);
        }
        if let Some(f) = self.form_mut() {
            f.clear_errors();
        }
        let parts = self.parts(ctx);
        let i = parts.iter().position(|p| *p == self.part).unwrap_or(0);
        match parts.get(i + 1) {
            Some(next) => {
                let next = next.clone();
                self.go_to(ctx, next);
                self.save_draft()
            }
            None => Outcome::None,
        }
    }

    fn backward(&mut self, ctx: &Ctx<'_>) -> Outcome {
        let parts = self.parts(ctx);
        let i = parts.iter().position(|p| *p == self.part).unwrap_or(0);
        if i == 0 {
            return Outcome::None;
        }
        self.go_to(ctx, parts[i - 1].clone());
        self.save_draft()
    }

    fn save(&mut self, ctx: &Ctx<'_>) -> Outcome {
        match self.record(ctx) {
            Ok(rec) => {
                self.waiting = Waiting::Incident;
                Outcome::Effect(Effect::SaveIncident {
                    record: Box::new(rec),
                    draft_id: self.draft_id,
                })
            }
            Err(probs) => self.show_problems(ctx, probs),
        }
    }

    fn show_problems(&mut self, ctx: &Ctx<'_>, probs: Vec<(Part, String)>) -> Outcome {
        let Some((part, msg)) = probs.first().cloned() else {
            return Outcome::None;
        };
        self.go_to(ctx, part.clone());
        // Mark the fields concerned.
        let marks = self.check(&part, ctx);
        if let Some(f) = self.form_mut() {
            f.clear_errors();
            for (k, m) in &marks {
                f.set_error(k, m.clone());
            }
            f.focus_first_error();
        }
        Outcome::Flash(format!("Not saved yet: {msg}"))
    }

    fn first_focus(f: &Form) -> bool {
        f.fields
            .iter()
            .position(|x| !matches!(x.value, Value::Info(_)))
            .is_none_or(|i| i >= f.focus)
    }
}

mod check;
mod draw;
mod forms;
mod keys;
mod page;

pub use check::outstanding_of;
use check::part_for;
use forms::*;

#[cfg(test)]
mod tests;

// Used by the drawing module.
fn shown_value(f: &Field) -> String {
    match &f.value {
        Value::Choice { options, selected } => selected
            .and_then(|i| options.get(i))
            .map(|o| o.1.clone())
            .unwrap_or_default(),
        Value::Multi { options, on, .. } => options
            .iter()
            .zip(on)
            .filter(|(_, on)| **on)
            .map(|(o, _)| o.1.clone())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Toggle(b) => if *b { "Yes" } else { "No" }.to_string(),
        _ => f.get().trim().to_string(),
    }
}

fn over_a_day(t: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - t > Duration::hours(24)
}
