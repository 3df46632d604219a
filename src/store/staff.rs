//! First-run set-up, staff accounts and signing in on the shared PC.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Actor, Result, Store, StoreError, parse_ts};
use crate::domain::staff::{LOCKOUT_MINUTES, MAX_FAILED_ATTEMPTS, validate_passphrase, validate_staff_name};
use crate::domain::{Role, Staff};

/// argon2id, version 19, with the crate's defaults (19 MiB, 2 passes, 1 lane): OWASP's recommended minimum.
/// Since schema 5 the 64-byte output also gives the account's signing key (`store::keys`): the stored string
/// is `keys::KEYED_PREFIX` + salt + the first half.
pub fn hash_passphrase(p: &str) -> Result<String> {
    Ok(super::keys::new_passphrase(p)?.pass_hash)
}

/// The hash an older version stored (a plain argon2id PHC string): kept for tests of the upgrade.
#[doc(hidden)]
pub fn hash_passphrase_old(p: &str) -> Result<String> {
    Argon2::default()
        .hash_password(p.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("Could not protect the passphrase: {e}")))
}

/// A member of staff signed in: who they are, and the actor that signs their writes (its key unlocked by the
/// passphrase just typed). Reads as the `Staff` it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub staff: Staff,
    pub actor: Actor,
}

/// A member of staff without their key (tests that skip argon2): their writes are unsigned and `verify` says so.
impl From<Staff> for SignedIn {
    fn from(staff: Staff) -> SignedIn {
        let actor = Actor::staff(staff.id, &staff.name, staff.role);
        SignedIn { staff, actor }
    }
}

impl std::ops::Deref for SignedIn {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.staff
    }
}

/// What happened at the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Ok(SignedIn),
    Wrong { tries_left: i64 },
    Locked { until: DateTime<Utc> },
    Inactive,
}

/// The first run: the home, its first manager, and default settings.
pub struct Setup<'a> {
    pub home_name: &'a str,
    pub ofsted_urn: &'a str,
    pub manager_name: &'a str,
    pub passphrase: &'a str,
}

fn staff_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Staff> {
    let role: String = r.get(2)?;
    let locked: Option<String> = r.get(6)?;
    Ok(Staff {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::from_code(&role).unwrap_or(Role::Staff),
        active: r.get::<_, i64>(3)? != 0,
        deactivated_reason: r.get(4)?,
        failed_attempts: r.get(5)?,
        locked_until: locked.as_deref().and_then(parse_ts),
    })
}

const STAFF_COLS: &str = "id, name, role, active, deactivated_reason, failed_attempts, locked_until";

