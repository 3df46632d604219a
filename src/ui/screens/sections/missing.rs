//! The missing or absent episode: its fields (which depend on the answers so far), read back and filled in.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::*;
use crate::ui::form::{Field, Form};

/// The missing episode's fields. Which appear depends on the answers so far (`v`, the form's values): the police
/// reference only when reported, why not when not; the return time and interview only when the child is back.
pub fn missing_fields_for(v: &BTreeMap<String, String>) -> Vec<Field> {
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let mut f = vec![
        Field::choice(
            "mi_kind",
            "Missing or absent",
            vec![
                (
                    MissingKind::Missing.code().into(),
                    "Missing (whereabouts unknown)".into(),
                ),
                (
                    MissingKind::Absent.code().into(),
                    "Absent (known, without permission)".into(),
                ),
            ],
        )
        .required()
        .with_hint("←/→ to choose."),
        date_field("mi_left_date", "Left/last seen, date"),
        time_field("mi_left_time", "Left/last seen, time"),
        Field::choice(
            "mi_reported",
            "Police",
            vec![
                ("yes".into(), "Reported to the police".into()),
                ("no".into(), "Not reported".into()),
            ],
        )
        .required()
        .with_hint("←/→ to choose. A reference only when reported; if not, say why."),
    ];
    match get("mi_reported") {
        "yes" => {
            f.push(
                Field::text("mi_rep_at", "  reported at", 16)
                    .with_hint("hh:mm (the most recent one), or day/month/year hh:mm."),
            );
            f.push(Field::text("mi_ref", "  police reference", 60));
        }
        "no" => f.push(Field::text("mi_why", "  why not", LINE).with_hint("E.g. absent: we know where and with whom.")),
        _ => {}
    }
    f.push(
        Field::choice(
            "mi_back",
            "Back yet?",
            vec![
                ("no".into(), "Not back yet: missing now".into()),
                ("yes".into(), "Came back".into()),
            ],
        )
        .required()
        .with_hint("←/→ to choose. Not back yet: the handover shows the child first until they are back."),
    );
    if get("mi_back") == "yes" {
        f.push(date_field("mi_back_date", "  came back (date)"));
        f.push(time_field("mi_back_time", "  came back (time)"));
        f.push(
            Field::choice(
                "mi_interview",
                "  return interview",
                vec![
                    ("".into(), "Not yet (due within 72 hours)".into()),
                    ("yes".into(), "Offered".into()),
                    ("no".into(), "Not offered".into()),
                ],
            )
            .with_hint("Offered within 72 hours of coming back; until then it is an outstanding action."),
        );
    }
    f
}

/// The fields as first shown (nothing chosen yet).
pub fn missing_fields() -> Vec<Field> {
    missing_fields_for(&BTreeMap::new())
}

/// Rebuild a form whose fields depend on its own answers (`build`), keeping what is typed and the field the
/// cursor is on, when the fields shown change.
pub fn resync(form: &mut Form, build: fn(&BTreeMap<String, String>) -> Vec<Field>) {
    let v = form.values();
    let fields = build(&v);
    let same = fields.len() == form.fields.len()
        && fields
            .iter()
            .zip(&form.fields)
            .all(|(a, b)| a.key == b.key && a.label == b.label);
    if same {
        return;
    }
    let focus = form.focused_key();
    let dirty = form.dirty;
    let errors: Vec<(&'static str, String)> = form
        .fields
        .iter()
        .filter_map(|f| f.error.clone().map(|e| (f.key, e)))
        .collect();
    let mut n = Form::new(fields);
    n.restore(&v);
    for (k, e) in errors {
        n.set_error(k, e);
    }
    n.focus_on(focus);
    n.dirty = dirty;
    *form = n;
}

pub fn missing_read(f: &Form, now: DateTime<Utc>, p: &mut Problems) -> Missing {
    let kind = match MissingKind::from_code(&f.get("mi_kind")) {
        Some(k) => k,
        None => {
            p.push(("mi_kind", "Choose missing or absent.".into()));
            MissingKind::Missing
        }
    };
    let left = when(f, "mi_left_date", "mi_left_time", now, p);
    let reported = match f.get("mi_reported").as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            p.push(("mi_reported", "Say whether the police were told: ←/→.".into()));
            false
        }
    };
    let reported_at = if reported {
        match past_time(&f.text("mi_rep_at"), now) {
            Ok(t) => t,
            Err(e) => {
                p.push(("mi_rep_at", e));
                None
            }
        }
    } else {
        None
    };
    let back = match f.get("mi_back").as_str() {
        "yes" => {
            let b = when(f, "mi_back_date", "mi_back_time", now, p);
            if b.is_none() && !p.iter().any(|(k, _)| k.starts_with("mi_back")) {
                p.push(("mi_back_date", "When did the child come back? Date and time.".into()));
            }
            b
        }
        "no" => None,
        _ => {
            p.push(("mi_back", "Is the child back yet? ←/→ to choose.".into()));
            None
        }
    };
    let m = Missing {
        kind,
        left_at: left,
        reported_to_police: reported,
        police_reference: if reported { f.text("mi_ref") } else { String::new() },
        reported_at,
        not_reported_why: if reported { String::new() } else { f.text("mi_why") },
        returned_at: back,
        return_interview_offered: if back.is_some() {
            opt_bool(&f.get("mi_interview"))
        } else {
            None
        },
    };
    for e in m.problems() {
        let key = if e.contains("why") {
            "mi_why"
        } else if e.contains("Came back") {
            "mi_back_date"
        } else if e.contains("Reported") {
            "mi_rep_at"
        } else {
            "mi_reported"
        };
        p.push((key, e));
    }
    m
}

pub fn missing_fill(f: &mut Form, x: &Missing) {
    let mut v = BTreeMap::new();
    let kind = x.kind.code();
    v.insert("mi_kind".to_string(), kind.to_string());
    v.insert(
        "mi_reported".to_string(),
        if x.reported_to_police { "yes" } else { "no" }.to_string(),
    );
    v.insert(
        "mi_back".to_string(),
        if x.returned_at.is_some() { "yes" } else { "no" }.to_string(),
    );
    *f = Form::new(missing_fields_for(&v));
    f.restore(&v);
    fill_when(f, "mi_left_date", "mi_left_time", x.left_at);
    if let Some(t) = x.reported_at {
        f.set("mi_rep_at", &show_when(t));
    }
    f.set("mi_ref", &x.police_reference);
    f.set("mi_why", &x.not_reported_why);
    fill_when(f, "mi_back_date", "mi_back_time", x.returned_at);
    f.set("mi_interview", bool_code(x.return_interview_offered));
    f.dirty = false;
}
