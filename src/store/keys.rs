//! Signing keys: each member of staff has an Ed25519 key that only their passphrase unlocks, and the last audit
//! row of every transaction is signed with the writer's key (see `verify` for the rules a file must meet).
//!
//! The key's 32-byte seed comes from the same argon2id computation that checks the passphrase: argon2id
//! (19 MiB, 2 passes, v19) gives 64 bytes from the passphrase and a per-account random salt; the first 32 are
//! stored as the verifier, the last 32 are the seed and are never stored. Signing in therefore costs one
//! argon2 computation, as before, and whoever holds the file but not the passphrase has neither the seed nor a
//! way to compute it short of guessing the passphrase.
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{OptionalExtension, params};

use super::audit::{Actor, Writer};
use super::{Result, Store, StoreError};
use crate::domain::Role;

/// A passphrase hash that also unlocks a signing key: a PHC-like string whose hash part is the first half of a
/// 64-byte argon2id output (salt and verifier in hex).
pub const KEYED_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1,keyed=64$";

pub use super::signer::{Signer, signature_ok};

fn public_of(seed: &[u8; 32]) -> Result<String> {
    Ok(Signer::from_seed(0, seed)?.public_hex())
}

fn argon() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, Some(64)).expect("fixed argon2 parameters are valid"),
    )
}

fn derive(passphrase: &str, salt: &[u8]) -> Result<[u8; 64]> {
    let mut out = [0u8; 64];
    argon()
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|e| StoreError::Invalid(format!("Could not protect the passphrase: {e}")))?;
    Ok(out)
}

/// A new passphrase: the hash to store and the seed of its signing key (with its public key, hex).
pub struct NewKey {
    pub pass_hash: String,
    pub seed: [u8; 32],
    pub public: String,
}

pub fn new_passphrase(passphrase: &str) -> Result<NewKey> {
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let out = derive(passphrase, &salt)?;
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&out[32..]);
    Ok(NewKey {
        pass_hash: format!("{KEYED_PREFIX}{}${}", hex::encode(salt), hex::encode(&out[..32])),
        public: public_of(&seed)?,
        seed,
    })
}

/// The result of checking a passphrase against a stored hash.
pub enum Checked {
    Wrong,
    /// Right, and a hash made by this version: the key's seed.
    Keyed([u8; 32]),
    /// Right, but a hash made by an older version (no key yet): upgrade it now the passphrase is in hand.
    Old,
}

pub fn check(passphrase: &str, stored: &str) -> Checked {
    if let Some(rest) = stored.strip_prefix(KEYED_PREFIX) {
        let Some((salt, verifier)) = rest.split_once('$') else {
            return Checked::Wrong;
        };
        let (Ok(salt), Ok(verifier)) = (hex::decode(salt), hex::decode(verifier)) else {
            return Checked::Wrong;
        };
        let Ok(out) = derive(passphrase, &salt) else {
            return Checked::Wrong;
        };
        // Constant time: every byte is compared whatever the first difference.
        let same = verifier.len() == 32 && out[..32].iter().zip(&verifier).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0;
        if !same {
            return Checked::Wrong;
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&out[32..]);
        return Checked::Keyed(seed);
    }
    use argon2::password_hash::{PasswordVerifier, phc::PasswordHash};
    match PasswordHash::new(stored) {
        Ok(h) if Argon2::default().verify_password(passphrase.as_bytes(), &h).is_ok() => Checked::Old,
        _ => Checked::Wrong,
    }
}

/// Register a public key (an audited row, signed with the transaction). Returns its id.
pub(crate) fn register(
    w: &mut Writer<'_>,
    staff_id: Option<i64>,
    holder: &str,
    purpose: &str,
    public: &str,
) -> Result<i64> {
    let now = w.now_str();
    w.insert(
        "signing_keys",
        "INSERT INTO signing_keys (staff_id, holder, purpose, public_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![staff_id, holder, purpose, public, now],
    )
}

/// The prefix of a scheduled export's holder name.
pub const SCHEDULED_HOLDER: &str = "scheduled export, authorised by ";

