//! The sync folder's layout, shared by the homes and the YOS (the sync contract):
//!
//! ```text
//! <sync>/homes/<URN>/outbox/<SET>.csv
//! <sync>/homes/<URN>/outbox/<SET>.json
//! <sync>/homes/<URN>/outbox/<SET>.manifest.json        (moved into place last: its presence marks a whole set)
//! <sync>/homes/<URN>/receipts/<SET>.receipt.json       (written by the YOS, one per set it read)
//! ```
//!
//! `<URN>` is the home's Ofsted URN as stored, checked to be `[A-Za-z0-9]+` before it is used in a path;
//! `<SET>` is the set's file base name (`SC123456-oak-house-2026-W47`, `-v2`…). Every file is written with
//! [`crate::fsio`], never over an existing one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The `format` of a receipt.
pub const RECEIPT_FORMAT: &str = "concordat-receipt";
/// The `version` of the receipt format.
pub const RECEIPT_VERSION: u64 = 1;
/// The end of a receipt's file name.
pub const RECEIPT_SUFFIX: &str = ".receipt.json";
/// The end of a manifest's file name.
pub const MANIFEST_SUFFIX: &str = ".manifest.json";

/// Is this URN safe to use as a folder name (`[A-Za-z0-9]+`)?
pub fn valid_urn(urn: &str) -> bool {
    !urn.is_empty() && urn.len() <= 32 && urn.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Is this set name safe to use in a file name (letters, digits, `-`, `_`; not starting with `.` or `-`)?
pub fn valid_set(set: &str) -> bool {
    !set.is_empty()
        && set.len() <= 200
        && set.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !set.starts_with('-')
}

/// The same check under the name the YOS side uses.
pub fn urn_ok(urn: &str) -> bool {
    valid_urn(urn)
}

/// The same check under the name the YOS side uses.
pub fn set_ok(set: &str) -> bool {
    valid_set(set)
}

fn checked_urn(urn: &str) -> anyhow::Result<&str> {
    if valid_urn(urn) {
        Ok(urn)
    } else {
        anyhow::bail!(
            "The home's Ofsted URN \"{}\" cannot name a folder (letters and digits only, e.g. SC123456): \
             correct it in Settings. Nothing was written.",
            crate::text::display(urn)
        )
    }
}

/// `<sync>/homes`.
pub fn homes_dir(sync: &Path) -> PathBuf {
    sync.join("homes")
}

/// `<sync>/homes/<URN>`.
pub fn home_dir(sync: &Path, urn: &str) -> anyhow::Result<PathBuf> {
    Ok(homes_dir(sync).join(checked_urn(urn)?))
}

/// `<sync>/homes/<URN>/outbox`: where the home writes its sets.
pub fn outbox_dir(sync: &Path, urn: &str) -> anyhow::Result<PathBuf> {
    Ok(home_dir(sync, urn)?.join("outbox"))
}

/// `<sync>/homes/<URN>/receipts`: where the YOS writes a receipt for every set it read.
pub fn receipts_dir(sync: &Path, urn: &str) -> anyhow::Result<PathBuf> {
    Ok(home_dir(sync, urn)?.join("receipts"))
}

/// `<sync>/homes/<URN>/receipts/<SET>.receipt.json`.
pub fn receipt_path(sync: &Path, urn: &str, set: &str) -> anyhow::Result<PathBuf> {
    if !valid_set(set) {
        anyhow::bail!("\"{}\" is not the name of a set.", crate::text::display(set));
    }
    Ok(receipts_dir(sync, urn)?.join(format!("{set}{RECEIPT_SUFFIX}")))
}

/// Accepted or rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptStatus {
    Accepted,
    Rejected,
}

impl ReceiptStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReceiptStatus::Accepted => "accepted",
            ReceiptStatus::Rejected => "rejected",
        }
    }
}

/// The home a receipt is about, as in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptHome {
    pub uid: String,
    pub name: String,
    pub ofsted_urn: String,
}

/// The period, in the manifest's shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPeriod {
    pub label: String,
    pub start: String,
    pub end: String,
    pub first_day: String,
    pub last_day: String,
}

