//! What the demo generator asks of the database beyond the bulk writer ([`super::bulk`]): a faster way of
//! loading a large history, put back afterwards; and, for its tests, plain reads of what it made.

use super::{Result, Store};

/// The page cache in force before [`Store::begin_fast_load`], to put back.
#[derive(Debug, Clone, Copy)]
pub struct FastLoad {
    cache_size: i64,
}

impl Store {
    /// Load a large history faster: no waiting for the disk on every batch (the demo database is made anew, so
    /// a crash loses nothing of value), and a bigger page cache, since its indexes are keyed by random uids and
    /// would otherwise re-read their pages for every batch. [`Store::end_fast_load`] puts both back.
    pub fn begin_fast_load(&self) -> Result<FastLoad> {
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        let cache_size: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        Ok(FastLoad { cache_size })
    }

    /// Put back what [`Store::begin_fast_load`] changed: every commit waits for the disk again.
    pub fn end_fast_load(&self, was: FastLoad) -> Result<()> {
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .and(self.conn.pragma_update(None, "cache_size", was.cache_size))?;
        Ok(())
    }

    /// Fold the write-ahead log into the database file and empty it.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Plain reads for the demo's tests.
#[cfg(test)]
impl Store {
    fn strings<T: rusqlite::types::FromSql>(&self, sql: &str) -> Vec<T> {
        self.conn
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every incident's categories column, joined with commas.
    pub(crate) fn all_categories(&self) -> String {
        self.conn
            .query_row("SELECT group_concat(categories) FROM incidents", [], |r| r.get(0))
            .unwrap()
    }

    /// Every incident's uid, time and current state, in the order written.
    pub(crate) fn incidents_fingerprint(&self) -> String {
        self.conn
            .query_row(
                "SELECT group_concat(uid || occurred_at || current, '') FROM (SELECT uid, occurred_at, \
                 current FROM incidents ORDER BY id)",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// The `synchronous` setting (2: FULL).
    pub(crate) fn synchronous(&self) -> i64 {
        self.conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap()
    }

    /// Per home: its incidents about its own children, and how many of those no member of staff here recorded.
    pub(crate) fn incidents_per_home(&self) -> Vec<(String, i64, i64)> {
        self.conn
            .prepare(
                "SELECT i.home_uid, COUNT(*), SUM(i.recorded_by_id IS NULL) FROM incidents i \
                 JOIN children c ON c.id = i.child_id AND c.home_uid = i.home_uid GROUP BY i.home_uid ORDER BY 1",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// The home an incident belongs to.
    pub(crate) fn incident_home(&self, id: i64) -> String {
        self.conn
            .query_row("SELECT home_uid FROM incidents WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }

    /// This home's incidents in time order: uid, time, police reference, and its entries' uids and changes.
    pub(crate) fn own_records(&self) -> Vec<(String, String, String, String)> {
        self.conn
            .prepare(
                "SELECT i.uid, i.occurred_at, i.police_ref, group_concat(e.uid || e.change, '') FROM incidents i \
                 LEFT JOIN entries e ON e.incident_id = i.id WHERE i.home_uid = (SELECT uid FROM home) \
                 GROUP BY i.id ORDER BY i.occurred_at, i.uid",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every child's name, dob, admission and discharge as stored.
    pub(crate) fn child_stays(&self) -> Vec<(String, String, String, Option<String>)> {
        self.conn
            .prepare("SELECT name, dob, admitted, discharged FROM children")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every other home's name and Ofsted URN.
    pub(crate) fn other_homes_named(&self) -> Vec<(String, String)> {
        let names: Vec<String> = self.strings("SELECT name FROM other_homes ORDER BY id");
        let urns: Vec<String> = self.strings("SELECT ofsted_urn FROM other_homes ORDER BY id");
        names.into_iter().zip(urns).collect()
    }
}
