//! The parts of an incident record that are filled in the wizard and again later as news comes (police
//! outcome, restorative result, …): each as form fields, read back into the domain type with validation.
//! One definition serves both the wizard and the detail screen's entries.

use chrono::{DateTime, Utc};

use crate::domain::*;
use crate::ui::form::{Field, Form};

mod missing;
mod notify;
#[cfg(test)]
mod tests;

pub use missing::*;
pub use notify::*;

/// A field's problem, by key.
pub type Problems = Vec<(&'static str, String)>;

const LINE: usize = 200;
const LONG: usize = 4000;

fn yes_no_unknown(unknown: &str) -> Vec<(String, String)> {
    vec![
        ("".into(), unknown.into()),
        ("yes".into(), "Yes".into()),
        ("no".into(), "No".into()),
    ]
}

fn opt_bool(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn bool_code(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// A local date and time from two fields; both empty is None. Never in the future.
pub fn when(
    form: &Form,
    date: &'static str,
    time: &'static str,
    now: DateTime<Utc>,
    p: &mut Problems,
) -> Option<DateTime<Utc>> {
    let (d, t) = (form.text(date), form.text(time));
    if d.is_empty() && t.is_empty() {
        return None;
    }
    match crate::time::parse_local(&d, &t) {
        Ok(x) if x > now + chrono::Duration::minutes(1) => {
            p.push((date, "That time is in the future.".into()));
            None
        }
        Ok(x) => Some(x),
        Err(e) => {
            p.push((
                if crate::time::parse_date(&d).is_err() {
                    date
                } else {
                    time
                },
                e,
            ));
            None
        }
    }
}

/// Like [`when`], but future times are allowed (a restorative meeting planned for next week).
pub fn when_planned(form: &Form, date: &'static str, time: &'static str, p: &mut Problems) -> Option<DateTime<Utc>> {
    let (d, t) = (form.text(date), form.text(time));
    if d.is_empty() && t.is_empty() {
        return None;
    }
    match crate::time::parse_local(&d, if t.is_empty() { "12:00" } else { &t }) {
        Ok(x) => Some(x),
        Err(e) => {
            p.push((date, e));
            None
        }
    }
}

fn fill_when(form: &mut Form, date: &str, time: &str, t: Option<DateTime<Utc>>) {
    if let Some(t) = t {
        let l = t.with_timezone(&crate::time::ZONE);
        form.set(date, &l.format("%d/%m/%Y").to_string());
        form.set(time, &l.format("%H:%M").to_string());
    }
}

fn date_field(key: &'static str, label: &str) -> Field {
    Field::date(key, label).with_hint("Day/month/year, e.g. 22/11/2026. y yesterday, t today.")
}

fn time_field(key: &'static str, label: &str) -> Field {
    Field::time(key, label, None).with_hint("24-hour time, e.g. 02:15.")
}

// ---------------------------------------------------------------- in-house

pub fn in_house_fields() -> Vec<Field> {
    vec![
        Field::multiline("ih_done", "What was done", LONG)
            .required()
            .with_hint("A talk, time out, a plan for tomorrow…"),
        Field::text("ih_consequence", "Consequence", LINE).with_hint("Any consequence under the behaviour policy."),
        Field::text("ih_reparation", "Reparation", LINE),
        Field::text("ih_follow_up", "Follow-up", LINE),
    ]
}

pub fn in_house_read(f: &Form, p: &mut Problems) -> InHouse {
    let done = f.text("ih_done");
    if done.is_empty() {
        p.push(("ih_done", "Say what was done.".into()));
    }
    InHouse {
        what_was_done: done,
        consequence: f.text("ih_consequence"),
        reparation: f.text("ih_reparation"),
        follow_up: f.text("ih_follow_up"),
    }
}

pub fn in_house_fill(f: &mut Form, x: &InHouse) {
    f.set("ih_done", &x.what_was_done);
    f.set("ih_consequence", &x.consequence);
    f.set("ih_reparation", &x.reparation);
    f.set("ih_follow_up", &x.follow_up);
}

// ---------------------------------------------------------------- restorative

pub fn restorative_fields() -> Vec<Field> {
    vec![
        Field::choice(
            "rj_kind",
            "Kind",
            RestorativeKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), k.label().to_string()))
                .collect(),
        )
        .required(),
        Field::text("rj_facilitator", "Facilitator", LINE),
        Field::text("rj_participants", "Participants", LINE),
        Field::choice("rj_consent", "Victim consents", yes_no_unknown("Not asked yet"))
            .with_hint("A restorative meeting needs the victim's consent."),
        date_field("rj_date", "Planned for (date)"),
        time_field("rj_time", "Planned for (time)"),
        Field::multiline("rj_agreed", "What was agreed", LONG),
        Field::choice("rj_held", "Did it happen?", yes_no_unknown("Not yet")),
        Field::multiline("rj_outcome", "Outcome", LONG),
    ]
}

