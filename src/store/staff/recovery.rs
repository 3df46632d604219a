//! Recovery codes: given to managers, kept as a hash and a sealed copy of the key, used at the sign-in screen.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Actor, Recover, Result, Store, StoreError, not_recorded, parse_ts, someone_at_the_pc};
use crate::domain::staff::{RECOVERY_FREE_TRIES, delay_after, validate_passphrase};

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

impl Store {
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
        if let crate::store::keys::Checked::Keyed(pad) = crate::store::keys::check(&normalise_code(code), &code_hash) {
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
            let key = crate::store::keys::new_passphrase(new_passphrase)?;
            let new_code = new_recovery_code();
            let new_sealed = seal_recovery(&new_code, &key.seed)?;
            let mut actor = Actor::staff(staff.id, &staff.name, staff.role);
            actor.signer = Some(old);
            let signer = self
                .write(&actor, |w| {
                    w.update(
                        "staff",
                        staff_id,
                        "new passphrase set with the recovery code; signed in",
                        "UPDATE staff SET pass_hash = ?1, failed_attempts = 0, locked_until = NULL WHERE id = ?2",
                        params![key.pass_hash, staff_id],
                    )?;
                    let key_id = crate::store::keys::register(w, Some(staff_id), &staff.name, "staff", &key.public)?;
                    replace_recovery(w, staff_id, "recovery code used; a new one given", &new_sealed)?;
                    crate::store::keys::Signer::from_seed(key_id, &key.seed)
                })
                .map_err(not_recorded)?;
            return Ok(Recover::Ok {
                staff: self.signed_in(staff_id, Some(signer))?,
                code: new_code,
            });
        }
        let attempts = failed + 1;
        let until = delay_after(attempts, RECOVERY_FREE_TRIES).map(|d| now + d);
        let until_s = until.map(crate::store::ts);
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
                replace_recovery(w, id, "new recovery code", &sealed)
            } else {
                insert_recovery(w, id, &sealed).map(|_| ())
            }
        })?;
        Ok(code)
    }
}

pub(super) fn insert_recovery(w: &mut crate::store::audit::Writer<'_>, staff_id: i64, r: &Sealed) -> Result<i64> {
    let now = w.now_str();
    w.insert(
        "staff_recovery",
        "INSERT INTO staff_recovery (id, code_hash, sealed_seed, issued_at) VALUES (?1, ?2, ?3, ?4)",
        params![staff_id, r.code_hash, r.sealed_seed, now],
    )
}

/// Give an account that had a recovery code a new one: the old code stops working and its wait is lifted.
fn replace_recovery(w: &mut crate::store::audit::Writer<'_>, staff_id: i64, why: &str, r: &Sealed) -> Result<()> {
    let now = w.now_str();
    w.update(
        "staff_recovery",
        staff_id,
        why,
        "UPDATE staff_recovery SET code_hash = ?1, sealed_seed = ?2, failed_attempts = 0, locked_until = NULL, \
         issued_at = ?3 WHERE id = ?4",
        params![r.code_hash, r.sealed_seed, now, staff_id],
    )
}

/// Stop a recovery code: its sealed copy is of a key that a new passphrase has just replaced, so it could sign
/// nothing. The person takes a new code once signed in (staff screen, `k`).
pub(super) fn stop_recovery(w: &mut crate::store::audit::Writer<'_>, staff_id: i64, why: &str) -> Result<()> {
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
pub(super) struct Sealed {
    code_hash: String,
    sealed_seed: String,
}

pub(super) fn seal_recovery(code: &str, seed: &[u8; 32]) -> Result<Sealed> {
    let k = crate::store::keys::new_passphrase(&normalise_code(code))?;
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
