//! The detail view as lines of text: every field of the current state, the open actions, and the history
//! (each entry saying what it changed). Pure: no store, no terminal; wrapped to a width so it can scroll.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::domain::outstanding::actions;
use crate::domain::*;
use crate::store::incidents::IncidentDetail;
use crate::text::display;
use crate::ui::theme::Theme;

/// Width of the label column.
const LABEL: usize = 22;

/// (label, value) pairs of one part of the record: shown in the current state and compared in the history.
pub type Pairs = Vec<(&'static str, String)>;

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(crate::time::show).unwrap_or_default()
}

fn yes_no(b: Option<bool>, unknown: &str) -> String {
    match b {
        Some(true) => "Yes".into(),
        Some(false) => "No".into(),
        None => unknown.into(),
    }
}

pub fn diversion_label(d: DiversionAsked) -> &'static str {
    match d {
        DiversionAsked::None => "Nothing asked",
        DiversionAsked::Outcome21 => "Outcome 21",
        DiversionAsked::Outcome22 => "Outcome 22",
        DiversionAsked::CommunityResolution => "Community resolution",
    }
}

pub fn police_pairs(p: &Police) -> Pairs {
    vec![
        ("How", p.route.label().into()),
        ("Reason for the call", p.reason.label().into()),
        ("Called at", when(p.called_at)),
        ("Incident / crime ref", p.reference.clone()),
        ("Officer", p.officer.clone()),
        ("Police attended", yes_no(p.attended, "Not known")),
        ("Arrest", if p.arrest { "Yes" } else { "No" }.into()),
        ("Appropriate adult", p.appropriate_adult.clone()),
        ("Asked to consider", diversion_label(p.diversion_asked).into()),
        ("Police outcome", p.outcome.label().into()),
        (
            "Outcome given",
            p.outcome_at
                .map(|t| crate::time::local_date(t).format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        ),
        (
            "Court outcome",
            p.court.map(|c| c.label().to_string()).unwrap_or_default(),
        ),
    ]
}

pub fn restorative_pairs(r: &Restorative) -> Pairs {
    vec![
        ("Kind", r.kind.label().into()),
        ("Facilitator", r.facilitator.clone()),
        ("Participants", r.participants.clone()),
        ("Victim consents", yes_no(r.victim_consent, "Not asked yet")),
        ("Planned for", when(r.planned_for)),
        ("What was agreed", r.agreed.clone()),
        ("Did it happen", yes_no(r.held, "Not yet")),
        ("Outcome", r.outcome.clone()),
    ]
}

pub fn in_house_pairs(x: &InHouse) -> Pairs {
    vec![
        ("What was done", x.what_was_done.clone()),
        ("Consequence", x.consequence.clone()),
        ("Reparation", x.reparation.clone()),
        ("Follow-up", x.follow_up.clone()),
    ]
}

pub fn missing_pairs(m: &Missing) -> Pairs {
    vec![
        (
            "Missing or absent",
            match m.kind {
                MissingKind::Missing => "Missing (whereabouts unknown)",
                MissingKind::Absent => "Absent (known, without permission)",
            }
            .into(),
        ),
        ("Left / last seen", when(m.left_at)),
        (
            "Reported to police",
            match (m.reported_to_police, m.reported_at) {
                (true, Some(t)) => format!("Yes, {}", crate::time::show(t)),
                (true, None) => "Yes".into(),
                (false, _) if m.not_reported_why.is_empty() => "No".into(),
                (false, _) => format!("No: {}", m.not_reported_why),
            },
        ),
        (
            "Police reference",
            // An older record may hold a reference beside "not reported": shown, and said to be odd.
            if m.reported_to_police || m.police_reference.is_empty() {
                m.police_reference.clone()
            } else {
                format!("{} (recorded although not reported: check)", m.police_reference)
            },
        ),
        (
            "Came back",
            if m.returned_at.is_some() {
                when(m.returned_at)
            } else {
                "NOT BACK YET: missing now".into()
            },
        ),
        (
            "Return interview",
            match (m.return_interview_offered, m.return_interview_due()) {
                (Some(true), _) => "Offered".into(),
                (_, Some(due)) => format!("Not offered yet: due by {}", crate::time::show(due)),
                (o, None) => yes_no(o, "After the child comes back (within 72 hours)"),
            },
        ),
    ]
}

pub fn reg35_pairs(r: &Reg35) -> Pairs {
    vec![
        ("Measure used", r.measure.clone()),
        (
            "Duration",
            r.duration_minutes.map(|m| format!("{m} minutes")).unwrap_or_default(),
        ),
        ("Who used it", r.used_by.clone()),
        ("Others present", r.others_present.clone()),
        ("Done to avoid it", r.avoid_tried.clone()),
        ("Effectiveness", r.effectiveness.clone()),
        ("Consequences", r.consequences.clone()),
        ("Injury to anyone", r.injuries.clone()),
        ("Medical treatment", r.treatment.clone()),
    ]
}

fn kind_label(k: PersonKind) -> &'static str {
    match k {
        PersonKind::Staff => "staff",
        PersonKind::Child => "child",
        PersonKind::Public => "public",
    }
}

