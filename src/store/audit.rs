//! The audit chain. Every row the app writes is recorded here (who, when, what, before and after), each audit
//! row's hash covering the previous hash and its own content, so that an edit made outside the app shows.

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{Params, Transaction, params};
use serde_json::{Map, Value};

use super::signer::Signer;
use super::{Result, StoreError, ts};
use crate::domain::Role;

/// Who is writing: the signed-in member of staff. Every write names one.
///
/// `signer` is their private signing key (in memory only; its Debug shows the key's id and nothing else): a
/// write by an actor without one is unsigned, and `verify` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub staff_id: Option<i64>,
    pub name: String,
    pub role: Role,
    pub signer: Option<Signer>,
}

impl Actor {
    /// A member of staff without a signing key: for reads and role checks (a write by it shows in `verify`).
    pub fn staff(id: i64, name: &str, role: Role) -> Actor {
        Actor {
            staff_id: Some(id),
            name: name.to_string(),
            role,
            signer: None,
        }
    }

    /// The program itself (first-run set-up before any account exists, imports from a file). Named plainly.
    pub fn system(what: &str) -> Actor {
        Actor {
            staff_id: None,
            name: format!("concordat ({what})"),
            role: Role::Manager,
            signer: None,
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
    "signing_keys",
    "other_homes",
    "settings",
    "staff",
    "staff_recovery",
    "staff_must_change",
    "children",
    "child_facts",
    "incidents",
    "entries",
    "drafts",
    "draft_takeovers",
    "handovers",
    "handover_seen",
    "handover_notes",
    "exports",
    "received_sets",
    "home_anchors",
    "export_receipts",
    "court_entries",
    "yos_history",
];

/// Columns whose audit rows hold a SHA-256 digest of the value instead of the value itself:
/// - `incidents.current` is derived (the saved `record` with its `entries` applied, both audited in full), so a
///   copy of it before and after every entry would only repeat what the trail already holds; the digest still
///   shows any edit of it made outside the app.
/// - `drafts.payload` is unsaved work in progress, rewritten at every step of the wizard: the trail says who
///   kept a draft and when, without keeping every keystroke of it.
pub const DIGESTED: &[(&str, &str)] = &[("incidents", "current"), ("drafts", "payload")];

/// The marker before a digest in an audit row.
pub const DIGEST_PREFIX: &str = "sha256:";

/// A row as its audit rows record it: digested columns replaced by their digest (a value already digested is
/// kept as it is).
pub fn audit_form(table: &str, mut row: Value) -> Value {
    if let Value::Object(m) = &mut row {
        for (t, col) in DIGESTED {
            if *t != table {
                continue;
            }
            if let Some(Value::String(v)) = m.get_mut(*col)
                && !v.starts_with(DIGEST_PREFIX)
            {
                *v = format!("{DIGEST_PREFIX}{}", crate::hash::sha256_hex(v.as_bytes()));
            }
        }
    }
    row
}

/// What an update changed: the changed columns' values before and after (the `id` always included, so an
/// audit row says which row it is about even when read on its own).
pub fn changed(before: &Value, after: &Value) -> (Value, Value) {
    let (Value::Object(b), Value::Object(a)) = (before, after) else {
        return (before.clone(), after.clone());
    };
    let mut bm = Map::new();
    let mut am = Map::new();
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&Value::Null);
        if bv != av || k == "id" {
            bm.insert(k.clone(), bv.clone());
            am.insert(k.clone(), av.clone());
        }
    }
    (Value::Object(bm), Value::Object(am))
}

/// Fold one row's audit rows (oldest first) into the row as the app last wrote it: an insert gives the whole
/// row, an update the columns it changed (older trails with whole rows fold the same way).
pub fn fold(state: Option<Value>, action: &str, after: Option<Value>) -> Option<Value> {
    match (state, after) {
        (_, None) => None,
        (Some(Value::Object(mut m)), Some(Value::Object(a))) if action != "insert" => {
            for (k, v) in a {
                m.insert(k, v);
            }
            Some(Value::Object(m))
        }
        (_, Some(a)) => Some(a),
    }
}

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
    let mut h = crate::hash::Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(content.to_string().as_bytes());
    h.finish_hex()
}

