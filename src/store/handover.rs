//! Handovers between shifts: what happened since the last acknowledged handover, and who has read it.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::{OptionalExtension, params};

use super::incidents::IncidentRow;
use super::{Actor, Result, Store, StoreError, parse_ts, ts};
use crate::domain::outstanding::{Action, actions_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub id: i64,
    pub acknowledged_at: DateTime<Utc>,
    pub acknowledged_by: String,
    pub covers_from: DateTime<Utc>,
    pub note: String,
    pub note_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverNote {
    pub id: i64,
    pub written_at: DateTime<Utc>,
    pub written_by: String,
    pub text: String,
}

pub const NOTE_MAX: usize = 2000;

/// What was on the screen when a handover was acknowledged: the incidents, the outstanding items (incident and
/// kind) and the notes shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub incidents: Vec<i64>,
    pub outstanding: Vec<(i64, crate::domain::outstanding::ActionKind)>,
    pub notes: Vec<i64>,
}

impl Seen {
    /// `7 incidents, 39 outstanding items, 2 notes`.
    pub fn describe(&self) -> String {
        let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        format!(
            "{}, {}, {}",
            n(self.incidents.len(), "incident", "incidents"),
            n(self.outstanding.len(), "outstanding item", "outstanding items"),
            n(self.notes.len(), "note", "notes")
        )
    }
}

