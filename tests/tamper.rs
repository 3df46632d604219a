//! Tamper evidence: edits made with plain SQL outside the app (an audit row changed, removed or inserted; a
//! record changed, inserted or removed) are each found by `Store::verify`, and `concordat verify` exits
//! non-zero naming the first bad row (exit 0 when the database is sound).

mod common;
use common::fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;

use concordat::domain::{Change, CorrectableField, Role};
use concordat::store::Store;
use concordat::store::audit::hash_row;

/// A realistic small database: staff, children, incidents with entries. Returns its path.
fn pristine(dir: &Path) -> PathBuf {
    let db = dir.join("pristine.db");
    let (mut s, m, child) = fixtures::home_at(&db);
    s.add_staff(&m, "Sam Night", Role::Staff, "night shift 1").unwrap();
    let other = s.add_child(&m, &fixtures::child_input("Alex Brown")).unwrap();
    let mut last = 0;
    for (i, c) in [&child, &other.uid, &child].iter().enumerate() {
        last = s
            .save_incident(
                &m,
                fixtures::record(c, s.now(), &format!("Incident {i}: kicked a door.")),
                None,
            )
            .unwrap();
        let note = Change::Note {
            text: format!("note {i}"),
        };
        s.add_entry(&m, last, note).unwrap();
    }
    // The last write changes the record's current state (so removing its audit row shows).
    let fix = Change::Correction {
        field: CorrectableField::Location,
        value: "Lounge".into(),
        reason: "Wrong room first time".into(),
    };
    s.add_entry(&m, last, fix).unwrap();
    assert!(s.verify().unwrap().is_sound());
    drop(s);
    db
}

/// A copy of the pristine database with `sql` run on it outside the app.
fn tampered(pristine: &Path, name: &str, sql: &str) -> PathBuf {
    let p = pristine.with_file_name(format!("{name}.db"));
    std::fs::copy(pristine, &p).unwrap();
    let c = rusqlite::Connection::open(&p).unwrap();
    c.execute_batch(sql).unwrap_or_else(|e| panic!("{name}: {e}"));
    drop(c);
    p
}

fn first_problem(p: &Path) -> String {
    let s = Store::open_readonly(p).unwrap();
    let rep = s.verify().unwrap();
    assert!(!rep.is_sound(), "{} was not detected", p.display());
    rep.problems[0].clone()
}

