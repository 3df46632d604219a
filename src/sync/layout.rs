//! The sync folder's layout, shared by the home side and the YOS side (a network share, a folder OneDrive or
//! SharePoint keeps in step, a mounted SFTP folder: the program only sees a folder):
//!
//! ```text
//! <sync>/homes/<URN>/outbox/<SET>.csv
//! <sync>/homes/<URN>/outbox/<SET>.json
//! <sync>/homes/<URN>/outbox/<SET>.manifest.json     (moved into place last: its presence marks a whole set)
//! <sync>/homes/<URN>/receipts/<SET>.receipt.json    (written by the YOS, one per set it read)
//! ```
//!
//! `<URN>` is the home's Ofsted URN, letters and digits only (checked before it is used in a path); `<SET>` the
//! set's file base name. Every file is written with [`crate::fsio`], never over an existing one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The receipt's `format`.
pub const RECEIPT_FORMAT: &str = "concordat-receipt";
/// The receipt's `version`.
pub const RECEIPT_VERSION: u64 = 1;
/// The end of a manifest's file name.
pub const MANIFEST_SUFFIX: &str = ".manifest.json";
/// The end of a receipt's file name.
pub const RECEIPT_SUFFIX: &str = ".receipt.json";

/// Is `urn` fit to be a folder name: letters and digits only, not empty?
pub fn urn_ok(urn: &str) -> bool {
    !urn.is_empty() && urn.len() <= 20 && urn.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Is `set` fit to be a file base name: letters, digits and `-`, not starting with `.` or `-`?
pub fn set_ok(set: &str) -> bool {
    !set.is_empty()
        && set.len() <= 120
        && set.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !set.starts_with('-')
}

/// `<sync>/homes`.
pub fn homes_dir(sync: &Path) -> PathBuf {
    sync.join("homes")
}

/// `<sync>/homes/<URN>/outbox`.
pub fn outbox_dir(sync: &Path, urn: &str) -> PathBuf {
    homes_dir(sync).join(urn).join("outbox")
}

/// `<sync>/homes/<URN>/receipts`.
pub fn receipts_dir(sync: &Path, urn: &str) -> PathBuf {
    homes_dir(sync).join(urn).join("receipts")
}

/// `<sync>/homes/<URN>/receipts/<SET>.receipt.json`.
pub fn receipt_path(sync: &Path, urn: &str, set: &str) -> PathBuf {
    receipts_dir(sync, urn).join(format!("{set}{RECEIPT_SUFFIX}"))
}

/// Whether the YOS took the set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// The home a set came from, as its manifest says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReceiptHome {
    pub uid: String,
    pub name: String,
    pub ofsted_urn: String,
}

/// What an accepted set brought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReceiptCounts {
    pub incidents: u64,
    pub entries: u64,
    pub children: u64,
    pub unchanged: u64,
}

/// The YOS's receipt for one set it read, accepted or rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: String,
    pub version: u64,
    pub set: String,
    pub export_uid: String,
    pub home: ReceiptHome,
    /// The same shape as the manifest's `period` (label, start, end, first_day, last_day).
    pub period: serde_json::Value,
    pub export_version: u64,
    /// Hex SHA-256 of the manifest file's bytes.
    pub manifest_sha256: String,
    pub status: ReceiptStatus,
    /// Plain words, present when rejected: which file, which check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// UTC, as [`crate::time::to_db`].
    pub read_at: String,
    /// The YOS service's name.
    pub read_by: String,
    /// Accepted only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<ReceiptCounts>,
}

/// Read a receipt (cleaned for display by whoever shows it).
pub fn read_receipt(path: &Path) -> anyhow::Result<Receipt> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("Cannot read the receipt {}: {e}.", crate::fsio::shown(path)))?;
    let r: Receipt = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{} is not a receipt: {e}.", crate::fsio::shown(path)))?;
    if r.format != RECEIPT_FORMAT || r.version != RECEIPT_VERSION {
        anyhow::bail!(
            "{} is not a receipt this version of concordat reads.",
            crate::fsio::shown(path)
        );
    }
    Ok(r)
}

/// Write a receipt, never over an existing file (its folder is made if needed).
pub fn write_receipt(path: &Path, r: &Receipt) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("Cannot make the folder {}: {e}.", crate::fsio::shown(dir)))?;
    }
    let mut bytes = serde_json::to_vec_pretty(r)?;
    bytes.push(b'\n');
    crate::fsio::write_new(path, &bytes, None)
        .map_err(|e| anyhow::anyhow!("Could not write the receipt {}: {e}.", crate::fsio::shown(path)))
}
