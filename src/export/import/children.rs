//! Applying a file's child: found by pseudonym, then by uid; added when new; the file's facts merged into
//! what is kept, the newest file's status winning.

use chrono::NaiveDate;
use serde::Deserialize;

use super::super::PSEUDONYM_UID_PREFIX;
use super::ImportSummary;
use super::read::{ChildIn, parse_date};
use crate::domain::{Ethnicity, Gender, LegalStatus};
use crate::store::StoreError;
use crate::store::audit::Writer;

/// The uid a child of the file is kept under here.
pub(super) fn child_uid(c: &ChildIn) -> String {
    if c.identified || c.reference.starts_with(PSEUDONYM_UID_PREFIX) {
        c.reference.clone()
    } else {
        format!("{PSEUDONYM_UID_PREFIX}{}", c.reference)
    }
}

/// What the YOS knows of an imported child beyond the register's columns (`child_facts.facts`).
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, Deserialize)]
pub(super) struct Facts {
    /// `children.dob` is the latest birth date that fits every age the files gave, not a date a file gave.
    #[serde(default)]
    pub(super) dob_estimated: bool,
    /// `children.admitted` is the day a file gave, not the first day of the month the child came.
    #[serde(default)]
    pub(super) admitted_exact: bool,
    /// The period's last day of the newest file that gave the child's status: an older file never undoes it.
    #[serde(default)]
    pub(super) facts_on: Option<NaiveDate>,
}

/// The register's columns of a child as kept here, before or after a file's facts.
pub(super) type Kept = crate::store::import_rows::ChildColumns;

/// The dob kept when nothing is known of it (files written before ages travelled).
pub(super) fn unknown_dob() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

/// The latest birth date at which a child is `age` on `on`.
pub(super) fn latest_birth(on: NaiveDate, age: i32) -> Option<NaiveDate> {
    on.checked_sub_months(chrono::Months::new(u32::try_from(age).ok()?.checked_mul(12)?))
}

pub(super) const NOT_IN_REGISTER: &str = "Imported under a pseudonym: not in this home's register.";

/// The file's gender, ethnicity and legal status codes, a code this version does not know kept as "not stated"
/// ("other" for the legal status).
fn set_codes(kept: &mut Kept, c: &ChildIn) {
    kept.gender = Gender::from_code(&c.gender).unwrap_or(Gender::NotStated).code().into();
    kept.ethnicity = Ethnicity::from_code(&c.ethnicity)
        .unwrap_or(Ethnicity::NotStated)
        .code()
        .into();
    kept.legal_status = LegalStatus::from_code(&c.legal_status)
        .unwrap_or(LegalStatus::Other)
        .code()
        .into();
}

/// Apply a file's facts about a child to what is kept: the newest file's status, the narrowest estimate of the
/// birth date, the exact days of arrival and departure when a file gave them.
pub(super) fn apply(
    kept: &mut Kept,
    facts: &mut Facts,
    c: &ChildIn,
    incident_day: Option<NaiveDate>,
    name: Option<String>,
) {
    let on = parse_date(&c.facts_on);
    let newer = match (on, facts.facts_on) {
        (Some(on), Some(had)) => on >= had,
        (Some(_), None) => true,
        // An older file (no facts): only what it has always carried, and only for a child it creates.
        (None, _) => false,
    };
    if c.identified {
        if let (Some(name), Some(dob)) = (name, parse_date(&c.dob))
            && (newer || facts.dob_estimated)
        {
            kept.name = name;
            kept.dob = dob;
            facts.dob_estimated = false;
        }
    } else if facts.dob_estimated {
        let points = [(incident_day, c.age_at_incident), (on, c.age_on_last_day)];
        for (d, age) in points {
            if let (Some(d), Some(age)) = (d, age)
                && let Some(b) = latest_birth(d, age)
                && (kept.dob == unknown_dob() || b < kept.dob)
            {
                kept.dob = b;
            }
        }
    }
    if newer {
        set_codes(kept, c);
        kept.yos_open = c.yos_open;
        if c.identified {
            kept.yos_ref = c.yos_ref.clone().unwrap_or_default();
        }
        facts.facts_on = on;
        let left = parse_date(&c.left);
        if kept.discharged != left {
            kept.discharged = left;
            kept.discharge_reason = if left.is_some() {
                "Left the home (as the home's file says).".into()
            } else {
                String::new()
            };
        }
    }
    if let Some(a) = parse_date(&c.arrived) {
        kept.admitted = a;
        facts.admitted_exact = true;
    } else if !facts.admitted_exact
        && let Some(m) = c
            .looked_after_from
            .as_deref()
            .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        && m < kept.admitted
    {
        kept.admitted = m;
    }
}

