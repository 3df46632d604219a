//! Members of staff and what each role may do.

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Staff,
    Senior,
    Manager,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Staff, Role::Senior, Role::Manager];
    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "Staff",
            Role::Senior => "Shift leader",
            Role::Manager => "Manager",
        }
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
/// The first four wrong passphrases cost nothing; from the fifth on, each one makes the account wait before the
/// next try: 30 seconds, then twice as long each time, never more than [`MAX_DELAY_SECONDS`]. The wait slows
/// guessing; it never shuts the home out (the cap, the manager's recovery code and a manager's reset).
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
/// Kept for callers of the old fixed lock: the longest wait, in minutes.
pub const LOCKOUT_MINUTES: i64 = 5;
pub const FIRST_DELAY_SECONDS: i64 = 30;
pub const MAX_DELAY_SECONDS: i64 = LOCKOUT_MINUTES * 60;
/// Wrong recovery codes are delayed too, from the third on (a code is long and random: guessing it is hopeless,
/// the delay only keeps the audit trail short).
pub const RECOVERY_FREE_TRIES: i64 = 2;

/// How long the account waits after `failed` wrong tries in a row, `free` of which cost nothing. None: no wait.
pub fn delay_after(failed: i64, free: i64) -> Option<chrono::Duration> {
    if failed <= free {
        return None;
    }
    let doublings = (failed - free - 1).min(16) as u32;
    let secs = FIRST_DELAY_SECONDS
        .saturating_mul(1i64 << doublings)
        .min(MAX_DELAY_SECONDS);
    Some(chrono::Duration::seconds(secs))
}

/// A wait in plain words: "30 seconds", "1 minute", "2 minutes 30 seconds".
pub fn plain_wait(d: chrono::Duration) -> String {
    let total = d.num_seconds().max(1);
    let (m, s) = (total / 60, total % 60);
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (m, s) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

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
    refuse_invisible(name)?;
    let clean = crate::text::clean_line(name, 80);
    if clean.trim().is_empty() {
        return Err("Name is required.".into());
    }
    Ok(clean.trim().to_string())
}

/// Characters that show as nothing or as a blank: Unicode's default-ignorable code points (DerivedCoreProperties
/// `Default_Ignorable_Code_Point`: soft hyphen, zero-width and joiner characters, bidirectional marks, variation
/// selectors, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, tags …) and the blank Braille pattern U+2800.
/// In a name they make two names that look the same compare as different.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x2800
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// Refuse a name (of a member of staff or a child) with an invisible or blank character in it, saying why.
pub fn refuse_invisible(name: &str) -> Result<(), String> {
    match name.chars().find(|c| is_invisible(*c)) {
        Some(c) => Err(format!(
            "The name has an invisible character in it (U+{:04X}), which would let two names look the same. \
             Type the name again with ordinary letters and spaces.",
            c as u32
        )),
        None => Ok(()),
    }
}

/// What a name looks like, for comparing names: NFKC, lower case, the Unicode confusable skeleton (UTS #39,
/// so a Cyrillic а reads as a Latin a and "rn" as "m"), invisible characters dropped, spaces collapsed. Two
/// names with the same key look alike on screen and on paper.
pub fn look_alike_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_invisible(*c))
        .collect();
    let skel: String = unicode_security::confusable_detection::skeleton(&folded)
        .flat_map(char::to_lowercase)
        .collect();
    let skel: String = skel.nfkc().filter(|c| !is_invisible(*c)).collect();
    skel.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Do two names look alike (the same once case, width, look-alike letters and spacing are set aside)?
pub fn looks_alike(a: &str, b: &str) -> bool {
    look_alike_key(a) == look_alike_key(b)
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
    fn the_wait_grows_from_the_fifth_wrong_try_and_is_capped() {
        let secs = |n| delay_after(n, MAX_FAILED_ATTEMPTS - 1).map(|d| d.num_seconds());
        assert_eq!((1..=4).map(secs).collect::<Vec<_>>(), vec![None; 4]);
        assert_eq!(secs(5), Some(30));
        assert_eq!(secs(6), Some(60));
        assert_eq!(secs(7), Some(120));
        assert_eq!(secs(8), Some(240));
        assert_eq!(secs(9), Some(300));
        assert_eq!(secs(10_000), Some(300));
        assert_eq!(plain_wait(chrono::Duration::seconds(30)), "30 seconds");
        assert_eq!(plain_wait(chrono::Duration::seconds(60)), "1 minute");
        assert_eq!(plain_wait(chrono::Duration::seconds(150)), "2 minutes 30 seconds");
        assert_eq!(plain_wait(chrono::Duration::seconds(61)), "1 minute 1 second");
    }

    #[test]
    fn look_alike_names_share_a_key() {
        let pat = "Pat Manager";
        for same in [
            "Pat M\u{0430}nager",                      // Cyrillic а
            "pat manager",                             // case
            "PAT MANAGER",                             // case
            "Pat  Manager",                            // two spaces
            "Pat\u{00A0}Manager",                      // no-break space
            "Ｐａｔ Ｍａｎａｇｅｒ",                   // full-width letters
            "P\u{0430}t M\u{0430}n\u{0430}g\u{0435}r", // every a and e Cyrillic
            "Pat Manager\u{3164}",                     // Hangul filler (refused anyway, see below)
            "Pat Ma\u{200B}nager",                     // zero-width space
            "Pat rnanager",                            // rn for m
            "\u{0420}at Manager",                      // Cyrillic Р
        ] {
            assert!(looks_alike(pat, same), "{same:?}");
        }
        for different in ["Pat Managers", "Pam Manager", "Patrick Manager", "Sam Night"] {
            assert!(!looks_alike(pat, different), "{different:?}");
        }
        assert!(looks_alike("Sam 1ee", "Sam Lee"), "1 and l");
        assert!(looks_alike("J0rdan", "Jordan"), "0 and o");
    }

    #[test]
    fn invisible_and_filler_characters_are_refused_with_a_reason() {
        for bad in [
            "Pat Manager\u{3164}",
            "Pat\u{115F}Manager",
            "Pat\u{1160} Manager",
            "Pat Manager\u{FFA0}",
            "Pat Manager\u{2800}",
            "Pat\u{00AD}Manager",
            "Pat Manager\u{FE0F}",
            "Pat Manager\u{E0041}",
            "Pat\u{2060}Manager",
        ] {
            let e = validate_staff_name(bad).unwrap_err();
            assert!(e.contains("invisible character"), "{bad:?}: {e}");
        }
        assert_eq!(validate_staff_name("Zoë O'Brien-Smith").unwrap(), "Zoë O'Brien-Smith");
        assert_eq!(validate_staff_name("Łukasz Żółć").unwrap(), "Łukasz Żółć");
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(validate_staff_name("  Sam \x1b[31mLee ").unwrap(), "Sam Lee");
        assert!(validate_staff_name(" \u{200b} ").is_err());
    }
}
