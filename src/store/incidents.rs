//! Saved incidents and their entries. A record is written once; later information is an entry, and the
//! incident row's `current` (with its indexed copies) is refreshed from record + entries in the same transaction.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, ToSql, params};

pub use super::browse::{Cursor, Filter, IncidentRow};
use super::browse::{ROW_COLS, row_from};
use super::{Actor, Result, Store, StoreError, parse_ts, ts};
use crate::domain::outstanding::{ActionFacts, actions};
use crate::domain::{Category, Change, Child, CorrectableField, Entry, IncidentRecord, current};

/// Everything about one incident: as saved, its entries, and its current state.
#[derive(Debug, Clone)]
pub struct IncidentDetail {
    pub id: i64,
    pub record: IncidentRecord,
    pub entries: Vec<Entry>,
    pub current: IncidentRecord,
    pub child: Child,
    /// Names of every child the record has been filed under (uid, name): the one it was saved for and any a
    /// correction named, so the history can say who it was before.
    pub child_names: Vec<(String, String)>,
}

impl IncidentDetail {
    /// A child's name from their uid, as far as this record knows it.
    pub fn child_name(&self, uid: &str) -> String {
        self.child_names
            .iter()
            .find(|(u, _)| u == uid)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "(a child not in this register)".into())
    }
}

pub(crate) fn categories_col(c: &[Category]) -> String {
    let mut s = String::from("|");
    for x in c {
        s.push_str(x.code());
        s.push('|');
    }
    s
}

/// Columns of `incidents` that are copies of the current state.
pub(crate) struct Derived {
    pub status: &'static str,
    pub response: &'static str,
    pub categories: String,
    pub police_ref: String,
    pub summary: String,
    pub open_actions: i64,
    pub current: String,
}

impl Derived {
    /// One statement's parameters: `before`, the derived columns in the order both writers of the row list them
    /// (status, response, categories, police_ref, summary, open_actions), then `after`.
    fn between<'a>(&'a self, before: &[&'a dyn ToSql], after: &[&'a dyn ToSql]) -> Vec<&'a dyn ToSql> {
        let derived: [&dyn ToSql; 6] = [
            &self.status,
            &self.response,
            &self.categories,
            &self.police_ref,
            &self.summary,
            &self.open_actions,
        ];
        before.iter().chain(derived.iter()).chain(after).copied().collect()
    }
}

pub(crate) fn derive(cur: &IncidentRecord, yos_open: bool) -> Result<Derived> {
    Ok(Derived {
        status: cur.status().code(),
        response: cur.response.code(),
        categories: categories_col(&cur.categories),
        police_ref: cur.police_reference().unwrap_or("").to_string(),
        summary: cur.summary(),
        open_actions: actions(cur, yos_open).len() as i64,
        current: serde_json::to_string(cur).map_err(|e| StoreError::Invalid(e.to_string()))?,
    })
}