/// The child of a file as kept here (its id and uid), found by pseudonym first, then by uid, then by the uid a
/// pseudonymised child was kept under; added when new, and brought up to date with the file's facts. A child only
/// ever pseudonymised is never named here.
pub(super) fn child_of(
    w: &mut Writer<'_>,
    c: &ChildIn,
    home_uid: &str,
    incident_day: Option<NaiveDate>,
    sum: &mut ImportSummary,
) -> crate::store::Result<(i64, String)> {
    let cuid = child_uid(c);
    let short: String = c.reference.chars().take(8).collect();
    let name = if c.identified {
        Some(
            crate::text::clean_checked(c.name.as_deref().unwrap_or(""), false, crate::domain::child::NAME_MAX)
                .map_err(|e| {
                    StoreError::Invalid(format!(
                        "The name of child {short} is too long ({e}): nothing was imported."
                    ))
                })?,
        )
    } else {
        None
    };
    let by_pseudonym = match &c.pseudonym {
        Some(p) => w.child_id_by_pseudonym(home_uid, p)?,
        None => None,
    };
    let found = match by_pseudonym {
        Some(id) => Some(id),
        None => match w.child_id_by_uid(&cuid)? {
            Some(id) => Some(id),
            None => match &c.pseudonym {
                Some(p) => w.child_id_by_uid(&format!("{PSEUDONYM_UID_PREFIX}{p}"))?,
                None => None,
            },
        },
    };
    let facts_row: Option<(String, String)> = match found {
        Some(id) => w.child_facts(id)?,
        None => None,
    };
    let Some(id) = found else {
        // New here.
        let first = incident_day.unwrap_or_else(|| parse_date(&c.facts_on).unwrap_or_default());
        let mut facts = Facts {
            dob_estimated: !c.identified,
            ..Facts::default()
        };
        let mut kept = Kept {
            name: name.clone().unwrap_or_else(|| format!("Child {short} (pseudonym)")),
            dob: parse_date(&c.dob).unwrap_or_else(unknown_dob),
            gender: String::new(),
            ethnicity: String::new(),
            legal_status: String::new(),
            admitted: first,
            discharged: None,
            discharge_reason: String::new(),
            yos_open: c.yos_open,
            yos_ref: c.yos_ref.clone().unwrap_or_default(),
        };
        if c.facts_on.is_none() {
            // An older file: what it has always carried; a child not named is kept out of the register.
            set_codes(&mut kept, c);
            if !c.identified {
                kept.discharged = Some(first);
                kept.discharge_reason = NOT_IN_REGISTER.into();
            }
        }
        apply(&mut kept, &mut facts, c, incident_day, name);
        sum.children += 1;
        let id = w.insert_imported_child(&cuid, home_uid, &kept)?;
        if let Some(p) = &c.pseudonym {
            let f = serde_json::to_string(&facts).map_err(|e| StoreError::Invalid(e.to_string()))?;
            w.insert_child_facts(id, home_uid, p, &f)?;
        }
        return Ok((id, cuid));
    };
    let (uid, was): (String, Kept) = w.child_columns(id)?;
    let had = match &facts_row {
        Some((_, f)) => serde_json::from_str(f).unwrap_or_default(),
        // Kept before the files carried facts: what was estimated then.
        None => Facts {
            dob_estimated: uid.starts_with(PSEUDONYM_UID_PREFIX),
            ..Facts::default()
        },
    };
    let (mut kept, mut facts) = (was.clone(), had.clone());
    apply(&mut kept, &mut facts, c, incident_day, name);
    if kept != was {
        w.update_imported_child(id, &kept)?;
    }
    let f = serde_json::to_string(&facts).map_err(|e| StoreError::Invalid(e.to_string()))?;
    match (&facts_row, &c.pseudonym) {
        (None, Some(p)) => {
            w.insert_child_facts(id, home_uid, p, &f)?;
        }
        (Some(_), _) if facts != had => {
            w.update_child_facts(id, &f)?;
        }
        _ => {}
    }
    Ok((id, uid))
}
