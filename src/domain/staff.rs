//! Members of staff and what each role may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Senior,
    Manager,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Staff, Role::Senior, Role::Manager];
    pub fn code(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Senior => "senior",
            Role::Manager => "manager",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "Staff",
            Role::Senior => "Shift leader",
            Role::Manager => "Manager",
        }
    }
    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
    /// Managers review and sign incidents, manage staff and change settings.
    pub fn is_manager(self) -> bool {
        self == Role::Manager
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub deactivated_reason: Option<String>,
    pub failed_attempts: i64,
    /// UTC time until which sign-in is refused after repeated wrong passphrases.
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Minimum passphrase length (issue: at least 8 characters).
pub const MIN_PASSPHRASE: usize = 8;
pub const MAX_PASSPHRASE: usize = 200;
/// Five wrong tries lock the account for five minutes.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
pub const LOCKOUT_MINUTES: i64 = 5;

pub fn validate_passphrase(p: &str) -> Result<(), String> {
    let n = p.chars().count();
    if n < MIN_PASSPHRASE {
        return Err(format!("Passphrase must be at least {MIN_PASSPHRASE} characters."));
    }
    if n > MAX_PASSPHRASE {
        return Err(format!("Passphrase must be at most {MAX_PASSPHRASE} characters."));
    }
    if p.chars().any(char::is_control) {
        return Err("Passphrase cannot contain control characters.".into());
    }
    Ok(())
}

pub fn validate_staff_name(name: &str) -> Result<String, String> {
    let clean = crate::text::clean_line(name, 80);
    if clean.trim().is_empty() {
        return Err("Name is required.".into());
    }
    Ok(clean.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn passphrase_rules() {
        assert!(validate_passphrase("short").is_err());
        assert!(validate_passphrase("long enough").is_ok());
        assert!(validate_passphrase("bad\u{7}bell!!").is_err());
        assert!(validate_passphrase(&"x".repeat(201)).is_err());
    }
    #[test]
    fn names_are_cleaned() {
        assert_eq!(validate_staff_name("  Sam \x1b[31mLee ").unwrap(), "Sam Lee");
        assert!(validate_staff_name(" \u{200b} ").is_err());
    }
}
