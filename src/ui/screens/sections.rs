//! The parts of an incident record that are filled in the wizard and again later as news comes (police
//! outcome, restorative result, …): each as form fields, read back into the domain type with validation.
//! One definition serves both the wizard and the detail screen's entries.

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
    Field::text(key, label, 10).with_hint("Day/month/year, e.g. 22/11/2026.")
}

fn time_field(key: &'static str, label: &str) -> Field {
    Field::text(key, label, 5).with_hint("24-hour time, e.g. 02:15.")
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

fn rj_kind_code(k: RestorativeKind) -> &'static str {
    match k {
        RestorativeKind::Conversation => "conversation",
        RestorativeKind::Meeting => "meeting",
        RestorativeKind::Reparation => "reparation",
        RestorativeKind::Apology => "apology",
        RestorativeKind::Mediation => "mediation",
    }
}

pub fn restorative_fields() -> Vec<Field> {
    vec![
        Field::choice(
            "rj_kind",
            "Kind",
            RestorativeKind::ALL
                .iter()
                .map(|k| (rj_kind_code(*k).to_string(), k.label().to_string()))
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
    let kind = RestorativeKind::ALL
        .into_iter()
        .find(|k| rj_kind_code(*k) == f.get("rj_kind"));
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
    f.set("rj_kind", rj_kind_code(x.kind));
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
            vec![
                ("behaviour".into(), "Behaviour".into()),
                ("missing".into(), "Missing".into()),
                ("absent".into(), "Absent".into()),
            ],
        )
        .required()
        .with("behaviour"),
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
                ("none".into(), "Nothing asked".into()),
                ("outcome_21".into(), "Outcome 21".into()),
                ("outcome_22".into(), "Outcome 22".into()),
                ("community_resolution".into(), "Community resolution".into()),
            ],
        )
        .with("none"),
        Field::choice("po_outcome", "Police outcome", outcome_options())
            .with("not_yet_known")
            .with_hint("Fill in later as news comes."),
        Field::text("po_outcome_date", "Outcome given (date)", 10)
            .with_hint("The day the police gave the outcome, e.g. 22/11/2026. Empty = today."),
        Field::choice(
            "po_court",
            "Court (if charged)",
            vec![
                ("".into(), "None".into()),
                ("pending".into(), "Pending".into()),
                ("convicted".into(), "Convicted".into()),
                ("not_convicted".into(), "Not convicted".into()),
            ],
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
    let reason = match f.get("po_reason").as_str() {
        "missing" => CallReason::Missing,
        "absent" => CallReason::Absent,
        _ => CallReason::Behaviour,
    };
    let outcome = PoliceOutcome::ALL
        .into_iter()
        .find(|o| o.code() == f.get("po_outcome"))
        .unwrap_or(PoliceOutcome::NotYetKnown);
    let court = match f.get("po_court").as_str() {
        "pending" => Some(CourtOutcome::Pending),
        "convicted" => Some(CourtOutcome::Convicted),
        "not_convicted" => Some(CourtOutcome::NotConvicted),
        _ => None,
    };
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
    let diversion = match f.get("po_diversion").as_str() {
        "outcome_21" => DiversionAsked::Outcome21,
        "outcome_22" => DiversionAsked::Outcome22,
        "community_resolution" => DiversionAsked::CommunityResolution,
        _ => DiversionAsked::None,
    };
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
    f.set(
        "po_reason",
        match x.reason {
            CallReason::Behaviour => "behaviour",
            CallReason::Missing => "missing",
            CallReason::Absent => "absent",
        },
    );
    fill_when(f, "po_date", "po_time", x.called_at);
    f.set("po_ref", &x.reference);
    f.set("po_officer", &x.officer);
    f.set("po_attended", bool_code(x.attended));
    f.set("po_arrest", if x.arrest { "yes" } else { "no" });
    f.set("po_aa", &x.appropriate_adult);
    f.set(
        "po_diversion",
        match x.diversion_asked {
            DiversionAsked::None => "none",
            DiversionAsked::Outcome21 => "outcome_21",
            DiversionAsked::Outcome22 => "outcome_22",
            DiversionAsked::CommunityResolution => "community_resolution",
        },
    );
    f.set("po_outcome", x.outcome.code());
    if let Some(t) = x.outcome_at {
        f.set(
            "po_outcome_date",
            &crate::time::local_date(t).format("%d/%m/%Y").to_string(),
        );
    }
    f.set(
        "po_court",
        match x.court {
            Some(CourtOutcome::Pending) => "pending",
            Some(CourtOutcome::Convicted) => "convicted",
            Some(CourtOutcome::NotConvicted) => "not_convicted",
            None => "",
        },
    );
}

// ---------------------------------------------------------------- missing or absent

pub fn missing_fields() -> Vec<Field> {
    vec![
        Field::choice(
            "mi_kind",
            "Missing or absent",
            vec![
                ("missing".into(), "Missing (whereabouts unknown)".into()),
                ("absent".into(), "Absent (known, without permission)".into()),
            ],
        )
        .required(),
        date_field("mi_left_date", "Left (date)"),
        time_field("mi_left_time", "Left (time)"),
        Field::toggle("mi_reported", "Reported to police"),
        Field::text("mi_ref", "Police reference", 60),
        date_field("mi_back_date", "Came back (date)").with_hint("Leave empty while the child is still away."),
        time_field("mi_back_time", "Came back (time)"),
        Field::choice("mi_interview", "Return interview", yes_no_unknown("Not yet")),
    ]
}

