//! Counts that a long piece of work needs before it starts, to show how far it is (the export's progress).

use rusqlite::params;

use super::{Result, Store};

impl Store {
    /// How many of a home's incidents happened in `[start, end)` (times as stored), through the
    /// `incidents_home_time` index: the export's progress bar counts its records against this.
    pub fn incident_count_between(&self, home_uid: &str, start: &str, end: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM incidents WHERE occurred_at >= ?1 AND occurred_at < ?2 AND home_uid = ?3",
            params![start, end, home_uid],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }
}
