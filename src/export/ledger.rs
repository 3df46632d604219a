//! The ledger of exports (the `exports` table): what was sent, which version, and the amendments owed.

use super::*;

pub(super) use crate::store::exports::LedgerRow;

pub(super) fn ledger(store: &Store) -> anyhow::Result<Vec<LedgerRow>> {
    Ok(store.export_ledger()?)
}

/// Has this period been exported (any version)?
pub fn is_exported(store: &Store, period: &Period) -> anyhow::Result<bool> {
    Ok(store.is_exported(period.start, period.end)?)
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
    let mut rows = store.amended_since(since, home_uid)?;
    // In time order, as the period's records.
    rows.sort_by(|a, b| (&a.occurred_at, &a.uid).cmp(&(&b.occurred_at, &b.uid)));
    let mut out = Vec::new();
    for row in rows {
        let id = row.id;
        let (Some(occ), Some(upd)) = (
            crate::time::from_db(&row.occurred_at),
            crate::time::from_db(&row.updated_at),
        ) else {
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

/// The ledger, newest first, for the screen.
pub fn recent_exports(store: &Store, limit: usize) -> anyhow::Result<Vec<(String, u32, String, String)>> {
    Ok(store
        .recent_exports(limit)?
        .into_iter()
        .map(|r| {
            let when = crate::time::from_db(&r.generated_at)
                .map(crate::time::show)
                .unwrap_or(r.generated_at);
            (r.label, r.version, when, r.generated_by)
        })
        .collect())
}
