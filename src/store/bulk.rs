//! Many writes in one transaction, for demo data and imports of a large history: each write does exactly what
//! the single-record method does (same checks, same rows, same audit rows), but a whole batch commits at once,
//! so loading 100,000 incidents costs one fsync per batch instead of several per incident.
//!
//! Unlike [`Store::write`], each write in a batch carries its own actor and time: a batch replays a history in
//! which different people did things at different times, and the audit trail says so.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::audit::Writer;
use super::incidents::{NewIncidentRow, manager_only};
use super::{Actor, Result, Store, StoreError, ts};
use crate::domain::{Change, ChildInput, Entry, IncidentRecord, apply};

/// An open batch: writes go into one IMMEDIATE transaction, committed when the closure returns Ok.
pub struct Bulk<'c> {
    tx: Transaction<'c>,
    home_uid: String,
}

impl Store {
    /// Run `f` with a batch; all of its writes are saved together, or none.
    pub fn bulk<T>(&mut self, f: impl FnOnce(&mut Bulk<'_>) -> Result<T>) -> Result<T> {
        let home_uid = self
            .home()?
            .ok_or_else(|| StoreError::Invalid("The home is not set up.".into()))?
            .uid;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut b = Bulk { tx, home_uid };
        let out = f(&mut b)?;
        b.tx.commit()?;
        Ok(out)
    }

    /// Save many incidents, each with the entries added to it later, in one transaction: the same rows and
    /// audit rows as [`Store::save_incident`] followed by [`Store::add_entry`] for each entry. Each record is
    /// saved at its `recorded_at` by `actor`; each entry at its `at` by the actor given with it.
    /// Returns the new incident ids.
    pub fn save_incidents_bulk(
        &mut self,
        actor: &Actor,
        items: Vec<(IncidentRecord, Vec<(Actor, Entry)>)>,
    ) -> Result<Vec<i64>> {
        self.bulk(|b| {
            let mut ids = Vec::with_capacity(items.len());
            for (rec, entries) in items {
                let at = rec.recorded_at;
                let id = b.save_incident(actor, at, rec)?;
                for (who, e) in entries {
                    b.add_entry(&who, e.at, id, e.uid, e.change)?;
                }
                ids.push(id);
            }
            Ok(ids)
        })
    }
}

impl Bulk<'_> {
    /// Write the following children and incidents as records of the home `uid` (this home, or one in
    /// `other_homes`, as an import of its file would): demo data for a YOS that holds many homes.
    pub fn set_home(&mut self, uid: &str) {
        if self.home_uid != uid {
            self.home_uid = uid.to_string();
        }
    }

    /// As an import of another home's file does the first time: that home's `other_homes` row.
    pub fn add_other_home(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        uid: &str,
        name: &str,
        urn: &str,
    ) -> Result<i64> {
        super::audit::insert_other_home(&mut self.writer(actor, at), uid, name, urn)
    }

    fn writer<'w>(&'w self, actor: &'w Actor, at: DateTime<Utc>) -> Writer<'w> {
        Writer::new(&self.tx, actor, at)
    }

