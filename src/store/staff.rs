//! First-run set-up, staff accounts and signing in on the shared PC.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Actor, Result, Store, StoreError, parse_ts};
use crate::domain::staff::{validate_passphrase, validate_staff_name};
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

mod accounts;
mod recovery;
mod sign_in;
#[cfg(test)]
pub(crate) mod tests;

pub use recovery::new_recovery_code;
