//! Plain-text print-outs for homes that keep a paper file: the handover sheet and one incident in full
//! (every field, the protocol questions and answers as shown at the time, and the whole history of entries).
//! Files are written atomically (a temporary file, then a rename) and readable by their owner only.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::store::Store;
use crate::store::handover::{OutstandingItem, Sheet, Window};
use crate::store::incidents::{IncidentDetail, IncidentRow};
use crate::text::display;
use crate::time::{show, show_short};

const RULE: &str = "================================================================================";
const THIN: &str = "--------------------------------------------------------------------------------";

/// How the response reads in a list: `Police CAD 123/22` (with the police reference when there is one).
pub fn response_text(r: &IncidentRow) -> String {
    match r.response {
        crate::domain::Response::InHouse => "In-house".into(),
        crate::domain::Response::Restorative => "Restorative".into(),
        crate::domain::Response::Police if r.police_ref.is_empty() => "Police (no ref yet)".into(),
        crate::domain::Response::Police => format!("Police {}", display(&r.police_ref)),
    }
}

/// The categories of an incident, as labels.
pub fn categories_text(r: &IncidentRow) -> String {
    r.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")
}

/// `! OVERDUE since 19/11 02:10`, `due 20/11 02:10`, or `no fixed date`.
pub fn due_text(o: &OutstandingItem) -> String {
    match o.action.due {
        Some(d) if o.overdue => format!("! OVERDUE since {}", show_short(d)),
        Some(d) => format!("due {}", show_short(d)),
        None => "no fixed date".into(),
    }
}

/// Cut to `n` characters (with an ellipsis), padded to `n`.
pub fn cell(s: &str, n: usize) -> String {
    let s = crate::text::one_line(s, n);
    format!("{s:<n$}")
}

/// The handover sheet as plain text.
pub fn handover_text(sheet: &Sheet, home: &str) -> String {
    let mut o = String::new();
    o.push_str(&format!("HANDOVER - {}\n", display(home)));
    o.push_str(&format!("Printed {}\n", show(sheet.now)));
    o.push_str(&format!("{}\n", sheet.shift.describe()));
    o.push_str(&format!(
        "Covers {} ({})\n",
        match sheet.window {
            Window::SinceHandover => format!("since {}", show(sheet.since)),
            _ => format!("from {}", show(sheet.since)),
        },
        sheet.window.label()
    ));
    match &sheet.last {
        Some(h) => o.push_str(&format!(
            "Last handover acknowledged by {} at {}\n",
            display(&h.acknowledged_by),
            show(h.acknowledged_at)
        )),
        None => o.push_str("No handover has been acknowledged yet.\n"),
    }
    o.push_str(RULE);
    o.push('\n');
    // The same order as the screen: what needs doing now, the notes, what happened by child, what is outstanding
    // by kind and child.
    o.push_str("NOW\n");
    if sheet.missing_now.is_empty() && sheet.overdue_count() == 0 {
        o.push_str("  No child is recorded as missing now, and nothing is overdue.\n");
    }
    for m in &sheet.missing_now {
        o.push_str(&format!(
            "  ! {} is {} now: gone since {}, no \"came back\" time recorded (#{})\n",
            display(&m.child_name),
            if m.absent { "absent" } else { "MISSING" },
            show_short(m.left_at.unwrap_or(m.occurred_at)),
            m.incident_id
        ));
    }
    if sheet.overdue_count() > 0 {
        o.push_str(&format!(
            "  ! {} outstanding item{} overdue: first under OUTSTANDING below\n",
            sheet.overdue_count(),
            if sheet.overdue_count() == 1 { "" } else { "s" }
        ));
    }
    o.push_str(RULE);
    o.push('\n');
    o.push_str("NOTES FROM THE OUTGOING SHIFT\n");
    if sheet.notes.is_empty() {
        o.push_str("  None.\n");
    }
    for n in &sheet.notes {
        o.push_str(&format!("  {} {}:\n", show_short(n.written_at), display(&n.written_by)));
        for l in display(&n.text).lines() {
            o.push_str(&format!("    {l}\n"));
        }
    }
    o.push_str(RULE);
    o.push('\n');
    o.push_str(&format!(
        "WHAT HAPPENED ({} incident{} recorded)\n",
        sheet.incidents.len(),
        if sheet.incidents.len() == 1 { "" } else { "s" }
    ));
    if sheet.incidents.is_empty() {
        o.push_str("  Nothing recorded.\n");
    }
    for (child, rows) in sheet.groups() {
        o.push_str(&format!("\n  {}\n", display(&child)));
        for r in rows {
            o.push_str(&format!(
                "    #{} {}  {}  {}  recorded by {}\n      {}\n",
                r.id,
                show_short(r.occurred_at),
                categories_text(r),
                response_text(r),
                display(&r.recorded_by),
                crate::text::one_line(&r.summary, 200)
            ));
        }
    }
    if sheet.more_incidents {
        o.push_str("  (More incidents than fit: see the incident list.)\n");
    }
    o.push_str(RULE);
    o.push('\n');
    o.push_str(&format!(
        "OUTSTANDING ({} items, {} overdue)\n",
        sheet.outstanding.len(),
        sheet.overdue_count()
    ));
    if sheet.outstanding.is_empty() {
        o.push_str("  Nothing outstanding.\n");
    }
    for g in sheet.outstanding_groups() {
        o.push_str(&format!("\n  {} ({})\n", g.kind.label(), g.summary()));
        for (child, items) in &g.children {
            o.push_str(&format!("    {}\n", display(child)));
            for it in items {
                o.push_str(&format!(
                    "      [ ] {:<30} #{} {}\n",
                    due_text(it),
                    it.incident_id,
                    if it.police_ref.is_empty() {
                        format!("incident of {}", show_short(it.occurred_at))
                    } else {
                        format!(
                            "incident of {}, police ref {}",
                            show_short(it.occurred_at),
                            display(&it.police_ref)
                        )
                    }
                ));
            }
        }
    }
    o.push_str(RULE);
    o.push('\n');
    o.push_str("Read and acknowledged by: ______________________  at: ____________\n");
    if let Some(a) = &sheet.anchor {
        o.push_str(&format!("Audit anchor: row {}, {}\n", a.audit_id, display(&a.hash)));
    }
    o
}

