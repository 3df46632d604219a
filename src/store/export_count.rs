//! How many incidents a weekly file will carry, counted before it is written so that `concordat export` can
//! show its progress (issue 18). Same rows as [`super::exports::PERIOD_SQL`], through the same index.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store};

const COUNT_SQL: &str = "SELECT COUNT(*) FROM incidents INDEXED BY incidents_home_time \
    WHERE home_uid = ?3 AND occurred_at >= ?1 AND occurred_at < ?2";

impl Store {
    /// The number of this home's incidents from `start` to `end`: what [`Store::each_export_incident`] reads.
    pub fn export_incident_count(&self, start: DateTime<Utc>, end: DateTime<Utc>, home_uid: &str) -> Result<u64> {
        let n: i64 = self.conn.prepare_cached(COUNT_SQL)?.query_row(
            params![crate::time::to_db(start), crate::time::to_db(end), home_uid],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }
}