impl Store {
    pub fn last_handover(&self) -> Result<Option<Handover>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, acknowledged_at, acknowledged_by, covers_from, note, note_by FROM handovers \
                 ORDER BY acknowledged_at DESC, id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Handover {
                        id: r.get(0)?,
                        acknowledged_at: parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                        acknowledged_by: r.get(2)?,
                        covers_from: parse_ts(&r.get::<_, String>(3)?).unwrap_or_default(),
                        note: r.get(4)?,
                        note_by: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The incoming member of staff confirms they have read the handover covering `covers_from` to now, as it
    /// was on their screen (`seen`: what they were shown). The notes left since then are carried into the
    /// acknowledged handover.
    pub fn acknowledge_handover(&mut self, actor: &Actor, covers_from: DateTime<Utc>, seen: &Seen) -> Result<i64> {
        let notes = self.handover_notes_since(covers_from)?;
        let note = notes.iter().map(|n| n.text.clone()).collect::<Vec<_>>().join("\n");
        let by = notes
            .iter()
            .map(|n| n.written_by.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let ids = serde_json::json!({
            "incidents": seen.incidents,
            "outstanding": seen.outstanding.iter().map(|(id, k)| serde_json::json!([id, k])).collect::<Vec<_>>(),
            "notes": seen.notes,
        })
        .to_string();
        self.write(actor, |w| {
            let now = w.now_str();
            let id = w.insert(
                "handovers",
                "INSERT INTO handovers (acknowledged_at, acknowledged_by, acknowledged_by_id, covers_from, note, note_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![now, w.actor.name.clone(), w.actor.staff_id, ts(covers_from), note, by],
            )?;
            w.insert(
                "handover_seen",
                "INSERT INTO handover_seen (id, incidents, outstanding, notes, ids) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    seen.incidents.len() as i64,
                    seen.outstanding.len() as i64,
                    seen.notes.len() as i64,
                    ids
                ],
            )?;
            Ok(id)
        })
    }

    /// What a handover's acknowledgement recorded as shown: (incidents, outstanding items, notes), or None for
    /// one acknowledged before this was recorded.
    pub fn handover_seen_counts(&self, id: i64) -> Result<Option<(i64, i64, i64)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT incidents, outstanding, notes FROM handover_seen WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// The outgoing shift leaves a note for the next handover.
    pub fn add_handover_note(&mut self, actor: &Actor, text: &str) -> Result<i64> {
        let text = crate::text::clean_text(text, NOTE_MAX).trim().to_string();
        if text.is_empty() {
            return Err(StoreError::Invalid("The note is empty.".into()));
        }
        self.write(actor, |w| {
            let now = w.now_str();
            w.insert(
                "handover_notes",
                "INSERT INTO handover_notes (written_at, written_by, written_by_id, text) VALUES (?1, ?2, ?3, ?4)",
                params![now, w.actor.name.clone(), w.actor.staff_id, text],
            )
        })
    }

    pub fn handover_notes_since(&self, since: DateTime<Utc>) -> Result<Vec<HandoverNote>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, written_at, written_by, text FROM handover_notes WHERE written_at >= ?1 ORDER BY written_at, id",
        )?;
        let v = s
            .query_map([ts(since)], |r| {
                Ok(HandoverNote {
                    id: r.get(0)?,
                    written_at: parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                    written_by: r.get(2)?,
                    text: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

/// Which stretch of time the handover covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Since the last acknowledged handover (the last 24 hours when there has been none).
    SinceHandover,
    Hours12,
    Hours24,
    Days7,
}

impl Window {
    pub const ALL: [Window; 4] = [Window::SinceHandover, Window::Hours12, Window::Hours24, Window::Days7];

    pub fn label(self) -> &'static str {
        match self {
            Window::SinceHandover => "since the last handover",
            Window::Hours12 => "last 12 hours",
            Window::Hours24 => "last 24 hours",
            Window::Days7 => "last 7 days",
        }
    }

    pub fn next(self) -> Window {
        let i = Window::ALL.iter().position(|w| *w == self).unwrap_or(0);
        Window::ALL[(i + 1) % Window::ALL.len()]
    }
}

/// The shift that is on at a moment: day or night, with its start and end (local wall-clock times from the
/// settings, so a night shift is shorter or longer by an hour on the nights the clocks change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub night: bool,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Shift {
    pub fn name(&self) -> &'static str {
        if self.night { "Night shift" } else { "Day shift" }
    }

    /// `Night shift: Sat 24 Oct 22:00 to Sun 25 Oct 07:30 (10h30)`.
    pub fn describe(&self) -> String {
        let f = |t: DateTime<Utc>| t.with_timezone(&crate::time::ZONE).format("%a %d %b %H:%M").to_string();
        let mins = (self.end - self.start).num_minutes();
        format!(
            "{}: {} to {} ({}h{:02})",
            self.name(),
            f(self.start),
            f(self.end),
            mins / 60,
            mins % 60
        )
    }
}

/// A local wall-clock time as UTC; a time the clocks skipped (spring) moves on by the hour skipped.
fn local_or_later(d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    let dt = d.and_time(t);
    crate::time::local_to_utc(dt)
        .or_else(|_| crate::time::local_to_utc(dt + Duration::hours(1)))
        .unwrap_or_else(|_| Utc.from_utc_datetime(&dt))
}

/// The shift on at `now`, given the day and night start times (local). If the settings are the wrong way
/// round (day starting after night), the defaults 07:30 / 22:00 are used.
pub fn shift_at(now: DateTime<Utc>, day_start: NaiveTime, night_start: NaiveTime) -> Shift {
    let (day, night) = if day_start < night_start {
        (day_start, night_start)
    } else {
        (
            NaiveTime::from_hms_opt(7, 30, 0).unwrap_or(NaiveTime::MIN),
            NaiveTime::from_hms_opt(22, 0, 0).unwrap_or(NaiveTime::MIN),
        )
    };
    let local = now.with_timezone(&crate::time::ZONE);
    let d = local.date_naive();
    let t = local.time();
    let yesterday = d.pred_opt().unwrap_or(d);
    let tomorrow = d.succ_opt().unwrap_or(d);
    if t >= day && t < night {
        Shift {
            night: false,
            start: local_or_later(d, day),
            end: local_or_later(d, night),
        }
    } else if t >= night {
        Shift {
            night: true,
            start: local_or_later(d, night),
            end: local_or_later(tomorrow, day),
        }
    } else {
        Shift {
            night: true,
            start: local_or_later(yesterday, night),
            end: local_or_later(d, day),
        }
    }
}

/// One thing still to do on an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutstandingItem {
    pub incident_id: i64,
    pub child_name: String,
    pub occurred_at: DateTime<Utc>,
    pub police_ref: String,
    pub action: Action,
    pub overdue: bool,
}

/// Outstanding items of one kind, by child.
#[derive(Debug, Clone)]
pub struct OutstandingGroup<'a> {
    pub kind: crate::domain::outstanding::ActionKind,
    /// Each child's items, the most urgent child first.
    pub children: Vec<(String, Vec<&'a OutstandingItem>)>,
}