fn verify_cli(db: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["verify", "--db"])
        .arg(db)
        .env_remove("CONCORDAT_DB")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_kind_of_edit_outside_the_app_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let p = pristine(dir.path());
    let c = rusqlite::Connection::open(&p).unwrap();
    let last: (i64, String) = c
        .query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let child1_after: String = c
        .query_row(
            "SELECT after FROM audit WHERE entity = 'children' AND entity_id = 1 ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(c);
    // An audit row inserted with a correct chain hash but content that does not match the table.
    let forged_after = child1_after.replace("Jordan Smith", "Someone Else");
    let next = last.0 + 1;
    let at = "2026-11-22T10:00:00Z";
    let h = hash_row(
        &last.1,
        next,
        at,
        Some(1),
        "Pat Manager",
        "children",
        1,
        "update",
        None,
        Some(&forged_after),
    );
    let insert_chained = format!(
        "INSERT INTO audit (id, at, staff_id, staff_name, entity, entity_id, action, before, after, prev_hash, hash) \
         VALUES ({next}, '{at}', 1, 'Pat Manager', 'children', 1, 'update', NULL, '{}', '{}', '{h}')",
        forged_after.replace('\'', "''"),
        last.1
    );
    let cases: Vec<(&str, String, &str)> = vec![
        ("audit_changed", "UPDATE audit SET staff_name = 'Someone' WHERE id = 5".into(), "Audit row 5"),
        ("audit_after_changed", "UPDATE audit SET after = replace(after, 'kicked', 'tapped') WHERE entity = 'incidents' AND id = (SELECT MIN(id) FROM audit WHERE entity = 'incidents')".into(), "was altered"),
        ("audit_removed", "DELETE FROM audit WHERE id = 7".into(), "Audit row 7 is missing"),
                // The last row of a transaction carries its signature: without it the rows before it are unsigned.
        ("audit_last_removed", format!("DELETE FROM audit WHERE id = {}", last.0), "are not signed"),
        (
            "audit_inserted",
            format!(
                "INSERT INTO audit (id, at, staff_id, staff_name, entity, entity_id, action, before, after, prev_hash, hash) \
                 VALUES ({next}, '{at}', 1, 'Pat Manager', 'staff', 2, 'update', NULL, NULL, '{}', 'feed')",
                last.1
            ),
            "was altered",
        ),
        // A row chained with the published algorithm but signed by nobody: the file alone cannot sign.
        ("audit_inserted_chained", insert_chained, "are not signed"),
        ("child_changed", "UPDATE children SET yos_open = 1 WHERE id = 2".into(), "children row 2 differs"),
        ("incident_changed", "UPDATE incidents SET response = 'police' WHERE id = 1".into(), "incidents row 1 differs"),
        ("incident_current_changed", "UPDATE incidents SET current = json_set(current, '$.location', 'Garden') WHERE id = 3".into(), "incidents row 3 differs"),
        // Row 1 was amended after it was saved: its record is checked against the saved copy, not the amendment.
        ("amended_incident_record_changed", "UPDATE incidents SET record = json_set(record, '$.location', 'Garden') WHERE id = 1".into(), "incidents row 1 differs"),
        ("incident_record_changed", "UPDATE incidents SET record = replace(record, 'kicked', 'punched') WHERE id = 2".into(), "incidents row 2 differs"),
        ("staff_changed", "UPDATE staff SET role = 'manager' WHERE id = 2".into(), "staff row 2 differs"),
        ("entry_changed", "UPDATE entries SET change = replace(change, 'note 1', 'nothing') WHERE id = 2".into(), "entries row 2 differs"),
        (
            "child_inserted",
            "INSERT INTO children (uid, home_uid, name, dob, gender, ethnicity, legal_status, admitted) \
             SELECT 'x1', home_uid, 'Ghost Child', dob, gender, ethnicity, legal_status, admitted FROM children WHERE id = 1"
                .into(),
            "children row 3 has no audit record",
        ),
        (
            "incident_inserted",
            "INSERT INTO incidents (uid, home_uid, child_id, occurred_at, recorded_at, recorded_by, status, response, categories, summary, updated_at, record, current) \
             SELECT 'x2', home_uid, child_id, occurred_at, recorded_at, recorded_by, status, response, categories, summary, updated_at, record, current FROM incidents WHERE id = 1"
                .into(),
            "incidents row 4 has no audit record",
        ),
        ("incident_removed", "DELETE FROM entries WHERE incident_id = 2; DELETE FROM incidents WHERE id = 2".into(), "row 2 is in the audit trail but missing"),
        ("entry_removed", "DELETE FROM entries WHERE id = 3".into(), "entries row 3 is in the audit trail but missing"),
        (
            "staff_removed",
            "DELETE FROM signing_keys WHERE staff_id = 2; DELETE FROM staff_must_change WHERE id = 2; DELETE FROM staff WHERE id = 2".into(),
            "is in the audit trail but missing",
        ),
    ];
    for (name, sql, want) in &cases {
        let t = tampered(&p, name, sql);
        let first = first_problem(&t);
        assert!(first.contains(want), "{name}: expected '{want}' in: {first}");
    }
    eprintln!("tamper: {} kinds of edit detected", cases.len());
}

#[test]
fn verify_command_exits_non_zero_naming_the_first_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = pristine(dir.path());
    let before = std::fs::read(&p).unwrap();
    let (ok, out, err) = verify_cli(&p);
    assert!(ok, "sound database should pass: {out} {err}");
    assert!(out.contains("sound"), "{out}");
    assert_eq!(std::fs::read(&p).unwrap(), before, "verify changes nothing");
    let t = tampered(&p, "cli", "UPDATE children SET name = 'Changed' WHERE id = 1");
    let (ok, out, err) = verify_cli(&t);
    assert!(!ok, "tampered database must fail: {out}");
    assert!(err.contains("NOT sound") && err.contains("children row 1"), "{err}");
    let t = tampered(&p, "cli2", "DELETE FROM audit WHERE id = 4");
    let (ok, _, err) = verify_cli(&t);
    assert!(!ok);
    assert!(err.contains("Audit row 4"), "{err}");
}
