//! Checking a step, and making the record from every step: what is missing is named, beside its field.

use super::*;
use crate::protocol::Protocol;
use crate::ui::page::Ctx;

impl Wizard {
    /// Problems with one step, by field key.
    pub(super) fn check(&self, part: &Part, ctx: &Ctx<'_>) -> sections::Problems {
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
    pub(super) fn honest_answer(&self, p: &Protocol, step_id: &str, answer_id: &str, answer: &str) -> String {
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
pub(super) fn part_for(msg: &str) -> Part {
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