impl OutstandingGroup<'_> {
    pub fn len(&self) -> usize {
        self.children.iter().map(|(_, v)| v.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn overdue(&self) -> usize {
        self.children
            .iter()
            .flat_map(|(_, v)| v.iter())
            .filter(|o| o.overdue)
            .count()
    }

    /// `7 items, 2 overdue: Ann 3, Ben 4`.
    pub fn summary(&self) -> String {
        let n = self.len();
        let mut s = format!("{n} item{}", if n == 1 { "" } else { "s" });
        let od = self.overdue();
        if od > 0 {
            s.push_str(&format!(", {od} overdue"));
        }
        s.push_str(": ");
        s.push_str(
            &self
                .children
                .iter()
                .map(|(c, v)| format!("{} {}", crate::text::display(c), v.len()))
                .collect::<Vec<_>>()
                .join(", "),
        );
        s
    }
}

/// Everything the handover shows (and prints).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub now: DateTime<Utc>,
    pub shift: Shift,
    pub window: Window,
    /// The start of what is shown.
    pub since: DateTime<Utc>,
    pub last: Option<Handover>,
    /// Incidents recorded since `since`, by child then time.
    pub incidents: Vec<IncidentRow>,
    /// More incidents than shown (the handover shows at most [`SHEET_MAX`]).
    pub more_incidents: bool,
    pub outstanding: Vec<OutstandingItem>,
    pub notes: Vec<HandoverNote>,
    /// The head of the audit chain when the sheet was made, printed at its foot (`verify --anchors`).
    pub anchor: Option<super::verify::Anchor>,
    /// Children missing or absent now (no "came back" time recorded), longest gone first.
    pub missing_now: Vec<MissingNow>,
}

pub const SHEET_MAX: usize = 300;

/// How far back the handover looks for a missing episode with no "came back" time.
pub const MISSING_LOOKBACK_DAYS: i64 = 90;

/// A child missing (or absent) now: an incident's missing episode has no "came back" time yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingNow {
    pub incident_id: i64,
    pub child_name: String,
    pub absent: bool,
    pub left_at: Option<DateTime<Utc>>,
    pub occurred_at: DateTime<Utc>,
}

impl Sheet {
    /// The incidents grouped by child, in the sheet's order.
    pub fn groups(&self) -> Vec<(String, Vec<&IncidentRow>)> {
        let mut out: Vec<(String, Vec<&IncidentRow>)> = Vec::new();
        for r in &self.incidents {
            match out.last_mut() {
                Some((_, v)) if v[0].child_id == r.child_id => v.push(r),
                _ => out.push((r.child_name.clone(), vec![r])),
            }
        }
        out
    }

    /// The outstanding items grouped by kind, the most urgent group first (the one holding the most overdue
    /// item, then the soonest due); inside a group the items are together by child, the most urgent child first.
    pub fn outstanding_groups(&self) -> Vec<OutstandingGroup<'_>> {
        let mut out: Vec<OutstandingGroup<'_>> = Vec::new();
        // `outstanding` is already most urgent first, so first appearance gives the order.
        for o in &self.outstanding {
            let g = match out.iter_mut().position(|g| g.kind == o.action.kind) {
                Some(i) => &mut out[i],
                None => {
                    out.push(OutstandingGroup {
                        kind: o.action.kind,
                        children: Vec::new(),
                    });
                    let n = out.len() - 1;
                    &mut out[n]
                }
            };
            match g.children.iter_mut().find(|(c, _)| *c == o.child_name) {
                Some((_, v)) => v.push(o),
                None => g.children.push((o.child_name.clone(), vec![o])),
            }
        }
        out
    }

    /// What this sheet shows, as recorded with its acknowledgement.
    pub fn seen(&self) -> Seen {
        Seen {
            incidents: self.incidents.iter().map(|r| r.id).collect(),
            outstanding: self
                .outstanding
                .iter()
                .map(|o| (o.incident_id, o.action.kind))
                .collect(),
            notes: self.notes.iter().map(|n| n.id).collect(),
        }
    }

    /// People to be told and return interviews due before this shift ends (or already overdue), soonest first:
    /// shown at the top of the handover under the children missing now.
    pub fn due_this_shift(&self) -> Vec<&OutstandingItem> {
        self.outstanding
            .iter()
            .filter(|o| o.action.promised && o.action.due.is_some_and(|d| d <= self.shift.end))
            .collect()
    }

    pub fn overdue_count(&self) -> usize {
        self.outstanding.iter().filter(|o| o.overdue).count()
    }
}