fn humanise(key: &str) -> String {
    let s = key.replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// An enum's code (`manager_on_call`) under a key that holds one: shown as words.
fn is_code(key: &str, v: &str) -> bool {
    matches!(
        key,
        "who" | "field" | "kind" | "route" | "reason" | "outcome" | "diversion_asked" | "court" | "role"
    ) && !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "not recorded".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => match crate::time::from_db(s) {
            Some(t) if s.len() >= 20 && s.contains('T') => show(t),
            _ if s.is_empty() => "-".into(),
            _ => display(s),
        },
        other => display(&other.to_string()),
    }
}

/// Every field of a value, one per line, nested values indented.
fn fields(o: &mut String, indent: usize, v: &Value) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "type" {
                    continue;
                }
                match x {
                    Value::Object(_) => {
                        o.push_str(&format!("{pad}{}:\n", humanise(k)));
                        fields(o, indent + 2, x);
                    }
                    Value::Array(a) if a.is_empty() => o.push_str(&format!("{pad}{}: none\n", humanise(k))),
                    Value::Array(a) => {
                        o.push_str(&format!("{pad}{}:\n", humanise(k)));
                        for x in a {
                            if x.is_object() {
                                o.push_str(&format!("{pad}  -\n"));
                                fields(o, indent + 4, x);
                            } else {
                                o.push_str(&format!("{pad}  - {}\n", scalar(x)));
                            }
                        }
                    }
                    Value::String(s) if s.contains('\n') => {
                        o.push_str(&format!("{pad}{}:\n", humanise(k)));
                        for l in display(s).lines() {
                            o.push_str(&format!("{pad}    {l}\n"));
                        }
                    }
                    Value::String(code) if is_code(k, code) => {
                        o.push_str(&format!("{pad}{}: {}\n", humanise(k), humanise(code)))
                    }
                    _ => o.push_str(&format!("{pad}{}: {}\n", humanise(k), scalar(x))),
                }
            }
        }
        other => o.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

fn section(o: &mut String, title: &str) {
    o.push_str(THIN);
    o.push('\n');
    o.push_str(title);
    o.push('\n');
}

fn text_block(o: &mut String, label: &str, s: &str) {
    if s.trim().is_empty() {
        o.push_str(&format!("{label}: -\n"));
    } else if s.contains('\n') {
        o.push_str(&format!("{label}:\n"));
        for l in display(s).lines() {
            o.push_str(&format!("    {l}\n"));
        }
    } else {
        o.push_str(&format!("{label}: {}\n", display(s)));
    }
}

