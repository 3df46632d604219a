//! The fields of each kind of entry, filled from the incident as it reads now.

use chrono::{DateTime, Utc};

use super::{EntryKind, LONG};
use crate::domain::outstanding::{CHILD_WITHIN_DAYS, REVIEW_WITHIN};
use crate::domain::*;
use crate::store::incidents::IncidentDetail;
use crate::ui::form::{Field, Form};
use crate::ui::screens::sections;

fn local(t: DateTime<Utc>) -> (String, String) {
    let l = t.with_timezone(&crate::time::ZONE);
    (l.format("%d/%m/%Y").to_string(), l.format("%H:%M").to_string())
}

/// The correction form for the field chosen (None: not chosen yet): what it says now, the right kind of input
/// for the new value (text, a time, a child from the register, categories, a response), and the reason.
pub(super) fn correction_form(
    chosen: Option<CorrectableField>,
    c: &IncidentRecord,
    children: &[Child],
    now: DateTime<Utc>,
) -> Form {
    let opts = CorrectableField::EVERY
        .iter()
        .map(|x| (x.code().to_string(), x.label().to_string()))
        .collect();
    let mut v = vec![
        Field::choice("co_field", "What to correct", opts)
            .required()
            .with_hint("←/→ to choose. The old value stays in the history."),
        Field::info("co_now", "Now reads", ""),
    ];
    match chosen {
        Some(CorrectableField::OccurredAt) => {
            let (d, t) = local(c.occurred_at);
            let _ = now;
            v.push(
                Field::text("co_date", "Corrected date", 10)
                    .required()
                    .with(&d)
                    .with_hint("Day/month/year, e.g. 22/11/2026."),
            );
            v.push(
                Field::text("co_time", "Corrected time", 5)
                    .required()
                    .with(&t)
                    .with_hint("24-hour time, e.g. 02:15."),
            );
        }
        Some(CorrectableField::Child) => v.push(
            Field::choice(
                "co_child",
                "The right child",
                children.iter().map(|x| (x.uid.clone(), x.display_name())).collect(),
            )
            .required()
            .with_hint("←/→ or the first letter of the name."),
        ),
        Some(CorrectableField::Categories) => {
            let mut f = Field::multi(
                "co_categories",
                "What kind",
                Category::ALL
                    .iter()
                    .map(|x| (x.code().to_string(), x.label().to_string()))
                    .collect(),
            )
            .required()
            .with_hint("←/→ move, Space ticks. Tick all that apply.");
            f.set(&c.categories.iter().map(|x| x.code()).collect::<Vec<_>>().join(","));
            v.push(f);
        }
        Some(CorrectableField::Response) => v.push(
            Field::choice(
                "co_response",
                "The response given",
                Response::ALL
                    .iter()
                    .map(|r| (r.code().to_string(), r.label().to_string()))
                    .collect(),
            )
            .required()
            .with_hint("←/→ to choose. Then add that response's details from the menu."),
        ),
        _ => v.push(Field::multiline("co_value", "Corrected text", LONG).required()),
    }
    v.push(
        Field::text("co_reason", "Why it is corrected", 200)
            .required()
            .with_hint("Required: e.g. typed the wrong room."),
    );
    let mut f = Form::new(v);
    if let Some(x) = chosen {
        f.set("co_field", x.code());
    }
    f
}

