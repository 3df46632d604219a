//! The rows of sync, both sides. A home: the weeks in its ledger and the YOS's receipts it has recorded
//! (`export_receipts`). A YOS: every set it has read (`received_sets`) and the homes' audit anchors those sets
//! showed (`home_anchors`). The sync decides; every statement is here.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::audit::Writer;
use super::{Result, Store};

/// A receipt the home has recorded, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRecord {
    pub export_uid: String,
    /// `accepted` or `rejected`.
    pub status: String,
    pub reason: String,
    pub read_at: String,
}

/// A set in the home's ledger, as the export screen's week list needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerSet {
    pub uid: String,
    pub label: String,
    pub start: String,
    pub end: String,
    pub version: u32,
    pub generated_at: String,
    pub generated_by: String,
    /// The ledger's `files` JSON (names, sizes and sums of the set's files).
    pub files: String,
}

/// A set the home sent, found by its export uid (to match a receipt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSet {
    pub files: String,
    pub label: String,
    pub version: i64,
}

/// A set the YOS has read, as recorded (to write its receipt again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRow {
    pub home_uid: String,
    pub home_name: String,
    pub export_uid: String,
    pub export_version: i64,
    pub period: String,
    pub manifest_sha256: String,
    pub status: String,
    pub reason: String,
    pub counts: String,
    pub read_at: String,
    pub read_by: String,
}

/// A set the YOS has just read, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReceived<'a> {
    pub home_uid: &'a str,
    pub home_name: &'a str,
    pub urn: &'a str,
    pub set: &'a str,
    pub export_uid: &'a str,
    pub export_version: i64,
    pub period_label: &'a str,
    pub period_start: &'a str,
    pub period_end: &'a str,
    pub period: &'a str,
    pub manifest_sha256: &'a str,
    pub status: &'a str,
    pub reason: &'a str,
    pub counts: &'a str,
    pub read_at: &'a str,
    pub read_by: &'a str,
}

/// The first accepted read of one week of one home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalRow {
    pub home_uid: String,
    pub home_name: String,
    pub urn: String,
    pub label: String,
    pub first_read_at: String,
}

impl Store {
    /// The home's first incident's time as stored, or when the home was set up if it has none.
    pub fn first_activity(&self, home_uid: &str) -> Result<Option<String>> {
        let first: Option<String> = self.conn.query_row(
            "SELECT MIN(occurred_at) FROM incidents WHERE home_uid = ?1 OR home_uid = ''",
            [home_uid],
            |r| r.get(0),
        )?;
        if first.is_some() {
            return Ok(first);
        }
        Ok(self
            .conn
            .query_row("SELECT created_at FROM home WHERE id = 1", [], |r| r.get(0))
            .optional()?)
    }

