//! The home's settings: a few named values, changed only by a manager, every change audited.

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
        "export_identify" | "export_accounts" => match v.as_str() {
            "yos_open" | "all" | "none" => Ok(v),
            _ => bad("Choose yos_open, all or none."),
        },
        _ => bad("Unknown setting."),
    }
}

impl Store {
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
        let value = validate(key, value)?;
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
