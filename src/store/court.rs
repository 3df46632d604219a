//! The YOS's own entries on a home's imported record (issue 20): a court appearance, the court's outcome (and
//! for a conviction the disposal), a breach of an order. Only a YOS's database holds them, and only a YOS
//! officer adds them: each is a row of `court_entries`, written through [`Store::write`] with the officer as the
//! actor (so audited, chained and signed like every write) and naming the YOS. The home's record (its
//! `incidents` row, its record and entries) is never touched, and no export set reads this table. A correction
//! is a new row that names the row it corrects; nothing is updated or deleted.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::settings::Role;
use super::{Actor, Result, Store, StoreError, parse_ts, ts};

/// Longest court name, order name and "what happened" / reason.
pub const COURT_MAX: usize = 80;
pub const WHAT_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtKind {
    Appearance,
    Outcome,
    Breach,
}

impl CourtKind {
    pub const ALL: [CourtKind; 3] = [CourtKind::Appearance, CourtKind::Outcome, CourtKind::Breach];

    pub fn code(self) -> &'static str {
        match self {
            CourtKind::Appearance => "appearance",
            CourtKind::Outcome => "outcome",
            CourtKind::Breach => "breach",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CourtKind::Appearance => "Court appearance",
            CourtKind::Outcome => "Court outcome",
            CourtKind::Breach => "Breach of an order",
        }
    }

    pub fn from_code(s: &str) -> Option<CourtKind> {
        CourtKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// What the court decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtResult {
    Convicted,
    NotGuilty,
    Dismissed,
    Withdrawn,
}

impl CourtResult {
    pub const ALL: [CourtResult; 4] = [
        CourtResult::Convicted,
        CourtResult::NotGuilty,
        CourtResult::Dismissed,
        CourtResult::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CourtResult::Convicted => "convicted",
            CourtResult::NotGuilty => "not_guilty",
            CourtResult::Dismissed => "dismissed",
            CourtResult::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CourtResult::Convicted => "Convicted",
            CourtResult::NotGuilty => "Not guilty",
            CourtResult::Dismissed => "Dismissed",
            CourtResult::Withdrawn => "Withdrawn",
        }
    }

    pub fn from_code(s: &str) -> Option<CourtResult> {
        CourtResult::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// The sentence on a conviction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposal {
    ReferralOrder,
    YouthRehabilitationOrder,
    DetentionAndTraining,
    Fine,
    Discharge,
    Other,
}

impl Disposal {
    pub const ALL: [Disposal; 6] = [
        Disposal::ReferralOrder,
        Disposal::YouthRehabilitationOrder,
        Disposal::DetentionAndTraining,
        Disposal::Fine,
        Disposal::Discharge,
        Disposal::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Disposal::ReferralOrder => "referral_order",
            Disposal::YouthRehabilitationOrder => "youth_rehabilitation_order",
            Disposal::DetentionAndTraining => "detention_and_training_order",
            Disposal::Fine => "fine",
            Disposal::Discharge => "discharge",
            Disposal::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Disposal::ReferralOrder => "Referral order",
            Disposal::YouthRehabilitationOrder => "Youth rehabilitation order",
            Disposal::DetentionAndTraining => "Detention and training order",
            Disposal::Fine => "Fine",
            Disposal::Discharge => "Discharge",
            Disposal::Other => "Other",
        }
    }

    pub fn from_code(s: &str) -> Option<Disposal> {
        Disposal::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// What an officer adds (the fields that do not belong to the kind stay empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtInput {
    pub kind: CourtKind,
    pub on: NaiveDate,
    /// Appearance: the court.
    pub court: String,
    /// Outcome: what the court decided; for a conviction, the disposal.
    pub result: Option<CourtResult>,
    pub disposal: Option<Disposal>,
    /// Breach: which order, and what happened.
    pub order: String,
    pub what: String,
    /// A correction: the entry it replaces (same record, same kind), and why.
    pub corrects: Option<i64>,
    pub reason: String,
}

impl CourtInput {
    pub fn new(kind: CourtKind, on: NaiveDate) -> CourtInput {
        CourtInput {
            kind,
            on,
            court: String::new(),
            result: None,
            disposal: None,
            order: String::new(),
            what: String::new(),
            corrects: None,
            reason: String::new(),
        }
    }
}

/// One entry as stored, with the record's home and child (for the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtEntry {
    pub id: i64,
    pub uid: String,
    pub incident_id: i64,
    pub kind: CourtKind,
    pub on: NaiveDate,
    pub court: String,
    pub result: Option<CourtResult>,
    pub disposal: Option<Disposal>,
    pub order: String,
    pub what: String,
    pub corrects: Option<i64>,
    pub reason: String,
    /// The YOS that added it, and the officer.
    pub service: String,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// A later entry corrects this one.
    pub corrected: bool,
    pub home_uid: String,
    pub child_id: i64,
}