impl Store {
    /// Set up the home and its first manager. Returns the manager, signed in. The set-up transaction registers
    /// the manager's key and is signed by it (its system rows are covered by that signature).
    pub fn setup(&mut self, s: &Setup<'_>) -> Result<SignedIn> {
        if self.is_set_up()? {
            return Err(StoreError::Invalid("This home is already set up.".into()));
        }
        let home = crate::text::clean_line(s.home_name, 100).trim().to_string();
        if home.is_empty() {
            return Err(StoreError::Invalid("Enter the name of the home.".into()));
        }
        let urn = crate::text::clean_line(s.ofsted_urn, 20).trim().to_string();
        if !urn.is_empty() && !urn.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::Invalid(
                "An Ofsted URN is letters and digits only, e.g. SC123456.".into(),
            ));
        }
        let name = validate_staff_name(s.manager_name).map_err(StoreError::Invalid)?;
        validate_passphrase(s.passphrase).map_err(StoreError::Invalid)?;
        let key = super::keys::new_passphrase(s.passphrase)?;
        let hash = key.pass_hash.clone();
        let secret = {
            use rand::RngCore;
            let mut b = [0u8; 32];
            rand::rng().fill_bytes(&mut b);
            hex::encode(b)
        };
        let uid = crate::domain::new_uid();
        let system = Actor::system("first-run set-up");
        // Records moved from another PC (`concordat import` into an empty database) bring the home but no
        // accounts: set-up then adds the first manager to that home and keeps its name.
        let existing = self.home()?.is_some();
        let have: Vec<String> = self
            .conn
            .prepare("SELECT key FROM settings")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let (id, signer) = self.write(&system, |w| {
            let now = w.now_str();
            let first_key = |w: &mut super::audit::Writer<'_>, id: i64| -> Result<super::keys::Signer> {
                let key_id = super::keys::register(w, Some(id), &name, "staff", &key.public)?;
                let signer = super::keys::Signer::from_seed(key_id, &key.seed)?;
                w.sign_with(signer.clone());
                Ok(signer)
            };
            if existing {
                let id = w.insert(
                    "staff",
                    "INSERT INTO staff (name, role, pass_hash, created_at) VALUES (?1, 'manager', ?2, ?3)",
                    params![name, hash, now],
                )?;
                for (k, v) in super::settings::DEFAULTS.iter().filter(|(k, _)| !have.iter().any(|h| h == k)) {
                    w.insert("settings", "INSERT INTO settings (key, value) VALUES (?1, ?2)", params![k, v])?;
                }
                return Ok((id, first_key(w, id)?));
            }
            w.insert(
                "home",
                "INSERT INTO home (id, uid, name, ofsted_urn, pseudonym_secret, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![uid, home, urn, secret, now],
            )?;
            let id = w.insert(
                "staff",
                "INSERT INTO staff (name, role, pass_hash, created_at) VALUES (?1, 'manager', ?2, ?3)",
                params![name, hash, now],
            )?;
            for (k, v) in super::settings::DEFAULTS {
                w.insert("settings", "INSERT INTO settings (key, value) VALUES (?1, ?2)", params![k, v])?;
            }
            Ok((id, first_key(w, id)?))
        })?;
        self.signed_in(id, Some(signer))
    }

    fn signed_in(&self, id: i64, signer: Option<super::keys::Signer>) -> Result<SignedIn> {
        let staff = self.staff_by_id(id)?;
        let mut actor = Actor::staff(staff.id, &staff.name, staff.role);
        actor.signer = signer;
        Ok(SignedIn { staff, actor })
    }

    pub fn staff_by_id(&self, id: i64) -> Result<Staff> {
        self.conn
            .query_row(
                &format!("SELECT {STAFF_COLS} FROM staff WHERE id = ?1"),
                [id],
                staff_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("staff member {id}")))
    }

    /// Everyone, active first, then by name.
    pub fn list_staff(&self, include_inactive: bool) -> Result<Vec<Staff>> {
        let sql = format!(
            "SELECT {STAFF_COLS} FROM staff {} ORDER BY active DESC, name COLLATE NOCASE",
            if include_inactive { "" } else { "WHERE active = 1" }
        );
        let mut s = self.conn.prepare_cached(&sql)?;
        let v = s.query_map([], staff_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// A manager adds a member of staff.
    pub fn add_staff(&mut self, actor: &Actor, name: &str, role: Role, passphrase: &str) -> Result<Staff> {
        actor.require_manager("add staff")?;
        let name = validate_staff_name(name).map_err(StoreError::Invalid)?;
        validate_passphrase(passphrase).map_err(StoreError::Invalid)?;
        let exists: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM staff WHERE active = 1 AND name = ?1",
            [&name],
            |r| r.get(0),
        )?;
        if exists > 0 {
            return Err(StoreError::Invalid(format!("{name} already has an account.")));
        }
        // The manager typed the first passphrase: their signed row registers the account's first key.
        let key = super::keys::new_passphrase(passphrase)?;
        let id = self.write(actor, |w| {
            let now = w.now_str();
            let id = w.insert(
                "staff",
                "INSERT INTO staff (name, role, pass_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.code(), key.pass_hash, now],
            )?;
            super::keys::register(w, Some(id), &name, "staff", &key.public)?;
            Ok(id)
        })?;
        self.staff_by_id(id)
    }

    /// A manager sets a new passphrase for someone (and lifts any lock-out).
    pub fn reset_passphrase(&mut self, actor: &Actor, staff_id: i64, passphrase: &str) -> Result<()> {
        actor.require_manager("reset passphrases")?;
        validate_passphrase(passphrase).map_err(StoreError::Invalid)?;
        let key = super::keys::new_passphrase(passphrase)?;
        let name = self.staff_by_id(staff_id)?.name;
        self.write(actor, |w| {
            w.update(
                "staff",
                staff_id,
                "reset_passphrase",
                "UPDATE staff SET pass_hash = ?1, failed_attempts = 0, locked_until = NULL WHERE id = ?2",
                params![key.pass_hash, staff_id],
            )?;
            // A new passphrase is a new key, replacing the old one from here on.
            super::keys::register(w, Some(staff_id), &name, "staff", &key.public)?;
            Ok(())
        })
    }

    /// A manager changes someone's role.
    pub fn set_role(&mut self, actor: &Actor, staff_id: i64, role: Role) -> Result<()> {
        actor.require_manager("change roles")?;
        if Some(staff_id) == actor.staff_id && role != Role::Manager {
            self.ensure_another_manager(staff_id)?;
        }
        self.write(actor, |w| {
            w.update(
                "staff",
                staff_id,
                "set_role",
                "UPDATE staff SET role = ?1 WHERE id = ?2",
                params![role.code(), staff_id],
            )
        })
    }

    fn ensure_another_manager(&self, staff_id: i64) -> Result<()> {
        let others: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM staff WHERE active = 1 AND role = 'manager' AND id <> ?1",
            [staff_id],
            |r| r.get(0),
        )?;
        if others == 0 {
            return Err(StoreError::Invalid(
                "The home must keep at least one active manager.".into(),
            ));
        }
        Ok(())
    }

    /// A manager deactivates an account, with a reason. Nothing is deleted.
    pub fn deactivate_staff(&mut self, actor: &Actor, staff_id: i64, reason: &str) -> Result<()> {
        actor.require_manager("deactivate accounts")?;
        let reason = crate::text::clean_line(reason, 200).trim().to_string();
        if reason.is_empty() {
            return Err(StoreError::Invalid(
                "Give a reason for deactivating the account.".into(),
            ));
        }
        let target = self.staff_by_id(staff_id)?;
        if target.role == Role::Manager {
            self.ensure_another_manager(staff_id)?;
        }
        self.write(actor, |w| {
            w.update(
                "staff",
                staff_id,
                "deactivate",
                "UPDATE staff SET active = 0, deactivated_reason = ?1 WHERE id = ?2",
                params![reason, staff_id],
            )
        })
    }

    /// A passphrase hash from an older version, upgraded at the first sign-in after the update (the passphrase
    /// is in hand): a new hash whose computation also gives a signing key, registered by a row the new key
    /// signs. (`verify` accepts such a first key only for an account made before signing began.)
    fn upgrade_passphrase(&mut self, actor: &Actor, passphrase: &str) -> Result<super::keys::Signer> {
        let key = super::keys::new_passphrase(passphrase)?;
        let id = actor.staff_id.unwrap_or_default();
        self.write(actor, |w| {
            w.update(
                "staff",
                id,
                "upgrade_passphrase_hash",
                "UPDATE staff SET pass_hash = ?1 WHERE id = ?2",
                params![key.pass_hash, id],
            )?;
            let key_id = super::keys::register(w, Some(id), &actor.name, "staff", &key.public)?;
            let signer = super::keys::Signer::from_seed(key_id, &key.seed)?;
            w.sign_with(signer.clone());
            Ok(signer)
        })
    }

    /// Check a passphrase. Five wrong tries lock the account for five minutes; the count and the lock are
    /// in the database, so restarting the app does not reset them.
    pub fn sign_in(&mut self, staff_id: i64, passphrase: &str) -> Result<SignIn> {
        let staff = self.staff_by_id(staff_id)?;
        if !staff.active {
            return Ok(SignIn::Inactive);
        }
        let now = self.now();
        if let Some(until) = staff.locked_until
            && until > now
        {
            return Ok(SignIn::Locked { until });
        }
        let stored: String = self
            .conn
            .query_row("SELECT pass_hash FROM staff WHERE id = ?1", [staff_id], |r| r.get(0))?;
        let mut actor = Actor::staff(staff.id, &staff.name, staff.role);
        let checked = super::keys::check(passphrase, &stored);
        if !matches!(checked, super::keys::Checked::Wrong) {
            actor.signer = match checked {
                super::keys::Checked::Keyed(seed) => self.signer_from_seed(staff_id, &seed)?,
                _ => Some(self.upgrade_passphrase(&actor, passphrase)?),
            };
            if staff.failed_attempts > 0 || staff.locked_until.is_some() {
                self.write(&actor, |w| {
                    w.update(
                        "staff",
                        staff_id,
                        "sign_in",
                        "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
                        [staff_id],
                    )
                })?;
            }
            return Ok(SignIn::Ok(self.signed_in(staff_id, actor.signer)?));
        }
        // After a lock has expired, counting starts again.
        let attempts = if staff.locked_until.is_some() {
            1
        } else {
            staff.failed_attempts + 1
        };
        let lock = (attempts >= MAX_FAILED_ATTEMPTS).then(|| now + Duration::minutes(LOCKOUT_MINUTES));
        let lock_s = lock.map(super::ts);
        self.write(&actor, |w| {
            w.update(
                "staff",
                staff_id,
                if lock.is_some() {
                    "locked_out"
                } else {
                    "wrong_passphrase"
                },
                "UPDATE staff SET failed_attempts = ?1, locked_until = ?2 WHERE id = ?3",
                params![attempts, lock_s, staff_id],
            )
        })?;
        Ok(match lock {
            Some(until) => SignIn::Locked { until },
            None => SignIn::Wrong {
                tries_left: MAX_FAILED_ATTEMPTS - attempts,
            },
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
}
