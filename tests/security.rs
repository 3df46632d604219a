//! Security properties, tested through the library: passphrases are hashed with argon2id and sound
//! parameters; the lock-out after repeated wrong passphrases survives restarting the app; roles are enforced
//! by the store itself, not only by the screens.

mod common;
use common::fixtures;

use concordat::domain::{Change, Role};
use concordat::store::staff::{SignIn, hash_passphrase};
use concordat::store::{Store, StoreError};

/// The PHC string's parameters, e.g. `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`.
fn params(phc: &str) -> (String, u32, u32, u32, u32) {
    let parts: Vec<&str> = phc.split('$').collect();
    assert_eq!(parts.len(), 6, "{phc}");
    let v: u32 = parts[2].strip_prefix("v=").unwrap().parse().unwrap();
    let mut m = 0;
    let mut t = 0;
    let mut p = 0;
    for kv in parts[3].split(',') {
        let (k, x) = kv.split_once('=').unwrap();
        let x: u32 = x.parse().unwrap();
        match k {
            "m" => m = x,
            "t" => t = x,
            "p" => p = x,
            _ => {}
        }
    }
    (parts[1].to_string(), v, m, t, p)
}

#[test]
fn passphrases_are_argon2id_with_sound_parameters() {
    let h = hash_passphrase("correct horse").unwrap();
    let (alg, v, m, t, p) = params(&h);
    assert_eq!(alg, "argon2id");
    assert_eq!(v, 19);
    // OWASP minimum for argon2id: 19 MiB memory with 2 passes (or more memory / passes).
    assert!(m >= 19 * 1024, "memory {m} KiB");
    assert!(t >= 2 || m >= 46 * 1024, "passes {t}");
    assert!(p >= 1);
    assert!(!h.contains("correct horse"));
    // Salted: the same passphrase hashes differently each time.
    assert_ne!(h, hash_passphrase("correct horse").unwrap());
    // And what is stored for an account is such a hash, never the passphrase.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    drop(fixtures::home_at(&db));
    let c = rusqlite::Connection::open(&db).unwrap();
    let stored: String = c
        .query_row("SELECT pass_hash FROM staff WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(params(&stored).0, "argon2id");
    let bytes = std::fs::read(&db).unwrap();
    assert!(
        !bytes
            .windows(fixtures::PASS.len())
            .any(|w| w == fixtures::PASS.as_bytes())
    );
}

#[test]
fn lock_out_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (s, a, _) = fixtures::home_at(&db);
    let id = a.staff_id.unwrap();
    drop(s);
    // Each wrong try in a fresh "start of the app".
    for left in (1..5).rev() {
        let mut s = Store::open(&db).unwrap();
        assert_eq!(
            s.sign_in(id, "wrong guess").unwrap(),
            SignIn::Wrong { tries_left: left }
        );
    }
    {
        let mut s = Store::open(&db).unwrap();
        assert!(matches!(s.sign_in(id, "wrong guess").unwrap(), SignIn::Locked { .. }));
    }
    // Restarting does not lift the lock, even for the right passphrase.
    let mut s = Store::open(&db).unwrap();
    assert!(matches!(s.sign_in(id, fixtures::PASS).unwrap(), SignIn::Locked { .. }));
    assert_eq!(s.staff_by_id(id).unwrap().failed_attempts, 5);
    // After the lock-out time it opens again.
    let later = s.now() + chrono::Duration::minutes(6);
    s.set_clock(Some(later));
    assert!(matches!(s.sign_in(id, fixtures::PASS).unwrap(), SignIn::Ok(_)));
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn roles_are_enforced_by_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (mut s, m, child) = fixtures::home_at(&db);
    let worker = s.add_staff(&m, "Sam Night", Role::Staff, "night shift 1").unwrap();
    let senior = s.add_staff(&m, "Lee Senior", Role::Senior, "shift lead 1").unwrap();
    let w = s.signer_for(worker.id, "night shift 1").unwrap();
    let sl = s.signer_for(senior.id, "shift lead 1").unwrap();
    let id = s
        .save_incident(&w, fixtures::record(&child, s.now(), "Kicked a door."), None)
        .unwrap();
    let audit_before = s.audit_count().unwrap();
    for who in [&w, &sl] {
        let sign = Change::SignOff { comment: "ok".into() };
        assert!(matches!(s.add_entry(who, id, sign), Err(StoreError::NotAllowed(_))));
        let spoke = Change::SpokeToStaff { at: s.now() };
        assert!(matches!(s.add_entry(who, id, spoke), Err(StoreError::NotAllowed(_))));
        assert!(matches!(
            s.add_staff(who, "New Person", Role::Manager, "12345678"),
            Err(StoreError::NotAllowed(_))
        ));
        assert!(matches!(
            s.set_role(who, who.staff_id.unwrap(), Role::Manager),
            Err(StoreError::NotAllowed(_))
        ));
        assert!(matches!(
            s.reset_passphrase(who, m.staff_id.unwrap(), "12345678"),
            Err(StoreError::NotAllowed(_))
        ));
        assert!(matches!(
            s.deactivate_staff(who, m.staff_id.unwrap(), "x"),
            Err(StoreError::NotAllowed(_))
        ));
        assert!(matches!(
            s.set_setting(who, "idle_lock_minutes", "240"),
            Err(StoreError::NotAllowed(_))
        ));
    }
    // Nothing was written by the refused attempts.
    assert_eq!(s.audit_count().unwrap(), audit_before);
    assert_eq!(s.setting("idle_lock_minutes").unwrap(), "10");
    assert!(s.incident(id).unwrap().current.review.signed_at.is_none());
    // Staff can still add ordinary information, and the manager can sign.
    s.add_entry(
        &w,
        id,
        Change::Note {
            text: "Calm now.".into(),
        },
    )
    .unwrap();
    s.add_entry(
        &m,
        id,
        Change::SignOff {
            comment: "Spoke to Sam.".into(),
        },
    )
    .unwrap();
    assert!(s.incident(id).unwrap().current.review.signed_at.is_some());
    assert!(s.verify().unwrap().is_sound());
}

