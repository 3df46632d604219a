//! First-run set-up, staff accounts and signing in on the shared PC.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Actor, Result, Store, StoreError, parse_ts};
use crate::domain::staff::{
    MAX_FAILED_ATTEMPTS, RECOVERY_FREE_TRIES, delay_after, look_alike_key, validate_passphrase, validate_staff_name,
};
use crate::domain::{Role, Staff};

/// Who the audit trail names for a wrong passphrase or recovery code: nobody's account, since whoever typed it
/// has not shown who they are.
pub const SOMEONE_AT_THE_PC: &str = "someone at the PC";

/// The writer of an attempt that failed: no staff id, the least role, named plainly. Its audit rows change only
/// the lock-out columns (`staff.failed_attempts`, `staff.locked_until`, `staff_recovery.failed_attempts`,
/// `staff_recovery.locked_until`).
fn someone_at_the_pc() -> Actor {
    let mut a = Actor::system("sign-in");
    a.name = SOMEONE_AT_THE_PC.to_string();
    a.role = Role::Staff;
    a
}

/// A sign-in attempt that could not be recorded is refused, right passphrase or wrong, with the same message
/// either way (so a full disk cannot be used to try passphrases without counting them).
fn not_recorded(e: StoreError) -> StoreError {
    let (why, what_to_do) = match e {
        StoreError::Full => ("the disk is full", "Free some space on the disk, then try again."),
        StoreError::Busy => (
            "the database is busy (another copy of concordat is saving)",
            "Try again in a moment.",
        ),
        _ => (
            "the database cannot be written to",
            "Ask whoever looks after this computer to check the disk and the database file.",
        ),
    };
    StoreError::Invalid(format!(
        "Sign-in refused: it could not be recorded because {why}. Nothing was changed. {what_to_do}"
    ))
}

/// The characters of a recovery code: capitals and digits without the look-alikes 0/O, 1/I/L.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 20;

/// A new recovery code: 20 random characters (about 99 bits) in groups of five, e.g. `K7QXM-3PRTA-…`.
pub fn new_recovery_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed recovery code as it is checked: capitals, letters and digits only (spaces and dashes may be typed
/// or left out).
fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

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

/// What happened at the sign-in screen. `Wrong`: a wrong passphrase, `tries_left` more before each wrong one
/// makes the account wait; `Locked`: the account must wait until `until` (after a wrong one, or while a wait
/// runs: the passphrase was then not checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Ok(SignedIn),
    Wrong { tries_left: i64 },
    Locked { until: DateTime<Utc> },
    Inactive,
}

/// What happened when a recovery code was used at the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recover {
    /// The new passphrase is set and the person is signed in; `code` is their new recovery code, to be shown
    /// once (the old one no longer works).
    Ok {
        staff: SignedIn,
        code: String,
    },
    Wrong {
        tries_left: i64,
    },
    Locked {
        until: DateTime<Utc>,
    },
    /// This account has no recovery code (only managers are given one).
    NoCode,
    Inactive,
}

/// The first run: the home, its first manager, and default settings.
pub struct Setup<'a> {
    pub home_name: &'a str,
    pub ofsted_urn: &'a str,
    pub manager_name: &'a str,
    pub passphrase: &'a str,
}

/// The checks of a set-up, shared by the first-run screen and `concordat setup`, made before anything is
/// written: the name of the home (or YOS), the URN (letters and digits; a YOS has none), the manager's name and
/// the passphrase. Returns the cleaned (name, URN, manager's name).
pub fn check_setup(s: &Setup<'_>, role: super::settings::Role) -> Result<(String, String, String)> {
    let is_yos = role == super::settings::Role::Yos;
    if is_yos && !s.ofsted_urn.trim().is_empty() {
        return Err(StoreError::Invalid(
            "A YOS has no Ofsted URN: leave it out (the homes' URNs come with their files).".into(),
        ));
    }
    let home = crate::text::clean_line(s.home_name, 100).trim().to_string();
    if home.is_empty() {
        return Err(StoreError::Invalid(
            if is_yos {
                "Enter the name of the YOS."
            } else {
                "Enter the name of the home."
            }
            .into(),
        ));
    }
    let urn = crate::text::clean_line(s.ofsted_urn, 20).trim().to_string();
    if !urn.is_empty() && !urn.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(StoreError::Invalid(
            "An Ofsted URN is letters and digits only, e.g. SC123456.".into(),
        ));
    }
    let name = validate_staff_name(s.manager_name).map_err(StoreError::Invalid)?;
    validate_passphrase(s.passphrase).map_err(StoreError::Invalid)?;
    Ok((home, urn, name))
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