fn setting_time(s: &Store, key: &str, default: (u32, u32)) -> NaiveTime {
    s.setting(key)
        .ok()
        .and_then(|v| crate::time::parse_time(&v).ok())
        .unwrap_or_else(|| NaiveTime::from_hms_opt(default.0, default.1, 0).unwrap_or(NaiveTime::MIN))
}

impl Store {
    /// The shift on at `now`, from the settings.
    pub fn shift_at(&self, now: DateTime<Utc>) -> Shift {
        shift_at(
            now,
            setting_time(self, "day_shift_start", (7, 30)),
            setting_time(self, "night_shift_start", (22, 0)),
        )
    }

    /// What the handover shows at `now` for `window`.
    pub fn handover_sheet(&self, now: DateTime<Utc>, window: Window) -> Result<Sheet> {
        let last = self.last_handover()?;
        let since = match window {
            Window::SinceHandover => last
                .as_ref()
                .map(|h| h.acknowledged_at)
                .unwrap_or(now - Duration::hours(24)),
            Window::Hours12 => now - Duration::hours(12),
            Window::Hours24 => now - Duration::hours(24),
            Window::Days7 => now - Duration::days(7),
        };
        let mut incidents = self.recorded_since(since, SHEET_MAX + 1)?;
        let more_incidents = incidents.len() > SHEET_MAX;
        incidents.truncate(SHEET_MAX);
        incidents.sort_by(|a, b| {
            (a.child_name.to_lowercase(), a.child_id, a.occurred_at, a.id).cmp(&(
                b.child_name.to_lowercase(),
                b.child_id,
                b.occurred_at,
                b.id,
            ))
        });
        let mut outstanding = Vec::new();
        for (row, facts, yos) in self.open_incidents(SHEET_MAX)? {
            for a in actions_of(&facts, yos) {
                outstanding.push(OutstandingItem {
                    incident_id: row.id,
                    child_name: row.child_name.clone(),
                    occurred_at: row.occurred_at,
                    police_ref: row.police_ref.clone(),
                    overdue: a.overdue(now),
                    action: a,
                });
            }
        }
        // Overdue first (most overdue first), then by when due; items with no deadline last.
        outstanding.sort_by_key(|o| (!o.overdue, o.action.due.is_none(), o.action.due, o.incident_id));
        Ok(Sheet {
            now,
            shift: self.shift_at(now),
            window,
            since,
            last,
            incidents,
            more_incidents,
            outstanding,
            notes: self.handover_notes_since(since)?,
            anchor: self.chain_anchor().ok(),
            missing_now: self.missing_now(now)?,
        })
    }

