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
    // Who is named in the weekly file: "yos_open" (default), "all", or "none".
    ("export_identify", "yos_open"),
    // Whose free-text accounts are included: "yos_open" (default), "all", or "none".
    ("export_accounts", "yos_open"),
    // The Youth Offending Service's contact, shown on the "Who was told" step and the export screen.
    ("yos_contact_name", ""),
    ("yos_contact_email", ""),
    ("yos_contact_phone", ""),
];

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
        "export_folder" => Ok(v),
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
        if key == "export_folder" && !value.is_empty() {
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
}
