//! `concordat verify` and `concordat protocol check FILE`: no one needs to sign in (they show no record: IT
//! staff run them).

use std::path::Path;

use crate::fsio::shown;

pub fn verify(db: &Path) -> anyhow::Result<String> {
    let store = crate::store::Store::open_readonly(db)?;
    let rep = store.verify()?;
    if rep.is_sound() {
        Ok(format!(
            "{}: sound. {} audit rows chained, {} records match the audit trail.",
            shown(db),
            rep.audit_rows,
            rep.records_checked
        ))
    } else {
        let mut s = format!("{}: NOT sound. {}", shown(db), rep.problems[0]);
        if rep.problems.len() > 1 {
            s.push_str(&format!(" ({} more problems.)", rep.problems.len() - 1));
        }
        anyhow::bail!(s)
    }
}

pub fn protocol_check(file: &Path) -> anyhow::Result<String> {
    let p = crate::protocol::load(file).map_err(|e| anyhow::anyhow!(e))?;
    Ok(format!(
        "{}: valid. '{}' version {}, {} steps, sha256 {}.",
        shown(file),
        p.title,
        p.version,
        p.steps.len(),
        p.sha256
    ))
}
