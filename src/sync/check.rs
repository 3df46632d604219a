//! A set checked against its manifest, before anything is imported: the manifest's format and version, both
//! files present with the sizes and SHA-256 it states, the JSON's home (uid, URN) and period equal to the
//! manifest's (and, in a sync folder, the URN equal to the folder's). Shared by `sync` on a YOS and by
//! `concordat import`. Every refusal names the file and the check, in plain words.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::layout::{MANIFEST_SUFFIX, ReceiptHome};
use crate::store::verify::Anchor;

/// The `format` of a manifest.
pub const MANIFEST_FORMAT: &str = "concordat-export-manifest";
/// The largest manifest read (a manifest is a few KB).
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// One file a manifest lists.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What a manifest says (the parts checked and kept).
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u64,
    #[serde(default)]
    pub export_uid: String,
    #[serde(default)]
    pub export_version: u64,
    pub home: ReceiptHome,
    pub period: Value,
    #[serde(default)]
    pub generated_at: String,
    #[serde(default)]
    pub audit_anchor: Option<Anchor>,
    pub files: Vec<ManifestFile>,
}

impl Manifest {
    /// The period's label ("2026-W47"), or "".
    pub fn period_label(&self) -> String {
        self.period
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    pub fn period_field(&self, k: &str) -> String {
        self.period.get(k).and_then(Value::as_str).unwrap_or("").to_string()
    }
}

/// A manifest as read from its folder: the set's name, the SHA-256 of its bytes, and what it says (or why it
/// could not be read).
#[derive(Debug, Clone)]
pub struct ReadManifest {
    pub set: String,
    pub dir: PathBuf,
    pub sha256: String,
    pub manifest: Result<Manifest, String>,
}

/// The set's base name from a manifest's path: `X.manifest.json` → `X`.
pub fn set_of(path: &Path) -> Option<String> {
    path.file_name()?
        .to_str()?
        .strip_suffix(MANIFEST_SUFFIX)
        .map(str::to_string)
}

/// Read a manifest (never more than 1 MB).
pub fn read_manifest(path: &Path) -> ReadManifest {
    let set = set_of(path).unwrap_or_default();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = format!("{set}{MANIFEST_SUFFIX}");
    let bytes = std::fs::File::open(path).and_then(|f| {
        let mut v = Vec::new();
        f.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut v)?;
        Ok(v)
    });
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            return ReadManifest {
                set,
                dir,
                sha256: String::new(),
                manifest: Err(format!("{name} cannot be read ({e}).")),
            };
        }
    };
    let sha256 = crate::hash::sha256_hex(&bytes);
    let manifest = if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        Err(format!("{name} is too large to be a manifest."))
    } else {
        serde_json::from_slice::<Manifest>(&bytes).map_err(|e| format!("{name} is not a readable manifest ({e})."))
    };
    ReadManifest {
        set,
        dir,
        sha256,
        manifest,
    }
}

/// SHA-256 (hex) and size of a file, read in pieces.
pub fn file_sum(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = crate::hash::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((h.finish_hex(), n))
}

/// The head of an export's JSON (its records are skipped, never held).
#[derive(Deserialize)]
struct JsonHead {
    format: String,
    version: u64,
    home: ReceiptHome,
    period: Value,
}

/// Check a set against its manifest. `folder_urn` is the URN of the folder it was found in (sync), or None
/// (`concordat import`). Returns the path of the set's JSON, or why the set is refused (plain words, naming the
/// file and the check).
pub fn check_set(rm: &ReadManifest, folder_urn: Option<&str>) -> Result<PathBuf, String> {
    let set = &rm.set;
    let mname = format!("{set}{MANIFEST_SUFFIX}");
    let m = rm.manifest.as_ref().map_err(Clone::clone)?;
    if m.format != MANIFEST_FORMAT {
        return Err(format!(
            "{mname} is not a concordat manifest (its format is not {MANIFEST_FORMAT})."
        ));
    }
    if m.version != crate::export::FORMAT_VERSION {
        return Err(format!(
            "{mname} is of version {}, which this concordat does not read (it reads version {}).",
            m.version,
            crate::export::FORMAT_VERSION
        ));
    }
    if m.export_uid.is_empty() || m.export_version == 0 {
        return Err(format!(
            "{mname} does not say which export it is (export uid and version)."
        ));
    }
    if let Some(urn) = folder_urn
        && m.home.ofsted_urn != urn
    {
        return Err(format!(
            "{mname} says the set comes from Ofsted URN {}, but it is in the folder of URN {urn}: a set is only \
             read from its own home's folder.",
            if m.home.ofsted_urn.is_empty() {
                "(none)"
            } else {
                &m.home.ofsted_urn
            }
        ));
    }
    let mut json = None;
    for ext in ["csv", "json"] {
        let want = format!("{set}.{ext}");
        let Some(f) = m.files.iter().find(|f| f.name == want) else {
            return Err(format!("{mname} does not list {want}: the set is not whole."));
        };
        let path = rm.dir.join(&want);
        let (sha, bytes) = match file_sum(&path) {
            Ok(x) => x,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!("{want} is missing: the set is not whole."));
            }
            Err(e) => return Err(format!("{want} cannot be read ({e}).")),
        };
        if bytes != f.bytes {
            return Err(format!(
                "{want} is {bytes} bytes but its manifest says {}: it was changed or cut short after it was \
                 written.",
                f.bytes
            ));
        }
        if !sha.eq_ignore_ascii_case(&f.sha256) {
            return Err(format!(
                "{want} does not match its manifest (its SHA-256 differs): it was changed after it was written."
            ));
        }
        if ext == "json" {
            json = Some(path);
        }
    }
    if m.files.len() != 2 {
        return Err(format!(
            "{mname} lists {} files; a set has two (CSV and JSON).",
            m.files.len()
        ));
    }
    let json = json.unwrap_or_default();
    let jname = format!("{set}.json");
    let head: JsonHead = std::fs::File::open(&json)
        .map_err(|e| e.to_string())
        .and_then(|f| serde_json::from_reader(std::io::BufReader::with_capacity(1 << 16, f)).map_err(|e| e.to_string()))
        .map_err(|e| format!("{jname} is not a readable export ({e})."))?;
    if head.format != crate::export::FORMAT || head.version != crate::export::FORMAT_VERSION {
        return Err(format!(
            "{jname} is not a concordat export of version {}.",
            crate::export::FORMAT_VERSION
        ));
    }
    if head.home.uid != m.home.uid || head.home.ofsted_urn != m.home.ofsted_urn {
        return Err(format!(
            "{jname} says it comes from home {} (URN {}), but its manifest says home {} (URN {}).",
            head.home.uid, head.home.ofsted_urn, m.home.uid, m.home.ofsted_urn
        ));
    }
    if head.period != m.period {
        return Err(format!(
            "{jname} is for the period {}, but its manifest says {}.",
            head.period.get("label").and_then(Value::as_str).unwrap_or("?"),
            m.period_label()
        ));
    }
    if let Some(a) = &m.audit_anchor
        && !a.home_uid.is_empty()
        && a.home_uid != m.home.uid
    {
        return Err(format!("{mname} carries another home's audit anchor."));
    }
    Ok(json)
}

/// The manifest beside an export's JSON: `X.json` → `X.manifest.json`.
pub fn manifest_beside(json: &Path) -> Option<PathBuf> {
    let name = json.file_name()?.to_str()?;
    let base = name.strip_suffix(".json")?;
    if base.ends_with(".manifest") {
        return None;
    }
    Some(json.with_file_name(format!("{base}{MANIFEST_SUFFIX}")))
}
