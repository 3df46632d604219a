//! `concordat verify`: the database is sound, the audit chain unbroken, and every record is exactly as the
//! app last wrote it. Anything changed, inserted or removed with plain SQL shows here.

use std::collections::HashMap;

use serde_json::Value;

use super::audit::{AUDITED, GENESIS, audit_form, fold, hash_row, row_to_json};
use super::keys::signature_ok;
use super::{Result, Store};
use crate::text::display;

/// The only columns an unsigned audit row may change: a staff update that records a wrong passphrase typed for
/// an account (nobody's key can sign that: the person typing did not know the passphrase). Another part of the
/// program may add lock-out columns here.
pub const UNSIGNED_ALLOWED: &[&str] = &["failed_attempts", "locked_until"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub integrity: String,
    pub audit_rows: i64,
    pub records_checked: i64,
    /// Audit rows written before this file's signing began (by an older version): not signed, not a problem.
    pub before_signing: i64,
    /// Transactions whose last row carries a valid signature.
    pub signed_transactions: i64,
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
        if rep.problems.is_empty() {
            self.verify_signatures(&mut rep)?;
        }
        // A file made by an older version (verified before the app has updated it) lacks the newer tables: it
        // has no rows in them to check.
        let present: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for table in AUDITED.iter().filter(|t| present.iter().any(|p| p == *t)) {
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
        let total: u64 = self
            .conn
            .query_row("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .unwrap_or(0);
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
            if rep.audit_rows % 2048 == 0 || rep.audit_rows as u64 == total {
                crate::progress::report("checking the audit trail", rep.audit_rows as u64, total);
            }
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
                    "Audit row {id} ({} {entity_id}, {} by {} at {}) was altered outside the app.",
                    display(&entity),
                    display(&action),
                    display(&staff_name),
                    display(&at)
                ));
                return Ok(());
            }
            prev = hash;
            expected_id += 1;
        }
        Ok(())
    }

    /// Every transaction after signing began ends in a row signed by a key valid at that point that belongs to
    /// the rows' member of staff; keys are registered by a manager's key or the same person's previous key.
    fn verify_signatures(&self, rep: &mut VerifyReport) -> Result<()> {
        let start: i64 = match self
            .conn
            .query_row("SELECT after_audit_id FROM signing_began WHERE id = 1", [], |r| {
                r.get(0)
            }) {
            Ok(v) => v,
            // A file from before signing (read without updating it): every row is from before signing.
            Err(_) => {
                rep.before_signing = rep.audit_rows;
                return Ok(());
            }
        };
        let mut st = SignState::default();
        let mut s = self.conn.prepare(
            "SELECT id, staff_id, staff_name, entity, entity_id, action, before, after, hash, signer, sig \
             FROM audit ORDER BY id",
        )?;
        let mut rows = s.query([])?;
        let mut pending: Vec<Row> = Vec::new();
        while let Some(r) = rows.next()? {
            let entity: String = r.get(3)?;
            // Only staff and key rows are read for their content (roles, keys, lock-out columns): parsing every
            // row's JSON would double the time of verifying a large history.
            let read = entity == "staff" || entity == "signing_keys";
            let parse = |s: Option<String>| s.filter(|_| read).and_then(|s| serde_json::from_str::<Value>(&s).ok());
            let row = Row {
                id: r.get(0)?,
                staff_id: r.get(1)?,
                staff_name: r.get(2)?,
                action: r.get(5)?,
                entity_id: r.get(4)?,
                before: parse(r.get(6)?),
                after: parse(r.get(7)?),
                entity,
            };
            let hash: String = r.get(8)?;
            let signer: Option<i64> = r.get(9)?;
            let sig: Option<String> = r.get(10)?;
            if rep.problems.len() >= MAX_PROBLEMS {
                return Ok(());
            }
            if row.id <= start {
                rep.before_signing += 1;
                if row.entity == "signing_keys" {
                    rep.problems.push(format!(
                        "Audit row {} registers a signing key but is marked as written before signing began \
                         (row {start}): the marker was moved outside the app.",
                        row.id
                    ));
                }
                st.apply(&row, true);
                continue;
            }
            match (signer, sig) {
                (Some(k), Some(sig)) => {
                    pending.push(row);
                    st.close(&pending, k, &hash, &sig, rep);
                    pending.clear();
                }
                _ if pending.is_empty() && unsigned_allowed(&row) => st.apply(&row, false),
                _ => pending.push(row),
            }
        }
        if st.keys.is_empty() {
            // Nobody has a key yet (records moved from another PC, before set-up): the set-up's signature will
            // cover these rows; until then they count as before signing.
            rep.before_signing += pending.len() as i64;
            pending.clear();
        }
        check_signatures(&st.signatures, rep);
        if let (Some(first), Some(last)) = (pending.first(), pending.last()) {
            rep.problems.push(format!(
                "Audit rows {} to {} ({} {}, {} by {}) are not signed by anyone's key: they were written \
                 outside the app, or by a program without a member of staff's passphrase.",
                first.id,
                last.id,
                display(&first.entity),
                first.entity_id,
                display(&first.action),
                display(&first.staff_name)
            ));
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

/// One audit row, as the signature check reads it.
struct Row {
    id: i64,
    staff_id: Option<i64>,
    staff_name: String,
    entity: String,
    entity_id: i64,
    action: String,
    before: Option<Value>,
    after: Option<Value>,
}

/// A staff update that changes only the lock-out columns: the one write nobody's key can sign.
fn unsigned_allowed(r: &Row) -> bool {
    let only = |v: &Option<Value>| {
        v.as_ref()
            .and_then(Value::as_object)
            .is_some_and(|m| m.keys().all(|k| k == "id" || UNSIGNED_ALLOWED.contains(&k.as_str())))
    };
    r.entity == "staff" && r.action != "insert" && only(&r.before) && only(&r.after)
}

#[derive(Debug, Clone)]
struct Key {
    staff_id: Option<i64>,
    holder: String,
    purpose: String,
    public: String,
}

impl Key {
    fn from_row(r: &Row) -> Option<(i64, Key)> {
        let a = r.after.as_ref()?;
        Some((
            a.get("id")?.as_i64()?,
            Key {
                staff_id: a.get("staff_id").and_then(Value::as_i64),
                holder: a.get("holder")?.as_str()?.to_string(),
                purpose: a.get("purpose")?.as_str()?.to_string(),
                public: a.get("public_key")?.as_str()?.to_string(),
            },
        ))
    }

    /// Keys replace earlier keys of the same holder: a member of staff's, or the scheduled export's.
    fn slot(&self) -> String {
        match (self.purpose.as_str(), self.staff_id) {
            ("staff", Some(id)) => format!("staff {id}"),
            (p, _) => p.to_string(),
        }
    }
}

/// What the trail has established so far: the keys (and which is current for each holder), staff roles, and
/// which accounts were made before signing began.
#[derive(Default)]
struct SignState {
    keys: HashMap<i64, Key>,
    current: HashMap<String, i64>,
    roles: HashMap<i64, String>,
    /// Accounts deactivated so far: their keys sign nothing more.
    inactive: std::collections::HashSet<i64>,
    before_signing_staff: std::collections::HashSet<i64>,
    /// Signatures to check once the pass is done.
    signatures: Vec<Pending>,
}

/// One transaction's signature, to be checked.
struct Pending {
    row: i64,
    holder: String,
    public: String,
    key_id: i64,
    hash: String,
    sig: String,
}

/// Check every signature (in parallel); the first bad one, by row, is the first problem.
fn check_signatures(all: &[Pending], rep: &mut VerifyReport) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let chunk = all.len().div_ceil(threads).max(1);
    let bad: Option<&Pending> = std::thread::scope(|s| {
        let parts: Vec<_> = all
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().find(|p| !signature_ok(&p.public, p.key_id, &p.hash, &p.sig))))
            .collect();
        parts.into_iter().find_map(|h| h.join().ok().flatten())
    });
    if let Some(p) = bad {
        rep.signed_transactions -= all.iter().filter(|q| q.row >= p.row).count() as i64;
        rep.problems.insert(
            0,
            format!(
                "Audit row {}'s signature (by {}) does not match: the rows up to it were changed outside the app \
                 after they were signed.",
                p.row,
                display(&p.holder)
            ),
        );
        rep.problems.truncate(MAX_PROBLEMS);
    }
}

