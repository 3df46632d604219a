//! The weekly file to the Youth Offending Service.
//!
//! One export is three files named with the home and the period (`oak-house-2026-W47.csv`, `.json`,
//! `.manifest.json`; a re-export of the same period is `-v2`, `-v3`…, never an overwrite):
//!
//! * the CSV: one row per incident, RFC 4180, UTF-8 with a byte order mark, CRLF line ends, cells that a
//!   spreadsheet would read as a formula (starting `=`, `+`, `-`, `@`, tab or CR) prefixed with `'`.
//!   The columns are [`CSV_COLUMNS`], in that order.
//! * the JSON: `{"format": "concordat-export", "version": 1, …}`, the same records with full detail, described by
//!   `assets/export.schema.json` (JSON Schema draft 2020-12).
//! * the manifest: who made it, when, with which rules, the counts, and the SHA-256 of the other two files.
//!
//! A set appears whole or not at all, and every set that appears is in the ledger (the `exports` table): the
//! three files are written in a hidden folder in the export folder (`.concordat-partial-PID-set-UID`), the
//! ledger row is committed, then the files are moved into place, the manifest last. [`recover_unfinished`]
//! finishes a recorded set that a crash left in its hidden folder and removes one that was never recorded.
//!
//! The CSV and the JSON depend only on the data (records in time order, no time of writing), so exporting the
//! same data twice gives byte-identical files; only the manifest says when and by whom.
//!
//! Sharing no more than needed: a child open to the YOS is identified (name, date of birth, YOS reference); any
//! other child appears under a stable pseudonym, the hex HMAC-SHA256 of the child's uid keyed with the home's
//! secret. The settings `export_identify` and `export_accounts` (`yos_open`, `all`, `none`) say who is named
//! and whose free-text accounts go in.

pub mod import;
mod ledger;
mod names;
mod records;
mod sums;
mod write;

pub use self::ledger::*;
pub use self::names::*;
pub use self::records::*;
use self::sums::*;
pub use self::write::*;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::{Change, Child, CorrectableField, Entry, IncidentRecord};
use crate::store::{Actor, Home, Store, StoreError};
use crate::time::Period;

/// The `format` of an export's JSON.
pub const FORMAT: &str = "concordat-export";
/// The `version` of the JSON format (bumped on any incompatible change).
pub const FORMAT_VERSION: u64 = 1;
/// The JSON Schema of the export.
pub const SCHEMA: &str = include_str!("../../assets/export.schema.json");
/// A child imported under a pseudonym is stored with this uid prefix and always exported under that pseudonym.
pub const PSEUDONYM_UID_PREFIX: &str = "pseudonym:";

/// The CSV header, in order, with what each column holds (for the README and the YOS).
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    (
        "record_type",
        "incident (in the period) or amendment (an incident of an earlier export, added or changed since)",
    ),
    ("amends", "for an amendment: the export it amends, e.g. 2026-W46-v1"),
    ("incident_uid", "stable identifier of the incident"),
    ("occurred_at", "local time (Europe/London), YYYY-MM-DD HH:MM"),
    (
        "child_ref",
        "the child's uid when identified, else the pseudonym (HMAC-SHA256, hex)",
    ),
    ("child_identified", "yes / no"),
    ("child_name", "legal name, identified children only"),
    ("child_dob", "date of birth YYYY-MM-DD, identified children only"),
    ("child_age", "age in years on the day, identified children only"),
    ("yos_open", "yes / no: open to the YOS"),
    ("yos_ref", "YOS reference, identified children only"),
    ("gender", "code"),
    ("ethnicity", "code"),
    ("legal_status", "code"),
    ("location", "where it happened"),
    ("categories", "category codes separated by ;"),
    ("immediate_danger", "yes / no"),
    (
        "recommended",
        "response the protocol suggested: in_house / restorative / police",
    ),
    ("response", "response chosen: in_house / restorative / police"),
    ("rationale", "why the response differs from the suggestion"),
    ("deescalation", "what was tried, codes separated by ;"),
    ("police_route", "emergency999 / non_emergency101"),
    ("police_reason", "behaviour / missing / absent"),
    ("police_reference", "police incident or crime reference"),
    (
        "police_outcome",
        "outcome code, e.g. outcome21, outcome22, youth_caution",
    ),
    ("court_outcome", "pending / convicted / not_convicted"),
    ("arrest", "yes / no"),
    (
        "restorative_kind",
        "conversation / meeting / reparation / apology / mediation",
    ),
    ("restorative_victim_consent", "yes / no / blank when not asked"),
    ("restorative_held", "yes / no / blank when not known"),
    ("restorative_outcome", "what came of it"),
    (
        "reg35_measure",
        "regulation 35 measure of control, discipline or restraint",
    ),
    ("reg35_duration_minutes", "its duration"),
    ("injuries", "injuries to anyone"),
    ("damage_cost_gbp", "estimated cost of damage, whole pounds"),
    ("notified", "who was told, codes separated by ;"),
    (
        "ofsted_serious",
        "yes / no: regulation 40 notification judged necessary",
    ),
    ("status", "awaiting_review / reviewed"),
    ("signed_by", "manager who signed"),
    ("signed_at", "local time of signing"),
    ("protocol_id", "the protocol the record was made under"),
    ("protocol_version", "its version"),
    (
        "account_included",
        "yes / no: whether free text is included under the accounts rule",
    ),
    ("account", "the factual account (current, after corrections)"),
    ("child_view", "the child's own view, in their words"),
    ("recorded_by", "who recorded it"),
    ("recorded_at", "local time it was recorded"),
    ("entries", "number of later entries"),
    (
        "child_pseudonym",
        "the child's stable pseudonym, for every child (also when named): one child, counted once",
    ),
    ("age_at_incident", "age in years on the day, for every child"),
    (
        "age_on_last_day",
        "age in years on the period's last day, for every child",
    ),
    ("looked_after_from", "the month the child came to the home, YYYY-MM"),
];

