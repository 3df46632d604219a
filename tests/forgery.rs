//! Forgery: someone who holds the database file and knows the published algorithm, but no member of staff's
//! passphrase, edits it with SQL and recomputes the audit chain. Each edit must show in `verify`, or (a rewrite
//! of the whole chain, a tail cut off) in `verify --anchors` against manifests kept elsewhere; a legitimate
//! history must verify sound.

mod common;
use common::fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Datelike;
use concordat::domain::{Change, Role};
use concordat::export;
use concordat::store::audit::hash_row;
use concordat::store::verify::check_anchors;
use concordat::store::{Actor, Store};
use concordat::time::Period;
use ring::signature::{Ed25519KeyPair, KeyPair};
use rusqlite::{Connection, params};

fn this_week(s: &Store) -> Period {
    let w = s.now().iso_week();
    Period::parse_week(&format!("{}-W{:02}", w.year(), w.week())).unwrap()
}

/// A home with a member of staff, two incidents with entries, and a weekly export whose manifest (the anchor)
/// is kept in `yos`. Returns the database's path and incident ids.
fn history(dir: &Path, yos: &Path) -> (PathBuf, i64, i64) {
    let db = dir.join("home.db");
    let (mut s, m, child) = fixtures::home_at(&db);
    let sam = s.add_staff(&m, "Sam Night", Role::Staff, "night shift 1").unwrap();
    let w = s.signer_for(sam.id, "night shift 1").unwrap();
    let first = s
        .save_incident(&w, fixtures::record(&child, s.now(), "Kicked a door."), None)
        .unwrap();
    s.add_entry(
        &m,
        first,
        Change::Note {
            text: "Spoke to him.".into(),
        },
    )
    .unwrap();
    let second = s
        .save_incident(&m, fixtures::record(&child, s.now(), "Threw a cup."), None)
        .unwrap();
    let p = this_week(&s);
    export::write(&mut s, &m, &p, yos).unwrap();
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{rep:?}");
    (db, first, second)
}

fn problems(db: &Path) -> Vec<String> {
    Store::open_readonly(db).unwrap().verify().unwrap().problems
}

/// The attacker's own tools: the published chain algorithm and SQL.
struct Row {
    id: i64,
    at: String,
    staff_id: Option<i64>,
    staff_name: String,
    entity: String,
    entity_id: i64,
    action: String,
    before: Option<String>,
    after: Option<String>,
    signer: Option<i64>,
    sig: Option<String>,
}