/// Writes inside one transaction, each followed by its audit row.
pub struct Writer<'a> {
    pub(crate) tx: &'a Transaction<'a>,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    /// The key that signs this transaction at commit: the actor's, or (first-run set-up, a first key after an
    /// update) the key registered inside it.
    signer: Option<Signer>,
    /// The last audit row this transaction appended: (id, hash).
    last: Option<(i64, String)>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(tx: &'a Transaction<'a>, actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Writer {
            tx,
            actor,
            now,
            signer: actor.signer.clone(),
            last: None,
        }
    }

    /// Sign this transaction with a key registered inside it (set-up signs with the new manager's key).
    pub(crate) fn sign_with(&mut self, signer: Signer) {
        self.signer = Some(signer);
    }

    /// At commit: sign the hash of the transaction's last audit row (the chain makes that cover every earlier
    /// row too). Without a key the rows stay unsigned, and `verify` says so.
    pub(crate) fn seal(&mut self) -> Result<()> {
        if let (Some(signer), Some((id, hash))) = (&self.signer, &self.last) {
            self.tx
                .prepare_cached("UPDATE audit SET signer = ?1, sig = ?2 WHERE id = ?3")?
                .execute(params![signer.key_id, signer.sign(hash), id])?;
        }
        self.last = None;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        self.tx
    }

    pub fn now_str(&self) -> String {
        ts(self.now)
    }

    /// Insert a row (the SQL must be an INSERT into `table`) and audit it. Returns the new row id.
    pub fn insert<P: Params>(&mut self, table: &str, sql: &str, params: P) -> Result<i64> {
        self.tx.prepare_cached(sql)?.execute(params)?;
        let id = self.tx.last_insert_rowid();
        let after = row_json(self.tx, table, id)?.map(|v| audit_form(table, v));
        self.append(table, id, "insert", None, after.as_ref())?;
        Ok(id)
    }

    /// Update one row (the SQL must touch only row `id` of `table`) and audit the columns it changed, before and
    /// after.
    pub fn update<P: Params>(&mut self, table: &str, id: i64, action: &str, sql: &str, params: P) -> Result<()> {
        let before = row_json(self.tx, table, id)?.ok_or_else(|| StoreError::NotFound(format!("{table} {id}")))?;
        let n = self.tx.prepare_cached(sql)?.execute(params)?;
        if n != 1 {
            return Err(StoreError::Invalid(format!(
                "expected to change one {table} row, changed {n}"
            )));
        }
        let after = row_json(self.tx, table, id)?.ok_or_else(|| StoreError::NotFound(format!("{table} {id}")))?;
        let (before, after) = changed(&audit_form(table, before), &audit_form(table, after));
        self.append(table, id, action, Some(&before), Some(&after))?;
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
        self.last = Some((id, hash));
        Ok(())
    }
}

/// A batch (`Store::bulk`) makes one writer per record, each with its own actor: each is sealed when it ends.
/// (`Store::write` seals before commit and reports a failure; here a failure leaves the rows unsigned, which
/// `verify` reports.)
impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if self.last.is_some() {
            let _ = self.seal();
        }
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

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
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
}

impl super::Store {
    /// The audit rows about one entity, oldest first.
    pub fn audit_for(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditRow>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, at, staff_name, entity, entity_id, action, before, after FROM audit \
             WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",
        )?;
        let rows = s
            .query_map(params![entity, entity_id], audit_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The audit rows about every entity of one kind (`home`, `settings`, …), oldest first.
    pub fn audit_of_kind(&self, entity: &str) -> Result<Vec<AuditRow>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, at, staff_name, entity, entity_id, action, before, after FROM audit \
             WHERE entity = ?1 ORDER BY id",
        )?;
        let rows = s
            .query_map(params![entity], audit_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?)
    }
}

