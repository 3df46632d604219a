//! `concordat verify`: the database is sound, the audit chain unbroken, and every record is exactly as the
//! app last wrote it. Anything changed, inserted or removed with plain SQL shows here.

use super::audit::{AUDITED, GENESIS, hash_row, row_to_json};
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

    /// Merge each table's rows (by id) with the last audit row of each of its ids.
    fn verify_table(&self, table: &str, rep: &mut VerifyReport) -> Result<()> {
        let mut rs = self.conn.prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
        let names: Vec<String> = rs.column_names().iter().map(|s| s.to_string()).collect();
        let mut rows = rs.query([])?;
        let mut aus = self.conn.prepare(
            "SELECT entity_id, after, id FROM audit WHERE entity = ?1 AND id IN \
             (SELECT MAX(id) FROM audit WHERE entity = ?1 GROUP BY entity_id) ORDER BY entity_id",
        )?;
        let mut audits = aus.query([table])?;
        let mut row = rows.next()?.map(|r| (r.get::<_, i64>("id"), row_to_json(r, &names)));
        let mut au = audits
            .next()?
            .map(|a| (a.get::<_, i64>(0), a.get::<_, Option<String>>(1), a.get::<_, i64>(2)));
        loop {
            if rep.problems.len() >= MAX_PROBLEMS {
                return Ok(());
            }
            match (&row, &au) {
                (None, None) => return Ok(()),
                (Some((id, json)), a) => {
                    let id = *id.as_ref().map_err(|e| super::StoreError::Invalid(e.to_string()))?;
                    let json = json.as_ref().map_err(|e| super::StoreError::Invalid(e.to_string()))?;
                    match a {
                        Some((aid, after, audit_id)) if *aid.as_ref().unwrap_or(&i64::MIN) == id => {
                            rep.records_checked += 1;
                            let after = after.as_ref().ok().cloned().flatten();
                            let same = after
                                .as_deref()
                                .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                                .is_some_and(|v| &v == json);
                            if !same {
                                rep.problems.push(format!(
                                    "{table} row {id} differs from what the app last wrote (audit row {}): \
                                     it was changed outside the app.",
                                    audit_id.as_ref().unwrap_or(&0)
                                ));
                            }
                            row = rows.next()?.map(|r| (r.get::<_, i64>("id"), row_to_json(r, &names)));
                            au = audits.next()?.map(|a| (a.get(0), a.get(1), a.get(2)));
                        }
                        Some((aid, _, _)) if *aid.as_ref().unwrap_or(&i64::MIN) < id => {
                            rep.problems.push(format!(
                                "{table} row {} is in the audit trail but missing: it was removed outside the app.",
                                aid.as_ref().unwrap_or(&0)
                            ));
                            au = audits.next()?.map(|a| (a.get(0), a.get(1), a.get(2)));
                        }
                        _ => {
                            rep.problems.push(format!(
                                "{table} row {id} has no audit record: it was inserted outside the app."
                            ));
                            row = rows.next()?.map(|r| (r.get::<_, i64>("id"), row_to_json(r, &names)));
                        }
                    }
                }
                (None, Some((aid, after, _))) => {
                    let existed = after.as_ref().ok().is_some_and(|a| a.is_some());
                    if existed {
                        rep.problems.push(format!(
                            "{table} row {} is in the audit trail but missing: it was removed outside the app.",
                            aid.as_ref().unwrap_or(&0)
                        ));
                    }
                    au = audits.next()?.map(|a| (a.get(0), a.get(1), a.get(2)));
                }
            }
        }
    }
}
