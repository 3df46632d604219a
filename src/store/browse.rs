//! Queries behind the handover and the incident browser. Every one is a range over an index of `incidents`
//! (keyset pagination in both directions; never a read of the whole table): see the `EXPLAIN QUERY PLAN` tests.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{ToSql, params};

use super::{Result, Store, parse_ts, ts};
use crate::domain::{Category, Response, Status};

/// One line of an incident list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    pub id: i64,
    pub uid: String,
    pub child_id: i64,
    pub child_name: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_by: String,
    pub status: Status,
    pub response: Response,
    pub categories: Vec<Category>,
    pub police_ref: String,
    pub summary: String,
    pub open_actions: i64,
}

/// Filters for the browser; every one optional, all combined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// One home's incidents (a database a YOS fills with several homes' files).
    pub home_uid: Option<String>,
    pub child_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub category: Option<Category>,
    pub response: Option<Response>,
    pub status: Option<Status>,
    pub open_actions: bool,
    pub text: Option<String>,
}

/// Where a page starts: after this (occurred_at, id), newest first.
pub type Cursor = (DateTime<Utc>, i64);

/// The columns of one browser / handover line.
pub(crate) const ROW_COLS: &str = "i.id, i.uid, i.child_id, \
    CASE WHEN c.preferred_name <> '' THEN c.preferred_name ELSE c.name END, i.occurred_at, i.recorded_by, i.status, \
    i.response, i.categories, i.police_ref, i.summary, i.open_actions";

pub(crate) fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<IncidentRow> {
    Ok(IncidentRow {
        id: r.get(0)?,
        uid: r.get(1)?,
        child_id: r.get(2)?,
        child_name: r.get(3)?,
        occurred_at: parse_ts(&r.get::<_, String>(4)?).unwrap_or_default(),
        recorded_by: r.get(5)?,
        status: Status::from_code(&r.get::<_, String>(6)?).unwrap_or(Status::AwaitingReview),
        response: Response::from_code(&r.get::<_, String>(7)?).unwrap_or(Response::InHouse),
        categories: r
            .get::<_, String>(8)?
            .split('|')
            .filter_map(Category::from_code)
            .collect(),
        police_ref: r.get(9)?,
        summary: r.get(10)?,
        open_actions: r.get(11)?,
    })
}

/// Which way a page goes from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Older than the cursor (the next page down the list).
    Older,
    /// Newer than the cursor (the page above), returned newest first like every page.
    Newer,
}

/// An incident draft not yet saved (status "Draft" in the browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub id: i64,
    pub title: String,
    pub staff_name: String,
    pub updated_at: DateTime<Utc>,
}

/// Incidents of one child in one local month, by response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthCount {
    /// The first day of the month (local).
    pub month: NaiveDate,
    pub in_house: u32,
    pub restorative: u32,
    pub police: u32,
}

impl MonthCount {
    pub fn total(&self) -> u32 {
        self.in_house + self.restorative + self.police
    }
}

/// What a browser page reads from (with [`ROW_COLS`]).
const PAGE_FROM: &str = "FROM incidents i JOIN children c ON c.id = i.child_id";

/// Rows a search by words or category looks through per page at most. Those two filters cannot use an index,
/// so without a bound a word that is nowhere would read the whole history (seconds at 100,000 incidents, a
/// minute at a million) before the screen could answer; the browser says how far back it has looked instead.
pub const SCAN_ROWS: usize = 2000;

/// One page of a search that may have stopped before the end of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanPage {
    pub rows: Vec<IncidentRow>,
    /// Where to go on from, in the page's direction: None when there is nothing more that way.
    pub next: Option<Cursor>,
    /// The page stopped at [`SCAN_ROWS`] rows looked through, not at a full page of matches: `next` is where
    /// the search got to.
    pub searched: bool,
}

/// Does this filter have parts no index can answer (so a page must be bounded)?
pub fn needs_scan(f: &Filter) -> bool {
    f.category.is_some() || f.text.as_ref().is_some_and(|t| !t.trim().is_empty())
}

