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
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use serde::{Deserialize, Serialize};

use super::{Page, Screen, sections};
use crate::domain::*;
use crate::protocol::{Protocol, Walk};
use crate::store::drafts::{Draft, INCIDENT};
use crate::ui::form::{Field, Form, Value};
use crate::ui::keymap::Hint;
use crate::ui::page::{Ctx, Done, Effect, FormDraft, Outcome};

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

const PEOPLE: [(&str, &str, &str); 3] = [
    ("p1_kind", "p1_name", "p1_role"),
    ("p2_kind", "p2_name", "p2_role"),
    ("p3_kind", "p3_name", "p3_role"),
];

fn about_form(children: &[Child], now: DateTime<Utc>) -> Form {
    let l = now.with_timezone(&crate::time::ZONE);
    Form::new(vec![
        Field::choice(
            "child",
            "Child",
            children.iter().map(|c| (c.uid.clone(), c.display_name())).collect(),
        )
        .required()
        .with_hint("←/→ to choose, or type the first letter of the name."),
        Field::date("date", "Date")
            .required()
            .with("")
            .with_hint("Day/month/year. y yesterday, t today."),
        Field::time("time", "Time", Some("date"))
            .required()
            .with_hint("24-hour, e.g. 23:20 (a time later than now is yesterday)."),
        Field::text("location", "Where", 200)
            .required()
            .with_hint("E.g. the kitchen, the garden, outside the school."),
    ])
    .with_values(&[
        ("date", l.format("%d/%m/%Y").to_string()),
        ("time", l.format("%H:%M").to_string()),
    ])
}

/// The "Person involved" choices: the home's staff and children by name (typing a name's first letter finds
/// it), then someone not on the lists.
fn people_lists(mut f: Form, children: &[Child], staff: &[Staff]) -> Form {
    let mut opts: Vec<(String, String)> = vec![("".into(), "Nobody".into())];
    opts.extend(
        staff
            .iter()
            .map(|s| (format!("staff:{}", s.id), format!("{} (staff)", s.name))),
    );
    opts.extend(
        children
            .iter()
            .map(|c| (format!("child:{}", c.uid), format!("{} (child)", c.display_name()))),
    );
    opts.extend([
        ("staff".into(), "Other member of staff (type the name)".into()),
        ("child".into(), "Other child (type the name)".into()),
        ("public".into(), "Member of the public".into()),
    ]);
    for (k, _, _) in PEOPLE {
        if let Some(x) = f.field_mut(k) {
            x.value = Value::Choice {
                options: opts.clone(),
                selected: None,
            };
            x.hint = "A name from the home's lists (type its first letter), or someone else.".into();
        }
    }
    f
}

trait WithValues {
    fn with_values(self, v: &[(&str, String)]) -> Self;
}

impl WithValues for Form {
    fn with_values(mut self, v: &[(&str, String)]) -> Form {
        for (k, x) in v {
            self.set(k, x);
        }
        self.dirty = false;
        self
    }
}

fn what_form() -> Form {
    let mut f = vec![
        Field::multi(
            "categories",
            "What kind",
            Category::ALL
                .iter()
                .map(|c| (c.code().to_string(), c.label().to_string()))
                .collect(),
        )
        .required()
        .with_hint("←/→ move, Space ticks (or the number 1-9, 0 for the tenth). Tick all that apply."),
        Field::multiline("account", "Factual account", 4000)
            .required()
            .with_hint("What was seen and heard, in order. Facts, not opinions. Alt+Enter for a new line."),
        Field::text("injuries", "Injuries", 200).with_hint("Any injury to anyone. Leave empty if none."),
        Field::text("treatment", "Medical treatment", 200),
        Field::text("cost", "Cost of damage (£)", 7).with_hint("Estimated, whole pounds. Leave empty if none."),
    ];
    for (i, (k, n, r)) in PEOPLE.iter().enumerate() {
        let label = format!("Person {} involved", i + 1);
        f.push(
            Field::choice(
                k,
                &label,
                vec![
                    ("".into(), "Nobody".into()),
                    ("staff".into(), "Member of staff".into()),
                    ("child".into(), "Another child".into()),
                    ("public".into(), "Member of the public".into()),
                ],
            )
            .with_hint("Who else was involved: up to three people."),
        );
        f.push(Field::text(n, "  name", 100));
        f.push(Field::choice(
            r,
            "  involved as",
            vec![
                ("victim".into(), "Victim".into()),
                ("victim_self".into(), "Victim, reports to police themselves".into()),
                ("witness".into(), "Witness".into()),
                ("other".into(), "Other".into()),
            ],
        ));
    }
    Form::new(f)
}

