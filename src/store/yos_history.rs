//! Whether a child was open to the YOS on a date (issue 20): the history the children register keeps of each
//! change of status, with the day it took effect. Written only through [`super::audit::Writer`], never updated:
//! a correction is a new, attributed row, and for any day the latest row on or before it (by date, then by the
//! order written) is the status.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;

use super::{Result, Store};

/// One change of a child's YOS status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YosChange {
    pub id: i64,
    pub child_id: i64,
    pub open: bool,
    /// The day it took effect.
    pub since: NaiveDate,
    pub recorded_by: String,
    pub note: String,
}

/// A child's YOS status on a day, from its history (in `since`, then written, order), or `now` where the history
/// holds nothing on or before that day (a child whose status never changed since the history began).
pub fn open_on(history: &[YosChange], now: bool, day: NaiveDate) -> bool {
    history.iter().rev().find(|h| h.since <= day).map_or(now, |h| h.open)
}

/// The note on a child's first row when a status older than the history is written down at its first change.
pub const BEFORE_HISTORY: &str = "status before the history was kept, taken as since admission";

/// Record a change of status in a write (the caller checks the date and the permission). When the child has no
/// history yet, the status it had (`was`, since `admitted`) is written first, so the days before stay as they were.
pub(crate) fn record_change(
    w: &mut super::audit::Writer<'_>,
    child_id: i64,
    was: Option<(bool, NaiveDate)>,
    open: bool,
    since: NaiveDate,
) -> Result<()> {
    let at = super::ts(w.now);
    let by = w.actor.name.clone();
    let has: bool =
        w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM yos_history WHERE child_id = ?1)")?
            .query_row([child_id], |r| r.get(0))?;
    if let (false, Some((was_open, admitted))) = (has, was) {
        w.insert(
            "yos_history",
            "INSERT INTO yos_history (child_id, open, since, recorded_at, recorded_by, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![child_id, was_open as i64, day(admitted), at, by, BEFORE_HISTORY],
        )?;
    }
    w.insert(
        "yos_history",
        "INSERT INTO yos_history (child_id, open, since, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![child_id, open as i64, day(since), at, by],
    )?;
    Ok(())
}

/// A history as the days it holds, each with its status (the latest row of that day): what a set carries, and
/// all that [`open_on`] reads.
pub fn by_day(history: &[YosChange]) -> Vec<(NaiveDate, bool)> {
    let mut v: Vec<(NaiveDate, bool)> = Vec::new();
    for h in history {
        match v.last_mut() {
            Some(last) if last.0 == h.since => last.1 = h.open,
            _ => v.push((h.since, h.open)),
        }
    }
    v
}

/// What a set from a home says of a child's YOS status by day, added to the child's history where it differs
/// (a day not held, or held with the other status): a later set adds to what earlier ones brought, never
/// removes. Returns the rows added.
pub(crate) fn merge_days(w: &mut super::audit::Writer<'_>, child_id: i64, days: &[(NaiveDate, bool)]) -> Result<u64> {
    if days.is_empty() {
        return Ok(0);
    }
    let held: Vec<YosChange> =
        w.tx.prepare_cached(
            "SELECT id, child_id, open, since, recorded_by, note FROM yos_history WHERE child_id = ?1 \
             ORDER BY since, id",
        )?
        .query_map([child_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let held = by_day(&held);
    let at = super::ts(w.now);
    let by = w.actor.name.clone();
    let mut added = 0;
    for (since, open) in days {
        if held.iter().any(|(d, o)| d == since && o == open) {
            continue;
        }
        w.insert(
            "yos_history",
            "INSERT INTO yos_history (child_id, open, since, recorded_at, recorded_by, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'from the home''s file')",
            params![child_id, *open as i64, day(*since), at, by],
        )?;
        added += 1;
    }
    Ok(added)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<YosChange> {
    let since: String = r.get(3)?;
    Ok(YosChange {
        id: r.get(0)?,
        child_id: r.get(1)?,
        open: r.get::<_, i64>(2)? != 0,
        since: NaiveDate::parse_from_str(&since, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
        recorded_by: r.get(4)?,
        note: r.get(5)?,
    })
}

impl Store {
    /// One child's YOS history, oldest first.
    pub fn yos_history(&self, child_id: i64) -> Result<Vec<YosChange>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, child_id, open, since, recorded_by, note FROM yos_history WHERE child_id = ?1 \
             ORDER BY since, id",
        )?;
        let v = s
            .query_map([child_id], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Every child's YOS history, by child, each oldest first (for the reports).
    pub fn all_yos_history(&self) -> Result<HashMap<i64, Vec<YosChange>>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, child_id, open, since, recorded_by, note FROM yos_history ORDER BY child_id, since, id",
        )?;
        let mut m: HashMap<i64, Vec<YosChange>> = HashMap::new();
        for r in s.query_map([], from_row)? {
            let r = r?;
            m.entry(r.child_id).or_default().push(r);
        }
        Ok(m)
    }
}