/// Refresh an incident row's copies of its current state (child, time, status, response, categories, police
/// reference, summary, open actions, `current`): the one place that writes them after the row exists, used by
/// [`Store::add_entry`], the bulk writer and the importer, so a correction of the time or the child moves the
/// row too. The child is the one the current state names, when this register has them (an import's withheld
/// child correction keeps the row's child).
pub(crate) fn refresh_row(
    w: &mut super::audit::Writer<'_>,
    incident_id: i64,
    cur: &IncidentRecord,
    action: &str,
    updated_at: DateTime<Utc>,
) -> Result<()> {
    let named: Option<(i64, i64)> = w
        .conn()
        .query_row(
            "SELECT id, yos_open FROM children WHERE uid = ?1",
            [&cur.child_uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (child_id, yos_open) = match named {
        Some(x) => x,
        None => w.conn().query_row(
            "SELECT c.id, c.yos_open FROM incidents i JOIN children c ON c.id = i.child_id WHERE i.id = ?1",
            [incident_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
    };
    let d = derive(cur, yos_open != 0)?;
    w.update(
        "incidents",
        incident_id,
        action,
        "UPDATE incidents SET child_id=?1, occurred_at=?2, status=?3, response=?4, categories=?5, police_ref=?6, \
         summary=?7, open_actions=?8, current=?9, updated_at=MAX(updated_at, ?10) WHERE id=?11",
        d.between(
            &[&child_id, &ts(cur.occurred_at)],
            &[&d.current, &ts(updated_at), &incident_id],
        )
        .as_slice(),
    )
}

/// An incident row as first written: its saved record, its current state (the record with any entries a file
/// brought applied), its child, who recorded it (none for an imported record) and when it last changed.
pub(crate) struct NewIncidentRow<'r> {
    pub record: &'r IncidentRecord,
    pub current: &'r IncidentRecord,
    pub child_id: i64,
    pub yos_open: bool,
    pub recorded_by_id: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// The one writer of a new incident row, used by [`Store::save_incident`], the bulk writer and the importer:
/// the saved record as JSON and its derived columns ([`derive`]) from the current state.
pub(crate) fn insert_row(w: &mut super::audit::Writer<'_>, row: &NewIncidentRow<'_>) -> Result<i64> {
    let (rec, cur) = (row.record, row.current);
    let d = derive(cur, row.yos_open)?;
    let json = serde_json::to_string(rec).map_err(|e| StoreError::Invalid(e.to_string()))?;
    w.insert(
        "incidents",
        "INSERT INTO incidents (uid, home_uid, child_id, occurred_at, recorded_at, recorded_by, recorded_by_id, \
         status, response, categories, police_ref, summary, open_actions, updated_at, record, current) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        d.between(
            &[
                &rec.uid,
                &rec.home_uid,
                &row.child_id,
                &ts(cur.occurred_at),
                &ts(rec.recorded_at),
                &rec.recorded_by,
                &row.recorded_by_id,
            ],
            &[&ts(row.updated_at), &json, &d.current],
        )
        .as_slice(),
    )
}

/// The `kind` column of an entry: its change's type.
fn entry_kind(e: &Entry) -> String {
    serde_json::to_value(&e.change)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// The one writer of an entry row, used by [`Store::add_entry`], the bulk writer and the importer (`by_id`:
/// the member of staff here who added it; none for an entry from a file).
pub(crate) fn insert_entry_row(
    w: &mut super::audit::Writer<'_>,
    incident_id: i64,
    e: &Entry,
    by_id: Option<i64>,
) -> Result<i64> {
    let change = serde_json::to_string(&e.change).map_err(|x| StoreError::Invalid(x.to_string()))?;
    w.insert(
        "entries",
        "INSERT INTO entries (uid, incident_id, at, by_name, by_id, kind, change) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![e.uid, incident_id, ts(e.at), e.by, by_id, entry_kind(e), change],
    )
}

/// Check an entry against the record's state before it (`cur`, with its `entries`) and the register: what
/// the store refuses whichever screen or file it comes from.
fn check_entry(
    store_children: &dyn Fn(&str) -> Result<bool>,
    cur: &IncidentRecord,
    entries: &[Entry],
    change: &Change,
    now: DateTime<Utc>,
) -> Result<()> {
    match change {
        Change::SignOff { .. } => {
            if cur.review.signed_at.is_some() {
                return Err(StoreError::Invalid("This incident has already been signed.".into()));
            }
            let b = cur.sign_off_blockers(entries);
            if !b.is_empty() {
                return Err(StoreError::Invalid(format!("Not signed: {}", b.join(" "))));
            }
        }
        Change::Correction { field, value, reason } => {
            if reason.trim().is_empty() {
                return Err(StoreError::Invalid("Say why the correction is needed.".into()));
            }
            match field.parse(value) {
                None => {
                    return Err(StoreError::Invalid(format!(
                        "The corrected {} cannot be read.",
                        field.label().to_lowercase()
                    )));
                }
                Some(crate::domain::Corrected::OccurredAt(t)) if t > now => {
                    return Err(StoreError::Invalid("The corrected time is in the future.".into()));
                }
                Some(crate::domain::Corrected::Child(uid)) if !store_children(&uid)? => {
                    return Err(StoreError::Invalid("Choose a child from the register.".into()));
                }
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

/// Which changes only a manager may add.
pub fn manager_only(c: &Change) -> bool {
    matches!(
        c,
        Change::SignOff { .. }
            | Change::SpokeToStaff { .. }
            | Change::SpokeToChild { .. }
            | Change::OfstedSerious { .. }
    )
}

/// The entries of an incident, oldest first, on any connection (also inside a write transaction).
/// An incident's entries, oldest first, through the `entries_incident` index.
pub(crate) const ENTRIES_SQL: &str = "SELECT uid, at, by_name, change FROM entries WHERE incident_id = ?1 ORDER BY id";

/// An entry as stored: uid, time and author as text, the change as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub uid: String,
    pub at: String,
    pub by: String,
    pub change: String,
}

/// An incident's entries as stored, oldest first.
pub(crate) fn entry_rows(conn: &rusqlite::Connection, incident_id: i64) -> Result<Vec<EntryRow>> {
    let mut s = conn.prepare_cached(ENTRIES_SQL)?;
    let rows = s
        .query_map([incident_id], |r| {
            Ok(EntryRow {
                uid: r.get(0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                change: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn entries_in(conn: &rusqlite::Connection, incident_id: i64, uid: &str) -> Result<Vec<Entry>> {
    entry_rows(conn, incident_id)?
        .into_iter()
        .map(|r| {
            Ok(Entry {
                uid: r.uid,
                incident_uid: uid.to_string(),
                at: parse_ts(&r.at).unwrap_or_default(),
                by: r.by,
                change: serde_json::from_str(&r.change)
                    .map_err(|e| StoreError::Invalid(format!("entry of incident {incident_id} unreadable: {e}")))?,
            })
        })
        .collect()
}

impl Store {
    /// Save a completed incident. Fills in who recorded it and when; closes the draft it came from.
    /// The record must pass [`IncidentRecord::validate`].
    pub fn save_incident(&mut self, actor: &Actor, mut rec: IncidentRecord, draft_id: Option<i64>) -> Result<i64> {
        self.require_home("record incidents")?;
        let now = self.now();
        let child = self
            .child_by_uid(&rec.child_uid)?
            .ok_or_else(|| StoreError::Invalid("Choose a child from the register.".into()))?;
        let home = self
            .home()?
            .ok_or_else(|| StoreError::Invalid("The home is not set up.".into()))?;
        if rec.uid.is_empty() {
            rec.uid = crate::domain::new_uid();
        } else if self.incident_id_by_uid(&rec.uid)?.is_some() {
            return Err(StoreError::Invalid("This incident has already been saved.".into()));
        }
        rec.home_uid = home.uid;
        rec.recorded_by = actor.name.clone();
        rec.recorded_at = now;
        rec.late_record = IncidentRecord::is_late(rec.occurred_at, now);
        rec.validate(now).map_err(|e| StoreError::Invalid(e.join(" ")))?;
        if let Some(draft) = draft_id {
            // A draft a manager took over is theirs to finish now.
            self.check_own_draft(actor, draft)?;
        }
        self.write(actor, |w| {
            let staff_id = w.actor.staff_id;
            let id = insert_row(
                w,
                &NewIncidentRow {
                    record: &rec,
                    current: &rec,
                    child_id: child.id,
                    yos_open: child.yos_open,
                    recorded_by_id: staff_id,
                    updated_at: now,
                },
            )?;
            if let Some(draft) = draft_id {
                super::drafts::close_in(w, draft, "saved as incident")?;
            }
            Ok(id)
        })
    }

    /// Add later information to a saved incident: an attributed, timed entry. Never changes the record.
    pub fn add_entry(&mut self, actor: &Actor, incident_id: i64, change: Change) -> Result<Entry> {
        // A home's records are the home's: a YOS neither signs them nor adds to them (the home's next set
        // brings what it adds).
        self.require_home(if manager_only(&change) {
            "review or sign a home's incidents"
        } else {
            "add to a home's incident records"
        })?;
        if manager_only(&change) {
            actor.require_manager("review and sign incidents")?;
        }
        let detail = self.incident(incident_id)?;
        let now = self.now();
        let known = |uid: &str| -> Result<bool> { Ok(self.child_by_uid(uid)?.is_some()) };
        check_entry(&known, &detail.current, &detail.entries, &change, now)?;
        let entry = Entry {
            uid: crate::domain::new_uid(),
            incident_uid: detail.record.uid.clone(),
            at: now,
            by: actor.name.clone(),
            change,
        };
        self.write(actor, |w| {
            // Read the entries again under the write lock: another copy of the app may have added one since
            // `detail` was read, and the current state must include it (no lost update).
            let mut entries = entries_in(w.conn(), incident_id, &detail.record.uid)?;
            let before = current(&detail.record, &entries);
            let known = |uid: &str| -> Result<bool> {
                Ok(w.conn()
                    .query_row("SELECT 1 FROM children WHERE uid = ?1", [uid], |_| Ok(()))
                    .optional()?
                    .is_some())
            };
            check_entry(&known, &before, &entries, &entry.change, now)?;
            entries.push(entry.clone());
            let cur = current(&detail.record, &entries);
            let staff_id = w.actor.staff_id;
            insert_entry_row(w, incident_id, &entry, staff_id)?;
            refresh_row(w, incident_id, &cur, "amend", now)
        })?;
        Ok(entry)
    }

    pub fn incident_id_by_uid(&self, uid: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT id FROM incidents WHERE uid = ?1", [uid], |r| r.get(0))
            .optional()?)
    }

    pub fn entries(&self, incident_id: i64) -> Result<Vec<Entry>> {
        let uid: String = self
            .conn
            .query_row("SELECT uid FROM incidents WHERE id = ?1", [incident_id], |r| r.get(0))?;
        entries_in(&self.conn, incident_id, &uid)
    }

    pub fn incident(&self, id: i64) -> Result<IncidentDetail> {
        let (record, cur, child_id): (String, String, i64) = self
            .conn
            .query_row(
                "SELECT record, current, child_id FROM incidents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))?;
        let bad = |e: serde_json::Error| StoreError::Invalid(format!("incident {id} is unreadable: {e}"));
        let record: IncidentRecord = serde_json::from_str(&record).map_err(bad)?;
        let entries = self.entries(id)?;
        let mut uids = vec![record.child_uid.clone()];
        for e in &entries {
            if let Change::Correction {
                field: CorrectableField::Child,
                value,
                ..
            } = &e.change
                && !uids.contains(value)
            {
                uids.push(value.clone());
            }
        }
        let mut child_names = Vec::new();
        for u in uids {
            if let Some(c) = self.child_by_uid(&u)? {
                child_names.push((u, c.display_name()));
            }
        }
        Ok(IncidentDetail {
            id,
            record,
            current: serde_json::from_str(&cur).map_err(bad)?,
            entries,
            child: self.child(child_id)?,
            child_names,
        })
    }

    /// One page of incidents, newest first, after `cursor` (keyset pagination: never reads the whole table).
    pub fn incident_page(&self, f: &Filter, cursor: Option<Cursor>, limit: usize) -> Result<Vec<IncidentRow>> {
        self.browse_page(f, cursor, super::browse::Dir::Older, limit)
    }

    /// This home's incidents with anything still to do, oldest first (the handover's Outstanding list). Other
    /// homes' records, imported by a YOS, are not this home's to do.
    pub fn open_incidents(&self, limit: usize) -> Result<Vec<(IncidentRow, ActionFacts, bool)>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS}, i.current, c.yos_open FROM incidents i JOIN children c ON c.id = i.child_id \
             WHERE i.home_uid = (SELECT uid FROM home) AND i.open_actions > 0 ORDER BY i.occurred_at LIMIT ?1"
        ))?;
        let mut rows = s.query([limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let row = row_from(r)?;
            // Read in place: only what the Outstanding list needs is taken from the record.
            let facts = match r.get_ref(12)? {
                rusqlite::types::ValueRef::Text(t) => serde_json::from_slice::<ActionFacts>(t)
                    .map_err(|e| StoreError::Invalid(format!("incident {} is unreadable: {e}", row.id)))?,
                _ => return Err(StoreError::Invalid(format!("incident {} is unreadable", row.id))),
            };
            out.push((row, facts, r.get::<_, i64>(13)? != 0));
        }
        Ok(out)
    }

    /// How many incidents a child had in the last `days` days (for the wizard's context panel).
    pub fn child_incident_count(&self, child_id: i64, days: i64) -> Result<i64> {
        let since = ts(self.now() - Duration::days(days));
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM incidents WHERE child_id = ?1 AND occurred_at >= ?2",
            params![child_id, since],
            |r| r.get(0),
        )?)
    }

    pub fn incident_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::incident::fixtures::record;
    use crate::domain::*;
    use crate::store::children::tests::input;
    use crate::store::staff::tests::{actor, set_up};

    pub fn with_incident() -> (Store, crate::store::staff::SignedIn, i64) {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let c = s.add_child(&a, &input("Jordan Smith")).unwrap();
        let mut r = record();
        r.child_uid = c.uid;
        r.occurred_at = s.now() - Duration::hours(3);
        let id = s.save_incident(&a, r, None).unwrap();
        (s, m, id)
    }

    #[test]
    fn save_read_and_amend() {
        let (mut s, m, id) = with_incident();
        let a = actor(&m);
        let d = s.incident(id).unwrap();
        assert_eq!(d.record.recorded_by, "Pat Manager");
        assert_eq!(d.current.status(), Status::AwaitingReview);
        s.add_entry(
            &a,
            id,
            Change::Correction {
                field: CorrectableField::Location,
                value: "Hall".into(),
                reason: "typo".into(),
            },
        )
        .unwrap();
        s.add_entry(&a, id, Change::SignOff { comment: "ok".into() }).unwrap();
        let d = s.incident(id).unwrap();
        assert_eq!(d.record.location, "Kitchen", "the record as saved never changes");
        assert_eq!(d.current.location, "Hall");
        assert_eq!(d.current.status(), Status::Reviewed);
        assert_eq!(d.entries.len(), 2);
        assert!(
            s.add_entry(
                &a,
                id,
                Change::SignOff {
                    comment: "again".into()
                }
            )
            .is_err()
        );
        let rows = s
            .incident_page(
                &Filter {
                    status: Some(Status::Reviewed),
                    ..Default::default()
                },
                None,
                10,
            )
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert!(s.verify().unwrap().is_sound(), "{:?}", s.verify().unwrap());
    }

    #[test]
    fn staff_cannot_sign() {
        let (mut s, m, id) = with_incident();
        let w = s.add_staff(&actor(&m), "Sam", Role::Staff, "12345678").unwrap();
        let e = s.add_entry(&actor(&w), id, Change::SignOff { comment: String::new() });
        assert!(matches!(e, Err(StoreError::NotAllowed(_))));
        s.add_entry(&actor(&w), id, Change::Note { text: "rang SW".into() })
            .unwrap();
    }

    #[test]
    fn pages_and_filters() {
        let (mut s, m, _) = with_incident();
        let a = actor(&m);
        let child = s.list_children(false).unwrap()[0].clone();
        for h in 0..25 {
            let mut r = record();
            r.uid = String::new();
            r.child_uid = child.uid.clone();
            r.occurred_at = s.now() - Duration::hours(10 + h);
            if h % 5 == 0 {
                r.categories = vec![Category::Theft];
                r.account = "Took money from the office".into();
            }
            s.save_incident(&a, r, None).unwrap();
        }
        let p1 = s.incident_page(&Filter::default(), None, 10).unwrap();
        assert_eq!(p1.len(), 10);
        let last = p1.last().unwrap();
        let p2 = s
            .incident_page(&Filter::default(), Some((last.occurred_at, last.id)), 10)
            .unwrap();
        assert_eq!(p2.len(), 10);
        assert!(p2[0].occurred_at <= last.occurred_at);
        assert!(!p2.iter().any(|r| p1.iter().any(|q| q.id == r.id)));
        let theft = Filter {
            category: Some(Category::Theft),
            ..Default::default()
        };
        assert_eq!(s.incident_page(&theft, None, 100).unwrap().len(), 5);
        let text = Filter {
            text: Some("money".into()),
            ..Default::default()
        };
        assert_eq!(s.incident_page(&text, None, 100).unwrap().len(), 5);
        let pct = Filter {
            text: Some("100%".into()),
            ..Default::default()
        };
        assert_eq!(s.incident_page(&pct, None, 100).unwrap().len(), 0);
        assert_eq!(s.child_incident_count(child.id, 7).unwrap(), 26);
    }

    #[test]
    fn a_correction_of_the_child_and_the_time_moves_the_row_and_keeps_the_original() {
        let (mut s, m, id) = with_incident();
        let a = actor(&m);
        let mut other = input("Lily Brown");
        other.yos_open = true;
        let lily = s.add_child(&a, &other).unwrap();
        let before = s.incident(id).unwrap();
        let new_time = before.record.occurred_at - Duration::hours(2);
        let fix = |field, value: String| Change::Correction {
            field,
            value,
            reason: "wrong one picked".into(),
        };
        // Refused: a child not in the register, a time in the future, no reason.
        assert!(
            s.add_entry(&a, id, fix(CorrectableField::Child, "nobody".into()))
                .is_err()
        );
        let future = (s.now() + Duration::hours(1)).to_rfc3339();
        assert!(s.add_entry(&a, id, fix(CorrectableField::OccurredAt, future)).is_err());
        assert!(
            s.add_entry(
                &a,
                id,
                Change::Correction {
                    field: CorrectableField::Response,
                    value: "police".into(),
                    reason: " ".into()
                }
            )
            .is_err()
        );
        s.add_entry(&a, id, fix(CorrectableField::Child, lily.uid.clone()))
            .unwrap();
        s.add_entry(&a, id, fix(CorrectableField::OccurredAt, new_time.to_rfc3339()))
            .unwrap();
        s.add_entry(&a, id, fix(CorrectableField::Categories, "theft,violence".into()))
            .unwrap();
        s.add_entry(&a, id, fix(CorrectableField::Response, "restorative".into()))
            .unwrap();
        let d = s.incident(id).unwrap();
        assert_eq!(d.child.uid, lily.uid, "the row follows the corrected child");
        assert_eq!(d.current.child_uid, lily.uid);
        assert_eq!(d.current.occurred_at, new_time);
        assert_eq!(d.current.categories, vec![Category::Theft, Category::Violence]);
        assert_eq!(d.current.response, Response::Restorative);
        assert_eq!(
            d.record.child_uid, before.record.child_uid,
            "the record as saved never changes"
        );
        assert_eq!(d.record.occurred_at, before.record.occurred_at);
        assert_eq!(d.child_name(&before.record.child_uid), "Jordan Smith");
        let rows = s
            .incident_page(
                &Filter {
                    child_id: Some(lily.id),
                    ..Default::default()
                },
                None,
                10,
            )
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].occurred_at, new_time);
        assert_eq!(rows[0].response, Response::Restorative);
        assert!(rows[0].categories.contains(&Category::Theft));
        // Lily is open to the YOS: the YOS worker is now to be told.
        let open = s.open_incidents(10).unwrap();
        assert!(open[0].2, "the outstanding list reads the corrected child");
        assert!(s.verify().unwrap().is_sound(), "{:?}", s.verify().unwrap());
    }

    #[test]
    fn a_manager_cannot_sign_an_incomplete_restraint_record_or_a_police_one_without_the_ofsted_judgement() {
        let (mut s, m, id) = with_incident();
        let a = actor(&m);
        s.add_entry(
            &a,
            id,
            Change::Reg35 {
                reg35: Reg35 {
                    measure: "Two-person hold".into(),
                    ..Default::default()
                },
            },
        )
        .unwrap();
        let e = s
            .add_entry(&a, id, Change::SignOff { comment: "ok".into() })
            .unwrap_err();
        assert!(e.to_string().contains("duration"), "{e}");
        assert!(s.incident(id).unwrap().current.review.signed_at.is_none());
        s.add_entry(
            &a,
            id,
            Change::Reg35 {
                reg35: crate::domain::outstanding::tests::complete_reg35(),
            },
        )
        .unwrap();
        let police = Police::called(PoliceRoute::NonEmergency101, CallReason::Behaviour);
        s.add_entry(&a, id, Change::Police { police }).unwrap();
        let e = s
            .add_entry(&a, id, Change::SignOff { comment: "ok".into() })
            .unwrap_err();
        assert!(e.to_string().contains("Ofsted"), "{e}");
        s.add_entry(&a, id, Change::OfstedSerious { serious: true }).unwrap();
        s.add_entry(&a, id, Change::SignOff { comment: "ok".into() }).unwrap();
        let d = s.incident(id).unwrap();
        assert!(d.current.review.signed_at.is_some());
        let kinds: Vec<_> = crate::domain::outstanding::actions(&d.current, false)
            .into_iter()
            .map(|x| x.kind)
            .collect();
        assert!(
            kinds.contains(&crate::domain::outstanding::ActionKind::NotifyOfsted),
            "{kinds:?}"
        );
    }

    #[test]
    fn a_record_made_more_than_a_day_late_is_marked() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let c = s.add_child(&a, &input("Jordan Smith")).unwrap();
        let mut r = record();
        r.child_uid = c.uid;
        r.occurred_at = s.now() - Duration::hours(30);
        r.late_record = false;
        let id = s.save_incident(&a, r.clone(), None).unwrap();
        assert!(s.incident(id).unwrap().record.late_record);
        r.uid = String::new();
        r.occurred_at = s.now() - Duration::hours(23);
        r.late_record = true;
        let id = s.save_incident(&a, r, None).unwrap();
        assert!(
            !s.incident(id).unwrap().record.late_record,
            "the store decides, not the screen"
        );
        // An older record without the field reads as not late.
        let mut v = serde_json::to_value(record()).unwrap();
        v.as_object_mut().unwrap().remove("late_record");
        let old: IncidentRecord = serde_json::from_value(v).unwrap();
        assert!(!old.late_record);
    }
}