/// Today anyone at the PC could lock out the only manager again and again, and the audit rows read as the
/// manager's own. Now wrong passphrases are recorded by nobody's name, the wait they cause is capped, and the
/// manager's recovery code works while it runs, across restarts of the app.
#[test]
fn nobody_can_shut_out_the_only_manager_and_the_audit_says_who_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (id, code) = {
        let mut s = Store::open(&db).unwrap();
        let (m, code) = s
            .setup_with_recovery(&concordat::store::staff::Setup {
                home_name: "Oak House",
                ofsted_urn: "",
                manager_name: "Pat Manager",
                passphrase: fixtures::PASS,
            })
            .unwrap();
        (m.id, code)
    };
    let start = chrono::Utc::now();
    let mut longest = chrono::Duration::zero();
    for i in 0..15 {
        let mut s = Store::open(&db).unwrap();
        let now = start + chrono::Duration::minutes(10 * i);
        s.set_clock(Some(now));
        if let SignIn::Locked { until } = s.sign_in(id, "wrong guess").unwrap() {
            longest = longest.max(until - now);
        }
    }
    assert!(longest <= chrono::Duration::minutes(5), "{longest}");
    let c = rusqlite::Connection::open(&db).unwrap();
    let rows: Vec<(Option<i64>, String, String)> = c
        .prepare("SELECT staff_id, staff_name, action FROM audit WHERE action LIKE 'wrong passphrase%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 15);
    for (staff_id, name, action) in &rows {
        assert_eq!((*staff_id, name.as_str()), (None, "someone at the PC"));
        assert!(action.starts_with("wrong passphrase typed for Pat Manager"), "{action}");
    }
    // The manager is let in by the recovery code while the wait runs, with a new passphrase.
    let mut s = Store::open(&db).unwrap();
    let now = start + chrono::Duration::minutes(140);
    s.set_clock(Some(now));
    assert!(matches!(s.sign_in(id, "wrong guess").unwrap(), SignIn::Locked { .. }));
    assert!(matches!(s.sign_in(id, fixtures::PASS).unwrap(), SignIn::Locked { .. }));
    assert!(matches!(
        s.recover(id, &code, "a brand new phrase").unwrap(),
        concordat::store::staff::Recover::Ok { .. }
    ));
    assert!(matches!(s.sign_in(id, "a brand new phrase").unwrap(), SignIn::Ok(_)));
    assert!(s.verify().unwrap().is_sound());
}
