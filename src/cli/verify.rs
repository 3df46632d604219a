//! `concordat verify` and `concordat protocol check FILE`: no one needs to sign in (they show no record: IT
//! staff run them).

use std::path::Path;

use crate::fsio::shown;

pub fn verify(db: &Path, anchors: Option<&Path>) -> anyhow::Result<String> {
    let store = crate::store::Store::open_readonly(db)?;
    let mut rep = store.verify()?;
    let mut anchored = String::new();
    if let Some(dir) = anchors
        && rep.is_sound()
    {
        let a = crate::store::verify::check_anchors(&store, dir)
            .map_err(|e| anyhow::anyhow!("Cannot read the manifests in {}: {e}", shown(dir)))?;
        rep.problems.extend(a.problems);
        anchored = format!(" {} manifest anchor(s) match.", a.checked);
    }
    if rep.is_sound() {
        let before = if rep.before_signing > 0 {
            format!(" {} rows from before signing.", rep.before_signing)
        } else {
            String::new()
        };
        Ok(format!(
            "{}: sound. {} audit rows chained, {} signed transactions, {} records match the audit trail.{before}{anchored}",
            shown(db),
            rep.audit_rows,
            rep.signed_transactions,
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
