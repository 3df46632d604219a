//! Read-only views for the integration tests (and anyone checking a database by hand): what a test must read
//! back that no screen needs. The connection stays private to the store; these methods are the only way in
//! besides the store's own. Two are not reads: [`Store::limit_pages`] makes a full disk for the tests of
//! `Full`, and nothing here writes a row.

use super::exports::LedgerFiles;
use super::{Result, Store, StoreError, audit};

impl Store {
    /// How many rows one of the audited tables holds (`received_sets`, `export_receipts`, …). Any other name
    /// is refused: the name is put into the statement, so only the store's own tables are allowed.
    pub fn row_count(&self, table: &str) -> Result<i64> {
        if !audit::AUDITED.contains(&table) {
            return Err(StoreError::Invalid(format!("not a table of the store: {table}")));
        }
        Ok(self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    }

    /// Every set on the ledger, oldest first, as recorded (none left out): its period label, version and the
    /// JSON list of its files.
    pub fn ledger_in_order(&self) -> Result<Vec<LedgerFiles>> {
        let mut st = self
            .conn
            .prepare("SELECT files, period_label, version FROM exports ORDER BY id")?;
        let rows = st
            .query_map([], |r| {
                Ok(LedgerFiles {
                    files: r.get(0)?,
                    label: r.get(1)?,
                    version: r.get::<_, i64>(2)? as u32,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many audit rows name this table (e.g. one per export for `exports`).
    pub fn audit_rows_for(&self, entity: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM audit WHERE entity = ?1", [entity], |r| r.get(0))?)
    }

    /// How many homes known from their files carry this uid.
    pub fn other_homes_with_uid(&self, uid: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM other_homes WHERE uid = ?1", [uid], |r| r.get(0))?)
    }

    /// Every incident's id, lowest first.
    pub fn incident_ids(&self) -> Result<Vec<i64>> {
        let mut st = self.conn.prepare("SELECT id FROM incidents ORDER BY id")?;
        let ids = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The first takeover of a draft: its id, and the names of the worker it was taken from and by whom.
    pub fn draft_takeover(&self, draft_id: i64) -> Result<(i64, String, String)> {
        Ok(self.conn.query_row(
            "SELECT t.id, f.name, o.name FROM draft_takeovers t JOIN staff f ON f.id = t.from_staff \
             JOIN staff o ON o.id = t.to_staff WHERE t.draft_id = ?1",
            [draft_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    /// Why a draft was closed (None while it is open).
    pub fn draft_closed_reason(&self, draft_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT closed_reason FROM drafts WHERE id = ?1", [draft_id], |r| {
                r.get(0)
            })?)
    }

    /// The file's size in database pages.
    pub fn page_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?)
    }

    /// Let this connection grow the file to at most `pages` pages (as a full disk would), and return the
    /// limit SQLite now holds. For the tests of a full disk; the limit ends with the connection.
    pub fn limit_pages(&self, pages: i64) -> Result<i64> {
        Ok(self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get(0))?)
    }

    /// Every statement now prepared on the store's connection (its statement cache), as SQL text.
    pub fn prepared_statements(&self) -> Vec<String> {
        use rusqlite::ffi;
        let mut out = Vec::new();
        // SAFETY: the handle is valid while `self` lives; sqlite3_next_stmt/sqlite3_sql only read the
        // connection's list of prepared statements (no other thread uses this connection, `&self` is held),
        // and the text is copied at once.
        unsafe {
            let db = self.conn.handle();
            let mut stmt = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                let p = ffi::sqlite3_sql(stmt);
                if !p.is_null() {
                    out.push(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned());
                }
                stmt = ffi::sqlite3_next_stmt(db, stmt);
            }
        }
        out
    }

    /// The lines of SQLite's plan for `sql` (EXPLAIN QUERY PLAN), e.g. "SEARCH i USING INDEX incidents_time
    /// (occurred_at<?)". Parameters are left unbound: the plan is chosen when the statement is prepared.
    pub fn query_plan(&self, sql: &str) -> Result<Vec<String>> {
        let mut st = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let mut rows = st.raw_query();
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(r.get::<_, String>(3)?);
        }
        Ok(out)
    }
}
