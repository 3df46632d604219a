//! The rows of the weekly export: the ledger of sets sent (`exports`), and the incidents and entries a set
//! reads. The export module builds and writes the files; every statement it needs is here.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::audit::Writer;
use super::{Result, Store, StoreError};
use crate::domain::Entry;

/// This home's incidents of the period in time order, with what an export needs of each, through the
/// `incidents_home_time` index.
pub(crate) const PERIOD_SQL: &str = "SELECT id, uid, child_id, record, current FROM incidents \
    WHERE occurred_at >= ?1 AND occurred_at < ?2 AND home_uid = ?3 ORDER BY occurred_at, uid";
/// One incident by id (an amendment).
pub(crate) const ONE_SQL: &str = "SELECT id, uid, child_id, record, current FROM incidents WHERE id = ?1";
/// This home's incidents changed since a time, through the `incidents_updated` index (home, then time).
pub(crate) const AMENDED_SQL: &str = "SELECT id, occurred_at, updated_at, uid FROM incidents INDEXED BY incidents_updated \
    WHERE updated_at > ?1 AND home_uid = ?2";

/// An earlier export an amendment refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub uid: String,
    pub label: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub version: u32,
    pub generated_at: DateTime<Utc>,
    /// A receipt from the YOS says this set was accepted.
    pub accepted: bool,
}

impl LedgerRow {
    pub fn name(&self) -> String {
        format!("{}-v{}", self.label, self.version)
    }
}

/// An incident changed since a time (an amendment, perhaps): its id, times as stored, and uid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendedRow {
    pub id: i64,
    pub occurred_at: String,
    pub updated_at: String,
    pub uid: String,
}

/// One incident as an export reads it: the saved record and its current state, as stored (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportIncident {
    pub id: i64,
    pub uid: String,
    pub child_id: i64,
    pub record: String,
    pub current: String,
}

/// One set on the ledger, newest first on the screen: label, version, when (as stored), by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentExport {
    pub label: String,
    pub version: u32,
    pub generated_at: String,
    pub generated_by: String,
}

/// The ledger row a new set writes.
pub struct NewExport<'a> {
    pub uid: &'a str,
    pub label: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub version: u32,
    pub generated_by: &'a str,
    pub folder: &'a str,
    /// JSON: the files' names and SHA-256 sums.
    pub files: &'a str,
    pub incidents: i64,
    pub amendments: i64,
}

/// A set on the ledger as its recovery needs it: its files (JSON), label and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerFiles {
    pub files: String,
    pub label: String,
    pub version: u32,
}

