//! Signing in: the passphrase checked, counted and delayed; a passphrase a manager typed changed at the first
//! sign-in; an older hash upgraded.

use rusqlite::{OptionalExtension, params};

use super::recovery::stop_recovery;
use super::{Actor, Result, SignIn, SignedIn, Store, StoreError, not_recorded, someone_at_the_pc};
use crate::domain::staff::{MAX_FAILED_ATTEMPTS, delay_after, validate_passphrase};

impl Store {
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
        let checked = crate::store::keys::check(passphrase, &stored);
        if !matches!(checked, crate::store::keys::Checked::Wrong) {
            actor.signer = match checked {
                crate::store::keys::Checked::Keyed(seed) => self.signer_from_seed(staff_id, &seed)?,
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
        let until_s = until.map(crate::store::ts);
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

    pub(super) fn must_change_row(&self, staff_id: i64) -> Result<bool> {
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
        let old = match crate::store::keys::check(current, &stored) {
            crate::store::keys::Checked::Keyed(seed) => self.signer_from_seed(id, &seed)?,
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
        let key = crate::store::keys::new_passphrase(new)?;
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
            let key_id = crate::store::keys::register(w, Some(id), &staff.name, "staff", &key.public)?;
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
            crate::store::keys::Signer::from_seed(key_id, &key.seed)
        })?;
        self.signed_in(id, Some(signer))
    }

    /// A passphrase hash from an older version, upgraded at the first sign-in after the update (the passphrase
    /// is in hand): a new hash whose computation also gives a signing key, registered by a row the new key
    /// signs. (`verify` accepts such a first key only for an account made before signing began.)
    fn upgrade_passphrase(&mut self, actor: &Actor, passphrase: &str) -> Result<crate::store::keys::Signer> {
        let key = crate::store::keys::new_passphrase(passphrase)?;
        let id = actor.staff_id.unwrap_or_default();
        self.write(actor, |w| {
            w.update(
                "staff",
                id,
                "upgrade_passphrase_hash",
                "UPDATE staff SET pass_hash = ?1 WHERE id = ?2",
                params![key.pass_hash, id],
            )?;
            let key_id = crate::store::keys::register(w, Some(id), &actor.name, "staff", &key.public)?;
            let signer = crate::store::keys::Signer::from_seed(key_id, &key.seed)?;
            w.sign_with(signer.clone());
            Ok(signer)
        })
    }
}