fn involved_as(r: InvolvedAs) -> &'static str {
    match r {
        InvolvedAs::Victim => "victim",
        InvolvedAs::Witness => "witness",
        InvolvedAs::Other => "involved",
    }
}

/// What a correctable field says now, as people read it (`names`: a child's name from their uid).
pub fn correctable(r: &IncidentRecord, f: CorrectableField, names: &dyn Fn(&str) -> String) -> String {
    f.shown(&f.value_of(r), names)
}

/// Text wrapped to a width, as styled lines. Every value passes through [`display`].
pub struct Doc {
    width: usize,
    pub lines: Vec<Line<'static>>,
    theme: Theme,
    /// Line index of each section heading, by name (for jumps).
    pub marks: Vec<(&'static str, usize)>,
}

/// Split text into rows of at most `w` columns, breaking at spaces where it can.
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(8);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut row = String::new();
        let mut row_w = 0;
        for word in para.split(' ') {
            let ww: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
            let sep = usize::from(!row.is_empty());
            if row_w + sep + ww <= w {
                if sep == 1 {
                    row.push(' ');
                }
                row.push_str(word);
                row_w += sep + ww;
                continue;
            }
            if !row.is_empty() {
                out.push(std::mem::take(&mut row));
                row_w = 0;
            }
            // A word longer than a row is cut.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if row_w + cw > w {
                    out.push(std::mem::take(&mut row));
                    row_w = 0;
                }
                row.push(c);
                row_w += cw;
            }
        }
        out.push(row);
    }
    out
}

impl Doc {
    pub fn new(width: usize, theme: Theme) -> Doc {
        Doc {
            width: width.max(30),
            lines: Vec::new(),
            theme,
            marks: Vec::new(),
        }
    }

    pub fn blank(&mut self) {
        self.lines.push(Line::from(""));
    }

    pub fn heading(&mut self, mark: &'static str, text: &str) {
        if !self.lines.is_empty() {
            self.blank();
        }
        self.marks.push((mark, self.lines.len()));
        self.lines
            .push(Line::from(Span::styled(format!("── {text} "), self.theme.heading())));
    }

    /// A label and its value; an empty value shows as a dash.
    pub fn kv(&mut self, label: &str, value: &str) {
        self.kv_styled(label, value, Style::default());
    }

    pub fn kv_styled(&mut self, label: &str, value: &str, style: Style) {
        let v = display(value);
        let v = v.trim_end();
        let (v, style) = if v.trim().is_empty() {
            ("—", self.theme.muted())
        } else {
            (v, style)
        };
        let rows = wrap(v, self.width - LABEL);
        for (i, r) in rows.into_iter().enumerate() {
            let l = if i == 0 {
                crate::ui::form::truncate(label, LABEL - 1)
            } else {
                String::new()
            };
            self.lines.push(Line::from(vec![
                Span::styled(format!("{l:<LABEL$}"), self.theme.muted()),
                Span::styled(r, style),
            ]));
        }
    }

    /// A paragraph, indented by `indent` columns.
    pub fn text(&mut self, indent: usize, text: &str, style: Style) {
        for r in wrap(&display(text), self.width - indent) {
            self.lines
                .push(Line::from(vec![Span::raw(" ".repeat(indent)), Span::styled(r, style)]));
        }
    }

    pub fn pairs(&mut self, p: &Pairs) {
        for (k, v) in p {
            self.kv(k, v);
        }
    }
}

