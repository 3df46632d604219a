//! Names: the file names of a set, the home's slug and a child's pseudonym.

use super::*;

/// The pseudonym of a child: hex HMAC-SHA256 of its uid keyed with the home's secret. A child imported under
/// a pseudonym keeps it.
pub fn pseudonym(secret: &str, child_uid: &str) -> String {
    if let Some(p) = child_uid.strip_prefix(PSEUDONYM_UID_PREFIX) {
        return p.to_string();
    }
    crate::hash::hmac_sha256_hex(secret.as_bytes(), child_uid.as_bytes())
}

/// The home's name as it appears in file names: `oak-house`.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s: String = s.trim_matches('-').chars().take(40).collect();
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "home".into() } else { s }
}

/// The base name of a set: `SC123456-oak-house-2026-W47`, then `-v2`, `-v3` for later versions of the same
/// period. The Ofsted URN in front tells homes apart in one YOS folder; a home without a usable URN (letters and
/// digits only) gets the old name, `oak-house-2026-W47` (such a home cannot sync; a plain export still works).
pub fn set_name(urn: &str, home_name: &str, period: &Period, version: u32) -> String {
    let home = if crate::sync::layout::valid_urn(urn) {
        format!("{urn}-{}", slug(home_name))
    } else {
        slug(home_name)
    };
    if version <= 1 {
        format!("{home}-{}", period.label)
    } else {
        format!("{home}-{}-v{version}", period.label)
    }
}

/// The three file names of an export version (see [`set_name`]).
pub fn file_names(urn: &str, home_name: &str, period: &Period, version: u32) -> [String; 3] {
    let base = set_name(urn, home_name, period, version);
    [
        format!("{base}.csv"),
        format!("{base}.json"),
        format!("{base}.manifest.json"),
    ]
}
