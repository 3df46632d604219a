//! Names: the file names of a set, the home's slug and a child's pseudonym.

use super::*;

/// The pseudonym of a child: hex HMAC-SHA256 of its uid keyed with the home's secret. A child imported under
/// a pseudonym keeps it.
pub fn pseudonym(secret: &str, child_uid: &str) -> String {
    if let Some(p) = child_uid.strip_prefix(PSEUDONYM_UID_PREFIX) {
        return p.to_string();
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(child_uid.as_bytes());
    hex::encode(mac.finalize().into_bytes())
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

/// The three file names of an export version.
pub fn file_names(home_name: &str, period: &Period, version: u32) -> [String; 3] {
    let base = if version <= 1 {
        format!("{}-{}", slug(home_name), period.label)
    } else {
        format!("{}-{}-v{version}", slug(home_name), period.label)
    };
    [
        format!("{base}.csv"),
        format!("{base}.json"),
        format!("{base}.manifest.json"),
    ]
}
