//! The queries behind the handover, the browser and the lists must not read the whole incidents table: at a
//! million incidents a full scan costs seconds. Each query's plan (EXPLAIN QUERY PLAN) is checked here.
//!
//! The SQL is the store's own: the test calls the store methods, then reads back every statement they left
//! prepared in the connection's statement cache (`sqlite3_next_stmt`). The few methods that prepare without
//! the cache (`query_row`) are checked with their SQL copied below; `copied_sql_is_current` makes sure the
//! copies still match the source file.

use chrono::Duration;
use concordat::domain::{Category, Response, Status};
use concordat::store::browse::Dir;
use concordat::store::incidents::Filter;
use concordat::store::{Actor, Store};

/// A demo database, reopened so that the statement cache holds only what the reads below prepare.
fn demo(dir: &tempfile::TempDir) -> Store {
    let p = dir.path().join("plans.db");
    let mut s = Store::open(&p).unwrap();
    concordat::demo::generate(&mut s, 12, 200, 3).unwrap();
    drop(s);
    Store::open(&p).unwrap()
}

/// Every statement currently prepared on the store's connection.
fn prepared_sql(s: &Store) -> Vec<String> {
    s.prepared_statements()
}

/// The plan's lines, e.g. "SEARCH i USING INDEX incidents_time (occurred_at<?)".
fn plan(s: &Store, sql: &str) -> Vec<String> {
    s.query_plan(sql).unwrap()
}

/// A full scan of incidents (or entries/audit): "SCAN i" with no index. A walk of an index in the query's
/// order ("SCAN i USING INDEX incidents_time") stops at the page's LIMIT and is allowed.
fn full_scans(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| {
            let l = l.as_str();
            let big = ["SCAN i", "SCAN incidents", "SCAN entries", "SCAN audit", "SCAN e"];
            big.iter()
                .any(|b| l == *b || (l.starts_with(&format!("{b} ")) && !l.contains("INDEX")))
        })
        .cloned()
        .collect()
}

const CHILD_COUNT_SQL: &str = "SELECT COUNT(*) FROM incidents WHERE child_id = ?1 AND occurred_at >= ?2";
const LAST_HANDOVER_SQL: &str = "SELECT id, acknowledged_at, acknowledged_by, covers_from, note, note_by FROM handovers \
                                 ORDER BY acknowledged_at DESC, id DESC LIMIT 1";
const INCIDENT_SQL: &str = "SELECT record, current, child_id FROM incidents WHERE id = ?1";

#[test]
fn copied_sql_is_current() {
    let src = [
        include_str!("../src/store/incidents.rs"),
        include_str!("../src/store/handover.rs"),
    ]
    .concat()
    .replace("\\\n", "")
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ");
    for q in [CHILD_COUNT_SQL, LAST_HANDOVER_SQL, INCIDENT_SQL] {
        let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(src.contains(&q), "the store no longer runs: {q}");
    }
}

#[test]
fn handover_and_browser_queries_use_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo(&dir);
    let manager = s.list_staff(false).unwrap()[0].clone();
    let actor = Actor::staff(manager.id, &manager.name, manager.role);
    let child = s.list_children(false).unwrap()[0].clone();
    let now = s.now();
    let filters = vec![
        Filter::default(),
        Filter {
            child_id: Some(child.id),
            ..Default::default()
        },
        Filter {
            from: Some(now - Duration::days(7)),
            to: Some(now),
            ..Default::default()
        },
        Filter {
            category: Some(Category::Violence),
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
            child_id: Some(child.id),
            response: Some(Response::InHouse),
            from: Some(now - Duration::days(400)),
            ..Default::default()
        },
    ];
    // The statement cache holds only a few statements: collect what each call prepared straight after it.
    let mut seen = std::collections::BTreeSet::new();
    let mut harvest = |s: &Store| {
        seen.extend(
            prepared_sql(s)
                .into_iter()
                .filter(|q| q.trim_start().to_uppercase().starts_with("SELECT")),
        )
    };
    for f in &filters {
        let p1 = s.incident_page(f, None, 50).unwrap();
        harvest(&s);
        let last = p1.last().map(|l| (l.occurred_at, l.id)).unwrap_or((now, i64::MAX));
        s.incident_page(f, Some(last), 50).unwrap();
        harvest(&s);
        // The browser's bounded pages (a window of incidents, then the page within it), both ways.
        s.browse_scan(f, None, Dir::Older, 40).unwrap();
        harvest(&s);
        s.browse_scan(f, Some(last), Dir::Newer, 40).unwrap();
        harvest(&s);
    }
    s.open_incidents(200).unwrap();
    s.handover_notes_since(now - Duration::hours(12)).unwrap();
    s.open_drafts(&actor, "incident").unwrap();
    s.child_incident_count(child.id, 90).unwrap();
    s.last_handover().unwrap();
    harvest(&s);
    let mut sqls: Vec<String> = seen.into_iter().collect();
    let pages = sqls
        .iter()
        .filter(|q| q.contains("ORDER BY i.occurred_at DESC"))
        .count();
    assert!(
        pages >= 2 * filters.len(),
        "every page query, with and without a cursor"
    );
    assert!(
        sqls.iter().any(|q| q.contains("OFFSET")) && sqls.iter().any(|q| q.contains("ORDER BY i.occurred_at ASC")),
        "the bounded search's window and upward pages were checked too"
    );
    assert!(
        sqls.iter()
            .any(|q| q.contains("open_actions > 0 ORDER BY i.occurred_at LIMIT"))
    );
    assert!(sqls.iter().any(|q| q.contains("FROM handover_notes")));
    assert!(sqls.iter().any(|q| q.contains("FROM drafts")));
    sqls.extend([CHILD_COUNT_SQL, LAST_HANDOVER_SQL, INCIDENT_SQL].map(String::from));
    let mut problems = Vec::new();
    for q in &sqls {
        let lines = plan(&s, q);
        eprintln!("{q}\n  -> {lines:?}");
        let scans = full_scans(&lines);
        if !scans.is_empty() {
            problems.push(format!("{q}\n  -> {lines:?}"));
        }
        // A page must come out of an index in order, never by sorting every match.
        if q.contains("FROM incidents") && q.contains("LIMIT") && lines.iter().any(|l| l.contains("TEMP B-TREE")) {
            problems.push(format!(
                "sorts instead of reading an index in order: {q}\n  -> {lines:?}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "queries that read every row:\n{}",
        problems.join("\n")
    );
}
