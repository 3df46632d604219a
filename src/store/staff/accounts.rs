//! Staff accounts: the first-run set-up, adding, resetting, changing the role of, deactivating and
//! reactivating an account.

use rusqlite::params;

use super::recovery::{insert_recovery, new_recovery_code, seal_recovery, stop_recovery};
use super::{Actor, Result, STAFF_COLS, Setup, SignedIn, Store, StoreError, check_setup, insert_home, staff_from_row};
use crate::domain::staff::{look_alike_key, validate_passphrase, validate_staff_name};
use crate::domain::{Role, Staff};
use rusqlite::OptionalExtension;

impl Store {
    /// Set up the home and its first manager (without a recovery code: demo data, tests; the app's set-up
    /// screen uses [`Store::setup_with_recovery`]). Returns the manager, signed in.
    pub fn setup(&mut self, s: &Setup<'_>) -> Result<SignedIn> {
        self.setup_inner(s, false, crate::store::settings::Role::Home)
            .map(|(m, _)| m)
    }

    /// Set up as a home or as a YOS (`concordat setup`; the first-run screen): the same checks either way. A
    /// YOS's "home" row holds the service's own name (no URN): it is never a children's home, records no
    /// incidents and takes no home's file as its own. Returns the manager and, with `with_code`, their
    /// recovery code.
    pub fn setup_as(
        &mut self,
        s: &Setup<'_>,
        role: crate::store::settings::Role,
        with_code: bool,
    ) -> Result<(SignedIn, Option<String>)> {
        self.setup_inner(s, with_code, role)
    }

    /// Set up the home and its first manager, who is given a recovery code (returned, to be shown once; only
    /// its hash is kept).
    pub fn setup_with_recovery(&mut self, s: &Setup<'_>) -> Result<(SignedIn, String)> {
        let (m, code) = self.setup_inner(s, true, crate::store::settings::Role::Home)?;
        Ok((m, code.unwrap_or_default()))
    }

    /// The set-up transaction registers the manager's key and is signed by it (its system rows are covered by
    /// that signature).
    fn setup_inner(
        &mut self,
        s: &Setup<'_>,
        with_code: bool,
        role: crate::store::settings::Role,
    ) -> Result<(SignedIn, Option<String>)> {
        if self.is_set_up()? {
            return Err(StoreError::Invalid(match self.role()? {
                crate::store::settings::Role::Yos => "This YOS is already set up.".into(),
                crate::store::settings::Role::Home => "This home is already set up.".into(),
            }));
        }
        let is_yos = role == crate::store::settings::Role::Yos;
        if is_yos && self.home()?.is_some() {
            return Err(StoreError::Invalid(
                "This database already holds a home's records: it cannot become a YOS's. Set the YOS up in a \
                 new file."
                    .into(),
            ));
        }
        let (home, urn, name) = check_setup(s, role)?;
        let key = crate::store::keys::new_passphrase(s.passphrase)?;
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
            let first_key = |w: &mut crate::store::audit::Writer<'_>, id: i64| -> Result<crate::store::keys::Signer> {
                let key_id = crate::store::keys::register(w, Some(id), &name, "staff", &key.public)?;
                let signer = crate::store::keys::Signer::from_seed(key_id, &key.seed)?;
                w.sign_with(signer.clone());
                Ok(signer)
            };
            if existing {
                let id = w.insert(
                    "staff",
                    "INSERT INTO staff (name, role, pass_hash, created_at) VALUES (?1, 'manager', ?2, ?3)",
                    params![name, hash, now],
                )?;
                for (k, v) in crate::store::settings::DEFAULTS
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
            for (k, v) in crate::store::settings::DEFAULTS {
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

    pub(super) fn signed_in(&self, id: i64, signer: Option<crate::store::keys::Signer>) -> Result<SignedIn> {
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
        let key = crate::store::keys::new_passphrase(passphrase)?;
        let id = self.write(actor, |w| {
            let now = w.now_str();
            let id = w.insert(
                "staff",
                "INSERT INTO staff (name, role, pass_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.code(), key.pass_hash, now],
            )?;
            crate::store::keys::register(w, Some(id), &name, "staff", &key.public)?;
            mark_must_change(w, id, &actor.name, false)?;
            Ok(id)
        })?;
        self.staff_by_id(id)
    }

    /// A manager sets a new passphrase for someone (and lifts any lock-out).
    pub fn reset_passphrase(&mut self, actor: &Actor, staff_id: i64, passphrase: &str) -> Result<()> {
        actor.require_manager("reset passphrases")?;
        validate_passphrase(passphrase).map_err(StoreError::Invalid)?;
        let key = crate::store::keys::new_passphrase(passphrase)?;
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
            crate::store::keys::register(w, Some(staff_id), &name, "staff", &key.public)?;
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
}

/// Mark an account's passphrase as one a manager typed (`exists`: the account had such a row before).
fn mark_must_change(w: &mut crate::store::audit::Writer<'_>, staff_id: i64, set_by: &str, exists: bool) -> Result<()> {
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
