//! The rows the reports read (issue #18: the store owns every row and every statement). The report reads the
//! period's incidents and the statutory year's police details through these methods; the statements and their
//! indexes stay here.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store, ts};

/// The period's incidents in time order, through the `incidents_time` index.
pub(crate) const PERIOD_SQL: &str = "SELECT id, home_uid, child_id, record, current FROM incidents \
    INDEXED BY incidents_time WHERE occurred_at >= ?1 AND occurred_at < ?2 ORDER BY occurred_at, id";
/// The incidents with police details (or an unreadable `current`) in part of the statutory year, through the
/// partial index `incidents_police_time` (schema 004): the year's other incidents cannot hold a conviction or a
/// caution, and are not read. The last condition is the index's own, word for word, so SQLite can use it.
pub(crate) const YEAR_SQL: &str = "SELECT child_id, home_uid, current FROM incidents INDEXED BY incidents_police_time \
    WHERE occurred_at >= ?1 AND occurred_at < ?2 \
    AND CASE WHEN json_valid(current) THEN json_extract(current, '$.police') IS NOT NULL ELSE 1 END";

/// One incident of a report's period, as stored: its first saved `record` and its `current` state, as the
/// bytes of their JSON text (borrowed while the row is read, so nothing is copied).
pub struct PeriodRow<'r> {
    pub id: i64,
    pub home_uid: &'r str,
    pub child_id: i64,
    pub record: &'r [u8],
    pub current: &'r [u8],
}

/// One incident with police details in part of the statutory year.
pub struct YearRowText<'r> {
    pub child_id: i64,
    pub home_uid: &'r str,
    pub current: &'r [u8],
}

/// How many incidents of a range had each response (the stored response code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCount {
    pub response: String,
    pub count: u64,
}

impl Store {
    /// Each incident from `start` (inclusive) to `end` (exclusive), in time order, handed to `f` one at a time.
    pub fn report_period_rows(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        mut f: impl FnMut(PeriodRow<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut s = self.conn.prepare_cached(PERIOD_SQL)?;
        let mut rows = s.query(params![ts(start), ts(end)])?;
        while let Some(r) = rows.next()? {
            f(PeriodRow {
                id: r.get(0)?,
                home_uid: r.get_ref(1)?.as_str()?,
                child_id: r.get(2)?,
                record: r.get_ref(3)?.as_bytes()?,
                current: r.get_ref(4)?.as_bytes()?,
            })?;
        }
        Ok(())
    }

    /// Each incident with police details (or an unreadable `current`) from `start` to `end`, handed to `f`.
    pub fn report_year_rows(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        mut f: impl FnMut(YearRowText<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut s = self.conn.prepare_cached(YEAR_SQL)?;
        let mut rows = s.query(params![ts(start), ts(end)])?;
        while let Some(r) = rows.next()? {
            f(YearRowText {
                child_id: r.get(0)?,
                home_uid: r.get_ref(1)?.as_str()?,
                current: r.get_ref(2)?.as_bytes()?,
            })?;
        }
        Ok(())
    }

    /// The imported homes' Ofsted URNs, as (uid, urn), as stored.
    pub fn other_home_urns(&self) -> Result<Vec<(String, String)>> {
        let mut s = self.conn.prepare_cached("SELECT uid, ofsted_urn FROM other_homes")?;
        let v = s
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// How many incidents from `start` to `end` had each response: of all homes (`None`, through
    /// `incidents_time`) or of one home (`Some(uid)`, through `incidents_home_time`).
    pub fn response_counts(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        home: Option<&str>,
    ) -> Result<Vec<ResponseCount>> {
        let pair = |r: &rusqlite::Row| {
            Ok(ResponseCount {
                response: r.get(0)?,
                count: r.get::<_, i64>(1)?.max(0) as u64,
            })
        };
        let rows = match home {
            None => self
                .conn
                .prepare_cached(
                    "SELECT response, COUNT(*) FROM incidents INDEXED BY incidents_time \
                     WHERE occurred_at >= ?1 AND occurred_at < ?2 GROUP BY response",
                )?
                .query_map(params![ts(start), ts(end)], pair)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            Some(uid) => self
                .conn
                .prepare_cached(
                    "SELECT response, COUNT(*) FROM incidents INDEXED BY incidents_home_time \
                     WHERE home_uid = ?3 AND occurred_at >= ?1 AND occurred_at < ?2 GROUP BY response",
                )?
                .query_map(params![ts(start), ts(end), uid], pair)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        };
        Ok(rows)
    }
}

/// Test-only access for the report's tests, so that they never reach past the store.
#[cfg(test)]
impl Store {
    /// SQLite's query plan of one of this module's statements over a time range (the plan's detail column).
    pub(crate) fn report_query_plan(&self, sql: &str, start: &str, end: &str) -> Vec<String> {
        self.conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map([start, end], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every incident's (child_id, current) from `start` to `end`, read the long way (no index named).
    pub(crate) fn report_all_currents_between(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(i64, String)> {
        self.conn
            .prepare("SELECT child_id, current FROM incidents WHERE occurred_at >= ?1 AND occurred_at < ?2")
            .unwrap()
            .query_map([ts(start), ts(end)], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every incident's `current`, as stored.
    pub(crate) fn report_all_currents(&self) -> Vec<String> {
        self.conn
            .prepare("SELECT current FROM incidents")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Damage an incident's `current` behind the store's back, as a fault on disk would (for tests of how the
    /// report says so).
    pub(crate) fn report_damage_current(&self, id: i64, text: &str) {
        self.conn
            .execute("UPDATE incidents SET current = ?2 WHERE id = ?1", params![id, text])
            .unwrap();
    }
}
