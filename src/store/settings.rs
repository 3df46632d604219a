//! The home's settings: a few named values, changed only by a manager, every change audited.

use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::{Actor, Result, Store, StoreError};

/// Every setting and its default. New settings get their default when first read.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("idle_lock_minutes", "10"),
    ("day_shift_start", "07:30"),
    ("night_shift_start", "22:00"),
    ("export_folder", ""),
    // The sync folder shared with the YOS (homes/<URN>/outbox and receipts); empty: no sync.
    ("sync_folder", ""),
    // Who is named in the weekly file: "yos_open" (default), "all", or "none".
    ("export_identify", "yos_open"),
    // Whose free-text accounts are included: "yos_open" (default), "all", or "none".
    ("export_accounts", "yos_open"),
    // The Youth Offending Service's contact, shown on the "Who was told" step and the export screen.
    ("yos_contact_name", ""),
    ("yos_contact_email", ""),
    ("yos_contact_phone", ""),
    // The protocol the wizard walks: "auto" (the area's own file, else national) or an embedded protocol's id.
    ("protocol", crate::protocol::AUTO),
];

/// What this database is: a children's home (the default, and every database made before there was a choice)
/// or a Youth Offending Service that reads the homes' weekly sets. Set once, at set-up (the `role` setting),
/// never changed afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Home,
    Yos,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Home => "home",
            Role::Yos => "yos",
        }
    }
}

fn default_of(key: &str) -> Option<&'static str> {
    DEFAULTS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Check a value before it is saved.
pub fn validate(key: &str, value: &str) -> Result<String> {
    let v = crate::text::clean_line(value, 500).trim().to_string();
    let bad = |m: &str| Err(StoreError::Invalid(m.to_string()));
    match key {
        "idle_lock_minutes" => match v.parse::<u32>() {
            Ok(n) if (1..=240).contains(&n) => Ok(n.to_string()),
            _ => bad("Idle lock is a number of minutes from 1 to 240."),
        },
        "day_shift_start" | "night_shift_start" => crate::time::parse_time(&v)
            .map(|t| t.format("%H:%M").to_string())
            .map_err(StoreError::Invalid),
        "export_folder" | "sync_folder" => Ok(v),
        "yos_contact_name" => Ok(crate::text::clean_line(&v, 100).trim().to_string()),
        "yos_contact_email" => {
            if v.is_empty() || (v.contains('@') && !v.contains(char::is_whitespace)) {
                Ok(v)
            } else {
                bad("An e-mail address looks like name@example.gov.uk.")
            }
        }
        "yos_contact_phone" => {
            if v.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c)) && v.len() <= 30 {
                Ok(v)
            } else {
                bad("A phone number is digits, spaces and + ( ) - only.")
            }
        }
        "protocol" => {
            if v == crate::protocol::AUTO || crate::protocol::EMBEDDED.iter().any(|(id, _, _)| *id == v) {
                Ok(v)
            } else {
                bad("Choose one of the protocols listed.")
            }
        }
        "export_identify" | "export_accounts" => match v.as_str() {
            "yos_open" | "all" | "none" => Ok(v),
            _ => bad("Choose yos_open, all or none."),
        },
        _ => bad("Unknown setting."),
    }
}

/// "YOS: Kim Officer, 01632 960000, yos@example.gov.uk", or `None` when no contact is recorded.
pub fn yos_contact_line(store: &Store) -> Option<String> {
    let parts: Vec<String> = ["yos_contact_name", "yos_contact_phone", "yos_contact_email"]
        .iter()
        .filter_map(|k| store.setting(k).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(crate::text::display(&format!("YOS: {}", parts.join(", "))))
    }
}

