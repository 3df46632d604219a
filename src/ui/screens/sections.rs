//! The parts of an incident record that are filled in the wizard and again later as news comes (police
//! outcome, restorative result, …): each as form fields, read back into the domain type with validation.
//! One definition serves both the wizard and the detail screen's entries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::*;
use crate::ui::form::{Field, Form};

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

// ---------------------------------------------------------------- missing or absent

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

// ---------------------------------------------------------------- notifications

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
    }

    #[test]
    fn police_round_trip() {
        let mut f = Form::new(police_fields());
        let x = Police {
            route: PoliceRoute::Emergency999,
            reason: CallReason::Behaviour,
            called_at: Some(Utc.with_ymd_and_hms(2026, 11, 22, 2, 20, 0).unwrap()),
            reference: "CAD 123".into(),
            officer: "PC Jones 4412".into(),
            attended: Some(true),
            arrest: false,
            appropriate_adult: String::new(),
            diversion_asked: DiversionAsked::Outcome22,
            outcome: PoliceOutcome::NotYetKnown,
            court: None,
            outcome_at: None,
        };
        police_fill(&mut f, &x);
        let mut p = vec![];
        assert_eq!(police_read(&f, now(), &mut p), x);
        assert!(p.is_empty(), "{p:?}");
        f.set("po_court", "convicted");
        police_read(&f, now(), &mut p);
        assert_eq!(p[0].0, "po_court");
    }

    /// The form's codes are the domain's (serde's names), and a draft kept when the form said `outcome_22`
    /// still comes back with the outcome chosen, never silently "not yet known".
    #[test]
    fn police_codes_are_the_records_and_old_drafts_keep_their_outcome() {
        let mut f = Form::new(police_fields());
        f.set("po_outcome", PoliceOutcome::Outcome22.code());
        f.set("po_diversion", "outcome21");
        assert_eq!(f.get("po_outcome"), "outcome22");
        let mut p = vec![];
        let x = police_read(&f, now(), &mut p);
        assert_eq!(
            (x.outcome, x.diversion_asked),
            (PoliceOutcome::Outcome22, DiversionAsked::Outcome21)
        );

        let mut old = Form::new(police_fields());
        let kept: BTreeMap<String, String> = [("po_outcome", "outcome_22"), ("po_diversion", "outcome_21")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        old.restore(&kept);
        let y = police_read(&old, now(), &mut p);
        assert_eq!(
            (y.outcome, y.diversion_asked),
            (PoliceOutcome::Outcome22, DiversionAsked::Outcome21)
        );
        assert_eq!(
            old.get("po_outcome"),
            "outcome22",
            "shown as the choice, saved under today's code"
        );
    }

    #[test]
    fn times_in_the_future_and_impossible_dates_are_refused() {
        let mut f = Form::new(missing_fields());
        f.set("mi_kind", "missing");
        f.set("mi_reported", "yes");
        f.set("mi_back", "no");
        f.set("mi_left_date", "22/11/2026");
        f.set("mi_left_time", "04:00");
        let mut p = vec![];
        missing_read(&f, now(), &mut p);
        assert!(p[0].1.contains("future"));
        f.set("mi_left_date", "31/11/2026");
        let mut p = vec![];
        missing_read(&f, now(), &mut p);
        assert_eq!(p[0].0, "mi_left_date");
    }

    fn notify_form(v: &[(&str, &str)]) -> Form {
        let m: BTreeMap<String, String> = v.iter().map(|(k, x)| (k.to_string(), x.to_string())).collect();
        let mut f = Form::new(notify_fields_for(&m));
        f.restore(&m);
        f
    }

    #[test]
    fn the_yos_worker_of_a_yos_open_child_must_be_answered_never_a_silent_default() {
        // Only the social worker answered: the YOS worker's row is asked for, nobody is "told" by default.
        let f = notify_form(&[("nt_sw", TOLD_AT), ("nt_sw_at", "02:40")]);
        let mut p = vec![];
        let (told, not) = notify_read(&f, now(), true, &mut p);
        assert_eq!(told.len(), 1);
        assert!(not.is_empty());
        assert_eq!(told[0].at, Utc.with_ymd_and_hms(2026, 11, 22, 2, 40, 0).unwrap());
        assert_eq!(p[0].0, "nt_yos");
        // Every one of the four answers is accepted, and none of them invents a time.
        for (status, detail) in [(TELL_LATER, "09:00"), (NOT_NEEDED, "order ended"), (TOLD_AT, "02:50")] {
            let f = notify_form(&[("nt_yos", status), ("nt_yos_at", detail)]);
            let mut p = vec![];
            let (told, not) = notify_read(&f, now(), true, &mut p);
            assert!(p.is_empty(), "{status}: {p:?}");
            assert_eq!(told.len() + not.len(), 1);
        }
        // "To be told later" and "not needed" without a time or why are refused on their own row.
        for status in [TELL_LATER, NOT_NEEDED, TOLD_AT] {
            let mut p = vec![];
            notify_read(&notify_form(&[("nt_yos", status)]), now(), true, &mut p);
            assert_eq!(p[0].0, "nt_yos_at", "{status}");
        }
    }

    #[test]
    fn a_time_to_tell_later_is_the_next_one_and_a_time_told_is_the_most_recent() {
        // 03:00 on 22/11: "09:00" is this morning; "23:20" told is last night; "02:00" later is tomorrow.
        let f = notify_form(&[
            ("nt_yos", TELL_LATER),
            ("nt_yos_at", "09:00"),
            ("nt_manager", TOLD_AT),
            ("nt_manager_at", "23:20"),
            ("nt_parent", TELL_LATER),
            ("nt_parent_at", "02:00"),
        ]);
        let mut p = vec![];
        let (told, not) = notify_read(&f, now(), true, &mut p);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(told[0].at, Utc.with_ymd_and_hms(2026, 11, 21, 23, 20, 0).unwrap());
        assert_eq!(
            not,
            vec![
                NotTold::Later {
                    who: NotifyWho::YosWorker,
                    due: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
                },
                NotTold::Later {
                    who: NotifyWho::ParentOrCarer,
                    due: Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
                },
            ]
        );
        // A date given and passed is refused for "later"; in the future for "told at".
        let mut p = vec![];
        notify_read(
            &notify_form(&[("nt_yos", TELL_LATER), ("nt_yos_at", "21/11/2026 09:00")]),
            now(),
            true,
            &mut p,
        );
        assert!(p[0].1.contains("passed"), "{p:?}");
        // Round trip through the fill used by a later entry.
        let mut round = Form::new(notify_fields());
        notify_fill(&mut round, &told, &not);
        let mut p2 = vec![];
        assert_eq!(notify_read(&round, now(), false, &mut p2), (told, not));
        assert!(p2.is_empty(), "{p2:?}");
    }

    #[test]
    fn a_missing_episode_does_not_contradict_itself() {
        let m = |v: &[(&str, &str)]| {
            let m: BTreeMap<String, String> = v.iter().map(|(k, x)| (k.to_string(), x.to_string())).collect();
            let mut f = Form::new(missing_fields_for(&m));
            f.restore(&m);
            f
        };
        // The reference field is not there unless reported; a reference left over is not kept.
        let f = m(&[
            ("mi_kind", "missing"),
            ("mi_reported", "no"),
            ("mi_ref", "CAD 1"),
            ("mi_back", "no"),
        ]);
        assert!(f.field("mi_ref").is_none());
        let mut p = vec![];
        let x = missing_read(&f, now(), &mut p);
        assert_eq!(x.police_reference, "");
        assert_eq!(p[0].0, "mi_why", "a missing child not reported needs a why: {p:?}");
        // Reported, with a time and reference; not back yet: missing now, no return interview due.
        let f = m(&[
            ("mi_kind", "missing"),
            ("mi_left_date", "21/11/2026"),
            ("mi_left_time", "23:00"),
            ("mi_reported", "yes"),
            ("mi_rep_at", "23:40"),
            ("mi_ref", "CAD 9"),
            ("mi_back", "no"),
        ]);
        let mut p = vec![];
        let x = missing_read(&f, now(), &mut p);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            x.reported_at,
            Some(Utc.with_ymd_and_hms(2026, 11, 21, 23, 40, 0).unwrap())
        );
        assert!(x.away_now());
        assert_eq!(x.return_interview_due(), None);
        // "Back yet?" must be answered: never a silent "still missing".
        let mut p = vec![];
        missing_read(
            &m(&[
                ("mi_kind", "absent"),
                ("mi_reported", "no"),
                ("mi_why", "at his aunt's"),
            ]),
            now(),
            &mut p,
        );
        assert_eq!(p[0].0, "mi_back", "{p:?}");
        // Came back at 02:30: the interview is due 72 hours later; the fill shows the same answers.
        let f = m(&[
            ("mi_kind", "missing"),
            ("mi_reported", "yes"),
            ("mi_back", "yes"),
            ("mi_back_date", "22/11/2026"),
            ("mi_back_time", "02:30"),
        ]);
        let mut p = vec![];
        let x = missing_read(&f, now(), &mut p);
        assert!(p.is_empty(), "{p:?}");
        let back = Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap();
        assert_eq!(x.return_interview_due(), Some(back + chrono::Duration::hours(72)));
        let mut round = Form::new(missing_fields());
        missing_fill(&mut round, &x);
        let mut p = vec![];
        assert_eq!(missing_read(&round, now(), &mut p), x);
    }

    #[test]
    fn reg35_and_restorative_round_trip() {
        let mut f = Form::new(reg35_fields());
        let x = Reg35 {
            measure: "Guided away".into(),
            duration_minutes: Some(3),
            used_by: "Sam".into(),
            others_present: "Kim".into(),
            avoid_tried: "Space".into(),
            effectiveness: "Calmed".into(),
            consequences: String::new(),
            injuries: String::new(),
            treatment: String::new(),
        };
        reg35_fill(&mut f, &x);
        let mut p = vec![];
        assert_eq!(reg35_read(&f, &mut p), x);
        let mut f = Form::new(restorative_fields());
        let r = Restorative {
            kind: RestorativeKind::Meeting,
            facilitator: "Lee".into(),
            participants: "J, Sam".into(),
            victim_consent: Some(true),
            planned_for: Some(Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0).unwrap()),
            agreed: String::new(),
            held: None,
            outcome: String::new(),
        };
        restorative_fill(&mut f, &r);
        assert_eq!(restorative_read(&f, &mut p), r);
        assert!(p.is_empty(), "{p:?}");
    }
}
