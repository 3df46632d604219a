//! Who was told: one row per person (told now, at a time, to be told later, not needed), read back and filled in.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::*;
use crate::ui::form::{Field, Form};

/// Keys of the notification fields, one status and one detail (a time, or why) per person.
pub const NOTIFY_KEYS: [(NotifyWho, &str, &str); 6] = [
    (NotifyWho::ManagerOnCall, "nt_manager", "nt_manager_at"),
    (NotifyWho::SocialWorker, "nt_sw", "nt_sw_at"),
    (NotifyWho::PlacingAuthority, "nt_pa", "nt_pa_at"),
    (NotifyWho::YosWorker, "nt_yos", "nt_yos_at"),
    (NotifyWho::ParentOrCarer, "nt_parent", "nt_parent_at"),
    (NotifyWho::Ofsted, "nt_ofsted", "nt_ofsted_at"),
];

/// A person's status on "Who was told": the codes and what the worker sees (keys 1-4 pick them).
pub const TOLD_NOW: &str = "now";
pub const TOLD_AT: &str = "at";
pub const TELL_LATER: &str = "later";
pub const NOT_NEEDED: &str = "no";

fn told_options() -> Vec<(String, String)> {
    vec![
        (TOLD_NOW.into(), "1 Told now".into()),
        (TOLD_AT.into(), "2 Told at a time".into()),
        (TELL_LATER.into(), "3 To be told later".into()),
        (NOT_NEEDED.into(), "4 Not needed".into()),
    ]
}

/// One row per person, then a time or why only for the statuses that need one.
pub fn notify_fields_for(v: &BTreeMap<String, String>) -> Vec<Field> {
    let mut out = Vec::new();
    for (who, t, at) in NOTIFY_KEYS {
        out.push(
            Field::choice(t, who.label(), told_options())
                .with_hint("1 told now, 2 told at a time, 3 to be told later, 4 not needed (or ←/→)."),
        );
        match v.get(t).map(String::as_str) {
            Some(TOLD_AT) => out.push(
                Field::text(at, "  told at", 16).with_hint("hh:mm (the most recent one), or day/month/year hh:mm."),
            ),
            Some(TELL_LATER) => out.push(
                Field::text(at, "  tell by", 16)
                    .with_hint("By when, e.g. 09:00 (the next one). The handover keeps it until someone tells them."),
            ),
            Some(NOT_NEEDED) => {
                out.push(Field::text(at, "  why not", LINE).with_hint("A few words, e.g. not open to the YOS."))
            }
            _ => {}
        }
    }
    out
}

pub fn notify_fields() -> Vec<Field> {
    notify_fields_for(&BTreeMap::new())
}

/// Who was told (and when), and who was not: to be told later (by when) or not needed (why). `yos_required`: the
/// child is open to the YOS, so the YOS worker's row must be answered (never a silent default).
pub fn notify_read(
    f: &Form,
    now: DateTime<Utc>,
    yos_required: bool,
    p: &mut Problems,
) -> (Vec<Notification>, Vec<NotTold>) {
    let mut told = Vec::new();
    let mut not = Vec::new();
    for (who, t, at) in NOTIFY_KEYS {
        let detail = f.text(at);
        match f.get(t).as_str() {
            TOLD_NOW => told.push(Notification {
                who,
                at: now,
                note: String::new(),
            }),
            TOLD_AT => match past_time(&detail, now) {
                Ok(Some(x)) => told.push(Notification {
                    who,
                    at: x,
                    note: String::new(),
                }),
                Ok(None) => p.push((at, "When were they told? e.g. 02:40.".into())),
                Err(e) => p.push((at, e)),
            },
            TELL_LATER => {
                if detail.is_empty() {
                    p.push((at, "By when must they be told? e.g. 09:00.".into()));
                } else {
                    match future_time(&detail, now) {
                        Ok(due) => not.push(NotTold::Later { who, due }),
                        Err(e) => p.push((at, e)),
                    }
                }
            }
            NOT_NEEDED => {
                if detail.is_empty() {
                    p.push((at, "Say why, in a few words.".into()));
                } else {
                    not.push(NotTold::NotNeeded { who, why: detail });
                }
            }
            _ => {
                if who == NotifyWho::YosWorker && yos_required {
                    p.push((t, "Open to the YOS: choose 1-4 for the YOS worker.".into()));
                }
            }
        }
    }
    (told, not)
}

pub fn notify_fill(f: &mut Form, list: &[Notification], not_told: &[NotTold]) {
    let old = f.values();
    let mut v = BTreeMap::new();
    for (who, t, at) in NOTIFY_KEYS {
        if let Some(n) = list.iter().find(|n| n.who == who) {
            v.insert(t.to_string(), TOLD_AT.to_string());
            v.insert(at.to_string(), show_when(n.at));
        } else if let Some(n) = not_told.iter().find(|n| n.who() == who) {
            match n {
                NotTold::Later { due, .. } => {
                    v.insert(t.to_string(), TELL_LATER.to_string());
                    v.insert(at.to_string(), show_when(*due));
                }
                NotTold::NotNeeded { why, .. } => {
                    v.insert(t.to_string(), NOT_NEEDED.to_string());
                    v.insert(at.to_string(), why.clone());
                }
            }
        }
    }
    let extra: Vec<Field> = f
        .fields
        .drain(..)
        .filter(|x| !NOTIFY_KEYS.iter().any(|(_, t, at)| x.key == *t || x.key == *at))
        .collect();
    let mut fields = notify_fields_for(&v);
    fields.extend(extra);
    let mut n = Form::new(fields);
    n.restore(&old);
    n.restore(&v);
    *f = n;
}