/// The whole detail of one incident, wrapped to `width`.
pub fn detail_doc(d: &IncidentDetail, now: DateTime<Utc>, theme: Theme, width: usize) -> Doc {
    let c = &d.current;
    let mut doc = Doc::new(width, theme);
    let t = theme;

    // Status and what is still to do, first: that is what the reader acts on.
    doc.heading("status", "Status");
    if let Some(m) = c.missing.as_ref().filter(|m| m.away_now()) {
        // The first thing to know: the child is not back (u, then "Missing", records the return).
        doc.kv_styled(
            if m.kind == MissingKind::Absent {
                "ABSENT NOW"
            } else {
                "MISSING NOW"
            },
            &format!(
                "NOT BACK YET (gone since {})",
                crate::time::show(m.left_at.unwrap_or(c.occurred_at))
            ),
            t.error(),
        );
    }
    match (&c.review.signed_by, c.review.signed_at) {
        (Some(by), Some(at)) => doc.kv_styled(
            "Review",
            &format!("Reviewed: signed by {by} on {}", crate::time::show(at)),
            t.ok(),
        ),
        _ => doc.kv_styled("Review", "Awaiting the manager's review and signature", t.warning()),
    }
    doc.kv(
        "Recorded",
        &format!(
            "by {} on {}",
            d.record.recorded_by,
            crate::time::show(d.record.recorded_at)
        ),
    );
    let acts = actions(c, d.child.yos_open);
    doc.heading("actions", &format!("Open actions ({})", acts.len()));
    if acts.is_empty() {
        doc.text(0, "Nothing outstanding.", t.ok());
    }
    for a in &acts {
        let (due, style) = match a.due {
            Some(due) if a.overdue(now) => (format!("OVERDUE: was due {}", crate::time::show(due)), t.error()),
            Some(due) => (format!("due {}", crate::time::show(due)), Style::default()),
            None => ("no fixed deadline".to_string(), t.muted()),
        };
        doc.lines.push(Line::from(vec![
            Span::raw(format!("{:<40} ", a.kind.label())),
            Span::styled(due, style),
        ]));
    }

    doc.heading("what", "What happened");
    let corrected = |doc: &mut Doc, f: CorrectableField| {
        if d.entries
            .iter()
            .any(|e| matches!(&e.change, Change::Correction { field, .. } if *field == f))
        {
            let last = d.entries.iter().rev().find_map(|e| match &e.change {
                Change::Correction { field, reason, .. } if *field == f => Some((e, reason)),
                _ => None,
            });
            let why = last
                .map(|(e, r)| format!(" ({} by {}: {})", crate::time::show(e.at), e.by, r.trim()))
                .unwrap_or_default();
            doc.text(
                LABEL,
                &format!("↳ corrected{why}; the earlier value is in the history"),
                theme.muted(),
            );
        }
    };
    doc.kv("When", &crate::time::show(c.occurred_at));
    corrected(&mut doc, CorrectableField::OccurredAt);
    if c.late_record {
        doc.kv_styled(
            "Recorded late",
            &format!(
                "LATE: recorded {}, more than 24 hours after the incident",
                crate::time::show(c.recorded_at)
            ),
            t.warning(),
        );
    }
    doc.kv("Where", &c.location);
    corrected(&mut doc, CorrectableField::Location);
    let age = crate::time::age_on(d.child.dob, crate::time::local_date(c.occurred_at));
    let yos = if d.child.yos_open { ", open to the YOS" } else { "" };
    doc.kv("Child", &format!("{} (age {age} then{yos})", d.child.display_name()));
    corrected(&mut doc, CorrectableField::Child);
    doc.kv(
        "Categories",
        &c.categories.iter().map(|x| x.label()).collect::<Vec<_>>().join(", "),
    );
    corrected(&mut doc, CorrectableField::Categories);
    if c.immediate_danger {
        doc.kv_styled("Immediate danger", "Yes: 999", t.error());
    } else {
        doc.kv("Immediate danger", "No");
    }
    doc.kv("Account", &c.account);
    corrected(&mut doc, CorrectableField::Account);
    doc.kv("Injuries", &c.injuries);
    corrected(&mut doc, CorrectableField::Injuries);
    doc.kv("Medical treatment", &c.medical_treatment);
    corrected(&mut doc, CorrectableField::MedicalTreatment);
    doc.kv(
        "Damage cost",
        &c.damage_cost.map(|p| format!("£{p} (estimate)")).unwrap_or_default(),
    );
    let involved: Vec<String> = c
        .involved
        .iter()
        .map(|i| {
            let own = if i.reports_to_police {
                ", reports to the police themselves"
            } else {
                ""
            };
            format!("{} ({}, {}{own})", i.name, kind_label(i.kind), involved_as(i.role))
        })
        .collect();
    doc.kv("Others involved", &involved.join("; "));
    doc.kv(
        "What was tried",
        &c.deescalation.iter().map(|x| x.label()).collect::<Vec<_>>().join(", "),
    );
    doc.kv("Notes on what was tried", &c.deescalation_notes);
    corrected(&mut doc, CorrectableField::DeescalationNotes);

    doc.heading("protocol", "The protocol, as shown at the time");
    doc.kv(
        "Protocol",
        &format!(
            "{} (id {}, version {})",
            c.protocol.title, c.protocol.id, c.protocol.version
        ),
    );
    doc.kv("SHA-256", &c.protocol.sha256);
    for (i, a) in c.answers.iter().enumerate() {
        doc.text(0, &format!("{}. {}", i + 1, a.question), Style::default());
        let auto = if a.automatic { " (from what was recorded)" } else { "" };
        doc.text(3, &format!("→ {}{auto}", a.answer), t.heading());
    }
    doc.kv("Recommended", c.recommended.label());
    doc.kv("Why", &c.recommended_reason);
    let chosen_style = if c.response.strength() > c.recommended.strength() {
        t.warning()
    } else {
        Style::default()
    };
    doc.kv_styled("Chosen response", c.response.label(), chosen_style);
    corrected(&mut doc, CorrectableField::Response);
    doc.kv("Rationale", &c.rationale);

    if let Some(x) = &c.in_house {
        doc.heading("in_house", "In-house");
        doc.pairs(&in_house_pairs(x));
    }
    if let Some(x) = &c.restorative {
        doc.heading("restorative", "Restorative");
        doc.pairs(&restorative_pairs(x));
    }
    if let Some(x) = &c.police {
        doc.heading("police", "Police");
        doc.pairs(&police_pairs(x));
    }
    if let Some(x) = &c.missing {
        doc.heading("missing", "Missing or absent");
        doc.pairs(&missing_pairs(x));
    }
    if let Some(x) = &c.reg35 {
        doc.heading("reg35", "Restraint / control record (regulation 35)");
        doc.pairs(&reg35_pairs(x));
        let missing = x.missing_fields();
        if !missing.is_empty() {
            doc.kv_styled(
                "Still needed",
                &format!("INCOMPLETE: {}", missing.join(", ")),
                t.warning(),
            );
        }
        doc.text(0, &super::super::sections::reg35_deadlines(c.occurred_at), t.muted());
    }

    doc.heading("told", "Who was told");
    if c.notifications.is_empty() && c.not_told.is_empty() {
        doc.text(0, "Nobody recorded as told yet.", t.warning());
    }
    for n in &c.not_told {
        // Someone told since (an entry) is listed below with the time they were told.
        if c.notifications.iter().any(|x| x.who == n.who()) {
            continue;
        }
        match n {
            NotTold::Later { who, due } => doc.kv_styled(
                who.label(),
                &format!("To be told later, by {} (outstanding)", crate::time::show(*due)),
                t.warning(),
            ),
            NotTold::NotNeeded { who, why } => doc.kv(who.label(), &format!("Not needed: {why}")),
        }
    }
    for n in &c.notifications {
        let note = if n.note.is_empty() {
            String::new()
        } else {
            format!(" · {}", n.note)
        };
        doc.kv(n.who.label(), &format!("{}{note}", crate::time::show(n.at)));
    }
    doc.kv("Ofsted (reg 40)", crate::print::ofsted_line(d));

    doc.heading("child_view", "The child's view, in their words");
    match &c.child_view {
        Some(v) => {
            doc.text(0, &v.text, Style::default());
            doc.text(0, &format!("Recorded {}", crate::time::show(v.recorded_at)), t.muted());
        }
        None => doc.text(0, "Not recorded yet.", t.warning()),
    }

    doc.heading("review", "Manager's review");
    doc.kv("Spoke to staff", &when(c.review.spoke_to_staff_at));
    doc.kv("Spoke to the child", &when(c.review.spoke_to_child_at));
    doc.kv("Signed by", c.review.signed_by.as_deref().unwrap_or(""));
    doc.kv("Signed at", &when(c.review.signed_at));
    doc.kv("Comment", &c.review.comment);

    doc.heading("history", &format!("History ({} later entries)", d.entries.len()));
    doc.kv(
        &crate::time::show(d.record.recorded_at),
        &format!("{}: recorded the incident (the record as saved)", d.record.recorded_by),
    );
    let mut state = d.record.clone();
    for e in &d.entries {
        doc.lines.push(Line::from(vec![
            Span::styled(format!("{:<LABEL$}", crate::time::show(e.at)), t.muted()),
            Span::styled(format!("{}: {}", display(&e.by), e.change.label()), t.heading()),
        ]));
        for l in describe_with(&state, e, &|u: &str| d.child_name(u)) {
            doc.text(LABEL, &l, Style::default());
        }
        apply(&mut state, e);
    }
    doc
}