/// The SQL and its arguments for one page of the browser (used by [`Store::browse_page`] and its plan test).
pub(crate) fn page_sql(f: &Filter, cursor: Option<Cursor>, dir: Dir, limit: usize) -> (String, Vec<Box<dyn ToSql>>) {
    bounded_sql(f, cursor, None, dir, &format!("{ROW_COLS} {PAGE_FROM}"), limit, 0)
}

/// As [`page_sql`], from `cursor` to `bound` (included) in the page's direction; `what` is what is selected
/// (with its FROM), `offset` skips rows.
pub(crate) fn bounded_sql(
    f: &Filter,
    cursor: Option<Cursor>,
    bound: Option<Cursor>,
    dir: Dir,
    what: &str,
    limit: usize,
    offset: usize,
) -> (String, Vec<Box<dyn ToSql>>) {
    let mut sql = format!("SELECT {what} WHERE 1=1");
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, v: Box<dyn ToSql>| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(h) = &f.home_uid {
        push(&mut sql, " AND i.home_uid = ?", Box::new(h.clone()));
    }
    if let Some(c) = f.child_id {
        push(&mut sql, " AND i.child_id = ?", Box::new(c));
    }
    if let Some(t) = f.from {
        push(&mut sql, " AND i.occurred_at >= ?", Box::new(ts(t)));
    }
    if let Some(t) = f.to {
        push(&mut sql, " AND i.occurred_at < ?", Box::new(ts(t)));
    }
    if let Some(c) = f.category {
        push(
            &mut sql,
            " AND i.categories LIKE ?",
            Box::new(format!("%|{}|%", c.code())),
        );
    }
    if let Some(r) = f.response {
        push(&mut sql, " AND i.response = ?", Box::new(r.code()));
    }
    if let Some(s) = f.status {
        push(&mut sql, " AND i.status = ?", Box::new(s.code()));
    }
    if f.open_actions {
        sql.push_str(" AND i.open_actions > 0");
    }
    if let Some(t) = f.text.as_ref().filter(|t| !t.trim().is_empty()) {
        let pat = format!(
            "%{}%",
            t.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        );
        push(&mut sql, " AND i.current LIKE ? ESCAPE '\\'", Box::new(pat));
    }
    if let Some((t, id)) = cursor {
        args.push(Box::new(ts(t)));
        let a = args.len();
        args.push(Box::new(id));
        let b = args.len();
        let lt = match dir {
            Dir::Older => "<",
            Dir::Newer => ">",
        };
        sql.push_str(&format!(
            " AND (i.occurred_at {lt} ?{a} OR (i.occurred_at = ?{a} AND i.id {lt} ?{b}))"
        ));
    }
    if let Some((t, id)) = bound {
        args.push(Box::new(ts(t)));
        let a = args.len();
        args.push(Box::new(id));
        let b = args.len();
        // The plain range first, so the index walk stops at the bound.
        let (ge, gt) = match dir {
            Dir::Older => (">=", ">"),
            Dir::Newer => ("<=", "<"),
        };
        sql.push_str(&format!(
            " AND i.occurred_at {ge} ?{a} AND (i.occurred_at {gt} ?{a} OR (i.occurred_at = ?{a} AND i.id {ge} ?{b}))"
        ));
    }
    let order = match dir {
        Dir::Older => "DESC",
        Dir::Newer => "ASC",
    };
    sql.push_str(&format!(
        " ORDER BY i.occurred_at {order}, i.id {order} LIMIT {}",
        limit.clamp(1, SCAN_ROWS)
    ));
    if offset > 0 {
        sql.push_str(&format!(" OFFSET {offset}"));
    }
    (sql, args)
}