impl Store {
    /// This database's role (see [`Role`]): `yos` only when set up as a YOS.
    pub fn role(&self) -> Result<Role> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'role'", [], |r| r.get(0))
            .optional()?;
        Ok(if v.as_deref() == Some("yos") {
            Role::Yos
        } else {
            Role::Home
        })
    }

    /// Refuse what only a home does (record or sign its own incidents, send its weekly file) on a YOS's
    /// database. `what` completes "a YOS does not …".
    pub fn require_home(&self, what: &str) -> Result<()> {
        if self.role()? == Role::Yos {
            return Err(StoreError::NotAllowed(format!(
                "This is a YOS's database: a YOS does not {what}. The homes do that in their own copy of \
                 concordat."
            )));
        }
        Ok(())
    }

    /// Check a folder before it becomes the export folder: it exists, is a folder, can be written to (a
    /// temporary file is created there and removed), and is not the data folder nor the backups folder.
    pub fn check_export_folder(&self, dir: &Path) -> Result<()> {
        let name = crate::fsio::shown(dir);
        let bad = |m: String| Err(StoreError::Invalid(m));
        let meta = match std::fs::metadata(dir) {
            Ok(m) => m,
            Err(_) => return bad(format!("The folder {name} does not exist. Nothing was changed.")),
        };
        if !meta.is_dir() {
            return bad(format!("{name} is a file, not a folder. Nothing was changed."));
        }
        let target = dir.canonicalize().ok();
        if self.path() != Path::new(":memory:") {
            let data = self.path().parent().unwrap_or(Path::new("."));
            let data = if data.as_os_str().is_empty() {
                Path::new(".")
            } else {
                data
            };
            if target.is_some() && data.canonicalize().ok() == target {
                return bad(format!(
                    "{name} is the folder that holds the records. Choose another folder. Nothing was changed."
                ));
            }
            let backups = super::backup::backups_dir(self.path());
            if let (Some(t), Ok(b)) = (&target, backups.canonicalize())
                && t.starts_with(&b)
            {
                return bad(format!(
                    "{name} is the backups folder. Choose another folder. Nothing was changed."
                ));
            }
        }
        match crate::fsio::temp_in(dir) {
            Ok(tmp) => {
                let _ = tmp.close();
                Ok(())
            }
            Err(e) => bad(format!(
                "Cannot write in the folder {name} ({}). Nothing was changed.",
                crate::text::display(&e.to_string())
            )),
        }
    }

    pub fn setting(&self, key: &str) -> Result<String> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        v.or_else(|| default_of(key).map(str::to_string))
            .ok_or_else(|| StoreError::NotFound(format!("setting {key}")))
    }

    pub fn setting_u32(&self, key: &str) -> Result<u32> {
        let v = self.setting(key)?;
        v.parse().or_else(|_| {
            default_of(key)
                .unwrap_or("0")
                .parse()
                .map_err(|_| StoreError::Invalid(key.into()))
        })
    }

    /// Change a setting (managers only).
    pub fn set_setting(&mut self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        actor.require_manager("change settings")?;
        // The home's name and URN live in the `home` table; the settings screen saves them through here.
        if key == "home_name" || key == "home_ofsted_urn" {
            let h = self
                .home()?
                .ok_or_else(|| StoreError::Invalid("This home is not set up yet.".into()))?;
            return if key == "home_name" {
                self.update_home(actor, value, &h.ofsted_urn)
            } else {
                self.update_home(actor, &h.name, value)
            };
        }
        let value = validate(key, value)?;
        if (key == "export_folder" || key == "sync_folder") && !value.is_empty() {
            self.check_export_folder(Path::new(&value))?;
        }
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        self.write(actor, |w| match id {
            Some(id) => w.update(
                "settings",
                id,
                "update",
                "UPDATE settings SET value = ?1 WHERE id = ?2",
                params![value, id],
            ),
            None => w
                .insert(
                    "settings",
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    params![key, value],
                )
                .map(|_| ()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::staff::tests::{actor, set_up};

    #[test]
    fn the_sync_folder_is_checked_when_set() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        assert_eq!(s.setting("sync_folder").unwrap(), "");
        let e = s
            .set_setting(&a, "sync_folder", "/no/such/folder/anywhere")
            .unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert_eq!(s.setting("sync_folder").unwrap(), "");
        let d = tempfile::tempdir().unwrap();
        s.set_setting(&a, "sync_folder", d.path().to_str().unwrap()).unwrap();
        assert_eq!(s.setting("sync_folder").unwrap(), d.path().to_str().unwrap());
        assert_eq!(s.role().unwrap(), super::Role::Home);
    }

    #[test]
    fn settings_have_defaults_and_only_managers_change_them() {
        let (mut s, m) = set_up();
        assert_eq!(s.setting_u32("idle_lock_minutes").unwrap(), 10);
        let a = actor(&m);
        s.set_setting(&a, "idle_lock_minutes", "15").unwrap();
        assert_eq!(s.setting("idle_lock_minutes").unwrap(), "15");
        assert!(s.set_setting(&a, "idle_lock_minutes", "0").is_err());
        assert!(s.set_setting(&a, "day_shift_start", "7:5x").is_err());
        s.set_setting(&a, "day_shift_start", "0800").unwrap();
        assert_eq!(s.setting("day_shift_start").unwrap(), "08:00");
        let w = s.add_staff(&a, "Sam", Role::Staff, "12345678").unwrap();
        assert!(matches!(
            s.set_setting(&actor(&w), "idle_lock_minutes", "20"),
            Err(StoreError::NotAllowed(_))
        ));
    }

    #[test]
    fn a_manager_corrects_the_home_and_the_audit_says_who() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.set_setting(&a, "home_name", "  Oak House Children's Home ").unwrap();
        s.set_setting(&a, "home_ofsted_urn", "SC654321").unwrap();
        let h = s.home().unwrap().unwrap();
        assert_eq!(h.name, "Oak House Children's Home");
        assert_eq!(h.ofsted_urn, "SC654321");
        let (who, entity, action, after): (String, String, String, String) = s
            .connection()
            .query_row(
                "SELECT staff_name, entity, action, after FROM audit ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (who.as_str(), entity.as_str(), action.as_str()),
            ("Pat Manager", "home", "update")
        );
        assert!(after.contains("SC654321"), "{after}");
        // The same checks as at set-up; nothing changes when refused.
        assert!(s.set_setting(&a, "home_name", "   ").is_err());
        assert!(s.update_home(&a, "Oak", "SC-12").is_err());
        assert_eq!(s.home().unwrap().unwrap(), h);
        let w = s.add_staff(&a, "Sam", Role::Staff, "12345678").unwrap();
        assert!(matches!(
            s.update_home(&actor(&w), "Elm", ""),
            Err(StoreError::NotAllowed(_))
        ));
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn the_yos_contact_is_recorded_and_checked() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        assert_eq!(yos_contact_line(&s), None);
        s.set_setting(&a, "yos_contact_name", "Kim Officer").unwrap();
        assert_eq!(yos_contact_line(&s).as_deref(), Some("YOS: Kim Officer"));
        s.set_setting(&a, "yos_contact_phone", "01632 960000").unwrap();
        s.set_setting(&a, "yos_contact_email", "yos@example.gov.uk").unwrap();
        assert_eq!(
            yos_contact_line(&s).as_deref(),
            Some("YOS: Kim Officer, 01632 960000, yos@example.gov.uk")
        );
        assert!(s.set_setting(&a, "yos_contact_email", "not an address").is_err());
        assert!(s.set_setting(&a, "yos_contact_phone", "call Kim").is_err());
        assert!(s.verify().unwrap().is_sound());
    }

    fn refused(s: &mut Store, a: &Actor, dir: &Path) -> String {
        match s.set_setting(a, "export_folder", dir.to_str().unwrap()) {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("{dir:?} accepted: {other:?}"),
        }
    }

    #[test]
    fn the_export_folder_is_checked_when_it_is_set() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let mut s = Store::open(&data.join("concordat.db")).unwrap();
        let m = s
            .setup(&crate::store::staff::Setup {
                home_name: "Oak House",
                ofsted_urn: "",
                manager_name: "Pat Manager",
                passphrase: "correct horse",
            })
            .unwrap();
        let a = actor(&m);
        let before = s.setting("export_folder").unwrap();
        let msgs = [
            refused(&mut s, &a, &tmp.path().join("nowhere")),
            {
                let f = tmp.path().join("a-file.txt");
                std::fs::write(&f, "x").unwrap();
                refused(&mut s, &a, &f)
            },
            refused(&mut s, &a, &data),
            {
                let b = crate::store::backup::backups_dir(s.path());
                std::fs::create_dir_all(&b).unwrap();
                refused(&mut s, &a, &b)
            },
        ];
        assert!(msgs[0].contains("does not exist"), "{}", msgs[0]);
        assert!(msgs[1].contains("is a file, not a folder"), "{}", msgs[1]);
        assert!(msgs[2].contains("holds the records"), "{}", msgs[2]);
        assert!(msgs[3].contains("backups folder"), "{}", msgs[3]);
        for m in &msgs {
            assert!(m.contains("Nothing was changed."), "{m}");
        }
        assert_eq!(s.setting("export_folder").unwrap(), before);
        // A folder that cannot be written to (skipped when running as root, who can write anyway).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let ro = tmp.path().join("read-only");
            std::fs::create_dir(&ro).unwrap();
            std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
            if crate::fsio::temp_in(&ro).is_err() {
                let m = refused(&mut s, &a, &ro);
                assert!(m.starts_with("Cannot write in the folder"), "{m}");
            } else {
                eprintln!("running as root: the not-writable case is skipped");
            }
            std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // A good folder is accepted and nothing is left in it.
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        s.set_setting(&a, "export_folder", out.to_str().unwrap()).unwrap();
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        assert!(s.verify().unwrap().is_sound());
    }
}