pub(super) fn fields(k: EntryKind, d: &IncidentDetail, now: DateTime<Utc>) -> Form {
    let c = &d.current;
    let (today, time_now) = local(now);
    let mut f = match k {
        EntryKind::Police => {
            let mut f = Form::new(sections::police_fields());
            if let Some(p) = &c.police {
                sections::police_fill(&mut f, p);
            }
            f
        }
        EntryKind::Restorative => {
            let mut f = Form::new(sections::restorative_fields());
            if let Some(x) = &c.restorative {
                sections::restorative_fill(&mut f, x);
            }
            f
        }
        EntryKind::InHouse => {
            let mut f = Form::new(sections::in_house_fields());
            if let Some(x) = &c.in_house {
                sections::in_house_fill(&mut f, x);
            }
            f
        }
        EntryKind::Missing => {
            let mut f = Form::new(sections::missing_fields());
            if let Some(x) = &c.missing {
                sections::missing_fill(&mut f, x);
            }
            f
        }
        EntryKind::Reg35 => {
            let mut v = vec![Field::info(
                "r35_due",
                "Deadlines",
                &sections::reg35_deadlines(c.occurred_at),
            )];
            v.extend(sections::reg35_fields());
            let mut f = Form::new(v);
            if let Some(x) = &c.reg35 {
                sections::reg35_fill(&mut f, x);
            }
            f
        }
        EntryKind::Notified => {
            let who = NotifyWho::ALL
                .iter()
                .map(|w| (w.code().to_string(), w.label().to_string()))
                .collect();
            Form::new(vec![
                Field::choice("nt_who", "Who was told", who).required(),
                Field::text("nt_date", "Date", 10)
                    .with(&today)
                    .with_hint("Day/month/year, e.g. 22/11/2026."),
                Field::text("nt_time", "Time", 5)
                    .with(&time_now)
                    .with_hint("24-hour time, e.g. 02:15."),
                Field::text("nt_note", "How / what was said", 200).with_hint("E.g. by phone, left a message."),
            ])
        }
        EntryKind::ChildView => Form::new(vec![
            Field::info(
                "cv_help",
                "",
                "Write it in the child's own words, after things are calm.",
            ),
            Field::multiline("cv_text", "The child's view", LONG).required(),
        ]),
        EntryKind::Correction => correction_form(None, c, &[], now),
        EntryKind::Note => Form::new(vec![Field::multiline("nb_text", "Note", LONG).required()]),
        EntryKind::SpokeToStaff | EntryKind::SpokeToChild => {
            let due = if k == EntryKind::SpokeToStaff {
                format!(
                    "Within {REVIEW_WITHIN} hours: by {}",
                    crate::time::show(c.occurred_at + chrono::Duration::hours(REVIEW_WITHIN))
                )
            } else {
                format!(
                    "Within {CHILD_WITHIN_DAYS} days: by {}",
                    crate::time::show(c.occurred_at + chrono::Duration::days(CHILD_WITHIN_DAYS))
                )
            };
            Form::new(vec![
                Field::info("sp_due", "Regulation 35", &due),
                Field::text("sp_date", "Date you spoke", 10)
                    .required()
                    .with(&today)
                    .with_hint("Day/month/year, e.g. 22/11/2026."),
                Field::text("sp_time", "Time", 5)
                    .required()
                    .with(&time_now)
                    .with_hint("24-hour time, e.g. 02:15."),
            ])
        }
        EntryKind::Ofsted => Form::new(vec![
            Field::info(
                "of_help",
                "",
                "Regulation 40: tell Ofsted of a police incident you judge serious.",
            ),
            Field::choice(
                "of_serious",
                "Serious (tell Ofsted)?",
                vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
            )
            .required()
            .with(if c.ofsted_serious { "yes" } else { "no" }),
        ]),
        EntryKind::SignOff => {
            let staff = c
                .review
                .spoke_to_staff_at
                .map(crate::time::show)
                .unwrap_or_else(|| "NOT RECORDED yet".into());
            let child = c
                .review
                .spoke_to_child_at
                .map(crate::time::show)
                .unwrap_or_else(|| "not recorded yet".into());
            let mut v = vec![];
            for (i, b) in c.sign_off_blockers(&d.entries).into_iter().enumerate() {
                v.push(Field::info(["so_block1", "so_block2"][i.min(1)], "Before signing", &b));
            }
            v.extend([
                Field::info("so_staff", "Spoke to staff", &staff),
                Field::info("so_child", "Spoke to the child", &child),
                Field::multiline("so_comment", "Comment", LONG)
                    .with_hint("What you discussed, what happens next. Signing adds your name and the time."),
            ]);
            Form::new(v)
        }
    };
    f.dirty = false;
    f
}