/// Another home's row, the first time its records come in (an import of its file, or demo data for a YOS).
pub(crate) fn insert_other_home(w: &mut Writer, uid: &str, name: &str, ofsted_urn: &str) -> Result<i64> {
    w.insert(
        "other_homes",
        "INSERT INTO other_homes (uid, name, ofsted_urn) VALUES (?1, ?2, ?3)",
        rusqlite::params![uid, name, ofsted_urn],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Change;
    use crate::store::incidents::tests::with_incident;
    use crate::store::staff::tests::actor;

    #[test]
    fn an_amendment_is_audited_by_its_changed_columns_with_current_as_a_digest() {
        let (mut s, m, id) = with_incident();
        s.set_clock(Some(s.now() + chrono::Duration::minutes(5)));
        let fix = Change::Correction {
            field: crate::domain::CorrectableField::Location,
            value: "Lounge".into(),
            reason: "Wrong room first time".into(),
        };
        s.add_entry(&actor(&m), id, fix).unwrap();
        let rows = s.audit_for("incidents", id).unwrap();
        let (insert, amend) = (&rows[0], rows.last().unwrap());
        assert_eq!(insert.action, "insert");
        let whole: Value = serde_json::from_str(insert.after.as_deref().unwrap()).unwrap();
        assert!(
            whole["record"].as_str().unwrap().starts_with('{'),
            "the saved record is kept whole"
        );
        assert!(whole["current"].as_str().unwrap().starts_with(DIGEST_PREFIX));
        let after: Value = serde_json::from_str(amend.after.as_deref().unwrap()).unwrap();
        let before: Value = serde_json::from_str(amend.before.as_deref().unwrap()).unwrap();
        let keys: Vec<&String> = after.as_object().unwrap().keys().collect();
        assert!(
            !keys.iter().any(|k| *k == "record"),
            "unchanged columns are left out: {keys:?}"
        );
        assert!(
            keys.iter().any(|k| *k == "current") && keys.iter().any(|k| *k == "updated_at"),
            "{keys:?} {rows:?}"
        );
        assert_eq!(before.as_object().unwrap().len(), keys.len());
        assert_ne!(before["current"], after["current"]);
        assert!(
            amend.after.as_deref().unwrap().len() < 400,
            "{}",
            amend.after.as_deref().unwrap()
        );
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn folding_takes_an_insert_then_each_update_and_a_whole_row_update_replaces() {
        let ins = serde_json::json!({"id": 1, "a": 1, "b": "x"});
        let st = fold(None, "insert", Some(ins));
        let st = fold(st, "amend", Some(serde_json::json!({"id": 1, "b": "y"})));
        assert_eq!(st, Some(serde_json::json!({"id": 1, "a": 1, "b": "y"})));
        let st = fold(st, "update", Some(serde_json::json!({"id": 1, "a": 2, "b": "z"})));
        assert_eq!(st, Some(serde_json::json!({"id": 1, "a": 2, "b": "z"})));
        assert_eq!(fold(st, "update", None), None);
        let (b, a) = changed(
            &serde_json::json!({"id": 3, "a": 1, "b": 2}),
            &serde_json::json!({"id": 3, "a": 1, "b": 5}),
        );
        assert_eq!(
            (b, a),
            (
                serde_json::json!({"id": 3, "b": 2}),
                serde_json::json!({"id": 3, "b": 5})
            )
        );
        let d = audit_form("drafts", serde_json::json!({"id": 1, "payload": "typed"}));
        assert!(d["payload"].as_str().unwrap().starts_with(DIGEST_PREFIX));
        assert_eq!(audit_form("drafts", d.clone()), d, "a digest is not digested again");
    }
}