impl Store {
    /// The current key registered for a member of staff: (id, public key hex).
    pub(crate) fn current_key(&self, staff_id: i64) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, public_key FROM signing_keys WHERE staff_id = ?1 AND purpose = 'staff' \
                 ORDER BY id DESC LIMIT 1",
                [staff_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The signing actor for a member of staff whose passphrase was just checked (seed in hand): None when the
    /// key registered for them is not this one (their writes will then show in `verify` as unsigned).
    pub(crate) fn signer_from_seed(&self, staff_id: i64, seed: &[u8; 32]) -> Result<Option<Signer>> {
        let Some((id, public)) = self.current_key(staff_id)? else {
            return Ok(None);
        };
        let s = Signer::from_seed(id, seed)?;
        Ok((s.public_hex() == public).then_some(s))
    }

    /// The signing actor of a member of staff, from their passphrase (for tests and commands that have already
    /// signed the person in; the app uses `sign_in`). Records nothing: a wrong passphrase is just refused.
    pub fn signer_for(&self, staff_id: i64, passphrase: &str) -> Result<Actor> {
        let staff = self.staff_by_id(staff_id)?;
        let stored: String = self
            .conn
            .query_row("SELECT pass_hash FROM staff WHERE id = ?1", [staff_id], |r| r.get(0))?;
        let Checked::Keyed(seed) = check(passphrase, &stored) else {
            return Err(StoreError::NotAllowed(format!(
                "the passphrase for {} is not right.",
                crate::text::display(&staff.name)
            )));
        };
        let mut a = Actor::staff(staff.id, &staff.name, staff.role);
        a.signer = self.signer_from_seed(staff_id, &seed)?;
        Ok(a)
    }

    /// A manager authorises unattended weekly exports: a new key whose holder is "scheduled export, authorised
    /// by NAME" (replacing any earlier one) is registered by a row the manager signs. Returns the key's private
    /// seed (hex), to be kept by the caller in a file only the scheduled task can read; `verify` lets that key
    /// sign export-ledger rows and nothing else.
    pub fn authorise_scheduled_export(&mut self, manager: &Actor) -> Result<String> {
        manager.require_manager("authorise scheduled exports")?;
        if manager.signer.is_none() {
            return Err(StoreError::NotAllowed(
                "sign in with your passphrase to authorise scheduled exports.".into(),
            ));
        }
        let seed = {
            use rand::RngCore;
            let mut b = [0u8; 32];
            rand::rng().fill_bytes(&mut b);
            b
        };
        let public = public_of(&seed)?;
        let holder = format!("{SCHEDULED_HOLDER}{}", manager.name);
        self.write(manager, |w| register(w, None, &holder, "scheduled_export", &public))?;
        Ok(hex::encode(seed))
    }

    /// The actor of a scheduled export, from the secret `authorise_scheduled_export` gave: refused when the key
    /// is not the one currently authorised.
    pub fn scheduled_actor(&self, secret: &str) -> Result<Actor> {
        let refused = || {
            StoreError::NotAllowed(
                "this scheduled-export key is not the one a manager authorised last: ask a manager to \
                 authorise scheduled exports again."
                    .into(),
            )
        };
        let bytes = hex::decode(secret.trim()).map_err(|_| refused())?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| refused())?;
        let public = public_of(&seed)?;
        let (id, holder, current): (i64, String, String) = self
            .conn
            .query_row(
                "SELECT id, holder, public_key FROM signing_keys WHERE purpose = 'scheduled_export' \
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(refused)?;
        if current != public {
            return Err(refused());
        }
        Ok(Actor {
            staff_id: None,
            name: holder,
            // The export needs a manager's authority, which this key was given; `verify` lets it sign
            // export-ledger rows only.
            role: Role::Manager,
            signer: Some(Signer::from_seed(id, &seed)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::staff::tests::set_up;
    use crate::store::staff::{SignIn, hash_passphrase_old};

    #[test]
    fn an_old_hash_is_upgraded_at_sign_in_and_the_account_then_signs() {
        let (mut s, m) = set_up();
        let a = m.actor.clone();
        let w = s.add_staff(&a, "Sam Night", Role::Staff, "night shift 1").unwrap();
        // A file from before signing: Sam's hash made by an older version, written as that version would (it is
        // counted as from before signing by moving the marker, as the migration does for older files).
        let old = hash_passphrase_old("night shift 1").unwrap();
        s.conn
            .execute_batch(&format!(
                "UPDATE staff SET pass_hash = '{old}' WHERE id = {id}; \
                 DELETE FROM signing_keys WHERE staff_id = {id};",
                id = w.id
            ))
            .unwrap();
        assert!(matches!(check("night shift 1", &old), Checked::Old));
        assert!(matches!(check("wrong", &old), Checked::Wrong));
        let SignIn::Ok(signed) = s.sign_in(w.id, "night shift 1").unwrap() else {
            panic!("sign-in failed");
        };
        assert!(signed.actor.signer.is_some());
        let stored: String = s
            .conn
            .query_row("SELECT pass_hash FROM staff WHERE id = ?1", [w.id], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with(KEYED_PREFIX), "upgraded: {stored}");
        assert!(matches!(check("night shift 1", &stored), Checked::Keyed(_)));
        assert!(!format!("{:?}", signed.actor).contains(&stored[KEYED_PREFIX.len()..]));
    }

    /// Sign-in time, before (argon2id, 32-byte output, as older versions) and after (one argon2id run giving
    /// 64 bytes, plus deriving the Ed25519 key): `cargo test --lib sign_in_time -- --nocapture`.
    #[test]
    fn sign_in_time() {
        let old = hash_passphrase_old("correct horse").unwrap();
        let new = new_passphrase("correct horse").unwrap();
        let time = |f: &dyn Fn()| {
            let t = std::time::Instant::now();
            for _ in 0..5 {
                f();
            }
            t.elapsed() / 5
        };
        let before = time(&|| assert!(matches!(check("correct horse", &old), Checked::Old)));
        let after = time(&|| {
            let Checked::Keyed(seed) = check("correct horse", &new.pass_hash) else {
                panic!()
            };
            assert_eq!(Signer::from_seed(1, &seed).unwrap().public_hex(), new.public);
        });
        eprintln!("sign-in check: before {before:?}, after {after:?} (argon2id + Ed25519 key)");
    }
}