fn calm_form() -> Form {
    Form::new(vec![
        Field::multi(
            "calm",
            "What was tried",
            Deescalation::ALL
                .iter()
                .map(|d| (d.code().to_string(), d.label().to_string()))
                .collect(),
        )
        .with_hint("←/→ move, Space ticks. What was done before any restrictive measure."),
        Field::multiline("calm_notes", "Notes", 2000).with_hint("How it was tried and how the child responded."),
    ])
}

fn response_form() -> Form {
    Form::new(vec![
        Field::choice(
            "response",
            "Response chosen",
            Response::ALL
                .iter()
                .map(|r| (r.code().to_string(), r.label().to_string()))
                .collect(),
        )
        .required()
        .with_hint("←/→ to choose in-house, restorative or police."),
        Field::multiline("rationale", "Why (if different)", 2000)
            .with_hint("Required when you choose other than what the protocol suggests."),
    ])
}

fn reg35_form() -> Form {
    let mut f = vec![
        Field::toggle("r35_used", "Any measure used?")
            .with_hint("Any measure of control, discipline or restraint: y or n."),
    ];
    f.extend(sections::reg35_fields());
    Form::new(f)
}

/// "Who was told": one row per person (told now, told at, to be told later, not needed), a time or why only when
/// needed, then the regulation 40 judgement.
fn notify_build(v: &BTreeMap<String, String>) -> Vec<Field> {
    let mut f = sections::notify_fields_for(v);
    f.push(
        Field::toggle("ofsted_serious", "Serious (reg 40)")
            .with_hint("The manager judges this police incident serious: Ofsted must be told (reg 40)."),
    );
    f
}

fn notify_form() -> Form {
    Form::new(notify_build(&BTreeMap::new()))
}