pub fn restorative_read(f: &Form, p: &mut Problems) -> Restorative {
    let kind = RestorativeKind::from_code(&f.get("rj_kind"));
    if kind.is_none() {
        p.push(("rj_kind", "Choose the kind of restorative approach.".into()));
    }
    Restorative {
        kind: kind.unwrap_or(RestorativeKind::Conversation),
        facilitator: f.text("rj_facilitator"),
        participants: f.text("rj_participants"),
        victim_consent: opt_bool(&f.get("rj_consent")),
        planned_for: when_planned(f, "rj_date", "rj_time", p),
        agreed: f.text("rj_agreed"),
        held: opt_bool(&f.get("rj_held")),
        outcome: f.text("rj_outcome"),
    }
}

pub fn restorative_fill(f: &mut Form, x: &Restorative) {
    f.set("rj_kind", x.kind.code());
    f.set("rj_facilitator", &x.facilitator);
    f.set("rj_participants", &x.participants);
    f.set("rj_consent", bool_code(x.victim_consent));
    fill_when(f, "rj_date", "rj_time", x.planned_for);
    f.set("rj_agreed", &x.agreed);
    f.set("rj_held", bool_code(x.held));
    f.set("rj_outcome", &x.outcome);
}

// ---------------------------------------------------------------- police

fn outcome_options() -> Vec<(String, String)> {
    PoliceOutcome::ALL
        .iter()
        .map(|o| (o.code().to_string(), o.label().to_string()))
        .collect()
}

pub fn police_fields() -> Vec<Field> {
    vec![
        Field::choice(
            "po_route",
            "How",
            vec![
                ("999".into(), PoliceRoute::Emergency999.label().into()),
                ("101".into(), PoliceRoute::NonEmergency101.label().into()),
            ],
        )
        .required(),
        Field::choice(
            "po_reason",
            "Reason for the call",
            [CallReason::Behaviour, CallReason::Missing, CallReason::Absent]
                .map(|r| (r.code().to_string(), r.label().to_string()))
                .to_vec(),
        )
        .required()
        .with(CallReason::Behaviour.code()),
        date_field("po_date", "Called (date)"),
        time_field("po_time", "Called (time)"),
        Field::text("po_ref", "Incident / crime ref", 60),
        Field::text("po_officer", "Officer name, number", 100),
        Field::choice("po_attended", "Police attended?", yes_no_unknown("Not known")),
        Field::toggle("po_arrest", "Arrest"),
        Field::text("po_aa", "Appropriate adult", 100),
        Field::choice(
            "po_diversion",
            "Diversion asked for",
            vec![
                (DiversionAsked::None.code().into(), "Nothing asked".into()),
                (DiversionAsked::Outcome21.code().into(), "Outcome 21".into()),
                (DiversionAsked::Outcome22.code().into(), "Outcome 22".into()),
                (
                    DiversionAsked::CommunityResolution.code().into(),
                    "Community resolution".into(),
                ),
            ],
        )
        .with(DiversionAsked::None.code()),
        Field::choice("po_outcome", "Police outcome", outcome_options())
            .with(PoliceOutcome::NotYetKnown.code())
            .with_hint("Fill in later as news comes."),
        Field::text("po_outcome_date", "Outcome given (date)", 10)
            .with_hint("The day the police gave the outcome, e.g. 22/11/2026. Empty = today."),
        Field::choice(
            "po_court",
            "Court (if charged)",
            std::iter::once((String::new(), "None".to_string()))
                .chain(
                    [
                        CourtOutcome::Pending,
                        CourtOutcome::Convicted,
                        CourtOutcome::NotConvicted,
                    ]
                    .map(|c| (c.code().to_string(), c.label().to_string())),
                )
                .collect(),
        ),
    ]
}