impl CourtEntry {
    /// One line for the screen (cleaned for display by the caller's `text::display`).
    pub fn summary(&self) -> String {
        let d = crate::time::show_date(self.on);
        match self.kind {
            CourtKind::Appearance => format!("Court appearance {d}: {}", self.court),
            CourtKind::Outcome => match (self.result, self.disposal) {
                (Some(r), Some(x)) => format!("Court outcome {d}: {}, {}", r.label(), x.label()),
                (Some(r), None) => format!("Court outcome {d}: {}", r.label()),
                _ => format!("Court outcome {d}"),
            },
            CourtKind::Breach => format!("Breach {d}: {}: {}", self.order, self.what),
        }
    }

    /// A conviction that stands (an outcome entry not corrected since).
    pub fn is_conviction(&self) -> bool {
        self.kind == CourtKind::Outcome && self.result == Some(CourtResult::Convicted) && !self.corrected
    }
}

const COLS: &str = "c.id, c.uid, c.incident_id, c.kind, c.on_date, c.court, c.result, c.disposal, c.order_name, \
    c.what, c.corrects, c.reason, c.service, c.by_name, c.at, \
    EXISTS (SELECT 1 FROM court_entries x WHERE x.corrects = c.id), i.home_uid, i.child_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CourtEntry> {
    let kind: String = r.get(3)?;
    let on: String = r.get(4)?;
    let result: String = r.get(6)?;
    let disposal: String = r.get(7)?;
    let at: String = r.get(14)?;
    Ok(CourtEntry {
        id: r.get(0)?,
        uid: r.get(1)?,
        incident_id: r.get(2)?,
        kind: CourtKind::from_code(&kind).unwrap_or(CourtKind::Appearance),
        on: NaiveDate::parse_from_str(&on, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
        court: r.get(5)?,
        result: CourtResult::from_code(&result),
        disposal: Disposal::from_code(&disposal),
        order: r.get(8)?,
        what: r.get(9)?,
        corrects: r.get(10)?,
        reason: r.get(11)?,
        service: r.get(12)?,
        by: r.get(13)?,
        at: parse_ts(&at).unwrap_or_default(),
        corrected: r.get(15)?,
        home_uid: r.get(16)?,
        child_id: r.get(17)?,
    })
}

fn checked(what: &str, s: &str, max: usize, required: bool) -> Result<String> {
    let v = crate::text::clean_checked(s, false, max)
        .map_err(|e| StoreError::Invalid(format!("{what} is too long ({} characters; at most {}).", e.len, e.max)))?;
    let v = v.trim().to_string();
    if required && v.is_empty() {
        return Err(StoreError::Invalid(format!("{what} is needed.")));
    }
    Ok(v)
}

impl Store {
    /// Refuse what only a YOS does (its own court entries) on a home's database. `what` completes "a home does
    /// not …".
    pub fn require_yos(&self, what: &str) -> Result<()> {
        if self.role()? != Role::Yos {
            return Err(StoreError::NotAllowed(format!(
                "This is a home's database: a home does not {what}. The YOS adds them in its own copy of \
                 concordat."
            )));
        }
        Ok(())
    }