fn rows(c: &Connection) -> Vec<Row> {
    let mut s = c
        .prepare(
            "SELECT id, at, staff_id, staff_name, entity, entity_id, action, before, after, signer, sig \
             FROM audit ORDER BY id",
        )
        .unwrap();
    s.query_map([], |r| {
        Ok(Row {
            id: r.get(0)?,
            at: r.get(1)?,
            staff_id: r.get(2)?,
            staff_name: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            action: r.get(6)?,
            before: r.get(7)?,
            after: r.get(8)?,
            signer: r.get(9)?,
            sig: r.get(10)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn hash_of(prev: &str, r: &Row) -> String {
    hash_row(
        prev,
        r.id,
        &r.at,
        r.staff_id,
        &r.staff_name,
        &r.entity,
        r.entity_id,
        &r.action,
        r.before.as_deref(),
        r.after.as_deref(),
    )
}

/// Append a row chained to the last (and signed with `key` under key id `signer`, if given).
#[allow(clippy::too_many_arguments)]
fn append(
    c: &Connection,
    staff: (Option<i64>, &str),
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
    sign: Option<(i64, &Ed25519KeyPair)>,
) {
    let (last_id, prev): (i64, String) = c
        .query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let r = Row {
        id: last_id + 1,
        at: "2026-11-20T10:00:00Z".into(),
        staff_id: staff.0,
        staff_name: staff.1.into(),
        entity: entity.into(),
        entity_id,
        action: action.into(),
        before: before.map(str::to_string),
        after: after.map(str::to_string),
        signer: None,
        sig: None,
    };
    let h = hash_of(&prev, &r);
    let (signer, sig) = match sign {
        Some((k, pair)) => (Some(k), Some(sign_hash(pair, k, &h))),
        None => (None, None),
    };
    c.execute(
        "INSERT INTO audit (id, at, staff_id, staff_name, entity, entity_id, action, before, after, prev_hash, \
         hash, signer, sig) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            r.id,
            r.at,
            r.staff_id,
            r.staff_name,
            r.entity,
            r.entity_id,
            r.action,
            r.before,
            r.after,
            prev,
            h,
            signer,
            sig
        ],
    )
    .unwrap();
}

/// The signature format is published too: only the private key is missing.
fn sign_hash(pair: &Ed25519KeyPair, key_id: i64, hash: &str) -> String {
    hex::encode(
        pair.sign(format!("concordat audit signature v1\n{key_id}\n{hash}").as_bytes())
            .as_ref(),
    )
}

fn attacker_key(n: u8) -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed_unchecked(&[n; 32]).unwrap()
}

fn copy(db: &Path, name: &str) -> PathBuf {
    let p = db.with_file_name(format!("{name}.db"));
    std::fs::copy(db, &p).unwrap();
    p
}

fn verify_cli(db: &Path, anchors: Option<&Path>) -> (bool, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_concordat"));
    c.args(["verify", "--db"]).arg(db).env_remove("CONCORDAT_DB");
    if let Some(a) = anchors {
        c.arg("--anchors").arg(a);
    }
    let out = c.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_changed_response_with_the_chain_recomputed_is_not_sound() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, first, _) = history(dir.path(), yos.path());
    // Unsigned: the attacker has no key at all.
    let p = copy(&db, "unsigned");
    let c = Connection::open(&p).unwrap();
    c.execute("UPDATE incidents SET response = 'police' WHERE id = ?1", [first])
        .unwrap();
    append(
        &c,
        (Some(1), "Pat Manager"),
        "incidents",
        first,
        "amend",
        Some(&format!("{{\"id\":{first},\"response\":\"in_house\"}}")),
        Some(&format!("{{\"id\":{first},\"response\":\"police\"}}")),
        None,
    );
    drop(c);
    let ps = problems(&p);
    assert!(ps.first().is_some_and(|m| m.contains("are not signed")), "{ps:?}");
    // "Signed" with a key of the attacker's own under the manager's key id: the signature does not match.
    let p = copy(&db, "forged_sig");
    let c = Connection::open(&p).unwrap();
    c.execute("UPDATE incidents SET response = 'police' WHERE id = ?1", [first])
        .unwrap();
    append(
        &c,
        (Some(1), "Pat Manager"),
        "incidents",
        first,
        "amend",
        Some(&format!("{{\"id\":{first},\"response\":\"in_house\"}}")),
        Some(&format!("{{\"id\":{first},\"response\":\"police\"}}")),
        Some((1, &attacker_key(7))),
    );
    drop(c);
    let ps = problems(&p);
    assert!(ps.first().is_some_and(|m| m.contains("does not match")), "{ps:?}");
    let (ok, out) = verify_cli(&p, None);
    assert!(!ok && out.contains("NOT sound"), "{out}");
}

#[test]
fn a_manager_added_with_the_attackers_own_key_is_not_sound() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, _, _) = history(dir.path(), yos.path());
    let eve = attacker_key(9);
    let eve_pub = hex::encode(eve.public_key().as_ref());
    for (name, signer_of_registration) in [("self_signed", None), ("signed_as_manager", Some(1))] {
        let p = copy(&db, name);
        let c = Connection::open(&p).unwrap();
        c.execute(
            "INSERT INTO staff (id, name, role, pass_hash, created_at) VALUES (90, 'Eve Boss', 'manager', 'x', \
             '2026-11-20T10:00:00Z')",
            [],
        )
        .unwrap();
        let staff_row = c
            .query_row("SELECT json_object('id', id, 'name', name, 'role', role, 'pass_hash', pass_hash, 'active', active, 'deactivated_reason', deactivated_reason, 'failed_attempts', failed_attempts, 'locked_until', locked_until, 'created_at', created_at) FROM staff WHERE id = 90", [], |r| r.get::<_, String>(0))
            .unwrap();
        append(
            &c,
            (Some(90), "Eve Boss"),
            "staff",
            90,
            "insert",
            None,
            Some(&staff_row),
            None,
        );
        c.execute(
            "INSERT INTO signing_keys (id, staff_id, holder, purpose, public_key, created_at) VALUES \
             (90, 90, 'Eve Boss', 'staff', ?1, '2026-11-20T10:00:00Z')",
            [&eve_pub],
        )
        .unwrap();
        let key_row = c
            .query_row("SELECT json_object('id', id, 'staff_id', staff_id, 'holder', holder, 'purpose', purpose, 'public_key', public_key, 'created_at', created_at) FROM signing_keys WHERE id = 90", [], |r| r.get::<_, String>(0))
            .unwrap();
        let sign = match signer_of_registration {
            None => (90, &eve),
            Some(k) => (k, &eve),
        };
        append(
            &c,
            (Some(90), "Eve Boss"),
            "signing_keys",
            90,
            "insert",
            None,
            Some(&key_row),
            Some(sign),
        );
        // And a row Eve "signs" afterwards.
        c.execute("UPDATE children SET yos_open = 1 WHERE id = 1", []).unwrap();
        append(
            &c,
            (Some(90), "Eve Boss"),
            "children",
            1,
            "update",
            Some("{\"id\":1,\"yos_open\":0}"),
            Some("{\"id\":1,\"yos_open\":1}"),
            Some((90, &eve)),
        );
        drop(c);
        let ps = problems(&p);
        assert!(
            ps.first()
                .is_some_and(|m| m.contains("not a valid key") || m.contains("does not match")),
            "{name}: {ps:?}"
        );
    }
}