pub fn police_read(f: &Form, now: DateTime<Utc>, p: &mut Problems) -> Police {
    let route = match f.get("po_route").as_str() {
        "999" => PoliceRoute::Emergency999,
        "101" => PoliceRoute::NonEmergency101,
        _ => {
            p.push(("po_route", "Choose 999 or non-emergency.".into()));
            PoliceRoute::NonEmergency101
        }
    };
    let reason = CallReason::from_code(&f.get("po_reason")).unwrap_or(CallReason::Behaviour);
    let outcome = PoliceOutcome::from_code(&f.get("po_outcome")).unwrap_or(PoliceOutcome::NotYetKnown);
    let court = CourtOutcome::from_code(&f.get("po_court"));
    if court.is_some() && outcome != PoliceOutcome::Charge {
        p.push(("po_court", "A court outcome needs the police outcome Charge.".into()));
    }
    let outcome_at = if outcome == PoliceOutcome::NotYetKnown {
        None
    } else {
        let d = f.text("po_outcome_date");
        let d = if d.is_empty() {
            crate::time::local_date(now).format("%d/%m/%Y").to_string()
        } else {
            d
        };
        match crate::time::parse_local(&d, "00:00") {
            Ok(x) if x > now => {
                p.push(("po_outcome_date", "That date is in the future.".into()));
                None
            }
            Ok(x) => Some(x),
            Err(e) => {
                p.push(("po_outcome_date", e));
                None
            }
        }
    };
    let diversion = DiversionAsked::from_code(&f.get("po_diversion")).unwrap_or(DiversionAsked::None);
    Police {
        route,
        reason,
        called_at: when(f, "po_date", "po_time", now, p),
        reference: f.text("po_ref"),
        officer: f.text("po_officer"),
        attended: opt_bool(&f.get("po_attended")),
        arrest: f.yes("po_arrest"),
        appropriate_adult: f.text("po_aa"),
        diversion_asked: diversion,
        outcome,
        court,
        outcome_at,
    }
}

pub fn police_fill(f: &mut Form, x: &Police) {
    f.set(
        "po_route",
        if x.route == PoliceRoute::Emergency999 {
            "999"
        } else {
            "101"
        },
    );
    f.set("po_reason", x.reason.code());
    fill_when(f, "po_date", "po_time", x.called_at);
    f.set("po_ref", &x.reference);
    f.set("po_officer", &x.officer);
    f.set("po_attended", bool_code(x.attended));
    f.set("po_arrest", if x.arrest { "yes" } else { "no" });
    f.set("po_aa", &x.appropriate_adult);
    f.set("po_diversion", x.diversion_asked.code());
    f.set("po_outcome", x.outcome.code());
    if let Some(t) = x.outcome_at {
        f.set(
            "po_outcome_date",
            &crate::time::local_date(t).format("%d/%m/%Y").to_string(),
        );
    }
    f.set("po_court", x.court.map_or("", CourtOutcome::code));
}

/// `dd/mm/yyyy hh:mm`, local.
fn show_when(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::time::ZONE).format("%d/%m/%Y %H:%M").to_string()
}

/// `hh:mm` or `dd/mm/yyyy hh:mm`, as a local date and time; `hh:mm` on `day`.
fn parse_when(s: &str, day: chrono::NaiveDate) -> Result<(DateTime<Utc>, bool), String> {
    match s.trim().rsplit_once(' ') {
        Some((d, tm)) => crate::time::parse_local(d.trim(), tm).map(|t| (t, true)),
        None => crate::time::parse_local(&day.format("%d/%m/%Y").to_string(), s.trim()).map(|t| (t, false)),
    }
}