    /// The periods (start, end as stored) the ledger holds a set for.
    pub fn sent_periods(&self) -> Result<HashSet<(String, String)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT DISTINCT period_start, period_end FROM exports")?;
        Ok(s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Every receipt recorded, in the order it was recorded.
    pub fn export_receipt_rows(&self) -> Result<Vec<ReceiptRecord>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT export_uid, status, reason, read_at FROM export_receipts ORDER BY id")?;
        Ok(s.query_map([], |r| {
            Ok(ReceiptRecord {
                export_uid: r.get(0)?,
                status: r.get(1)?,
                reason: r.get(2)?,
                read_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
    }

    /// Every set in the ledger, oldest first.
    pub fn ledger_sets(&self) -> Result<Vec<LedgerSet>> {
        let mut s = self.conn.prepare_cached(
            "SELECT uid, period_label, period_start, period_end, version, generated_at, generated_by, files \
             FROM exports ORDER BY id",
        )?;
        Ok(s.query_map([], |r| {
            Ok(LedgerSet {
                uid: r.get(0)?,
                label: r.get(1)?,
                start: r.get(2)?,
                end: r.get(3)?,
                version: r.get::<_, i64>(4)? as u32,
                generated_at: r.get(5)?,
                generated_by: r.get(6)?,
                files: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
    }

    /// Has a receipt for this set been recorded?
    pub fn receipt_recorded(&self, set: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM export_receipts WHERE set_name = ?1", [set], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The set this home sent under an export uid, if it did.
    pub fn sent_set(&self, export_uid: &str) -> Result<Option<SentSet>> {
        Ok(self
            .conn
            .query_row(
                "SELECT files, period_label, version FROM exports WHERE uid = ?1",
                [export_uid],
                |row| {
                    Ok(SentSet {
                        files: row.get(0)?,
                        label: row.get(1)?,
                        version: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// A set of this URN the YOS has read, by name.
    pub fn received_set(&self, urn: &str, set: &str) -> Result<Option<ReceivedRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT home_uid, home_name, export_uid, export_version, period, manifest_sha256, status, reason, \
                 counts, read_at, read_by FROM received_sets WHERE ofsted_urn = ?1 AND set_name = ?2",
                params![urn, set],
                |r| {
                    Ok(ReceivedRow {
                        home_uid: r.get(0)?,
                        home_name: r.get(1)?,
                        export_uid: r.get(2)?,
                        export_version: r.get(3)?,
                        period: r.get(4)?,
                        manifest_sha256: r.get(5)?,
                        status: r.get(6)?,
                        reason: r.get(7)?,
                        counts: r.get(8)?,
                        read_at: r.get(9)?,
                        read_by: r.get(10)?,
                    })
                },
            )
            .optional()?)
    }

    /// The hash a home's audit row had in an earlier set, and that set's name.
    pub fn anchor_at(&self, home_uid: &str, audit_id: i64) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT hash, set_name FROM home_anchors WHERE home_uid = ?1 AND audit_id = ?2",
                params![home_uid, audit_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// A set of this home that showed another first manager's key than `first_key`.
    pub fn anchor_with_other_key(&self, home_uid: &str, first_key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT set_name FROM home_anchors WHERE home_uid = ?1 AND first_key <> ?2 LIMIT 1",
                params![home_uid, first_key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The latest anchor of a set of this home written before `generated_at`: (audit row, set).
    pub fn anchor_before(&self, home_uid: &str, generated_at: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT audit_id, set_name FROM home_anchors WHERE home_uid = ?1 AND generated_at < ?2 \
                 ORDER BY audit_id DESC LIMIT 1",
                params![home_uid, generated_at],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The earliest anchor of a set of this home written after `generated_at`: (audit row, set).
    pub fn anchor_after(&self, home_uid: &str, generated_at: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT audit_id, set_name FROM home_anchors WHERE home_uid = ?1 AND generated_at > ?2 \
                 ORDER BY audit_id LIMIT 1",
                params![home_uid, generated_at],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Another home (name, uid) whose accepted sets came under this URN, if any.
    pub fn urn_held_by_other(&self, urn: &str, home_uid: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT home_name, home_uid FROM received_sets WHERE ofsted_urn = ?1 AND status = 'accepted' \
                 AND home_uid <> ?2 LIMIT 1",
                params![urn, home_uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Each home's weeks that have arrived, with the first accepted read of each, by home name.
    pub fn arrival_rows(&self) -> Result<Vec<ArrivalRow>> {
        let mut q = self.conn.prepare_cached(
            "SELECT home_uid, home_name, ofsted_urn, period_label, MIN(read_at) FROM received_sets \
             WHERE status = 'accepted' GROUP BY home_uid, period_label ORDER BY home_name COLLATE NOCASE, home_uid",
        )?;
        Ok(q.query_map([], |r| {
            Ok(ArrivalRow {
                home_uid: r.get(0)?,
                home_name: r.get(1)?,
                urn: r.get(2)?,
                label: r.get(3)?,
                first_read_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    /// Record a receipt the YOS wrote for a set this home sent.
    #[allow(clippy::too_many_arguments)]
    pub fn record_receipt(
        &mut self,
        set: &str,
        export_uid: &str,
        status: &str,
        reason: &str,
        read_at: &str,
        read_by: &str,
    ) -> Result<()> {
        let seen = self.now_str();
        self.insert(
            "export_receipts",
            "INSERT INTO export_receipts (set_name, export_uid, status, reason, read_at, read_by, seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![set, export_uid, status, reason, read_at, read_by, seen],
        )?;
        Ok(())
    }

    /// Record a set the YOS has read.
    pub fn record_received(&mut self, r: &NewReceived<'_>) -> Result<()> {
        self.insert(
            "received_sets",
            "INSERT INTO received_sets (home_uid, home_name, ofsted_urn, set_name, export_uid, export_version, \
             period_label, period_start, period_end, period, manifest_sha256, status, reason, counts, read_at, \
             read_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                r.home_uid,
                r.home_name,
                r.urn,
                r.set,
                r.export_uid,
                r.export_version,
                r.period_label,
                r.period_start,
                r.period_end,
                r.period,
                r.manifest_sha256,
                r.status,
                r.reason,
                r.counts,
                r.read_at,
                r.read_by
            ],
        )?;
        Ok(())
    }

    /// Record a set whose manifest could not be read, refused, with what is known of it.
    pub fn record_received_bare(
        &mut self,
        urn: &str,
        set: &str,
        manifest_sha256: &str,
        reason: &str,
        read_at: &str,
        read_by: &str,
    ) -> Result<()> {
        self.insert(
            "received_sets",
            "INSERT INTO received_sets (ofsted_urn, set_name, manifest_sha256, status, reason, read_at, read_by) \
             VALUES (?1, ?2, ?3, 'rejected', ?4, ?5, ?6)",
            params![urn, set, manifest_sha256, reason, read_at, read_by],
        )?;
        Ok(())
    }

    /// Keep a home's audit anchor as a set showed it, once per audit row.
    #[allow(clippy::too_many_arguments)]
    pub fn record_anchor_once(
        &mut self,
        home_uid: &str,
        audit_id: i64,
        hash: &str,
        first_key: &str,
        generated_at: &str,
        set: &str,
    ) -> Result<()> {
        let seen: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM home_anchors WHERE home_uid = ?1 AND audit_id = ?2",
                params![home_uid, audit_id],
                |x| x.get(0),
            )
            .optional()?;
        if seen.is_none() {
            self.insert(
                "home_anchors",
                "INSERT INTO home_anchors (home_uid, audit_id, hash, first_key, generated_at, set_name) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![home_uid, audit_id, hash, first_key, generated_at, set],
            )?;
        }
        Ok(())
    }
}