impl SignState {
    fn apply(&mut self, r: &Row, before_signing: bool) {
        if r.entity == "staff" {
            if let Some(role) = r.after.as_ref().and_then(|a| a.get("role")).and_then(Value::as_str) {
                self.roles.insert(r.entity_id, role.to_string());
            }
            match r.after.as_ref().and_then(|a| a.get("active")).and_then(Value::as_i64) {
                Some(0) => {
                    self.inactive.insert(r.entity_id);
                }
                Some(_) => {
                    self.inactive.remove(&r.entity_id);
                }
                None => {}
            }
            if before_signing && r.action == "insert" {
                self.before_signing_staff.insert(r.entity_id);
            }
        }
        if r.entity == "signing_keys"
            && r.action == "insert"
            && let Some((id, k)) = Key::from_row(r)
        {
            self.current.insert(k.slot(), id);
            self.keys.insert(id, k);
        }
    }

    fn is_manager(&self, staff_id: Option<i64>) -> bool {
        staff_id.is_some_and(|id| self.roles.get(&id).is_some_and(|r| r == "manager"))
    }

    /// Check one transaction (its rows, the last signed with key `k`), then take in what it established.
    fn close(&mut self, rows: &[Row], k: i64, hash: &str, sig: &str, rep: &mut VerifyReport) {
        let last = rows.last().map(|r| r.id).unwrap_or_default();
        let registered: Vec<(i64, Key, i64)> = rows
            .iter()
            .filter(|r| r.entity == "signing_keys" && r.action == "insert")
            .filter_map(|r| Key::from_row(r).map(|(id, key)| (id, key, r.id)))
            .collect();
        let mut problem = |m: String| {
            if rep.problems.len() < MAX_PROBLEMS {
                rep.problems.push(m);
            }
        };
        let established = self
            .keys
            .get(&k)
            .filter(|key| self.current.get(&key.slot()) == Some(&k))
            .cloned();
        let key = match established {
            Some(key) => key,
            None => match registered.iter().find(|(id, _, _)| *id == k) {
                // A key that registers itself: the first manager's at set-up (no key before it), or the first
                // key of an account made before signing began (at its first sign-in after the update).
                Some((_, key, _))
                    if key.purpose == "staff"
                        && (self.keys.is_empty()
                            || key.staff_id.is_some_and(|s| {
                                self.before_signing_staff.contains(&s)
                                    && !self.current.contains_key(&format!("staff {s}"))
                            })) =>
                {
                    key.clone()
                }
                _ => {
                    problem(format!(
                        "Audit row {last} is signed with key {k}, which was not a valid key at that point: \
                         the rows up to it were written outside the app."
                    ));
                    return;
                }
            },
        };
        // Checked after the pass, on every core (most of verify's time on a long history is here).
        self.signatures.push(Pending {
            row: last,
            holder: key.holder.clone(),
            public: key.public.clone(),
            key_id: k,
            hash: hash.to_string(),
            sig: sig.to_string(),
        });
        if key.staff_id.is_some_and(|id| self.inactive.contains(&id)) {
            problem(format!(
                "Audit row {last} is signed by {}'s key after the account was deactivated: it was written outside \
                 the app.",
                display(&key.holder)
            ));
            return;
        }
        rep.signed_transactions += 1;
        for r in rows {
            let fits = if key.purpose == "scheduled_export" {
                r.entity == "exports" && r.staff_id.is_none()
            } else {
                r.staff_id.is_none() || r.staff_id == key.staff_id
            };
            if !fits {
                problem(format!(
                    "Audit row {} ({} {}, {} by {}) is signed by {}'s key, which may not sign it: it was \
                     written outside the app.",
                    r.id,
                    display(&r.entity),
                    r.entity_id,
                    display(&r.action),
                    display(&r.staff_name),
                    display(&key.holder)
                ));
                return;
            }
        }
        for (id, new, row) in &registered {
            if *id == k {
                continue;
            }
            let own = new.purpose == "staff" && new.staff_id.is_some() && new.staff_id == key.staff_id;
            let by_manager = key.purpose == "staff" && self.is_manager(key.staff_id);
            if !(own || by_manager) {
                problem(format!(
                    "Audit row {row} registers a signing key for {} but is signed by {}, who is not a manager: \
                     it was written outside the app.",
                    display(&new.holder),
                    display(&key.holder)
                ));
                return;
            }
        }
        for r in rows {
            self.apply(r, false);
        }
    }
}