/// What an accepted set held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCounts {
    pub incidents: u64,
    pub entries: u64,
    pub children: u64,
    pub unchanged: u64,
}

/// A receipt, written by the YOS for every set it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: String,
    pub version: u64,
    pub set: String,
    pub export_uid: String,
    pub home: ReceiptHome,
    pub period: ReceiptPeriod,
    pub export_version: u32,
    /// Hex SHA-256 of the manifest file's bytes.
    pub manifest_sha256: String,
    pub status: ReceiptStatus,
    /// Plain words, present when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// UTC, as `crate::time::to_db`.
    pub read_at: String,
    /// The YOS service's name.
    pub read_by: String,
    /// Accepted only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<ReceiptCounts>,
}

/// Read a receipt; the error says in plain words what is wrong with it.
pub fn read_receipt(path: &Path) -> anyhow::Result<Receipt> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("The receipt {} cannot be read ({e}).", crate::fsio::shown(path)))?;
    if bytes.len() > 1 << 20 {
        anyhow::bail!("The receipt {} is too large to be a receipt.", crate::fsio::shown(path));
    }
    let r: Receipt = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("The receipt {} is not a receipt ({e}).", crate::fsio::shown(path)))?;
    if r.format != RECEIPT_FORMAT || r.version != RECEIPT_VERSION {
        anyhow::bail!(
            "The receipt {} is of an unknown kind ({} version {}).",
            crate::fsio::shown(path),
            crate::text::display(&r.format),
            r.version
        );
    }
    if !valid_set(&r.set) {
        anyhow::bail!("The receipt {} names no valid set.", crate::fsio::shown(path));
    }
    Ok(r)
}

/// Write a receipt, never over an existing file (a set is receipted once).
pub fn write_receipt(path: &Path, r: &Receipt) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(r)?;
    bytes.push(b'\n');
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("The folder {} cannot be made ({e}).", crate::fsio::shown(dir)))?;
    }
    crate::fsio::write_new(path, &bytes, None)
        .map_err(|e| anyhow::anyhow!("The receipt {} was not written ({e}).", crate::fsio::shown(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_that_could_leave_the_folder_are_refused() {
        let s = Path::new("/sync");
        assert_eq!(
            outbox_dir(s, "SC123456").unwrap(),
            Path::new("/sync/homes/SC123456/outbox")
        );
        assert_eq!(
            receipt_path(s, "SC1", "SC1-oak-house-2026-W47").unwrap(),
            Path::new("/sync/homes/SC1/receipts/SC1-oak-house-2026-W47.receipt.json")
        );
        for bad in ["", "..", "SC/1", "SC 1", "SC1\\x", "ŞC1"] {
            assert!(outbox_dir(s, bad).is_err(), "{bad}");
        }
        assert!(receipt_path(s, "SC1", "../x").is_err());
        assert!(receipt_path(s, "SC1", ".hidden").is_err());
    }

    #[test]
    fn a_receipt_reads_back_as_written_and_is_never_overwritten() {
        let d = tempfile::tempdir().unwrap();
        let p = receipt_path(d.path(), "SC1", "SC1-a-2026-W01").unwrap();
        let r = Receipt {
            format: RECEIPT_FORMAT.into(),
            version: RECEIPT_VERSION,
            set: "SC1-a-2026-W01".into(),
            export_uid: "u".into(),
            home: ReceiptHome {
                uid: "h".into(),
                name: "A".into(),
                ofsted_urn: "SC1".into(),
            },
            period: ReceiptPeriod {
                label: "2026-W01".into(),
                start: "s".into(),
                end: "e".into(),
                first_day: "2025-12-29".into(),
                last_day: "2026-01-04".into(),
            },
            export_version: 1,
            manifest_sha256: "00".into(),
            status: ReceiptStatus::Rejected,
            reason: Some("altered".into()),
            read_at: "t".into(),
            read_by: "YOS".into(),
            counts: None,
        };
        write_receipt(&p, &r).unwrap();
        assert_eq!(read_receipt(&p).unwrap(), r);
        assert!(write_receipt(&p, &r).is_err());
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\"status\": \"rejected\""));
    }
}
