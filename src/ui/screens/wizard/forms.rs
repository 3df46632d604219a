//! The forms of the wizard's steps: their fields, choices and limits.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::*;
use crate::ui::form::{Field, Form, Value};

pub(super) const PEOPLE: [(&str, &str, &str); 3] = [
    ("p1_kind", "p1_name", "p1_role"),
    ("p2_kind", "p2_name", "p2_role"),
    ("p3_kind", "p3_name", "p3_role"),
];

pub(super) fn about_form(children: &[Child], now: DateTime<Utc>) -> Form {
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
pub(super) fn people_lists(mut f: Form, children: &[Child], staff: &[Staff]) -> Form {
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

pub(super) fn what_form() -> Form {
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

pub(super) fn calm_form() -> Form {
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

pub(super) fn response_form() -> Form {
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

pub(super) fn reg35_form() -> Form {
    let mut f = vec![
        Field::toggle("r35_used", "Any measure used?")
            .with_hint("Any measure of control, discipline or restraint: y or n."),
    ];
    f.extend(sections::reg35_fields());
    Form::new(f)
}

/// "Who was told": one row per person (told now, told at, to be told later, not needed), a time or why only when
/// needed, then the regulation 40 judgement.
pub(super) fn notify_build(v: &BTreeMap<String, String>) -> Vec<Field> {
    let mut f = sections::notify_fields_for(v);
    f.push(
        Field::toggle("ofsted_serious", "Serious (reg 40)")
            .with_hint("The manager judges this police incident serious: Ofsted must be told (reg 40)."),
    );
    f
}

pub(super) fn notify_form() -> Form {
    Form::new(notify_build(&BTreeMap::new()))
}

pub(super) fn view_form() -> Form {
    Form::new(vec![
        Field::multiline("child_view", "In their own words", 4000)
            .with_hint("Optional now: it can be added later when things are calm."),
    ])
}