/// Who a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    YosOpen,
    All,
    None,
}

impl Share {
    pub fn parse(s: &str) -> Share {
        match s {
            "all" => Share::All,
            "none" => Share::None,
            _ => Share::YosOpen,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Share::YosOpen => "yos_open",
            Share::All => "all",
            Share::None => "none",
        }
    }
    fn applies(self, yos_open: bool) -> bool {
        match self {
            Share::YosOpen => yos_open,
            Share::All => true,
            Share::None => false,
        }
    }
}

/// The disclosure rules an export was made with (stated in the JSON and the manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub identify: Share,
    pub accounts: Share,
}

impl Rules {
    pub fn of(store: &Store) -> anyhow::Result<Rules> {
        Ok(Rules {
            identify: Share::parse(&store.setting("export_identify")?),
            accounts: Share::parse(&store.setting("export_accounts")?),
        })
    }

    fn to_json(self) -> Value {
        let who = |s: Share| match s {
            Share::YosOpen => "children open to the YOS",
            Share::All => "all children",
            Share::None => "no child",
        };
        json!({
            "identify": self.identify.code(),
            "accounts": self.accounts.code(),
            "description": format!(
                "Named (name, date of birth, YOS reference): {}. Free-text accounts included for: {}. \
                 Every other child appears under a pseudonym: hex HMAC-SHA256 of the child's uid keyed with \
                 the home's secret, stable across exports.",
                who(self.identify),
                who(self.accounts)
            ),
        })
    }
}

/// What an export holds, by response and category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Incidents that happened in the period.
    pub incidents: usize,
    /// Incidents of earlier exports added or changed since (carried as amendments).
    pub amendments: usize,
    /// Distinct children in the file.
    pub children: usize,
    /// Of those, children named.
    pub identified_children: usize,
    /// Incidents of the period by response code.
    pub by_response: BTreeMap<String, usize>,
    /// Incidents of the period by category code (an incident may have several).
    pub by_category: BTreeMap<String, usize>,
}

impl Counts {
    /// One line: "5 incidents (3 in-house, 1 restorative, 1 police), 1 amendment".
    pub fn line(&self) -> String {
        let r = |c: &str| self.by_response.get(c).copied().unwrap_or(0);
        format!(
            "{} incident{} ({} in-house, {} restorative, {} police), {} amendment{}",
            self.incidents,
            if self.incidents == 1 { "" } else { "s" },
            r("in_house"),
            r("restorative"),
            r("police"),
            self.amendments,
            if self.amendments == 1 { "" } else { "s" }
        )
    }
}

/// An export built in memory.
#[derive(Debug, Clone)]
pub struct ExportFiles {
    pub csv: Vec<u8>,
    pub json: Vec<u8>,
    /// The manifest as it would be written now (version and author as for a preview).
    pub manifest: Vec<u8>,
    pub counts: Counts,
    pub rules: Rules,
    pub period: Period,
}

/// What [`write`] did.
#[derive(Debug, Clone)]
pub struct ExportResult {
    pub uid: String,
    pub version: u32,
    /// The CSV, JSON and manifest, in that order.
    pub files: Vec<PathBuf>,
    pub counts: Counts,
    /// What was done, before this export, about sets that earlier exports left unfinished
    /// ([`recover_unfinished`]).
    pub recovered: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::children::tests::input;
    use crate::store::staff::tests::{actor, set_up};