fn quote(s: &str) -> String {
    if s.trim().is_empty() {
        "(empty)".into()
    } else {
        format!("'{}'", s.trim())
    }
}

/// What changed between two versions of a part of the record, one line per field.
fn diff(part: &str, old: Option<Pairs>, new: Pairs) -> Vec<String> {
    match old {
        None => {
            let mut v = vec![format!("{part} added:")];
            v.extend(
                new.into_iter()
                    .filter(|(_, x)| !x.trim().is_empty())
                    .map(|(k, x)| format!("  {k}: {x}")),
            );
            v
        }
        Some(old) => {
            let v: Vec<String> = new
                .into_iter()
                .zip(old)
                .filter(|((_, n), (_, o))| n.trim() != o.trim())
                .map(|((k, n), (_, o))| format!("{k}: {} -> {}", quote(&o), quote(&n)))
                .collect();
            if v.is_empty() {
                vec![format!("{part}: no change")]
            } else {
                v
            }
        }
    }
}

/// What one entry changed, given the state just before it.
pub fn describe(before: &IncidentRecord, e: &Entry) -> Vec<String> {
    describe_with(before, e, &|u: &str| u.to_string())
}

/// As [`describe`], naming children by `names` (their uid to their name).
pub fn describe_with(before: &IncidentRecord, e: &Entry, names: &dyn Fn(&str) -> String) -> Vec<String> {
    match &e.change {
        Change::Police { police } => diff(
            "Police details",
            before.police.as_ref().map(police_pairs),
            police_pairs(police),
        ),
        Change::Restorative { restorative } => diff(
            "Restorative details",
            before.restorative.as_ref().map(restorative_pairs),
            restorative_pairs(restorative),
        ),
        Change::InHouse { in_house } => diff(
            "In-house details",
            before.in_house.as_ref().map(in_house_pairs),
            in_house_pairs(in_house),
        ),
        Change::Missing { missing } => diff(
            "Missing / absent details",
            before.missing.as_ref().map(missing_pairs),
            missing_pairs(missing),
        ),
        Change::Reg35 { reg35 } => diff(
            "Restraint record",
            before.reg35.as_ref().map(reg35_pairs),
            reg35_pairs(reg35),
        ),
        Change::Notified { notification: n } => {
            let mut v = vec![format!("Told {} at {}", n.who.label(), crate::time::show(n.at))];
            if !n.note.trim().is_empty() {
                v.push(n.note.clone());
            }
            v
        }
        Change::ChildView { view } => {
            let mut v = Vec::new();
            if let Some(old) = &before.child_view {
                v.push(format!(
                    "Replaces the view recorded {}:",
                    crate::time::show(old.recorded_at)
                ));
            }
            v.push(format!("'{}'", view.text.trim()));
            v
        }
        Change::OfstedSerious { serious: true } => {
            vec!["Judged serious: Ofsted must be told (regulation 40)".into()]
        }
        Change::OfstedSerious { serious: false } => vec!["Judged not serious enough to tell Ofsted".into()],
        Change::SpokeToStaff { at } => vec![format!("Spoke to the member of staff at {}", crate::time::show(*at))],
        Change::SpokeToChild { at } => vec![format!("Spoke to the child at {}", crate::time::show(*at))],
        Change::SignOff { comment } => {
            if comment.trim().is_empty() {
                vec!["Signed the record".into()]
            } else {
                vec![format!("Signed the record: {}", comment.trim())]
            }
        }
        Change::Correction { field, value, reason } => vec![format!(
            "Correction of {}: {} -> {} because {}",
            field.label(),
            quote(&correctable(before, *field, names)),
            quote(&field.shown(value, names)),
            reason.trim()
        )],
        Change::Note { text } => vec![text.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("one two three", 9), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghijkl", 8), vec!["abcdefgh", "ijkl"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
    }

    #[test]
    fn a_correction_shows_old_and_new() {
        let r = crate::domain::incident::fixtures::record();
        let e = Entry {
            uid: "e".into(),
            incident_uid: r.uid.clone(),
            at: r.recorded_at,
            by: "Pat".into(),
            change: Change::Correction {
                field: CorrectableField::Location,
                value: "Hall".into(),
                reason: "typo".into(),
            },
        };
        assert_eq!(
            describe(&r, &e),
            vec!["Correction of Location: 'Kitchen' -> 'Hall' because typo".to_string()]
        );
    }

    #[test]
    fn text_from_the_database_is_cleaned_before_drawing() {
        let mut d = Doc::new(78, Theme::plain());
        d.kv("Account", "kicked\x1b[2J the door\u{202e}");
        d.text(2, "note\x07", Style::default());
        for l in &d.lines {
            for s in &l.spans {
                assert!(
                    !s.content.chars().any(|c| c.is_control() || c == '\u{202e}'),
                    "{:?}",
                    s.content
                );
            }
        }
    }
}