pub fn missing_read(f: &Form, now: DateTime<Utc>, p: &mut Problems) -> Missing {
    let kind = match f.get("mi_kind").as_str() {
        "missing" => MissingKind::Missing,
        "absent" => MissingKind::Absent,
        _ => {
            p.push(("mi_kind", "Choose missing or absent.".into()));
            MissingKind::Missing
        }
    };
    let left = when(f, "mi_left_date", "mi_left_time", now, p);
    let back = when(f, "mi_back_date", "mi_back_time", now, p);
    if let (Some(l), Some(b)) = (left, back)
        && b < l
    {
        p.push(("mi_back_date", "Came back before leaving: check the times.".into()));
    }
    Missing {
        kind,
        left_at: left,
        reported_to_police: f.yes("mi_reported"),
        police_reference: f.text("mi_ref"),
        returned_at: back,
        return_interview_offered: opt_bool(&f.get("mi_interview")),
    }
}

pub fn missing_fill(f: &mut Form, x: &Missing) {
    f.set(
        "mi_kind",
        if x.kind == MissingKind::Missing {
            "missing"
        } else {
            "absent"
        },
    );
    fill_when(f, "mi_left_date", "mi_left_time", x.left_at);
    f.set("mi_reported", if x.reported_to_police { "yes" } else { "no" });
    f.set("mi_ref", &x.police_reference);
    fill_when(f, "mi_back_date", "mi_back_time", x.returned_at);
    f.set("mi_interview", bool_code(x.return_interview_offered));
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

/// Keys of the notification fields, one toggle and one time per person.
pub const NOTIFY_KEYS: [(NotifyWho, &str, &str); 6] = [
    (NotifyWho::ManagerOnCall, "nt_manager", "nt_manager_at"),
    (NotifyWho::SocialWorker, "nt_sw", "nt_sw_at"),
    (NotifyWho::PlacingAuthority, "nt_pa", "nt_pa_at"),
    (NotifyWho::YosWorker, "nt_yos", "nt_yos_at"),
    (NotifyWho::ParentOrCarer, "nt_parent", "nt_parent_at"),
    (NotifyWho::Ofsted, "nt_ofsted", "nt_ofsted_at"),
];

pub fn notify_fields() -> Vec<Field> {
    let mut v = Vec::new();
    for (who, t, at) in NOTIFY_KEYS {
        v.push(Field::toggle(t, who.label()));
        v.push(
            Field::text(at, "  told at (hh:mm)", 16).with_hint("Today's time, or day/month/year hh:mm. Empty = now."),
        );
    }
    v
}

/// Who was told and when. `yos_required`: the child is open to the YOS, so the YOS worker must be told.
pub fn notify_read(f: &Form, now: DateTime<Utc>, yos_required: bool, p: &mut Problems) -> Vec<Notification> {
    let mut out = Vec::new();
    for (who, t, at) in NOTIFY_KEYS {
        if !f.yes(t) {
            if who == NotifyWho::YosWorker && yos_required {
                p.push((t, "This child is open to the YOS: the YOS worker must be told.".into()));
            }
            continue;
        }
        let s = f.text(at);
        let when = if s.is_empty() {
            Some(now)
        } else {
            let parsed = match s.rsplit_once(' ') {
                Some((d, tm)) => crate::time::parse_local(d, tm),
                None => crate::time::parse_local(&crate::time::local_date(now).format("%d/%m/%Y").to_string(), &s),
            };
            match parsed {
                Ok(x) if x > now + chrono::Duration::minutes(1) => {
                    p.push((at, "That time is in the future.".into()));
                    None
                }
                Ok(x) => Some(x),
                Err(e) => {
                    p.push((at, e));
                    None
                }
            }
        };
        if let Some(w) = when {
            out.push(Notification {
                who,
                at: w,
                note: String::new(),
            });
        }
    }
    out
}

pub fn notify_fill(f: &mut Form, list: &[Notification]) {
    for n in list {
        if let Some((_, t, at)) = NOTIFY_KEYS.iter().find(|(w, _, _)| *w == n.who) {
            f.set(t, "yes");
            let l = n.at.with_timezone(&crate::time::ZONE);
            f.set(at, &l.format("%d/%m/%Y %H:%M").to_string());
        }
    }
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

    #[test]
    fn times_in_the_future_and_impossible_dates_are_refused() {
        let mut f = Form::new(missing_fields());
        f.set("mi_kind", "missing");
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

    #[test]
    fn yos_worker_must_be_told_when_open() {
        let mut f = Form::new(notify_fields());
        f.set("nt_sw", "yes");
        f.set("nt_sw_at", "02:40");
        let mut p = vec![];
        let n = notify_read(&f, now(), true, &mut p);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].at, Utc.with_ymd_and_hms(2026, 11, 22, 2, 40, 0).unwrap());
        assert_eq!(p[0].0, "nt_yos");
        let mut round = Form::new(notify_fields());
        notify_fill(&mut round, &n);
        let mut p2 = vec![];
        assert_eq!(notify_read(&round, now(), false, &mut p2), n);
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