/// The one writer of the `home` row (a new home's set-up, or an empty database taking a file's home).
pub(crate) fn insert_home(
    w: &mut super::audit::Writer<'_>,
    uid: &str,
    name: &str,
    ofsted_urn: &str,
    secret: &str,
) -> Result<i64> {
    let now = w.now_str();
    w.insert(
        "home",
        "INSERT INTO home (id, uid, name, ofsted_urn, pseudonym_secret, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![uid, name, ofsted_urn, secret, now],
    )
}

impl Store {
    /// Set up the home and its first manager (without a recovery code: demo data, tests; the app's set-up
    /// screen uses [`Store::setup_with_recovery`]). Returns the manager, signed in.
    pub fn setup(&mut self, s: &Setup<'_>) -> Result<SignedIn> {
        self.setup_inner(s, false, super::settings::Role::Home).map(|(m, _)| m)
    }

    /// Set up as a home or as a YOS (`concordat setup`; the first-run screen): the same checks either way. A
    /// YOS's "home" row holds the service's own name (no URN): it is never a children's home, records no
    /// incidents and takes no home's file as its own. Returns the manager and, with `with_code`, their
    /// recovery code.
    pub fn setup_as(
        &mut self,
        s: &Setup<'_>,
        role: super::settings::Role,
        with_code: bool,
    ) -> Result<(SignedIn, Option<String>)> {
        self.setup_inner(s, with_code, role)
    }

    /// Set up the home and its first manager, who is given a recovery code (returned, to be shown once; only
    /// its hash is kept).
    pub fn setup_with_recovery(&mut self, s: &Setup<'_>) -> Result<(SignedIn, String)> {
        let (m, code) = self.setup_inner(s, true, super::settings::Role::Home)?;
        Ok((m, code.unwrap_or_default()))
    }