fn opt_block<T: serde::Serialize>(o: &mut String, title: &str, v: &Option<T>) {
    section(o, title);
    match v.as_ref().and_then(|x| serde_json::to_value(x).ok()) {
        Some(x) => fields(o, 2, &x),
        None => o.push_str("  Not applicable / not recorded.\n"),
    }
}

/// What the record says about telling Ofsted (reg 40): never "no" for a judgement nobody has made yet.
pub fn ofsted_line(d: &IncidentDetail) -> &'static str {
    let judged = d
        .entries
        .iter()
        .any(|e| matches!(e.change, crate::domain::Change::OfstedSerious { .. }));
    match (d.current.ofsted_serious, judged, d.current.police_involved()) {
        (true, _, _) => "judged serious: Ofsted must be told",
        (false, true, _) => "judged not serious by the manager",
        (false, false, true) => "not yet judged (the manager decides at sign-off)",
        (false, false, false) => "not needed (no police involvement recorded)",
    }
}

/// One incident in full: its current state, the protocol as answered, and every entry.
pub fn incident_text(d: &IncidentDetail, home: &str, printed_at: DateTime<Utc>) -> String {
    let r = &d.current;
    let mut o = String::new();
    o.push_str(&format!("INCIDENT #{} - {}\n", d.id, display(home)));
    o.push_str(&format!("Printed {}\n", show(printed_at)));
    o.push_str(&format!("Reference: {}\n", display(&r.uid)));
    o.push_str(RULE);
    o.push('\n');
    o.push_str(&format!("Child: {}\n", display(&d.child.display_name())));
    o.push_str(&format!("Date of birth: {}\n", crate::time::show_date(d.child.dob)));
    o.push_str(&format!(
        "Open to the YOS: {}\n",
        if d.child.yos_open { "yes" } else { "no" }
    ));
    o.push_str(&format!("Happened: {}\n", show(r.occurred_at)));
    o.push_str(&format!(
        "Recorded: {} by {}\n",
        show(r.recorded_at),
        display(&r.recorded_by)
    ));
    if r.late_record {
        o.push_str("RECORDED LATE: more than 24 hours after the incident.\n");
    }
    let still = r.reg35_missing();
    if !still.is_empty() {
        o.push_str(&format!(
            "RESTRAINT RECORD (REG 35) INCOMPLETE: still needed: {}.\n",
            still.join(", ")
        ));
    }
    o.push_str(&format!("Status: {}\n", r.status().label()));
    text_block(&mut o, "Location", &r.location);
    o.push_str(&format!(
        "Immediate danger: {}\n",
        if r.immediate_danger { "yes" } else { "no" }
    ));
    o.push_str(&format!(
        "Categories: {}\n",
        r.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")
    ));
    section(&mut o, "WHAT HAPPENED");
    text_block(&mut o, "Account", &r.account);
    text_block(&mut o, "Injuries", &r.injuries);
    text_block(&mut o, "Medical treatment", &r.medical_treatment);
    o.push_str(&format!(
        "Cost of damage: {}\n",
        r.damage_cost.map(|c| format!("£{c}")).unwrap_or_else(|| "-".into())
    ));
    o.push_str("Others involved:");
    if r.involved.is_empty() {
        o.push_str(" none\n");
    } else {
        o.push('\n');
        for p in &r.involved {
            o.push_str(&format!("  - {} ({:?}, {:?})\n", display(&p.name), p.kind, p.role));
        }
    }
    o.push_str(&format!(
        "De-escalation tried: {}\n",
        if r.deescalation.is_empty() {
            "none recorded".to_string()
        } else {
            r.deescalation.iter().map(|x| x.label()).collect::<Vec<_>>().join(", ")
        }
    ));
    text_block(&mut o, "What was tried (notes)", &r.deescalation_notes);
    section(&mut o, "THE PROTOCOL, AS ANSWERED AT THE TIME");
    o.push_str(&format!(
        "Protocol: {} (id {}, version {}, sha256 {})\n",
        display(&r.protocol.title),
        display(&r.protocol.id),
        display(&r.protocol.version),
        display(&r.protocol.sha256)
    ));
    if r.answers.is_empty() {
        o.push_str("  No protocol questions were recorded.\n");
    }
    for (i, a) in r.answers.iter().enumerate() {
        o.push_str(&format!("  {}. {}\n", i + 1, display(&a.question)));
        o.push_str(&format!(
            "     Answer: {}{}\n",
            display(&a.answer),
            if a.automatic { " (from what was recorded)" } else { "" }
        ));
    }
    o.push_str(&format!(
        "Recommended: {} - {}\n",
        r.recommended.label(),
        display(&r.recommended_reason)
    ));
    o.push_str(&format!("Response chosen: {}\n", r.response.label()));
    text_block(&mut o, "Why (rationale)", &r.rationale);
    opt_block(&mut o, "IN-HOUSE", &r.in_house);
    opt_block(&mut o, "RESTORATIVE", &r.restorative);
    section(&mut o, "POLICE");
    match &r.police {
        Some(p) => {
            let yn = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not known",
            };
            o.push_str(&format!("  Route: {}\n", p.route.label()));
            o.push_str(&format!("  Reason for the call: {}\n", p.reason.label()));
            o.push_str(&format!(
                "  Called at: {}\n",
                p.called_at.map(show).unwrap_or_else(|| "-".into())
            ));
            o.push_str(&format!(
                "  Reference: {}\n",
                if p.reference.is_empty() {
                    "-".into()
                } else {
                    display(&p.reference)
                }
            ));
            text_block(&mut o, "  Officer", &p.officer);
            o.push_str(&format!("  Attended: {}\n", yn(p.attended)));
            o.push_str(&format!("  Arrest: {}\n", if p.arrest { "yes" } else { "no" }));
            text_block(&mut o, "  Appropriate adult", &p.appropriate_adult);
            o.push_str(&format!(
                "  Diversion asked for: {}\n",
                match p.diversion_asked {
                    crate::domain::DiversionAsked::None => "none",
                    crate::domain::DiversionAsked::Outcome21 => "Outcome 21",
                    crate::domain::DiversionAsked::Outcome22 => "Outcome 22",
                    crate::domain::DiversionAsked::CommunityResolution => "Community resolution",
                }
            ));
            o.push_str(&format!("  Outcome: {}\n", p.outcome.label()));
            o.push_str(&format!("  Court: {}\n", p.court.map(|c| c.label()).unwrap_or("-")));
        }
        None => o.push_str("  Not applicable / not recorded.\n"),
    }
    opt_block(&mut o, "MISSING / ABSENT", &r.missing);
    opt_block(&mut o, "RESTRAINT / CONTROL (REGULATION 35)", &r.reg35);
    section(&mut o, "WHO WAS TOLD");
    if r.notifications.is_empty() && r.not_told.is_empty() {
        o.push_str("  Nobody recorded yet.\n");
    }
    for n in r
        .not_told
        .iter()
        .filter(|n| !r.notifications.iter().any(|x| x.who == n.who()))
    {
        match n {
            crate::domain::NotTold::Later { who, due } => {
                o.push_str(&format!("  - {}: to be told later, by {}\n", who.label(), show(*due)))
            }
            crate::domain::NotTold::NotNeeded { who, why } => o.push_str(&format!(
                "  - {}: not needed: {}\n",
                who.label(),
                crate::text::one_line(why, 200)
            )),
        }
    }
    for n in &r.notifications {
        o.push_str(&format!(
            "  - {} at {}{}\n",
            n.who.label(),
            show(n.at),
            if n.note.is_empty() {
                String::new()
            } else {
                format!(": {}", crate::text::one_line(&n.note, 200))
            }
        ));
    }
    o.push_str(&format!("Ofsted (reg 40): {}\n", ofsted_line(d)));
    section(&mut o, "THE CHILD'S VIEW");
    match &r.child_view {
        Some(v) => {
            o.push_str(&format!("Recorded {}\n", show(v.recorded_at)));
            text_block(&mut o, "In their words", &v.text);
        }
        None => o.push_str("  Not recorded yet.\n"),
    }
    section(&mut o, "MANAGER'S REVIEW");
    let when = |t: Option<DateTime<Utc>>| t.map(show).unwrap_or_else(|| "not yet".into());
    o.push_str(&format!("Spoke to staff: {}\n", when(r.review.spoke_to_staff_at)));
    o.push_str(&format!("Spoke to child: {}\n", when(r.review.spoke_to_child_at)));
    o.push_str(&format!(
        "Signed: {}{}\n",
        when(r.review.signed_at),
        r.review
            .signed_by
            .as_deref()
            .map(|b| format!(" by {}", display(b)))
            .unwrap_or_default()
    ));
    text_block(&mut o, "Comment", &r.review.comment);
    section(
        &mut o,
        &format!("HISTORY ({} entries after the record was saved)", d.entries.len()),
    );
    o.push_str(&format!(
        "  {}  {}  Record saved\n",
        show(d.record.recorded_at),
        display(&d.record.recorded_by)
    ));
    for e in &d.entries {
        o.push_str(&format!("  {}  {}  {}\n", show(e.at), display(&e.by), e.change.label()));
        if let crate::domain::Change::Correction { field, .. } = &e.change {
            let before = field.shown(&field.value_of(&d.record), &|u: &str| d.child_name(u));
            let before = &before;
            o.push_str(&format!(
                "      As first recorded: {}\n",
                crate::text::one_line(before, 500)
            ));
        }
        if let Ok(v) = serde_json::to_value(&e.change) {
            fields(&mut o, 6, &v);
        }
    }
    o.push_str(RULE);
    o.push('\n');
    o.push_str("End of record.\n");
    o
}

