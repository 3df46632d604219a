//! The tests of accounts, signing in and recovery codes.

use super::*;
use chrono::Duration;

pub fn set_up() -> (Store, SignedIn) {
    let mut s = Store::open_in_memory().unwrap();
    let m = s
        .setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC123456",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    (s, m)
}

/// Who writes in these tests: the signed-in manager's signing actor, or (a `Staff` alone) an unsigned one.
pub trait AsActor {
    fn as_actor(&self) -> Actor;
}
impl AsActor for Staff {
    fn as_actor(&self) -> Actor {
        Actor::staff(self.id, &self.name, self.role)
    }
}
impl AsActor for SignedIn {
    fn as_actor(&self) -> Actor {
        self.actor.clone()
    }
}

/// A home set up by Pat Manager ("correct horse") with a recovery code: (store, manager, code).
fn set_up_with_recovery() -> (Store, SignedIn, String) {
    let mut s = Store::open_in_memory().unwrap();
    let (m, code) = s
        .setup_with_recovery(&Setup {
            home_name: "Oak House",
            ofsted_urn: "",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    (s, m, code)
}

pub fn actor(s: &impl AsActor) -> Actor {
    s.as_actor()
}

#[test]
fn setup_once() {
    let (mut s, m) = set_up();
    assert_eq!(m.role, Role::Manager);
    assert_eq!(s.home().unwrap().unwrap().name, "Oak House");
    let again = s.setup(&Setup {
        home_name: "X",
        ofsted_urn: "",
        manager_name: "Y",
        passphrase: "12345678",
    });
    assert!(again.is_err());
}

#[test]
fn setup_adds_the_first_manager_to_a_home_moved_from_another_pc() {
    let mut s = Store::open_in_memory().unwrap();
    s.write(&Actor::system("import"), |w| {
        w.insert(
            "home",
            "INSERT INTO home (id, uid, name, ofsted_urn, pseudonym_secret, created_at) VALUES (1, 'h1', 'Elm Lodge', '', 'ab', '2026-01-01T00:00:00Z')",
            [],
        )
    })
    .unwrap();
    assert!(!s.is_set_up().unwrap());
    let m = s
        .setup(&Setup {
            home_name: "ignored",
            ofsted_urn: "",
            manager_name: "New Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    assert_eq!(m.role, Role::Manager);
    assert_eq!(s.home().unwrap().unwrap().name, "Elm Lodge");
    assert!(s.is_set_up().unwrap());
    assert_eq!(s.setting_u32("idle_lock_minutes").unwrap(), 10);
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn lockout_after_five_and_it_persists() {
    let (mut s, m) = set_up();
    for left in (1..5).rev() {
        assert_eq!(
            s.sign_in(m.id, "wrong one!").unwrap(),
            SignIn::Wrong { tries_left: left }
        );
    }
    assert!(matches!(s.sign_in(m.id, "wrong one!").unwrap(), SignIn::Locked { .. }));
    // Even the right passphrase is refused while locked.
    assert!(matches!(
        s.sign_in(m.id, "correct horse").unwrap(),
        SignIn::Locked { .. }
    ));
    let later = s.now() + Duration::minutes(6);
    s.set_clock(Some(later));
    assert!(matches!(s.sign_in(m.id, "correct horse").unwrap(), SignIn::Ok(_)));
    assert_eq!(s.staff_by_id(m.id).unwrap().failed_attempts, 0);
}

/// The newest audit row: (staff id, staff name, entity, action, changed columns after).
fn last_audit(s: &Store) -> (Option<i64>, String, String, String, Vec<String>) {
    s.conn
        .query_row(
            "SELECT staff_id, staff_name, entity, action, after FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                let after: String = r.get(4)?;
                let v: serde_json::Value = serde_json::from_str(&after).unwrap();
                let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
                keys.sort();
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, keys))
            },
        )
        .unwrap()
}

#[test]
fn wrong_passphrases_are_recorded_by_nobody_and_the_wait_grows_but_never_shuts_the_home_out() {
    let (mut s, m) = set_up();
    for left in (1..5).rev() {
        assert_eq!(
            s.sign_in(m.id, "wrong one!").unwrap(),
            SignIn::Wrong { tries_left: left }
        );
        let (id, name, entity, action, cols) = last_audit(&s);
        assert_eq!(
            (id, name.as_str()),
            (None, SOMEONE_AT_THE_PC),
            "not the manager's own row"
        );
        assert_eq!(entity, "staff");
        assert_eq!(action, "wrong passphrase typed for Pat Manager");
        assert_eq!(cols, ["failed_attempts", "id"], "only the lock-out columns change");
    }
    let mut waits = Vec::new();
    for _ in 0..12 {
        let now = s.now();
        let SignIn::Locked { until } = s.sign_in(m.id, "wrong one!").unwrap() else {
            panic!("a wait was expected")
        };
        let (id, name, _, action, cols) = last_audit(&s);
        assert_eq!((id, name.as_str()), (None, SOMEONE_AT_THE_PC));
        assert!(
            action.starts_with("wrong passphrase typed for Pat Manager; next try in "),
            "{action}"
        );
        assert_eq!(cols, ["failed_attempts", "id", "locked_until"]);
        waits.push((until - now).num_seconds());
        // While the wait runs, nothing is checked and nothing is counted, the right passphrase included.
        let audits = s.audit_count().unwrap();
        assert_eq!(s.sign_in(m.id, "correct horse").unwrap(), SignIn::Locked { until });
        assert_eq!(s.audit_count().unwrap(), audits);
        s.set_clock(Some(until + Duration::seconds(1)));
    }
    assert_eq!(&waits[..5], &[30, 60, 120, 240, 300]);
    assert!(waits.iter().all(|w| *w <= 300), "capped at five minutes: {waits:?}");
    // After the wait, the right passphrase: recorded as the person, the count cleared.
    assert!(matches!(s.sign_in(m.id, "correct horse").unwrap(), SignIn::Ok(_)));
    let (id, name, _, action, _) = last_audit(&s);
    assert_eq!(
        (id, name.as_str(), action.as_str()),
        (Some(m.id), "Pat Manager", "signed in")
    );
    let after = s.staff_by_id(m.id).unwrap();
    assert_eq!((after.failed_attempts, after.locked_until), (0, None));
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn every_sign_in_is_recorded_as_the_person() {
    let (mut s, m) = set_up();
    let before = s.audit_count().unwrap();
    assert!(matches!(s.sign_in(m.id, "correct horse").unwrap(), SignIn::Ok(_)));
    assert!(matches!(s.sign_in(m.id, "correct horse").unwrap(), SignIn::Ok(_)));
    assert_eq!(s.audit_count().unwrap(), before + 2);
    assert_eq!(last_audit(&s).3, "signed in");
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn a_sign_in_that_cannot_be_recorded_is_refused_right_or_wrong() {
    let (mut s, m) = set_up();
    s.conn.pragma_update(None, "query_only", true).unwrap();
    let wrong = s.sign_in(m.id, "wrong one!").unwrap_err().to_string();
    let right = s.sign_in(m.id, "correct horse").unwrap_err().to_string();
    assert_eq!(
        wrong, right,
        "the refusal does not tell a right passphrase from a wrong one"
    );
    assert!(
        right.starts_with("Sign-in refused: it could not be recorded"),
        "{right}"
    );
    for _ in 0..8 {
        assert!(s.sign_in(m.id, "wrong one!").is_err());
    }
    s.conn.pragma_update(None, "query_only", false).unwrap();
    assert_eq!(s.staff_by_id(m.id).unwrap().failed_attempts, 0);
    assert!(matches!(s.sign_in(m.id, "correct horse").unwrap(), SignIn::Ok(_)));
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn the_recovery_code_lets_the_manager_back_in_while_the_wait_runs() {
    let (mut s, m, code) = set_up_with_recovery();
    assert_eq!(code.len(), 23, "{code}");
    let stored: String = s
        .conn
        .query_row("SELECT code_hash FROM staff_recovery WHERE id = ?1", [m.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(&code));
    for _ in 0..9 {
        let _ = s.sign_in(m.id, "wrong one!").unwrap();
    }
    assert!(matches!(
        s.sign_in(m.id, "correct horse").unwrap(),
        SignIn::Locked { .. }
    ));
    // Wrong codes: two free, then a wait, recorded by nobody.
    assert_eq!(
        s.recover(m.id, "AAAAA-AAAAA-AAAAA-AAAAA", "new passphrase 1").unwrap(),
        Recover::Wrong { tries_left: 2 }
    );
    let (id, name, entity, action, cols) = last_audit(&s);
    assert_eq!(
        (id, name.as_str(), entity.as_str()),
        (None, SOMEONE_AT_THE_PC, "staff_recovery")
    );
    assert_eq!(action, "wrong recovery code typed for Pat Manager");
    assert_eq!(cols, ["failed_attempts", "id"]);
    assert!(matches!(
        s.recover(m.id, "nope", "new passphrase 1").unwrap(),
        Recover::Wrong { .. }
    ));
    let Recover::Locked { until } = s.recover(m.id, "nope", "new passphrase 1").unwrap() else {
        panic!()
    };
    assert_eq!(
        s.recover(m.id, &code, "new passphrase 1").unwrap(),
        Recover::Locked { until }
    );
    assert_eq!(s.recovery_locked_until(m.id).unwrap(), Some(until));
    s.set_clock(Some(until + Duration::seconds(1)));
    // Someone types another wrong passphrase: the account waits again. The code works all the same, typed
    // in small letters without the dashes.
    assert!(matches!(s.sign_in(m.id, "wrong one!").unwrap(), SignIn::Locked { .. }));
    assert!(s.staff_by_id(m.id).unwrap().locked_until.unwrap() > s.now());
    let typed = code.replace('-', "").to_lowercase();
    assert!(matches!(
        s.recover(m.id, &typed, "short").unwrap_err(),
        StoreError::Invalid(_)
    ));
    let Recover::Ok { staff, code: code2 } = s.recover(m.id, &typed, "new passphrase 1").unwrap() else {
        panic!()
    };
    assert_eq!(staff.id, m.id);
    assert_ne!(code2, code);
    let (id, name, _, _, _) = last_audit(&s);
    assert_eq!((id, name.as_str()), (Some(m.id), "Pat Manager"));
    assert_eq!(s.staff_by_id(m.id).unwrap().failed_attempts, 0);
    // The old code and the old passphrase no longer work; the new ones do.
    assert!(matches!(
        s.recover(m.id, &code, "another one 2").unwrap(),
        Recover::Wrong { .. }
    ));
    assert!(matches!(
        s.sign_in(m.id, "correct horse").unwrap(),
        SignIn::Wrong { .. }
    ));
    assert!(matches!(s.sign_in(m.id, "new passphrase 1").unwrap(), SignIn::Ok(_)));
    assert!(s.verify().unwrap().is_sound());
    // Only managers have a code; a manager can take a new one.
    // (As the session the recovery signed in: the key set up with the first passphrase signs nothing now.)
    let w = s
        .add_staff(&staff.actor, "Sam Night", Role::Staff, "night shift 1")
        .unwrap();
    assert_eq!(s.recover(w.id, &code2, "new passphrase 1").unwrap(), Recover::NoCode);
    assert!(matches!(
        s.renew_recovery_code(&actor(&w)),
        Err(StoreError::NotAllowed(_))
    ));
    // The key the code unlocked is replaced: only the session that the recovery signed in may take a code.
    assert!(matches!(
        s.renew_recovery_code(&actor(&m)),
        Err(StoreError::NotAllowed(_))
    ));
    let code3 = s.renew_recovery_code(&staff.actor).unwrap();
    assert!(matches!(
        s.recover(m.id, &code3, "third phrase 3").unwrap(),
        Recover::Ok { .. }
    ));
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);
}

#[test]
fn look_alike_staff_names_are_refused_active_or_not() {
    let (mut s, m) = set_up();
    let a = actor(&m);
    let sam = s.add_staff(&a, "Sam Night", Role::Staff, "night shift 1").unwrap();
    s.deactivate_staff(&a, sam.id, "Left the home").unwrap();
    for (name, why) in [
        ("Pat M\u{0430}nager", "looks the same as Pat Manager"),
        ("Pat Manager\u{3164}", "invisible character"),
        ("pat manager", "looks the same as Pat Manager"),
        ("Pat  Manager", "looks the same as Pat Manager"),
        ("\u{0420}at Manager", "looks the same as Pat Manager"),
        ("Pat Manager", "already has an account"),
        ("Sam Night", "who had an account"),
        ("Sam N\u{0456}ght", "who had an account"),
        ("S\u{0430}m Night\u{115F}", "invisible character"),
    ] {
        let e = s.add_staff(&a, name, Role::Manager, "12345678").unwrap_err();
        assert!(e.to_string().contains(why), "{name:?}: {e}");
    }
    assert_eq!(s.list_staff(true).unwrap().len(), 2);
    s.add_staff(&a, "Pat Managers", Role::Staff, "12345678").unwrap();
}

#[test]
fn only_managers_manage_staff() {
    let (mut s, m) = set_up();
    let a = actor(&m);
    let worker = s.add_staff(&a, "Sam Night", Role::Staff, "night shift 1").unwrap();
    let w = actor(&worker);
    assert!(matches!(
        s.add_staff(&w, "X Y", Role::Staff, "12345678"),
        Err(StoreError::NotAllowed(_))
    ));
    assert!(matches!(
        s.reset_passphrase(&w, m.id, "12345678"),
        Err(StoreError::NotAllowed(_))
    ));
    assert!(matches!(
        s.deactivate_staff(&w, m.id, "no"),
        Err(StoreError::NotAllowed(_))
    ));
    assert!(
        s.add_staff(&a, "Sam Night", Role::Staff, "12345678").is_err(),
        "duplicate name"
    );
    assert!(s.deactivate_staff(&a, m.id, "leaving").is_err(), "last manager stays");
    s.deactivate_staff(&a, worker.id, "Left the home").unwrap();
    assert_eq!(s.sign_in(worker.id, "night shift 1").unwrap(), SignIn::Inactive);
    assert_eq!(s.list_staff(false).unwrap().len(), 1);
    assert_eq!(s.list_staff(true).unwrap().len(), 2);
}

#[test]
fn a_member_of_staff_changes_their_own_passphrase_and_carries_on_signed_with_the_new_key() {
    let (mut s, m) = set_up();
    let added = s
        .add_staff(&actor(&m), "Sam Staff", Role::Staff, "first one 1")
        .unwrap();
    let SignIn::Ok(sam) = s.sign_in(added.id, "first one 1").unwrap() else {
        panic!()
    };
    assert!(matches!(
        s.change_own_passphrase(&sam.actor, "not the one", "my own one 2"),
        Err(StoreError::Invalid(_))
    ));
    let sam2 = s
        .change_own_passphrase(&sam.actor, "first one 1", "my own one 2")
        .unwrap();
    assert_ne!(sam2.actor.signer, sam.actor.signer);
    let (id, name, entity, action, _) = last_audit(&s);
    assert_eq!(
        (id, name.as_str(), entity.as_str()),
        (Some(added.id), "Sam Staff", "staff_must_change")
    );
    assert_eq!(action, "chose their own passphrase");
    assert!(sam2.actor.signer.is_some());
    assert!(matches!(
        s.sign_in(added.id, "first one 1").unwrap(),
        SignIn::Wrong { .. }
    ));
    assert!(matches!(s.sign_in(added.id, "my own one 2").unwrap(), SignIn::Ok(_)));
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn changing_ones_own_passphrase_stops_the_recovery_code() {
    let (mut s, m, code) = set_up_with_recovery();
    let m2 = s
        .change_own_passphrase(&m.actor, "correct horse", "battery staple")
        .unwrap();
    assert!(!s.has_recovery_code(m.id).unwrap());
    assert_eq!(s.recover(m.id, &code, "new passphrase 1").unwrap(), Recover::NoCode);
    let code2 = s.renew_recovery_code(&m2.actor).unwrap();
    assert!(matches!(
        s.recover(m.id, &code2, "new passphrase 1").unwrap(),
        Recover::Ok { .. }
    ));
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn a_passphrase_a_manager_set_or_reset_must_be_changed_at_the_first_sign_in() {
    let (mut s, m) = set_up();
    assert!(!s.must_change_passphrase(m.id).unwrap());
    let added = s
        .add_staff(&actor(&m), "Sam Staff", Role::Staff, "first one 1")
        .unwrap();
    assert!(s.must_change_passphrase(added.id).unwrap());
    let SignIn::Ok(sam) = s.sign_in(added.id, "first one 1").unwrap() else {
        panic!()
    };
    assert!(
        s.must_change_passphrase(added.id).unwrap(),
        "signing in alone does not clear it"
    );
    s.change_own_passphrase(&sam.actor, "first one 1", "my own one 2")
        .unwrap();
    assert!(!s.must_change_passphrase(added.id).unwrap());
    s.reset_passphrase(&actor(&m), added.id, "reset one 3").unwrap();
    assert!(s.must_change_passphrase(added.id).unwrap());
    let SignIn::Ok(sam) = s.sign_in(added.id, "reset one 3").unwrap() else {
        panic!()
    };
    s.change_own_passphrase(&sam.actor, "reset one 3", "my own one 4")
        .unwrap();
    assert!(!s.must_change_passphrase(added.id).unwrap());
    assert!(s.verify().unwrap().is_sound());
}

#[test]
fn a_manager_reactivates_an_account_unless_its_name_now_clashes() {
    let (mut s, m) = set_up();
    let a = s
        .add_staff(&actor(&m), "Sam Staff", Role::Staff, "first one 1")
        .unwrap();
    assert!(s.reactivate_staff(&actor(&m), a.id, "back").is_err(), "already active");
    s.deactivate_staff(&actor(&m), a.id, "left").unwrap();
    assert!(s.reactivate_staff(&actor(&m), a.id, "  ").is_err());
    let SignIn::Ok(_) = s.sign_in(m.id, "correct horse").unwrap() else {
        panic!()
    };
    let b = s
        .add_staff(&actor(&m), "Kim Staff", Role::Staff, "first one 1")
        .unwrap();
    let kim = Actor::staff(b.id, &b.name, b.role);
    assert!(matches!(
        s.reactivate_staff(&kim, a.id, "back"),
        Err(StoreError::NotAllowed(_))
    ));
    s.reactivate_staff(&actor(&m), a.id, "came back from leave").unwrap();
    let again = s.staff_by_id(a.id).unwrap();
    assert!(again.active && again.deactivated_reason.is_none());
    assert!(matches!(s.sign_in(a.id, "first one 1").unwrap(), SignIn::Ok(_)));
    // A name that now looks like an active account's is refused.
    s.deactivate_staff(&actor(&m), a.id, "left again").unwrap();
    s.conn
        .execute("UPDATE staff SET name = 'Sam Staff' WHERE id = ?1", [b.id])
        .unwrap();
    let e = s.reactivate_staff(&actor(&m), a.id, "back").unwrap_err().to_string();
    assert!(e.contains("cannot be reactivated"), "{e}");
}