pub(crate) const RECORDED_SINCE_SQL: &str = "SELECT i.id, i.uid, i.child_id, \
    CASE WHEN c.preferred_name <> '' THEN c.preferred_name ELSE c.name END, i.occurred_at, i.recorded_by, i.status, \
    i.response, i.categories, i.police_ref, i.summary, i.open_actions \
    FROM incidents i JOIN children c ON c.id = i.child_id WHERE i.home_uid = (SELECT uid FROM home) \
    AND i.recorded_at >= ?1 \
    ORDER BY i.recorded_at, i.id LIMIT ?2";

pub(crate) const TIMELINE_SQL: &str = "SELECT i.occurred_at, i.response FROM incidents i WHERE i.child_id = ?1 AND i.occurred_at >= ?2 \
     ORDER BY i.occurred_at";

impl Store {
    /// One page of the browser, newest first, older or newer than `cursor`. Status "Draft" has no saved
    /// incidents (drafts are in their own table: see [`Store::incident_drafts`]).
    pub fn browse_page(&self, f: &Filter, cursor: Option<Cursor>, dir: Dir, limit: usize) -> Result<Vec<IncidentRow>> {
        if f.status == Some(Status::Draft) {
            return Ok(Vec::new());
        }
        let (sql, args) = page_sql(f, cursor, dir, limit);
        let mut s = self.conn.prepare_cached(&sql)?;
        let refs: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut v = s
            .query_map(refs.as_slice(), row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if dir == Dir::Newer {
            v.reverse();
        }
        Ok(v)
    }

    /// One page of the browser that never looks through more than [`SCAN_ROWS`] incidents: with a word or
    /// category filter it may come back with fewer rows than asked for (even none) and a `next` to go on from.
    pub fn browse_scan(&self, f: &Filter, cursor: Option<Cursor>, dir: Dir, limit: usize) -> Result<ScanPage> {
        self.browse_scan_within(f, cursor, dir, limit, SCAN_ROWS)
    }

    /// As [`Store::browse_scan`], looking through at most `scan` incidents.
    pub(crate) fn browse_scan_within(
        &self,
        f: &Filter,
        cursor: Option<Cursor>,
        dir: Dir,
        limit: usize,
        scan: usize,
    ) -> Result<ScanPage> {
        let scan = scan.clamp(1, SCAN_ROWS);
        if !needs_scan(f) {
            let rows = self.browse_page(f, cursor, dir, limit)?;
            let next = if rows.len() >= limit { edge_in(&rows, dir) } else { None };
            return Ok(ScanPage {
                rows,
                next,
                searched: false,
            });
        }
        // Where the window of SCAN_ROWS rows (by the indexed parts of the filter alone) ends.
        let indexed = Filter {
            category: None,
            text: None,
            ..f.clone()
        };
        let (wsql, wargs) = bounded_sql(
            &indexed,
            cursor,
            None,
            dir,
            "i.occurred_at, i.id FROM incidents i",
            1,
            scan - 1,
        );
        let bound: Option<Cursor> = {
            let mut s = self.conn.prepare_cached(&wsql)?;
            let refs: Vec<&dyn ToSql> = wargs.iter().map(|b| b.as_ref()).collect();
            let mut q = s.query(refs.as_slice())?;
            match q.next()? {
                Some(r) => Some((parse_ts(&r.get::<_, String>(0)?).unwrap_or_default(), r.get(1)?)),
                None => None,
            }
        };
        let (sql, args) = bounded_sql(f, cursor, bound, dir, &format!("{ROW_COLS} {PAGE_FROM}"), limit, 0);
        let mut s = self.conn.prepare_cached(&sql)?;
        let refs: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut rows = s
            .query_map(refs.as_slice(), row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if dir == Dir::Newer {
            rows.reverse();
        }
        let (next, searched) = if rows.len() >= limit {
            (edge_in(&rows, dir), false)
        } else {
            (bound, bound.is_some())
        };
        Ok(ScanPage { rows, next, searched })
    }

    /// This home's incidents recorded since `since` (including those that happened earlier), in the order
    /// recorded. Records imported from other homes are not part of this home's handover.
    pub fn recorded_since(&self, since: DateTime<Utc>, limit: usize) -> Result<Vec<IncidentRow>> {
        let mut s = self.conn.prepare_cached(RECORDED_SINCE_SQL)?;
        let v = s
            .query_map(params![ts(since), limit as i64], row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Unsaved incident drafts of everyone (a manager's view of work in progress), newest first.
    pub fn incident_drafts(&self, limit: usize) -> Result<Vec<DraftRow>> {
        let mut s = self.conn.prepare_cached(
            "SELECT d.id, d.title, s.name, d.updated_at FROM drafts d JOIN staff s ON s.id = d.staff_id \
             WHERE d.closed_at IS NULL AND d.kind = 'incident' ORDER BY d.updated_at DESC, d.id DESC LIMIT ?1",
        )?;
        let v = s
            .query_map([limit as i64], |r| {
                Ok(DraftRow {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    staff_name: r.get(2)?,
                    updated_at: parse_ts(&r.get::<_, String>(3)?).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// A child's incidents per local month, by response, for the `months` months up to `now` (oldest first,
    /// every month present even when it had none).
    pub fn child_timeline(&self, child_id: i64, now: DateTime<Utc>, months: u32) -> Result<Vec<MonthCount>> {
        let months = months.clamp(1, 120);
        let today = crate::time::local_date(now);
        let mut first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        for _ in 1..months {
            first = prev_month(first);
        }
        let mut out = Vec::new();
        let mut m = first;
        for _ in 0..months {
            out.push(MonthCount {
                month: m,
                in_house: 0,
                restorative: 0,
                police: 0,
            });
            m = next_month(m);
        }
        let mut s = self.conn.prepare_cached(TIMELINE_SQL)?;
        let rows = s
            .query_map(params![child_id, ts(crate::time::local_midnight(first))], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (at, resp) in rows {
            let Some(at) = parse_ts(&at) else { continue };
            let d = crate::time::local_date(at);
            let Some(slot) = out
                .iter_mut()
                .find(|x| x.month.year() == d.year() && x.month.month() == d.month())
            else {
                continue;
            };
            match Response::from_code(&resp) {
                Some(Response::InHouse) => slot.in_house += 1,
                Some(Response::Restorative) => slot.restorative += 1,
                Some(Response::Police) => slot.police += 1,
                None => {}
            }
        }
        Ok(out)
    }
}

/// The row furthest from the cursor of a page in its direction (pages are newest first whichever way).
fn edge_in(rows: &[IncidentRow], dir: Dir) -> Option<Cursor> {
    let r = match dir {
        Dir::Older => rows.last(),
        Dir::Newer => rows.first(),
    };
    r.map(|r| (r.occurred_at, r.id))
}

fn prev_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 1 {
        NaiveDate::from_ymd_opt(d.year() - 1, 12, 1).unwrap_or(d)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() - 1, 1).unwrap_or(d)
    }
}

fn next_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).unwrap_or(d)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1).unwrap_or(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::incident::fixtures::record;
    use crate::store::incidents::tests::with_incident;
    use crate::store::staff::tests::actor;
    use chrono::Duration;

    /// The same query as `Store::open_incidents` (kept here so its plan is tested).
    const OPEN_SQL: &str = "SELECT i.id, i.current, c.yos_open FROM incidents i \
    JOIN children c ON c.id = i.child_id WHERE i.home_uid = (SELECT uid FROM home) AND i.open_actions > 0 \
    ORDER BY i.occurred_at LIMIT ?1";

    /// The plan of a query: every line of `EXPLAIN QUERY PLAN`.
    fn plan(s: &Store, sql: &str, args: &[&dyn ToSql]) -> Vec<String> {
        let mut st = s.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        st.query_map(args, |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
    }

    /// No full scan of `incidents`: a SCAN of it must go through an index.
    fn assert_indexed(p: &[String], what: &str) {
        for line in p {
            let of_incidents = line == "SCAN i" || line.starts_with("SCAN i ") || line.starts_with("SCAN incidents");
            assert!(
                !of_incidents || line.contains("INDEX"),
                "{what}: full scan of incidents: {p:?}"
            );
        }
    }

    #[test]
    fn the_full_scan_check_can_fail() {
        let (s, _, _) = with_incident();
        let p = plan(&s, "SELECT i.id FROM incidents i WHERE i.summary = 'x'", &[]);
        let r = std::panic::catch_unwind(|| assert_indexed(&p, "unindexed"));
        assert!(r.is_err(), "{p:?}");
    }

    /// 30 incidents an hour apart, newest first; "needle" in the 2nd, 15th and 28th.
    fn thirty() -> Store {
        let (mut s, m, _) = with_incident();
        let a = actor(&m);
        let child = s.list_children(false).unwrap()[0].uid.clone();
        let t0 = s.now() - Duration::days(2);
        for k in 1..=29 {
            let mut r = record();
            r.uid = format!("scan-{k}");
            r.child_uid = child.clone();
            r.occurred_at = t0 - Duration::hours(k);
            if [1, 14, 27].contains(&k) {
                r.account = format!("Found a needle, {k}.");
            }
            s.save_incident(&a, r, None).unwrap();
        }
        s
    }

    #[test]
    fn a_word_search_looks_through_a_bounded_window_and_says_where_it_got_to() {
        let s = thirty();
        let f = Filter {
            text: Some("needle".into()),
            ..Default::default()
        };
        let all: Vec<i64> = s.incident_page(&f, None, 100).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(all.len(), 3);
        let (mut found, mut cursor, mut calls) = (Vec::new(), None, 0);
        loop {
            let p = s.browse_scan_within(&f, cursor, Dir::Older, 5, 10).unwrap();
            calls += 1;
            assert!(p.rows.len() <= 1, "at most one match per ten incidents: {:?}", p.rows);
            found.extend(p.rows.iter().map(|r| r.id));
            match p.next {
                Some(c) => {
                    assert!(p.searched, "a short page with more to look through says so");
                    cursor = Some(c)
                }
                None => break,
            }
            assert!(calls < 10, "the search ends");
        }
        assert_eq!(
            found, all,
            "the bounded pages find exactly what the whole search finds, in order"
        );
        assert_eq!(calls, 4, "three windows of ten, then the end");
        // Back up from the oldest: the same matches, newest first on each page.
        let oldest = s
            .incident_page(&Filter::default(), None, 100)
            .unwrap()
            .last()
            .map(|r| (r.occurred_at, r.id));
        let (mut up, mut cursor) = (Vec::new(), oldest);
        while let Some(c) = cursor {
            let p = s.browse_scan_within(&f, Some(c), Dir::Newer, 5, 10).unwrap();
            let mut ids: Vec<i64> = p.rows.iter().map(|r| r.id).collect();
            ids.extend(up);
            up = ids;
            cursor = p.next;
        }
        assert_eq!(up, all);
        // A full page of matches stops at the page, not the window.
        let any = Filter {
            category: Some(Category::CriminalDamage),
            ..Default::default()
        };
        let p = s.browse_scan_within(&any, None, Dir::Older, 5, 10).unwrap();
        assert_eq!(p.rows.len(), 5);
        assert!(!p.searched);
        assert_eq!(p.next, p.rows.last().map(|r| (r.occurred_at, r.id)));
        // Filters an index answers are never cut short.
        let p = s.browse_scan(&Filter::default(), None, Dir::Older, 50).unwrap();
        assert_eq!((p.rows.len(), p.next, p.searched), (30, None, false));
    }

    #[test]
    fn every_browser_filter_uses_an_index() {
        let (s, _, _) = with_incident();
        let t = s.now();
        let filters = vec![
            Filter::default(),
            Filter {
                child_id: Some(1),
                ..Default::default()
            },
            Filter {
                from: Some(t - Duration::days(30)),
                to: Some(t),
                ..Default::default()
            },
            Filter {
                category: Some(Category::Theft),
                ..Default::default()
            },
            Filter {
                response: Some(Response::Police),
                ..Default::default()
            },
            Filter {
                status: Some(Status::AwaitingReview),
                ..Default::default()
            },
            Filter {
                open_actions: true,
                ..Default::default()
            },
            Filter {
                text: Some("door".into()),
                ..Default::default()
            },
            Filter {
                home_uid: Some("home-b".into()),
                ..Default::default()
            },
            Filter {
                home_uid: Some("home-b".into()),
                response: Some(Response::Police),
                from: Some(t - Duration::days(30)),
                ..Default::default()
            },
            Filter {
                home_uid: Some("home-b".into()),
                child_id: Some(1),
                from: Some(t - Duration::days(30)),
                to: Some(t),
                category: Some(Category::Violence),
                response: Some(Response::InHouse),
                status: Some(Status::Reviewed),
                open_actions: true,
                text: Some("door".into()),
            },
        ];
        for f in &filters {
            for (cursor, dir) in [
                (None, Dir::Older),
                (Some((t, 5)), Dir::Older),
                (Some((t, 5)), Dir::Newer),
            ] {
                let (sql, args) = page_sql(f, cursor, dir, 50);
                let refs: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
                assert_indexed(&plan(&s, &sql, &refs), &format!("{f:?} {dir:?}"));
            }
        }
    }

    #[test]
    fn handover_and_timeline_queries_use_an_index() {
        let (s, _, _) = with_incident();
        let since = ts(s.now());
        assert_indexed(&plan(&s, RECORDED_SINCE_SQL, &[&since, &100i64]), "recorded since");
        assert_indexed(&plan(&s, TIMELINE_SQL, &[&1i64, &since]), "timeline");
        assert_indexed(&plan(&s, OPEN_SQL, &[&100i64]), "open incidents");
        // The handover reads this home's records through indexes that start with the home, so a YOS's imports
        // of other homes are never read.
        let recorded = plan(&s, RECORDED_SINCE_SQL, &[&since, &100i64]).join("\n");
        assert!(
            recorded.contains("incidents_recorded (home_uid=? AND recorded_at>?)"),
            "{recorded}"
        );
        let open = plan(&s, OPEN_SQL, &[&100i64]).join("\n");
        assert!(open.contains("incidents_home_open (home_uid=?)"), "{open}");
        assert!(!open.contains("TEMP B-TREE"), "{open}");
    }

    #[test]
    fn the_handover_leaves_out_other_homes_records() {
        let (mut s, _, own) = with_incident();
        let at = s.now();
        let since = at - Duration::hours(12);
        let before_open = s.open_incidents(100).unwrap();
        let before_recorded = s.recorded_since(since, 100).unwrap();
        assert!(
            before_open.iter().any(|(r, _, _)| r.id == own),
            "the home's own open incident is listed"
        );
        assert!(before_recorded.iter().any(|r| r.id == own));
        // A YOS imported another home's file: a child of that home and an incident with actions still open.
        let other = s
            .bulk(|b| {
                let by = crate::store::Actor::system("test import");
                b.add_other_home(&by, at, "other-home", "Elm House", "SC999999")?;
                b.set_home("other-home");
                b.add_child(
                    &by,
                    at,
                    "other-child",
                    &crate::store::children::tests::input("Riley Other"),
                )?;
                let mut r = record();
                r.uid = String::new();
                r.child_uid = "other-child".into();
                r.occurred_at = at - Duration::hours(2);
                b.save_incident(&by, at, r)
            })
            .unwrap();
        let row: (String, i64) = s
            .conn
            .query_row(
                "SELECT home_uid, open_actions FROM incidents WHERE id = ?1",
                [other],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(row.0, "other-home");
        assert!(row.1 > 0, "the imported incident has open actions");
        // The browser shows it (a YOS reads every home's records); the handover does not.
        assert!(
            s.incident_page(&Filter::default(), None, 50)
                .unwrap()
                .iter()
                .any(|r| r.id == other)
        );
        let ids = |v: &[(IncidentRow, crate::domain::outstanding::ActionFacts, bool)]| {
            v.iter().map(|x| x.0.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&s.open_incidents(100).unwrap()), ids(&before_open));
        assert_eq!(
            s.recorded_since(since, 100)
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>(),
            before_recorded.iter().map(|r| r.id).collect::<Vec<_>>()
        );
    }

    #[test]
    fn pages_go_both_ways_without_gaps_or_repeats() {
        let (mut s, m, _) = with_incident();
        let a = actor(&m);
        let child = s.list_children(false).unwrap()[0].clone();
        let base = s.now() - Duration::hours(100);
        for h in 0..30 {
            let mut r = record();
            r.uid = String::new();
            r.child_uid = child.uid.clone();
            // Pairs at the same minute: the id breaks the tie.
            r.occurred_at = base + Duration::hours(h / 2);
            s.save_incident(&a, r, None).unwrap();
        }
        let f = Filter::default();
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let p = s.browse_page(&f, cursor, Dir::Older, 7).unwrap();
            if p.is_empty() {
                break;
            }
            cursor = p.last().map(|r| (r.occurred_at, r.id));
            all.extend(p);
        }
        assert_eq!(all.len(), 31);
        let mut ids: Vec<_> = all.iter().map(|r| r.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 31);
        assert!(
            all.windows(2)
                .all(|w| (w[0].occurred_at, w[0].id) > (w[1].occurred_at, w[1].id))
        );
        // From the 20th back up: the 7 above it, newest first.
        let c = (all[20].occurred_at, all[20].id);
        let up = s.browse_page(&f, Some(c), Dir::Newer, 7).unwrap();
        assert_eq!(
            up.iter().map(|r| r.id).collect::<Vec<_>>(),
            all[13..20].iter().map(|r| r.id).collect::<Vec<_>>()
        );
        let drafts = Filter {
            status: Some(Status::Draft),
            ..Default::default()
        };
        assert!(s.browse_page(&drafts, None, Dir::Older, 10).unwrap().is_empty());
    }

    #[test]
    fn recorded_since_includes_late_records_and_timeline_counts_by_month() {
        let (mut s, m, first) = with_incident();
        let a = actor(&m);
        let since = s.now() + Duration::seconds(1);
        s.set_clock(Some(since + Duration::hours(1)));
        let child = s.list_children(false).unwrap()[0].clone();
        let mut r = record();
        r.uid = String::new();
        r.child_uid = child.uid.clone();
        // Happened two days ago, recorded only now.
        r.occurred_at = since - Duration::days(2);
        r.response = Response::Police;
        r.recommended = Response::Police;
        r.police = Some(crate::domain::Police {
            route: crate::domain::PoliceRoute::NonEmergency101,
            reason: crate::domain::CallReason::Behaviour,
            called_at: None,
            reference: "CAD 123".into(),
            officer: String::new(),
            attended: None,
            arrest: false,
            appropriate_adult: String::new(),
            diversion_asked: crate::domain::DiversionAsked::None,
            outcome: crate::domain::PoliceOutcome::NotYetKnown,
            court: None,
            outcome_at: None,
        });
        let late = s.save_incident(&a, r, None).unwrap();
        let got = s.recorded_since(since, 100).unwrap();
        assert_eq!(got.iter().map(|r| r.id).collect::<Vec<_>>(), vec![late]);
        assert_eq!(got[0].police_ref, "CAD 123");
        assert!(
            s.recorded_since(since - Duration::days(1), 100)
                .unwrap()
                .iter()
                .any(|r| r.id == first)
        );
        let tl = s.child_timeline(child.id, s.now(), 12).unwrap();
        assert_eq!(tl.len(), 12);
        let total: u32 = tl.iter().map(MonthCount::total).sum();
        assert_eq!(total, 2);
        assert_eq!(tl.iter().map(|m| m.police).sum::<u32>(), 1);
        assert_eq!(tl.last().unwrap().month.day(), 1);
    }
}