/// Write `text` to the new file `path` (0600), whole or not at all, never over an existing file
/// ([`crate::fsio::write_new`]).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    crate::fsio::write_new(path, text.as_bytes(), None).map_err(|e| {
        let kind = match &e {
            crate::fsio::WriteError::Exists(_) => std::io::ErrorKind::AlreadyExists,
            crate::fsio::WriteError::Io(_, io) => io.kind(),
            _ => std::io::ErrorKind::Other,
        };
        std::io::Error::new(kind, e.to_string())
    })
}

/// Where prints go from the app: the `prints` folder beside the database (the user's data folder), never the
/// YOS export folder nor the folder the app was started from. Shown whole (an absolute path) so the screen can
/// say where the file is.
pub fn print_dir(store: &Store) -> PathBuf {
    prints_dir_for(store.path())
}

/// The `prints` folder beside the database file `db`.
pub fn prints_dir_for(db: &Path) -> PathBuf {
    let db = std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf());
    match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join("prints"),
        _ => PathBuf::from("prints"),
    }
}

/// The prints folder, created private (0700 on unix) when missing.
pub fn ready_print_dir(store: &Store) -> std::io::Result<PathBuf> {
    let dir = print_dir(store);
    crate::fsio::private_dir(&dir)?;
    Ok(dir)
}