    /// Add a YOS entry to an imported record, attributed to `actor` (a YOS officer) and the YOS. Checked: a
    /// YOS's database, a named officer, a record imported from a home, the date neither in the future nor before
    /// the incident, the kind's fields, and a correction names an uncorrected entry of the same kind on the same
    /// record, with a reason.
    pub fn add_court_entry(&mut self, actor: &Actor, incident_id: i64, input: &CourtInput) -> Result<CourtEntry> {
        self.require_yos("add court appearances, court outcomes or breaches")?;
        let Some(by_id) = actor.staff_id else {
            return Err(StoreError::NotAllowed(
                "a YOS entry must name the officer who adds it: sign in first.".into(),
            ));
        };
        let detail = self.incident(incident_id)?;
        let service = self.home()?.map(|h| h.name).unwrap_or_default();
        let occurred = crate::time::local_date(detail.current.occurred_at);
        let today = crate::time::local_date(self.now());
        if input.on > today {
            return Err(StoreError::Invalid(format!(
                "The date {} is in the future: give the day it happened.",
                crate::time::show_date(input.on)
            )));
        }
        if input.on < occurred {
            return Err(StoreError::Invalid(format!(
                "The date {} is before the incident ({}).",
                crate::time::show_date(input.on),
                crate::time::show_date(occurred)
            )));
        }
        let mut court = String::new();
        let (mut result, mut disposal) = (String::new(), String::new());
        let (mut order, mut what) = (String::new(), String::new());
        match input.kind {
            CourtKind::Appearance => court = checked("The court", &input.court, COURT_MAX, true)?,
            CourtKind::Outcome => {
                let r = input
                    .result
                    .ok_or_else(|| StoreError::Invalid("Say what the court decided.".into()))?;
                match (r, input.disposal) {
                    (CourtResult::Convicted, None) => {
                        return Err(StoreError::Invalid("Say what the court gave (the disposal).".into()));
                    }
                    (CourtResult::Convicted, Some(d)) => disposal = d.code().to_string(),
                    (_, Some(_)) => {
                        return Err(StoreError::Invalid("A disposal is given only on a conviction.".into()));
                    }
                    (_, None) => {}
                }
                result = r.code().to_string();
            }
            CourtKind::Breach => {
                order = checked("Which order", &input.order, COURT_MAX, true)?;
                what = checked("What happened", &input.what, WHAT_MAX, true)?;
            }
        }
        let reason = checked(
            "The reason for the correction",
            &input.reason,
            WHAT_MAX,
            input.corrects.is_some(),
        )?;
        if input.corrects.is_none() && !reason.is_empty() {
            return Err(StoreError::Invalid("A reason is given only with a correction.".into()));
        }
        let uid = crate::domain::new_uid();
        let on = input.on.format("%Y-%m-%d").to_string();
        let kind = input.kind;
        let corrects = input.corrects;
        let id = self.write(actor, |w| {
            if let Some(c) = corrects {
                let found: Option<(i64, String, bool)> = w
                    .conn()
                    .query_row(
                        "SELECT incident_id, kind, EXISTS (SELECT 1 FROM court_entries x WHERE x.corrects = c.id) \
                         FROM court_entries c WHERE c.id = ?1",
                        [c],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                match found {
                    Some((inc, k, false)) if inc == incident_id && k == kind.code() => {}
                    Some((_, _, true)) => {
                        return Err(StoreError::Invalid(
                            "That entry was corrected already: correct the newer one.".into(),
                        ));
                    }
                    _ => {
                        return Err(StoreError::Invalid(
                            "A correction must name an entry of the same kind on this record.".into(),
                        ));
                    }
                }
            }
            w.insert(
                "court_entries",
                "INSERT INTO court_entries (uid, incident_id, kind, on_date, court, result, disposal, order_name, \
                 what, corrects, reason, service, by_name, by_id, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    uid,
                    incident_id,
                    kind.code(),
                    on,
                    court,
                    result,
                    disposal,
                    order,
                    what,
                    corrects,
                    reason,
                    service,
                    w.actor.name,
                    by_id,
                    ts(w.now)
                ],
            )
        })?;
        self.court_entry(id)
    }