/// Rewrite the whole chain from the start: drop every transaction that touched `incident` (and the incident and
/// its entries), give every key holder a key of the attacker's, renumber, rehash and re-sign. With the file alone
/// this is indistinguishable from a real history; only an anchor kept elsewhere shows it.
fn rewrite_without(db: &Path, incident: i64) {
    let c = Connection::open(db).unwrap();
    let all = rows(&c);
    let about = |r: &Row| {
        (r.entity == "incidents" && r.entity_id == incident)
            || (r.entity == "entries"
                && r.after
                    .as_deref()
                    .is_some_and(|a| serde_json::from_str::<serde_json::Value>(a).unwrap()["incident_id"] == incident))
    };
    // Whole transactions: rows up to and including a signed row (or an unsigned row on its own).
    let mut groups: Vec<Vec<Row>> = vec![];
    let mut cur = vec![];
    for r in all {
        let signed = r.sig.is_some();
        cur.push(r);
        if signed || cur.len() == 1 && cur[0].sig.is_none() && cur[0].entity == "staff" {
            groups.push(std::mem::take(&mut cur));
        }
    }
    assert!(cur.is_empty());
    let kept: Vec<Row> = groups.into_iter().filter(|g| !g.iter().any(about)).flatten().collect();
    let mut keys = std::collections::HashMap::new();
    c.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM audit;")
        .unwrap();
    c.execute("DELETE FROM entries WHERE incident_id = ?1", [incident])
        .unwrap();
    c.execute("DELETE FROM incidents WHERE id = ?1", [incident]).unwrap();
    let mut prev = "0".repeat(64);
    for (i, mut r) in kept.into_iter().enumerate() {
        r.id = i as i64 + 1;
        if r.entity == "signing_keys" && r.action == "insert" {
            let pair = attacker_key(100 + r.entity_id as u8);
            let public = hex::encode(pair.public_key().as_ref());
            let mut a: serde_json::Value = serde_json::from_str(r.after.as_deref().unwrap()).unwrap();
            a["public_key"] = public.clone().into();
            r.after = Some(a.to_string());
            c.execute(
                "UPDATE signing_keys SET public_key = ?1 WHERE id = ?2",
                params![public, r.entity_id],
            )
            .unwrap();
            keys.insert(r.entity_id, pair);
        }
        let h = hash_of(&prev, &r);
        let sig = r.signer.map(|k| sign_hash(&keys[&k], k, &h));
        c.execute(
            "INSERT INTO audit (id, at, staff_id, staff_name, entity, entity_id, action, before, after, prev_hash, \
             hash, signer, sig) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                r.id,
                r.at,
                r.staff_id,
                r.staff_name,
                r.entity,
                r.entity_id,
                r.action,
                r.before,
                r.after,
                prev,
                h,
                r.signer,
                sig
            ],
        )
        .unwrap();
        prev = h;
    }
}

