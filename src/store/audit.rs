//! The audit chain. Every row the app writes is recorded here (who, when, what, before and after), each audit
//! row's hash covering the previous hash and its own content, so that an edit made outside the app shows.

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{Params, Transaction, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Result, StoreError, ts};
use crate::domain::Role;

/// Who is writing: the signed-in member of staff. Every write names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub staff_id: Option<i64>,
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn staff(id: i64, name: &str, role: Role) -> Actor {
        Actor {
            staff_id: Some(id),
            name: name.to_string(),
            role,
        }
    }

    /// The program itself (first-run set-up before any account exists, imports from a file). Named plainly.
    pub fn system(what: &str) -> Actor {
        Actor {
            staff_id: None,
            name: format!("concordat ({what})"),
            role: Role::Manager,
        }
    }

    pub fn require_manager(&self, what: &str) -> Result<()> {
        if self.role.is_manager() {
            Ok(())
        } else {
            Err(StoreError::NotAllowed(format!("only a manager can {what}.")))
        }
    }

    pub fn require_senior(&self, what: &str) -> Result<()> {
        if self.role >= Role::Senior {
            Ok(())
        } else {
            Err(StoreError::NotAllowed(format!(
                "only a shift leader or manager can {what}."
            )))
        }
    }
}

/// The hash of the first row's "previous".
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The tables whose rows are audited (and checked by `verify`).
pub const AUDITED: &[&str] = &[
    "home",
    "other_homes",
    "settings",
    "staff",
    "children",
    "incidents",
    "entries",
    "drafts",
    "handovers",
    "handover_notes",
    "exports",
];

/// One row of a table as JSON: every column by name, in table order.
pub fn row_json(tx: &rusqlite::Connection, table: &str, id: i64) -> Result<Option<Value>> {
    debug_assert!(AUDITED.contains(&table));
    let mut stmt = tx.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        None => Ok(None),
        Some(r) => Ok(Some(row_to_json(r, &names)?)),
    }
}

pub fn row_to_json(r: &rusqlite::Row<'_>, names: &[String]) -> Result<Value> {
    let mut m = Map::new();
    for (i, n) in names.iter().enumerate() {
        let v = match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(x) => Value::from(x),
            ValueRef::Real(x) => Value::from(x),
            ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::from(hex::encode(b)),
        };
        m.insert(n.clone(), v);
    }
    Ok(Value::Object(m))
}

/// The content a row's hash covers, as one canonical string.
#[allow(clippy::too_many_arguments)]
pub fn hash_row(
    prev: &str,
    id: i64,
    at: &str,
    staff_id: Option<i64>,
    staff_name: &str,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let content = serde_json::json!([id, at, staff_id, staff_name, entity, entity_id, action, before, after]);
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(content.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// Writes inside one transaction, each followed by its audit row.
pub struct Writer<'a> {
    pub(crate) tx: &'a Transaction<'a>,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(tx: &'a Transaction<'a>, actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Writer { tx, actor, now }
    }

    pub fn conn(&self) -> &rusqlite::Connection {
        self.tx
    }

    pub fn now_str(&self) -> String {
        ts(self.now)
    }

    /// Insert a row (the SQL must be an INSERT into `table`) and audit it. Returns the new row id.
    pub fn insert<P: Params>(&mut self, table: &str, sql: &str, params: P) -> Result<i64> {
        self.tx.prepare_cached(sql)?.execute(params)?;
        let id = self.tx.last_insert_rowid();
        let after = row_json(self.tx, table, id)?;
        self.append(table, id, "insert", None, after.as_ref())?;
        Ok(id)
    }

    /// Update one row (the SQL must touch only row `id` of `table`) and audit before and after.
    pub fn update<P: Params>(&mut self, table: &str, id: i64, action: &str, sql: &str, params: P) -> Result<()> {
        let before = row_json(self.tx, table, id)?.ok_or_else(|| StoreError::NotFound(format!("{table} {id}")))?;
        let n = self.tx.prepare_cached(sql)?.execute(params)?;
        if n != 1 {
            return Err(StoreError::Invalid(format!(
                "expected to change one {table} row, changed {n}"
            )));
        }
        let after = row_json(self.tx, table, id)?;
        self.append(table, id, action, Some(&before), after.as_ref())?;
        Ok(())
    }

    /// Append one audit row, chained to the last.
    pub fn append(
        &mut self,
        entity: &str,
        entity_id: i64,
        action: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Result<()> {
        let prev: String = self
            .tx
            .prepare_cached("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(GENESIS.to_string()),
                e => Err(e),
            })?;
        let id: i64 = self
            .tx
            .prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM audit")?
            .query_row([], |r| r.get(0))?;
        let at = self.now_str();
        let before = before.map(|v| v.to_string());
        let after = after.map(|v| v.to_string());
        let hash = hash_row(
            &prev,
            id,
            &at,
            self.actor.staff_id,
            &self.actor.name,
            entity,
            entity_id,
            action,
            before.as_deref(),
            after.as_deref(),
        );
        self.tx
            .prepare_cached(
                "INSERT INTO audit (id, at, staff_id, staff_name, entity, entity_id, action, before, after, \
                 prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                id,
                at,
                self.actor.staff_id,
                self.actor.name,
                entity,
                entity_id,
                action,
                before,
                after,
                prev,
                hash
            ])?;
        Ok(())
    }
}

/// One row of the audit trail, for the history view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub staff_name: String,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl super::Store {
    /// The audit rows about one entity, oldest first.
    pub fn audit_for(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditRow>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, at, staff_name, entity, entity_id, action, before, after FROM audit \
             WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",
        )?;
        let rows = s
            .query_map(params![entity, entity_id], |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    staff_name: r.get(2)?,
                    entity: r.get(3)?,
                    entity_id: r.get(4)?,
                    action: r.get(5)?,
                    before: r.get(6)?,
                    after: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?)
    }
}
