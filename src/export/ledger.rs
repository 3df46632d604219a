//! The ledger of exports (the `exports` table): what was sent, which version, and the amendments owed.

use super::*;

/// An earlier export an amendment refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LedgerRow {
    pub(super) uid: String,
    pub(super) label: String,
    pub(super) start: DateTime<Utc>,
    pub(super) end: DateTime<Utc>,
    pub(super) version: u32,
    pub(super) generated_at: DateTime<Utc>,
    /// A receipt from the YOS says this set was accepted.
    pub(super) accepted: bool,
}

impl LedgerRow {
    pub(super) fn name(&self) -> String {
        format!("{}-v{}", self.label, self.version)
    }
}

pub(super) fn ledger(store: &Store) -> anyhow::Result<Vec<LedgerRow>> {
    let mut s = store.connection().prepare_cached(
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

/// Has this period been exported (any version)?
pub fn is_exported(store: &Store, period: &Period) -> anyhow::Result<bool> {
    Ok(store
        .connection()
        .query_row(
            "SELECT 1 FROM exports WHERE period_start = ?1 AND period_end = ?2 LIMIT 1",
            params![crate::time::to_db(period.start), crate::time::to_db(period.end)],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Last week, relative to `now` (local time).
pub fn last_week(now: DateTime<Utc>) -> Period {
    Period::week_of(crate::time::local_date(now)).previous()
}

/// Incidents of exported periods added or changed after that export and not yet carried by a later one, with
/// the export each amends. Uses the `incidents_updated` index: only rows changed since the last export are read.
///
/// With a sync folder set, "carried" means carried by a set the YOS accepted: an amendment is put in every new
/// set until a receipt says a set generated after the change was accepted (a set that carried it and was lost
/// on the way does not count). Every set generated after the change carried it, so the newest accepted set
/// is the cut-off. Without a sync folder no receipt can come back, and an amendment travels once, as before.
pub(super) fn amendments(store: &Store, period: &Period, home_uid: &str) -> anyhow::Result<Vec<(i64, LedgerRow)>> {
    let ledger = ledger(store)?;
    let others: Vec<&LedgerRow> = ledger
        .iter()
        .filter(|l| l.start != period.start || l.end != period.end)
        .collect();
    let resend = store.setting("sync_folder").is_ok_and(|f| !f.trim().is_empty());
    let since = if resend {
        match ledger.iter().filter(|l| l.accepted).map(|l| l.generated_at).max() {
            Some(t) => Some(t),
            // Nothing received yet: everything changed after the first export is owed.
            None => others.iter().map(|l| l.generated_at).min(),
        }
    } else {
        others.iter().map(|l| l.generated_at).max()
    };
    let Some(since) = since.filter(|_| !others.is_empty()) else {
        return Ok(vec![]);
    };
    let rows = {
        let mut s = store.connection().prepare_cached(AMENDED_SQL)?;
        let mut v = s
            .query_map(params![crate::time::to_db(since), home_uid], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // In time order, as the period's records.
        v.sort_by(|a, b| (&a.1, &a.3).cmp(&(&b.1, &b.3)));
        v
    };
    let mut out = Vec::new();
    for (id, occ, upd, _) in rows {
        let (Some(occ), Some(upd)) = (crate::time::from_db(&occ), crate::time::from_db(&upd)) else {
            continue;
        };
        if period.contains(occ) {
            continue;
        }
        // The latest export that covered it.
        let covering = others
            .iter()
            .filter(|l| l.start <= occ && occ < l.end)
            .max_by_key(|l| (l.generated_at, l.version));
        if let Some(l) = covering
            && upd > l.generated_at
        {
            out.push((id, (*l).clone()));
        }
    }
    Ok(out)
}

/// How many incidents of exported weeks were added or changed since they were sent and wait for the next
/// export (for the manager's reminders).
pub fn pending_amendments(store: &Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let Some(home) = store.home()? else {
        return Ok(0);
    };
    let this = Period::week_of(crate::time::local_date(now));
    Ok(amendments(store, &this, &home.uid)?.len())
}

pub(super) fn next_version(conn: &rusqlite::Connection, period: &Period) -> rusqlite::Result<u32> {
    let v: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM exports WHERE period_start = ?1 AND period_end = ?2",
        params![crate::time::to_db(period.start), crate::time::to_db(period.end)],
        |r| r.get(0),
    )?;
    Ok(v as u32)
}

/// The ledger, newest first, for the screen.
pub fn recent_exports(store: &Store, limit: usize) -> anyhow::Result<Vec<(String, u32, String, String)>> {
    let mut s = store.connection().prepare_cached(
        "SELECT period_label, version, generated_at, generated_by FROM exports ORDER BY id DESC LIMIT ?1",
    )?;
    let v = s
        .query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u32,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v.into_iter()
        .map(|(l, v, g, b)| (l, v, crate::time::from_db(&g).map(crate::time::show).unwrap_or(g), b))
        .collect())
}