    #[test]
    fn formula_cells_are_neutralised() {
        for c in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(c).starts_with('\''), "{c}");
        }
        assert_eq!(neutralise("Kitchen"), "Kitchen");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn each_record_is_a_line_of_compact_json() {
        let lines = |records: Vec<Value>| {
            let mut ser = serde_json::Serializer::with_formatter(Vec::new(), RecordLines::default());
            let doc = Doc {
                format: FORMAT,
                version: FORMAT_VERSION,
                home: json!({"uid": "h", "tags": ["a", "b"]}),
                period: json!({"label": "2026-W47"}),
                disclosure: json!({}),
                children: Vec::new(),
                records: &records,
            };
            doc.serialize(&mut ser).unwrap();
            let text = String::from_utf8(ser.into_inner()).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back["records"], Value::Array(records.clone()), "{text}");
            text
        };
        let none = lines(vec![]);
        assert!(
            !none.contains('\n') && none.ends_with(r#""children":[],"records":[]}"#),
            "{none}"
        );
        let two = lines(vec![
            json!({"uid": "1", "entries": [{"at": "x"}, {"at": "y"}], "text": "a\nb"}),
            json!({"uid": "2", "entries": []}),
        ]);
        let got: Vec<&str> = two.lines().collect();
        assert_eq!(got.len(), 4, "{two}");
        assert!(
            got[0].ends_with(r#""disclosure":{},"children":[],"records":["#) && got[0].contains(r#""tags":["a","b"]"#)
        );
        assert_eq!(
            got[1],
            r#"{"uid":"1","entries":[{"at":"x"},{"at":"y"}],"text":"a\nb"},"#
        );
        assert_eq!(got[2], r#"{"uid":"2","entries":[]}"#);
        assert_eq!(got[3], "]}");
    }

    #[test]
    fn slugs_and_names() {
        assert_eq!(slug("Oak House"), "oak-house");
        assert_eq!(slug("  St. Mary's / Annexe "), "st-mary-s-annexe");
        assert_eq!(slug("***"), "home");
        let p = Period::parse_week("2026-W47").unwrap();
        assert_eq!(file_names("", "Oak House", &p, 1)[0], "oak-house-2026-W47.csv");
        assert_eq!(
            file_names("", "Oak House", &p, 2)[2],
            "oak-house-2026-W47-v2.manifest.json"
        );
        // Homes are told apart by their Ofsted URN, in front (a URN that could not name a file is left out).
        assert_eq!(
            file_names("SC123456", "Oak House", &p, 1)[0],
            "SC123456-oak-house-2026-W47.csv"
        );
        assert_eq!(
            set_name("SC123456", "Oak House", &p, 3),
            "SC123456-oak-house-2026-W47-v3"
        );
        assert_eq!(set_name("SC/1", "Oak House", &p, 1), "oak-house-2026-W47");
    }

    #[test]
    fn the_hash_is_of_the_bytes_written_here_or_on_its_thread() {
        for len in [0usize, 10, (1 << 18) + 3, (1 << 20) - 1, 5 << 20] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 1000) as u8).collect();
            let mut h = Hashing::new(Vec::new());
            // Pieces of many sizes, as the serializer writes them.
            let mut at = 0;
            let mut step = 1;
            while at < data.len() {
                let end = (at + step).min(data.len());
                h.write_all(&data[at..end]).unwrap();
                at = end;
                step = step * 3 % 70_001 + 1;
            }
            let (out, sum) = h.finish().unwrap();
            assert_eq!(out, data, "{len}");
            assert_eq!(sum.bytes, len as u64);
            assert_eq!(sum.sha256, sha256_hex(&data), "{len}");
        }
    }

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = pseudonym("secret", "child-1");
        assert_eq!(a, pseudonym("secret", "child-1"));
        assert_ne!(a, pseudonym("other", "child-1"));
        assert_ne!(a, pseudonym("secret", "child-2"));
        assert_eq!(a.len(), 64);
        assert_eq!(pseudonym("x", "pseudonym:abc"), "abc");
        // The same pseudonyms as before ring replaced the sha2 and hmac crates (values from the old code): a
        // child keeps their pseudonym in every weekly file.
        assert_eq!(a, "6cd8eb8346b13554884b470ed0872f6422c36da9675017eccb5534d56c35ec0a");
        assert_eq!(
            pseudonym("a home secret é", "2b0f5c1e-uid"),
            "b898b5f1787e6a50612113d6d6b426197fccd933ad67334cf6f30cd0f92dc16b"
        );
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn stop_at(at: Stage) -> impl FnMut(Stage) -> std::io::Result<()> {
        move |s| {
            if s == at {
                Err(std::io::Error::other("the power went"))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn an_export_stopped_before_it_is_recorded_leaves_nothing() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.add_child(&a, &input("Jordan Smith")).unwrap();
        let p = last_week(s.now());
        for at in [Stage::Generated, Stage::Staged] {
            let dir = tempfile::tempdir().unwrap();
            let e = write_hooked(&mut s, &a, &p, dir.path(), &mut stop_at(at)).unwrap_err();
            assert!(e.to_string().contains("Nothing was written"), "{at:?}: {e}");
            assert!(entries(dir.path()).is_empty(), "{at:?}: {:?}", entries(dir.path()));
            assert!(!is_exported(&s, &p).unwrap());
        }
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn an_export_stopped_after_it_is_recorded_is_finished_at_the_next_start() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.add_child(&a, &input("Jordan Smith")).unwrap();
        let p = last_week(s.now());
        for (i, at) in [Stage::Recorded, Stage::Placed(0), Stage::Placed(1)]
            .into_iter()
            .enumerate()
        {
            let dir = tempfile::tempdir().unwrap();
            s.set_setting(&a, "export_folder", dir.path().to_str().unwrap())
                .unwrap();
            let e = write_hooked(&mut s, &a, &p, dir.path(), &mut stop_at(at)).unwrap_err();
            assert!(e.to_string().contains("recorded as version"), "{at:?}: {e}");
            let version = i as u32 + 1;
            let names = file_names("SC123456", "Oak House", &p, version);
            // No manifest without its files: the manifest is always the last to appear.
            assert!(!dir.path().join(&names[2]).exists(), "{at:?}");
            let msgs = recover_unfinished(&s);
            assert_eq!(msgs.len(), 1, "{at:?}: {msgs:?}");
            assert!(msgs[0].contains("now in"), "{}", msgs[0]);
            assert_eq!(
                entries(dir.path()),
                {
                    let mut n = names.to_vec();
                    n.sort();
                    n
                },
                "{at:?}"
            );
            // The set is the one recorded: the manifest's hashes match the files.
            let man: Value = serde_json::from_slice(&std::fs::read(dir.path().join(&names[2])).unwrap()).unwrap();
            for f in man["files"].as_array().unwrap() {
                let got = file_sha256(&dir.path().join(f["name"].as_str().unwrap())).unwrap();
                assert_eq!(got, f["sha256"].as_str().unwrap());
            }
            assert!(recover_unfinished(&s).is_empty(), "nothing left to do");
        }
        // A later export of the same week is the next version, beside the others.
        let dir = tempfile::tempdir().unwrap();
        let r = write(&mut s, &a, &p, dir.path()).unwrap();
        assert_eq!(r.version, 4);
        assert!(r.files[0].to_string_lossy().ends_with("-v4.csv"));
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn an_unrecorded_hidden_folder_is_removed_and_a_recorded_one_is_not() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let dir = tempfile::tempdir().unwrap();
        s.set_setting(&a, "export_folder", dir.path().to_str().unwrap())
            .unwrap();
        let stray = dir
            .path()
            .join(format!("{}4294967-set-abc", crate::fsio::PARTIAL_PREFIX));
        std::fs::create_dir(&stray).unwrap();
        std::fs::write(stray.join("x.csv"), "Jordan").unwrap();
        std::fs::write(
            dir.path().join(format!("{}4294967-x.tmp", crate::fsio::PARTIAL_PREFIX)),
            "x",
        )
        .unwrap();
        std::fs::write(dir.path().join("mine.csv"), "kept").unwrap();
        // The generic cleaner leaves a set's folder to the ledger's owner.
        crate::fsio::clean_leftovers(dir.path());
        assert!(stray.exists());
        let msgs = recover_unfinished(&s);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("removed"), "{}", msgs[0]);
        assert_eq!(entries(dir.path()), vec!["mine.csv".to_string()]);
    }

    #[test]
    fn a_full_disk_under_the_database_leaves_no_unrecorded_set() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.add_child(&a, &input("Jordan Smith")).unwrap();
        let p = last_week(s.now());
        s.stop_growing().unwrap();
        // Fill what room is left in the file's pages.
        let mut n = 0;
        while s
            .save_draft(&a, None, crate::store::drafts::INCIDENT, "x", &"y".repeat(500))
            .is_ok()
        {
            n += 1;
            assert!(n < 2000, "the disk never filled");
        }
        let dir = tempfile::tempdir().unwrap();
        let e = write(&mut s, &a, &p, dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("disk holding the records is full") && e.contains("nothing was put in"),
            "{e}"
        );
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
        assert!(!is_exported(&s, &p).unwrap());
    }

    #[test]
    fn only_managers_export() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let w = s
            .add_staff(&a, "Sam Night", crate::domain::Role::Staff, "night shift 1")
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = last_week(s.now());
        let e = write(&mut s, &actor(&w), &p, dir.path()).unwrap_err();
        assert!(e.to_string().contains("only a manager"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