    pub fn court_entry(&self, id: i64) -> Result<CourtEntry> {
        self.conn
            .query_row(
                &format!("SELECT {COLS} FROM court_entries c JOIN incidents i ON i.id = c.incident_id WHERE c.id = ?1"),
                [id],
                row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("YOS entry {id}")))
    }

    /// The YOS's entries on one record, oldest first (corrected ones too, marked).
    pub fn court_entries(&self, incident_id: i64) -> Result<Vec<CourtEntry>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM court_entries c JOIN incidents i ON i.id = c.incident_id \
             WHERE c.incident_id = ?1 ORDER BY c.id"
        ))?;
        let v = s.query_map([incident_id], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// The entries that stand (not corrected since) dated from `first` to `last` inclusive, for the report.
    /// Empty on a home's database (it holds none).
    pub fn court_entries_between(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<CourtEntry>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM court_entries c INDEXED BY court_entries_date JOIN incidents i ON i.id = c.incident_id \
             WHERE c.on_date >= ?1 AND c.on_date <= ?2 \
             AND NOT EXISTS (SELECT 1 FROM court_entries x WHERE x.corrects = c.id) ORDER BY c.on_date, c.id"
        ))?;
        let v = s
            .query_map(
                params![
                    first.format("%Y-%m-%d").to_string(),
                    last.format("%Y-%m-%d").to_string()
                ],
                row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::staff::Setup;
    use crate::store::staff::tests::actor;

    /// A new YOS's database, Northshire YOS, and its officer Kim Officer.
    pub(crate) fn northshire_yos() -> (Store, Actor) {
        let mut y = Store::open_in_memory().unwrap();
        let (m, _) = y
            .setup_as(
                &Setup {
                    home_name: "Northshire YOS",
                    ofsted_urn: "",
                    manager_name: "Kim Officer",
                    passphrase: "correct horse",
                },
                Role::Yos,
                false,
            )
            .unwrap();
        (y, actor(&m))
    }

    pub(crate) fn d(s: &str) -> NaiveDate {
        crate::time::parse_date(s).unwrap()
    }

    /// A YOS's database holding one imported home's record: (yos, officer, incident id, the home's store).
    pub(crate) fn yos_with_record() -> (Store, Actor, i64, Store, Actor) {
        let (mut home, a) = crate::report::tests::home();
        let (mut y, officer) = northshire_yos();
        home.set_clock(Some(crate::report::tests::local("30/11/2026", "12:00")));
        let w = crate::time::Period::parse_week("2026-W47").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = crate::export::write(&mut home, &a, &w, dir.path()).unwrap();
        let json = std::fs::read(&out.files[1]).unwrap();
        y.set_clock(Some(crate::report::tests::local("30/11/2026", "13:00")));
        crate::export::import::import(&mut y, &officer, &json).unwrap();
        let id: i64 = y
            .conn
            .query_row("SELECT id FROM incidents ORDER BY occurred_at, id LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        (y, officer, id, home, a)
    }

    fn appearance(on: &str, court: &str) -> CourtInput {
        let mut i = CourtInput::new(CourtKind::Appearance, d(on));
        i.court = court.into();
        i
    }

    #[test]
    fn a_yos_officer_adds_entries_attributed_audited_and_the_record_is_untouched() {
        let (mut y, officer, id, _home, _) = yos_with_record();
        let before: (String, String) = y
            .conn
            .query_row("SELECT record, current FROM incidents WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let e = y
            .add_court_entry(&officer, id, &appearance("25/11/2026", "Northshire Youth Court"))
            .unwrap();
        assert_eq!((e.by.as_str(), e.service.as_str()), ("Kim Officer", "Northshire YOS"));
        let mut o = CourtInput::new(CourtKind::Outcome, d("27/11/2026"));
        o.result = Some(CourtResult::Convicted);
        o.disposal = Some(Disposal::ReferralOrder);
        y.add_court_entry(&officer, id, &o).unwrap();
        let after: (String, String) = y
            .conn
            .query_row("SELECT record, current FROM incidents WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(before, after, "the home's record is never changed");
        let audited: i64 = y
            .conn
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE entity = 'court_entries' AND staff_name = 'Kim Officer'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 2, "each entry is audited as the officer's");
        assert!(y.verify().unwrap().is_sound(), "chained and signed like every write");
        let v = y.court_entries(id).unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[1].is_conviction());
    }

    #[test]
    fn yos_entries_never_travel_in_any_export_set() {
        let (mut y, officer, id, mut home, a) = yos_with_record();
        let mut b = CourtInput::new(CourtKind::Breach, d("20/11/2026"));
        b.order = "Referral order ZZORDER".into();
        b.what = "Missed the panel ZZWHAT".into();
        let e = y.add_court_entry(&officer, id, &b).unwrap();
        y.add_court_entry(&officer, id, &appearance("20/11/2026", "ZZCOURT Youth Court"))
            .unwrap();
        let week = crate::time::Period::parse_week("2026-W47").unwrap();
        let marks = [
            "ZZORDER",
            "ZZWHAT",
            "ZZCOURT",
            e.uid.as_str(),
            "court_entries",
            "breach",
        ];
        // A YOS sends no weekly file; and what an export would build from its database carries none of them.
        let dir = tempfile::tempdir().unwrap();
        assert!(crate::export::write(&mut y, &officer, &week, dir.path()).is_err());
        let built = crate::export::build(&y, &week).unwrap();
        for f in [&built.csv, &built.json, &built.manifest] {
            let t = String::from_utf8_lossy(f);
            for m in marks {
                assert!(!t.contains(m), "{m} in a YOS's export: {t}");
            }
        }
        // The home's own set, written after, carries none either (its database has none), and the import format
        // has no place for them.
        home.set_clock(Some(crate::report::tests::local("30/11/2026", "14:00")));
        let out = crate::export::write(&mut home, &a, &week, dir.path()).unwrap();
        for f in &out.files {
            let t = std::fs::read_to_string(f).unwrap();
            for m in &marks[..4] {
                assert!(!t.contains(m), "{m} in the home's set");
            }
        }
        let schema = include_str!("../../assets/export.schema.json");
        for m in ["court_entries", "appearance", "breach", "disposal"] {
            assert!(!schema.contains(m), "the import format has no {m}");
        }
    }

    #[test]
    fn a_yos_entry_changed_or_removed_with_plain_sql_is_caught_by_verify() {
        for sql in [
            "UPDATE court_entries SET result = 'not_guilty', disposal = '' WHERE kind = 'outcome'",
            "DELETE FROM court_entries WHERE kind = 'appearance'",
        ] {
            let (mut y, officer, id, _home, _) = yos_with_record();
            y.add_court_entry(&officer, id, &appearance("20/11/2026", "Youth Court"))
                .unwrap();
            let mut o = CourtInput::new(CourtKind::Outcome, d("20/11/2026"));
            o.result = Some(CourtResult::Convicted);
            o.disposal = Some(Disposal::Fine);
            y.add_court_entry(&officer, id, &o).unwrap();
            assert!(y.verify().unwrap().is_sound());
            y.conn.execute_batch(sql).unwrap();
            assert!(!y.verify().unwrap().is_sound(), "{sql} is caught");
        }
    }

    #[test]
    fn a_home_database_refuses_yos_entries_and_writes_nothing() {
        let (mut home, a) = crate::report::tests::home();
        let id: i64 = home
            .conn
            .query_row("SELECT id FROM incidents ORDER BY occurred_at, id LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        let n = |s: &Store| -> i64 {
            s.conn
                .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
                .unwrap()
        };
        let before = n(&home);
        let e = home
            .add_court_entry(&a, id, &appearance("20/11/2026", "Youth Court"))
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
        assert!(e.to_string().contains("home's database"), "{e}");
        assert_eq!(before, n(&home));
    }

    #[test]
    fn dates_fields_and_corrections_are_checked() {
        let (mut y, officer, id, _home, _) = yos_with_record();
        // The first W47 record is Mon 16/11/2026; the clock says 30/11/2026.
        for (input, says) in [
            (appearance("01/12/2026", "Youth Court"), "future"),
            (appearance("15/11/2026", "Youth Court"), "before the incident"),
            (appearance("20/11/2026", "  "), "court is needed"),
            (CourtInput::new(CourtKind::Outcome, d("20/11/2026")), "decided"),
            (
                {
                    let mut o = CourtInput::new(CourtKind::Outcome, d("20/11/2026"));
                    o.result = Some(CourtResult::Convicted);
                    o
                },
                "disposal",
            ),
            (
                {
                    let mut o = CourtInput::new(CourtKind::Outcome, d("20/11/2026"));
                    o.result = Some(CourtResult::Withdrawn);
                    o.disposal = Some(Disposal::Fine);
                    o
                },
                "only on a conviction",
            ),
            (CourtInput::new(CourtKind::Breach, d("20/11/2026")), "order is needed"),
        ] {
            let e = y.add_court_entry(&officer, id, &input).unwrap_err();
            assert!(e.to_string().contains(says), "{e} / {says}");
        }
        assert!(y.court_entries(id).unwrap().is_empty(), "nothing half-written");
        // A system actor names nobody.
        let e = y
            .add_court_entry(&Actor::system("test"), id, &appearance("20/11/2026", "Youth Court"))
            .unwrap_err();
        assert!(e.to_string().contains("officer"), "{e}");

        // A correction is a new entry naming the old one; the old one stays, marked corrected.
        let first = y
            .add_court_entry(&officer, id, &appearance("20/11/2026", "Youth Court"))
            .unwrap();
        let mut c = appearance("21/11/2026", "Northshire Youth Court");
        c.corrects = Some(first.id);
        let e = y.add_court_entry(&officer, id, &c).unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        c.reason = "Wrong day typed".into();
        let second = y.add_court_entry(&officer, id, &c).unwrap();
        assert_eq!(second.corrects, Some(first.id));
        let again = y.add_court_entry(&officer, id, &c).unwrap_err();
        assert!(again.to_string().contains("corrected already"), "{again}");
        let v = y.court_entries(id).unwrap();
        assert!(v[0].corrected && !v[1].corrected);
        let standing = y.court_entries_between(d("16/11/2026"), d("30/11/2026")).unwrap();
        assert_eq!(standing.len(), 1);
        assert_eq!(standing[0].on, d("21/11/2026"));
        let mut breach = CourtInput::new(CourtKind::Breach, d("22/11/2026"));
        breach.order = "Referral order".into();
        breach.what = "Missed two appointments".into();
        breach.corrects = Some(second.id);
        breach.reason = "x".into();
        let e = y.add_court_entry(&officer, id, &breach).unwrap_err();
        assert!(e.to_string().contains("same kind"), "{e}");
    }
}