    /// Missing or absent episodes recorded in the last [`MISSING_LOOKBACK_DAYS`] days with no "came back" time.
    pub fn missing_now(&self, now: DateTime<Utc>) -> Result<Vec<MissingNow>> {
        let mut s = self.conn.prepare_cached(
            "SELECT i.id, CASE WHEN c.preferred_name <> '' THEN c.preferred_name ELSE c.name END, \
             json_extract(i.current, '$.missing.kind'), json_extract(i.current, '$.missing.left_at'), i.occurred_at \
             FROM incidents i JOIN children c ON c.id = i.child_id \
             WHERE i.home_uid = (SELECT uid FROM home) AND i.occurred_at >= ?1 \
             AND json_extract(i.current, '$.missing') IS NOT NULL \
             AND json_extract(i.current, '$.missing.returned_at') IS NULL \
             ORDER BY i.occurred_at LIMIT 50",
        )?;
        let v = s
            .query_map([ts(now - Duration::days(MISSING_LOOKBACK_DAYS))], |r| {
                Ok(MissingNow {
                    incident_id: r.get(0)?,
                    child_name: r.get(1)?,
                    absent: r.get::<_, Option<String>>(2)?.as_deref() == Some("absent"),
                    left_at: r.get::<_, Option<String>>(3)?.and_then(|t| {
                        DateTime::parse_from_rfc3339(&t)
                            .ok()
                            .map(|d| d.with_timezone(&Utc))
                            .or_else(|| parse_ts(&t))
                    }),
                    occurred_at: parse_ts(&r.get::<_, String>(4)?).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::incidents::tests::with_incident;
    use crate::store::staff::tests::actor;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_night_shift_spans_midnight() {
        // 02:00 on Sun 22 Nov 2026 (GMT): the night shift that began at 22:00 on Saturday.
        let s = shift_at(utc(2026, 11, 22, 2, 0), hm(7, 30), hm(22, 0));
        assert!(s.night);
        assert_eq!(s.start, utc(2026, 11, 21, 22, 0));
        assert_eq!(s.end, utc(2026, 11, 22, 7, 30));
        // 23:00 the same evening: the next night shift.
        let s = shift_at(utc(2026, 11, 22, 23, 0), hm(7, 30), hm(22, 0));
        assert_eq!(s.start, utc(2026, 11, 22, 22, 0));
        assert_eq!(s.end, utc(2026, 11, 23, 7, 30));
        // 07:30 exactly is the day shift.
        let s = shift_at(utc(2026, 11, 22, 7, 30), hm(7, 30), hm(22, 0));
        assert!(!s.night);
        assert_eq!(s.describe(), "Day shift: Sun 22 Nov 07:30 to Sun 22 Nov 22:00 (14h30)");
    }

    #[test]
    fn the_clock_change_nights_are_longer_and_shorter() {
        // October: clocks go back at 02:00 BST on Sun 25 Oct 2026. 22:00 BST = 21:00 UTC; 07:30 GMT = 07:30 UTC.
        let s = shift_at(utc(2026, 10, 25, 1, 30), hm(7, 30), hm(22, 0));
        assert!(s.night);
        assert_eq!(s.start, utc(2026, 10, 24, 21, 0));
        assert_eq!(s.end, utc(2026, 10, 25, 7, 30));
        assert!(s.describe().ends_with("(10h30)"), "{}", s.describe());
        // March: clocks go forward at 01:00 GMT on Sun 29 Mar 2026. 22:00 GMT = 22:00 UTC; 07:30 BST = 06:30 UTC.
        let s = shift_at(utc(2026, 3, 29, 3, 0), hm(7, 30), hm(22, 0));
        assert_eq!(s.start, utc(2026, 3, 28, 22, 0));
        assert_eq!(s.end, utc(2026, 3, 29, 6, 30));
        assert!(s.describe().ends_with("(8h30)"), "{}", s.describe());
        // A shift starting in the skipped hour starts when the clocks say 02:00 again.
        let s = shift_at(utc(2026, 3, 29, 3, 0), hm(1, 30), hm(20, 0));
        assert!(!s.night);
        assert_eq!(s.start, utc(2026, 3, 29, 1, 30));
    }

    #[test]
    fn wrong_way_round_settings_fall_back_to_the_defaults() {
        let s = shift_at(utc(2026, 11, 22, 12, 0), hm(22, 0), hm(7, 30));
        assert!(!s.night);
        assert_eq!(s.start, utc(2026, 11, 22, 7, 30));
    }

    #[test]
    fn the_sheet_starts_from_the_last_acknowledged_handover() {
        let (mut s, m, id) = with_incident();
        let a = actor(&m);
        let now = s.now();
        let sheet = s.handover_sheet(now, Window::SinceHandover).unwrap();
        assert_eq!(sheet.incidents.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
        assert!(!sheet.outstanding.is_empty());
        s.add_handover_note(&a, "Phone J's social worker at 9").unwrap();
        assert_eq!(s.handover_sheet(now, Window::SinceHandover).unwrap().notes.len(), 1);
        s.set_clock(Some(now + Duration::minutes(5)));
        s.acknowledge_handover(&a, sheet.since, &sheet.seen()).unwrap();
        let later = now + Duration::minutes(10);
        let sheet = s.handover_sheet(later, Window::SinceHandover).unwrap();
        assert!(sheet.incidents.is_empty());
        assert!(sheet.notes.is_empty());
        assert_eq!(sheet.last.as_ref().unwrap().acknowledged_by, "Pat Manager");
        assert_eq!(sheet.last.as_ref().unwrap().note, "Phone J's social worker at 9");
        assert!(
            !sheet.outstanding.is_empty(),
            "outstanding work is shown whatever the window"
        );
        let wide = s.handover_sheet(later, Window::Hours24).unwrap();
        assert_eq!(wide.incidents.len(), 1);
        // Three days on, telling the social worker (within 24 hours) is overdue and listed first; there was no
        // restraint, so no regulation 35 deadline is.
        let sheet = s.handover_sheet(now + Duration::days(3), Window::Days7).unwrap();
        assert!(sheet.outstanding[0].overdue);
        assert_eq!(sheet.overdue_count(), 1);
    }
}