fn view_form() -> Form {
    Form::new(vec![
        Field::multiline("child_view", "In their own words", 4000)
            .with_hint("Optional now: it can be added later when things are calm."),
    ])
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

    /// Problems with one step, by field key.
    fn check(&self, part: &Part, ctx: &Ctx<'_>) -> sections::Problems {
        let mut p: sections::Problems = vec![];
        match part {
            Part::Danger if self.danger.is_none() => p.push(("", "Answer y or n first.".into())),
            Part::About => {
                if self.child().is_none() {
                    p.push((
                        "child",
                        if self.children.is_empty() {
                            "No children in the register: add the child from the menu first.".into()
                        } else {
                            "Choose the child.".into()
                        },
                    ));
                }
                let mut t = vec![];
                if sections::when(&self.about, "date", "time", ctx.now, &mut t).is_none() && t.is_empty() {
                    t.push(("date", "Enter the date and time it happened.".into()));
                }
                p.extend(t);
                if self.about.text("location").is_empty() {
                    p.push(("location", "Say where it happened.".into()));
                }
            }
            Part::What => {
                if self.categories().is_empty() {
                    p.push(("categories", "Tick at least one kind of incident.".into()));
                }
                if self.what.text("account").is_empty() {
                    p.push(("account", "Write a factual account of what happened.".into()));
                }
                if let Err(e) = parse_pounds(&self.what.text("cost")) {
                    p.push(("cost", e));
                }
                for (k, n, _) in PEOPLE {
                    if !self.what.get(k).is_empty() && self.listed_person(k).is_none() && self.what.text(n).is_empty() {
                        p.push((n, "Give a name (or a role, e.g. 'night worker').".into()));
                    }
                    if self.what.get(k) == format!("child:{}", self.about.get("child")) {
                        p.push((k, "That is the child this record is about: choose someone else.".into()));
                    }
                }
            }
            Part::Question(id) => {
                let w = self.walk(ctx.protocol);
                if w.pending.is_some_and(|s| &s.id == id) {
                    p.push(("", "Choose an answer: ↑/↓ then Enter.".into()));
                }
            }
            Part::Response => match self.chosen() {
                None => p.push(("response", "Choose the response.".into())),
                Some(r) => {
                    if let Some(rec) = self.walk(ctx.protocol).outcome
                        && rec.response != r
                        && self.response.text("rationale").is_empty()
                    {
                        p.push((
                            "rationale",
                            format!(
                                "You chose {} where the protocol suggests {}: say why.",
                                r.label(),
                                rec.response.label()
                            ),
                        ));
                    }
                }
            },
            Part::Details => match self.chosen() {
                Some(Response::InHouse) => {
                    sections::in_house_read(&self.in_house, &mut p);
                }
                Some(Response::Restorative) => {
                    sections::restorative_read(&self.restorative, &mut p);
                }
                Some(Response::Police) => {
                    sections::police_read(&self.police, ctx.now, &mut p);
                }
                None => p.push(("", "Choose the response first (the step before).".into())),
            },
            Part::Missing => {
                sections::missing_read(&self.missing, ctx.now, &mut p);
                if self.chosen() == Some(Response::Police) && self.missing.get("mi_reported") == "no" {
                    p.push((
                        "mi_reported",
                        "A police response: the police were told. Choose \"Reported\".".into(),
                    ));
                }
            }
            Part::Reg35 if self.reg35.yes("r35_used") => {
                sections::reg35_read(&self.reg35, &mut p);
            }
            Part::Notify => {
                sections::notify_read(&self.notify, ctx.now, self.yos_open(), &mut p);
            }

            _ => {}
        }
        p
    }

    /// Build the record from everything entered; or every problem, with the step it belongs to.
    pub fn record(&self, ctx: &Ctx<'_>) -> Result<IncidentRecord, Vec<(Part, String)>> {
        let mut probs: Vec<(Part, String)> = vec![];
        for part in self.parts(ctx) {
            for (_, m) in self.check(&part, ctx) {
                probs.push((part.clone(), m));
            }
        }
        let w = self.walk(ctx.protocol);
        let mut scratch = vec![];
        let chosen = self.chosen().unwrap_or(Response::InHouse);
        let (recommended, reason) = match &w.outcome {
            Some(r) => (r.response, r.reason.clone()),
            None => (chosen, "The protocol gave no recommendation.".to_string()),
        };
        let occurred_at = self.occurred(ctx).unwrap_or(ctx.now);
        let reg35 = self
            .reg35
            .yes("r35_used")
            .then(|| sections::reg35_read(&self.reg35, &mut scratch));
        let view = self.view.text("child_view");
        let (notifications, not_told) = sections::notify_read(&self.notify, ctx.now, false, &mut scratch);
        let rec = IncidentRecord {
            uid: self.uid.clone(),
            home_uid: ctx.store.home().ok().flatten().map(|h| h.uid).unwrap_or_default(),
            child_uid: self.child().map(|c| c.uid.clone()).unwrap_or_default(),
            occurred_at,
            location: self.about.text("location"),
            immediate_danger: self.danger == Some(true),
            categories: self.categories(),
            account: self.what.text("account"),
            injuries: self.what.text("injuries"),
            medical_treatment: self.what.text("treatment"),
            damage_cost: parse_pounds(&self.what.text("cost")).ok().flatten(),
            involved: self.involved(),
            deescalation: self
                .calm
                .get("calm")
                .split(',')
                .filter_map(Deescalation::from_code)
                .collect(),
            deescalation_notes: self.calm.text("calm_notes"),
            protocol: ProtocolRef {
                id: ctx.protocol.id.clone(),
                version: ctx.protocol.version.clone(),
                title: ctx.protocol.title.clone(),
                sha256: ctx.protocol.sha256.clone(),
            },
            answers: w
                .path
                .iter()
                .map(|s| AnsweredStep {
                    step_id: s.step_id.clone(),
                    question: s.question.clone(),
                    answer_id: s.answer_id.clone(),
                    answer: self.honest_answer(ctx.protocol, &s.step_id, &s.answer_id, &s.answer),
                    automatic: s.automatic,
                })
                .collect(),
            recommended,
            recommended_reason: reason,
            response: chosen,
            rationale: self.response.text("rationale"),
            in_house: (chosen == Response::InHouse).then(|| sections::in_house_read(&self.in_house, &mut scratch)),
            restorative: (chosen == Response::Restorative)
                .then(|| sections::restorative_read(&self.restorative, &mut scratch)),
            police: (chosen == Response::Police).then(|| sections::police_read(&self.police, ctx.now, &mut scratch)),
            missing: self
                .missing_ticked()
                .then(|| sections::missing_read(&self.missing, ctx.now, &mut scratch)),
            reg35,
            notifications,
            not_told,
            ofsted_serious: self.notify.yes("ofsted_serious"),
            child_view: (!view.is_empty()).then_some(ChildView {
                text: view,
                recorded_at: ctx.now,
            }),
            review: Review::default(),
            recorded_by: String::new(),
            recorded_at: ctx.now,
            late_record: IncidentRecord::is_late(occurred_at, ctx.now),
        };
        if let Err(es) = rec.validate(ctx.now) {
            for e in es {
                if !probs.iter().any(|(_, m)| *m == e) {
                    probs.push((part_for(&e), e));
                }
            }
        }
        if probs.is_empty() { Ok(rec) } else { Err(probs) }
    }

    /// The answer kept for a protocol step. The immediate-danger step is answered from step 1; for a child who is
    /// missing or absent the protocol's "No, everyone is safe now" would not be true (nobody knows the child is
    /// safe), so the record says what step 1 established: no one here at the home is in immediate danger.
    fn honest_answer(&self, p: &Protocol, step_id: &str, answer_id: &str, answer: &str) -> String {
        let danger_step = p
            .steps
            .iter()
            .any(|s| s.id == step_id && s.fact.as_deref() == Some("immediate_danger"));
        if danger_step && answer_id == "no" && self.missing_ticked() {
            let kind = if self.missing.get("mi_kind") == "absent" {
                "absent"
            } else {
                "missing"
            };
            format!("No one here at the home is in immediate danger; the child is {kind} (see the missing episode)")
        } else {
            answer.to_string()
        }
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

/// What a record will leave for later from who was told and the missing episode, in the words the check step
/// shows: the child missing now, each person to be told later (by when), the return interview (by when).
pub fn outstanding_of(rec: &IncidentRecord, yos_open: bool) -> Vec<String> {
    use crate::domain::outstanding::{ActionFacts, missing_actions, notify_actions};
    let mut out = vec![];
    if let Some(m) = rec.missing.as_ref().filter(|m| m.away_now()) {
        let what = if m.kind == MissingKind::Absent {
            "absent"
        } else {
            "missing"
        };
        out.push(format!(
            "The child is {what} now: the handover shows this first until \"came back\" is recorded."
        ));
    }
    let facts = ActionFacts::of(rec);
    let mut a = vec![];
    notify_actions(&facts, yos_open, &mut a);
    missing_actions(&facts, &mut a);
    for x in a {
        match x.due {
            Some(d) => out.push(format!("{}: by {}", x.kind.label(), crate::time::show(d))),
            None => out.push(x.kind.label().to_string()),
        }
    }
    out
}

/// Which step a validation message belongs to.
fn part_for(msg: &str) -> Part {
    let m = msg.to_lowercase();
    if m.contains("future") || m.contains("child from the register") {
        Part::About
    } else if m.contains("categor") || m.contains("account") {
        Part::What
    } else if m.contains("say why") {
        Part::Response
    } else if m.contains("missing or absent") {
        Part::Missing
    } else if m.contains("details") || m.contains("in-house") {
        Part::Details
    } else {
        Part::Review
    }
}

impl Page for Wizard {
    fn title(&self) -> String {
        "New incident".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        self.on_key(ctx, key)
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        if let Some(f) = self.form_mut() {
            f.paste(text);
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, done: Done) -> Outcome {
        let waiting = std::mem::replace(&mut self.waiting, Waiting::Nothing);
        match (waiting, done) {
            (Waiting::Incident, Done::Ok(id)) => {
                self.saved = Some(id.unwrap_or(0));
                Outcome::Flash("Incident saved.".into())
            }
            (Waiting::Incident, Done::Err(e)) => {
                let part = part_for(&e);
                if part == Part::Review {
                    Outcome::Flash(format!("Not saved: {e}"))
                } else {
                    self.show_problems(ctx, vec![(part, e)])
                }
            }
            (Waiting::Draft, Done::Ok(id)) => {
                if let Some(id) = id {
                    self.draft_id = Some(id);
                }
                if self.leaving { Outcome::Back } else { Outcome::None }
            }
            (Waiting::Draft, Done::Err(e)) => {
                self.leaving = false;
                if e.contains("already saved or discarded") {
                    // Someone closed it: the next step starts a fresh draft.
                    self.draft_id = None;
                }
                Outcome::Flash(format!("Could not keep the draft: {e}"))
            }
            (_, Done::Fields(f)) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
            (_, Done::Err(e)) => Outcome::Flash(e),
            (_, Done::Ok(_)) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        draw::view(self, frame, area, ctx);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        self.key_bar()
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        self.key_help()
    }

    fn form_draft(&self) -> Option<(FormDraft, String)> {
        if self.saved.is_some() || (self.danger.is_none() && self.draft_id.is_none()) {
            return None;
        }
        let state = serde_json::to_string(&self.saved()).ok()?;
        Some((
            FormDraft {
                screen: "wizard".into(),
                context: self.draft_id,
                values: BTreeMap::from([("state".to_string(), state)]),
            },
            format!("Incident: {}", self.title_for_draft()),
        ))
    }
}

mod draw;
mod keys;

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