/// A time that has passed: `23:20` is the most recent 23:20 (yesterday's when it is not yet 23:20 today). Empty is
/// None; a time in the future is refused.
pub fn past_time(s: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let today = crate::time::local_date(now);
    let (mut t, dated) = parse_when(s, today)?;
    if !dated && t > now + chrono::Duration::minutes(1) {
        t = parse_when(s, today.pred_opt().unwrap_or(today))?.0;
    }
    if t > now + chrono::Duration::minutes(1) {
        return Err("That time is in the future.".into());
    }
    Ok(Some(t))
}

/// A time still to come: `09:00` is the next 09:00 (tomorrow's when it has passed today). A time already passed
/// is refused.
pub fn future_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let today = crate::time::local_date(now);
    let (mut t, dated) = parse_when(s, today)?;
    if !dated && t <= now {
        t = parse_when(s, today.succ_opt().unwrap_or(today))?.0;
    }
    if t <= now {
        return Err("That time has passed: give a time still to come.".into());
    }
    Ok(t)
}

// ---------------------------------------------------------------- regulation 35

pub fn reg35_fields() -> Vec<Field> {
    vec![
        Field::text("r35_measure", "Measure used", LINE)
            .required()
            .with_hint("E.g. a two-person hold, guiding away."),
        Field::text("r35_minutes", "Duration (minutes)", 4),
        Field::text("r35_used_by", "Who used it", LINE),
        Field::text("r35_present", "Who else was present", LINE),
        Field::multiline("r35_avoid", "Done to avoid it", LONG),
        Field::multiline("r35_effect", "Effect, consequences", LONG),
        Field::text("r35_injuries", "Injury to anyone", LINE),
        Field::text("r35_treatment", "Medical treatment", LINE),
    ]
}

pub fn reg35_read(f: &Form, p: &mut Problems) -> Reg35 {
    let minutes = match f.text("r35_minutes") {
        s if s.is_empty() => None,
        s => match s.parse::<u32>() {
            Ok(n) if n <= 24 * 60 => Some(n),
            _ => {
                p.push(("r35_minutes", "Minutes, as a whole number (0 to 1440).".into()));
                None
            }
        },
    };
    let measure = f.text("r35_measure");
    if measure.is_empty() {
        p.push(("r35_measure", "Describe the measure used.".into()));
    }
    Reg35 {
        measure,
        duration_minutes: minutes,
        used_by: f.text("r35_used_by"),
        others_present: f.text("r35_present"),
        avoid_tried: f.text("r35_avoid"),
        effectiveness: f.text("r35_effect"),
        consequences: String::new(),
        injuries: f.text("r35_injuries"),
        treatment: f.text("r35_treatment"),
    }
}

pub fn reg35_fill(f: &mut Form, x: &Reg35) {
    f.set("r35_measure", &x.measure);
    f.set(
        "r35_minutes",
        &x.duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
    );
    f.set("r35_used_by", &x.used_by);
    f.set("r35_present", &x.others_present);
    f.set("r35_avoid", &x.avoid_tried);
    let effect = if x.consequences.is_empty() {
        x.effectiveness.clone()
    } else {
        format!("{}\n{}", x.effectiveness, x.consequences)
    };
    f.set("r35_effect", &effect);
    f.set("r35_injuries", &x.injuries);
    f.set("r35_treatment", &x.treatment);
}

/// The regulation 35 deadlines for an incident at `t`, as a line to show.
pub fn reg35_deadlines(t: DateTime<Utc>) -> String {
    use crate::domain::outstanding::{CHILD_WITHIN_DAYS, RECORD_WITHIN, REVIEW_WITHIN};
    format!(
        "Record by {} · manager speaks to staff and signs by {} · speaks to child by {}",
        crate::time::show_short(t + chrono::Duration::hours(RECORD_WITHIN)),
        crate::time::show_short(t + chrono::Duration::hours(REVIEW_WITHIN)),
        crate::time::show_short(t + chrono::Duration::days(CHILD_WITHIN_DAYS)),
    )
}