/// The head of the audit chain, carried outside the file (every weekly manifest, every printed handover sheet)
/// so that a rewritten or rolled-back chain shows: `concordat verify --anchors DIR`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    pub audit_id: i64,
    pub hash: String,
    pub home_uid: String,
    /// The first manager's public key (hex): the key a rewrite from the start would have to replace.
    pub first_key: String,
}

impl Store {
    pub fn chain_anchor(&self) -> Result<Anchor> {
        use rusqlite::OptionalExtension;
        let (audit_id, hash) = self
            .conn
            .query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((0, GENESIS.to_string()));
        Ok(Anchor {
            audit_id,
            hash,
            home_uid: self.home()?.map(|h| h.uid).unwrap_or_default(),
            first_key: self.first_key()?,
        })
    }

    fn first_key(&self) -> Result<String> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT public_key FROM signing_keys ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or_default())
    }
}

/// What `verify --anchors DIR` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorReport {
    /// This home's manifests whose anchor was checked.
    pub checked: usize,
    /// Plain descriptions, each naming the manifest. Empty when every anchor matches.
    pub problems: Vec<String>,
}

/// Check the file against the anchors in every `*.manifest.json` under `dir` (this home's only; other homes'
/// and manifests from before anchors are passed over): each anchored audit row must exist with that hash, and
/// the first manager's key must be the same. A chain rewritten or cut back since a manifest was written fails.
pub fn check_anchors(store: &Store, dir: &std::path::Path) -> Result<AnchorReport> {
    let own = store.chain_anchor()?;
    let mut files = Vec::new();
    collect_manifests(dir, 0, &mut files)?;
    files.sort();
    let mut rep = AnchorReport::default();
    let mut s = store.conn.prepare("SELECT hash FROM audit WHERE id = ?1")?;
    for f in files {
        let shown = crate::fsio::shown(&f);
        let Ok(bytes) = std::fs::read(&f) else {
            rep.problems.push(format!("{shown} could not be read."));
            continue;
        };
        let Some(a) = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| serde_json::from_value::<Anchor>(v.get("audit_anchor")?.clone()).ok())
        else {
            continue;
        };
        if a.home_uid != own.home_uid {
            continue;
        }
        rep.checked += 1;
        use rusqlite::OptionalExtension;
        let hash: Option<String> = s.query_row([a.audit_id], |r| r.get(0)).optional()?;
        let problem = match hash {
            None => Some(format!(
                "audit row {} is missing (the file now ends at row {}): rows were removed or the file was rolled \
                 back",
                a.audit_id, own.audit_id
            )),
            Some(h) if h != a.hash => Some(format!(
                "audit row {} is not the row this manifest saw: the audit trail was rewritten",
                a.audit_id
            )),
            _ if !a.first_key.is_empty() && a.first_key != own.first_key => {
                Some("the first manager's key is not the one this manifest saw: the audit trail was rewritten".into())
            }
            _ => None,
        };
        if let Some(p) = problem {
            rep.problems.push(format!("{shown} does not match this database: {p}."));
        }
    }
    Ok(rep)
}