#[test]
fn an_incident_deleted_and_the_whole_chain_rewritten_is_caught_by_an_earlier_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, _, second) = history(dir.path(), yos.path());
    let p = copy(&db, "rewritten");
    rewrite_without(&p, second);
    // By itself the rewritten file is consistent: this is what the file alone cannot show.
    let s = Store::open_readonly(&p).unwrap();
    assert!(s.incident(second).is_err(), "the incident is gone");
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{rep:?}");
    // The manifest written before the rewrite does not match it.
    let a = check_anchors(&s, yos.path()).unwrap();
    assert_eq!(a.checked, 1);
    assert!(
        a.problems
            .first()
            .is_some_and(|m| m.contains(".manifest.json") && m.contains("rewritten")),
        "{a:?}"
    );
    let (ok, out) = verify_cli(&p, Some(yos.path()));
    assert!(
        !ok && out.contains("NOT sound") && out.contains(".manifest.json"),
        "{out}"
    );
    // The untouched file matches its anchors.
    let (ok, out) = verify_cli(&db, Some(yos.path()));
    assert!(ok && out.contains("1 manifest anchor(s) match"), "{out}");
}

#[test]
fn a_tail_cut_off_is_caught_by_an_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, _, _) = history(dir.path(), yos.path());
    // Later work, a handover sheet printed (its anchor), then another export whose manifest is kept.
    let mut s = Store::open(&db).unwrap();
    let m = fixtures::manager(&s);
    let child = fixtures::first_child_uid(&s);
    let late = s
        .save_incident(&m, fixtures::record(&child, s.now(), "Broke a window."), None)
        .unwrap();
    let sheet = concordat::print::handover_text(
        &s.handover_sheet(s.now(), concordat::store::handover::Window::SinceHandover)
            .unwrap(),
        "Oak House",
    );
    let head = s.chain_anchor().unwrap();
    assert!(
        sheet.contains(&format!("Audit anchor: row {}, {}", head.audit_id, head.hash)),
        "{sheet}"
    );
    let p = this_week(&s);
    export::write(&mut s, &m, &p, yos.path()).unwrap();
    drop(s);
    // Cut the file back to before the late incident: whole transactions at the end, so the rest is consistent.
    let cut = copy(&db, "cut");
    let c = Connection::open(&cut).unwrap();
    let from: i64 = c
        .query_row(
            "SELECT MIN(id) FROM audit WHERE entity = 'incidents' AND entity_id = ?1",
            [late],
            |r| r.get(0),
        )
        .unwrap();
    c.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; DELETE FROM audit WHERE id >= {from}; DELETE FROM incidents WHERE id = {late}; \
         DELETE FROM exports WHERE id = (SELECT MAX(id) FROM exports);"
    ))
    .unwrap();
    drop(c);
    let s = Store::open_readonly(&cut).unwrap();
    let rep = s.verify().unwrap();
    assert!(
        rep.is_sound(),
        "cut at a transaction's end, the file alone looks whole: {rep:?}"
    );
    let a = check_anchors(&s, yos.path()).unwrap();
    assert_eq!(a.checked, 2);
    assert!(
        a.problems
            .iter()
            .any(|m| m.contains("is missing") && m.contains("-v2.manifest.json")),
        "{a:?}"
    );
}