pub fn handover_file_name(now: DateTime<Utc>) -> String {
    format!(
        "handover-{}.txt",
        now.with_timezone(&crate::time::ZONE).format("%Y-%m-%d-%H%M")
    )
}

pub fn incident_file_name(id: i64) -> String {
    format!("incident-{id}.txt")
}

/// Print the handover to `dir` as `handover-DATE-TIME.txt`, or `…-2.txt`, `…-3.txt` when that exists (never
/// over a file); returns the file written.
pub fn print_handover(store: &Store, now: DateTime<Utc>, window: Window, dir: &Path) -> anyhow::Result<PathBuf> {
    let sheet = store.handover_sheet(now, window)?;
    let home = store.home()?.map(|h| h.name).unwrap_or_default();
    let path = dir.join(handover_file_name(now));
    Ok(crate::fsio::write_new_numbered(
        &path,
        handover_text(&sheet, &home).as_bytes(),
        Some(store.path()),
    )?)
}

/// Print one incident to `path`, never over a file: the default name (`incident-N.txt`) becomes
/// `incident-N-2.txt`, … when it exists; any other name that exists is refused. Returns the file written.
pub fn print_incident(store: &Store, id: i64, now: DateTime<Utc>, path: &Path) -> anyhow::Result<PathBuf> {
    let d = store.incident(id)?;
    let home = store.home()?.map(|h| h.name).unwrap_or_default();
    let text = incident_text(&d, &home, now);
    let db = Some(store.path());
    if path.file_name().and_then(|n| n.to_str()) == Some(incident_file_name(id).as_str()) {
        Ok(crate::fsio::write_new_numbered(path, text.as_bytes(), db)?)
    } else {
        crate::fsio::write_new(path, text.as_bytes(), db)?;
        Ok(path.to_path_buf())
    }
}
