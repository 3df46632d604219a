//! `concordat verify`: the database is sound, the audit chain unbroken, and every record is exactly as the
//! app last wrote it. Anything changed, inserted or removed with plain SQL shows here.

use serde_json::Value;

use super::audit::{AUDITED, GENESIS, audit_form, fold, hash_row, row_to_json};
use super::{Result, Store};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub integrity: String,
    pub audit_rows: i64,
    pub records_checked: i64,
    /// Plain descriptions of what is wrong, the first problem first. Empty when sound.
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }
}

/// At most this many problems are listed; the first is what matters.
const MAX_PROBLEMS: usize = 20;

impl Store {
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut rep = VerifyReport::default();
        let integrity: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rep.integrity = integrity.join("; ");
        if rep.integrity != "ok" {
            rep.problems
                .push(format!("The database file is damaged: {}", rep.integrity));
            return Ok(rep);
        }
        self.verify_chain(&mut rep)?;
        for table in AUDITED {
            if rep.problems.len() >= MAX_PROBLEMS {
                break;
            }
            self.verify_table(table, &mut rep)?;
        }
        Ok(rep)
    }

    fn verify_chain(&self, rep: &mut VerifyReport) -> Result<()> {
        let mut s = self.conn.prepare(
            "SELECT id, at, staff_id, staff_name, entity, entity_id, action, before, after, prev_hash, hash \
             FROM audit ORDER BY id",
        )?;
        let mut rows = s.query([])?;
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1i64;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let at: String = r.get(1)?;
            let staff_id: Option<i64> = r.get(2)?;
            let staff_name: String = r.get(3)?;
            let entity: String = r.get(4)?;
            let entity_id: i64 = r.get(5)?;
            let action: String = r.get(6)?;
            let before: Option<String> = r.get(7)?;
            let after: Option<String> = r.get(8)?;
            let prev_hash: String = r.get(9)?;
            let hash: String = r.get(10)?;
            rep.audit_rows += 1;
            if id != expected_id {
                rep.problems.push(format!(
                    "Audit row {expected_id} is missing (the next row is {id}): rows were removed outside the app."
                ));
                return Ok(());
            }
            if prev_hash != prev {
                rep.problems.push(format!(
                    "Audit row {id} does not follow row {}: the chain was broken outside the app.",
                    id - 1
                ));
                return Ok(());
            }
            let want = hash_row(
                &prev,
                id,
                &at,
                staff_id,
                &staff_name,
                &entity,
                entity_id,
                &action,
                before.as_deref(),
                after.as_deref(),
            );
            if want != hash {
                rep.problems.push(format!(
                    "Audit row {id} ({entity} {entity_id}, {action} by {staff_name} at {at}) was altered outside the app."
                ));
                return Ok(());
            }
            prev = hash;
            expected_id += 1;
        }
        Ok(())
    }

    /// Merge each table's rows (by id) with its audit rows folded per id (an insert, then each update's changed
    /// columns): the result must equal the row.
    fn verify_table(&self, table: &str, rep: &mut VerifyReport) -> Result<()> {
        let mut rs = self.conn.prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
        let names: Vec<String> = rs.column_names().iter().map(|s| s.to_string()).collect();
        let mut rows = rs.query([])?;
        let mut aus = self.conn.prepare(
            "SELECT entity_id, action, after, id FROM audit INDEXED BY audit_entity WHERE entity = ?1 \
             ORDER BY entity_id, id",
        )?;
        let mut audits = aus.query([table])?;
        // The next row of the table, and the next id of the trail folded into what the app last wrote.
        let mut next_row = || -> Result<Option<(i64, Value)>> {
            Ok(match rows.next()? {
                Some(r) => Some((r.get("id")?, audit_form(table, row_to_json(r, &names)?))),
                None => None,
            })
        };
        let mut pending: Option<(i64, String, Option<String>, i64)> = None;
        let mut next_folded = || -> Result<Option<(i64, Option<Value>, i64)>> {
            let first = match pending.take() {
                Some(p) => p,
                None => match audits.next()? {
                    Some(a) => (a.get(0)?, a.get(1)?, a.get(2)?, a.get(3)?),
                    None => return Ok(None),
                },
            };
            let (eid, mut last_audit) = (first.0, first.3);
            let parse = |s: Option<String>| s.map(|s| serde_json::from_str::<Value>(&s).unwrap_or(Value::Null));
            let mut state = fold(None, &first.1, parse(first.2));
            while let Some(a) = audits.next()? {
                let a: (i64, String, Option<String>, i64) = (a.get(0)?, a.get(1)?, a.get(2)?, a.get(3)?);
                if a.0 != eid {
                    pending = Some(a);
                    break;
                }
                state = fold(state, &a.1, parse(a.2));
                last_audit = a.3;
            }
            Ok(Some((eid, state.map(|v| audit_form(table, v)), last_audit)))
        };
        let mut row = next_row()?;
        let mut au = next_folded()?;
        loop {
            if rep.problems.len() >= MAX_PROBLEMS {
                return Ok(());
            }
            match (&row, &au) {
                (None, None) => return Ok(()),
                (Some((id, json)), Some((aid, state, audit_id))) if aid == id => {
                    rep.records_checked += 1;
                    if state.as_ref() != Some(json) {
                        rep.problems.push(format!(
                            "{table} row {id} differs from what the app last wrote (audit row {audit_id}): \
                             it was changed outside the app."
                        ));
                    }
                    row = next_row()?;
                    au = next_folded()?;
                }
                (Some((id, _)), Some((aid, state, _))) if aid < id => {
                    if state.is_some() {
                        rep.problems.push(format!(
                            "{table} row {aid} is in the audit trail but missing: it was removed outside the app."
                        ));
                    }
                    au = next_folded()?;
                }
                (Some((id, _)), _) => {
                    rep.problems.push(format!(
                        "{table} row {id} has no audit record: it was inserted outside the app."
                    ));
                    row = next_row()?;
                }
                (None, Some((aid, state, _))) => {
                    if state.is_some() {
                        rep.problems.push(format!(
                            "{table} row {aid} is in the audit trail but missing: it was removed outside the app."
                        ));
                    }
                    au = next_folded()?;
                }
            }
        }
    }
}