#[test]
fn a_legitimate_history_verifies_sound_and_scheduled_exports_sign_only_exports() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, first, _) = history(dir.path(), yos.path());
    let mut s = Store::open(&db).unwrap();
    let m = fixtures::manager(&s);
    // A reset by the manager, then the person signs in with the new passphrase and writes.
    let sam = s
        .list_staff(false)
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Sam Night")
        .unwrap();
    s.reset_passphrase(&m, sam.id, "new night shift").unwrap();
    assert!(
        s.signer_for(sam.id, "night shift 1").is_err(),
        "the old passphrase no longer unlocks"
    );
    let w = match s.sign_in(sam.id, "new night shift").unwrap() {
        concordat::store::staff::SignIn::Ok(x) => x.actor,
        other => panic!("{other:?}"),
    };
    assert!(w.signer.is_some());
    assert!(!format!("{w:?}").contains("pair"), "the key is never Debug-printed");
    s.add_entry(
        &w,
        first,
        Change::Note {
            text: "Calmer today.".into(),
        },
    )
    .unwrap();
    // A scheduled export, authorised by the manager.
    let secret = s.authorise_scheduled_export(&m).unwrap();
    let sched = s.scheduled_actor(&secret).unwrap();
    assert!(sched.name.starts_with("scheduled export, authorised by Pat Manager"));
    assert!(s.scheduled_actor(&"00".repeat(32)).is_err());
    let p = this_week(&s);
    export::write(&mut s, &sched, &p, yos.path()).unwrap();
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{rep:?}");
    assert_eq!(rep.before_signing, 0);
    assert!(check_anchors(&s, yos.path()).unwrap().problems.is_empty());
    drop(s);
    // An actor without a key (or the scheduled key used for anything but an export) shows.
    let unsigned = Actor::staff(m.staff_id.unwrap(), &m.name, m.role);
    let mut t = Store::open(&copy(&db, "unsigned_write")).unwrap();
    t.add_entry(&unsigned, first, Change::Note { text: "x".into() })
        .unwrap();
    assert!(t.verify().unwrap().problems[0].contains("are not signed"));
    let mut t = Store::open(&copy(&db, "scheduled_misused")).unwrap();
    let sched = t.scheduled_actor(&secret).unwrap();
    t.add_entry(&sched, first, Change::Note { text: "x".into() }).unwrap();
    assert!(
        t.verify().unwrap().problems[0].contains("may not sign it"),
        "{:?}",
        t.verify().unwrap()
    );
}

#[test]
fn wrong_passphrases_are_recorded_unsigned_and_nothing_else_may_be() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, _, _) = history(dir.path(), yos.path());
    let mut s = Store::open(&db).unwrap();
    for _ in 0..3 {
        assert!(!matches!(
            s.sign_in(1, "not the passphrase").unwrap(),
            concordat::store::staff::SignIn::Ok(_)
        ));
    }
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{rep:?}");
    drop(s);
    // The same unsigned kind of row changing anything else (here the role) is not allowed.
    let c = Connection::open(&db).unwrap();
    c.execute(
        "UPDATE staff SET role = 'manager', failed_attempts = 0 WHERE id = 2",
        [],
    )
    .unwrap();
    append(
        &c,
        (Some(2), "Sam Night"),
        "staff",
        2,
        "wrong_passphrase",
        Some("{\"id\":2,\"role\":\"staff\"}"),
        Some("{\"id\":2,\"role\":\"manager\"}"),
        None,
    );
    drop(c);
    assert!(problems(&db)[0].contains("are not signed"));
}

#[test]
fn an_edited_name_cannot_draw_on_the_terminal_through_verify() {
    let dir = tempfile::tempdir().unwrap();
    let yos = tempfile::tempdir().unwrap();
    let (db, _, _) = history(dir.path(), yos.path());
    let c = Connection::open(&db).unwrap();
    // A name that would clear the line and print a fake verdict.
    c.execute(
        "UPDATE audit SET staff_name = 'Pat' || char(27) || '[2K' || char(13) || 'home.db: sound.' WHERE id = 3",
        [],
    )
    .unwrap();
    drop(c);
    let ps = problems(&db);
    assert!(ps[0].contains("Audit row 3"), "{ps:?}");
    assert!(!ps[0].contains('\u{1b}') && !ps[0].contains('\r'), "{:?}", ps[0]);
    let (ok, out) = verify_cli(&db, None);
    assert!(!ok && !out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
}