fn export_incident(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportIncident> {
    Ok(ExportIncident {
        id: r.get(0)?,
        uid: r.get(1)?,
        child_id: r.get(2)?,
        record: r.get(3)?,
        current: r.get(4)?,
    })
}

/// The next version of a period's set (1 when none was sent).
pub(crate) fn next_version(conn: &rusqlite::Connection, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<u32> {
    let v: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM exports WHERE period_start = ?1 AND period_end = ?2",
        params![crate::time::to_db(start), crate::time::to_db(end)],
        |r| r.get(0),
    )?;
    Ok(v as u32)
}

impl Store {
    /// Every set on the ledger, oldest first, with whether the YOS accepted it. A row whose times cannot be
    /// read is left out.
    pub fn export_ledger(&self) -> Result<Vec<LedgerRow>> {
        let mut s = self.conn.prepare_cached(
            "SELECT e.uid, e.period_label, e.period_start, e.period_end, e.version, e.generated_at, \
             EXISTS (SELECT 1 FROM export_receipts r WHERE r.export_uid = e.uid AND r.status = 'accepted') \
             FROM exports e ORDER BY e.id",
        )?;
        let rows = s
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, bool>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(uid, label, s, e, v, g, accepted)| {
                Some(LedgerRow {
                    uid,
                    label,
                    start: crate::time::from_db(&s)?,
                    end: crate::time::from_db(&e)?,
                    version: v as u32,
                    generated_at: crate::time::from_db(&g)?,
                    accepted,
                })
            })
            .collect())
    }

    /// Has the period from `start` to `end` been exported (any version)?
    pub fn is_exported(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM exports WHERE period_start = ?1 AND period_end = ?2 LIMIT 1",
                params![crate::time::to_db(start), crate::time::to_db(end)],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// How many sets the ledger holds.
    pub fn export_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM exports", [], |r| r.get(0))?)
    }

    /// The next version of a period's set.
    pub fn next_export_version(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<u32> {
        next_version(&self.conn, start, end)
    }

    /// This home's incidents changed after `since` ([`AMENDED_SQL`]), in the order the index gives.
    pub fn amended_since(&self, since: DateTime<Utc>, home_uid: &str) -> Result<Vec<AmendedRow>> {
        let mut s = self.conn.prepare_cached(AMENDED_SQL)?;
        let v = s
            .query_map(params![crate::time::to_db(since), home_uid], |r| {
                Ok(AmendedRow {
                    id: r.get(0)?,
                    occurred_at: r.get(1)?,
                    updated_at: r.get(2)?,
                    uid: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// The ledger, newest first, at most `limit` sets.
    pub fn recent_exports(&self, limit: usize) -> Result<Vec<RecentExport>> {
        let mut s = self.conn.prepare_cached(
            "SELECT period_label, version, generated_at, generated_by FROM exports ORDER BY id DESC LIMIT ?1",
        )?;
        let v = s
            .query_map([limit as i64], |r| {
                Ok(RecentExport {
                    label: r.get(0)?,
                    version: r.get::<_, i64>(1)? as u32,
                    generated_at: r.get(2)?,
                    generated_by: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Every folder the ledger has exported to.
    pub fn export_folders(&self) -> Result<Vec<String>> {
        let mut s = self.conn.prepare("SELECT DISTINCT folder FROM exports")?;
        let v = s
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// The ledger row of the set `uid`, when it was recorded.
    pub fn ledger_files(&self, uid: &str) -> Result<Option<LedgerFiles>> {
        Ok(self
            .conn
            .query_row(
                "SELECT files, period_label, version FROM exports WHERE uid = ?1",
                [uid],
                |r| {
                    Ok(LedgerFiles {
                        files: r.get(0)?,
                        label: r.get(1)?,
                        version: r.get::<_, i64>(2)? as u32,
                    })
                },
            )
            .optional()?)
    }

    /// Each of this home's incidents of the period from `start` to `end`, in time order ([`PERIOD_SQL`]), one
    /// at a time: none is held after `each` has had it.
    pub fn each_export_incident<E: From<StoreError>>(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        home_uid: &str,
        each: &mut dyn FnMut(ExportIncident) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut s = self.conn.prepare_cached(PERIOD_SQL).map_err(StoreError::from)?;
        let mut rows = s
            .query(params![crate::time::to_db(start), crate::time::to_db(end), home_uid])
            .map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            each(export_incident(row).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    /// One incident as an export reads it ([`ONE_SQL`]).
    pub fn export_incident(&self, id: i64) -> Result<ExportIncident> {
        self.conn
            .prepare_cached(ONE_SQL)?
            .query_row([id], export_incident)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))
    }

    /// An incident's entries, oldest first ([`super::incidents::ENTRIES_SQL`]), filed under `incident_uid`.
    pub fn export_entries(&self, id: i64, incident_uid: &str) -> Result<Vec<Entry>> {
        super::incidents::entries_in(&self.conn, id, incident_uid)
    }

    /// The pseudonym a child imported from a home's files keeps (none for a child of this register).
    pub fn kept_pseudonym(&self, child_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT pseudonym FROM child_facts WHERE id = ?1")?
            .query_row([child_id], |r| r.get(0))
            .optional()?)
    }
}

impl Writer<'_> {
    /// The next version of a period's set, read under the write lock.
    pub fn next_export_version(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<u32> {
        next_version(self.conn(), start, end)
    }

    /// Record a set on the ledger (audited).
    pub fn insert_export(&mut self, e: &NewExport<'_>) -> Result<i64> {
        let now = self.now_str();
        self.insert(
            "exports",
            "INSERT INTO exports (uid, period_label, period_start, period_end, version, generated_at, generated_by, \
             folder, files, incident_count, amendments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                e.uid,
                e.label,
                crate::time::to_db(e.start),
                crate::time::to_db(e.end),
                e.version,
                now,
                e.generated_by,
                e.folder,
                e.files,
                e.incidents,
                e.amendments
            ],
        )
    }
}

#[cfg(test)]
impl Store {
    /// Let the database file grow no more (a full disk, for tests).
    pub(crate) fn stop_growing(&self) -> Result<()> {
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let _: i64 = self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get(0))?;
        Ok(())
    }

    /// Set a setting as an old database may hold it, without the checks of [`Store::set_setting`] (tests).
    pub(crate) fn put_setting_unchecked(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute("UPDATE settings SET value = ?1 WHERE key = ?2", [value, key])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(s: &Store, sql: &str, args: &[&str]) -> String {
        let mut st = s.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows: Vec<String> = st
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.join("; ")
    }

    #[test]
    fn the_weeks_incidents_and_amendments_are_read_through_indexes() {
        let s = Store::open_in_memory().unwrap();
        let week = plan(&s, PERIOD_SQL, &["2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z", "h"]);
        // Only this home's week is read, however many other homes' records a YOS holds.
        assert!(
            week.contains("USING INDEX incidents_home_time (home_uid=? AND occurred_at>? AND occurred_at<?)"),
            "{week}"
        );
        assert!(!week.contains("SCAN incidents"), "{week}");
        let amended = plan(&s, AMENDED_SQL, &["2026-11-16T00:00:00Z", "h"]);
        assert!(
            amended.contains("USING INDEX incidents_updated (home_uid=? AND updated_at>?)"),
            "{amended}"
        );
        let one = plan(&s, ONE_SQL, &["1"]);
        assert!(one.contains("USING INTEGER PRIMARY KEY (rowid=?)"), "{one}");
        let entries = plan(&s, super::super::incidents::ENTRIES_SQL, &["1"]);
        assert!(
            entries.contains("USING INDEX entries_incident (incident_id=?)"),
            "{entries}"
        );
        assert!(!entries.contains("TEMP B-TREE"), "{entries}");
    }
}