    /// The set-up transaction registers the manager's key and is signed by it (its system rows are covered by
    /// that signature).
    fn setup_inner(
        &mut self,
        s: &Setup<'_>,
        with_code: bool,
        role: super::settings::Role,
    ) -> Result<(SignedIn, Option<String>)> {
        if self.is_set_up()? {
            return Err(StoreError::Invalid(match self.role()? {
                super::settings::Role::Yos => "This YOS is already set up.".into(),
                super::settings::Role::Home => "This home is already set up.".into(),
            }));
        }
        let is_yos = role == super::settings::Role::Yos;
        if is_yos && self.home()?.is_some() {
            return Err(StoreError::Invalid(
                "This database already holds a home's records: it cannot become a YOS's. Set the YOS up in a \
                 new file."
                    .into(),
            ));
        }
        let (home, urn, name) = check_setup(s, role)?;
        let key = super::keys::new_passphrase(s.passphrase)?;
        let hash = key.pass_hash.clone();
        let code = with_code.then(new_recovery_code);
        let sealed = code.as_deref().map(|c| seal_recovery(c, &key.seed)).transpose()?;
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
                for (k, v) in super::settings::DEFAULTS
                    .iter()
                    .filter(|(k, _)| !have.iter().any(|h| h == k))
                {
                    w.insert(
                        "settings",
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                        params![k, v],
                    )?;
                }
                if let Some(r) = &sealed {
                    insert_recovery(w, id, r)?;
                }
                return Ok((id, first_key(w, id)?));
            }
            insert_home(w, &uid, &home, &urn, &secret)?;
            let id = w.insert(
                "staff",
                "INSERT INTO staff (name, role, pass_hash, created_at) VALUES (?1, 'manager', ?2, ?3)",
                params![name, hash, now],
            )?;
            for (k, v) in super::settings::DEFAULTS {
                w.insert(
                    "settings",
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    params![k, v],
                )?;
            }
            if is_yos {
                w.insert(
                    "settings",
                    "INSERT INTO settings (key, value) VALUES ('role', ?1)",
                    params![role.code()],
                )?;
            }
            if let Some(r) = &sealed {
                insert_recovery(w, id, r)?;
            }
            Ok((id, first_key(w, id)?))
        })?;
        Ok((self.signed_in(id, Some(signer))?, code))
    }

    fn signed_in(&self, id: i64, signer: Option<super::keys::Signer>) -> Result<SignedIn> {
        let staff = self.staff_by_id(id)?;
        let mut actor = Actor::staff(staff.id, &staff.name, staff.role);
        actor.signer = signer;
        Ok(SignedIn { staff, actor })
    }

    /// Refuse a name that looks like the name of anyone who has or had an account (see
    /// [`crate::domain::staff::looks_alike`]), other than `except`.
    fn refuse_look_alike(&self, name: &str, except: Option<i64>) -> Result<()> {
        let key = look_alike_key(name);
        let clash = self
            .list_staff(true)?
            .into_iter()
            .find(|s| Some(s.id) != except && look_alike_key(&s.name) == key);
        match clash {
            None => Ok(()),
            Some(s) if s.name == name && s.active => {
                Err(StoreError::Invalid(format!("{name} already has an account.")))
            }
            Some(s) => Err(StoreError::Invalid(format!(
                "\u{201c}{name}\u{201d} looks the same as {}, who {} an account. Choose a name that is clearly \
                 different (add a middle initial, for example), so nobody's work is taken for someone else's.",
                s.name,
                if s.active { "already has" } else { "had" }
            ))),
        }
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
        self.refuse_look_alike(&name, None)?;
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
            mark_must_change(w, id, &actor.name, false)?;
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
        let had_code = self.has_recovery_code(staff_id)?;
        let marked = self.must_change_row(staff_id)?;
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
            // The manager knows this passphrase: the person chooses their own at the first sign-in with it.
            mark_must_change(w, staff_id, &actor.name, marked)?;
            // A recovery code unlocks a copy of the old key, which signs nothing more: it stops working, and the
            // person takes a new one once signed in (staff screen, `k`).
            if had_code {
                stop_recovery(w, staff_id, "recovery code stopped: passphrase reset by a manager")?;
            }
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

    /// Check a passphrase. The first four wrong ones in a row cost nothing; each later one makes the account
    /// wait (30 s, doubling, at most 5 minutes) before the next try, the right passphrase included. The count
    /// and the wait are in the database, so restarting the app does not reset them. Every attempt that is
    /// checked is recorded: a wrong one by [`SOMEONE_AT_THE_PC`] ("wrong passphrase typed for …", changing only
    /// the lock-out columns), a right one by the person ("signed in"). An attempt that cannot be recorded is
    /// refused (an error), whichever passphrase was typed. While a wait runs the passphrase is not checked.
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
                _ => Some(self.upgrade_passphrase(&actor, passphrase).map_err(not_recorded)?),
            };
            self.record_sign_in(&actor).map_err(not_recorded)?;
            return Ok(SignIn::Ok(self.signed_in(staff_id, actor.signer)?));
        }
        let attempts = staff.failed_attempts + 1;
        let until = delay_after(attempts, MAX_FAILED_ATTEMPTS - 1).map(|d| now + d);
        let action = match until {
            Some(u) => format!(
                "wrong passphrase typed for {}; next try in {}",
                staff.name,
                crate::domain::staff::plain_wait(u - now)
            ),
            None => format!("wrong passphrase typed for {}", staff.name),
        };
        let until_s = until.map(super::ts);
        self.write(&someone_at_the_pc(), |w| {
            w.update(
                "staff",
                staff_id,
                &action,
                "UPDATE staff SET failed_attempts = ?1, locked_until = ?2 WHERE id = ?3",
                params![attempts, until_s, staff_id],
            )
        })
        .map_err(not_recorded)?;
        Ok(match until {
            Some(until) => SignIn::Locked { until },
            None => SignIn::Wrong {
                tries_left: MAX_FAILED_ATTEMPTS - attempts,
            },
        })
    }

    /// The right passphrase: recorded as the person ("signed in", signed with their key), clearing any count of
    /// wrong tries.
    fn record_sign_in(&mut self, actor: &Actor) -> Result<()> {
        let id = actor.staff_id.unwrap_or_default();
        self.write(actor, |w| {
            w.update(
                "staff",
                id,
                "signed in",
                "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
                [id],
            )
        })
    }

    fn must_change_row(&self, staff_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM staff_must_change WHERE id = ?1", [staff_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Was this account's passphrase set or reset by a manager and not yet changed by its owner? Then the
    /// sign-in screen asks for their own before anything else.
    pub fn must_change_passphrase(&self, staff_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM staff_must_change WHERE id = ?1 AND done_at IS NULL",
                [staff_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// A signed-in member of staff changes their own passphrase: `current` must be right (it unlocks the key
    /// in use now, which signs the change and registers the new key). Returns the person signed in with the
    /// new key, for the session to carry on with. Clears a "must change" left by a manager. A recovery code
    /// (which keeps a copy of the old key) stops working: the person takes a new one with `k`.
    pub fn change_own_passphrase(&mut self, actor: &Actor, current: &str, new: &str) -> Result<SignedIn> {
        let id = actor
            .staff_id
            .ok_or_else(|| StoreError::NotAllowed("only a member of staff can change their passphrase.".into()))?;
        let staff = self.staff_by_id(id)?;
        if !staff.active {
            return Err(StoreError::NotAllowed("this account is deactivated.".into()));
        }
        let stored: String = self
            .conn
            .query_row("SELECT pass_hash FROM staff WHERE id = ?1", [id], |r| r.get(0))?;
        let old = match super::keys::check(current, &stored) {
            super::keys::Checked::Keyed(seed) => self.signer_from_seed(id, &seed)?,
            _ => None,
        };
        let Some(old) = old else {
            return Err(StoreError::Invalid(
                "The current passphrase is not right. Nothing was changed.".into(),
            ));
        };
        validate_passphrase(new).map_err(StoreError::Invalid)?;
        if new == current {
            return Err(StoreError::Invalid(
                "The new passphrase is the same as the current one. Choose a different one.".into(),
            ));
        }
        let key = super::keys::new_passphrase(new)?;
        let had_code = self.has_recovery_code(id)?;
        let must = self.must_change_passphrase(id)?;
        let mut signing = Actor::staff(staff.id, &staff.name, staff.role);
        signing.signer = Some(old);
        let signer = self.write(&signing, |w| {
            let now = w.now_str();
            w.update(
                "staff",
                id,
                "changed their own passphrase",
                "UPDATE staff SET pass_hash = ?1, failed_attempts = 0, locked_until = NULL WHERE id = ?2",
                params![key.pass_hash, id],
            )?;
            let key_id = super::keys::register(w, Some(id), &staff.name, "staff", &key.public)?;
            if must {
                w.update(
                    "staff_must_change",
                    id,
                    "chose their own passphrase",
                    "UPDATE staff_must_change SET done_at = ?1 WHERE id = ?2",
                    params![now, id],
                )?;
            }
            if had_code {
                stop_recovery(w, id, "recovery code stopped: passphrase changed")?;
            }
            super::keys::Signer::from_seed(key_id, &key.seed)
        })?;
        self.signed_in(id, Some(signer))
    }

    /// A manager reactivates a deactivated account, with a reason. Refused if its name now looks like the name
    /// of an active account.
    pub fn reactivate_staff(&mut self, actor: &Actor, staff_id: i64, reason: &str) -> Result<()> {
        actor.require_manager("reactivate accounts")?;
        let reason = crate::text::clean_line(reason, 200).trim().to_string();
        if reason.is_empty() {
            return Err(StoreError::Invalid(
                "Give a reason for reactivating the account.".into(),
            ));
        }
        let target = self.staff_by_id(staff_id)?;
        if target.active {
            return Err(StoreError::Invalid(format!("{} is already active.", target.name)));
        }
        let key = look_alike_key(&target.name);
        if let Some(other) = self
            .list_staff(false)?
            .into_iter()
            .find(|s| s.id != staff_id && look_alike_key(&s.name) == key)
        {
            return Err(StoreError::Invalid(format!(
                "{} cannot be reactivated: {} has an active account with a name that looks the same.                  Nothing was changed.",
                target.name, other.name
            )));
        }
        let action = format!("reactivate: {reason}");
        self.write(actor, |w| {
            w.update(
                "staff",
                staff_id,
                &action,
                "UPDATE staff SET active = 1, deactivated_reason = NULL WHERE id = ?1",
                [staff_id],
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

    /// Does this account have a recovery code?
    pub fn has_recovery_code(&self, staff_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM staff_recovery WHERE id = ?1 AND code_hash <> ''",
                [staff_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Until when wrong recovery codes make this account wait, if a wait runs now.
    pub fn recovery_locked_until(&self, staff_id: i64) -> Result<Option<DateTime<Utc>>> {
        let until: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT locked_until FROM staff_recovery WHERE id = ?1",
                [staff_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(until
            .flatten()
            .as_deref()
            .and_then(parse_ts)
            .filter(|u| *u > self.now()))
    }

    /// Use a recovery code at the sign-in screen: works even while wrong passphrases make the account wait. The
    /// right code sets `new_passphrase` (already asked twice by the screen), lifts the wait, signs the person in
    /// and gives them a new code (the old one stops working). Wrong codes are counted and delayed like wrong
    /// passphrases (after two free ones), recorded by [`SOMEONE_AT_THE_PC`]; an attempt that cannot be recorded
    /// is refused.
    pub fn recover(&mut self, staff_id: i64, code: &str, new_passphrase: &str) -> Result<Recover> {
        let staff = self.staff_by_id(staff_id)?;
        if !staff.active {
            return Ok(Recover::Inactive);
        }
        let row: Option<(String, String, i64, Option<String>)> = self
            .conn
            .query_row(
                "SELECT code_hash, sealed_seed, failed_attempts, locked_until FROM staff_recovery WHERE id = ?1",
                [staff_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((code_hash, sealed, failed, locked)) = row.filter(|r| !r.0.is_empty()) else {
            return Ok(Recover::NoCode);
        };
        let now = self.now();
        if let Some(until) = locked.as_deref().and_then(parse_ts)
            && until > now
        {
            return Ok(Recover::Locked { until });
        }
        validate_passphrase(new_passphrase).map_err(StoreError::Invalid)?;
        if let super::keys::Checked::Keyed(pad) = super::keys::check(&normalise_code(code), &code_hash) {
            // The code unlocks the copy of the person's current key kept with it: that key signs the change to
            // the new passphrase and registers the new key (a person replacing their own key).
            let old = unseal(&sealed, &pad).and_then(|seed| self.signer_from_seed(staff_id, &seed).ok().flatten());
            let Some(old) = old else {
                return Err(StoreError::Invalid(
                    "This recovery code no longer works: the passphrase was changed after it was given. Ask another \
                     manager to reset the passphrase."
                        .into(),
                ));
            };
            let key = super::keys::new_passphrase(new_passphrase)?;
            let new_code = new_recovery_code();
            let new_sealed = seal_recovery(&new_code, &key.seed)?;
            let mut actor = Actor::staff(staff.id, &staff.name, staff.role);
            actor.signer = Some(old);
            let signer = self
                .write(&actor, |w| {
                    let now = w.now_str();
                    w.update(
                        "staff",
                        staff_id,
                        "new passphrase set with the recovery code; signed in",
                        "UPDATE staff SET pass_hash = ?1, failed_attempts = 0, locked_until = NULL WHERE id = ?2",
                        params![key.pass_hash, staff_id],
                    )?;
                    let key_id = super::keys::register(w, Some(staff_id), &staff.name, "staff", &key.public)?;
                    w.update(
                        "staff_recovery",
                        staff_id,
                        "recovery code used; a new one given",
                        "UPDATE staff_recovery SET code_hash = ?1, sealed_seed = ?2, failed_attempts = 0, \
                         locked_until = NULL, issued_at = ?3 WHERE id = ?4",
                        params![new_sealed.code_hash, new_sealed.sealed_seed, now, staff_id],
                    )?;
                    super::keys::Signer::from_seed(key_id, &key.seed)
                })
                .map_err(not_recorded)?;
            return Ok(Recover::Ok {
                staff: self.signed_in(staff_id, Some(signer))?,
                code: new_code,
            });
        }
        let attempts = failed + 1;
        let until = delay_after(attempts, RECOVERY_FREE_TRIES).map(|d| now + d);
        let until_s = until.map(super::ts);
        let action = format!("wrong recovery code typed for {}", staff.name);
        self.write(&someone_at_the_pc(), |w| {
            w.update(
                "staff_recovery",
                staff_id,
                &action,
                "UPDATE staff_recovery SET failed_attempts = ?1, locked_until = ?2 WHERE id = ?3",
                params![attempts, until_s, staff_id],
            )
        })
        .map_err(not_recorded)?;
        Ok(match until {
            Some(until) => Recover::Locked { until },
            None => Recover::Wrong {
                tries_left: RECOVERY_FREE_TRIES - attempts + 1,
            },
        })
    }

    /// A signed-in manager takes a new recovery code for their own account (the old one, if any, stops
    /// working). Returned to be shown once; only its hash is kept.
    pub fn renew_recovery_code(&mut self, actor: &Actor) -> Result<String> {
        actor.require_manager("have a recovery code")?;
        let id = actor
            .staff_id
            .ok_or_else(|| StoreError::NotAllowed("only a signed-in manager can have a recovery code.".into()))?;
        // The code keeps a copy of the manager's key, unlocked only by the code (see `seal_recovery`).
        // Only the key in use now: a copy of one already replaced could sign nothing.
        let seed = actor
            .signer
            .as_ref()
            .map(|s| s.seed())
            .filter(|seed| self.signer_from_seed(id, seed).ok().flatten().is_some())
            .ok_or_else(|| {
                StoreError::NotAllowed("sign in again (with your passphrase) to take a recovery code.".into())
            })?;
        let code = new_recovery_code();
        let sealed = seal_recovery(&code, &seed)?;
        let exists = self
            .conn
            .query_row("SELECT 1 FROM staff_recovery WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some();
        self.write(actor, |w| {
            if exists {
                let now = w.now_str();
                w.update(
                    "staff_recovery",
                    id,
                    "new recovery code",
                    "UPDATE staff_recovery SET code_hash = ?1, sealed_seed = ?2, failed_attempts = 0, \
                     locked_until = NULL, issued_at = ?3 WHERE id = ?4",
                    params![sealed.code_hash, sealed.sealed_seed, now, id],
                )
            } else {
                insert_recovery(w, id, &sealed).map(|_| ())
            }
        })?;
        Ok(code)
    }
}

/// Mark an account's passphrase as one a manager typed (`exists`: the account had such a row before).
fn mark_must_change(w: &mut super::audit::Writer<'_>, staff_id: i64, set_by: &str, exists: bool) -> Result<()> {
    let now = w.now_str();
    if exists {
        w.update(
            "staff_must_change",
            staff_id,
            "passphrase set by a manager: to be changed at the next sign-in",
            "UPDATE staff_must_change SET set_by = ?1, set_at = ?2, done_at = NULL WHERE id = ?3",
            params![set_by, now, staff_id],
        )
    } else {
        w.insert(
            "staff_must_change",
            "INSERT INTO staff_must_change (id, set_by, set_at) VALUES (?1, ?2, ?3)",
            params![staff_id, set_by, now],
        )
        .map(|_| ())
    }
}

fn insert_recovery(w: &mut super::audit::Writer<'_>, staff_id: i64, r: &Sealed) -> Result<i64> {
    let now = w.now_str();
    w.insert(
        "staff_recovery",
        "INSERT INTO staff_recovery (id, code_hash, sealed_seed, issued_at) VALUES (?1, ?2, ?3, ?4)",
        params![staff_id, r.code_hash, r.sealed_seed, now],
    )
}

/// Stop a recovery code: its sealed copy is of a key that a new passphrase has just replaced, so it could sign
/// nothing. The person takes a new code once signed in (staff screen, `k`).
fn stop_recovery(w: &mut super::audit::Writer<'_>, staff_id: i64, why: &str) -> Result<()> {
    w.update(
        "staff_recovery",
        staff_id,
        why,
        "UPDATE staff_recovery SET code_hash = '', sealed_seed = '' WHERE id = ?1",
        [staff_id],
    )
}

/// A recovery code as kept: its hash (the first half of one argon2id run over the code) and the person's key
/// seed sealed with the other half (XOR with 32 bytes only the code gives), so that the code, and nothing
/// else in the file, can sign the change to a new passphrase.
struct Sealed {
    code_hash: String,
    sealed_seed: String,
}

fn seal_recovery(code: &str, seed: &[u8; 32]) -> Result<Sealed> {
    let k = super::keys::new_passphrase(&normalise_code(code))?;
    let sealed: Vec<u8> = seed.iter().zip(k.seed.iter()).map(|(a, b)| a ^ b).collect();
    Ok(Sealed {
        code_hash: k.pass_hash,
        sealed_seed: hex::encode(sealed),
    })
}

fn unseal(sealed: &str, pad: &[u8; 32]) -> Option<[u8; 32]> {
    let bytes = hex::decode(sealed).ok()?;
    let mut seed = [0u8; 32];
    if bytes.len() != 32 {
        return None;
    }
    for (i, b) in bytes.iter().enumerate() {
        seed[i] = b ^ pad[i];
    }
    Some(seed)
}

#[cfg(test)]
pub(crate) mod tests {
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
        let mut s = Store::open_in_memory().unwrap();
        let (m, code) = s
            .setup_with_recovery(&Setup {
                home_name: "Oak House",
                ofsted_urn: "",
                manager_name: "Pat Manager",
                passphrase: "correct horse",
            })
            .unwrap();
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
        let mut s = Store::open_in_memory().unwrap();
        let (m, code) = s
            .setup_with_recovery(&Setup {
                home_name: "Oak House",
                ofsted_urn: "",
                manager_name: "Pat Manager",
                passphrase: "correct horse",
            })
            .unwrap();
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
}