fn collect_manifests(dir: &std::path::Path, depth: usize, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    if depth > 8 {
        return Ok(());
    }
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        let t = e.file_type()?;
        if t.is_dir() {
            collect_manifests(&p, depth + 1, out)?;
        } else if t.is_file() && p.to_string_lossy().ends_with(".manifest.json") {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::staff::{Setup, SignIn};
    use crate::store::{Actor, Store};

    #[test]
    fn an_older_file_counts_its_rows_as_before_signing_and_signs_from_its_update_on() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.db");
        {
            // A home moved from another PC by an older version: rows written without any key.
            let mut s = Store::open(&p).unwrap();
            s.write(&Actor::system("import"), |w| {
                w.insert(
                    "home",
                    "INSERT INTO home (id, uid, name, ofsted_urn, pseudonym_secret, created_at) \
                     VALUES (1, 'h1', 'Elm Lodge', '', 'ab', '2026-01-01T00:00:00Z')",
                    [],
                )
            })
            .unwrap();
            // As that version left it: schema 4, no signing or recovery tables.
            s.connection()
                .execute_batch(
                    "DROP TABLE yos_history; DROP TABLE court_entries; DROP TABLE draft_takeovers; DROP TABLE child_facts; DROP TABLE received_sets; DROP TABLE home_anchors; DROP TABLE export_receipts; DROP TABLE handover_seen; DROP TABLE staff_must_change; DROP TABLE staff_recovery; DROP TABLE signing_keys; DROP TABLE signing_began; ALTER TABLE audit DROP COLUMN signer; \
                     ALTER TABLE audit DROP COLUMN sig; PRAGMA user_version = 4;",
                )
                .unwrap();
        }
        // Verified as it is, before the app updates it (read-only: IT staff check a file after installing the
        // new version): sound, every row from before signing.
        let rep = Store::open_readonly(&p).unwrap().verify().unwrap();
        assert!(rep.is_sound(), "{rep:?}");
        let mut s = Store::open(&p).unwrap();
        let rep = s.verify().unwrap();
        assert!(rep.is_sound(), "{rep:?}");
        assert_eq!(rep.before_signing, 1);
        let m = s
            .setup(&Setup {
                home_name: "x",
                ofsted_urn: "",
                manager_name: "New Manager",
                passphrase: "correct horse",
            })
            .unwrap();
        s.deactivate_staff(&m.actor, m.id, "leaving").unwrap_err();
        let w = s
            .add_staff(&m.actor, "Sam Night", crate::domain::Role::Staff, "night shift 1")
            .unwrap();
        let SignIn::Ok(sam) = s.sign_in(w.id, "night shift 1").unwrap() else {
            panic!()
        };
        s.deactivate_staff(&m.actor, w.id, "Left the home").unwrap();
        let rep = s.verify().unwrap();
        assert!(rep.is_sound(), "{rep:?}");
        assert_eq!((rep.before_signing, rep.signed_transactions), (1, 4));
        // A key of a deactivated account signs nothing more (its holder could still unlock it).
        s.save_draft(&sam.actor, None, "incident", "x", "{}").unwrap();
        assert!(s.verify().unwrap().problems[0].contains("after the account was deactivated"));
    }
}