    /// As [`Store::add_child`], at `at`, with a given uid (deterministic demo data).
    pub fn add_child(&mut self, actor: &Actor, at: DateTime<Utc>, uid: &str, input: &ChildInput) -> Result<i64> {
        let today = crate::time::local_date(at);
        let v = crate::domain::child::validate_child(input, today)
            .map_err(|e| StoreError::Invalid(e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")))?;
        let home = self.home_uid.clone();
        let mut w = self.writer(actor, at);
        super::children::insert_child(&mut w, uid, &home, &v)
    }

    /// As [`Store::discharge_child`], at `at`.
    pub fn discharge_child(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        child_id: i64,
        date: &str,
        reason: &str,
    ) -> Result<()> {
        let child = self
            .tx
            .query_row(
                &format!("SELECT {} FROM children WHERE id = ?1", super::children::CHILD_COLS),
                [child_id],
                super::children::child_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("child {child_id}")))?;
        if child.discharged.is_some() {
            return Err(StoreError::Invalid("This child has already been discharged.".into()));
        }
        let (day, reason) = crate::domain::child::validate_discharge(&child, date, reason, crate::time::local_date(at))
            .map_err(StoreError::Invalid)?;
        let mut w = self.writer(actor, at);
        w.update(
            "children",
            child_id,
            "discharge",
            "UPDATE children SET discharged = ?1, discharge_reason = ?2 WHERE id = ?3",
            params![day.format("%Y-%m-%d").to_string(), reason, child_id],
        )
    }

    /// As [`Store::save_incident`] (without a draft), saved at `at`. An empty uid gets a new one.
    pub fn save_incident(&mut self, actor: &Actor, at: DateTime<Utc>, mut rec: IncidentRecord) -> Result<i64> {
        let child = self
            .tx
            .query_row(
                &format!("SELECT {} FROM children WHERE uid = ?1", super::children::CHILD_COLS),
                [&rec.child_uid],
                super::children::child_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::Invalid("Choose a child from the register.".into()))?;
        if rec.uid.is_empty() {
            rec.uid = crate::domain::new_uid();
        } else if self
            .tx
            .prepare_cached("SELECT 1 FROM incidents WHERE uid = ?1")?
            .exists([&rec.uid])?
        {
            return Err(StoreError::Invalid("This incident has already been saved.".into()));
        }
        rec.home_uid = self.home_uid.clone();
        rec.recorded_by = actor.name.clone();
        rec.recorded_at = at;
        rec.validate(at).map_err(|e| StoreError::Invalid(e.join(" ")))?;
        let mut w = self.writer(actor, at);
        super::incidents::insert_row(
            &mut w,
            &NewIncidentRow {
                record: &rec,
                current: &rec,
                child_id: child.id,
                yos_open: child.yos_open,
                recorded_by_id: actor.staff_id,
                updated_at: at,
            },
        )
    }

    /// As [`Store::add_entry`], at `at`, with a given entry uid (empty: a new one).
    pub fn add_entry(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        incident_id: i64,
        uid: String,
        change: Change,
    ) -> Result<Entry> {
        if manager_only(&change) {
            actor.require_manager("review and sign incidents")?;
        }
        let (inc_uid, cur, _yos_open): (String, String, i64) = self
            .tx
            .prepare_cached(
                "SELECT i.uid, i.current, c.yos_open FROM incidents i JOIN children c ON c.id = i.child_id \
                 WHERE i.id = ?1",
            )?
            .query_row([incident_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("incident {incident_id}")))?;
        // `current` is the record with every earlier entry applied; applying this one gives the same state as
        // replaying them all (domain::current is a fold of domain::apply).
        let mut cur: IncidentRecord = serde_json::from_str(&cur)
            .map_err(|e| StoreError::Invalid(format!("incident {incident_id} is unreadable: {e}")))?;
        if cur.review.signed_at.is_some() && matches!(change, Change::SignOff { .. }) {
            return Err(StoreError::Invalid("This incident has already been signed.".into()));
        }
        if let Change::Correction { reason, .. } = &change
            && reason.trim().is_empty()
        {
            return Err(StoreError::Invalid("Say why the correction is needed.".into()));
        }
        let entry = Entry {
            uid: if uid.is_empty() { crate::domain::new_uid() } else { uid },
            incident_uid: inc_uid,
            at,
            by: actor.name.clone(),
            change,
        };
        apply(&mut cur, &entry);
        let mut w = self.writer(actor, at);
        super::incidents::insert_entry_row(&mut w, incident_id, &entry, actor.staff_id)?;
        super::incidents::refresh_row(&mut w, incident_id, &cur, "amend", at)?;
        Ok(entry)
    }

    /// As [`Store::add_handover_note`], at `at`.
    pub fn add_handover_note(&mut self, actor: &Actor, at: DateTime<Utc>, text: &str) -> Result<i64> {
        let text = crate::text::clean_text(text, super::handover::NOTE_MAX)
            .trim()
            .to_string();
        if text.is_empty() {
            return Err(StoreError::Invalid("The note is empty.".into()));
        }
        let mut w = self.writer(actor, at);
        w.insert(
            "handover_notes",
            "INSERT INTO handover_notes (written_at, written_by, written_by_id, text) VALUES (?1, ?2, ?3, ?4)",
            params![ts(at), actor.name, actor.staff_id, text],
        )
    }

    /// As [`Store::acknowledge_handover`], at `at`: carries the notes written since `covers_from`.
    pub fn acknowledge_handover(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        covers_from: DateTime<Utc>,
    ) -> Result<i64> {
        let notes: Vec<(String, String)> = self
            .tx
            .prepare_cached(
                "SELECT text, written_by FROM handover_notes WHERE written_at >= ?1 ORDER BY written_at, id",
            )?
            .query_map([ts(covers_from)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let note = notes.iter().map(|n| n.0.clone()).collect::<Vec<_>>().join("\n");
        let by = notes.iter().map(|n| n.1.clone()).collect::<Vec<_>>().join(", ");
        let mut w = self.writer(actor, at);
        w.insert(
            "handovers",
            "INSERT INTO handovers (acknowledged_at, acknowledged_by, acknowledged_by_id, covers_from, note, note_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ts(at), actor.name, actor.staff_id, ts(covers_from), note, by],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::incident::fixtures::record;
    use crate::domain::*;
    use crate::store::children::tests::input;
    use crate::store::staff::tests::{actor, set_up};
    use chrono::Duration;

    /// The columns a batch and the single-record path must agree on (everything but ids and uids).
    fn row(s: &Store, id: i64) -> Vec<String> {
        let uid: String = s
            .conn
            .query_row("SELECT uid FROM incidents WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        let v: Vec<String> = s
            .conn
            .query_row(
                "SELECT child_id, occurred_at, recorded_at, recorded_by, recorded_by_id, status, response, categories, \
                 police_ref, summary, open_actions, updated_at, current FROM incidents WHERE id = ?1",
                [id],
                |r| {
                    (0..13)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                                _ => String::new(),
                            })
                        })
                        .collect()
                },
            )
            .unwrap();
        v.into_iter().map(|x| x.replace(&uid, "UID")).collect()
    }

    #[test]
    fn a_batch_writes_what_the_single_path_writes() {
        let (mut s, m) = set_up();
        let now = s.now();
        s.set_clock(Some(now));
        let a = actor(&m);
        let c = s.add_child(&a, &input("Jordan Smith")).unwrap();
        let mut r = record();
        r.uid = String::new();
        r.child_uid = c.uid.clone();
        r.occurred_at = now - Duration::hours(3);
        let single = s.save_incident(&a, r.clone(), None).unwrap();
        let changes = vec![
            Change::Notified {
                notification: Notification {
                    who: NotifyWho::SocialWorker,
                    at: now,
                    note: "rang".into(),
                },
            },
            Change::SignOff { comment: "ok".into() },
        ];
        for ch in &changes {
            s.add_entry(&a, single, ch.clone()).unwrap();
        }
        let mut rb = r.clone();
        rb.recorded_at = now;
        let entries = changes
            .iter()
            .map(|ch| {
                let e = Entry {
                    uid: String::new(),
                    incident_uid: String::new(),
                    at: now,
                    by: a.name.clone(),
                    change: ch.clone(),
                };
                (a.clone(), e)
            })
            .collect();
        let ids = s.save_incidents_bulk(&a, vec![(rb, entries)]).unwrap();
        assert_eq!(row(&s, single), row(&s, ids[0]));
        assert_eq!(s.entries(ids[0]).unwrap().len(), 2);
        assert_eq!(
            s.audit_for("incidents", ids[0]).unwrap().len(),
            3,
            "insert + one amend per entry"
        );
        assert!(s.verify().unwrap().is_sound(), "{:?}", s.verify().unwrap());
    }

    #[test]
    fn a_batch_is_all_or_nothing_and_keeps_the_checks() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let c = s.add_child(&a, &input("Jordan Smith")).unwrap();
        let worker = s
            .add_staff(&a, "Sam Night", Role::Staff, "correct horse battery")
            .unwrap();
        let w = actor(&worker);
        let mut r = record();
        r.uid = String::new();
        r.child_uid = c.uid.clone();
        r.occurred_at = s.now() - Duration::hours(3);
        r.recorded_at = s.now();
        let before = s.incident_count().unwrap();
        let sign = Entry {
            uid: String::new(),
            incident_uid: String::new(),
            at: s.now(),
            by: w.name.clone(),
            change: Change::SignOff { comment: String::new() },
        };
        let e = s.save_incidents_bulk(&w, vec![(r.clone(), vec![]), (r.clone(), vec![(w.clone(), sign)])]);
        assert!(matches!(e, Err(StoreError::NotAllowed(_))), "{e:?}");
        assert_eq!(s.incident_count().unwrap(), before, "nothing of a failed batch is kept");
        let mut future = r.clone();
        future.occurred_at = s.now() + Duration::hours(1);
        assert!(s.save_incidents_bulk(&w, vec![(future, vec![])]).is_err());
        assert!(s.verify().unwrap().is_sound());
    }
}
